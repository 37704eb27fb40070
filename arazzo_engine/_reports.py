"""Reports of a run for people and machines: JSON, JUnit XML and HAR 1.2.

Each reporter reads only the records of ``_results.py``. The engine masks secrets
in what it records; every reporter passes its whole output through a masker once
more, so a value the engine could not know was secret (a credential given on the
command line, say) is hidden too.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree

from . import __version__
from ._results import Exchange, RunResult, StepAttempt

__all__ = [
    "REPORT_VERSION",
    "TextMasker",
    "describe_failure",
    "dumps",
    "har_log",
    "iter_exchanges",
    "iter_runs",
    "junit_xml",
    "mask_strings",
    "run_to_json",
    "to_json_value",
]

REPORT_VERSION = 1  # bumped when a field of the JSON report changes meaning or goes away


class TextMasker(Protocol):
    """Hides known secret values in text (``_masking.Masker`` is one)."""

    def text(self, value: str) -> str: ...


def mask_strings(masker: TextMasker | None, value: Any) -> Any:
    """``value`` with every string (keys included) passed through ``masker``.

    Only known secret values are hidden: the records are masked by the engine
    already, and masking by key name here would also hide harmless values.
    """
    if masker is None:
        return value
    if isinstance(value, str):
        return masker.text(value)
    if isinstance(value, Mapping):
        return {masker.text(str(key)): mask_strings(masker, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_strings(masker, item) for item in value]
    return value


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="milliseconds")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def to_json_value(value: Any) -> Any:
    """Records as JSON values: camelCase keys, ISO 8601 times, lists for tuples."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        plain: dict[str, Any] = {}
        for item in dataclasses.fields(value):
            member = getattr(value, item.name)
            if item.name == "started_at" and isinstance(member, int | float):
                plain["startedAt"] = _iso(member)
            elif item.name == "headers" and isinstance(member, tuple):
                plain["headers"] = [[name, text] for name, text in member]
            else:
                plain[_camel(item.name)] = to_json_value(member)
        return plain
    if isinstance(value, Mapping):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # a sentinel or other non-JSON value, shown as itself


def run_to_json(
    result: RunResult, *, masker: TextMasker | None = None, document: str | None = None
) -> dict[str, Any]:
    """The whole run as a JSON object: the tool, the document, and the RunResult."""
    plain = to_json_value(result)
    plain["succeeded"] = result.succeeded
    report = {
        "reportVersion": REPORT_VERSION,
        "tool": {"name": "arazzo-engine", "version": __version__},
        "document": document,
        "result": plain,
    }
    masked: dict[str, Any] = mask_strings(masker, report)
    return masked


# --- walking the records -------------------------------------------------------------------


def iter_runs(result: RunResult) -> Iterator[RunResult]:
    """Every workflow run of a result, in the order they ran: dependencies first."""
    for dependency in result.dependencies:
        yield from iter_runs(dependency)
    yield result


def iter_exchanges(result: RunResult) -> Iterator[tuple[StepAttempt, Exchange]]:
    """Every HTTP exchange, in the order sent, with the step attempt that sent it."""
    for dependency in result.dependencies:
        yield from iter_exchanges(dependency)
    for attempt in result.steps:
        if attempt.exchange is not None:
            yield attempt, attempt.exchange
        if attempt.sub_run is not None:
            yield from iter_exchanges(attempt.sub_run)


def _failing_attempt(result: RunResult) -> StepAttempt | None:
    if result.error is None or result.error.step_id is None:
        return None
    for attempt in reversed(result.steps):
        if attempt.step_id == result.error.step_id:
            return attempt
    return None


def describe_failure(result: RunResult) -> str:
    """One line saying why a run failed: the failing step and the reason."""
    error = result.error
    if error is None:
        return f"workflow '{result.workflow_id}' failed"
    if not error.step_id or f"'{error.step_id}'" in error.message:
        return error.message  # the message names the step already (caps do)
    return f"step '{error.step_id}' failed: {error.message}"


def _attempt_lines(attempt: StepAttempt) -> Iterator[str]:
    head = f"{attempt.workflow_id}/{attempt.step_id} attempt {attempt.attempt}"
    exchange = attempt.exchange
    if exchange is not None:
        outcome = (
            str(exchange.response.status_code) if exchange.response else f"error: {exchange.error}"
        )
        head += (
            f": {exchange.request.method} {exchange.request.url} -> {outcome} "
            f"in {exchange.duration_ms:.0f} ms"
        )
    head += ": succeeded" if attempt.succeeded else ": failed"
    if attempt.action is not None:
        head += f"; then {attempt.action.type}"
        if attempt.action.step_id or attempt.action.workflow_id:
            head += f" {attempt.action.step_id or attempt.action.workflow_id}"
    yield head
    for criterion in attempt.criteria:
        if not criterion.passed and not attempt.succeeded:
            reason = f": {criterion.reason}" if criterion.reason else ""
            yield f"  criterion not met: {criterion.condition}{reason}"
    if attempt.error:
        yield f"  error: {attempt.error}"
    for check in attempt.checks:
        yield f"  response check: {check}"


