"""Keeping secrets out of results, reports and logs.

A ``Masker`` knows the secret values of one run (secret inputs, credentials, fetched tokens)
and the header names that always carry secrets. Everything a run records passes through it.
A secret is also found in the forms it takes on the wire: percent-encoded (in a URL or a
form body) and JSON-escaped (in a JSON body).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "MIN_SECRET_LENGTH", "Masker", "is_secret_name", "secret_inputs"]

MASK = "***"
# Shorter values would mask ordinary text everywhere ("1", "id", "yes") and protect little.
MIN_SECRET_LENGTH = 4

# A name says it holds a secret when it is, or ends in, a credential word: `apiKey`,
# `api_key`, `x-api-key`, `secretKey`, `accessToken`, `password`, `clientSecret`. A name
# that merely contains "key" (`workflowKey`, `sortKey`, `idempotencyKey`) is not a secret,
# unless the word before it names a credential.
_SECRET_NAME = re.compile(
    r"(?:^|[^a-z])(?:api|secret|private|access|signing|client|auth|master|encryption)"
    r"[-_]?key(?:$|[^a-z])|^key$|token|secret|passw|credential",
    re.IGNORECASE,
)
_SECRET_HEADER_NAME = re.compile(r"key|token|secret|passw|auth", re.IGNORECASE)
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization"})
_COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})
# "Bearer abc", "Basic dXNlcg==", "Digest username=..": the scheme word is no secret.
_SCHEME_WORD = re.compile(r"^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+\S")


def is_secret_name(name: str) -> bool:
    """Whether a member or input name says it holds a secret (an API key, a token, a
    secret, a password)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)  # apiKey -> api_Key
    return _SECRET_NAME.search(spaced) is not None


def secret_inputs(schema: Any, inputs: Mapping[str, Any]) -> set[str]:
    """The values of ``inputs`` that are secrets.

    An input is a secret when its schema property says ``format: password`` or its name
    contains key, token, secret or password (``apiKey``, ``api_key``, ``accessToken``);
    only string values of at least ``MIN_SECRET_LENGTH`` characters are taken.
    """
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    properties = properties if isinstance(properties, Mapping) else {}
    secrets: set[str] = set()
    for name, value in inputs.items():
        declared = properties.get(name)
        is_password = isinstance(declared, Mapping) and declared.get("format") == "password"
        if (is_password or is_secret_name(str(name))) and (
            isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH
        ):
            secrets.add(value)
    return secrets


def _wire_forms(secret: str) -> set[str]:
    """The secret as written into a URL, a form body or a JSON string."""
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}


class Masker:
    """Replaces known secret values with ``***``; immutable (``with_secrets`` returns anew)."""

    __slots__ = ("_extra_headers", "_pattern", "_secrets")

    def __init__(
        self, secrets: Iterable[str] = (), *, extra_header_names: Iterable[str] = ()
    ) -> None:
        self._secrets = frozenset(
            s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH
        )
        self._extra_headers = frozenset(name.lower() for name in extra_header_names)
        forms = {form for secret in self._secrets for form in _wire_forms(secret)}
        # Longest first, so that a secret containing another is masked whole.
        ordered = sorted(forms, key=lambda form: (-len(form), form))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    @property
    def secrets(self) -> frozenset[str]:
        return self._secrets

    def with_secrets(self, *values: str) -> Masker:
        """A masker that also hides ``values`` (a fetched token, a step's secret output)."""
        return Masker((*self._secrets, *values), extra_header_names=self._extra_headers)

    def text(self, value: str) -> str:
        """``value`` with every occurrence of a secret replaced by ``***``."""
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(MASK, value)

    def header(self, name: str, value: str) -> str:
        """One header value, masked by its name or, failing that, by the known secrets."""
        lower = name.lower()
        if lower in _COOKIE_HEADERS:
            return _mask_cookies(value, set_cookie=lower == "set-cookie")
        if (
            lower in _SECRET_HEADERS
            or lower in self._extra_headers
            or _SECRET_HEADER_NAME.search(lower)
        ):
            scheme = _SCHEME_WORD.match(value)
            return f"{scheme.group(1)} {MASK}" if scheme else MASK
        return self.text(value)

    def headers(self, headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        """Headers with ``Authorization``-like values replaced (the scheme word kept, as in
        ``Bearer ***``), cookie values hidden, and secrets masked in the rest."""
        return tuple((name, self.header(name, value)) for name, value in headers)

    def value(self, value: Any) -> Any:
        """A deep copy of a JSON-like value with strings masked and everything under a member
        whose name says key, token, secret or password replaced by ``***``."""
        return self._value(value, hidden=False)

    def _value(self, value: Any, *, hidden: bool) -> Any:
        if isinstance(value, Mapping):
            return {
                key: self._value(item, hidden=hidden or is_secret_name(str(key)))
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self._value(item, hidden=hidden) for item in value]
        if isinstance(value, tuple):
            return tuple(self._value(item, hidden=hidden) for item in value)
        if hidden and value is not None and not isinstance(value, bool):
            return MASK
        if isinstance(value, str):
            return self.text(value)
        return value


def _mask_cookies(value: str, *, set_cookie: bool) -> str:
    """Cookie names stay readable, their values do not. ``Set-Cookie`` attributes after the
    first pair (Path, Expires, HttpOnly...) are not secret and are kept."""
    pairs = value.split(";")
    masked = []
    for index, pair in enumerate(pairs):
        name, equals, _ = pair.partition("=")
        if set_cookie and index > 0:
            masked.append(pair)
        elif equals:
            masked.append(f"{name}={MASK}")
        elif pair.strip():
            masked.append(MASK)
        else:
            masked.append(pair)
    return ";".join(masked)
