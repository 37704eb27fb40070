"""Batch runs: `arazzo run --inputs-file rows.jsonl --concurrency N`."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from arazzo_engine._batch import run_batch
from arazzo_engine._engine import Engine
from arazzo_engine._loader import load
from arazzo_engine._masking import Masker

ROOT = Path(__file__).resolve().parents[1]
KNOCK = ROOT / "specs" / "knock-bulk.yml"


def test_one_result_line_per_row_and_a_summary(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"users": [{"id": "a"}], "recipientIds": ["a"]}\n'
        "\n"
        '{"users": [{"id": "b"}], "recipientIds": ["b"], "apiKey": "sk_row_secret_9999"}\n'
        '{"apiKey": 12345}\n'
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "arazzo_engine",
            "run",
            str(KNOCK),
            "--inputs",
            "specs/knock-bulk.inputs.yaml",
            "--mock",
            "specs/knock-bulk.mock.yaml",
            "--inputs-file",
            str(rows),
            "--concurrency",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # one row is invalid
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(line["row"] for line in lines) == [0, 1, 2]
    by_row = {line["row"]: line for line in lines}
    assert by_row[0]["status"] == by_row[1]["status"] == "succeeded"
    assert by_row[0]["outputs"]["bulkStatus"] == "completed"
    assert by_row[2]["error"]["code"] == "invalid-inputs"
    assert "3 of 3 rows finished" in result.stderr and "2 succeeded, 1 failed" in result.stderr
    assert "sk_row_secret_9999" not in result.stdout + result.stderr
    assert "12345" not in result.stdout + result.stderr


def test_batches_refuse_single_run_reports(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text("{}\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "arazzo_engine",
            "run",
            str(KNOCK),
            "--inputs-file",
            str(rows),
            "--junit",
            str(tmp_path / "j.xml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "a batch writes result lines" in result.stderr


def test_a_bad_row_is_named_by_line(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"a": 1}\n[1, 2]\n')
    result = subprocess.run(
        [sys.executable, "-m", "arazzo_engine", "run", str(KNOCK), "--inputs-file", str(rows)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert f"{rows}:2: a row must be a JSON object" in result.stderr


def test_ctrl_c_stops_cleanly_and_reports_what_finished() -> None:
    requests = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal requests
        await asyncio.sleep(0)  # a real server makes the loop wait, and so see the signal
        requests += 1
        if requests == 6:  # the second row has begun: the user presses Ctrl-C
            os.kill(os.getpid(), signal.SIGINT)
        path = request.url.path
        if path.endswith("/identify"):
            return httpx.Response(200, json={"id": "op", "status": "queued"})
        if "/bulk_operations/" in path:
            return httpx.Response(200, json={"id": "op", "status": "completed"})
        return httpx.Response(200, json={"workflow_run_id": "r"})

    engine = Engine(load(KNOCK), transport=httpx.MockTransport(handler))
    base = {"apiKey": "sk_test_key_0000", "workflowKey": "w"}
    rows = [{"users": [{"id": str(i)}], "recipientIds": [str(i)]} for i in range(50)]
    out, err = io.StringIO(), io.StringIO()
    status = run_batch(
        engine,
        "bulk-identify-users-notify",
        base,
        rows,
        concurrency=1,
        masker=Masker(["sk_test_key_0000"]),
        schema=None,
        out=out,
        err=err,
    )
    assert status == 130
    finished = out.getvalue().splitlines()
    assert 1 <= len(finished) < 50
    assert "stopped by Ctrl-C" in err.getvalue()
    assert f"{len(finished)} of 50 rows finished" in err.getvalue()
