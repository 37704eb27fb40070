"""Criteria of every type, compiled once: simple, regex, JSONPath, XPath (and 1.1's JSON
Pointer), and 1.1 Selector Objects.

- ``simple``: the condition grammar of ``_expressions`` (docs/conditions.md); a ``context``
  is not used (CRIT-02).
- ``regex``: ECMA-262 in Unicode mode, searched in the context's text (``_regex``, CRIT-03).
- ``jsonpath``: RFC 9535, or ``draft-goessner-dispatch-jsonpath-00`` on request; a query
  passes when its nodelist is not empty, a logical expression when it is true
  (``_jsonpath``, CRIT-04).
- ``xpath``: XPath 3.1, 3.0, 2.0 or 1.0; passes by the Effective Boolean Value of the
  chosen version (``_xpath``, CRIT-05).
- ``jsonpointer`` (1.1, through an Expression Type Object): passes when the pointer names a
  value in the context.

Everything that can be parsed is parsed by ``compile_criterion``, which raises
ExpressionSyntaxError (with the column) for a malformed context, condition, pattern, query or
expression, so a validator reports it where it is written. ``CompiledCriterion.evaluate``
never raises: an undefined or null context, a context of the wrong kind, a library error, all
make the criterion fail with the reason recorded (CRIT-06). A condition embedding ``{$...}``
(CRIT-08; only ``{$`` opens one) is rendered at each evaluation and the text it renders to is
compiled then, once per distinct text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import unquote

from jsonpointer import JsonPointer, JsonPointerException

from ._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from ._expressions import (
    MISSING,
    EvaluationContext,
    RuntimeExpression,
    Template,
    compile_condition,
    compile_expression,
    compile_template,
    to_text,
)
from ._regex import ECMA_262, EcmaRegex, compile_regex
from ._words import json_kind

if TYPE_CHECKING:
    from ._jsonpath import JSONPathCondition
    from ._xpath import CompiledXPath, XMLDocument

# `_jsonpath` (python-jsonpath) and `_xpath` (elementpath, lxml) are imported where they are
# first needed: together they take about a fifth of a second to import, and most documents
# use neither, so `arazzo validate` starts without them.

__all__ = [
    "CRITERION_TYPES",
    "DEFAULT_VERSIONS",
    "SELECTOR_TYPES",
    "CompiledCriterion",
    "CompiledSelector",
    "CriterionResult",
    "apply_xpath_replacement",
    "compile_criterion",
    "compile_selector",
    "jsonpath_query",
    "jsonpointer_get",
]

RFC6901 = "rfc6901"
SIMPLE = "simple"

CRITERION_TYPES = ("simple", "regex", "jsonpath", "xpath", "jsonpointer")
SELECTOR_TYPES = ("jsonpath", "xpath", "jsonpointer")
DEFAULT_VERSIONS = {
    "simple": SIMPLE,
    "regex": ECMA_262,
    "jsonpath": "rfc9535",
    "xpath": "xpath-31",
    "jsonpointer": RFC6901,
}
# The versions an Expression Type Object may name (the same as `_jsonpath.JSONPATH_VERSIONS`
# and `_xpath.XPATH_VERSIONS`, which a test checks). `simple` and `regex` have none.
_VERSIONS: dict[str, tuple[str, ...]] = {
    "jsonpath": ("rfc9535", "draft-goessner-dispatch-jsonpath-00"),
    "xpath": ("xpath-31", "xpath-30", "xpath-20", "xpath-10"),
    "jsonpointer": (RFC6901,),
}
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_SHOWN_CHARACTERS = 120

TypeSpec = str | Mapping[str, Any]  # a type name, or an Expression Type Object


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """Whether a criterion passed; when it did not, ``reason`` says why, in words."""

    passed: bool
    reason: str | None = None


_PASSED = CriterionResult(True)


class CompiledCriterion:
    """One Criterion Object, compiled; ``evaluate`` never raises.

    ``expressions`` are the runtime expressions it reads (its context and any embedded
    ``{$...}``), for static checks. ``notes`` says where the text leaves the spec's dialect
    in a way that is still read unambiguously, for a validator's warning.
    """

    __slots__ = ("_evaluate", "condition", "expressions", "notes", "type", "version")

    condition: str
    type: str
    version: str
    expressions: tuple[RuntimeExpression, ...]
    notes: tuple[str, ...]
    _evaluate: Callable[[EvaluationContext], CriterionResult]

    def __init__(
        self,
        condition: str,
        *,
        type: str,
        version: str,
        expressions: tuple[RuntimeExpression, ...],
        notes: tuple[str, ...],
        evaluate: Callable[[EvaluationContext], CriterionResult],
    ) -> None:
        object.__setattr__(self, "condition", condition)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "version", version)
        object.__setattr__(self, "expressions", expressions)
        object.__setattr__(self, "notes", notes)
        object.__setattr__(self, "_evaluate", evaluate)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CompiledCriterion is immutable; cannot set {name!r}")

    def __repr__(self) -> str:
        return (
            f"CompiledCriterion({self.condition!r}, type={self.type!r}, version={self.version!r})"
        )

    def evaluate(self, context: EvaluationContext) -> CriterionResult:
        """Passed, or failed with the reason; never raises (CRIT-06)."""
        try:
            return self._evaluate(context)
        except Exception as error:  # a criterion fails; it never takes the run down
            return CriterionResult(False, f"{self.condition}: evaluation failed: {error}")


def compile_criterion(
    condition: str,
    *,
    context: str | None = None,
    type: TypeSpec = "simple",
    version: str | None = None,
    arazzo_version: str = "1.0",
    strict: bool = False,
) -> CompiledCriterion:
    """Compile a Criterion Object's ``condition``, ``context`` and ``type``.

    ``type`` is a type name (``simple``, ``regex``, ``jsonpath``, ``xpath``; ``jsonpointer``
    from 1.1) or an Expression Type Object (``{"type": ..., "version": ...}``); ``version``
    is that object's version when the caller has already unpacked it (None: the type's
    default, RFC 9535 for JSONPath and XPath 3.1). ``arazzo_version`` ("1.0" or "1.1")
    chooses the runtime-expression grammar. ``strict`` refuses a simple condition's
    tolerated dialect (double-quoted strings, the legacy ``{...}`` wrapping).

    Raises ExpressionSyntaxError for a malformed context, condition, regular expression,
    JSONPath query, XPath expression or JSON Pointer, and ValueError for an unknown type or
    version, or a missing context.
    """
    kind, chosen = _type_and_version(type, version, CRITERION_TYPES, "criterion")
    if kind == "jsonpointer" and arazzo_version.startswith("1.0"):
        raise ValueError("a jsonpointer criterion is new in Arazzo 1.1 (Expression Type Object)")
    if kind == SIMPLE:
        return _compile_simple(condition, arazzo_version, strict)
    if context is None or not context.strip():
        raise ValueError(f"a {kind} criterion needs a context (the value it applies to)")
    context_expression, notes = _compile_context(context, arazzo_version)
    dialect = _DIALECTS[kind]
    template, template_notes = _embedded(condition, arazzo_version, dialect, chosen)
    compiled = None if template is not None else dialect.compile(condition, chosen)
    evaluate = _TypedEvaluator(
        condition, chosen, dialect, context_expression, compiled, template
    ).evaluate
    expressions = (context_expression, *(template.expressions if template else ()))
    return CompiledCriterion(
        condition,
        type=kind,
        version=chosen,
        expressions=expressions,
        notes=notes + template_notes,
        evaluate=evaluate,
    )


def _compile_simple(condition: str, arazzo_version: str, strict: bool) -> CompiledCriterion:
    compiled = compile_condition(condition, version=arazzo_version, strict=strict)

    def evaluate(context: EvaluationContext) -> CriterionResult:
        result = compiled.evaluate(context)
        return _PASSED if result.passed else CriterionResult(False, result.reason)

    return CompiledCriterion(
        condition,
        type=SIMPLE,
        version=SIMPLE,
        expressions=compiled.expressions,
        notes=compiled.notes,
        evaluate=evaluate,
    )


def _type_and_version(
    type: TypeSpec, version: str | None, allowed: tuple[str, ...], what: str
) -> tuple[str, str]:
    if isinstance(type, Mapping):
        named_version = type.get("version")
        if version is not None and named_version is not None and version != named_version:
            raise ValueError(f"two versions given: {named_version!r} and {version!r}")
        kind, version = type.get("type"), version if version is not None else named_version
    else:
        kind = type or SIMPLE
    if not isinstance(kind, str) or kind not in allowed:
        raise ValueError(f"unknown {what} type {kind!r}; expected one of {list(allowed)}")
    if version is None:
        return kind, DEFAULT_VERSIONS[kind]
    versions = _VERSIONS.get(kind, ())
    if version not in versions:
        expected = f"one of {list(versions)}" if versions else "none (it has no versions)"
        raise ValueError(f"unknown {kind} version {version!r}; expected {expected}")
    return kind, version


def _compile_context(text: str, arazzo_version: str) -> tuple[RuntimeExpression, tuple[str, ...]]:
    """The context's runtime expression, and a note when it was written in braces."""
    stripped = text.strip()
    if not stripped:
        raise ExpressionSyntaxError(text, 1, "a runtime expression (the context)")
    offset = text.index(stripped[0])
    braced = stripped.startswith("{$") and stripped.endswith("}") and stripped.count("{") == 1
    if braced:
        stripped, offset = stripped[1:-1], offset + 1
    try:
        expression = compile_expression(stripped, version=arazzo_version)
    except ExpressionSyntaxError as error:
        raise ExpressionSyntaxError(text, offset + error.column, error.expected) from None
    if braced:
        # EMB-03: a context is a bare expression; a braced one is read as meant, and noted.
        return expression, (f"the context {text!r} is in braces; a context is a bare expression",)
    return expression, ()


