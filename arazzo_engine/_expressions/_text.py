"""How a value becomes text when it is embedded in a string (the 1.1 conversion rules)."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["to_text"]


def to_text(value: Any) -> str:
    """Scalars as their JSON text, parsed structures as compact JSON, strings as they are.

    ``True`` is ``true``, ``None`` is ``null``, ``3`` is ``3`` and ``2.5`` is
    ``2.5``; a string (for example an XML body kept as text) is inserted as-is.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if value is None or isinstance(value, bool | int | float | dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)
