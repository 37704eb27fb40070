"""The live view of a run on stderr: each step attempt, poll and retry, as it happens.

On a terminal it uses rich (colour, and a spinner naming the step in flight); elsewhere
(CI logs, pipes, tests) it prints plain lines, one per step attempt, that read the same.
Every line passes through the run's masker before it is written. This module imports
rich, so the command line imports it only when a run starts.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Protocol, TextIO

from rich.console import Console

from ._reports import describe_failure

if TYPE_CHECKING:
    from rich.status import Status

    from ._results import Exchange, RunResult, StepAttempt

__all__ = ["LiveView", "attempt_line"]


class _TextMasker(Protocol):
    def text(self, value: str) -> str: ...


def _status_text(attempt: StepAttempt) -> str:
    exchange = attempt.exchange
    if exchange is None:
        if attempt.sub_run is not None:
            return f"workflow {attempt.sub_run.workflow_id} {attempt.sub_run.status}"
        return ""
    request = f"{exchange.request.method} {exchange.request.url}"
    if exchange.response is None:
        return f"{request} -> {exchange.error or 'no response'}"
    code = exchange.response.status_code
    try:
        phrase = f" {HTTPStatus(code).phrase}"
    except ValueError:
        phrase = ""
    return f"{request} -> {code}{phrase} ({exchange.duration_ms:.0f} ms)"


def _next_move(attempt: StepAttempt) -> str:
    """What the step attempt led to, in words: a poll, a retry, a jump, the end."""
    action = attempt.action
    name = f" ({action.name})" if action is not None and action.name else ""
    if action is None:
        return "" if attempt.succeeded else "failed"
    if action.type == "retry":
        wait = f" in {action.delay_seconds:g} s" if action.delay_seconds else ""
        return f"retry{wait}{name}"
    if action.type == "goto" and action.step_id == attempt.step_id:
        wait = f" in {action.delay_seconds:g} s" if action.delay_seconds else ""
        return f"poll again{wait}{name}"
    if action.type == "goto":
        return f"goto {action.step_id or action.workflow_id}{name}"
    if action.type == "end":
        return f"end{name}"
    if action.type == "fail":
        return f"failed{name}"
    return ""  # "next": the ordinary sequence needs no comment


def attempt_line(attempt: StepAttempt, main_workflow: str | None = None) -> str:
    """One line for a step attempt: which, what was sent, what came back, what next."""
    step = attempt.step_id
    if main_workflow is not None and attempt.workflow_id != main_workflow:
        step = f"{attempt.workflow_id}/{step}"
    if attempt.attempt > 1:
        step += f" #{attempt.attempt}"
    parts = [_status_text(attempt)]
    if not attempt.succeeded and attempt.criteria:
        unmet = sum(1 for criterion in attempt.criteria if not criterion.passed)
        if unmet:
            parts.append(f"{unmet} of {len(attempt.criteria)} criteria not met")
    parts.append(_next_move(attempt))
    mark = "ok" if attempt.succeeded else "FAIL"
    return f"  {mark:<4} {step}: " + "; ".join(part for part in parts if part)


def _detail_lines(attempt: StepAttempt) -> list[str]:
    # A step that succeeded also records the action criteria that did not choose an
    # action (a poll's "not yet"); only a failure's unmet criteria explain anything.
    lines = [
        f"         criterion not met: {criterion.condition}"
        + (f" ({criterion.reason})" if criterion.reason else "")
        for criterion in attempt.criteria
        if not criterion.passed and not attempt.succeeded
    ]
    if attempt.error:
        lines.append(f"         error: {attempt.error}")
    lines += [f"         response check: {check}" for check in attempt.checks]
    return lines


class LiveView:
    """Prints a run as it happens; its methods are the engine's hooks.

    ``fancy`` chooses rich output; by default it is used when ``stream`` is a terminal.
    """

    def __init__(self, stream: TextIO, masker: _TextMasker, *, fancy: bool | None = None) -> None:
        self._stream = stream
        self._masker = masker
        self._fancy = stream.isatty() if fancy is None else fancy
        self._console: Console | None = None
        self._status: Status | None = None
        self._workflow: str | None = None

    def _write(self, text: str, style: str | None = None) -> None:
        text = self._masker.text(text)
        if self._console is not None:
            self._console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)
        else:
            self._stream.write(text + "\n")
            self._stream.flush()

    def begin(self, workflow_id: str, document: str) -> None:
        self._workflow = workflow_id
        if self._fancy:
            self._console = Console(file=self._stream, force_terminal=True, highlight=False)
            self._status = self._console.status(self._masker.text(f"starting {workflow_id}"))
            self._status.start()
        self._write(f"running workflow {workflow_id} of {document}", "bold")

    def step_started(self, workflow_id: str, step_id: str, attempt: int) -> None:
        if self._status is not None:
            again = f" (attempt {attempt})" if attempt > 1 else ""
            self._status.update(self._masker.text(f"{workflow_id}/{step_id}{again}"))

    def exchange(self, exchange: Exchange) -> None:
        """Exchanges are shown with the attempt that made them (see ``step_ended``)."""

    def step_ended(self, attempt: StepAttempt) -> None:
        self._write(attempt_line(attempt, self._workflow), None if attempt.succeeded else "red")
        for line in _detail_lines(attempt):
            self._write(line, "dim")

    def finish(self, result: RunResult) -> None:
        self.close()
        steps = len(result.steps)
        took = f"{result.duration_ms:.0f} ms"
        if result.succeeded:
            ended = f", ended by {result.ended_by}" if result.ended_by else ""
            self._write(
                f"workflow {result.workflow_id} succeeded in {took} "
                f"({steps} step attempt{'s' if steps != 1 else ''}{ended})",
                "bold green",
            )
        else:
            self._write(
                f"workflow {result.workflow_id} failed after {took}: {describe_failure(result)}",
                "bold red",
            )

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None
