"""The Knock demo of the README, end to end: bulk identify, three polls, trigger; offline."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.test_reports import assert_har_1_2, assert_valid_junit

ROOT = Path(__file__).resolve().parents[1]
DEMO = ["specs/knock-bulk.yml", "--inputs", "specs/knock-bulk.inputs.yaml"]
MOCK = ["--mock", "specs/knock-bulk.mock.yaml"]
FAKE_KEY = "sk_test_DEMO_b5e8a1c3d7f9e2a4"


def arazzo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arazzo_engine", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_demo_inputs_use_a_fake_test_key() -> None:
    inputs = yaml.safe_load((ROOT / "specs" / "knock-bulk.inputs.yaml").read_text())
    assert inputs["apiKey"].startswith("sk_test_")
    assert 2 <= len(inputs["users"]) <= 3
    assert inputs["recipientIds"] == [user["id"] for user in inputs["users"]]


def test_knock_demo_runs_offline_and_polls_three_times(tmp_path: Path) -> None:
    result = arazzo(
        "run",
        *DEMO,
        *MOCK,
        "--input",
        f"apiKey={FAKE_KEY}",
        "--report",
        str(tmp_path / "run.json"),
        "--junit",
        str(tmp_path / "run.xml"),
        "--har",
        str(tmp_path / "run.har"),
    )
    assert result.returncode == 0, result.stderr

    outputs = json.loads(result.stdout)
    assert outputs["bulkOperationId"] == "9b2f4c1e-7d3a-4f60-8e21-5c4b3a2d1e0f"
    assert outputs["bulkStatus"] == "completed"
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", outputs["workflowRunId"]
    )

    polls = [line for line in result.stderr.splitlines() if "pollBulkOperation" in line]
    assert len(polls) == 3, result.stderr
    assert all(
        "GET https://api.knock.app/v1/bulk_operations/9b2f4c1e-7d3a-4f60-8e21-5c4b3a2d1e0f"
        " -> 200 OK" in line
        for line in polls
    )
    assert "poll again (bulkStillRunning)" in polls[0] and "poll again" in polls[1]
    assert "goto triggerWorkflow (bulkDone)" in polls[2]
    assert "workflow bulk-identify-users-notify succeeded" in result.stderr

    report = json.loads((tmp_path / "run.json").read_text())
    steps = [(step["stepId"], step["attempt"]) for step in report["result"]["steps"]]
    assert steps == [
        ("bulkIdentify", 1),
        ("pollBulkOperation", 1),
        ("pollBulkOperation", 2),
        ("pollBulkOperation", 3),
        ("triggerWorkflow", 1),
    ]
    har = json.loads((tmp_path / "run.har").read_text())
    assert_har_1_2(har)
    assert len(har["log"]["entries"]) == 5
    auth = [
        header["value"]
        for entry in har["log"]["entries"]
        for header in entry["request"]["headers"]
        if header["name"].lower() == "authorization"
    ]
    assert auth == ["Bearer ***"] * 5
    junit = assert_valid_junit((tmp_path / "run.xml").read_text())
    assert junit.get("failures") == "0"

    texts = [result.stdout, result.stderr, *(p.read_text() for p in tmp_path.iterdir())]
    for text in texts:
        assert FAKE_KEY not in text


def test_knock_demo_key_from_the_environment_is_masked() -> None:
    # The documented command against the real API, but still offline: the key comes from
    # the environment, as it would for Knock.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "arazzo_engine",
            "run",
            *DEMO,
            *MOCK,
            "--input",
            "apiKey=env:KNOCK_API_KEY",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"KNOCK_API_KEY": FAKE_KEY, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert FAKE_KEY not in result.stdout + result.stderr
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "arazzo_engine",
            "run",
            *DEMO,
            "--input",
            "apiKey=env:KNOCK_API_KEY",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert missing.returncode == 2
    assert missing.stderr == (
        "arazzo: --input apiKey: environment variable KNOCK_API_KEY is not set\n"
    )


def test_make_demo_itself() -> None:
    """The README's first command, as a person runs it (the venv exists once `make test` ran)."""
    if shutil.which("make") is None or not (ROOT / ".venv" / "bin" / "arazzo").exists():
        pytest.skip("needs make and the project's .venv (make test creates both)")
    result = subprocess.run(
        ["make", "--no-print-directory", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outputs = json.loads(result.stdout[result.stdout.index("{") :])
    assert outputs["bulkStatus"] == "completed"
    assert outputs["bulkOperationId"] and outputs["workflowRunId"]
    assert result.stderr.count("pollBulkOperation") == 3