def _embedded(
    condition: str, arazzo_version: str, dialect: _Dialect[Any], version: str
) -> tuple[Template | None, tuple[str, ...]]:
    """The template of a condition embedding ``{$...}`` (CRIT-08), or None.

    A ``{$`` that no ``}`` follows cannot open one: the end of the regular expression ``\\{$``
    (a literal brace at the end of the text) is such a case. The condition is then read as
    written when it is valid that way, and the note says so.
    """
    if "{$" not in condition:
        return None, ()
    try:
        template = compile_template(condition, version=arazzo_version)
    except ExpressionSyntaxError as error:
        opened = condition.index("{$")
        if "}" in condition[opened:]:
            raise
        try:
            dialect.compile(condition, version)
        except ExpressionSyntaxError:
            raise error from None
        return None, (
            f"'{{$' at column {opened + 1} is not closed, so it opens no runtime expression; "
            "it is read as part of the condition",
        )
    return (template if template.expressions else None), ()


# --- dialects ----------------------------------------------------------------------------------

_Compiled = TypeVar("_Compiled")


class _Unusable(Exception):
    """The context is not a value this kind of criterion or selector can read."""


@dataclass(frozen=True, slots=True)
class _Dialect(Generic[_Compiled]):
    """What a criterion type does with its condition and its context.

    ``compile(text, version)`` parses the condition (ExpressionSyntaxError); ``subject``
    turns the context's value into what the condition applies to (_Unusable when it cannot);
    ``check(compiled, subject, text)`` is None when the condition holds, else why not.
    """

    compile: Callable[[str, str], _Compiled]
    subject: Callable[[Any], Any]
    check: Callable[[_Compiled, Any, str], str | None]


