"""The conformance suite: language-neutral cases run against this engine, and the public corpus.

A suite is a folder of cases (``conformance/`` in the repository). Each case is a folder with a
``case.yaml`` (its format is ``conformance/case.schema.json``, described in
``conformance/README.md``), an Arazzo document and its sources. A ``run`` case runs a workflow
against scripted HTTP exchanges and compares the result; a ``validate`` case compares the
validator's findings. Nothing touches the network: documents load offline and requests go to an
``httpx.MockTransport``; waits are recorded, never slept.

``python -m arazzo_engine._conformance`` also writes the two generated reports:
``coverage`` (``conformance/COVERAGE.md``: each FEATURES.md item and the cases that cover it)
and ``corpus`` (``conformance/corpus-verdicts.md``: every document of the public corpus
validated, and every runnable one run against mocks generated from its OpenAPI sources).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO
from urllib.parse import parse_qsl, urljoin

import httpx
from jsonschema import Draft202012Validator

from ._engine import Engine
from ._exceptions import InvalidDocument, LoadError
from ._findings import Finding
from ._loader import Description, LoadOptions, load
from ._mock import Mock, sample_from_schema
from ._options import RunOptions
from ._reader import parse_text
from ._results import RunResult, StepAttempt
from ._validation import iter_findings, validate_location

__all__ = [
    "CORPUS",
    "FEATURES",
    "SUITE",
    "CaseResult",
    "CorpusRow",
    "CorpusRun",
    "CoverageItem",
    "corpus_markdown",
    "corpus_reasons",
    "corpus_rows",
    "coverage_items",
    "coverage_markdown",
    "discover_cases",
    "main",
    "run_case",
    "run_command",
    "run_suite",
]

_REPOSITORY: Final = Path(__file__).resolve().parents[1]
SUITE: Final = _REPOSITORY / "conformance"
FEATURES: Final = _REPOSITORY.parent / "shared" / "spec" / "FEATURES.md"
CORPUS: Final = _REPOSITORY.parent / "shared" / "corpus"

CASE_FILE: Final = "case.yaml"
SCHEMA_FILE: Final = "case.schema.json"
FEATURES_FILE: Final = "features.yaml"  # the 1.1 items and the reasons items are not tested
CORPUS_REASONS_FILE: Final = "corpus-reasons.yaml"
_DEFAULT_DOCUMENT: Final = "arazzo.yaml"
_START_TIME: Final = 1_000.0
_CASE_MAX_STEPS: Final = 200  # a runaway case stops soon; a case may set maxSteps higher
_SHOWN_EXTRA_REQUESTS: Final = 3
_SHOWN_CHARACTERS: Final = 600
_SUMMARY_LENGTH: Final = 90


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one case: passed when nothing differed from what it expects."""

    name: str
    kind: str
    features: tuple[str, ...]
    differences: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.differences


# --- finding and loading cases ---------------------------------------------------------------


def discover_cases(suite: Path) -> list[Path]:
    """Every case folder of ``suite`` (a folder holding ``case.yaml``), by name.

    Folders whose names begin with ``_`` or ``.`` hold shared files, not cases.
    """
    return sorted(
        path.parent
        for path in suite.glob(f"*/{CASE_FILE}")
        if not path.parent.name.startswith(("_", "."))
    )


def _schema_for(suite: Path) -> Draft202012Validator:
    location = suite / SCHEMA_FILE
    if not location.is_file():
        location = SUITE / SCHEMA_FILE
    return Draft202012Validator(json.loads(location.read_text(encoding="utf-8")))


def _read_case(folder: Path, validator: Draft202012Validator) -> tuple[dict[str, Any], list[str]]:
    location = folder / CASE_FILE
    try:
        parsed = parse_text(location.read_text(encoding="utf-8"), uri=str(location))
    except (OSError, UnicodeDecodeError, LoadError) as error:
        return {}, [f"{CASE_FILE}: cannot be read: {error}"]
    problems = [
        f"{CASE_FILE}: {'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(parsed.value), key=_error_order)
    ]
    return (parsed.value if isinstance(parsed.value, dict) else {}), problems


def _error_order(error: Any) -> list[str]:
    return [str(part) for part in error.absolute_path]


def run_suite(suite: Path = SUITE) -> list[CaseResult]:
    validator = _schema_for(suite)
    return [run_case(folder, validator) for folder in discover_cases(suite)]


