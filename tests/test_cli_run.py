"""`arazzo run` and `arazzo list` end to end, in subprocesses, against offline mocks."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_reports import assert_har_1_2, assert_valid_junit

ROOT = Path(__file__).resolve().parents[1]
SECRET = "sk_test_CLI_7c1d9e2f4a6b8c0d"
PHRASE = "correct-horse-battery-staple"
FINDING = re.compile(r"^[^:]+:\d+:\d+: error\[[a-z-]+\]: .+$")

OPENAPI = """\
openapi: 3.1.0
info: {title: Echo, version: 1.0.0}
servers: [{url: 'https://echo.example.com'}]
security: [{bearer: []}]
paths:
  /things:
    post:
      operationId: createThing
      parameters:
        - {name: X-Phrase, in: header, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {type: object}
      responses:
        '200':
          description: created
          content:
            application/json:
              schema: {type: object}
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: a thing
          content:
            application/json:
              schema:
                type: object
                properties: {id: {type: string}}
              example: {id: from-example}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
"""

ARAZZO = """\
arazzo: 1.0.1
info: {title: Echo flows, version: 1.0.0}
sourceDescriptions:
  - {name: echo, url: ./echo.yaml, type: openapi}
workflows:
  - workflowId: create
    inputs:
      type: object
      required: [name]
      properties:
        name: {type: string}
        count: {type: integer}
        tags: {type: array}
        note: {type: string}
        phrase: {type: string, format: password}
    steps:
      - stepId: make
        operationId: createThing
        parameters:
          - {name: X-Phrase, in: header, value: $inputs.phrase}
        requestBody:
          contentType: application/json
          payload:
            name: $inputs.name
            count: $inputs.count
            tags: $inputs.tags
            note: $inputs.note
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          sent: $response.body#/sent
          auth: $response.body#/auth
          phrase: $response.body#/phrase
    outputs:
      sent: $steps.make.outputs.sent
      auth: $steps.make.outputs.auth
      phrase: $steps.make.outputs.phrase
  - workflowId: fetch
    steps:
      - stepId: get
        operationId: getThing
        parameters:
          - {name: id, in: path, value: '42'}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          id: $response.body#/id
    outputs:
      id: $steps.get.outputs.id
"""

SCENARIO = """\
spec: flow.arazzo.yaml
operations:
  createThing:
    - body:
        sent: $request.body
        auth: $request.header.Authorization
        phrase: $request.header.X-Phrase
"""


@pytest.fixture
def flow(tmp_path: Path) -> Path:
    (tmp_path / "echo.yaml").write_text(OPENAPI)
    (tmp_path / "flow.arazzo.yaml").write_text(ARAZZO)
    (tmp_path / "echo.mock.yaml").write_text(SCENARIO)
    return tmp_path


def arazzo(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arazzo_engine", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def one_json_object(stdout: str) -> dict[str, object]:
    value = json.loads(stdout)  # fails on anything but one JSON document
    assert isinstance(value, dict)
    return value


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr


# --- success and inputs --------------------------------------------------------------------


def test_inputs_merge_files_then_flags_and_parse_json_values(flow: Path) -> None:
    (flow / "in.yaml").write_text("name: from-file\ncount: 1\nnote: kept\n")
    (flow / "more.json").write_text('{"count": 2, "tags": ["a"]}')
    result = arazzo(
        "run",
        "flow.arazzo.yaml",
        "--workflow",
        "create",
        "--mock",
        "echo.mock.yaml",
        "--inputs",
        "in.yaml",
        "--inputs",
        "more.json",
        "--input",
        "count=3",
        "--input",
        'tags=["x", 2]',
        "--input",
        "name=plain text",
        "--input",
        'note="env:NOT_READ"',
        cwd=flow,
    )
    assert result.returncode == 0, result.stderr
    outputs = one_json_object(result.stdout)
    assert outputs["sent"] == {
        "name": "plain text",
        "count": 3,
        "tags": ["x", 2],
        "note": "env:NOT_READ",
    }
    no_traceback(result)


def test_env_inputs_and_credentials_are_used_and_masked_everywhere(flow: Path) -> None:
    reports = flow / "out"
    reports.mkdir()
    result = arazzo(
        "run",
        "flow.arazzo.yaml",
        "--workflow",
        "create",
        "--mock",
        "echo.mock.yaml",
        "--input",
        "name=ada",
        "--input",
        "phrase=env:TEST_PHRASE",
        "--credential",
        "bearer=env:TEST_TOKEN",
        "--report",
        "out/run.json",
        "--junit",
        "out/run.xml",
        "--har",
        "out/run.har",
        cwd=flow,
        env={"TEST_TOKEN": SECRET, "TEST_PHRASE": PHRASE},
    )
    assert result.returncode == 0, result.stderr
    outputs = one_json_object(result.stdout)
    # The mock saw the real values (it echoed them back); every output shows them masked.
    assert outputs["auth"] == "Bearer ***"
    assert outputs["phrase"] == "***"
    files = [path.read_text() for path in sorted(reports.iterdir())]
    assert len(files) == 3
    for text in [result.stdout, result.stderr, *files]:
        assert SECRET not in text
        assert PHRASE not in text


def test_several_workflows_need_a_choice(flow: Path) -> None:
    result = arazzo("run", "flow.arazzo.yaml", "--mock", "echo.mock.yaml", cwd=flow)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "arazzo: the document has 2 workflows; choose one with --workflow: create, fetch\n"
    )


def test_unscripted_operations_answer_from_their_examples(flow: Path) -> None:
    result = arazzo(
        "run", "flow.arazzo.yaml", "--workflow", "fetch", "--mock", "echo.mock.yaml", cwd=flow
    )
    assert result.returncode == 0, result.stderr
    assert one_json_object(result.stdout) == {"id": "from-example"}
    assert "(0 from the scenario, 1 from the descriptions)" in result.stderr


# --- failures ------------------------------------------------------------------------------


def test_a_failed_step_exits_one_with_outputs_and_a_junit_failure(flow: Path) -> None:
    (flow / "broken.yaml").write_text(
        "operations:\n  getThing:\n    - {status: 503, body: {error: down}}\n"
    )
    result = arazzo(
        "run",
        "flow.arazzo.yaml",
        "--workflow",
        "fetch",
        "--mock",
        "broken.yaml",
        "--junit",
        "run.xml",
        "--har",
        "run.har",
        "--report",
        "run.json",
        cwd=flow,
    )
    assert result.returncode == 1
    one_json_object(result.stdout)
    assert "503 Service Unavailable" in result.stderr
    assert "workflow fetch failed" in result.stderr and "step 'get' failed" in result.stderr
    junit = assert_valid_junit((flow / "run.xml").read_text())
    failure = junit.find("testsuite/testcase/failure")
    assert failure is not None and "step 'get' failed" in (failure.get("message") or "")
    assert_har_1_2(json.loads((flow / "run.har").read_text()))
    report = json.loads((flow / "run.json").read_text())
    assert report["result"]["error"]["stepId"] == "get"
    no_traceback(result)


def test_a_cap_counts_as_a_failed_workflow(tmp_path: Path) -> None:
    result = arazzo(
        "run",
        "specs/knock-bulk.yml",
        "--inputs",
        "specs/knock-bulk.inputs.yaml",
        "--mock",
        "specs/knock-bulk.mock.yaml",
        "--max-steps",
        "2",
        "--report",
        str(tmp_path / "run.json"),
        cwd=ROOT,
    )
    assert result.returncode == 1
    one_json_object(result.stdout)
    error = json.loads((tmp_path / "run.json").read_text())["result"]["error"]
    assert error["code"] == "cap-max-steps"
    assert "failed after" in result.stderr and error["message"] in result.stderr
    no_traceback(result)


def test_an_invalid_document_exits_two_with_located_errors(flow: Path) -> None:
    (flow / "bad.arazzo.yaml").write_text(
        ARAZZO.replace("operationId: getThing", "operationId: getThingz")
    )
    result = arazzo("run", "bad.arazzo.yaml", "--workflow", "fetch", cwd=flow)
    assert result.returncode == 2
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if not line.startswith("arazzo: ")]
    assert errors and all(FINDING.match(line) for line in errors), result.stderr
    assert "bad.arazzo.yaml:" in errors[0] and "getThingz" in result.stderr
    no_traceback(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--input", "count=many"], "count"),
        (["--input", "name=env:SURELY_NOT_SET_1234"], "environment variable SURELY_NOT_SET_1234"),
        (["--input", "name"], "--input 'name': expected NAME=VALUE"),
        (["--inputs", "absent.yaml"], "--inputs absent.yaml: no such file"),
        (["--server", "nowhere=http://x"], "no source 'nowhere'; the document has: echo"),
        (["--credential", "nope=x"], "no security scheme 'nope'; the sources have: bearer"),
        (["--report", "no/such/dir/r.json"], "does not exist"),
    ],
)
def test_unusable_input_exits_two_before_running(flow: Path, args: list[str], message: str) -> None:
    result = arazzo(
        "run",
        "flow.arazzo.yaml",
        "--workflow",
        "create",
        "--mock",
        "echo.mock.yaml",
        "--input",
        "name=ok",
        *args,
        cwd=flow,
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert "running workflow" not in result.stderr
    no_traceback(result)


@pytest.fixture
def served_mock(flow: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "arazzo_engine", "mock", "serve", "echo.mock.yaml", "--port", "0"],
        cwd=flow,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        banner = process.stderr.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner)
        assert match, banner
        yield match[1], process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_wrong_inputs_send_no_request_at_all(
    flow: Path, served_mock: tuple[str, subprocess.Popen[str]]
) -> None:
    url, server = served_mock
    common = ["run", "flow.arazzo.yaml", "--workflow", "create", "--server", f"echo={url}"]
    rejected = arazzo(*common, "--input", "name=ok", "--input", "count=[1]", cwd=flow)
    assert rejected.returncode == 2
    assert "count" in rejected.stderr and "nothing was sent" in rejected.stderr
    accepted = arazzo(*common, "--input", "name=ok", cwd=flow)
    assert accepted.returncode == 0, accepted.stderr
    assert one_json_object(accepted.stdout)["sent"]["name"] == "ok"  # type: ignore[index]
    httpx.get(url + "/things/1")  # a last request of our own, to mark the end of the log
    server.send_signal(signal.SIGINT)
    _, log = server.communicate(timeout=30)
    requests = [line for line in log.splitlines() if line.startswith(("GET ", "POST "))]
    # Only the accepted run's request and our marker reached the server.
    assert [line.split(" -> ")[0] for line in requests] == [
        f"POST {url}/things",
        f"GET {url}/things/1",
    ]


# --- list ----------------------------------------------------------------------------------


def test_list_shows_workflows_inputs_and_steps(flow: Path) -> None:
    result = arazzo("list", "flow.arazzo.yaml", cwd=flow)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "create\n"
        "  inputs:\n"
        "    name    string  required\n"
        "    count   integer\n"
        "    tags    array\n"
        "    note    string\n"
        "    phrase  string\n"
        "  steps:\n"
        "    1. make  createThing\n"
        "  outputs: sent, auth, phrase\n"
        "\n"
        "fetch\n"
        "  inputs: none\n"
        "  steps:\n"
        "    1. get  getThing\n"
        "  outputs: id\n"
    )


def test_list_as_json(flow: Path) -> None:
    result = arazzo("list", "flow.arazzo.yaml", "--format", "json", cwd=flow)
    assert result.returncode == 0
    listing = json.loads(result.stdout)
    create = listing["workflows"][0]
    assert create["inputs"][0] == {"name": "name", "type": "string", "required": True}
    assert create["steps"] == [{"stepId": "make", "kind": "operation", "target": "createThing"}]


def test_list_of_a_missing_file_exits_two(tmp_path: Path) -> None:
    result = arazzo("list", "absent.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "arazzo: absent.yaml: no such file\n"
