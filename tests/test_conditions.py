"""Simple conditions: the grammar of docs/conditions.md and the comparison rules of COND-04."""

from __future__ import annotations

import pytest

from arazzo_engine._exceptions import ExpressionSyntaxError
from arazzo_engine._expressions import (
    ConditionResult,
    EvaluationContext,
    HTTPMessage,
    compile_condition,
    loose_equals,
)

CONTEXT = EvaluationContext(
    status_code=200,
    response=HTTPMessage(
        headers={"Content-Type": "application/json"},
        body={
            "status": "Completed",
            "count": 3,
            "countText": "3",
            "price": "10.50",
            "big": 12345678901234567890,
            "data": [{"id": 7}, {"id": 8}],
            "none": None,
            "flag": True,
            "items": [],
            "pet": {"name": "Rex", "tags": ["A"]},
            "same": {"name": "REX", "tags": ["a"]},
            "name": "Ünïcode Straße",
            "text": '{"inner": 1}',
        },
    ),
    inputs={"expected": "completed", "limit": 5, "threshold": "2"},
    steps={"check": {"eligibilityCheckRequired": True}},
)


def holds(text: str, version: str = "1.0") -> bool:
    result = compile_condition(text, version=version).evaluate(CONTEXT)
    assert isinstance(result, ConditionResult)
    return result.passed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the spec's own conditions
        ("$statusCode == 200", True),
        ("$statusCode == 200 || $statusCode == 201", True),
        ("$steps.check.outputs.eligibilityCheckRequired == true", True),
        ("$response.body#/none != null", False),
        ("$response.body.count > $inputs.threshold", True),  # 1.1 text's example
        ("$response.body.data != null", True),
        ("$statusCode == 200 && $response.body.data != null", True),
        # member and index access (COND-02)
        ("$response.body.data[0].id == 7", True),
        ("$response.body.data[1]['id'] == 8", True),
        ("$response.body.data.1.id == 8", True),  # `.1` indexes an array, as in a pointer
        ("$response.body#/data/0/id == 7", True),
        ("$response.body.data[2].id == null", True),  # past the end: undefined
        ("$response.body.data[-1] == null", True),
        ("$response.body.pet.tags[0] == 'a'", True),
        ("$response.body.text.inner == 1", True),  # a string holding JSON is read as JSON
        ("($response.body).count == 3", True),
        # COND-04: numbers
        ("$response.body.count == 3", True),
        ("$response.body.count == 3.0", True),
        ("1e2 == 100", True),
        ("-1 < 0", True),
        ("$response.body.big == 12345678901234567890", True),  # exact, not via float
        ("$response.body.big == 12345678901234567891", False),
        ("$response.body.count >= 3 && $response.body.count <= 3", True),
        # numeric strings compare as numbers with numbers, by every operator
        ("$response.body#/countText == 3", True),
        ("$response.body#/countText != 3", False),
        ("$response.body#/countText < 10", True),
        ("$response.body#/price > 10.4", True),
        ("$response.body#/price == 10.5", True),
        ("'10' < '9'", False),  # two numeric strings order as numbers
        ("'10' == '10.0'", False),  # ...but equality of two strings is textual
        ("' 3' == 3", False),  # a numeric string is JSON number syntax, nothing around it
        # strings: case-insensitive (Unicode case folding)
        ("$response.body#/status == 'completed'", True),
        ("$response.body#/status != 'COMPLETED'", False),
        ("$response.body#/status == $inputs.expected", True),
        ("$response.body#/name == 'ÜNÏCODE STRASSE'", True),
        ("'b' > 'A'", True),
        ("'abc' < 'ABD'", True),
        ("'it''s' == 'IT''S'", True),
        # null and undefined
        ("null == null", True),
        ("$response.body#/missing == null", True),
        ("$response.body#/missing != null", False),
        ("$response.body#/none == false", False),
        ("$response.body#/none < 1", False),
        ("$response.body#/none >= null", False),
        # booleans: equal only to booleans, never ordered
        ("$response.body#/flag == true", True),
        ("$response.body#/flag == 'true'", False),
        ("$response.body#/flag != 'true'", True),
        ("$response.body#/flag == 1", False),
        ("$response.body#/flag > false", False),
        # objects and arrays: deep equality by the same rules, never ordered
        ("$response.body#/pet == $response.body#/same", True),
        ("$response.body#/pet == $response.body#/data", False),
        ("$response.body#/items == 0", False),
        ("$response.body#/items < 1", False),
        # other mixes
        ("'abc' == 3", False),
        ("'abc' < 3", False),
        ("'abc' != 3", True),
        # logic, precedence, grouping
        ("!($statusCode == 404)", True),
        ("!$response.body#/none", True),  # COND-06: ! of null is true
        ("!$response.body#/missing", True),  # ... and of undefined
        ("!$response.body#/count", False),  # ... and false for any other non-boolean
        ("!!true", True),
        ("!$statusCode == 200", False),  # `!` binds tighter: (!200) == 200
        ("!false == true", True),
        ("$statusCode == 404 || $statusCode == 200 && $inputs.limit == 5", True),
        ("($statusCode == 404 || $statusCode == 200) && $inputs.limit == 6", False),
        ("$statusCode == 404 || ($statusCode == 200 && $inputs.limit == 6)", False),
        ("true && !false", True),
        ("true || false && false", True),  # && binds tighter than ||
        ("(true || false) && false", False),
        ("$statusCode && true", False),  # COND-07: only boolean true is true
        ("$statusCode || true", True),
        ("true && true && true && $statusCode == 200", True),
        ("false || false || $statusCode == 200", True),
        # header names are case-insensitive, and so is comparing their values (COND-08)
        ("$response.header.content-type == 'Application/JSON'", True),
        ("$response.header.CONTENT-TYPE != 'text/html'", True),
    ],
)
def test_conditions(text: str, expected: bool) -> None:
    assert holds(text) is expected
    assert holds(text, version="1.1") is expected