class _TypedEvaluator:
    """Evaluates a regex, jsonpath, xpath or jsonpointer criterion."""

    __slots__ = ("_compiled", "_condition", "_context", "_dialect", "_template", "_version")

    def __init__(
        self,
        condition: str,
        version: str,
        dialect: _Dialect[Any],
        context: RuntimeExpression,
        compiled: Any,
        template: Template | None,
    ) -> None:
        self._condition = condition
        self._version = version
        self._dialect = dialect
        self._context = context
        self._compiled = compiled
        self._template = template

    def evaluate(self, context: EvaluationContext) -> CriterionResult:
        expression = self._context
        try:
            value = expression.evaluate(context)
        except ExpressionEvaluationError as error:
            return CriterionResult(
                False, f"the context {expression.text} is undefined: {error.reason}"
            )
        if value is None or value is MISSING:
            return CriterionResult(False, f"the context {expression.text} is null")
        try:
            subject = self._dialect.subject(value)
        except _Unusable as problem:
            return CriterionResult(False, f"the context {expression.text} is {problem}")
        compiled, text = self._compiled, self._condition
        if self._template is not None:
            try:
                text = self._template.render(context)
            except ExpressionEvaluationError as error:
                return CriterionResult(False, f"{error.expression} is undefined: {error.reason}")
            try:
                compiled = self._dialect.compile(text, self._version)
            except ExpressionSyntaxError as error:
                return CriterionResult(
                    False,
                    f"with its values in, the condition reads {text!r}, which does not parse: "
                    f"at column {error.column}: expected {error.expected}",
                )
        try:
            reason = self._dialect.check(compiled, subject, text)
        except ExpressionEvaluationError as error:
            return CriterionResult(False, f"{text}: {error.reason}")
        return _PASSED if reason is None else CriterionResult(False, reason)


