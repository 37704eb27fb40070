"""The public surface: every listed name resolves, and importing the package stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import arazzo_engine

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_resolves() -> None:
    for name in arazzo_engine.__all__:
        assert getattr(arazzo_engine, name) is not None, name
    assert sorted(dir(arazzo_engine)) == sorted(arazzo_engine.__all__)


def test_unknown_names_raise_attribute_error() -> None:
    try:
        arazzo_engine.nothing_here  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as error:
        assert "nothing_here" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_importing_the_package_imports_no_dependencies() -> None:
    code = "import sys, arazzo_engine; print(sorted(m for m in ('httpx', 'jsonschema', 'yaml', 'elementpath') if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_exceptions_subclass_the_natural_builtins() -> None:
    assert issubclass(arazzo_engine.DocumentNotFound, OSError)
    assert issubclass(arazzo_engine.InvalidDocument, ValueError)
    assert issubclass(arazzo_engine.ExpressionEvaluationError, LookupError)
    assert issubclass(arazzo_engine.ExpressionSyntaxError, ValueError)
    assert issubclass(arazzo_engine.ExecutionError, RuntimeError)
