"""arazzo-engine: load, validate and execute Arazzo workflow documents.

The public surface is listed here once; every implementation module is private.
Names are imported on first use (PEP 562), so that `arazzo --version` and
`import arazzo_engine` stay fast; type checkers see the imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The private modules that define the public names, lightest first: a name is looked
# up in them in this order, so using one never imports more than it needs.
_MODULES = (
    "._exceptions",
    "._options",
    "._findings",
    "._reader",
    "._model",
    "._openapi",
    "._results",
    "._rules",
    "._loader",
    "._validation",
    "._requests",
    "._engine",
)

__all__ = [
    "RULES",
    "__version__",
    "Action",
    "ActionTaken",
    "ArazzoDocument",
    "ArazzoError",
    "Components",
    "Credential",
    "Criterion",
    "CriterionOutcome",
    "Description",
    "DocumentNotFound",
    "DocumentSyntaxError",
    "DocumentTooLarge",
    "Engine",
    "Exchange",
    "ExecutionError",
    "ExpressionError",
    "ExpressionEvaluationError",
    "ExpressionSyntaxError",
    "Finding",
    "Info",
    "InvalidDocument",
    "is_valid",
    "iter_findings",
    "load",
    "LoadError",
    "LoadLimits",
    "LoadOptions",
    "loads",
    "LocationReport",
    "OpenAPIDocument",
    "Operation",
    "Parameter",
    "PayloadReplacement",
    "RecordedRequest",
    "RecordedResponse",
    "RequestBody",
    "Reusable",
    "Rule",
    "RunError",
    "RunHooks",
    "RunOptions",
    "RunResult",
    "Severity",
    "SourceBinding",
    "SourceDescription",
    "Step",
    "StepAttempt",
    "UnsupportedVersion",
    "validate",
    "validate_location",
    "Workflow",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        for module_name in _MODULES:
            module = importlib.import_module(module_name, __name__)
            if name in getattr(module, "__all__", ()):
                value = getattr(module, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from ._engine import Engine
    from ._exceptions import (
        ArazzoError,
        DocumentNotFound,
        DocumentSyntaxError,
        DocumentTooLarge,
        ExecutionError,
        ExpressionError,
        ExpressionEvaluationError,
        ExpressionSyntaxError,
        InvalidDocument,
        LoadError,
        UnsupportedVersion,
    )
    from ._findings import Finding, Severity
    from ._loader import (
        Description,
        LoadOptions,
        SourceBinding,
        load,
        loads,
    )
    from ._model import (
        Action,
        ArazzoDocument,
        Components,
        Criterion,
        Info,
        Parameter,
        PayloadReplacement,
        RequestBody,
        Reusable,
        SourceDescription,
        Step,
        Workflow,
    )
    from ._openapi import OpenAPIDocument, Operation
    from ._options import RunHooks, RunOptions
    from ._reader import LoadLimits
    from ._requests import Credential
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
    from ._rules import RULES, Rule
    from ._validation import (
        LocationReport,
        is_valid,
        iter_findings,
        validate,
        validate_location,
    )
