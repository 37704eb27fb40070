"""Evaluation rates of compiled expressions (issue 3's speed note).

Run: `.venv/bin/python benchmarks/bench_expressions.py` (or `make bench`). Each figure is the
median of several timed rounds of many evaluations of an expression compiled once.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from collections.abc import Callable

from arazzo_engine._criteria import compile_criterion
from arazzo_engine._expressions import (
    EvaluationContext,
    HTTPMessage,
    compile_condition,
    compile_expression,
)

CONTEXT = EvaluationContext(
    status_code=200,
    response=HTTPMessage(
        headers={"content-type": "application/json"},
        body={"id": "op-1", "status": "completed", "processed_rows": 2},
    ),
)
ROUNDS = 7
PER_ROUND = 50_000


def rate(evaluate: Callable[[], object]) -> float:
    results = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(PER_ROUND):
            evaluate()
        results.append(PER_ROUND / (time.perf_counter() - start))
    return statistics.median(results)


def main() -> None:
    pointer = compile_expression("$response.body#/status")
    condition = compile_condition("$statusCode == 200 && $response.body#/status == 'completed'")
    comparison = compile_criterion(
        "$.status == 'completed'", context="$response.body", type="jsonpath"
    )
    assert pointer.evaluate(CONTEXT) == "completed"
    assert condition.evaluate(CONTEXT).passed
    assert comparison.evaluate(CONTEXT).passed
    print(f"python {sys.version.split()[0]} on {platform.machine()}, {platform.system()}")
    print(f"median of {ROUNDS} rounds of {PER_ROUND} evaluations each")
    cases = [
        ("$response.body#/status", lambda: pointer.evaluate(CONTEXT)),
        (
            "$statusCode == 200 && $response.body#/status == 'completed'",
            lambda: condition.evaluate(CONTEXT),
        ),
        ("jsonpath $.status == 'completed'", lambda: comparison.evaluate(CONTEXT)),
    ]
    for name, evaluate in cases:
        print(f"{rate(evaluate):>12,.0f} evaluations/s  {name}")


if __name__ == "__main__":
    main()
