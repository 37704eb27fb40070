"""Findings: what a check reports about a document, as data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["SEVERITIES", "Finding", "Severity"]

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check found, located in its source file.

    ``line`` and ``column`` are 1-based; ``pointer`` is the RFC 6901 JSON
    Pointer of the node concerned inside ``file``.
    """

    rule: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    pointer: str = ""

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}:{self.column}: {self.severity}[{self.rule}]: {self.message}"
        )

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
        }
