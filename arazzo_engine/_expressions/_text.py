"""How a value becomes text when it is embedded in a string (the 1.1 conversion rules)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["to_text"]

# JavaScript writes integral numbers below 1e21 without an exponent; so does this.
_PLAIN_INTEGRAL_LIMIT = 1e21


def to_text(value: Any) -> str:
    """Scalars as their JSON text, parsed structures as compact JSON, strings as they are.

    ``True`` is ``true``, ``None`` is ``null``, ``3`` and ``3.0`` are ``3``, ``2.5`` is
    ``2.5``; objects and arrays are RFC 8259 JSON without spaces; a string (for example an
    XML body kept as text) is inserted unchanged, and bytes are read as UTF-8.
    """
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool):
        return "null" if value is None else "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _number(value: float) -> str:
    if value.is_integer() and abs(value) < _PLAIN_INTEGRAL_LIMIT:
        return str(int(value))
    if math.isfinite(value):
        return json.dumps(value)
    # Not JSON; written the way JavaScript would.
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _plain(value: Any) -> Any:
    """``value`` as json.dumps takes it: any mapping as a dict, integral floats as ints (as
    JavaScript's JSON.stringify writes them), bytes as text, other objects as their str."""
    if isinstance(value, str | int | None):
        return value
    if isinstance(value, float):
        integral = value.is_integer() and abs(value) < _PLAIN_INTEGRAL_LIMIT
        return int(value) if integral else value
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