def _compile_jsonpath(text: str, version: str) -> JSONPathCondition:
    from ._jsonpath import compile_jsonpath_condition

    # Surrounding whitespace (a YAML block scalar's final newline) is not part of the query;
    # RFC 9535 itself allows none.
    stripped = text.strip()
    try:
        return compile_jsonpath_condition(stripped, version)
    except ExpressionSyntaxError as error:
        if stripped == text:
            raise
        offset = len(text) - len(text.lstrip())
        raise ExpressionSyntaxError(text, error.column + offset, error.expected) from None


def _check_regex(regex: EcmaRegex, text: str, condition: str) -> str | None:
    if regex.search(text):
        return None
    return f"/{condition}/ does not match {_show(text)}"


def _check_jsonpath(condition: JSONPathCondition, data: Any, text: str) -> str | None:
    if condition.holds(data):
        return None
    if condition.query is not None:
        return f"{text} selects nothing in {_show(data)}"
    return f"{text} is false for {_show(data)}"


def _check_xpath(xpath: CompiledXPath, document: XMLDocument, text: str) -> str | None:
    reason = xpath.check(document)
    return None if reason is None else f"{text} {reason}"


def _check_pointer(tokens: tuple[str, ...], data: Any, text: str) -> str | None:
    _resolve(tokens, data, text)
    return None


def _compile_regex(text: str, _version: str) -> EcmaRegex:
    return compile_regex(text)


def _compile_xpath(text: str, version: str) -> CompiledXPath:
    from ._xpath import compile_xpath

    return compile_xpath(text, version)


def _compile_pointer(text: str, _version: str) -> tuple[str, ...]:
    return _pointer_tokens(text)


# --- contexts ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A regex's subject: a string as it is, bytes as UTF-8, anything else as its JSON text
    (``200``, ``true``, compact JSON for objects and arrays)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return _decoded(value)
    return to_text(value)


def _json(value: Any) -> Any:
    """A JSON value; a string holding a JSON text is parsed first (CRIT-04)."""
    if isinstance(value, bytes | bytearray):
        value = _decoded(value)
    if isinstance(value, str):
        try:
            return json.loads(value, parse_constant=_not_json)
        except ValueError:
            return value
    return value


def _xml(value: Any) -> XMLDocument:
    """An XML document: text or bytes are parsed; a parsed document is used as it is."""
    from ._xpath import as_document

    try:
        document = as_document(value)
    except ValueError as error:
        raise _Unusable(str(error)) from None
    if document is None:
        raise _Unusable(f"{json_kind(value)}, not an XML document")
    return document


def _decoded(data: bytes | bytearray) -> str:
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise _Unusable("binary data, not UTF-8 text") from None


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else to_text(value)
    if len(text) > _SHOWN_CHARACTERS:
        text = text[: _SHOWN_CHARACTERS - 3] + "..."
    return repr(text) if isinstance(value, str) else text


