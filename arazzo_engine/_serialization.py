"""OpenAPI parameter serialization: ``style`` and ``explode`` for path, query, header and cookie.

Follows the "Style Values" and "Style Examples" tables of OpenAPI 3.0 and 3.1 (PARAM-04).
Each function returns the text to place in the URL or header; query styles return the
``(name, value)`` pairs, because ``form`` with ``explode`` and ``deepObject`` produce several.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

__all__ = ["DEFAULT_STYLES", "scalar_text", "serialize_path", "serialize_query", "serialize_simple"]

DEFAULT_STYLES = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}

# RFC 3986 unreserved characters never need escaping; `allowReserved` keeps the reserved ones.
_RESERVED = ":/?#[]@!$&'()*+,;="


def scalar_text(value: Any) -> str:
    """A primitive as text the way OpenAPI examples write it (``true``, ``null`` is empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _escape(text: str, allow_reserved: bool = False) -> str:
    return quote(text, safe=_RESERVED if allow_reserved else "")


def serialize_simple(value: Any, explode: bool, escape: bool = False) -> str:
    """``simple`` style (path and header): ``a,b`` for arrays; ``k,v`` or ``k=v`` for objects."""
    encode = _escape if escape else (lambda text: text)
    if isinstance(value, list):
        return ",".join(encode(scalar_text(item)) for item in value)
    if isinstance(value, Mapping):
        if explode:
            return ",".join(f"{encode(str(k))}={encode(scalar_text(v))}" for k, v in value.items())
        return ",".join(f"{encode(str(k))},{encode(scalar_text(v))}" for k, v in value.items())
    return encode(scalar_text(value))


def serialize_path(name: str, value: Any, style: str, explode: bool) -> str:
    """The text that replaces ``{name}`` in a path template, percent-encoded."""
    if style == "simple":
        return serialize_simple(value, explode, escape=True)
    if style == "label":
        separator = "." if explode else ","
        if isinstance(value, Mapping):
            joiner = "=" if explode else ","
            items = [
                f"{_escape(str(k))}{joiner}{_escape(scalar_text(v))}" for k, v in value.items()
            ]
            return "." + separator.join(items)
        if isinstance(value, list):
            return "." + separator.join(_escape(scalar_text(item)) for item in value)
        return "." + _escape(scalar_text(value))
    if style == "matrix":
        if isinstance(value, Mapping):
            if explode:
                return "".join(
                    f";{_escape(str(k))}={_escape(scalar_text(v))}" for k, v in value.items()
                )
            pairs = ",".join(
                f"{_escape(str(k))},{_escape(scalar_text(v))}" for k, v in value.items()
            )
            return f";{name}={pairs}"
        if isinstance(value, list):
            if explode:
                return "".join(f";{name}={_escape(scalar_text(item))}" for item in value)
            return f";{name}=" + ",".join(_escape(scalar_text(item)) for item in value)
        text = scalar_text(value)
        return f";{name}" if text == "" else f";{name}={_escape(text)}"
    raise ValueError(f"style {style!r} is not a path style (simple, label, matrix)")


def serialize_query(name: str, value: Any, style: str, explode: bool) -> list[tuple[str, str]]:
    """The query pairs for one parameter; the caller percent-encodes them."""
    if style == "form":
        if isinstance(value, Mapping):
            if explode:
                return [(str(k), scalar_text(v)) for k, v in value.items()]
            return [(name, ",".join(f"{k},{scalar_text(v)}" for k, v in value.items()))]
        if isinstance(value, list):
            if explode:
                return [(name, scalar_text(item)) for item in value]
            return [(name, ",".join(scalar_text(item) for item in value))]
        return [(name, scalar_text(value))]
    if style in ("spaceDelimited", "pipeDelimited"):
        separator = " " if style == "spaceDelimited" else "|"
        if isinstance(value, list):
            if explode:
                return [(name, scalar_text(item)) for item in value]
            return [(name, separator.join(scalar_text(item) for item in value))]
        if isinstance(value, Mapping):
            return [
                (name, separator.join(f"{k}{separator}{scalar_text(v)}" for k, v in value.items()))
            ]
        return [(name, scalar_text(value))]
    if style == "deepObject":
        if not isinstance(value, Mapping):
            return [(name, scalar_text(value))]
        pairs: list[tuple[str, str]] = []
        for key, item in value.items():
            if isinstance(item, Mapping):
                pairs.extend(serialize_query(f"{name}[{key}]", item, "deepObject", explode))
            elif isinstance(item, list):
                pairs.extend((f"{name}[{key}]", scalar_text(element)) for element in item)
            else:
                pairs.append((f"{name}[{key}]", scalar_text(item)))
        return pairs
    raise ValueError(
        f"style {style!r} is not a query style (form, spaceDelimited, pipeDelimited, deepObject)"
    )
