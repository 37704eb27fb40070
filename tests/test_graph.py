"""`arazzo graph`: Mermaid flowcharts of workflows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from arazzo_engine._graph import mermaid
from arazzo_engine._loader import loads

ROOT = Path(__file__).resolve().parents[1]

OPENAPI = """\
openapi: 3.1.0
info: {title: Shop, version: 1.0.0}
paths:
  /orders:
    post: {operationId: 'place<Order> "now" #1', responses: {'200': {description: ok}}}
  /orders/{id}:
    get: {operationId: getOrder, responses: {'200': {description: ok}}}
"""

ARAZZO = """\
arazzo: 1.0.1
info: {title: Shop, version: 1.0.0}
sourceDescriptions:
  - {name: shop, url: ./shop.yaml, type: openapi}
workflows:
  - workflowId: order
    failureActions:
      - {name: giveUp, type: end}
    steps:
      - stepId: place
        operationId: 'place<Order> "now" #1'
        onFailure:
          - {name: again, type: retry, retryLimit: 3, retryAfter: 2}
      - stepId: check
        operationId: getOrder
        onSuccess:
          - name: notYet
            type: goto
            stepId: check
            criteria: [{condition: $statusCode == 202}]
          - reference: $components.successActions.finish
        onFailure:
          - {name: recover, type: goto, workflowId: refund}
      - stepId: never
        operationId: getOrder
  - workflowId: refund
    steps:
      - stepId: refundIt
        operationPath: '{$sourceDescriptions.shop.url}#/paths/~1orders~1{id}/get'
components:
  successActions:
    finish: {name: finish, type: end}
"""

NODE = re.compile(r'^\w+(\(\(|\[\[|\[)"[^"]*"(\)\)|\]\]|\])$')
EDGE = re.compile(r'^\w+ (-->|-\.->)(\|"[^"]*"\|)? \w+$')


@pytest.fixture
def document(tmp_path: Path) -> Path:
    (tmp_path / "shop.yaml").write_text(OPENAPI)
    path = tmp_path / "shop.arazzo.yaml"
    path.write_text(ARAZZO)
    return path


def chart(path: Path, *workflows: str) -> str:
    description = loads(path.read_text(), uri=str(path))
    return mermaid(description.document, list(workflows) or None)


def assert_mermaid_syntax(text: str) -> None:
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    depth = 0
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith("subgraph "):
            depth += 1
            assert re.match(r'^subgraph \w+\["[^"]*"\]$', stripped), stripped
        elif stripped == "end":
            depth -= 1
        else:
            assert NODE.match(stripped) or EDGE.match(stripped), stripped
    assert depth == 0


def test_one_workflow_has_sequence_goto_retry_and_end_edges(document: Path) -> None:
    text = chart(document, "order")
    assert_mermaid_syntax(text)
    assert "subgraph" not in text
    lines = {line.strip() for line in text.splitlines()}
    assert "w0_start --> w0_s0" in lines
    assert "w0_s0 --> w0_s1" in lines  # sequence
    assert 'w0_s0 -.->|"again: retry ≤3 after 2s"| w0_s0' in lines  # self-loop with its limit
    assert 'w0_s0 -.->|"giveUp"| w0_failed' in lines  # the workflow-level failure action
    assert 'w0_s1 -->|"notYet"| w0_s1' in lines  # a poll
    assert 'w0_s1 -->|"finish"| w0_done' in lines  # a reusable end action
    assert 'w0_s1 -.->|"recover"| w0_wf0' in lines  # a goto to another workflow
    assert 'w0_wf0[["workflow refund"]]' in lines
    # "finish" always matches, so the sequence edge from check to never is not drawn.
    assert "w0_s1 --> w0_s2" not in lines
    assert "w0_s2 --> w0_done" in lines


def test_labels_are_escaped(document: Path) -> None:
    text = chart(document, "order")
    assert 'w0_s0["place<br/>place#lt;Order#gt; #quot;now#quot; #35;1"]' in text


def test_operation_paths_are_shown_as_method_and_path(document: Path) -> None:
    text = chart(document, "refund")
    assert 'w0_s0["refundIt<br/>GET /orders/{id}"]' in text


def test_every_workflow_is_a_subgraph_by_default(document: Path) -> None:
    text = chart(document)
    assert_mermaid_syntax(text)
    assert '    subgraph w0["order"]' in text
    assert '    subgraph w1["refund"]' in text


def test_graph_command_prints_a_fenced_chart_for_markdown() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "arazzo_engine", "graph", "specs/knock-bulk.yml", "--markdown"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("```mermaid\nflowchart TD\n")
    assert result.stdout.endswith("```\n")
    body = result.stdout.removeprefix("```mermaid\n").removesuffix("```\n")
    assert_mermaid_syntax(body)
    assert 'w0_s1 -->|"bulkStillRunning"| w0_s1' in body


def test_graph_command_rejects_an_unknown_workflow() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "arazzo_engine", "graph", "specs/knock-bulk.yml", "--workflow", "x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "arazzo: no workflow 'x'; the document has: bulk-identify-users-notify\n"
    )