_DIALECTS: dict[str, _Dialect[Any]] = {
    "regex": _Dialect(_compile_regex, _text, _check_regex),
    "jsonpath": _Dialect(_compile_jsonpath, _json, _check_jsonpath),
    "xpath": _Dialect(_compile_xpath, _xml, _check_xpath),
    "jsonpointer": _Dialect(_compile_pointer, _json, _check_pointer),
}


# --- selectors (1.1) ---------------------------------------------------------------------------


class CompiledSelector:
    """A 1.1 Selector Object, compiled: a value picked out of its context.

    - ``jsonpath``: an RFC 9535 *singular query* (names and indexes only, so at most one
      node) gives the value of its node; any other query gives the list of the values of
      its nodes, in nodelist order, which may be empty.
    - ``xpath``: one item gives its value (an element's text content, an attribute's
      value, an atomic value); several give the list of their values.
    - ``jsonpointer``: the value the pointer names.

    ``evaluate`` raises ExpressionEvaluationError when the context is undefined, null or of
    the wrong kind, when a singular query, XPath or pointer selects nothing, or when the
    selection fails.
    """

    __slots__ = ("_context", "_select", "expressions", "notes", "selector", "type", "version")

    selector: str
    type: str
    version: str
    expressions: tuple[RuntimeExpression, ...]
    notes: tuple[str, ...]
    _context: RuntimeExpression
    _select: Callable[[Any, str], Any]

    def __init__(
        self,
        context: RuntimeExpression,
        selector: str,
        *,
        type: str,
        version: str,
        select: Callable[[Any, str], Any],
        notes: tuple[str, ...] = (),
    ) -> None:
        object.__setattr__(self, "_context", context)
        object.__setattr__(self, "selector", selector)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "version", version)
        object.__setattr__(self, "_select", select)
        object.__setattr__(self, "expressions", (context,))
        object.__setattr__(self, "notes", notes)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CompiledSelector is immutable; cannot set {name!r}")

    def __repr__(self) -> str:
        return f"CompiledSelector({self._context.text!r}, {self.selector!r}, type={self.type!r})"

    def evaluate(self, context: EvaluationContext) -> Any:
        expression = self._context
        value = expression.evaluate(context)
        where = f"{self.selector} (in {expression.text})"
        if value is None or value is MISSING:
            raise ExpressionEvaluationError(where, f"the context {expression.text} is null")
        try:
            return self._select(value, where)
        except ExpressionEvaluationError:
            raise
        except _Unusable as problem:
            raise ExpressionEvaluationError(
                where, f"the context {expression.text} is {problem}"
            ) from None
        except Exception as error:
            raise ExpressionEvaluationError(where, f"evaluation failed: {error}") from None


def compile_selector(
    context: str,
    selector: str,
    *,
    type: TypeSpec,
    version: str | None = None,
    arazzo_version: str = "1.1",
) -> CompiledSelector:
    """Compile a Selector Object's ``context``, ``selector`` and ``type`` (a type name or an
    Expression Type Object; ``version`` None gives the type's default).

    Raises ExpressionSyntaxError for a malformed context or selector, ValueError for an
    unknown type or version.
    """
    kind, chosen = _type_and_version(type, version, SELECTOR_TYPES, "selector")
    context_expression, notes = _compile_context(context, arazzo_version)
    select: Callable[[Any, str], Any]
    if kind == "jsonpath":
        select = _jsonpath_selection(selector, chosen)
    elif kind == "xpath":
        select = _xpath_selection(selector, chosen)
    else:
        tokens = _pointer_tokens(selector)

        def select(value: Any, where: str) -> Any:
            return _resolve(tokens, _json(value), where)

    return CompiledSelector(
        context_expression, selector, type=kind, version=chosen, select=select, notes=notes
    )


def _jsonpath_selection(selector: str, version: str) -> Callable[[Any, str], Any]:
    from ._jsonpath import compile_jsonpath_query

    stripped = selector.strip()
    try:
        query = compile_jsonpath_query(stripped, version)
    except ExpressionSyntaxError as error:
        offset = len(selector) - len(selector.lstrip())
        raise ExpressionSyntaxError(selector, error.column + offset, error.expected) from None

    def select(value: Any, where: str) -> Any:
        values = query.values(_json(value))
        if not query.singular:
            return values
        if not values:
            raise ExpressionEvaluationError(where, "it selects nothing")
        return values[0]

    return select


