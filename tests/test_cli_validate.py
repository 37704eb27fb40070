"""`arazzo validate` end to end, in a subprocess, as editors and CI call it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT.parent / "shared" / "spec" / "examples" / "1.0.0"
LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<sev>error|warning|info)\[(?P<rule>[a-z-]+)\]: .+$"
)


def arazzo(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arazzo_engine", *args],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_valid_file_exits_zero_with_compiler_style_lines() -> None:
    result = arazzo("validate", "specs/knock-bulk.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    *findings, summary = result.stdout.strip().splitlines()
    assert findings and all(LINE.match(line) for line in findings)
    assert summary == "1 file checked: valid; 0 errors, 2 warnings"
    assert result.stderr == ""


def test_invalid_file_exits_one(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("arazzo: 1.0.1\ninfo: {title: t, version: 1.0}\n")
    result = arazzo("validate", str(path))
    assert result.returncode == 1
    assert f"{path}:2:27: error[schema]: info.version must be a string; quote it: '1.0'" in (
        result.stdout
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_syntax_error_is_a_located_finding(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("arazzo: 1.0.1\ninfo:\n  title: [unclosed\n")
    result = arazzo("validate", str(path))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    match = LINE.match(first)
    assert match and match["rule"] == "syntax" and match["line"] == "4"


def test_unreadable_file_exits_two(tmp_path: Path) -> None:
    result = arazzo("validate", str(tmp_path / "missing.yaml"), "specs/knock-bulk.yml")
    assert result.returncode == 2
    assert "missing.yaml:1:1: error[source-unreadable]: no such file" in result.stdout
    assert "2 files checked: 1 valid, 1 invalid" in result.stdout


def test_hostile_input_is_refused_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "lol.yaml"
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 10):
        previous, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n")
    result = arazzo("validate", str(path))
    assert result.returncode == 1
    assert "error[document-too-large]" in result.stdout
    assert "Traceback" not in result.stderr


def test_json_format(tmp_path: Path) -> None:
    result = arazzo("validate", "--format", "json", "specs/knock-bulk.yml")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    [entry] = document["files"]
    assert entry["path"] == "specs/knock-bulk.yml"
    assert entry["valid"] is True
    assert {f["rule"] for f in entry["findings"]} == {"unqualified-operation"}
    assert set(entry["findings"][0]) >= {"rule", "severity", "message", "line", "column", "pointer"}


def test_many_files_in_one_call() -> None:
    files = sorted(str(path) for path in EXAMPLES.glob("*.arazzo.yaml"))
    result = arazzo("validate", "--format", "json", *files)
    document = json.loads(result.stdout)
    assert [entry["path"] for entry in document["files"]] == files


def test_version_flag() -> None:
    result = arazzo("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("arazzo-engine ")
