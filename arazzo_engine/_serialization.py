"""OpenAPI parameter serialization: ``style`` and ``explode`` for path, query, header, cookie.

Implements the "Style Values" and "Style Examples" tables of OpenAPI 3.0 to 3.2 (PARAM-04),
taking the corrected table of 3.1.1 / 3.2.0 where 3.1.0 printed errata (``label`` arrays and
objects without ``explode`` are comma-separated, as RFC 6570 defines them). Every function
takes an ``encode`` callable for the data parts, so that one call yields the text put on the
wire (``percent_encode``) and another the same text unescaped (``keep``), which is what
``$request.*`` reads back later; delimiters produced by the style are never encoded, except
the space and pipe of ``spaceDelimited`` and ``pipeDelimited``, which a URL cannot hold.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from ._words import json_kind

__all__ = [
    "DEFAULT_STYLES",
    "STYLES_BY_LOCATION",
    "SerializationError",
    "default_explode",
    "keep",
    "percent_encode",
    "scalar_text",
    "serialize_cookie",
    "serialize_header",
    "serialize_path",
    "serialize_query",
]

Encoder = Callable[[str], str]

DEFAULT_STYLES: Mapping[str, str] = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
}
STYLES_BY_LOCATION: Mapping[str, frozenset[str]] = {
    "path": frozenset({"matrix", "label", "simple"}),
    "query": frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"}),
    "header": frozenset({"simple"}),
    "cookie": frozenset({"form", "cookie"}),  # `cookie` is the OpenAPI 3.2 style
}

# RFC 3986 characters a query may hold literally: sub-delims, ':', '@', '/' and '?'.
# `allowReserved` keeps these; '#', '[' and ']' are reserved but would end or break a query.
_QUERY_RESERVED = "!$&'()*+,;=:@/?"
_PERCENT_TRIPLE = re.compile(r"(%[0-9A-Fa-f]{2})")


class SerializationError(ValueError):
    """A value cannot be serialized with the given style (an _n/a_ cell of the table)."""


def keep(text: str) -> str:
    """The identity encoder: the serialized text as the server will decode it."""
    return text


def percent_encode(text: str, *, allow_reserved: bool = False) -> str:
    """Percent-encode everything outside RFC 3986's unreserved set.

    With ``allow_reserved`` (RFC 6570 reserved expansion), reserved characters allowed in a
    query and existing ``%XX`` triples pass through unchanged.
    """
    if not allow_reserved:
        return quote(text, safe="")
    return "".join(
        part if _PERCENT_TRIPLE.fullmatch(part) else quote(part, safe=_QUERY_RESERVED)
        for part in _PERCENT_TRIPLE.split(text)
    )


def scalar_text(value: Any) -> str:
    """A primitive as OpenAPI examples write it: ``true``, ``3``, ``2.5``; null is empty.

    A structure nested inside an array or object has no style of its own; it is written
    as compact JSON.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        raise SerializationError(f"{value!r} cannot be sent: it is not a JSON number")
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def default_explode(style: str) -> bool:
    """``explode`` defaults to true for ``form`` (and 3.2 ``cookie``), false otherwise."""
    return style in ("form", "cookie")


def _is_undefined(value: Any) -> bool:
    # RFC 6570 treats null and empty lists and maps alike; OpenAPI's table shows their form.
    return value is None or (isinstance(value, list | tuple | Mapping) and not value)


def _items(value: Any, encode: Encoder) -> list[str]:
    return [encode(scalar_text(item)) for item in value]


def _pairs(value: Mapping[Any, Any], encode: Encoder) -> list[tuple[str, str]]:
    return [(encode(str(key)), encode(scalar_text(item))) for key, item in value.items()]


def serialize_path(name: str, value: Any, style: str, explode: bool, encode: Encoder) -> str:
    """The text that replaces ``{name}`` in the path template (``matrix``, ``label``,
    ``simple``)."""
    if style == "simple":
        return _simple(value, explode, encode)
    if style == "label":
        if _is_undefined(value):
            return "."
        if isinstance(value, Mapping):
            joiner = "=" if explode else ","
            parts = [f"{key}{joiner}{item}" for key, item in _pairs(value, encode)]
        elif isinstance(value, list | tuple):
            parts = _items(value, encode)
        else:
            return "." + encode(scalar_text(value))
        return "." + ("." if explode else ",").join(parts)
    if style == "matrix":
        label = encode(name)
        if _is_undefined(value):
            return f";{label}"
        if isinstance(value, Mapping):
            if explode:
                return "".join(f";{key}={item}" for key, item in _pairs(value, encode))
            flat = ",".join(f"{key},{item}" for key, item in _pairs(value, encode))
            return f";{label}={flat}"
        if isinstance(value, list | tuple):
            if explode:
                return "".join(f";{label}={item}" for item in _items(value, encode))
            return f";{label}=" + ",".join(_items(value, encode))
        text = scalar_text(value)
        # RFC 6570: an empty string still names the variable, without '='.
        return f";{label}" if text == "" else f";{label}={encode(text)}"
    raise SerializationError(f"style {style!r} is not a path style (matrix, label, simple)")