# --- JUnit XML -----------------------------------------------------------------------------


def junit_xml(result: RunResult, *, suite_name: str, masker: TextMasker | None = None) -> str:
    """A JUnit XML report: one ``testsuite``, one ``testcase`` per workflow run.

    A failed run's testcase holds a ``failure`` whose message names the failing
    step and the reason, and whose text lists what that step's last attempt did.
    """

    def mask(text: str) -> str:
        return masker.text(text) if masker is not None else text

    runs = list(iter_runs(result))
    failures = sum(1 for run in runs if not run.succeeded)
    seconds = sum(run.duration_ms for run in runs) / 1000
    root = ElementTree.Element(
        "testsuites",
        name="arazzo",
        tests=str(len(runs)),
        failures=str(failures),
        errors="0",
        time=f"{seconds:.3f}",
    )
    suite = ElementTree.SubElement(
        root,
        "testsuite",
        name=mask(suite_name),
        tests=str(len(runs)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{seconds:.3f}",
        timestamp=datetime.fromtimestamp(result.started_at, tz=UTC)
        .replace(tzinfo=None)
        .isoformat(timespec="seconds"),
    )
    properties = ElementTree.SubElement(suite, "properties")
    ElementTree.SubElement(properties, "property", name="arazzo.engine", value=__version__)
    for run in runs:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            name=mask(run.workflow_id),
            classname=mask(suite_name),
            time=f"{run.duration_ms / 1000:.3f}",
        )
        if not run.succeeded:
            failure = ElementTree.SubElement(
                case,
                "failure",
                message=mask(describe_failure(run)),
                type=run.error.code if run.error else "failed",
            )
            failing = _failing_attempt(run)
            failure.text = mask("\n".join(_attempt_lines(failing))) if failing else None
        log = [line for attempt in run.steps for line in _attempt_lines(attempt)]
        if log:
            ElementTree.SubElement(case, "system-out").text = mask("\n".join(log))
    ElementTree.indent(root)
    text = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"


# --- HAR 1.2 -------------------------------------------------------------------------------


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _pairs(headers: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers]


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _entry(attempt: StepAttempt, exchange: Exchange) -> dict[str, Any]:
    request = exchange.request
    query = urlsplit(request.url).query
    har_request: dict[str, Any] = {
        "method": request.method,
        "url": request.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _pairs(request.headers),
        "queryString": [{"name": name, "value": value} for name, value in parse_qsl(query, True)],
        "headersSize": -1,
        "bodySize": request.body_size if request.body is not None else 0,
    }
    if request.body is not None:
        har_request["postData"] = {
            "mimeType": request.content_type or _header(request.headers, "content-type") or "",
            "text": request.body,
        }
    response = exchange.response
    har_response: dict[str, Any]
    if response is None:
        har_response = {
            "status": 0,
            "statusText": "",
            "httpVersion": "",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": ""},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_error": exchange.error or "no response",
        }
    else:
        content: dict[str, Any] = {
            "size": response.body_size,
            "mimeType": response.content_type or _header(response.headers, "content-type") or "",
            "text": response.body or "",
        }
        if response.truncated:
            content["comment"] = "body truncated at the run's response-size limit"
        har_response = {
            "status": response.status_code,
            "statusText": _reason(response.status_code),
            "httpVersion": response.http_version,
            "cookies": [],
            "headers": _pairs(response.headers),
            "content": content,
            "redirectURL": _header(response.headers, "location") or "",
            "headersSize": -1,
            "bodySize": response.body_size,
        }
    return {
        "startedDateTime": _iso(exchange.started_at),
        "time": exchange.duration_ms,
        "request": har_request,
        "response": har_response,
        "cache": {},
        "timings": {"send": 0, "wait": exchange.duration_ms, "receive": 0},
        "comment": f"{attempt.workflow_id}/{attempt.step_id} attempt {attempt.attempt}",
        "_workflowId": attempt.workflow_id,
        "_stepId": attempt.step_id,
        "_attempt": attempt.attempt,
    }


def har_log(result: RunResult, *, masker: TextMasker | None = None) -> dict[str, Any]:
    """Every HTTP exchange of the run as a HAR 1.2 document, in the order sent."""
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "arazzo-engine", "version": __version__},
            "entries": [_entry(attempt, exchange) for attempt, exchange in iter_exchanges(result)],
        }
    }
    masked: dict[str, Any] = mask_strings(masker, har)
    return masked


def dumps(value: Any) -> str:
    """JSON text for a report file."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
