"""Criteria of every type, compiled once: simple, regex, JSONPath and XPath (and 1.1 selectors).

- simple: the condition grammar of ``_expressions`` (docs/conditions.md).
- regex: ECMA-262, as the spec's pending text (OAI #515, PR #516) proposes, through
  ``regress`` (a binding of a Rust ECMA-262 engine) rather than Python's ``re``, whose
  ``\\d``, ``$`` and ``\\p{...}`` differ. Search semantics, like ``RegExp.test`` (CRIT-03).
- jsonpath: RFC 9535 through python-jsonpath's strict environment, which passes all 703
  cases of the compliance suite (``tests/test_jsonpath_cts.py``). A query passes when its
  nodelist is not empty (OAI #423). A condition that is not a query but is an RFC 9535
  filter expression (``$.status == 'completed'``, as published documents write them) is
  evaluated as the filter ``$[?<condition>]`` over the context.
- xpath: XPath 1.0, 2.0, 3.0 and 3.1 through elementpath; passes by the Effective Boolean
  Value of the result (CRIT-05).

Evaluation never raises: a missing context, a context of the wrong kind or a failing
library call makes the criterion fail with the reason recorded (CRIT-06). Syntax errors
are raised when compiling, so the validator reports them with their location.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import elementpath
import jsonpath
import regress
from elementpath.xpath30 import XPath30Parser
from elementpath.xpath31 import XPath31Parser

from ._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from ._expressions import (
    EvaluationContext,
    MemberAccess,
    RuntimeExpression,
    Template,
    compile_condition,
    compile_member_access,
    compile_template,
    resolve_pointer_tokens,
    to_text,
)

__all__ = [
    "CompiledCriterion",
    "CompiledSelector",
    "CriterionResult",
    "apply_xpath_replacement",
    "compile_criterion",
    "compile_selector",
    "jsonpath_query",
    "jsonpointer_get",
]

JSONPATH_VERSIONS = ("rfc9535", "draft-goessner-dispatch-jsonpath-00")
XPATH_PARSERS: dict[str, type[elementpath.XPath1Parser]] = {
    "xpath-10": elementpath.XPath1Parser,
    "xpath-20": elementpath.XPath2Parser,
    "xpath-30": XPath30Parser,
    "xpath-31": XPath31Parser,
}
DEFAULT_VERSIONS = {
    "simple": "simple",
    "regex": "ecma-262",
    "jsonpath": "rfc9535",
    "xpath": "xpath-31",
    "jsonpointer": "rfc6901",
}

_RFC9535 = jsonpath.JSONPathEnvironment(strict=True)
# Goessner-style queries (draft-goessner-dispatch-jsonpath-00) are read by the library's
# permissive mode, a superset of RFC 9535 that accepts `?(@.x)` filters and the like.
_GOESSNER = jsonpath.JSONPathEnvironment()


@dataclass(frozen=True, slots=True)
class CriterionResult:
    passed: bool
    reason: str | None = None


class CompiledCriterion:
    """One criterion, compiled; ``evaluate`` never raises."""

    __slots__ = ("_check", "_context", "condition", "expressions", "notes", "type", "version")

    def __init__(
        self,
        condition: str,
        *,
        type: str,
        version: str,
        context: MemberAccess | None,
        check: Callable[[EvaluationContext, Any], CriterionResult],
        expressions: tuple[RuntimeExpression, ...],
        notes: tuple[str, ...] = (),
    ) -> None:
        self.condition = condition
        self.type = type
        self.version = version
        self._context = context
        self._check = check
        self.expressions = expressions
        self.notes = notes  # where a simple condition leaves the spec's dialect

    def evaluate(self, context: EvaluationContext) -> CriterionResult:
        subject: Any = None
        if self._context is not None:
            try:
                subject = self._context.evaluate(context)
            except ExpressionEvaluationError as error:
                return CriterionResult(
                    False, f"context {error.expression} is undefined: {error.reason}"
                )
            if subject is None:
                return CriterionResult(False, f"context {self._context.text} is null")
        try:
            return self._check(context, subject)
        except Exception as error:
            return CriterionResult(False, f"{self.condition}: evaluation failed: {error}")


def compile_criterion(
    condition: str,
    *,
    context: str | None = None,
    type: str = "simple",
    version: str | None = None,
    arazzo_version: str = "1.0",
) -> CompiledCriterion:
    """Compile a Criterion Object's fields (``type`` and ``version`` from a type object)."""
    kind = type or "simple"
    if kind not in DEFAULT_VERSIONS:
        raise ValueError(
            f"unknown criterion type {kind!r}; expected one of {list(DEFAULT_VERSIONS)}"
        )
    chosen = version or DEFAULT_VERSIONS[kind]
    context_expression = _compile_context(context, arazzo_version) if kind != "simple" else None
    if kind == "simple":
        compiled = compile_condition(condition, version=arazzo_version)

        def check_simple(evaluation: EvaluationContext, _subject: Any) -> CriterionResult:
            result = compiled.evaluate(evaluation)
            return CriterionResult(result.passed, result.reason)

        return CompiledCriterion(
            condition,
            type=kind,
            version=chosen,
            context=None,
            check=check_simple,
            expressions=compiled.expressions,
            notes=compiled.notes,
        )
    if context_expression is None:
        raise ValueError(f"a {kind} criterion needs a context")
    template = _embedded(condition, arazzo_version)
    builders = {
        "regex": _regex_check,
        "jsonpath": _jsonpath_check,
        "xpath": _xpath_check,
        "jsonpointer": _jsonpointer_check,
    }
    check = builders[kind](condition, chosen, template)
    expressions = (context_expression.expression, *(template.expressions if template else ()))
    return CompiledCriterion(
        condition,
        type=kind,
        version=chosen,
        context=context_expression,
        check=check,
        expressions=expressions,
    )


