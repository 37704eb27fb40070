"""Property-based tests: random input never crashes the parsers, and rendering is stable."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from arazzo_engine._criteria import compile_criterion
from arazzo_engine._exceptions import ExpressionSyntaxError
from arazzo_engine._expressions import (
    EvaluationContext,
    HTTPMessage,
    compile_condition,
    compile_expression,
    compile_template,
    compile_value,
)

# Text biased towards the characters the grammars care about.
ALPHABET = string.ascii_letters + string.digits + "$#/{}[]().!=<>&|'\"-_~ .:@*?,"
PIECES = st.sampled_from(
    [
        "$",
        "$inputs.",
        "$steps.s.outputs.",
        "$response.body#/",
        "$statusCode",
        "{$",
        "}",
        "==",
        "&&",
        "'",
        "[0]",
        ".a",
        "#",
        "~1",
        " ",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(ALPHABET, max_size=4)), max_size=12).map("".join)
CONTEXT = EvaluationContext(
    status_code=200,
    response=HTTPMessage(body={"a": [1, {"b": None}]}, headers={"x": "y"}),
    inputs={"a": 1, "b": "two"},
    steps={"s": {"a": [1]}},
)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.sampled_from(["1.0", "1.1"]))
def test_expression_parser_only_raises_syntax_errors(text: str, version: str) -> None:
    try:
        compile_expression(text, version=version)
    except ExpressionSyntaxError as error:
        assert 1 <= error.column <= len(text) + 1


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_condition_parser_and_evaluator_never_crash(text: str) -> None:
    try:
        condition = compile_condition(text)
    except ExpressionSyntaxError as error:
        assert 1 <= error.column <= len(text) + 1
        return
    result = condition.evaluate(CONTEXT)
    assert isinstance(result.passed, bool)
    assert result.passed or result.reason


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_templates_render_stably(text: str) -> None:
    try:
        template = compile_template(text)
    except ExpressionSyntaxError:
        return
    try:
        first = template.render(CONTEXT)
    except LookupError:
        return
    assert template.render(CONTEXT) == first
    if "{$" not in text:
        assert first == text  # nothing to substitute: the text comes back unchanged


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_strings_without_a_dollar_are_always_literal(text: str) -> None:
    if "$" in text:
        return
    assert compile_value(text).evaluate(CONTEXT) == text


@settings(max_examples=200, deadline=None)
@given(TEXT, st.sampled_from(["regex", "jsonpath", "xpath"]))
def test_criteria_compile_or_refuse_and_never_crash_evaluating(text: str, kind: str) -> None:
    try:
        criterion = compile_criterion(text, context="$response.body", type=kind)
    except (ExpressionSyntaxError, ValueError):
        return
    result = criterion.evaluate(CONTEXT)
    assert isinstance(result.passed, bool)
