"""The state machine of a workflow run: pure, no I/O, no clock.

Given a step's outcome, the machine chooses the next move by the spec's rules: the first
action whose criteria all hold wins (ACT-02); with none, the next step on success (ACT-03) and
a failed workflow on failure (ACT-04); a ``retry`` counts its own attempts and, once spent,
lets the later actions be chosen (ACT-08). The engine performs the moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ._compile import CompiledAction, CompiledCheck, CompiledStep, CompiledWorkflow
from ._expressions import EvaluationContext
from ._resolve import WorkflowRef
from ._results import CriterionOutcome

__all__ = ["Move", "check_all", "decide"]

MoveKind = Literal["next", "goto", "goto-workflow", "retry", "end", "fail", "done"]


@dataclass(frozen=True, slots=True)
class Move:
    """What happens after a step attempt."""

    kind: MoveKind
    action: CompiledAction | None = None
    step_index: int | None = None  # goto: the step to run; retry: the step to retry
    workflow: WorkflowRef | None = None  # goto-workflow target, or a retry's detour workflow
    detour_step: int | None = None  # a retry's detour step (ACT-08.1)
    delay: float = 0.0  # seconds to wait first (retryAfter or Retry-After)


def check_all(
    checks: tuple[CompiledCheck, ...], context: EvaluationContext
) -> tuple[bool, tuple[CriterionOutcome, ...]]:
    """Evaluate criteria; all must hold (CRIT-07). Every criterion is evaluated and recorded."""
    outcomes = []
    for check in checks:
        result = check.criterion.evaluate(context)
        outcomes.append(
            CriterionOutcome(
                check.condition, check.type, result.passed, result.reason, check.pointer
            )
        )
    return all(outcome.passed for outcome in outcomes), tuple(outcomes)


def decide(
    workflow: CompiledWorkflow,
    step: CompiledStep,
    succeeded: bool,
    context: EvaluationContext,
    *,
    retries_used: Mapping[str, int],
    retry_after_header: float | None = None,
    max_retry_after: float = 60.0,
) -> tuple[Move, tuple[CriterionOutcome, ...]]:
    """The move after ``step`` succeeded or failed, and the action criteria evaluated."""
    actions = step.on_success if succeeded else step.on_failure
    evaluated: list[CriterionOutcome] = []
    for action in actions:
        holds, outcomes = check_all(action.criteria, context)
        evaluated.extend(outcomes)
        if not holds:
            continue
        move = _move_for(
            workflow,
            step,
            action,
            retries_used=retries_used,
            retry_after_header=retry_after_header,
            max_retry_after=max_retry_after,
        )
        if move is not None:
            return move, tuple(evaluated)
    if succeeded:
        if step.index + 1 < len(workflow.steps):
            return Move("next", step_index=step.index + 1), tuple(evaluated)
        return Move("done"), tuple(evaluated)
    return Move("fail"), tuple(evaluated)


def _move_for(
    workflow: CompiledWorkflow,
    step: CompiledStep,
    action: CompiledAction,
    *,
    retries_used: Mapping[str, int],
    retry_after_header: float | None,
    max_retry_after: float,
) -> Move | None:
    if action.type == "end":
        return Move("end" if action.kind == "success" else "fail", action=action)
    if action.type == "goto":
        if action.step_id is not None:
            index = workflow.step_index.get(action.step_id)
            return Move("goto", action=action, step_index=index) if index is not None else None
        if action.workflow is not None:
            return Move("goto-workflow", action=action, workflow=action.workflow)
        return None
    if action.type == "retry" and action.kind == "failure":
        limit = 1 if action.retry_limit is None else action.retry_limit  # a single retry by default
        if retries_used.get(action.key, 0) >= limit:
            return None  # spent: later actions may be chosen (ACT-08.5)
        wait = action.retry_after or 0.0
        if retry_after_header is not None:  # the server's Retry-After wins (SHOULD)
            wait = retry_after_header
        detour = workflow.step_index.get(action.step_id) if action.step_id else None
        return Move(
            "retry",
            action=action,
            step_index=step.index,
            workflow=action.workflow,
            detour_step=detour,
            delay=max(0.0, min(wait, max_retry_after)),
        )
    return None