def run_case(folder: Path, validator: Draft202012Validator | None = None) -> CaseResult:
    """Run the case in ``folder`` and say what differed from what it expects."""
    validator = validator or _schema_for(folder.parent)
    case, problems = _read_case(folder, validator)
    features = tuple(str(f) for f in case.get("features") or ())
    kind = str(case.get("kind", "?"))
    if problems:
        return CaseResult(folder.name, kind, features, tuple(problems))
    try:
        if kind == "run":
            differences = _run_differences(folder, case)
        else:
            differences = _validate_differences(folder, case)
    except LoadError as error:
        differences = [f"the document cannot be loaded: {error}"]
    except Exception as error:  # a crash is a difference too, never the end of the suite
        differences = [f"crashed: {type(error).__name__}: {error}"]
    return CaseResult(folder.name, kind, features, tuple(differences))


# --- validate cases --------------------------------------------------------------------------


def _relative_file(finding_file: str, folder: Path) -> str:
    """A finding's file as a path relative to the case folder (URLs stay as they are)."""
    if "://" in finding_file or finding_file.startswith("file:"):
        return finding_file
    absolute = Path(finding_file)
    if not absolute.is_absolute():
        absolute = Path.cwd() / absolute
    return Path(os.path.relpath(absolute.resolve(), folder.resolve())).as_posix()


def _finding_text(finding: Finding, folder: Path) -> str:
    where = f"{_relative_file(finding.file, folder)}:{finding.line}:{finding.column}"
    return f"{where} {finding.severity}[{finding.rule}] at '{finding.pointer}': {finding.message}"


def _matches(expected: Mapping[str, Any], finding: Finding, folder: Path, document: str) -> bool:
    if finding.rule != expected["rule"]:
        return False
    if "severity" in expected and finding.severity != expected["severity"]:
        return False
    if _relative_file(finding.file, folder) != expected.get("file", document):
        return False
    for name in ("line", "column", "pointer"):
        if name in expected and getattr(finding, name) != expected[name]:
            return False
    return "message" not in expected or str(expected["message"]) in finding.message


def _finding_differences(
    expect: Mapping[str, Any], findings: Sequence[Finding], folder: Path, document: str
) -> list[str]:
    differences: list[str] = []
    used: set[int] = set()
    for expected in expect.get("findings") or ():
        index = next(
            (
                i
                for i, finding in enumerate(findings)
                if i not in used and _matches(expected, finding, folder, document)
            ),
            None,
        )
        if index is None:
            same_rule = [
                _finding_text(f, folder) for f in findings if f.rule == expected["rule"]
            ] or [_finding_text(f, folder) for f in findings if f.severity != "info"]
            got = "; ".join(same_rule) if same_rule else "no findings"
            differences.append(f"finding: expected {_compact(expected)}, got: {got}")
        else:
            used.add(index)
    for index, finding in enumerate(findings):
        if finding.severity == "error" and index not in used:
            differences.append(f"finding: unexpected error {_finding_text(finding, folder)}")
    for rule in expect.get("absentRules") or ():
        for finding in findings:
            if finding.rule == rule:
                shown = _finding_text(finding, folder)
                differences.append(f"finding: rule {rule} must not be reported, got {shown}")
    return differences


def _validate_differences(folder: Path, case: Mapping[str, Any]) -> list[str]:
    document = str(case.get("document", _DEFAULT_DOCUMENT))
    report = validate_location(folder / document, LoadOptions(offline=True))
    expect = case["expect"]
    differences: list[str] = []
    if report.valid != expect["valid"]:
        verdict = "valid" if report.valid else "invalid"
        differences.append(f"verdict: expected {_verdict(expect['valid'])}, got {verdict}")
    return differences + _finding_differences(expect, report.findings, folder, document)


def _verdict(valid: bool) -> str:
    return "valid" if valid else "invalid"


# --- run cases -------------------------------------------------------------------------------


class _Clock:
    """Time that passes only when the engine waits: waits are recorded, never slept."""

    def __init__(self) -> None:
        self.now = _START_TIME
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


class _Script:
    """Answers the engine's requests with the case's exchanges, checking each request."""

    def __init__(self, exchanges: Iterable[Mapping[str, Any]]) -> None:
        self.exchanges: list[Mapping[str, Any]] = []
        for exchange in exchanges:
            self.exchanges.extend([exchange] * int(exchange.get("repeat", 1)))
        self.sent = 0
        self.problems: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        number = self.sent
        self.sent += 1
        described = f"{request.method} {_url_without_query(request)}"
        if number >= len(self.exchanges):
            extra = number - len(self.exchanges)
            if extra < _SHOWN_EXTRA_REQUESTS:
                self.problems.append(
                    f"request {number + 1}: unexpected {described} "
                    f"(the case scripts {len(self.exchanges)} exchanges)"
                )
            elif extra == _SHOWN_EXTRA_REQUESTS:
                self.problems.append("more unexpected requests follow")
            return httpx.Response(500, json={"error": "conformance: unexpected request"})
        expected = self.exchanges[number]
        for difference in _request_differences(expected["request"], request):
            self.problems.append(f"request {number + 1} ({described}): {difference}")
        return _response(expected["response"], request)

    def unsent(self) -> list[str]:
        if self.sent >= len(self.exchanges):
            return []
        missing = [
            f"{e['request']['method']} {e['request'].get('url') or e['request'].get('path', '')}"
            for e in self.exchanges[self.sent :]
        ]
        return [
            f"requests: expected {len(self.exchanges)}, got {self.sent}; "
            f"not sent: {', '.join(missing)}"
        ]