def _compile_context(context: str | None, arazzo_version: str) -> MemberAccess | None:
    """A criterion's or selector's context: one runtime expression, possibly followed by
    members (the 1.1 text's own regex example writes `$response.body.status`)."""
    if context is None:
        return None
    text = context.strip()
    if text.startswith("{$") and text.endswith("}"):
        text = text[1:-1]  # EMB-03: a braced context is read as the bare expression
    return compile_member_access(text, version=arazzo_version)


def _embedded(condition: str, arazzo_version: str) -> Template | None:
    """``{$...}`` inside a regex, JSONPath or XPath condition (CRIT-08), else None."""
    if "{$" not in condition:
        return None
    template = compile_template(condition, version=arazzo_version)
    return template if template.expressions else None


_Check = Callable[[EvaluationContext, Any], CriterionResult]


def _text_of(subject: Any) -> str:
    if isinstance(subject, str):
        return subject
    return to_text(subject)


def _regex_check(condition: str, version: str, template: Template | None) -> _Check:
    if version != "ecma-262":
        raise ValueError(f"unknown regex version {version!r}")
    compiled = None if template else _compile_regex(condition)

    def check(evaluation: EvaluationContext, subject: Any) -> CriterionResult:
        pattern = compiled or _compile_regex(template.render(evaluation))  # type: ignore[union-attr]
        text = _text_of(subject)
        if pattern.find(text) is not None:
            return CriterionResult(True)
        return CriterionResult(False, f"/{condition}/ does not match {_clip(text)!r}")

    return check


def _compile_regex(pattern: str) -> regress.Regex:
    try:
        # 'u' is ECMA-262's Unicode mode: \p{...} classes and code-point matching.
        return regress.Regex(pattern, "u")
    except regress.RegressError as error:
        raise ExpressionSyntaxError(
            pattern, 1, f"an ECMA-262 regular expression ({error})"
        ) from None


def _jsonpath_environment(version: str) -> jsonpath.JSONPathEnvironment:
    if version == "rfc9535":
        return _RFC9535
    if version == "draft-goessner-dispatch-jsonpath-00":
        return _GOESSNER
    raise ValueError(f"unknown jsonpath version {version!r}; expected one of {JSONPATH_VERSIONS}")


