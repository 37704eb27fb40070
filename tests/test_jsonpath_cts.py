"""All 703 cases of the RFC 9535 JSONPath Compliance Test Suite, through the engine's JSONPath.

`jsonpath_query` is the function behind Selector Objects (`compile_jsonpath_query(...).values`);
jsonpath criteria compile with `compile_jsonpath_condition`, whose queries take the same path
and pass when the nodelist is not empty. The suite is ../shared/jsonpath-cts/cts.json (BSD-2,
see its LICENSE there); a case has `result`, or `results` when several orders are allowed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from arazzo_engine._criteria import jsonpath_query
from arazzo_engine._exceptions import ExpressionSyntaxError
from arazzo_engine._jsonpath import compile_jsonpath_condition

CTS = Path(__file__).resolve().parents[2] / "shared" / "jsonpath-cts" / "cts.json"
CASES: list[dict[str, Any]] = json.loads(CTS.read_text(encoding="utf-8"))["tests"]
VALID = [case for case in CASES if not case.get("invalid_selector")]
INVALID = [case for case in CASES if case.get("invalid_selector")]


def allowed_results(case: dict[str, Any]) -> list[list[Any]]:
    return case["results"] if "results" in case else [case["result"]]


def test_the_whole_suite_is_here() -> None:
    assert len(CASES) == 703
    assert len(VALID) + len(INVALID) == 703


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_compliance_case(case: dict[str, Any]) -> None:
    if case.get("invalid_selector"):
        with pytest.raises(ExpressionSyntaxError) as caught:
            jsonpath_query(case["selector"], case.get("document"))
        assert caught.value.text == case["selector"]
        assert 1 <= caught.value.column <= len(case["selector"]) + 1
        return
    assert jsonpath_query(case["selector"], case["document"]) in allowed_results(case)


def test_a_criterion_passes_exactly_when_the_nodelist_is_not_empty() -> None:
    disagreements = []
    for case in VALID:
        condition = compile_jsonpath_condition(case["selector"])
        assert condition.query is not None, case["name"]  # a query is always read as one
        expected = bool(allowed_results(case)[0])
        if condition.holds(case["document"]) is not expected:
            disagreements.append(case["name"])
    assert disagreements == []


def test_criteria_accept_no_invalid_query_except_as_a_logical_expression() -> None:
    # The comparison rule reads a condition that is not a query as a logical expression.
    # Of the suite's invalid queries only two are one: `$` with surrounding whitespace,
    # which the filter grammar allows (`S` around a test), and which tests that `$` exists.
    accepted = {}
    for case in INVALID:
        try:
            condition = compile_jsonpath_condition(case["selector"])
        except ExpressionSyntaxError:
            continue
        assert condition.query is None and condition.logical is not None
        accepted[case["selector"]] = condition.holds(case.get("document", {}))
    assert accepted == {" $": True, "$ ": True}