def _url_without_query(request: httpx.Request) -> str:
    raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
    port = f":{request.url.port}" if request.url.port else ""
    return f"{request.url.scheme}://{request.url.host}{port}{raw_path}"


def _decoded_pairs(text: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        if name not in values:
            values[name] = value
        elif isinstance(values[name], list):
            values[name].append(value)
        else:
            values[name] = [values[name], value]
    return values


def _request_differences(expected: Mapping[str, Any], request: httpx.Request) -> list[str]:
    differences: list[str] = []

    def differ(what: str, want: Any, got: Any) -> None:
        differences.append(f"{what}: expected {_compact(want)}, got {_compact(got)}")

    if request.method != expected["method"]:
        differ("method", expected["method"], request.method)
    raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
    if "path" in expected and raw_path != expected["path"]:
        differ("path", expected["path"], raw_path)
    if "url" in expected and _url_without_query(request) != expected["url"]:
        differ("url", expected["url"], _url_without_query(request))
    raw_query = request.url.query.decode("ascii")
    if "rawQuery" in expected and raw_query != expected["rawQuery"]:
        differ("query string", expected["rawQuery"], raw_query)
    if "query" in expected and not _same(_decoded_pairs(raw_query), expected["query"]):
        differ("query", expected["query"], _decoded_pairs(raw_query))
    for name, value in (expected.get("headers") or {}).items():
        sent = request.headers.get(name)
        if sent != value:
            differ(f"header {name}", value, sent)
    for name in expected.get("absentHeaders") or ():
        if name in request.headers:
            differ(f"header {name}", None, request.headers[name])
    content_type = request.headers.get("content-type")
    media_type = content_type.split(";")[0].strip() if content_type else None
    if "contentType" in expected and media_type != expected["contentType"]:
        differ("content type", expected["contentType"], media_type)
    text = request.content.decode("utf-8", errors="replace")
    if "bodyText" in expected and text != expected["bodyText"]:
        differ("body", expected["bodyText"], text)
    if expected.get("noBody") and request.content:
        differ("body", None, text)
    if "body" in expected:
        try:
            body: Any = json.loads(text)
        except ValueError:
            differ("body (as JSON)", expected["body"], text)
        else:
            if not _same(body, expected["body"]):
                differ("body", expected["body"], body)
    if "form" in expected and not _same(_decoded_pairs(text), expected["form"]):
        differ("form body", expected["form"], _decoded_pairs(text))
    return differences


def _response(given: Mapping[str, Any], request: httpx.Request) -> httpx.Response:
    if "transportError" in given:
        raise httpx.ConnectError(str(given["transportError"]), request=request)
    headers = {str(k): str(v) for k, v in (given.get("headers") or {}).items()}
    status = int(given.get("status", 200))
    if "body" not in given:
        return httpx.Response(status, headers=headers)
    body = given["body"]
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    if isinstance(body, str) and content_type is not None:
        return httpx.Response(status, headers=headers, content=body.encode())
    if content_type is None:
        headers["content-type"] = "application/json"
    return httpx.Response(status, headers=headers, content=json.dumps(body).encode())


def _run_options(given: Mapping[str, Any], *, validate: bool = True) -> RunOptions:
    defaults = RunOptions()
    return RunOptions(
        validate=validate,
        max_steps=int(given.get("maxSteps", _CASE_MAX_STEPS)),
        max_depth=int(given.get("maxDepth", defaults.max_depth)),
        timeout=float(given["timeout"]) if "timeout" in given else None,
        poll_interval=float(given.get("pollInterval", defaults.poll_interval)),
        max_retry_after=float(given.get("maxRetryAfter", defaults.max_retry_after)),
        response_checks=given.get("responseChecks", "off"),
        strict_expressions=bool(given.get("strictExpressions", False)),
        server_overrides=dict(given.get("serverOverrides") or {}),
    )


def _trace(result: RunResult) -> list[tuple[str, StepAttempt]]:
    """Every step attempt of a run in the order it started, dependencies and sub-runs included.

    Attempts of the run's own workflow are ``stepId#n``, others ``workflowId/stepId#n``.
    """
    entries: list[tuple[str, StepAttempt]] = []
    top = result.workflow_id
    seen: set[int] = set()  # a dependency runs once, though several workflows list it

    def visit(run: RunResult) -> None:
        for dependency in run.dependencies:
            if id(dependency) not in seen:
                seen.add(id(dependency))
                visit(dependency)
        for attempt in run.steps:
            prefix = "" if attempt.workflow_id == top else f"{attempt.workflow_id}/"
            entries.append((f"{prefix}{attempt.step_id}#{attempt.attempt}", attempt))
            if attempt.sub_run is not None:
                visit(attempt.sub_run)

    visit(result)
    return entries


def _run_differences(folder: Path, case: Mapping[str, Any]) -> list[str]:
    document = str(case.get("document", _DEFAULT_DOCUMENT))
    description = load(folder / document, LoadOptions(offline=True))
    expect = case["expect"]
    differences = _finding_differences(expect, list(iter_findings(description)), folder, document)
    if differences:  # the document does not load as the case needs; do not run it
        return differences
    script = _Script(case.get("exchanges") or ())
    clock = _Clock()
    engine = Engine(  # validated just above: every error would have been a difference
        description,
        options=_run_options(case.get("options") or {}, validate=False),
        transport=httpx.MockTransport(script),
        clock=clock,
        sleep=clock.sleep,
    )
    result = engine.run_sync(case.get("workflow"), dict(case.get("inputs") or {}))
    differences = script.problems + script.unsent()
    return differences + _result_differences(expect, result, clock)


def _result_differences(expect: Mapping[str, Any], result: RunResult, clock: _Clock) -> list[str]:
    differences: list[str] = []

    def differ(what: str, want: Any, got: Any) -> None:
        differences.append(f"{what}: expected {_compact(want)}, got {_compact(got)}")

    if result.status != expect["status"]:
        why = f" ({result.error.code}: {result.error.message})" if result.error else ""
        differences.append(f"status: expected {expect['status']}, got {result.status}{why}")
    if "error" in expect:
        got_error = (
            {"code": result.error.code, "step": result.error.step_id} if result.error else None
        )
        wanted = dict(expect["error"])
        shown = {key: got_error[key] for key in wanted if key in got_error} if got_error else None
        if shown != wanted:
            differ("error", wanted, got_error)
    if "outputs" in expect and not _same(dict(result.outputs), expect["outputs"]):
        differ("outputs", expect["outputs"], _plain(result.outputs))
    entries = _trace(result)
    if "steps" in expect and [name for name, _ in entries] != list(expect["steps"]):
        differ("steps", expect["steps"], [name for name, _ in entries])
    if "actions" in expect:
        taken = [
            attempt.action.name if attempt.action is not None else None for _, attempt in entries
        ]
        if taken != list(expect["actions"]):
            differ("actions", expect["actions"], taken)
    for step_id, outputs in (expect.get("stepOutputs") or {}).items():
        attempts = [a for a in result.steps if a.step_id == step_id]
        got = _plain(attempts[-1].outputs) if attempts else None
        if not _same(got, outputs):
            differ(f"outputs of step {step_id}", outputs, got)
    if "waits" in expect and not _same(clock.waits, expect["waits"]):
        differ("waits", expect["waits"], clock.waits)
    if "endedBy" in expect and result.ended_by != expect["endedBy"]:
        differ("ended by", expect["endedBy"], result.ended_by)
    return differences


def _plain(value: Any) -> Any:
    """Mappings and tuples as JSON's objects and arrays."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _same(got: Any, want: Any) -> bool:
    """JSON equality: booleans are not numbers, 1 equals 1.0, objects ignore member order."""
    if isinstance(got, bool) or isinstance(want, bool):
        return isinstance(got, bool) and isinstance(want, bool) and got == want
    if isinstance(got, int | float) and isinstance(want, int | float):
        return got == want
    if isinstance(got, Mapping) and isinstance(want, Mapping):
        return got.keys() == want.keys() and all(_same(got[k], want[k]) for k in got)
    if isinstance(got, list | tuple) and isinstance(want, list | tuple):
        return len(got) == len(want) and all(_same(g, w) for g, w in zip(got, want, strict=True))
    return type(got) is type(want) and got == want


def _compact(value: Any) -> str:
    text = json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"), default=str)
    return text if len(text) <= _SHOWN_CHARACTERS else text[: _SHOWN_CHARACTERS - 3] + "..."


# --- the command -----------------------------------------------------------------------------


def run_command(directory: str | Path | None, out: TextIO) -> int:
    """``arazzo conformance [DIR]``: a line per case, then ``N passed, M failed``.

    Exit status 0 when every case passed, 1 when one failed, 2 when there is no suite.
    """
    suite = Path(directory) if directory else SUITE
    if not suite.is_dir():
        print(f"no conformance suite at {suite}", file=sys.stderr)
        return 2
    cases = discover_cases(suite)
    if not cases:
        print(f"no cases in {suite} (a case is a folder holding {CASE_FILE})", file=sys.stderr)
        return 2
    validator = _schema_for(suite)
    width = max(len(folder.name) for folder in cases)
    passed = failed = 0
    for folder in cases:
        result = run_case(folder, validator)
        features = ", ".join(result.features)
        if result.passed:
            passed += 1
            print(f"PASS  {result.name:<{width}}  {result.kind:<8}  {features}", file=out)
        else:
            failed += 1
            print(f"FAIL  {result.name:<{width}}  {result.kind:<8}  {features}", file=out)
            for difference in result.differences:
                print(f"      - {difference}", file=out)
    print(f"{passed} passed, {failed} failed", file=out)
    return 0 if failed == 0 else 1


# --- coverage --------------------------------------------------------------------------------

_ITEM = re.compile(r"^- \[[ xX]\] \*\*([A-Z]+-\d+)\*\*\s*(.*)$")
_SECTION = re.compile(r"^##\s+(\d+)\.\s+(.*)$")
_TAG = re.compile(r"`\[[A-Z][A-Z -]*\]`(/`\[[A-Z][A-Z -]*\]`)*\s*|\(1\.1\)\s*")


@dataclass(frozen=True, slots=True)
class CoverageItem:
    """A FEATURES.md item (or a 1.1 item of features.yaml) and the cases that cover it."""

    id: str
    section: str
    summary: str
    cases: tuple[str, ...] = ()
    reason: str | None = None  # why no case covers it


def _summary(text: str) -> str:
    text = re.sub(r"\*\*Decision:?\*\*.*$", "", text)
    text = _TAG.sub("", text).replace("**", "")
    text = re.sub(r"\(\s*[;,]?\s*\)", "", text)  # a parenthesis that held only a tag
    text = re.sub(r"\(\s*[;,]\s*", "(", text)
    text = re.sub(r"\s+([,;)])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    sentence = re.split(r"(?<=\.)\s", text, maxsplit=1)[0].rstrip(".:,; ")
    if len(sentence) <= _SUMMARY_LENGTH:
        return sentence
    cut = sentence[: _SUMMARY_LENGTH - 3]
    if cut.count("`") % 2:  # do not leave code open
        cut = cut[: cut.rindex("`")]
    return cut.rstrip() + "..."


def _features_data(suite: Path) -> dict[str, Any]:
    location = suite / FEATURES_FILE
    parsed = parse_text(location.read_text(encoding="utf-8"), uri=str(location))
    return parsed.value if isinstance(parsed.value, dict) else {}


def coverage_items(suite: Path = SUITE, features: Path = FEATURES) -> list[CoverageItem]:
    """Every item, in FEATURES.md order then the 1.1 items, with its cases or the reason.

    Raises ValueError when a case names an unknown item, when an item has both cases and a
    reason not to test it, or when an item has neither.
    """
    items: list[tuple[str, str, str]] = []
    section = ""
    for line in features.read_text(encoding="utf-8").splitlines():
        heading = _SECTION.match(line)
        if heading:
            section = f"{heading[1]}. {heading[2]}"
        found = _ITEM.match(line)
        if found:
            items.append((found[1], section, _summary(found[2])))
    data = _features_data(suite)
    for extra in data.get("items") or ():
        items.append((str(extra["id"]), str(extra["section"]), str(extra["summary"])))
    reasons = {str(k): str(v) for k, v in (data.get("untested") or {}).items()}
    covering: dict[str, list[str]] = {item_id: [] for item_id, _, _ in items}
    problems: list[str] = []
    validator = _schema_for(suite)
    for folder in discover_cases(suite):
        case, case_problems = _read_case(folder, validator)
        problems += [f"{folder.name}: {p}" for p in case_problems]
        for feature in case.get("features") or ():
            if feature not in covering:
                problems.append(f"{folder.name}: unknown feature id {feature}")
            else:
                covering[feature].append(folder.name)
    result: list[CoverageItem] = []
    for item_id, item_section, summary in items:
        cases, reason = tuple(covering[item_id]), reasons.get(item_id)
        if cases and reason:
            problems.append(f"{item_id} has cases ({', '.join(cases)}) and a reason not to test")
        if not cases and not reason:
            problems.append(f"{item_id} has no case and no reason in {FEATURES_FILE}")
        result.append(CoverageItem(item_id, item_section, summary, cases, reason))
    unknown = sorted(set(reasons) - set(covering))
    problems += [f"{FEATURES_FILE}: reason for unknown item {item_id}" for item_id in unknown]
    if problems:
        raise ValueError("\n".join(problems))
    return result


def coverage_markdown(suite: Path = SUITE, features: Path = FEATURES) -> str:
    items = coverage_items(suite, features)
    cases = discover_cases(suite)
    covered = [item for item in items if item.cases]
    lines = [
        "# Conformance coverage",
        "",
        "Generated by `python -m arazzo_engine._conformance coverage`; do not edit by hand.",
        "",
        f"{len(cases)} cases cover {len(covered)} of {len(items)} items: the items of "
        "`shared/spec/FEATURES.md` (sections 0-15) and the Arazzo 1.1 items of "
        f"`conformance/{FEATURES_FILE}` (section 19.3, which FEATURES.md lists without ids). "
        f"{len(items) - len(covered)} items have no case, each for the reason given below.",
        "",
    ]
    by_section: dict[str, list[CoverageItem]] = {}
    for item in items:
        by_section.setdefault(item.section, []).append(item)
    lines += ["| section | items | covered |", "|---|---|---|"]
    for section, members in by_section.items():
        lines.append(f"| {section} | {len(members)} | {sum(1 for m in members if m.cases)} |")
    for section, members in by_section.items():
        lines += ["", f"## {section}", "", "| item | summary | cases |", "|---|---|---|"]
        for item in members:
            where = ", ".join(f"`{c}`" for c in item.cases) if item.cases else "not tested"
            lines.append(f"| {item.id} | {_cell(item.summary)} | {where} |")
    lines += ["", "## Items without a case", "", "| item | reason |", "|---|---|"]
    for item in items:
        if item.reason:
            lines.append(f"| {item.id} | {_cell(item.reason)} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- the public corpus -----------------------------------------------------------------------

_CORPUS_CAPS: Final = RunOptions(
    max_steps=200, max_depth=8, timeout=600.0, response_checks="off", max_retry_after=5.0
)
_MOCK_SERVER: Final = "https://mock.conformance.test"


@dataclass(frozen=True, slots=True)
class CorpusRun:
    """One workflow of a runnable corpus document, run against mocks."""

    workflow_id: str
    status: str  # "succeeded", "failed", or "crashed"
    error_code: str | None
    steps: int
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CorpusRow:
    """One document of the corpus: its expected and found verdict, and its runs."""

    file: str
    expected: str  # INDEX.json's expectation: valid, invalid, invalid-semantic, fixture
    verdict: str  # this engine's: valid or invalid
    errors: tuple[str, ...]
    runnable: bool
    runs: tuple[CorpusRun, ...] = ()
    note: str = ""  # why the document did not run, when it is runnable
    despite_errors: bool = False  # run with validation off, since it has validation errors

    @property
    def judged(self) -> bool:
        return self.expected in ("valid", "invalid", "invalid-semantic")

    @property
    def agrees(self) -> bool:
        wanted = "valid" if self.expected == "valid" else "invalid"
        return not self.judged or wanted == self.verdict


def _corpus_index(corpus: Path) -> list[dict[str, Any]]:
    index = json.loads((corpus / "INDEX.json").read_text(encoding="utf-8"))
    return list(index["arazzo_documents"])


def _corpus_url_map(corpus: Path, entries: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Remote (and substituted) source URLs of every document, to the corpus's local copies."""
    url_map: dict[str, str] = {}
    for entry in entries:
        document_uri = (corpus / entry["file"]).as_uri()
        for source in entry.get("sources") or ():
            resolved, url = source.get("resolved"), source.get("url")
            if resolved and isinstance(url, str):
                target = (corpus / resolved).as_uri()
                absolute = urljoin(document_uri, url).split("#")[0]
                if absolute != target:
                    url_map[absolute] = target
    return url_map


def _sources_local(corpus: Path, entry: Mapping[str, Any]) -> bool:
    return all(
        source.get("resolved") and (corpus / source["resolved"]).is_file()
        for source in entry.get("sources") or ()
    )


def corpus_rows(
    corpus: Path = CORPUS, *, only: Iterable[str] | None = None, run: bool = True
) -> list[CorpusRow]:
    """Validate every corpus document (or those in ``only``) and run the runnable ones.

    A verdict counts errors only; ``source-unreadable`` is not counted against a document
    some of whose sources the corpus does not hold (the rule of tests/test_corpus_verdicts.py).
    """
    entries = _corpus_index(corpus)
    options = LoadOptions(offline=True, url_map=_corpus_url_map(corpus, entries))
    wanted = set(only) if only is not None else None
    rows: list[CorpusRow] = []
    for entry in entries:
        if wanted is not None and entry["file"] not in wanted:
            continue
        rows.append(_corpus_row(corpus, entry, options, run=run))
    return rows


def _corpus_row(
    corpus: Path, entry: Mapping[str, Any], options: LoadOptions, *, run: bool
) -> CorpusRow:
    path = corpus / entry["file"]
    report = validate_location(path, options)
    ignored = set() if _sources_local(corpus, entry) else {"source-unreadable"}
    errors = tuple(
        f"{finding.rule}: {finding.message}"
        for finding in report.findings
        if finding.severity == "error" and finding.rule not in ignored
    )
    runnable = str(entry.get("runnable", "")).startswith("yes")
    row = CorpusRow(
        file=str(entry["file"]),
        expected=str(entry.get("expected", "")),
        verdict="invalid" if errors else "valid",
        errors=errors,
        runnable=runnable,
    )
    if not (runnable and run):
        return row
    if report.description is None:
        return _replace_row(row, note="the document cannot be read")
    has_errors = any(f.severity == "error" for f in report.findings)
    runs = tuple(_corpus_runs(report.description, validate=not has_errors))
    return _replace_row(row, runs=runs, despite_errors=has_errors)


def _replace_row(row: CorpusRow, **changes: Any) -> CorpusRow:
    values = {name: getattr(row, name) for name in CorpusRow.__slots__}
    values.update(changes)
    return CorpusRow(**values)


def _corpus_runs(description: Description, *, validate: bool) -> Iterator[CorpusRun]:
    names = {
        source.name
        for document in description.iter_documents()
        for source in document.source_descriptions
        if source.name
    }
    options = RunOptions(
        max_steps=_CORPUS_CAPS.max_steps,
        max_depth=_CORPUS_CAPS.max_depth,
        timeout=_CORPUS_CAPS.timeout,
        response_checks="off",
        max_retry_after=_CORPUS_CAPS.max_retry_after,
        server_overrides=dict.fromkeys(names, _MOCK_SERVER),
        validate=validate,
    )
    for workflow in description.document.workflows:
        workflow_id = workflow.workflow_id
        if not workflow_id:
            continue
        try:
            inputs = _sample_inputs(description, workflow.inputs)
            clock = _Clock()
            engine = Engine(
                description,
                options=options,
                transport=Mock(description).transport(),
                clock=clock,
                sleep=clock.sleep,
            )
            result = engine.run_sync(workflow_id, inputs)
        except InvalidDocument as error:
            yield CorpusRun(workflow_id, "refused", "invalid-document", 0, str(error)[:200])
            continue
        except Exception as error:  # a crash is an outcome to report
            yield CorpusRun(workflow_id, "crashed", None, 0, f"{type(error).__name__}: {error}")
            continue
        yield CorpusRun(
            workflow_id,
            result.status,
            result.error.code if result.error else None,
            len(_trace(result)),
        )


def _sample_inputs(description: Description, schema: Any) -> dict[str, Any]:
    """Inputs generated from a workflow's inputs schema: the same every time."""
    if schema is None:
        return {}
    try:
        value = sample_from_schema(schema, description.document.uri, description.resolver.resolve)
    except (LookupError, RecursionError, TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def corpus_markdown(rows: Sequence[CorpusRow], exceptions: Mapping[str, str]) -> str:
    """The corpus report: verdict agreement, the differences with their reasons, and runs."""
    judged = [row for row in rows if row.judged]
    agreeing = [row for row in judged if row.agrees]
    differing = [row for row in judged if not row.agrees]
    explained = [row for row in differing if row.file in exceptions]
    runnable = [row for row in rows if row.runnable]
    runs = [run for row in runnable for run in row.runs]
    outcomes = Counter(
        f"{run.status} ({run.error_code})" if run.error_code else run.status for run in runs
    )
    lines = [
        "# The public corpus",
        "",
        "Generated by `python -m arazzo_engine._conformance corpus`; do not edit by hand.",
        "",
        "Every Arazzo document of the corpus (`shared/corpus/INDEX.json`) is validated offline,",
        "its remote sources read from the corpus's local copies. Every document marked runnable",
        "runs each of its workflows against mocks generated from its OpenAPI sources (examples,",
        "else bodies generated from the response schemas), with inputs generated from the",
        "workflow's inputs schema, at most 200 step executions, and waits recorded, not slept.",
        "Runnable documents with validation errors run too, with validation off, to show that",
        "the runner reaches an end on them as well: their status says `(validation off)`.",
        "",
        "## Totals",
        "",
        "| what | count |",
        "|---|---|",
        f"| documents | {len(rows)} |",
        f"| with an expected verdict | {len(judged)} |",
        f"| verdict agrees | {len(agreeing)} |",
        f"| verdict differs, with a reason | {len(explained)} |",
        f"| verdict differs, unexplained | {len(differing) - len(explained)} |",
        f"| runnable documents | {len(runnable)} |",
        f"| workflows run | {len(runs)} |",
        f"| runs that crashed | {sum(1 for run in runs if run.status == 'crashed')} |",
        "",
        "## Verdicts by expectation",
        "",
        "| expected | documents | engine: valid | engine: invalid |",
        "|---|---|---|---|",
    ]
    for expected in sorted({row.expected for row in rows}):
        members = [row for row in rows if row.expected == expected]
        valid = sum(1 for row in members if row.verdict == "valid")
        lines.append(f"| {expected} | {len(members)} | {valid} | {len(members) - valid} |")
    lines += [
        "",
        "## Verdicts that differ",
        "",
        "`fixture` documents have no expectation. `invalid-semantic` is expected to be invalid.",
        "",
        "| document | expected | engine | reason |",
        "|---|---|---|---|",
    ]
    for row in differing:
        reason = exceptions.get(row.file, "UNEXPLAINED: " + "; ".join(row.errors[:2]))
        lines.append(f"| `{row.file}` | {row.expected} | {row.verdict} | {_cell(reason)} |")
    lines += ["", "## Run outcomes", "", "| outcome | workflows |", "|---|---|"]
    for outcome, count in sorted(outcomes.items()):
        lines.append(f"| {outcome} | {count} |")
    lines += [
        "",
        "## Runs",
        "",
        "| document | verdict | workflow | status | error | step attempts |",
        "|---|---|---|---|---|---|",
    ]
    for row in runnable:
        if not row.runs:
            lines.append(f"| `{row.file}` | {row.verdict} | - | not run | {_cell(row.note)} | 0 |")
        for run in row.runs:
            status = run.status + (" (validation off)" if row.despite_errors else "")
            lines.append(
                f"| `{row.file}` | {row.verdict} | `{_cell(run.workflow_id)}` | {status} | "
                f"{run.error_code or ''} | {run.steps} |"
            )
    return "\n".join(lines) + "\n"


def corpus_reasons(suite: Path = SUITE) -> dict[str, str]:
    """Why verdicts differ: tests/test_corpus_verdicts.py's EXCEPTIONS, where the verdicts of
    `valid` and `invalid` documents were decided, and the suite's corpus-reasons.yaml for the
    `invalid-semantic` documents that test does not judge."""
    if str(_REPOSITORY) not in sys.path:
        sys.path.insert(0, str(_REPOSITORY))
    module = importlib.import_module("tests.test_corpus_verdicts")
    reasons = {str(k): str(v) for k, v in module.EXCEPTIONS.items()}
    location = suite / CORPUS_REASONS_FILE
    parsed = parse_text(location.read_text(encoding="utf-8"), uri=str(location))
    own = parsed.value.get("reasons") if isinstance(parsed.value, dict) else None
    reasons.update({str(k): str(v) for k, v in (own or {}).items()})
    return reasons


# --- python -m arazzo_engine._conformance ----------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m arazzo_engine._conformance",
        description="Run the conformance suite, or write its generated reports.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a suite (default: the repository's)")
    run.add_argument("directory", nargs="?")
    coverage = commands.add_parser("coverage", help="write conformance/COVERAGE.md")
    coverage.add_argument("--features", type=Path, default=FEATURES)
    coverage.add_argument("--output", type=Path, default=SUITE / "COVERAGE.md")
    corpus = commands.add_parser("corpus", help="write conformance/corpus-verdicts.md")
    corpus.add_argument("--corpus", type=Path, default=CORPUS)
    corpus.add_argument("--output", type=Path, default=SUITE / "corpus-verdicts.md")
    arguments = parser.parse_args(argv)
    if arguments.command == "run":
        return run_command(arguments.directory, sys.stdout)
    if arguments.command == "coverage":
        text = coverage_markdown(SUITE, arguments.features)
        arguments.output.write_text(text, encoding="utf-8")
        print(f"wrote {arguments.output}")
        return 0
    rows = corpus_rows(arguments.corpus)
    arguments.output.write_text(corpus_markdown(rows, corpus_reasons()), encoding="utf-8")
    print(f"wrote {arguments.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