def _xpath_selection(selector: str, version: str) -> Callable[[Any, str], Any]:
    from ._xpath import compile_xpath, items_of, xpath_value

    xpath = compile_xpath(selector, version)

    def select(value: Any, where: str) -> Any:
        values = [xpath_value(item) for item in items_of(xpath.select(_xml(value)))]
        if not values:
            raise ExpressionEvaluationError(where, "it selects nothing")
        return values[0] if len(values) == 1 else values

    return select


# --- helpers for the runner ---------------------------------------------------------------------


def jsonpath_query(query: str, data: Any) -> list[Any]:
    """The values an RFC 9535 query selects in the JSON value ``data``, in nodelist order
    (a string is a string value, not JSON text).

    ExpressionSyntaxError for a query that is not RFC 9535 (well-typedness included);
    ExpressionEvaluationError when the library cannot finish (a recursion limit).
    """
    from ._jsonpath import jsonpath_query as query_values

    return query_values(query, data)


def apply_xpath_replacement(
    xml_text: str, xpath: str, value: Any, *, version: str | None = None
) -> str:
    """``xml_text`` with every node ``xpath`` selects set to ``value`` (BODY-05): an element's
    content becomes the value as text, an attribute's value becomes the value; the rest of the
    document is kept as written. ``version`` is an XPath version (``xpath-31`` by default).

    ExpressionSyntaxError for a malformed XPath; ExpressionEvaluationError when the payload
    is not XML, the expression fails, or it selects no element or attribute.
    """
    from ._xpath import apply_xpath_replacement as replace

    return replace(xml_text, xpath, value, version=version)


# --- JSON Pointer ------------------------------------------------------------------------------


def jsonpointer_get(pointer: str, data: Any) -> Any:
    """The value an RFC 6901 JSON Pointer names in ``data``; a pointer may be written in its
    URI fragment form (``#/a%20b``).

    ExpressionEvaluationError, saying where, when the pointer is malformed or names nothing
    (``-``, the element after an array's last, names nothing).
    """
    try:
        tokens = _pointer_tokens(pointer)
    except ExpressionSyntaxError as error:
        raise ExpressionEvaluationError(pointer, f"expected {error.expected}") from None
    return _resolve(tokens, data, pointer)


def _pointer_tokens(pointer: str) -> tuple[str, ...]:
    """The unescaped reference tokens; ExpressionSyntaxError for a malformed pointer."""
    text = unquote(pointer[1:]) if pointer.startswith("#") else pointer
    try:
        return tuple(JsonPointer(text).parts)
    except JsonPointerException as error:
        bad_escape = re.search(r"~(?![01])", pointer)
        column = bad_escape.start() + 1 if bad_escape and text.startswith("/") else 1
        raise ExpressionSyntaxError(
            pointer, column, f"an RFC 6901 JSON Pointer ({error})"
        ) from None


def _resolve(tokens: tuple[str, ...], data: Any, where: str) -> Any:
    value = data
    for depth, token in enumerate(tokens):
        at = _location(tokens[:depth])
        if isinstance(value, Mapping):
            if token not in value:
                raise ExpressionEvaluationError(where, f"the object at {at} has no {token!r}")
            value = value[token]
        elif isinstance(value, list | tuple):
            if not _ARRAY_INDEX.fullmatch(token):
                detail = " ('-' is the element after the last)" if token == "-" else ""
                raise ExpressionEvaluationError(
                    where, f"{token!r} names no element of the array at {at}{detail}"
                )
            if int(token) >= len(value):
                raise ExpressionEvaluationError(
                    where, f"the array at {at} has {len(value)} elements, so no [{token}]"
                )
            value = value[int(token)]
        else:
            raise ExpressionEvaluationError(
                where, f"the value at {at} is {json_kind(value)}, which has no {token!r}"
            )
    return value


def _location(tokens: tuple[str, ...]) -> str:
    if not tokens:
        return "the root"
    return "/" + "/".join(token.replace("~", "~0").replace("/", "~1") for token in tokens)
