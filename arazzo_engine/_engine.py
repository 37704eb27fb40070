"""The engine: drives the state machine of ``_machine`` and does the I/O, over httpx.

Load a description once, build an ``Engine`` once, and run its workflows many times, also
concurrently: the engine keeps no state between runs. Each run gets a ``_Run`` that holds its
budget, deadline, secrets and the workflows it has finished.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import email.utils
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import httpx

from ._compile import CompiledStep, CompiledWorkflow, Plan, compile_description
from ._exceptions import ExpressionEvaluationError, InvalidDocument
from ._expressions import EvaluationContext, HTTPMessage, WorkflowView
from ._loader import Description
from ._machine import Move, check_all, decide
from ._masking import Masker, secret_inputs
from ._options import RunHooks, RunOptions
from ._requests import (
    BodyValue,
    ParameterValue,
    PreparedRequest,
    RequestBuildError,
    base_url,
    build_request,
)
from ._resolve import WorkflowRef
from ._response_checks import check_response
from ._results import (
    ActionTaken,
    CriterionOutcome,
    Exchange,
    RecordedRequest,
    RecordedResponse,
    RunError,
    RunResult,
    StepAttempt,
)
from ._security import AuthorizationError, Credential, TokenCache, authorize
from ._validation import iter_findings

__all__ = ["Engine"]

_CAP_CODES = frozenset({"cap-max-steps", "cap-depth", "cap-timeout"})


class _Stop(Exception):
    """A cap was hit: the whole run stops, whatever workflow it is in."""

    def __init__(self, error: RunError) -> None:
        super().__init__(error.message)
        self.error = error


class Engine:
    """Runs the workflows of one description.

    ``transport`` or ``client`` choose how requests go out (an ``httpx.MockTransport``, an
    ASGI app, a client with proxies or mTLS); ``credentials`` are keyed by the OpenAPI
    security scheme's name; ``clock`` and ``sleep`` may be replaced (tests of polling and
    retries then run instantly).
    """

    def __init__(
        self,
        description: Description,
        *,
        options: RunOptions | None = None,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        credentials: Mapping[str, Credential] | None = None,
        hooks: RunHooks | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.options = options or RunOptions()
        if self.options.validate:
            errors = [f for f in iter_findings(description) if f.severity == "error"]
            if errors:
                raise InvalidDocument(errors)
        self.description = description
        self.plan: Plan = compile_description(description, strict=self.options.strict_expressions)
        self._client = client
        self._transport = transport
        self._owned_client: httpx.AsyncClient | None = None
        self.credentials = MappingProxyType(dict(credentials or {}))
        self.hooks = hooks or RunHooks()
        self.clock = clock
        self.sleep = sleep

    # -- lifecycle ---------------------------------------------------------------------------

    def client(self) -> httpx.AsyncClient:
        if self._client is not None:
            return self._client
        if self._owned_client is None:
            self._owned_client = httpx.AsyncClient(
                transport=self._transport, timeout=self.options.request_timeout
            )
        return self._owned_client

    async def aclose(self) -> None:
        if self._owned_client is not None:
            await self._owned_client.aclose()
            self._owned_client = None

    async def __aenter__(self) -> Engine:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- public API --------------------------------------------------------------------------

    def workflow(self, workflow_id: str | None = None) -> CompiledWorkflow:
        """The entry document's workflow ``workflow_id``, or its only workflow."""
        ids = self.plan.entry_workflow_ids
        if workflow_id is None:
            if len(ids) != 1:
                raise ValueError(
                    f"the document has {len(ids)} workflows; choose one of: {', '.join(ids)}"
                )
            workflow_id = ids[0]
        compiled = self.plan.entry(workflow_id)
        if compiled is None:
            raise ValueError(f"no workflow {workflow_id!r}; the document has: {', '.join(ids)}")
        return compiled

    def check_inputs(self, workflow_id: str | None, inputs: Mapping[str, Any]) -> list[str]:
        """Why ``inputs`` do not satisfy the workflow's inputs schema (empty when they do)."""
        return _input_errors(self.workflow(workflow_id), inputs)

    async def run(
        self, workflow_id: str | None = None, inputs: Mapping[str, Any] | None = None
    ) -> RunResult:
        workflow = self.workflow(workflow_id)
        given = dict(inputs or {})
        secrets = secret_inputs(workflow.inputs_schema, given) | _credential_secrets(
            self.credentials
        )
        masker = Masker(secrets)
        started = time.time()
        problems = _input_errors(workflow, given)
        if problems:
            return RunResult(
                workflow_id=workflow.ref.workflow_id,
                status="failed",
                outputs=MappingProxyType({}),
                steps=(),
                inputs=masker.value(given),
                started_at=started,
                duration_ms=0.0,
                error=RunError(
                    "invalid-inputs",
                    "the inputs do not match the workflow's inputs schema: " + "; ".join(problems),
                    workflow.ref.workflow_id,
                ),
            )
        run = _Run(self, masker)
        return await run.top(workflow, _with_defaults(workflow.inputs_schema, given))

    def run_sync(
        self, workflow_id: str | None = None, inputs: Mapping[str, Any] | None = None
    ) -> RunResult:
        """``run`` for callers without an event loop."""

        async def once() -> RunResult:
            try:
                return await self.run(workflow_id, inputs)
            finally:
                await self.aclose()

        return asyncio.run(once())


