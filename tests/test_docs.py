"""The documentation stays true: decisions cite real tests, generated docs are current."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEATURE_ID = re.compile(r"\b[A-Z]{2,5}-\d{2}\b")


def test_every_test_a_decision_cites_exists() -> None:
    decisions = (ROOT / "docs" / "decisions.md").read_text()
    cited = set(re.findall(r"\btest_[a-z0-9_]+", decisions))
    defined: set[str] = set()
    for path in (ROOT / "tests").glob("*.py"):
        defined |= set(re.findall(r"^(?:async )?def (test_[a-z0-9_]+)", path.read_text(), re.M))
        defined.add(path.stem)  # a whole test file may be cited
    assert sorted(cited - defined) == []
    assert len(cited) > 100


def test_decisions_cite_feature_ids_that_exist() -> None:
    features = ROOT.parent / "shared" / "spec" / "FEATURES.md"
    known = set(FEATURE_ID.findall(features.read_text()))
    cited = set(FEATURE_ID.findall((ROOT / "docs" / "decisions.md").read_text()))
    assert cited and sorted(cited - known) == []
