"""Keeping secrets out of results, reports and logs.

A ``Masker`` knows the secret values of one run (inputs that are secrets, credentials) and
the header names that always carry secrets. Everything a run records passes through it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["MASK", "Masker", "secret_inputs"]

MASK = "***"
_SECRET_NAME = re.compile(r"key|token|secret|passw|auth|credential|cookie|session", re.IGNORECASE)
_ALWAYS_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
_SCHEME_WORD = re.compile(r"^(Bearer|Basic|Token|Digest|ApiKey)\s+", re.IGNORECASE)
MIN_SECRET_LENGTH = 4


def secret_inputs(schema: Any, inputs: Mapping[str, Any]) -> set[str]:
    """The string values of inputs that are secrets: ``format: password`` in the inputs
    schema, or a name that says key, token, secret or password."""
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    properties = properties if isinstance(properties, Mapping) else {}
    secrets: set[str] = set()
    for name, value in inputs.items():
        declared = properties.get(name)
        is_password = isinstance(declared, Mapping) and declared.get("format") == "password"
        named_secret = is_password or _SECRET_NAME.search(name)
        if named_secret and isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            secrets.add(value)
    return secrets


class Masker:
    """Replaces known secret values with ``***``; immutable (``with_secrets`` returns anew)."""

    __slots__ = ("_pattern", "secrets")

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = frozenset(s for s in secrets if len(s) >= MIN_SECRET_LENGTH)
        ordered = sorted(self.secrets, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    def with_secrets(self, *values: str) -> Masker:
        return Masker({*self.secrets, *values})

    def text(self, value: str) -> str:
        if self._pattern is None:
            return value
        return self._pattern.sub(MASK, value)

    def header(self, name: str, value: str) -> str:
        if name.lower() in _ALWAYS_SECRET_HEADERS or _SECRET_NAME.search(name):
            scheme = _SCHEME_WORD.match(value)
            return f"{scheme.group(1)} {MASK}" if scheme else MASK
        return self.text(value)

    def headers(self, headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        return tuple((name, self.header(name, value)) for name, value in headers)

    def value(self, value: Any, name: str = "") -> Any:
        """Deeply: strings masked; values under keys that name a secret masked whole."""
        if name and _SECRET_NAME.search(name) and isinstance(value, str | int | float):
            return MASK
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {key: self.value(item, str(key)) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value
