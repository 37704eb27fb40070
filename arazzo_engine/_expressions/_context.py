"""What runtime expressions read: the evaluation context, as frozen data.

The runner builds one context per point of a run (before a request, after a response, when a
workflow's outputs are computed) and evolves it rather than changing it, so a compiled
expression can be evaluated against any of them, in any order, from any thread.
"""

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
    """The absence of a value, distinct from JSON ``null`` (``None``). There is one of it."""

    __slots__ = ()
    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __copy__(self) -> _Missing:
        return self

    def __deepcopy__(self, memo: object) -> _Missing:
        return self

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return _EMPTY


@dataclass(frozen=True, slots=True)
class HTTPMessage:
    """A request, a response or (1.1) a message, as expressions see it.

    ``headers`` are looked up case-insensitively (the evaluator does it, so a plain dict is
    fine; for a repeated header pass the value expressions should see). ``body`` is the parsed
    JSON value, the raw text for other media types, or MISSING when there is none; for
    ``$message`` it is the payload. ``query`` and ``path`` are the parameters a request sent.
    """

    headers: Mapping[str, str] = field(default_factory=_empty)
    body: Any = MISSING
    query: Mapping[str, Any] = field(default_factory=_empty)
    path: Mapping[str, Any] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class SourceDescriptionView:
    """A source description as ``$sourceDescriptions.<name>.<reference>`` reads it.

    ``url`` is the resolved absolute URL. ``targets`` maps the source's operationIds (OpenAPI)
    or workflowIds (Arazzo) to whatever object the runner uses for them; they win over the
    fields ``name``, ``url`` and ``type`` of the same name (RTE-07).
    """

    name: str
    url: str
    type: str | None
    targets: Mapping[str, Any] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class WorkflowView:
    """Another workflow of the run, as ``$workflows.<id>.…`` reads it.

    ``steps`` maps each of its step ids to that step's outputs (1.1's
    ``$workflows.<id>.steps.<stepId>``).
    """

    inputs: Mapping[str, Any] = field(default_factory=_empty)
    outputs: Mapping[str, Any] = field(default_factory=_empty)
    steps: Mapping[str, Mapping[str, Any]] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    """Everything an expression can name at one point of a run.

    ``method`` is upper-case. ``steps`` maps the current workflow's step ids to their outputs.
    ``components`` maps a kind (``parameters``, ``successActions``, ``failureActions``,
    ``inputs``) to its keys and objects. ``self_uri`` is 1.1's ``$self``. A field left at its
    default makes the expressions that read it fail with ExpressionEvaluationError.
    """

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
