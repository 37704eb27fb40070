"""Evaluation rates of compiled runtime expressions, conditions and templates.

Run: `.venv/bin/python benchmarks/bench_expressions.py` (or `make bench`). Each figure is the
median of several timed rounds; every expression is compiled once, before timing, so the
rates are of evaluation alone. The last line times compiling distinct texts (no cache hits),
which is what loading a large document costs.
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
    compile_template,
)

CONTEXT = EvaluationContext(
    status_code=200,
    response=HTTPMessage(
        headers={"content-type": "application/json"},
        body={"id": "op-1", "status": "completed", "processed_rows": 2},
    ),
    inputs={"host": "api.example", "apiKey": "sk_test_1"},
    steps={"create": {"id": "p-9"}},
)
ROUNDS = 7
PER_ROUND = 50_000


def rate(evaluate: Callable[[], object], per_round: int = PER_ROUND) -> float:
    """Median evaluations per second over ROUNDS rounds of ``per_round`` calls."""
    results = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(per_round):
            evaluate()
        results.append(per_round / (time.perf_counter() - start))
    return statistics.median(results)


def compile_rate() -> float:
    """Median compilations per second of distinct step-output expressions (never cached)."""
    results = []
    for round_number in range(ROUNDS):
        texts = [f"$steps.step{round_number}x{i}.outputs.result#/items/0" for i in range(5_000)]
        start = time.perf_counter()
        for text in texts:
            compile_expression(text, version="1.1")
        results.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(results)


def main() -> None:
    pointer = compile_expression("$response.body#/status")
    condition = compile_condition("$statusCode == 200 && $response.body#/status == 'completed'")
    template = compile_template("https://{$inputs.host}/api/{$steps.create.outputs.id}/status")
    comparison = compile_criterion(
        "$.status == 'completed'", context="$response.body", type="jsonpath"
    )
    assert comparison.evaluate(CONTEXT).passed
    assert pointer.evaluate(CONTEXT) == "completed"
    assert condition.evaluate(CONTEXT).passed
    assert template.render(CONTEXT) == "https://api.example/api/p-9/status"
    print(f"python {sys.version.split()[0]} on {platform.machine()}, {platform.system()}")
    print(f"median of {ROUNDS} rounds of {PER_ROUND:,} evaluations each")
    cases = [
        ("$response.body#/status", lambda: pointer.evaluate(CONTEXT)),
        (
            "$statusCode == 200 && $response.body#/status == 'completed'",
            lambda: condition.evaluate(CONTEXT),
        ),
        (
            "https://{$inputs.host}/api/{$steps.create.outputs.id}/status",
            lambda: template.render(CONTEXT),
        ),
        ("jsonpath criterion $.status == 'completed'", lambda: comparison.evaluate(CONTEXT)),
    ]
    for name, evaluate in cases:
        print(f"{rate(evaluate):>12,.0f} evaluations/s  {name}")
    print(f"{compile_rate():>12,.0f} compilations/s  $steps.<id>.outputs.result#/items/0")


if __name__ == "__main__":
    main()
