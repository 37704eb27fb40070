"""What runtime expressions read: the evaluation context, as frozen data."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "MISSING",
    "EvaluationContext",
    "HTTPMessage",
    "SourceDescriptionView",
    "WorkflowView",
]


class _Missing:
    """The absence of a value, distinct from JSON ``null`` (``None``)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return _EMPTY


@dataclass(frozen=True, slots=True)
class HTTPMessage:
    """A request, response or (1.1) message as expressions see it.

    ``headers`` are looked up case-insensitively; ``body`` is the parsed JSON
    value, the raw text for other media types, or MISSING when there is none.
    """

    headers: Mapping[str, str] = field(default_factory=_empty)
    body: Any = MISSING
    query: Mapping[str, Any] = field(default_factory=_empty)
    path: Mapping[str, Any] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class SourceDescriptionView:
    name: str
    url: str
    type: str | None
    targets: Mapping[str, Any] = field(default_factory=_empty)  # operationId/workflowId -> ref


@dataclass(frozen=True, slots=True)
class WorkflowView:
    inputs: Mapping[str, Any] = field(default_factory=_empty)
    outputs: Mapping[str, Any] = field(default_factory=_empty)
    steps: Mapping[str, Mapping[str, Any]] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    """Everything an expression can name at one point of a run."""

    url: str | None = None
    method: str | None = None
    status_code: int | None = None
    request: HTTPMessage | None = None
    response: HTTPMessage | None = None
    message: HTTPMessage | None = None
    inputs: Mapping[str, Any] = field(default_factory=_empty)
    outputs: Mapping[str, Any] = field(default_factory=_empty)
    steps: Mapping[str, Mapping[str, Any]] = field(default_factory=_empty)
    workflows: Mapping[str, WorkflowView] = field(default_factory=_empty)
    source_descriptions: Mapping[str, SourceDescriptionView] = field(default_factory=_empty)
    components: Mapping[str, Mapping[str, Any]] = field(default_factory=_empty)
    self_uri: str | None = None

    def evolve(self, **changes: Any) -> EvaluationContext:
        """A copy with ``changes`` applied; the context itself never changes."""
        return dataclasses.replace(self, **changes)
