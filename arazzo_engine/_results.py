"""What a run produces: frozen records of every step attempt, and the outcome.

A run never loses what it did: a failed run still carries every attempt,
with the request sent (secrets masked), the response received (body size
capped), each criterion's result and the action taken. Reporters (JSON, JUnit,
HAR, the live view) read only these records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "ActionTaken",
    "CriterionOutcome",
    "Exchange",
    "RecordedRequest",
    "RecordedResponse",
    "RunError",
    "RunResult",
    "RunStatus",
    "StepAttempt",
]

RunStatus = Literal["succeeded", "failed"]


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """An HTTP request as sent, with secrets already masked."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str | None = None  # the body as text (decoded as UTF-8 where possible), capped
    body_size: int = 0  # bytes actually sent
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    """An HTTP response as received; ``body`` is capped at the run's response-size limit."""

    status_code: int
    headers: tuple[tuple[str, str], ...]
    body: str | None = None
    body_size: int = 0
    truncated: bool = False
    http_version: str = "HTTP/1.1"
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response (or the transport error), with timings."""

    request: RecordedRequest
    response: RecordedResponse | None
    error: str | None  # a transport error or timeout, in words
    started_at: float  # seconds since the epoch
    duration_ms: float


@dataclass(frozen=True, slots=True)
class CriterionOutcome:
    condition: str
    type: str
    passed: bool
    reason: str | None = None  # why it failed, or the evaluation error
    pointer: str = ""  # where the criterion is written in its document


@dataclass(frozen=True, slots=True)
class ActionTaken:
    """The success or failure action a step attempt ended with."""

    kind: Literal["success", "failure"]
    name: str | None  # None for the defaults (next step; break and return)
    type: Literal["next", "end", "goto", "retry", "fail"]
    step_id: str | None = None
    workflow_id: str | None = None
    delay_seconds: float = 0.0  # the wait before a retry or a re-entered step


@dataclass(frozen=True, slots=True)
class StepAttempt:
    """One execution of one step: its request, response, criteria, outputs and next move."""

    workflow_id: str
    step_id: str
    attempt: int  # 1 for the first execution of this step in this workflow run
    started_at: float
    duration_ms: float
    succeeded: bool
    exchange: Exchange | None = None  # None for workflow steps and steps that sent nothing
    criteria: tuple[CriterionOutcome, ...] = ()
    outputs: Mapping[str, Any] = field(default_factory=_empty)
    action: ActionTaken | None = None
    error: str | None = None  # why the step could not run (e.g. a missing parameter)
    sub_run: RunResult | None = None  # the called workflow's run, for workflow steps
    checks: tuple[str, ...] = ()  # response checks against the OpenAPI operation


@dataclass(frozen=True, slots=True)
class RunError:
    """Why a run failed.

    ``code`` is stable: ``step-failed`` (a step failed and no failure action
    matched), ``end-on-failure`` (a failure action ended the workflow),
    ``invalid-inputs``, ``dependency-failed``, ``sub-workflow-failed``,
    ``cap-max-steps``, ``cap-depth``, ``cap-timeout``, ``cap-response-size``,
    ``request-error`` (the request could not be built), ``cancelled``.
    """

    code: str
    message: str
    workflow_id: str | None = None
    step_id: str | None = None


@dataclass(frozen=True, slots=True)
class RunResult:
    """The outcome of running one workflow, with every step attempt it made."""

    workflow_id: str
    status: RunStatus
    outputs: Mapping[str, Any]
    steps: tuple[StepAttempt, ...]
    inputs: Mapping[str, Any]  # as used: defaults filled in once valid; secrets masked
    started_at: float
    duration_ms: float
    error: RunError | None = None
    dependencies: tuple[RunResult, ...] = ()  # dependsOn workflows run first
    ended_by: str | None = None  # the name of the `end` action, when one ended the run
    notes: tuple[str, ...] = ()  # e.g. workflow outputs that could not be evaluated (WF-06)

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"