@pytest.mark.parametrize("text", ["$statusCode", "$response.body#/count", "'yes'", "1", "null"])
def test_only_boolean_true_passes(text: str) -> None:
    # COND-05: a bare value that is not `true` fails, with the reason saying so.
    result = compile_condition(text).evaluate(CONTEXT)
    assert not result.passed
    assert result.reason is not None and "not true" in result.reason


def test_a_bare_boolean_passes_or_fails_by_its_value() -> None:
    assert holds("true") and not holds("false")
    assert holds("$response.body#/flag")
    assert holds("$steps.check.outputs.eligibilityCheckRequired")


def test_failure_reasons_show_the_values_involved() -> None:
    result = compile_condition("$statusCode == 404 && $response.body#/x == 1").evaluate(CONTEXT)
    assert result.reason == (
        "$statusCode == 404 && $response.body#/x == 1 is false ($statusCode = 200)"
    )
    missing = compile_condition("$response.body#/x == 1").evaluate(CONTEXT)
    assert missing.reason is not None
    assert "$response.body#/x is undefined: no member 'x'" in missing.reason
    member = compile_condition("$response.body.pet.age > 1").evaluate(CONTEXT)
    assert member.reason is not None
    assert "$response.body.pet.age is undefined" in member.reason
    assert compile_condition("$statusCode == 200").evaluate(CONTEXT).reason is None


