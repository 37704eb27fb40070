"""Property-based tests: random input never crashes the parsers (they raise only
ExpressionSyntaxError, at a column inside the text), evaluation never raises anything but
ExpressionEvaluationError (conditions: nothing), and rendering is stable."""

from __future__ import annotations

import json
import math
import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from arazzo_engine._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_engine._expressions import (
    EvaluationContext,
    HTTPMessage,
    WorkflowView,
    compile_condition,
    compile_expression,
    compile_template,
    compile_value,
    loose_equals,
    to_text,
)

# Text biased towards the characters and pieces the grammars care about.
ALPHABET = string.ascii_letters + string.digits + "$#/{}[]().!=<>&|'\"-_~ .:@*?,\\é\t"
PIECES = st.sampled_from(
    [
        "$",
        "$url",
        "$inputs.",
        "$outputs.",
        "$steps.s.outputs.",
        "$workflows.w.steps.",
        "$sourceDescriptions.",
        "$components.parameters.",
        "$request.query.",
        "$response.body#/",
        "$response.header.",
        "$message.payload",
        "$statusCode",
        "$self",
        "{$",
        "}",
        "==",
        "!=",
        "<=",
        "&&",
        "||",
        "!",
        "'",
        "''",
        "[0]",
        ".a",
        "#",
        "~1",
        "~",
        "\\u00e9",
        " ",
        "true",
        "null",
        "-1.5e3",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(ALPHABET, max_size=4)), max_size=12).map("".join)
VERSION = st.sampled_from(["1.0", "1.1"])
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)
CONTEXT = EvaluationContext(
    url="https://x.example/a",
    method="GET",
    status_code=200,
    request=HTTPMessage(body="text", query={"a": "1"}, headers={"X": "y"}),
    response=HTTPMessage(body={"a": [1, {"b": None}], "s": '{"j": 1}'}, headers={"x": "y"}),
    message=HTTPMessage(body=[1, 2]),
    inputs={"a": 1, "b": "two", "a.b": {"c": True}},
    outputs={"a": [1]},
    steps={"s": {"a": [1], "b": {"c": "d"}}},
    workflows={"w": WorkflowView(inputs={"a": 1}, steps={"s": {"a": 2}})},
    self_uri="https://x.example/arazzo.yaml",
)


def _column_is_inside(error: ExpressionSyntaxError, text: str) -> bool:
    return 1 <= error.column <= len(text) + 1 and error.text == text and bool(error.expected)


@settings(max_examples=400, deadline=None)
@given(TEXT, VERSION)
def test_the_expression_parser_only_raises_syntax_errors(text: str, version: str) -> None:
    try:
        expression = compile_expression(text, version=version)
    except ExpressionSyntaxError as error:
        assert _column_is_inside(error, text)
        return
    assert expression.text == text
    try:
        expression.evaluate(CONTEXT)
    except ExpressionEvaluationError as error:
        assert error.expression == text and error.reason


@settings(max_examples=400, deadline=None)
@given(TEXT, VERSION, st.booleans())
def test_conditions_compile_or_refuse_and_never_raise_evaluating(
    text: str, version: str, strict: bool
) -> None:
    try:
        condition = compile_condition(text, version=version, strict=strict)
    except ExpressionSyntaxError as error:
        assert _column_is_inside(error, text)
        return
    for context in (CONTEXT, EvaluationContext()):
        result = condition.evaluate(context)
        assert isinstance(result.passed, bool)
        assert result.passed == (result.reason is None)


@settings(max_examples=400, deadline=None)
@given(TEXT, VERSION, st.booleans())
def test_values_compile_or_refuse_and_render_stably(text: str, version: str, strict: bool) -> None:
    try:
        compiled = compile_value(text, version=version, strict=strict)
    except ExpressionSyntaxError as error:
        assert _column_is_inside(error, text) and "{$" in text
        return
    for miss in compiled.near_misses:
        assert _column_is_inside(miss, text)
    try:
        first = compiled.evaluate(CONTEXT)
    except ExpressionEvaluationError:
        return
    assert compiled.evaluate(CONTEXT) == first
    if not compiled.expressions:
        assert first == text  # nothing to substitute: the text comes back unchanged
    notes: list[str] = []
    compiled.evaluate_lenient(EvaluationContext(), notes)  # never raises


@settings(max_examples=300, deadline=None)
@given(TEXT, VERSION)
def test_templates_without_an_opening_brace_dollar_render_unchanged(
    text: str, version: str
) -> None:
    try:
        template = compile_template(text, version=version)
    except ExpressionSyntaxError as error:
        assert "{$" in text and _column_is_inside(error, text)
        return
    if "{$" not in text:
        assert template.render(CONTEXT) == text and not template.expressions


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), VERSION)
def test_strings_without_a_dollar_are_always_literal(text: str, version: str) -> None:
    if "$" in text:
        return
    compiled = compile_value(text, version=version)
    assert compiled.evaluate(CONTEXT) == text
    assert not compiled.expressions and not compiled.near_misses


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_embedded_structures_and_scalars_are_json(value: Any) -> None:
    text = to_text(value)
    if isinstance(value, str):
        assert text == value
    else:
        assert _same_json(json.loads(text), value)
        assert " " not in text or any(isinstance(v, str) for v in _leaves(value))


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value.keys(), *(leaf for item in value.values() for leaf in _leaves(item))]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def _same_json(found: Any, expected: Any) -> bool:
    if isinstance(expected, float) and not isinstance(expected, bool):
        return isinstance(found, int | float) and math.isclose(found, expected, rel_tol=1e-15)
    if isinstance(expected, dict):
        return found.keys() == expected.keys() and all(
            _same_json(found[k], expected[k]) for k in expected
        )
    if isinstance(expected, list):
        return len(found) == len(expected) and all(map(_same_json, found, expected))
    return bool(found == expected) and type(found) is type(expected)


@settings(max_examples=300, deadline=None)
@given(JSON, JSON)
def test_loose_equality_is_symmetric_and_reflexive(left: Any, right: Any) -> None:
    assert loose_equals(left, left)
    assert loose_equals(left, right) == loose_equals(right, left)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=5), JSON, min_size=1, max_size=5), st.data(), VERSION)
def test_a_pointer_built_from_any_member_name_finds_it(
    body: dict[str, Any], data: st.DataObject, version: str
) -> None:
    key = data.draw(st.sampled_from(sorted(body)))
    if version == "1.1" and any(c in key for c in "{}"):
        return  # 1.1 keeps braces out of runtime expressions, pointers included
    escaped = key.replace("~", "~0").replace("/", "~1")
    expression = compile_expression(f"$response.body#/{escaped}", version=version)
    assert expression.evaluate(EvaluationContext(response=HTTPMessage(body=body))) == body[key]