def _credential_secrets(credentials: Mapping[str, Credential]) -> set[str]:
    found: set[str] = set()
    for credential in credentials.values():
        for value in (credential.value, credential.password, credential.client_secret):
            if value:
                found.add(value)
        if credential.username and credential.password:
            pair = f"{credential.username}:{credential.password}"
            found.add(base64.b64encode(pair.encode()).decode())
    return found


def _input_errors(workflow: CompiledWorkflow, inputs: Mapping[str, Any]) -> list[str]:
    if workflow.inputs_validator is None:
        return []
    problems = []
    for error in sorted(workflow.inputs_validator.iter_errors(dict(inputs)), key=str):
        where = "/".join(str(part) for part in error.absolute_path) or "inputs"
        problems.append(f"{where}: {error.message}")
    return problems


def _with_defaults(schema: Any, inputs: dict[str, Any]) -> dict[str, Any]:
    """Top-level ``default``s of the inputs schema fill inputs the caller left out (WF-02)."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return inputs
    filled = dict(inputs)
    for name, declared in properties.items():
        if name not in filled and isinstance(declared, dict) and "default" in declared:
            filled[name] = declared["default"]
    return filled


def _retry_after_seconds(value: str | None, now: float) -> float | None:
    """A ``Retry-After`` header: delta-seconds or an HTTP-date."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now)


@dataclass
class _WorkflowState:
    """The mutable bookkeeping of one workflow run (kept inside ``_Run``)."""

    workflow: CompiledWorkflow
    inputs: Mapping[str, Any]
    outputs: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    retries: dict[str, int] = field(default_factory=dict)
    records: list[StepAttempt] = field(default_factory=list)


