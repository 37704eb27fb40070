"""How a run is configured: caps, timings, overrides and hooks, as frozen values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from ._results import Exchange, StepAttempt

__all__ = ["RunHooks", "RunOptions"]


def _no_overrides() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Caps that stop a run (each names itself in the result), and how it behaves.

    ``server_overrides`` maps a source description's name to the base URL to call instead of
    its OpenAPI servers. ``poll_interval`` is the wait before a step that a ``goto`` re-enters.
    """

    max_steps: int = 10_000  # step executions per run, sub-workflows included
    max_depth: int = 16  # nested sub-workflows
    timeout: float | None = None  # seconds for the whole run
    request_timeout: float = 30.0
    max_response_bytes: int = 10 * 1024 * 1024
    server_overrides: Mapping[str, str] = field(default_factory=_no_overrides)
    poll_interval: float = 0.0
    max_retry_after: float = 60.0
    response_checks: Literal["off", "warn", "error"] = "warn"
    strict_expressions: bool = False
    validate: bool = True  # refuse a description with validation errors before running


@dataclass(frozen=True, slots=True)
class RunHooks:
    """Callbacks a caller (a live view, a tracer) receives while a run goes on."""

    on_step_start: Callable[[str, str, int], None] | None = None  # workflow, step, attempt
    on_step_end: Callable[[StepAttempt], None] | None = None
    on_exchange: Callable[[Exchange], None] | None = None
