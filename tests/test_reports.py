"""Reports from hand-built run records: JSON, JUnit XML (against a JUnit XSD), HAR 1.2.

``assert_har_1_2`` and ``assert_valid_junit`` are used by the command-line tests too.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from xml.etree import ElementTree

import xmlschema

from arazzo_engine._live import LiveView, attempt_line
from arazzo_engine._masking import Masker
from arazzo_engine._reports import har_log, iter_exchanges, junit_xml, run_to_json
from arazzo_engine._results import (
    ActionTaken,
    CriterionOutcome,
    Exchange,
    RecordedRequest,
    RecordedResponse,
    RunError,
    RunResult,
    StepAttempt,
)

JUNIT_XSD = xmlschema.XMLSchema(str(Path(__file__).parent / "data" / "junit.xsd"))
SECRET = "sk_test_REPORTS_9f8e7d6c5b4a"
T0 = 1_767_607_200.0  # 2026-01-05T10:00:00Z


# --- format checkers -----------------------------------------------------------------------


def assert_valid_junit(text: str) -> ElementTree.Element:
    JUNIT_XSD.validate(text)
    return ElementTree.fromstring(text)


def _assert_pairs(items: Any) -> None:
    assert isinstance(items, list)
    for item in items:
        assert isinstance(item["name"], str) and isinstance(item["value"], str)


def assert_har_1_2(har: Any) -> None:
    """The fields HAR 1.2 requires, with their types."""
    log = har["log"]
    assert log["version"] == "1.2"
    assert isinstance(log["creator"]["name"], str) and isinstance(log["creator"]["version"], str)
    assert isinstance(log["entries"], list)
    for entry in log["entries"]:
        datetime.fromisoformat(entry["startedDateTime"])  # ISO 8601
        assert "+" in entry["startedDateTime"] or entry["startedDateTime"].endswith("Z")
        assert isinstance(entry["time"], int | float) and entry["time"] >= 0
        request = entry["request"]
        assert isinstance(request["method"], str) and isinstance(request["url"], str)
        assert isinstance(request["httpVersion"], str)
        _assert_pairs(request["headers"])
        _assert_pairs(request["queryString"])
        assert isinstance(request["cookies"], list)
        assert isinstance(request["headersSize"], int) and isinstance(request["bodySize"], int)
        if "postData" in request:
            assert isinstance(request["postData"]["mimeType"], str)
            assert "text" in request["postData"] or "params" in request["postData"]
        response = entry["response"]
        assert isinstance(response["status"], int) and isinstance(response["statusText"], str)
        assert isinstance(response["httpVersion"], str)
        _assert_pairs(response["headers"])
        assert isinstance(response["cookies"], list)
        content = response["content"]
        assert isinstance(content["size"], int) and isinstance(content["mimeType"], str)
        assert isinstance(response["redirectURL"], str)
        assert isinstance(response["headersSize"], int) and isinstance(response["bodySize"], int)
        assert isinstance(entry["cache"], dict)
        for phase in ("send", "wait", "receive"):
            assert isinstance(entry["timings"][phase], int | float)
            assert entry["timings"][phase] >= -1


# --- records -------------------------------------------------------------------------------


def exchange(
    method: str,
    url: str,
    status: int | None,
    *,
    body: str | None = None,
    started: float = T0,
    error: str | None = None,
) -> Exchange:
    request = RecordedRequest(
        method,
        url,
        (("Authorization", "Bearer ***"), ("Content-Type", "application/json")),
        body,
        len(body or ""),
        "application/json" if body else None,
    )
    response = (
        RecordedResponse(
            status,
            (("content-type", "application/json"), ("location", "/next")),
            '{"ok": true}',
            12,
            content_type="application/json",
        )
        if status is not None
        else None
    )
    return Exchange(request, response, error, started, 25.0)


def attempt(step: str, number: int, ok: bool, sent: Exchange | None, **extra: Any) -> StepAttempt:
    return StepAttempt(
        workflow_id=extra.pop("workflow", "main"),
        step_id=step,
        attempt=number,
        started_at=sent.started_at if sent else T0,
        duration_ms=30.0,
        succeeded=ok,
        exchange=sent,
        **extra,
    )


def dependency_run() -> RunResult:
    login = exchange("POST", "https://api.test/login", 200, body='{"user": "ada"}', started=T0)
    return RunResult(
        workflow_id="login",
        status="succeeded",
        outputs=MappingProxyType({"token": "***"}),
        steps=(attempt("signIn", 1, True, login, workflow="login"),),
        inputs=MappingProxyType({}),
        started_at=T0,
        duration_ms=40.0,
    )


def failed_run() -> RunResult:
    first = exchange("GET", f"https://api.test/items?page=1&key={SECRET}", 503, started=T0 + 1)
    second = exchange(
        "GET", "https://api.test/items?page=1", None, started=T0 + 2, error="timed out"
    )
    sub = RunResult(
        workflow_id="audit",
        status="succeeded",
        outputs=MappingProxyType({}),
        steps=(
            attempt(
                "record",
                1,
                True,
                exchange("PUT", "https://api.test/audit", 204, started=T0 + 0.5),
                workflow="audit",
            ),
        ),
        inputs=MappingProxyType({}),
        started_at=T0 + 0.5,
        duration_ms=10.0,
    )
    return RunResult(
        workflow_id="main",
        status="failed",
        outputs=MappingProxyType({"seen": 1}),
        steps=(
            attempt("audit", 1, True, None, sub_run=sub),
            attempt(
                "list",
                1,
                False,
                first,
                criteria=(CriterionOutcome("$statusCode == 200", "simple", False, "503 != 200"),),
                action=ActionTaken("failure", "again", "retry", delay_seconds=1.5),
            ),
            attempt(
                "list",
                2,
                False,
                second,
                action=ActionTaken("failure", None, "fail"),
                error="GET https://api.test/items?page=1: timed out",
            ),
        ),
        inputs=MappingProxyType({"apiKey": "***"}),
        started_at=T0,
        duration_ms=2100.0,
        error=RunError(
            "step-failed", "GET https://api.test/items?page=1: timed out", "main", "list"
        ),
        dependencies=(dependency_run(),),
    )


# --- JSON ----------------------------------------------------------------------------------


def test_json_report_holds_the_whole_run_in_camel_case() -> None:
    report = run_to_json(failed_run(), masker=Masker([SECRET]), document="flow.yaml")
    text = json.dumps(report)
    assert SECRET not in text
    assert report["reportVersion"] == 1 and report["document"] == "flow.yaml"
    result = report["result"]
    assert result["status"] == "failed" and result["succeeded"] is False
    assert result["startedAt"] == "2026-01-05T10:00:00.000+00:00"
    assert result["error"] == {
        "code": "step-failed",
        "message": "GET https://api.test/items?page=1: timed out",
        "workflowId": "main",
        "stepId": "list",
    }
    assert result["dependencies"][0]["workflowId"] == "login"
    assert result["steps"][0]["subRun"]["steps"][0]["stepId"] == "record"
    retry = result["steps"][1]
    assert retry["action"]["delaySeconds"] == 1.5
    assert retry["exchange"]["request"]["url"] == "https://api.test/items?page=1&key=***"
    assert retry["exchange"]["request"]["headers"][0] == ["Authorization", "Bearer ***"]
    assert retry["criteria"][0]["reason"] == "503 != 200"


# --- JUnit ---------------------------------------------------------------------------------


def test_junit_has_one_testcase_per_workflow_run_and_names_the_failing_step() -> None:
    text = junit_xml(failed_run(), suite_name="Shop flows", masker=Masker([SECRET]))
    root = assert_valid_junit(text)
    assert SECRET not in text
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == (
        "Shop flows",
        "2",
        "1",
    )
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == ["login", "main"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("type") == "step-failed"
    assert failure.get("message") == (
        "step 'list' failed: GET https://api.test/items?page=1: timed out"
    )
    assert "main/list attempt 2" in (failure.text or "")
    out = cases[1].findtext("system-out") or ""
    assert "criterion not met: $statusCode == 200: 503 != 200" in out
    assert "then retry" in out


def test_junit_for_a_successful_run_has_no_failure() -> None:
    root = assert_valid_junit(junit_xml(dependency_run(), suite_name="s"))
    assert root.get("failures") == "0"
    assert root.find("testsuite/testcase/failure") is None


# --- HAR -----------------------------------------------------------------------------------


def test_har_lists_every_exchange_in_order_with_the_required_fields() -> None:
    har = har_log(failed_run(), masker=Masker([SECRET]))
    assert_har_1_2(har)
    assert SECRET not in json.dumps(har)
    entries = har["log"]["entries"]
    assert [(e["request"]["method"], e["_stepId"]) for e in entries] == [
        ("POST", "signIn"),  # the dependency ran first
        ("PUT", "record"),  # then the sub-workflow called by the first step
        ("GET", "list"),
        ("GET", "list"),
    ]
    login = entries[0]
    assert login["request"]["postData"] == {
        "mimeType": "application/json",
        "text": '{"user": "ada"}',
    }
    assert login["response"]["redirectURL"] == "/next"
    assert login["response"]["content"]["text"] == '{"ok": true}'
    assert entries[2]["request"]["queryString"] == [
        {"name": "page", "value": "1"},
        {"name": "key", "value": "***"},
    ]
    assert entries[2]["response"]["statusText"] == "Service Unavailable"
    assert entries[3]["response"]["status"] == 0 and entries[3]["response"]["_error"] == "timed out"
    assert entries[2]["comment"] == "main/list attempt 1"


def test_iter_exchanges_walks_dependencies_and_sub_runs() -> None:
    assert len(list(iter_exchanges(failed_run()))) == 4


# --- the live view -------------------------------------------------------------------------


def test_attempt_lines_say_what_happens_next() -> None:
    run = failed_run()
    assert attempt_line(run.steps[1], "main") == (
        "  FAIL list: GET https://api.test/items?page=1&key="
        + SECRET
        + " -> 503 Service Unavailable (25 ms); 1 of 1 criteria not met; retry in 1.5 s (again)"
    )
    assert attempt_line(run.steps[2], "main").endswith(
        "#2: GET https://api.test/items?page=1 -> timed out; failed"
    )
    poll = attempt(
        "poll",
        3,
        True,
        exchange("GET", "https://api.test/op", 200),
        action=ActionTaken("success", "notYet", "goto", step_id="poll"),
    )
    assert attempt_line(poll) == (
        "  ok   poll #3: GET https://api.test/op -> 200 OK (25 ms); poll again (notYet)"
    )
    nested = attempt("record", 1, True, None, workflow="audit")
    assert attempt_line(nested, "main") == "  ok   audit/record: "


def test_live_view_masks_every_line_plain_and_rich() -> None:
    for fancy in (False, True):
        stream = io.StringIO()
        view = LiveView(stream, Masker([SECRET]), fancy=fancy)
        run = failed_run()
        view.begin("main", "flow.yaml")
        for step in run.steps:
            view.step_started(step.workflow_id, step.step_id, step.attempt)
            view.step_ended(step)
        view.finish(run)
        text = stream.getvalue()
        assert SECRET not in text
        assert "key=***" in text
        assert "workflow main failed after 2100 ms: step 'list' failed" in text
        if not fancy:
            assert "\x1b[" not in text  # no terminal codes in logs
