"""Errors raised by arazzo-engine.

Unmet criteria, failed steps and invalid documents are *results* (findings,
criterion results, run results), not exceptions. Exceptions are for calls
that cannot produce a result at all. Each error carries what it concerns.

The tree::

    ArazzoError                      base of everything raised on purpose
    ├── LoadError (OSError)          a document could not be read or parsed
    │   ├── DocumentNotFound         no file, no such URL, or remote fetch refused
    │   ├── DocumentTooLarge         over the size, alias-expansion or nesting limit
    │   └── DocumentSyntaxError      YAML / JSON syntax, duplicate key, bad key or tag
    ├── InvalidDocument (ValueError) validate() found errors; carries the findings
    ├── UnsupportedVersion (ValueError)
    │                                the `arazzo` field names no version we know
    ├── ExpressionError (ValueError)
    │   ├── ExpressionSyntaxError    a runtime expression, template or condition
    │   │                            does not parse; carries text, column, expected
    │   └── ExpressionEvaluationError
    │                                an expression names something that is not
    │                                there (also a LookupError)
    └── ExecutionError (RuntimeError)
                                     a run could not start or was stopped; carries
                                     a reason code
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._findings import Finding

__all__ = [
    "ArazzoError",
    "DocumentNotFound",
    "DocumentSyntaxError",
    "DocumentTooLarge",
    "ExecutionError",
    "ExpressionError",
    "ExpressionEvaluationError",
    "ExpressionSyntaxError",
    "InvalidDocument",
    "LoadError",
    "UnsupportedVersion",
]


class ArazzoError(Exception):
    """Base class of every error that arazzo-engine raises on purpose."""


class LoadError(ArazzoError, OSError):
    """A document could not be loaded.

    ``uri`` is the document's absolute URI (``file:`` for local files);
    ``line`` and ``column`` (1-based) point at the problem when known.
    """

    def __init__(
        self,
        message: str,
        *,
        uri: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.uri = uri
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.uri
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class DocumentNotFound(LoadError):
    """The file or URL does not exist, or fetching it was refused or failed."""


class DocumentTooLarge(LoadError):
    """The document exceeds a configured size, alias-expansion or nesting limit."""


class DocumentSyntaxError(LoadError):
    """The text is not valid YAML or JSON, or uses a construct JSON cannot hold."""


class InvalidDocument(ArazzoError, ValueError):
    """Raised by ``validate()`` when a document has error-severity findings."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        first = self.findings[0] if self.findings else None
        summary = str(first) if first else "invalid document"
        more = len(self.findings) - 1
        if more > 0:
            summary += f" (and {more} more)"
        super().__init__(summary)


class UnsupportedVersion(ArazzoError, ValueError):
    """The ``arazzo`` field is missing or names a version this engine does not know."""

    def __init__(self, version: object, supported: Sequence[str]) -> None:
        self.version = version
        self.supported = tuple(supported)
        super().__init__(
            f"unsupported Arazzo version {version!r}; supported: {', '.join(self.supported)}"
        )


class ExpressionError(ArazzoError, ValueError):
    """Base class for runtime-expression problems."""


class ExpressionSyntaxError(ExpressionError):
    """An expression, template or condition does not parse.

    ``column`` is the 1-based position in ``text`` where parsing stopped and
    ``expected`` says, in words, what would have been valid there.
    """

    def __init__(self, text: str, column: int, expected: str) -> None:
        self.text = text
        self.column = column
        self.expected = expected
        super().__init__(f"{text!r}: at column {column}: expected {expected}")


class ExpressionEvaluationError(ExpressionError, LookupError):
    """A well-formed expression names a value that is not there.

    ``expression`` is the source text; ``reason`` says what was missing.
    """

    def __init__(self, expression: str, reason: str) -> None:
        self.expression = expression
        self.reason = reason
        super().__init__(f"{expression}: {reason}")


class ExecutionError(ArazzoError, RuntimeError):
    """A run could not start or was stopped. ``reason`` is a stable code."""

    def __init__(self, message: str, *, reason: str) -> None:
        self.reason = reason
        super().__init__(message)