class _Run:
    def __init__(self, engine: Engine, masker: Masker) -> None:
        self.engine = engine
        self.options = engine.options
        self.masker = masker
        self.steps_run = 0
        self.started = engine.clock()
        self.deadline = self.started + self.options.timeout if self.options.timeout else None
        self.finished: dict[WorkflowRef, RunResult] = {}
        self.running: set[WorkflowRef] = set()  # workflows whose dependencies are running
        self.views: dict[str, WorkflowView] = {}
        self.tokens = TokenCache()

    async def top(self, workflow: CompiledWorkflow, inputs: Mapping[str, Any]) -> RunResult:
        return await self.workflow(workflow, inputs, depth=0)

    # -- workflows ---------------------------------------------------------------------------

    async def workflow(
        self, workflow: CompiledWorkflow, inputs: Mapping[str, Any], depth: int
    ) -> RunResult:
        started_wall, started = time.time(), self.engine.clock()
        dependencies: list[RunResult] = []
        self.running.add(workflow.ref)
        for ref in workflow.depends_on:  # WF-05: run each dependency once, first
            if ref in self.running:  # a cycle (the validator reports it; this never loops)
                return self._dependency_failed(
                    workflow,
                    inputs,
                    (started_wall, started),
                    dependencies,
                    f"workflows depend on each other in a cycle through {ref.workflow_id!r}",
                )
            if ref not in self.finished:
                target = self.engine.plan.workflows[ref]
                self.finished[ref] = await self.workflow(target, inputs, depth)
            dependency = self.finished[ref]
            dependencies.append(dependency)
            if not dependency.succeeded:
                return self._dependency_failed(
                    workflow,
                    inputs,
                    (started_wall, started),
                    dependencies,
                    f"workflow {ref.workflow_id!r}, which this one depends on, failed",
                )
        self.running.discard(workflow.ref)
        state = _WorkflowState(workflow, inputs)
        self.views[workflow.ref.workflow_id] = WorkflowView(inputs=MappingProxyType(dict(inputs)))
        try:
            result = await self._steps(state, depth, started_wall, started)
        except _Stop as stop:
            result = self._result(
                workflow, inputs, started_wall, started, state.records, {}, stop.error
            )
            if depth == 0:
                return result
            raise _Stop(stop.error) from None
        result = RunResult(
            workflow_id=result.workflow_id,
            status=result.status,
            outputs=result.outputs,
            steps=result.steps,
            inputs=result.inputs,
            started_at=result.started_at,
            duration_ms=result.duration_ms,
            error=result.error,
            dependencies=tuple(dependencies),
            ended_by=result.ended_by,
            notes=result.notes,
        )
        self.finished[workflow.ref] = result
        self.views[workflow.ref.workflow_id] = WorkflowView(
            inputs=MappingProxyType(dict(inputs)), outputs=result.outputs
        )
        return result

    def _dependency_failed(
        self,
        workflow: CompiledWorkflow,
        inputs: Mapping[str, Any],
        started: tuple[float, float],
        dependencies: list[RunResult],
        message: str,
    ) -> RunResult:
        """WF-05: a dependency that failed (or a cycle) fails the workflow before its steps."""
        self.running.discard(workflow.ref)
        error = RunError("dependency-failed", message, workflow.ref.workflow_id)
        return self._result(
            workflow, inputs, *started, [], {}, error, dependencies=tuple(dependencies)
        )

    def _result(
        self,
        workflow: CompiledWorkflow,
        inputs: Mapping[str, Any],
        started_wall: float,
        started: float,
        records: list[StepAttempt],
        outputs: Mapping[str, Any],
        error: RunError | None,
        *,
        ended_by: str | None = None,
        notes: tuple[str, ...] = (),
        dependencies: tuple[RunResult, ...] = (),
    ) -> RunResult:
        return RunResult(
            workflow_id=workflow.ref.workflow_id,
            status="failed" if error else "succeeded",
            outputs=MappingProxyType(dict(outputs)),
            steps=tuple(records),
            inputs=self.masker.value(dict(inputs)),
            started_at=started_wall,
            duration_ms=(self.engine.clock() - started) * 1000,
            error=error,
            dependencies=dependencies,
            ended_by=ended_by,
            notes=notes,
        )

    def _context(self, state: _WorkflowState) -> EvaluationContext:
        return state.workflow.base_context.evolve(
            inputs=state.inputs,
            # A live, read-only view: a step's action criteria then read the outputs its
            # attempt just stored (STEP-09), and no step copies the table.
            steps=MappingProxyType(state.outputs),
            workflows=MappingProxyType(dict(self.views)),
        )

    async def _steps(
        self, state: _WorkflowState, depth: int, started_wall: float, started: float
    ) -> RunResult:
        workflow = state.workflow
        if not workflow.steps:
            return self._finish(state, started_wall, started, None)
        index = 0
        delay = 0.0
        while True:
            step = workflow.steps[index]
            self._check_caps(workflow, step)
            if delay > 0:
                await self._wait(delay)
                # A wait cut short by the deadline must not let one more attempt through.
                self._check_caps(workflow, step)
            attempt_number = state.attempts.get(step.step_id, 0) + 1
            state.attempts[step.step_id] = attempt_number
            self.steps_run += 1
            if self.engine.hooks.on_step_start:
                self.engine.hooks.on_step_start(
                    workflow.ref.workflow_id, step.step_id, attempt_number
                )
            record, context, retry_after = await self._execute(state, step, attempt_number, depth)
            move, action_outcomes = decide(
                workflow,
                step,
                record.succeeded,
                context,
                retries_used=state.retries,
                retry_after_header=retry_after,
                max_retry_after=self.options.max_retry_after,
            )
            record = _with_action(record, move, action_outcomes, step)
            sub_run: RunResult | None = None
            if move.kind == "goto-workflow" and move.workflow is not None:
                target = self.engine.plan.workflows.get(move.workflow)
                if target is not None:
                    sub_inputs = self._action_inputs(move, context) or state.inputs
                    self._check_depth(depth + 1, workflow, step)
                    sub_run = await self.workflow(target, sub_inputs, depth + 1)
                    record = _replace(record, sub_run=sub_run)
            state.records.append(record)
            if self.engine.hooks.on_step_end:
                self.engine.hooks.on_step_end(record)
            exchange = record.exchange
            if (
                exchange is not None
                and exchange.response is not None
                and exchange.response.truncated
            ):
                raise _Stop(
                    RunError(
                        "cap-response-size",
                        f"step {step.step_id!r}: the response is larger than "
                        f"{self.options.max_response_bytes} bytes",
                        workflow.ref.workflow_id,
                        step.step_id,
                    )
                )
            if move.kind == "next":
                index = move.step_index or 0
                self._reset_retries(state, workflow.steps[index])
                delay = 0.0
            elif move.kind == "goto" and move.step_index is not None:
                reentry = move.step_index <= index
                index = move.step_index
                self._reset_retries(state, workflow.steps[index])
                # A loop back (polling) waits first; the server's Retry-After wins.
                delay = (
                    (retry_after if retry_after is not None else self.options.poll_interval)
                    if reentry
                    else 0.0
                )
                delay = min(delay, self.options.max_retry_after) if reentry else 0.0
            elif move.kind == "retry" and move.action is not None:
                state.retries[move.action.key] = state.retries.get(move.action.key, 0) + 1
                await self._detour(state, move, depth)
                delay = move.delay
            elif move.kind in ("end", "done"):
                ended_by = move.action.name if move.action else None
                return self._finish(state, started_wall, started, None, ended_by=ended_by)
            elif move.kind == "goto-workflow" and sub_run is not None:
                # ACT-07: control does not come back; the target's outcome is this run's.
                return self._result(
                    workflow,
                    state.inputs,
                    started_wall,
                    started,
                    state.records,
                    sub_run.outputs,
                    sub_run.error,
                    ended_by=move.action.name if move.action else None,
                )
            else:
                error = (
                    RunError(
                        "end-on-failure",
                        f"step {step.step_id!r} failed and failure action "
                        f"{move.action.name!r} ended the workflow",
                        workflow.ref.workflow_id,
                        step.step_id,
                    )
                    if move.action is not None
                    else RunError(
                        "step-failed",
                        f"step {step.step_id!r} failed: {_failure_reason(record)}",
                        workflow.ref.workflow_id,
                        step.step_id,
                    )
                )
                return self._finish(state, started_wall, started, error)

    def _finish(
        self,
        state: _WorkflowState,
        started_wall: float,
        started: float,
        error: RunError | None,
        *,
        ended_by: str | None = None,
    ) -> RunResult:
        context = self._context(state)
        outputs: dict[str, Any] = {}
        notes: list[str] = []
        for name, compiled in state.workflow.outputs:
            try:
                outputs[name] = compiled.evaluate(context)
            except ExpressionEvaluationError as problem:  # WF-06: null, and say why
                outputs[name] = None
                notes.append(f"output {name!r}: {problem}")
        return self._result(
            state.workflow,
            state.inputs,
            started_wall,
            started,
            state.records,
            outputs,
            error,
            ended_by=ended_by,
            notes=tuple(notes),
        )

    def _reset_retries(self, state: _WorkflowState, step: CompiledStep) -> None:
        # ACT-08: budgets are per entry into a step, so a fresh entry starts them anew.
        keys = {action.key for action in step.on_failure}
        for key in keys:
            state.retries.pop(key, None)

    def _action_inputs(self, move: Move, context: EvaluationContext) -> dict[str, Any] | None:
        if move.action is None or not move.action.parameters:
            return None
        return {p.name: p.value.evaluate(context) for p in move.action.parameters}

    async def _detour(self, state: _WorkflowState, move: Move, depth: int) -> None:
        """ACT-08.1: run the retry's stepId (its actions not followed) or workflowId first."""
        if move.detour_step is not None:
            step = state.workflow.steps[move.detour_step]
            self.steps_run += 1
            number = state.attempts.get(step.step_id, 0) + 1
            state.attempts[step.step_id] = number
            record, _, _ = await self._execute(state, step, number, depth)
            state.records.append(record)
        elif move.workflow is not None:
            target = self.engine.plan.workflows.get(move.workflow)
            if target is not None:
                self._check_depth(depth + 1, state.workflow, None)
                await self.workflow(target, state.inputs, depth + 1)

    # -- caps --------------------------------------------------------------------------------

    def _check_caps(self, workflow: CompiledWorkflow, step: CompiledStep) -> None:
        if self.steps_run >= self.options.max_steps:
            raise _Stop(
                RunError(
                    "cap-max-steps",
                    f"the run reached its limit of {self.options.max_steps} step executions "
                    f"at step {step.step_id!r} (an endless goto loop?)",
                    workflow.ref.workflow_id,
                    step.step_id,
                )
            )
        if self.deadline is not None and self.engine.clock() >= self.deadline:
            raise _Stop(
                RunError(
                    "cap-timeout",
                    f"the run exceeded its time limit of {self.options.timeout} s "
                    f"before step {step.step_id!r}",
                    workflow.ref.workflow_id,
                    step.step_id,
                )
            )

    def _check_depth(
        self, depth: int, workflow: CompiledWorkflow, step: CompiledStep | None
    ) -> None:
        if depth > self.options.max_depth:
            raise _Stop(
                RunError(
                    "cap-depth",
                    f"sub-workflows nest deeper than {self.options.max_depth} levels "
                    f"(a workflow calling itself?)",
                    workflow.ref.workflow_id,
                    step.step_id if step else None,
                )
            )

    async def _wait(self, seconds: float) -> None:
        if self.deadline is not None:
            seconds = min(seconds, max(0.0, self.deadline - self.engine.clock()))
        if seconds > 0:
            await self.engine.sleep(seconds)

    # -- one step ----------------------------------------------------------------------------

    async def _execute(
        self, state: _WorkflowState, step: CompiledStep, attempt: int, depth: int
    ) -> tuple[StepAttempt, EvaluationContext, float | None]:
        if step.workflow is not None:
            return await self._execute_workflow_step(state, step, attempt, depth)
        return await self._execute_operation(state, step, attempt)

    async def _execute_workflow_step(
        self, state: _WorkflowState, step: CompiledStep, attempt: int, depth: int
    ) -> tuple[StepAttempt, EvaluationContext, float | None]:
        started_wall, started = time.time(), self.engine.clock()
        context = self._context(state)
        assert step.workflow is not None
        target = self.engine.plan.workflows.get(step.workflow)
        try:
            sub_inputs = {p.name: p.value.evaluate(context) for p in step.parameters}
        except ExpressionEvaluationError as error:
            return (
                self._failed(state, step, attempt, started_wall, started, f"parameter: {error}"),
                context,
                None,
            )
        if target is None:
            return (
                self._failed(
                    state, step, attempt, started_wall, started, step.problem or "no such workflow"
                ),
                context,
                None,
            )
        self._check_depth(depth + 1, state.workflow, step)
        sub_run = await self.workflow(target, sub_inputs, depth + 1)
        # STEP-10: while the step's criteria and outputs are evaluated, $outputs is the
        # called workflow's outputs.
        context = self._context(state).evolve(outputs=sub_run.outputs)
        holds, outcomes = check_all(step.success_criteria, context)
        succeeded = sub_run.succeeded and holds
        outputs, notes = self._store_outputs(state, step, context)
        record = StepAttempt(
            workflow_id=state.workflow.ref.workflow_id,
            step_id=step.step_id,
            attempt=attempt,
            started_at=started_wall,
            duration_ms=(self.engine.clock() - started) * 1000,
            succeeded=succeeded,
            criteria=outcomes,
            outputs=MappingProxyType(self.masker.value(outputs)),
            error=None if sub_run.succeeded else f"workflow {target.ref.workflow_id!r} failed",
            sub_run=sub_run,
            checks=notes,
        )
        return record, context, None

    def _failed(
        self,
        state: _WorkflowState,
        step: CompiledStep,
        attempt: int,
        started_wall: float,
        started: float,
        error: str,
        exchange: Exchange | None = None,
    ) -> StepAttempt:
        return StepAttempt(
            workflow_id=state.workflow.ref.workflow_id,
            step_id=step.step_id,
            attempt=attempt,
            started_at=started_wall,
            duration_ms=(self.engine.clock() - started) * 1000,
            succeeded=False,
            exchange=exchange,
            error=self.masker.text(error),
        )

    def _store_outputs(
        self, state: _WorkflowState, step: CompiledStep, context: EvaluationContext
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """Evaluates the step's outputs and stores them; returns them and notes."""
        outputs: dict[str, Any] = {}
        notes: list[str] = []
        for name, compiled in step.outputs:
            try:
                outputs[name] = compiled.evaluate(context)
            except ExpressionEvaluationError as error:  # STEP-09: best effort
                notes.append(f"output {name!r} is undefined: {error.reason}")
        state.outputs[step.step_id] = MappingProxyType(outputs)
        return outputs, tuple(notes)

    async def _execute_operation(
        self, state: _WorkflowState, step: CompiledStep, attempt: int
    ) -> tuple[StepAttempt, EvaluationContext, float | None]:
        started_wall, started = time.time(), self.engine.clock()
        context = self._context(state)
        if step.operation is None or step.openapi is None:
            failed = self._failed(
                state, step, attempt, started_wall, started, step.problem or "no operation"
            )
            return failed, context, None
        preparation_notes: list[str] = []
        try:
            prepared, base = self._prepare(step, context, preparation_notes)
            if self.engine.credentials:
                prepared = await self._authorize(step, prepared, base)
            preparation_notes.extend(prepared.warnings)
        except (ExpressionEvaluationError, RequestBuildError, AuthorizationError) as error:
            failed = self._failed(
                state, step, attempt, started_wall, started, f"the request cannot be built: {error}"
            )
            return failed, context, None
        exchange, response, body = await self._send(prepared)
        if self.engine.hooks.on_exchange:
            self.engine.hooks.on_exchange(exchange)
        if response is None:
            return (
                self._failed(
                    state,
                    step,
                    attempt,
                    started_wall,
                    started,
                    exchange.error or "no response",
                    exchange,
                ),
                context,
                None,
            )
        context = context.evolve(
            url=prepared.url,
            method=prepared.method,
            status_code=response.status_code,
            request=HTTPMessage(
                headers=prepared.header_values,
                body=prepared.body_value,
                query=prepared.query_parameters,
                path=prepared.path_parameters,
            ),
            response=HTTPMessage(headers=response.headers, body=body),
        )
        if step.success_criteria:
            succeeded, outcomes = check_all(step.success_criteria, context)
        else:  # STEP-08: no criteria: an HTTP success (1xx-3xx) is success
            succeeded, outcomes = response.status_code < 400, ()
        checks: tuple[str, ...] = ()
        if self.options.response_checks != "off":
            checks = check_response(
                step.operation, self.engine.description.resolver, step.openapi, prepared, response
            )
            if checks and self.options.response_checks == "error":
                succeeded = False
        outputs, notes = self._store_outputs(state, step, context)
        retry_after = _retry_after_seconds(response.headers.get("retry-after"), time.time())
        record = StepAttempt(
            workflow_id=state.workflow.ref.workflow_id,
            step_id=step.step_id,
            attempt=attempt,
            started_at=started_wall,
            duration_ms=(self.engine.clock() - started) * 1000,
            succeeded=succeeded,
            exchange=exchange,
            criteria=outcomes,
            outputs=MappingProxyType(self.masker.value(outputs)),
            error=None
            if exchange.response and not (exchange.response.truncated)
            else (
                f"the response is larger than {self.options.max_response_bytes} bytes"
                if exchange.response and exchange.response.truncated
                else None
            ),
            checks=tuple(self.masker.text(c) for c in (*preparation_notes, *checks, *notes)),
        )
        return record, context, retry_after

    def _prepare(
        self, step: CompiledStep, context: EvaluationContext, notes: list[str]
    ) -> tuple[PreparedRequest, str]:
        """The request for ``step`` and its server URL. A value that is not there (an
        optional input left out) is sent as null in a body and leaves its parameter out,
        noted (RTE-03)."""
        assert step.operation is not None and step.openapi is not None
        parameters = []
        for parameter in step.parameters:
            missing: list[str] = []
            value = parameter.value.evaluate_lenient(context, missing)
            if missing and value is None:
                notes.append(f"parameter {parameter.name!r} left out: {'; '.join(missing)}")
                continue
            notes.extend(f"parameter {parameter.name!r}: {m}" for m in missing)
            parameters.append(ParameterValue(parameter.name, parameter.location or "query", value))
        body = None
        if step.body is not None:
            body_notes: list[str] = []
            body = BodyValue(
                content_type=step.body.content_type,
                payload=(
                    step.body.payload.evaluate_lenient(context, body_notes)
                    if step.body.payload
                    else None
                ),
                replacements=tuple(
                    (target, value.evaluate_lenient(context, body_notes), kind)
                    for target, value, kind in step.body.replacements
                ),
            )
            notes.extend(f"request body: {note} (sent as null)" for note in body_notes)
        base = base_url(
            step.operation,
            step.openapi,
            override=self.options.server_overrides.get(step.source_name or ""),
        )
        prepared = build_request(
            step.operation,
            self.engine.description.resolver,
            base=base,
            parameters=parameters,
            body=body,
            credentials=self.engine.credentials,
        )
        return prepared, base

    async def _authorize(
        self, step: CompiledStep, prepared: PreparedRequest, base: str
    ) -> PreparedRequest:
        """Credentials that need I/O (OAuth2 tokens), fetched once per run and scheme."""
        assert step.operation is not None
        authorized = await authorize(
            prepared,
            step.operation,
            self.engine.description.resolver,
            self.engine.credentials,
            self.engine.client(),
            cache=self.tokens,
            base=base,  # relative token URLs resolve against the server, like the API's
        )
        token = authorized.header_values.get("authorization")
        if token and token != prepared.header_values.get("authorization"):
            self.masker = self.masker.with_secrets(token.split(" ", 1)[-1])
        return authorized

    async def _send(self, prepared: PreparedRequest) -> tuple[Exchange, httpx.Response | None, Any]:
        request = prepared.to_httpx()
        recorded_request = RecordedRequest(
            method=prepared.method,
            url=self.masker.text(prepared.url),
            headers=self.masker.headers(prepared.headers),
            body=self.masker.text(_text(prepared.content, self.options.max_response_bytes))
            if prepared.content
            else None,
            body_size=len(prepared.content or b""),
            content_type=prepared.content_type,
        )
        started_wall, started = time.time(), self.engine.clock()
        limit = self.options.max_response_bytes
        try:
            response = await self.engine.client().send(request, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                truncated = False
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        truncated = True
                        chunks.append(chunk[: max(0, limit - (size - len(chunk)))])
                        break
                    chunks.append(chunk)
            finally:
                await response.aclose()
        except httpx.HTTPError as failure:
            # A transport error or timeout is a failed step with the reason, not an exception.
            where = f"{prepared.method} {self.masker.text(prepared.url)}"
            if isinstance(failure, httpx.TimeoutException):
                reason = f"timed out after {self.options.request_timeout} s"
            else:
                reason = self.masker.text(str(failure)) or type(failure).__name__
            elapsed = (self.engine.clock() - started) * 1000
            failed = Exchange(recorded_request, None, f"{where}: {reason}", started_wall, elapsed)
            return failed, None, None
        content = b"".join(chunks)
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        body: Any = None
        text = content.decode("utf-8", errors="replace")
        if content:
            if media == "application/json" or media.endswith("+json"):
                try:
                    body = json.loads(text)
                except ValueError:
                    body = text
            else:
                body = text
        recorded_response = RecordedResponse(
            status_code=response.status_code,
            headers=self.masker.headers(response.headers.multi_items()),
            body=self.masker.text(text) if content else None,
            body_size=len(content),
            truncated=truncated,
            http_version=response.http_version,
            content_type=response.headers.get("content-type"),
        )
        exchange = Exchange(
            recorded_request,
            recorded_response,
            None,
            started_wall,
            (self.engine.clock() - started) * 1000,
        )
        # The body was streamed (and capped); hand on a response that holds what was read.
        # The bytes are already decoded, so the encoding and length headers no longer apply.
        headers = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        received = httpx.Response(
            response.status_code, headers=headers, content=content, request=request
        )
        return exchange, received, body


def _text(content: bytes, limit: int) -> str:
    return content[:limit].decode("utf-8", errors="replace")


def _failure_reason(record: StepAttempt) -> str:
    if record.error:
        return record.error
    failed = [c for c in record.criteria if not c.passed]
    if failed:
        return "; ".join(c.reason or c.condition for c in failed)
    if record.exchange and record.exchange.response:
        return f"HTTP {record.exchange.response.status_code}"
    return "unknown"


def _replace(record: StepAttempt, **changes: Any) -> StepAttempt:
    return dataclasses.replace(record, **changes)


def _with_action(
    record: StepAttempt, move: Move, outcomes: tuple[CriterionOutcome, ...], step: CompiledStep
) -> StepAttempt:
    action = move.action
    kind: Literal["success", "failure"] = "success" if record.succeeded else "failure"
    taken_type = {
        "next": "next",
        "done": "end" if action else "next",
        "goto": "goto",
        "goto-workflow": "goto",
        "retry": "retry",
        "end": "end",
        "fail": "end" if action else "fail",
    }[move.kind]
    taken = ActionTaken(
        kind=kind,
        name=action.name if action else None,
        type=taken_type,  # type: ignore[arg-type]
        step_id=action.step_id if action else None,
        workflow_id=move.workflow.workflow_id if move.workflow else None,
        delay_seconds=move.delay,
    )
    return _replace(record, action=taken, criteria=(*record.criteria, *outcomes))
