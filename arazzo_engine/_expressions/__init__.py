"""Runtime expressions, embedded templates and simple conditions, compiled once.

The public names of this subpackage; every module in it is private.
"""

from __future__ import annotations

from ._conditions import Condition, ConditionResult, compile_condition, loose_equals
from ._context import (
    MISSING,
    EvaluationContext,
    HTTPMessage,
    SourceDescriptionView,
    WorkflowView,
)
from ._pointer import pointer_tokens, resolve_pointer_tokens
from ._runtime import SOURCES, VERSIONS, RuntimeExpression, compile_expression
from ._template import (
    CompiledValue,
    MemberAccess,
    Template,
    compile_member_access,
    compile_template,
    compile_value,
)
from ._text import to_text

__all__ = [
    "MISSING",
    "SOURCES",
    "VERSIONS",
    "CompiledValue",
    "Condition",
    "ConditionResult",
    "EvaluationContext",
    "HTTPMessage",
    "MemberAccess",
    "RuntimeExpression",
    "SourceDescriptionView",
    "Template",
    "WorkflowView",
    "compile_condition",
    "compile_expression",
    "compile_member_access",
    "compile_template",
    "compile_value",
    "loose_equals",
    "pointer_tokens",
    "resolve_pointer_tokens",
    "to_text",
]
