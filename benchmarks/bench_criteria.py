"""Evaluation rates of compiled criteria, the jsonpath comparison of the Knock fixture first.

Run: `.venv/bin/python benchmarks/bench_criteria.py`. Each figure is the median of several
timed rounds of evaluations per second; every criterion is compiled once, before timing, so
the rates are of evaluation alone (reading the context, applying the condition, deciding).
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from collections.abc import Callable

from arazzo_engine._criteria import compile_criterion
from arazzo_engine._expressions import EvaluationContext, HTTPMessage

BODY = {"id": "op-1", "status": "completed", "processed_rows": 2, "error_count": 0}
XML = "<operation><id>op-1</id><status>completed</status><rows>2</rows></operation>"
ROUNDS = 7
PER_ROUND = 20_000


def context(body: object) -> EvaluationContext:
    return EvaluationContext(
        status_code=200,
        response=HTTPMessage(headers={"content-type": "application/json"}, body=body),
    )


def rate(evaluate: Callable[[], object], per_round: int = PER_ROUND) -> float:
    """Median evaluations per second over ROUNDS rounds of ``per_round`` calls."""
    results = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(per_round):
            evaluate()
        results.append(per_round / (time.perf_counter() - start))
    return statistics.median(results)


def main() -> None:
    json_context = context(BODY)
    xml_context = context(XML)
    cases = [
        (
            "jsonpath comparison  $.status == 'completed'",
            compile_criterion("$.status == 'completed'", context="$response.body", type="jsonpath"),
            json_context,
            PER_ROUND,
        ),
        (
            "jsonpath comparison, failing  $.status == 'queued' || ...",
            compile_criterion(
                "$.status == 'queued' || $.status == 'processing'",
                context="$response.body",
                type="jsonpath",
            ),
            json_context,
            PER_ROUND,
        ),
        (
            "jsonpath query  $[?@ == 'completed']",
            compile_criterion("$[?@ == 'completed']", context="$response.body", type="jsonpath"),
            json_context,
            PER_ROUND,
        ),
        (
            "regex  ^2\\d{2}$ on $statusCode",
            compile_criterion(r"^2\d{2}$", context="$statusCode", type="regex"),
            json_context,
            PER_ROUND,
        ),
        (
            "simple  $statusCode == 200",
            compile_criterion("$statusCode == 200"),
            json_context,
            PER_ROUND,
        ),
        (
            "xpath  /operation/status = 'completed' (parses the body)",
            compile_criterion(
                "/operation/status = 'completed'", context="$response.body", type="xpath"
            ),
            xml_context,
            PER_ROUND // 10,
        ),
    ]
    print(f"python {sys.version.split()[0]} on {platform.machine()}, {platform.system()}")
    print(f"median of {ROUNDS} rounds; body {BODY}")
    for label, criterion, evaluation, per_round in cases:
        outcome = criterion.evaluate(evaluation)
        assert outcome.passed == ("failing" not in label), (label, outcome)
        per_second = rate(lambda c=criterion, e=evaluation: c.evaluate(e), per_round)
        print(f"{per_second:>12,.0f} /s  {label}")


if __name__ == "__main__":
    main()
