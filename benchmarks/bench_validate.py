"""Cold start and validation time: the CLI as a user meets it, and a large document.

Run: `.venv/bin/python benchmarks/bench_validate.py`. Times `arazzo --version`, `arazzo
validate specs/knock-bulk.yml` and the demo run in fresh processes (median of several), then
validating a generated document of 1,000 steps across 100 workflows, in process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from arazzo_engine._loader import load
from arazzo_engine._validation import iter_findings

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 5


def cold(*args: str) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "arazzo_engine", *args],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def large_document(folder: Path) -> Path:
    (folder / "api.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: api, version: '1'}\n"
        "servers: [{url: 'https://api.example.test'}]\npaths:\n"
        + "".join(
            f"  /items/{n}/{{id}}:\n    get:\n      operationId: op{n}\n"
            "      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n"
            "      responses: {'200': {description: ok}}\n"
            for n in range(10)
        )
    )
    lines = [
        "arazzo: 1.0.1",
        "info: {title: large, version: '1'}",
        "sourceDescriptions: [{name: api, url: api.yaml, type: openapi}]",
        "workflows:",
    ]
    for w in range(100):
        lines += [
            f"  - workflowId: w{w}",
            "    inputs: {type: object, properties: {id: {type: string}}}",
            "    steps:",
        ]
        for s in range(10):
            previous = f"$steps.s{s - 1}.outputs.id" if s else "$inputs.id"
            lines += [
                f"      - stepId: s{s}",
                f"        operationId: op{s}",
                f"        parameters: [{{name: id, in: path, value: {previous}}}]",
                "        successCriteria:",
                "          - condition: $statusCode == 200 && $response.body#/status != 'failed'",
                "        outputs: {id: $response.body#/id}",
            ]
        lines.append("    outputs: {id: $steps.s9.outputs.id}")
    path = folder / "large.arazzo.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    print(f"median of {ROUNDS} fresh processes")
    print(f"arazzo --version:                       {cold('--version'):.2f} s")
    print(
        f"arazzo validate specs/knock-bulk.yml:   {cold('validate', 'specs/knock-bulk.yml'):.2f} s"
    )
    demo = (
        "run",
        "specs/knock-bulk.yml",
        "--inputs",
        "specs/knock-bulk.inputs.yaml",
        "--mock",
        "specs/knock-bulk.mock.yaml",
    )
    print(f"arazzo run ... --mock (the demo):       {cold(*demo):.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        path = large_document(Path(folder))
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            findings = list(iter_findings(load(path)))
            times.append(time.perf_counter() - start)
        errors = [f for f in findings if f.severity == "error"]
        assert not errors, errors[:3]
        print(
            f"validate 1,000 steps in 100 workflows:  {statistics.median(times):.2f} s (in process)"
        )


if __name__ == "__main__":
    main()
