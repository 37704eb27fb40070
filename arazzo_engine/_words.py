"""Describing JSON values in words, for messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["json_kind"]


def json_kind(value: Any) -> str:
    """``null``, ``a boolean``, ``an object``, ``an array``, ``a string`` or ``a number``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"