def _compile_jsonpath(condition: str, version: str) -> tuple[Any, bool]:
    """The compiled query and whether it is a filter expression read as ``$[?...]``."""
    environment = _jsonpath_environment(version)
    try:
        return environment.compile(condition), False
    except jsonpath.JSONPathError as query_error:
        try:
            return environment.compile(f"$[?{condition}]"), True
        except jsonpath.JSONPathError:
            raise ExpressionSyntaxError(
                condition, 1, f"an RFC 9535 JSONPath query or filter expression ({query_error})"
            ) from None


def _json_subject(subject: Any) -> Any:
    if isinstance(subject, str):
        try:
            return json.loads(subject)  # CRIT-04: an unparsed JSON body
        except ValueError:
            return subject
    return subject


def _jsonpath_check(condition: str, version: str, template: Template | None) -> _Check:
    compiled = None if template else _compile_jsonpath(condition, version)

    def check(evaluation: EvaluationContext, subject: Any) -> CriterionResult:
        if compiled is not None:
            query, is_filter = compiled
        else:
            assert template is not None
            query, is_filter = _compile_jsonpath(template.render(evaluation), version)
        data = _json_subject(subject)
        # Passing needs one node, not all of them: stop at the first (OAI #423).
        if query.match(data) is not None:
            return CriterionResult(True)
        if is_filter:
            return CriterionResult(False, f"{condition} is false for {_clip(to_text(data))}")
        return CriterionResult(False, f"{condition} selects nothing in {_clip(to_text(data))}")

    return check


def _jsonpointer_check(condition: str, version: str, template: Template | None) -> _Check:
    if version != "rfc6901":
        raise ValueError(f"unknown jsonpointer version {version!r}")

    def check(evaluation: EvaluationContext, subject: Any) -> CriterionResult:
        pointer = template.render(evaluation) if template else condition
        try:
            jsonpointer_get(pointer, _json_subject(subject))
        except ExpressionEvaluationError as error:
            return CriterionResult(False, f"{pointer}: {error.reason}")
        return CriterionResult(True)

    return check


def _xpath_parser(version: str) -> elementpath.XPath1Parser:
    if version not in XPATH_PARSERS:
        raise ValueError(
            f"unknown xpath version {version!r}; expected one of {list(XPATH_PARSERS)}"
        )
    return XPATH_PARSERS[version]()


def _compile_xpath(expression: str, version: str) -> Any:
    try:
        return _xpath_parser(version).parse(expression)
    except elementpath.ElementPathError as error:
        raise ExpressionSyntaxError(expression, 1, f"an XPath expression ({error})") from None


def _xml_root(subject: Any) -> Any:
    if isinstance(subject, str | bytes):
        return ElementTree.fromstring(subject)
    if isinstance(subject, ElementTree.Element):
        return subject
    raise TypeError(f"the context is {type(subject).__name__}, not an XML document")


def _xpath_check(condition: str, version: str, template: Template | None) -> _Check:
    compiled = None if template else _compile_xpath(condition, version)

    def check(evaluation: EvaluationContext, subject: Any) -> CriterionResult:
        token = compiled or _compile_xpath(template.render(evaluation), version)  # type: ignore[union-attr]
        root = _xml_root(subject)
        results = token.evaluate(elementpath.XPathContext(root))
        if token.boolean_value(results):
            return CriterionResult(True)
        return CriterionResult(False, f"{condition} has no true effective boolean value")

    return check


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- selectors and helpers for the runner ----------------------------------------------------


class CompiledSelector:
    """A 1.1 Selector Object: a value picked out of a context by JSONPath, XPath or pointer."""

    __slots__ = ("_context", "_select", "expressions", "selector", "type")

    def __init__(
        self,
        context: MemberAccess,
        selector: str,
        kind: str,
        select: Callable[[Any], Any],
    ) -> None:
        self._context = context
        self.selector = selector
        self.type = kind
        self._select = select
        self.expressions = (context.expression,)

    def evaluate(self, context: EvaluationContext) -> Any:
        subject = self._context.evaluate(context)
        return self._select(subject)