def _simple(value: Any, explode: bool, encode: Encoder) -> str:
    if _is_undefined(value):
        return ""
    if isinstance(value, Mapping):
        joiner = "=" if explode else ","
        return ",".join(f"{key}{joiner}{item}" for key, item in _pairs(value, encode))
    if isinstance(value, list | tuple):
        return ",".join(_items(value, encode))
    return encode(scalar_text(value))


def serialize_header(value: Any, explode: bool) -> str:
    """A header value: ``simple`` style, never percent-encoded (OpenAPI 3.2 makes this
    explicit: header values are passed through unchanged)."""
    return _simple(value, explode, keep)


def serialize_query(
    name: str, value: Any, style: str, explode: bool, encode: Encoder
) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs one query parameter contributes, both already encoded."""
    label = encode(name)
    if style == "form":
        if _is_undefined(value):
            return [(label, "")]
        if isinstance(value, Mapping):
            if explode:
                return _pairs(value, encode)
            return [(label, ",".join(f"{key},{item}" for key, item in _pairs(value, encode)))]
        if isinstance(value, list | tuple):
            if explode:
                return [(label, item) for item in _items(value, encode)]
            return [(label, ",".join(_items(value, encode)))]
        return [(label, encode(scalar_text(value)))]
    if style in ("spaceDelimited", "pipeDelimited"):
        delimiter = encode(" " if style == "spaceDelimited" else "|")
        if isinstance(value, Mapping) and value and not explode:
            flat = [part for pair in _pairs(value, encode) for part in pair]
            return [(label, delimiter.join(flat))]
        if isinstance(value, list | tuple) and value and not explode:
            return [(label, delimiter.join(_items(value, encode)))]
        # The table leaves primitives and `explode: true` undefined; they are sent as `form`.
        return serialize_query(name, value, "form", explode, encode)
    if style == "deepObject":
        if not isinstance(value, Mapping):
            raise SerializationError(
                f"style deepObject needs an object; the value is {json_kind(value)}"
            )
        return _deep_object(name, value, encode)
    raise SerializationError(
        f"style {style!r} is not a query style (form, spaceDelimited, pipeDelimited, deepObject)"
    )


def _deep_object(prefix: str, value: Mapping[Any, Any], encode: Encoder) -> list[tuple[str, str]]:
    # OpenAPI defines one level; nested objects continue the brackets and arrays repeat the
    # key, the convention most servers (Rails, qs, PHP) parse.
    pairs: list[tuple[str, str]] = []
    for key, item in value.items():
        label = f"{prefix}[{key}]"
        if isinstance(item, Mapping):
            pairs.extend(_deep_object(label, item, encode))
        elif isinstance(item, list | tuple):
            pairs.extend((encode(label), element) for element in _items(item, encode))
        else:
            pairs.append((encode(label), encode(scalar_text(item))))
    return pairs


def serialize_cookie(
    name: str, value: Any, style: str, explode: bool, encode: Encoder
) -> list[tuple[str, str]]:
    """The ``name=value`` pairs of the ``Cookie`` header for one cookie parameter.

    ``form`` percent-encodes values; the 3.2 ``cookie`` style passes them through. Exploded
    arrays and objects become separate cookies (``; ``-separated), as 3.2 defines for
    ``cookie`` style; the ``&`` that RFC 6570 form expansion would produce is never valid in a
    ``Cookie`` header.
    """
    if style not in ("form", "cookie"):
        raise SerializationError(f"style {style!r} is not a cookie style (form, cookie)")
    if style == "cookie":
        encode = keep
    if _is_undefined(value):
        return [(name, "")]
    if isinstance(value, Mapping):
        if explode:
            return _pairs(value, encode)
        return [(name, ",".join(f"{key},{item}" for key, item in _pairs(value, encode)))]
    if isinstance(value, list | tuple):
        if explode:
            return [(name, item) for item in _items(value, encode)]
        return [(name, ",".join(_items(value, encode)))]
    return [(name, encode(scalar_text(value)))]