def test_evaluation_never_raises() -> None:
    condition = compile_condition("$response.body#/data/0/id > 3 && $inputs.nothing.deeper == 1")
    result = condition.evaluate(EvaluationContext())
    assert result.passed is False and result.reason

    class Hostile(dict[str, object]):
        def __getitem__(self, key: str) -> object:
            raise RuntimeError("boom")

    broken = EvaluationContext(inputs=Hostile(a=1))
    result = compile_condition("$inputs.a == 1").evaluate(broken)
    assert not result.passed
    assert result.reason is not None and "evaluation failed" in result.reason


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("", 1, "a condition"),
        ("   ", 4, "a condition"),
        ("$statusCode == == 200", 16, "a value"),
        ("$statusCode = 200", 13, "'=='"),
        ("$statusCode == 200 & true", 20, "'&&'"),
        ("$statusCode == 200 | true", 20, "'||'"),
        ("1 < 2 < 3", 7, "comparisons do not chain"),
        ("$statusCode == 200 &&", 22, "a value"),
        ("($statusCode == 200", 20, "')' to close the '('"),
        ("$statusCode == 200)", 19, "an operator"),
        ("status == 200", 1, "text is quoted: 'status'"),
        ("$response.header.Content-Type == application/json", 34, "'application'"),
        ("$statusCode == 'open", 21, "a closing ' for the string"),
        ("$foo == 1", 2, "a source"),
        ("$url.host == 'x'", 5, "$url takes nothing after it"),
        ("$response.body.data[x] == 1", 21, "an array index"),
        ("$response.body.data[0 == 1", 23, "']'"),
        ("$response.body. == 1", 16, "a member name after '.'"),
        ("$response.body.a..b == 1", 18, "a member name after '.'"),
        ("$statusCode == 500%s", 19, "an operand or an operator"),
        ("$statusCode == 200 {", 20, "'{' does not open anything"),
        ("$response.body#/a == [1]", 22, "a value"),
        ("True", 1, "text is quoted"),
        ("200abc == 1", 4, "an operator"),
    ],
)
def test_syntax_errors(text: str, column: int, words: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_condition(text)
    assert (caught.value.text, caught.value.column) == (text, column)
    assert words in caught.value.expected


def test_deep_nesting_is_refused_not_a_crash() -> None:
    with pytest.raises(ExpressionSyntaxError, match="nested"):
        compile_condition("(" * 200 + "true" + ")" * 200)
    with pytest.raises(ExpressionSyntaxError, match="nested"):
        compile_condition("!" * 200 + "true")
    assert holds("(" * 20 + "true" + ")" * 20)
    long_chain = " && ".join(["true"] * 2000)
    assert holds(long_chain)


def test_double_quotes_and_braces_are_read_with_a_note_unless_strict() -> None:
    lenient = compile_condition('$response.body#/status == "completed"')
    assert lenient.evaluate(CONTEXT).passed
    assert lenient.notes and "double-quoted" in lenient.notes[0]
    with pytest.raises(ExpressionSyntaxError, match="single-quoted") as caught:
        compile_condition('$response.body#/status == "completed"', strict=True)
    assert caught.value.column == 27
    wrapped = compile_condition("{$statusCode == 200}")  # COND-09, the Components example
    assert wrapped.evaluate(CONTEXT).passed
    assert "wrapped" in wrapped.notes[0]
    assert [e.text for e in wrapped.expressions] == ["$statusCode"]
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_condition("{$statusCode == = 200}")
    assert caught.value.column == 17  # the column in the text as written
    with pytest.raises(ExpressionSyntaxError):
        compile_condition("{$statusCode == 200}", strict=True)


def test_dotted_input_names_resolve_before_member_access() -> None:
    # COND-02: `$inputs.a.b` is the input named "a.b" when there is one, else a's member b.
    dotted = EvaluationContext(inputs={"a.b": 1, "a": {"b": 2}})
    assert compile_condition("$inputs.a.b == 1").evaluate(dotted).passed
    nested = EvaluationContext(inputs={"a": {"b": 2}})
    assert compile_condition("$inputs.a.b == 2").evaluate(nested).passed
    assert compile_condition("$inputs.a.b == 2", version="1.1").evaluate(nested).passed


def test_the_expressions_of_a_condition_are_listed() -> None:
    condition = compile_condition("$statusCode == 200 && $steps.check.outputs.x == $inputs.y")
    assert [e.text for e in condition.expressions] == [
        "$statusCode",
        "$steps.check.outputs.x",
        "$inputs.y",
    ]
    member = compile_condition("$response.body.data[0].id == 7")
    assert [e.text for e in member.expressions] == ["$response.body"]


def test_compiled_once_and_immutable() -> None:
    condition = compile_condition("$statusCode == 200")
    assert compile_condition("$statusCode == 200") is condition
    with pytest.raises(AttributeError):
        condition.text = "x"  # type: ignore[misc]
    assert [condition.evaluate(CONTEXT.evolve(status_code=code)).passed for code in (200, 500)] == [
        True,
        False,
    ]


def test_loose_equals_is_the_public_equality() -> None:
    assert loose_equals("ABC", "abc")
    assert loose_equals(3, "3") and loose_equals("3", 3.0)
    assert not loose_equals(True, 1) and not loose_equals(None, 0)
    assert loose_equals({"a": ["X"]}, {"a": ["x"]})
    assert not loose_equals({"a": 1}, {"a": 1, "b": 2})
    assert loose_equals((1, 2), [1, 2])
