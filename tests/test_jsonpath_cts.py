"""All 703 cases of the RFC 9535 JSONPath Compliance Test Suite, through the engine's JSONPath.

`jsonpath_query` is the function the jsonpath criteria and selectors use. The suite is
../shared/jsonpath-cts/cts.json (BSD-2, see its LICENSE there).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from arazzo_engine._criteria import jsonpath_query
from arazzo_engine._exceptions import ExpressionSyntaxError

CTS = Path(__file__).resolve().parents[2] / "shared" / "jsonpath-cts" / "cts.json"
CASES: list[dict[str, Any]] = json.loads(CTS.read_text())["tests"]


def test_the_whole_suite_is_here() -> None:
    assert len(CASES) == 703


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_compliance_case(case: dict[str, Any]) -> None:
    if case.get("invalid_selector"):
        with pytest.raises(ExpressionSyntaxError):
            jsonpath_query(case["selector"], case.get("document"))
        return
    found = jsonpath_query(case["selector"], case["document"])
    allowed = case["results"] if "results" in case else [case["result"]]
    assert found in allowed
