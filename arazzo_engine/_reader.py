"""Turn YAML or JSON text into JSON values that remember where they came from.

PyYAML implements YAML 1.1, whose implicit typing turns ``yes`` into ``True``,
``2024-01-01`` into a date and ``1.0`` into a float, and its composer recurses
once per nesting level. Arazzo asks for YAML 1.2 with the JSON-schema tag set
(FMT-03), and descriptions come from untrusted authors (FMT-08). So only
PyYAML's event stream is used; this module composes the values itself,
iteratively, with YAML 1.2 core-schema scalars, string keys, duplicate-key
detection and limits on size, nesting and alias expansion.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from ._exceptions import DocumentSyntaxError, DocumentTooLarge

__all__ = ["LoadLimits", "ParsedText", "Position", "escape_pointer_token", "parse_text"]

try:  # The C event parser is several times faster; fall back when libyaml is absent.
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class LoadLimits:
    """Bounds that keep hostile documents from exhausting the machine."""

    max_bytes: int = 16 * 1024 * 1024
    max_depth: int = 200
    max_nodes: int = 2_000_000  # counts every node an alias expands to


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True, slots=True)
class ParsedText:
    """The JSON value of a document and the position of each of its nodes.

    ``positions`` maps the JSON Pointer of every node to where its value
    starts; ``key_positions`` maps the pointer of every mapping member to
    where its key starts.
    """

    value: Any
    positions: Mapping[str, Position] = field(default_factory=dict)
    key_positions: Mapping[str, Position] = field(default_factory=dict)

    def locate(self, pointer: str, *, key: bool = False) -> Position:
        """Where ``pointer`` starts, or its nearest located ancestor.

        Nodes reached through a YAML alias have no position of their own, so
        the search walks up to the alias.
        """
        table = self.key_positions if key else self.positions
        probe = pointer
        while True:
            found = table.get(probe)
            if found is not None:
                return found
            if key:
                table, key = self.positions, False
                continue
            if not probe:
                return Position(1, 1)
            probe = probe.rsplit("/", 1)[0]


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), less
# .inf and .nan, which JSON cannot hold; such scalars stay strings.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")

_STANDARD_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {"str", "int", "float", "bool", "null"}


def _resolve_plain(text: str) -> Any:
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT10.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        number = float(text)
        return number if math.isfinite(number) else text
    return text


class _Frame:
    __slots__ = ("anchor", "container", "nodes", "pending_key", "pointer")

    def __init__(self, container: Any, pointer: str, anchor: str | None) -> None:
        self.container = container
        self.pointer = pointer
        self.anchor = anchor
        self.pending_key: str | None = None
        self.nodes = 1


def parse_text(
    text: str, *, uri: str, limits: LoadLimits | None = None, json_only: bool = False
) -> ParsedText:
    """Parse ``text`` (YAML 1.2 or JSON) into JSON values with positions.

    With ``json_only`` (a ``.json`` file, or a JSON media type) the text must
    be strict JSON. Raises DocumentSyntaxError for malformed text, duplicate or non-string
    keys and tags outside the JSON schema; DocumentTooLarge past a limit.
    """
    limits = limits or LoadLimits()
    if len(text) > limits.max_bytes:
        raise DocumentTooLarge(
            f"document is {len(text)} characters; the limit is {limits.max_bytes}", uri=uri
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    stripped = text.lstrip()
    is_json = False
    if json_only or stripped.startswith(("{", "[")):
        is_json = _check_json(text, uri, final=json_only)
    try:
        return _compose(text, uri, limits)
    except yaml.MarkedYAMLError as error:
        if is_json:
            # Valid JSON that PyYAML's YAML 1.1 scanner rejects (rare escapes such
            # as "\/"): keep JSON's reading, located at the root only.
            return ParsedText(json.loads(text), {"": Position(1, 1)})
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        # libyaml stops at its own depth bound (1000) before the composer sees the events.
        kind = DocumentTooLarge if "nesting depth" in problem else DocumentSyntaxError
        if kind is DocumentTooLarge:
            problem = f"document nests deeper than {limits.max_depth} levels"
        raise kind(
            problem if kind is DocumentTooLarge else f"YAML syntax error: {problem}",
            uri=uri,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as error:
        raise DocumentSyntaxError(f"YAML syntax error: {error}", uri=uri) from None


def _check_json(text: str, uri: str, *, final: bool) -> bool:
    """Report JSON syntax errors in JSON's own terms.

    A document that starts with ``{`` or ``[`` may also be YAML flow style, a
    superset of JSON; unless the text must be JSON (``final``), the YAML
    reading stands and this only raises when YAML would fail as well.
    """
    try:
        json.loads(text, object_pairs_hook=_reject_duplicate_members)
    except RecursionError:
        return False  # nested too deep for json; the composer's nesting limit reports it
    except json.JSONDecodeError as error:
        try:
            if final:
                raise yaml.YAMLError
            for _ in yaml.parse(text, Loader=_Loader):
                pass
        except yaml.YAMLError:
            raise DocumentSyntaxError(
                f"JSON syntax error: {error.msg}", uri=uri, line=error.lineno, column=error.colno
            ) from None
        return False
    except _DuplicateMember:
        return False  # the YAML composer reports it, with its position
    return True


class _DuplicateMember(ValueError):
    pass


def _reject_duplicate_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateMember
    return result


def _compose(text: str, uri: str, limits: LoadLimits) -> ParsedText:
    positions: dict[str, Position] = {}
    key_positions: dict[str, Position] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    total_nodes = 0

    def add(value: Any, nodes: int, event: yaml.Event, anchor: str | None) -> None:
        nonlocal root, total_nodes
        total_nodes += nodes
        if total_nodes > limits.max_nodes:
            raise DocumentTooLarge(
                f"document expands to more than {limits.max_nodes} nodes "
                "(YAML aliases repeated too often?)",
                uri=uri,
                **_where(event),
            )
        if anchor is not None:
            anchors[anchor] = (value, nodes)
        if not stack:
            root = value
            return
        parent = stack[-1]
        parent.nodes += nodes
        if isinstance(parent.container, list):
            parent.container.append(value)
        else:
            key = parent.pending_key
            assert key is not None
            parent.container[key] = value
            parent.pending_key = None

    def child_pointer() -> str:
        if not stack:
            return ""
        parent = stack[-1]
        if isinstance(parent.container, list):
            return f"{parent.pointer}/{len(parent.container)}"
        assert parent.pending_key is not None
        return f"{parent.pointer}/{escape_pointer_token(parent.pending_key)}"

    def expecting_key() -> bool:
        return (
            bool(stack)
            and isinstance(stack[-1].container, dict)
            and (stack[-1].pending_key is None)
        )

    def set_key(key: str, event: yaml.Event) -> None:
        frame = stack[-1]
        if key in frame.container:
            first = key_positions.get(f"{frame.pointer}/{escape_pointer_token(key)}")
            where = f" (first at line {first.line})" if first else ""
            raise DocumentSyntaxError(
                f"duplicate key {key!r}{where}",
                uri=uri,
                **_where(event),
            )
        frame.pending_key = key
        key_positions[f"{frame.pointer}/{escape_pointer_token(key)}"] = _position(event)

    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise DocumentSyntaxError(
                    "a file must hold one YAML document, found a second '---'",
                    uri=uri,
                    **_where(event),
                )
        elif isinstance(event, yaml.ScalarEvent):
            if expecting_key():
                set_key(_key_text(event, uri), event)
                continue
            pointer = child_pointer()
            positions[pointer] = _position(event)
            add(_scalar_value(event, uri), 1, event, event.anchor)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise DocumentSyntaxError(
                    f"alias *{event.anchor} names no anchor defined before it",
                    uri=uri,
                    **_where(event),
                )
            value, nodes = anchors[event.anchor]
            if expecting_key():
                if not isinstance(value, str):
                    _raise_bad_key(event, uri)
                set_key(value, event)
                continue
            positions[child_pointer()] = _position(event)
            add(value, nodes, event, None)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if expecting_key():
                _raise_bad_key(event, uri)
            _check_collection_tag(event, uri)
            if len(stack) >= limits.max_depth:
                raise DocumentTooLarge(
                    f"document nests deeper than {limits.max_depth} levels",
                    uri=uri,
                    **_where(event),
                )
            pointer = child_pointer()
            positions[pointer] = _position(event)
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            stack.append(_Frame(container, pointer, event.anchor))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = stack.pop()
            # The frame's own count was kept in frame.nodes; add() counts it once more.
            total_nodes -= frame.nodes - 1
            add(frame.container, frame.nodes, event, frame.anchor)
    return ParsedText(root, positions, key_positions)


def _where(event: yaml.Event) -> dict[str, int]:
    mark = event.start_mark
    return {"line": mark.line + 1, "column": mark.column + 1} if mark else {}


def _position(event: yaml.Event) -> Position:
    return Position(**_where(event)) if event.start_mark else Position(1, 1)


def _raise_bad_key(event: yaml.Event, uri: str) -> None:
    raise DocumentSyntaxError(
        "mapping keys must be strings; a mapping or sequence cannot be a key",
        uri=uri,
        **_where(event),
    )


def _key_text(event: yaml.ScalarEvent, uri: str) -> str:
    # Keys are strings (FMT-03): `200:` under `responses` is the string "200".
    tag = event.tag
    if tag not in (None, "!") and not (
        tag.startswith(_STANDARD_TAG) and tag[len(_STANDARD_TAG) :] in _SCALAR_TAGS
    ):
        _raise_bad_tag(event, uri)
    return str(event.value)


def _scalar_value(event: yaml.ScalarEvent, uri: str) -> Any:
    tag = event.tag
    plain, _quoted = event.implicit
    if tag in (None, "!"):
        if not event.style and plain:  # the C parser reports plain style as ''
            return _resolve_plain(event.value)
        return event.value
    if not tag.startswith(_STANDARD_TAG) or tag[len(_STANDARD_TAG) :] not in _SCALAR_TAGS:
        _raise_bad_tag(event, uri)
    kind = tag[len(_STANDARD_TAG) :]
    if kind == "str":
        return event.value
    resolved = _resolve_plain(event.value)
    wanted: dict[str, tuple[type, ...]] = {
        "int": (int,),
        "float": (float, int),
        "bool": (bool,),
        "null": (type(None),),
    }
    if (isinstance(resolved, bool) and kind != "bool") or not isinstance(resolved, wanted[kind]):
        raise DocumentSyntaxError(
            f"{event.value!r} is not a valid !!{kind}",
            uri=uri,
            **_where(event),
        )
    if kind == "float":
        assert isinstance(resolved, int | float)
        return float(resolved)
    return resolved


def _check_collection_tag(event: yaml.CollectionStartEvent, uri: str) -> None:
    expected = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
    if event.tag not in (None, "!", _STANDARD_TAG + expected):
        _raise_bad_tag(event, uri)


def _raise_bad_tag(event: yaml.NodeEvent, uri: str) -> None:
    tag = getattr(event, "tag", None)
    raise DocumentSyntaxError(
        f"YAML tag {tag!r} is outside the JSON schema; only !!str, !!int, !!float, !!bool, "
        "!!null, !!map and !!seq are allowed",
        uri=uri,
        **_where(event),
    )
