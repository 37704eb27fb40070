"""RFC 6901 JSON Pointers, split once and walked without parsing again.

A pointer is compiled into *steps*: each reference token, unescaped, with the array index
it denotes (or -1 when it is not an index: RFC 6901 allows only ``0`` or a digit string
without a leading zero). Walking the steps is then a dictionary or list lookup per token.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .._exceptions import ExpressionEvaluationError
from .._words import json_kind

__all__ = ["Step", "compile_steps", "pointer_tokens", "resolve_pointer_tokens", "walk"]

Step = tuple[str, int]  # (reference token, array index or -1)


def pointer_tokens(pointer: str) -> tuple[str, ...]:
    """The unescaped reference tokens of ``pointer`` (``/a~1b/0`` gives ``("a/b", "0")``)."""
    if not pointer:
        return ()
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/"))


def _index(token: str) -> int:
    if token.isascii() and token.isdigit() and (token == "0" or token[0] != "0"):
        return int(token)
    return -1


def compile_steps(tokens: tuple[str, ...]) -> tuple[Step, ...]:
    return tuple((token, _index(token)) for token in tokens)


def resolve_pointer_tokens(value: Any, tokens: tuple[str, ...], expression: str) -> Any:
    """Walk RFC 6901 reference tokens (already unescaped) into ``value``.

    ExpressionEvaluationError, naming ``expression``, when a token is not there.
    """
    return walk(value, compile_steps(tokens), expression)


def walk(value: Any, steps: tuple[Step, ...], expression: str) -> Any:
    """Follow ``steps`` into ``value``; ExpressionEvaluationError when one is not there.

    A string that holds JSON (a body whose media type did not say so) is read as JSON
    first; any other string cannot be pointed into.
    """
    if steps and isinstance(value, str):
        value = _parsed(value, expression)
    for token, index in steps:
        if type(value) is dict or isinstance(value, Mapping):
            try:
                value = value[token]
            except KeyError:
                raise ExpressionEvaluationError(
                    expression, f"no member {token!r} (there are: {_names(value)})"
                ) from None
        elif type(value) is list or isinstance(value, tuple):
            if index < 0:
                raise ExpressionEvaluationError(
                    expression, f"{token!r} is not an array index (0, 1, 2, ...)"
                )
            if index >= len(value):
                raise ExpressionEvaluationError(
                    expression, f"index {index} is past the end of a {len(value)}-item array"
                )
            value = value[index]
        else:
            raise ExpressionEvaluationError(
                expression, f"cannot look up {token!r} in {json_kind(value)}"
            )
    return value


def _parsed(text: str, expression: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ExpressionEvaluationError(
            expression, "the value is text, not JSON, so a JSON Pointer cannot apply"
        ) from None


def _names(mapping: Mapping[str, Any]) -> str:
    names = [repr(name) for name in list(mapping)[:10]]
    if len(mapping) > 10:
        names.append("...")
    return ", ".join(names) or "none"
