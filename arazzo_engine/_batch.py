"""Batch runs: one workflow, many input rows, bounded concurrency, results as they finish.

Every row runs on the same engine (one compiled plan, one connection pool). A row's failure
is its own result line; it never stops the others. Ctrl-C stops scheduling rows, cancels the
ones in flight, and the summary says how many finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from ._engine import Engine
from ._masking import Masker, secret_inputs
from ._results import RunResult

__all__ = ["read_rows", "run_batch"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2
EXIT_INTERRUPTED = 130


def read_rows(location: str) -> list[dict[str, Any]]:
    """The input rows of a JSON Lines file (blank lines are skipped)."""
    try:
        text = Path(location).read_text(encoding="utf-8")
    except OSError as error:
        print(f"arazzo: --inputs-file {location}: {error.strerror or error}", file=sys.stderr)
        raise SystemExit(EXIT_UNUSABLE) from None
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            print(
                f"arazzo: {location}:{number}: not JSON ({error.msg} at column {error.colno})",
                file=sys.stderr,
            )
            raise SystemExit(EXIT_UNUSABLE) from None
        if not isinstance(row, dict):
            print(f"arazzo: {location}:{number}: a row must be a JSON object", file=sys.stderr)
            raise SystemExit(EXIT_UNUSABLE)
        rows.append(row)
    return rows


def _line(index: int, result: RunResult, masker: Masker) -> str:
    error = result.error
    document = {
        "row": index,
        "status": result.status,
        "outputs": masker.value(dict(result.outputs)),
        "error": (
            None
            if error is None
            else {"code": error.code, "message": masker.text(error.message), "step": error.step_id}
        ),
        "steps": len(result.steps),
        "duration_ms": round(result.duration_ms, 3),
    }
    return json.dumps(document, ensure_ascii=False)


def run_batch(
    engine: Engine,
    workflow_id: str,
    base_inputs: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    *,
    concurrency: int,
    masker: Masker,
    schema: Any,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run every row; print a result line per row and a summary. The exit status: 0 when all
    rows succeeded, 1 when any failed, 130 when interrupted."""
    out = out or sys.stdout
    err = err or sys.stderr
    started = time.perf_counter()
    counts = {"succeeded": 0, "failed": 0}
    interrupted = False

    async def main() -> None:
        nonlocal interrupted
        gate = asyncio.Semaphore(concurrency)
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals here
            loop.add_signal_handler(signal.SIGINT, stop.set)

        async def one(index: int, row: Mapping[str, Any]) -> None:
            async with gate:
                if stop.is_set():
                    return
                inputs = {**base_inputs, **row}
                # Non-string secrets are masked as their JSON text (an error may quote them).
                as_text = {
                    name: value if isinstance(value, str) else json.dumps(value)
                    for name, value in inputs.items()
                    if isinstance(value, str | int | float)
                }
                row_masker = masker.with_secrets(*secret_inputs(schema, as_text))
                result = await engine.run(workflow_id, inputs)
                counts[result.status] += 1
                out.write(_line(index, result, row_masker) + "\n")
                out.flush()

        async with engine:
            tasks = [asyncio.create_task(one(index, row)) for index, row in enumerate(rows)]
            waiter: asyncio.Task[Any] = asyncio.create_task(stop.wait())
            pending: set[asyncio.Task[Any]] = set(tasks)
            while pending:
                done, pending = await asyncio.wait(
                    pending | {waiter}, return_when=asyncio.FIRST_COMPLETED
                )
                if waiter in done:
                    interrupted = True
                    for task in pending:
                        task.cancel()
                    await asyncio.gather(*pending, return_exceptions=True)
                    break
                pending.discard(waiter)
            waiter.cancel()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)

    asyncio.run(main())
    finished = counts["succeeded"] + counts["failed"]
    elapsed = time.perf_counter() - started
    summary = (
        f"{finished} of {len(rows)} rows finished in {elapsed:.2f} s: "
        f"{counts['succeeded']} succeeded, {counts['failed']} failed"
    )
    if interrupted:
        summary += f"; stopped by Ctrl-C, {len(rows) - finished} not run"
    print(summary, file=err)
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if counts["failed"] == 0 else EXIT_FAILED
