"""The conformance suite (conformance/): every case passes, and its generated reports are current.

Each case is one test (its folder name is the id). The command is run once, on a small copy of
the suite with a case that fails on purpose. The corpus report is checked on a sample of the
corpus (running all of it takes about as long as the rest of this file), and its totals against
its own rows and the corpus index.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from arazzo_engine._cli import main
from arazzo_engine._conformance import (
    CORPUS,
    FEATURES,
    SUITE,
    corpus_markdown,
    corpus_reasons,
    corpus_rows,
    coverage_items,
    coverage_markdown,
    discover_cases,
    run_case,
)

CASES = discover_cases(SUITE)
SCHEMA = json.loads((SUITE / "case.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)


@pytest.mark.parametrize("folder", CASES, ids=lambda folder: folder.name)
def test_case(folder: Path) -> None:
    result = run_case(folder, VALIDATOR)
    assert result.passed, "\n".join(result.differences)


def test_the_suite_is_large_and_its_schema_is_a_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert len(CASES) >= 150
    texts = [(folder / "case.yaml").read_text() for folder in CASES]
    assert sum(1 for text in texts if "\nkind: run\n" in text) >= 100
    assert sum(1 for text in texts if "\nkind: validate\n" in text) >= 50


def test_coverage_is_current_and_complete() -> None:
    committed = (SUITE / "COVERAGE.md").read_text()
    assert committed == coverage_markdown(SUITE, FEATURES), (
        "run: python -m arazzo_engine._conformance coverage"
    )
    items = coverage_items(SUITE, FEATURES)  # raises when an item has no case and no reason
    assert sum(1 for item in items if item.cases) >= 100


def _copy_suite(target: Path, names: list[str]) -> None:
    shutil.copytree(SUITE / "_shared", target / "_shared")
    shutil.copy(SUITE / "case.schema.json", target / "case.schema.json")
    for name in names:
        shutil.copytree(SUITE / name, target / name)


def test_the_command_prints_a_line_per_case_and_what_differed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _copy_suite(tmp_path, ["step-sequence", "wf-duplicate-ids", "act-retry-after-header"])
    broken = tmp_path / "act-retry-after-header" / "case.yaml"
    broken.write_text(broken.read_text().replace("waits: [12, 1]", "waits: [12, 2]"))

    status = main(["conformance", str(tmp_path)])

    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    assert lines[-1] == "2 passed, 1 failed"
    assert [line.split()[0] for line in lines if line[:4] in ("PASS", "FAIL")] == [
        "FAIL",
        "PASS",
        "PASS",
    ]
    assert "      - waits: expected [12,2], got [12.0,1.0]" in lines

    shutil.rmtree(tmp_path / "act-retry-after-header")
    assert main(["conformance", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 passed, 0 failed"
    assert main(["conformance", str(tmp_path / "nothing-here")]) == 2


def test_a_case_file_that_breaks_the_schema_is_a_failure_that_says_where(tmp_path: Path) -> None:
    _copy_suite(tmp_path, ["step-sequence"])
    case = tmp_path / "step-sequence" / "case.yaml"
    case.write_text(case.read_text().replace("kind: run", "kind: run\nexpected: {}"))
    result = run_case(tmp_path / "step-sequence", VALIDATOR)
    assert not result.passed
    assert "'expected' was unexpected" in result.differences[0]


# --- the public corpus -------------------------------------------------------------------------

INDEX = json.loads((CORPUS / "INDEX.json").read_text())["arazzo_documents"]
# Every 20th document, and every runnable one among the first ten runnable documents.
RUNNABLE = [e["file"] for e in INDEX if str(e.get("runnable", "")).startswith("yes")]
SAMPLE = sorted({entry["file"] for entry in INDEX[::20]} | set(RUNNABLE[:10]))
REPORT = SUITE / "corpus-verdicts.md"


def _lines_about(markdown: str, file: str) -> list[str]:
    return [line for line in markdown.splitlines() if f"`{file}`" in line]


def test_the_corpus_report_is_current_for_a_sample() -> None:
    rows = corpus_rows(only=SAMPLE)
    assert [row.file for row in rows] == [e["file"] for e in INDEX if e["file"] in SAMPLE]
    assert not [run for row in rows for run in row.runs if run.status == "crashed"]
    regenerated = corpus_markdown(rows, corpus_reasons())
    committed = REPORT.read_text()
    for file in SAMPLE:
        assert _lines_about(committed, file) == _lines_about(regenerated, file), (
            f"{file}: run python -m arazzo_engine._conformance corpus"
        )


def _total(markdown: str, what: str) -> int:
    found = re.search(rf"^\| {re.escape(what)} \| (\d+) \|$", markdown, re.M)
    assert found, what
    return int(found[1])


def test_the_corpus_report_totals_match_its_rows_and_the_index() -> None:
    report = REPORT.read_text()
    run_rows = report.split("## Runs", 1)[1].splitlines()[4:]
    differing = report.split("## Verdicts that differ", 1)[1].split("## Run outcomes")[0]
    differing_rows = [line for line in differing.splitlines() if line.startswith("| `")]
    assert _total(report, "documents") == len(INDEX)
    assert _total(report, "with an expected verdict") == sum(
        1 for e in INDEX if e["expected"] != "fixture"
    )
    assert _total(report, "runnable documents") == len(RUNNABLE)
    assert {line.split("`")[1] for line in run_rows} == set(RUNNABLE)
    assert _total(report, "workflows run") == sum(
        1 for line in run_rows if "| not run |" not in line
    )
    assert _total(report, "verdict differs, with a reason") == len(differing_rows)
    assert _total(report, "verdict differs, unexplained") == 0
    assert "UNEXPLAINED" not in report
    assert _total(report, "runs that crashed") == 0
    assert " crashed " not in report.split("## Runs", 1)[1]
    assert _total(report, "verdict agrees") + len(differing_rows) == _total(
        report, "with an expected verdict"
    )