def compile_selector(
    context: str,
    selector: str,
    *,
    type: str,
    version: str | None = None,
    arazzo_version: str = "1.1",
) -> CompiledSelector:
    """Compile a Selector Object. A JSONPath selecting one node gives that node's value,
    several give the list of their values, none is an ExpressionEvaluationError."""
    context_expression = _compile_context(context, arazzo_version)
    assert context_expression is not None
    text = f"{context} {selector}"
    if type == "jsonpath":
        query, _ = _compile_jsonpath(selector, version or "rfc9535")

        def select_json(subject: Any) -> Any:
            values = query.findall(_json_subject(subject))
            if not values:
                raise ExpressionEvaluationError(text, "the selector selects nothing")
            return values[0] if len(values) == 1 else values

        return CompiledSelector(context_expression, selector, type, select_json)
    if type == "jsonpointer":

        def select_pointer(subject: Any) -> Any:
            return jsonpointer_get(selector, _json_subject(subject))

        return CompiledSelector(context_expression, selector, type, select_pointer)
    if type == "xpath":
        token = _compile_xpath(selector, version or "xpath-31")

        def select_xml(subject: Any) -> Any:
            results = token.evaluate(elementpath.XPathContext(_xml_root(subject)))
            items = results if isinstance(results, list) else [results]
            elements = [getattr(item, "elem", item) for item in items]
            values = [
                "".join(item.itertext()) if isinstance(item, ElementTree.Element) else item
                for item in elements
            ]
            if not values:
                raise ExpressionEvaluationError(text, "the selector selects nothing")
            return values[0] if len(values) == 1 else values

        return CompiledSelector(context_expression, selector, type, select_xml)
    raise ValueError(f"unknown selector type {type!r}; expected jsonpath, xpath or jsonpointer")


def jsonpath_query(query: str, data: Any) -> list[Any]:
    """The values an RFC 9535 query selects; ExpressionSyntaxError for a malformed query."""
    try:
        compiled = _RFC9535.compile(query)
    except jsonpath.JSONPathError as error:
        raise ExpressionSyntaxError(query, 1, f"an RFC 9535 JSONPath query ({error})") from None
    return list(compiled.findall(data))


def jsonpointer_get(pointer: str, data: Any) -> Any:
    """Evaluate an RFC 6901 JSON Pointer (``#``-prefixed or not)."""
    text = pointer[1:] if pointer.startswith("#") else pointer
    if text and not text.startswith("/"):
        raise ExpressionEvaluationError(pointer, "a JSON Pointer starts with '/'")
    tokens = tuple(t.replace("~1", "/").replace("~0", "~") for t in text.split("/")[1:])
    return resolve_pointer_tokens(data, tokens, pointer)


def apply_xpath_replacement(xml_text: str, xpath: str, value: Any) -> str:
    """Set the nodes ``xpath`` selects in ``xml_text`` to ``value`` (BODY-05): the text of
    elements, the value of attributes. Raises ExpressionEvaluationError when nothing matches."""
    root = ElementTree.fromstring(xml_text)
    token = _compile_xpath(xpath, "xpath-31")
    results = token.evaluate(elementpath.XPathContext(root))
    items = results if isinstance(results, list) else [results]
    text = to_text(value)
    changed = 0
    for item in items:
        element = getattr(item, "elem", item)
        if isinstance(element, ElementTree.Element):
            for child in list(element):
                element.remove(child)
            element.text = text
            changed += 1
        elif isinstance(item, elementpath.AttributeNode) and item.parent is not None:
            owner = getattr(item.parent, "elem", None)
            if isinstance(owner, ElementTree.Element):
                owner.set(str(item.name), text)
                changed += 1
    if not changed:
        raise ExpressionEvaluationError(xpath, "the XPath selects no element or attribute")
    return ElementTree.tostring(root, encoding="unicode")
