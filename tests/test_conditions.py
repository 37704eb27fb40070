"""Simple conditions: the grammar of docs/conditions.md and the comparison rules of COND-04."""

from __future__ import annotations

import pytest

from arazzo_engine._exceptions import ExpressionSyntaxError
from arazzo_engine._expressions import EvaluationContext, HTTPMessage, compile_condition

CONTEXT = EvaluationContext(
    status_code=200,
    response=HTTPMessage(
        headers={"Content-Type": "application/json"},
        body={
            "status": "Completed",
            "count": 3,
            "countText": "3",
            "price": "10.50",
            "data": [{"id": 7}],
            "none": None,
            "flag": True,
            "items": [],
            "pet": {"name": "Rex"},
        },
    ),
    inputs={"expected": "completed", "limit": 5},
    steps={"check": {"eligibilityCheckRequired": True}},
)


def holds(text: str) -> bool:
    return compile_condition(text).evaluate(CONTEXT).passed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the spec's own conditions
        ("$statusCode == 200", True),
        ("$statusCode == 200 || $statusCode == 201", True),
        ("$steps.check.outputs.eligibilityCheckRequired == true", True),
        ("$response.body#/none != null", False),
        ("$response.body.count > 2", True),  # 1.1 member access
        ("$response.body.data != null", True),
        ("$response.body.data[0].id == 7", True),
        ("$response.body#/data/0/id == 7", True),
        # COND-04: case-insensitive strings; numeric strings; null; mixed types
        ("$response.body#/status == 'completed'", True),
        ("$response.body#/status != 'COMPLETED'", False),
        ("$response.body#/status == $inputs.expected", True),
        ("$response.body#/countText == 3", True),
        ("$response.body#/countText < 10", True),
        ("$response.body#/price > 10.4", True),
        ("'10' < '9'", False),  # both numeric strings: compared as numbers
        ("'b' > 'A'", True),  # strings: compared case-insensitively
        ("$response.body#/missing == null", True),  # undefined is null
        ("null == null", True),
        ("$response.body#/none == false", False),
        ("$response.body#/flag == 'true'", False),  # boolean vs string: never equal
        ("$response.body#/flag != 'true'", True),
        ("$response.body#/flag > false", False),  # booleans have no order
        ("$response.body#/pet == $response.body#/pet", True),  # deep equality
        ("$response.body#/items == 0", False),
        # logic, precedence, grouping
        ("!($statusCode == 404)", True),
        ("!$response.body#/none", True),  # COND-06: ! of null is true
        ("!$response.body#/count", False),  # ! of a non-boolean other than null is false
        ("$statusCode == 404 || $statusCode == 200 && $inputs.limit == 5", True),
        ("($statusCode == 404 || $statusCode == 200) && $inputs.limit == 6", False),
        ("true && !false", True),
        ("-1 < 0", True),
        ("1e2 == 100", True),
        ("'it''s' == 'IT''S'", True),
        # header names are case-insensitive, and so is their comparison
        ("$response.header.content-type == 'Application/JSON'", True),
    ],
)
def test_conditions(text: str, expected: bool) -> None:
    assert holds(text) is expected


@pytest.mark.parametrize("text", ["$statusCode", "$response.body#/count", "'yes'", "1"])
def test_only_boolean_true_passes(text: str) -> None:
    # COND-05: a bare value that is not `true` fails, with the reason saying so.
    result = compile_condition(text).evaluate(CONTEXT)
    assert not result.passed
    assert result.reason is not None and "not true" in result.reason


def test_failure_reasons_show_the_values_involved() -> None:
    result = compile_condition("$statusCode == 404 && $response.body#/x == 1").evaluate(CONTEXT)
    assert (
        result.reason == "$statusCode == 404 && $response.body#/x == 1 is false ($statusCode = 200)"
    )
    missing = compile_condition("$response.body#/x == 1").evaluate(CONTEXT)
    assert missing.reason is not None and "$response.body#/x is undefined" in missing.reason


def test_evaluation_never_raises() -> None:
    condition = compile_condition("$response.body#/data/0/id > 3 && $inputs.nothing.deeper == 1")
    assert condition.evaluate(EvaluationContext()).passed is False


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("", 1, "a condition"),
        ("$statusCode == == 200", 16, "a value"),
        ("$statusCode = 200", 13, "an operand or an operator"),
        ("1 < 2 < 3", 7, "comparisons do not chain"),
        ("$statusCode == 200 &&", 22, "a value"),
        ("($statusCode == 200", 20, "')'"),
        ("status == 200", 1, "a runtime expression"),
        ("$statusCode == 'open", 21, "a closing '"),
        ("$foo == 1", 2, "a source"),
        ("$url.host == 'x'", 5, "the end of the expression"),
        ("$response.body.data[x] == 1", 21, "an array index"),
    ],
)
def test_syntax_errors(text: str, column: int, words: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_condition(text)
    assert caught.value.column == column
    assert words in caught.value.expected


def test_double_quotes_and_braces_are_read_with_a_note_unless_strict() -> None:
    lenient = compile_condition('$response.body#/status == "completed"')
    assert lenient.evaluate(CONTEXT).passed
    assert lenient.notes and "double-quoted" in lenient.notes[0]
    with pytest.raises(ExpressionSyntaxError, match="single-quoted"):
        compile_condition('$response.body#/status == "completed"', strict=True)
    wrapped = compile_condition("{$statusCode == 200}")  # COND-09, the Components example
    assert wrapped.evaluate(CONTEXT).passed
    assert "wrapped" in wrapped.notes[0]
    with pytest.raises(ExpressionSyntaxError):
        compile_condition("{$statusCode == 200}", strict=True)


def test_dotted_input_names_resolve_before_member_access() -> None:
    # COND-02: `$inputs.a.b` is the input named "a.b" when there is one, else a.b's member.
    dotted = EvaluationContext(inputs={"a.b": 1, "a": {"b": 2}})
    assert compile_condition("$inputs.a.b == 1").evaluate(dotted).passed
    nested = EvaluationContext(inputs={"a": {"b": 2}})
    assert compile_condition("$inputs.a.b == 2").evaluate(nested).passed


def test_the_expressions_of_a_condition_are_listed() -> None:
    condition = compile_condition("$statusCode == 200 && $steps.check.outputs.x == $inputs.y")
    assert [e.text for e in condition.expressions] == [
        "$statusCode",
        "$steps.check.outputs.x",
        "$inputs.y",
    ]
