"""Runtime expressions: parsed by the ABNF of their Arazzo version, evaluated with types kept.

The two grammars differ (1.0.x ``name = *( CHAR )`` accepts anything; 1.1.0
restricts ids and names and adds ``$message``, ``$self`` and ``payload``), and
neither is unambiguous as written (OAI #253, #428). The parser is written by
hand because it must say, at a column, what it expected: ABNF libraries
report a failed match but not that. Where the 1.0 grammar is vague the parser
reads it the way the 1.1 rewrite settled it, and is lenient only where
published 1.0 documents rely on it (a JSON Pointer on ``$inputs`` and
``$outputs``, ids with characters outside ``[A-Za-z0-9_-]``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from ._context import MISSING, EvaluationContext, HTTPMessage

__all__ = ["RuntimeExpression", "compile_expression", "resolve_pointer_tokens"]

_VERSIONS = ("1.0", "1.1")
_SIMPLE = {"$url": "url", "$method": "method", "$statusCode": "statusCode"}
_PREFIXED_1_0 = (
    "request",
    "response",
    "inputs",
    "outputs",
    "steps",
    "workflows",
    "sourceDescriptions",
    "components",
)
_PREFIXED_1_1 = (*_PREFIXED_1_0, "message")
_COMPONENT_KINDS = ("parameters", "successActions", "failureActions", "inputs")

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_STRICT_ID = re.compile(r"[A-Za-z0-9_\-]+")
_IDENTIFIER = re.compile(r"[A-Za-z0-9._\-]+")
# 1.0 allows any character in names; the engine stops at characters no published
# document uses in one and that would make embedded or condition use ambiguous.
_LOOSE_ID = re.compile(r"[^.#{}\s]+")
_LOOSE_NAME = re.compile(r"[^#{}\s]+")
_PARAMETER_NAME = re.compile(r"[^{}\s]+")


@dataclass(frozen=True, slots=True)
class RuntimeExpression:
    """One compiled runtime expression.

    ``source`` names what it reads (``url``, ``method``, ``statusCode``,
    ``request``, ``response``, ``message``, ``inputs``, ``outputs``, ``steps``,
    ``workflows``, ``sourceDescriptions``, ``components`` or ``self``). The
    other attributes are None unless the expression has them:

    - ``field``: ``header``/``query``/``path``/``body``/``payload`` of a message;
      ``inputs``/``outputs`` of ``$workflows``; the segment after the step id of
      ``$steps`` (``outputs`` in a well-formed one);
    - ``name``: the header, parameter, input or output name;
    - ``step_id``, ``workflow_id``, ``source_name``, ``component_kind``,
      ``component_key``, ``reference`` (the part after a source name);
    - ``pointer``: the JSON Pointer after ``#``, as written.
    """

    text: str
    source: str
    field: str | None = None
    name: str | None = None
    step_id: str | None = None
    workflow_id: str | None = None
    source_name: str | None = None
    reference: str | None = None
    component_kind: str | None = None
    component_key: str | None = None
    pointer: str | None = None
    _evaluator: Callable[[EvaluationContext], Any] = dataclasses.field(
        default=None,
        repr=False,
        compare=False,  # type: ignore[assignment]
    )

    def evaluate(self, context: EvaluationContext) -> Any:
        """The value this expression names, with its type; ExpressionEvaluationError if absent."""
        return self._evaluator(context)


def compile_expression(text: str, *, version: str = "1.0") -> RuntimeExpression:
    """Parse ``text``, which must be exactly one runtime expression."""
    if version not in _VERSIONS:
        raise ValueError(f"unknown Arazzo version {version!r}; expected one of {_VERSIONS}")
    return _Parser(text, version).parse()


class _Parser:
    def __init__(self, text: str, version: str) -> None:
        self.text = text
        self.version = version
        self.position = 0

    # -- helpers -----------------------------------------------------------------------------

    def fail(self, expected: str, at: int | None = None) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(self.text, (self.position if at is None else at) + 1, expected)

    def take(self, literal: str) -> bool:
        if self.text.startswith(literal, self.position):
            self.position += len(literal)
            return True
        return False

    def expect(self, literal: str, expected: str) -> None:
        if not self.take(literal):
            raise self.fail(expected)

    def match(self, pattern: re.Pattern[str], expected: str) -> str:
        found = pattern.match(self.text, self.position)
        if found is None or not found.group():
            raise self.fail(expected)
        self.position = found.end()
        return found.group()

    def identifier(self, strict: bool, what: str) -> str:
        if self.version == "1.1":
            pattern = _STRICT_ID if strict else _IDENTIFIER
            words = "letters, digits, '-' or '_'" if strict else "letters, digits, '.', '-' or '_'"
            return self.match(pattern, f"{what} ({words})")
        return self.match(_LOOSE_ID if strict else _LOOSE_NAME, what)

    def pointer(self) -> str | None:
        if not self.take("#"):
            return None
        start = self.position
        if self.position < len(self.text) and self.text[self.position] != "/":
            raise self.fail("a JSON Pointer starting with '/' after '#'")
        rest = self.text[start:]
        for offset, char in enumerate(rest):
            if char in "{}":
                raise self.fail(
                    "a JSON Pointer character ('{' and '}' are not allowed)", start + offset
                )
            if char == "~" and rest[offset + 1 : offset + 2] not in ("0", "1"):
                raise self.fail(
                    "'~0' or '~1' (a '~' in a JSON Pointer must be escaped)", start + offset
                )
        self.position = len(self.text)
        return rest

    def end(self) -> None:
        if self.position != len(self.text):
            raise self.fail("the end of the expression")

    # -- grammar -----------------------------------------------------------------------------

    def parse(self) -> RuntimeExpression:
        text = self.text
        if not text.startswith("$"):
            raise self.fail("'$' to start a runtime expression")
        if text in _SIMPLE:
            source = _SIMPLE[text]
            return _build(RuntimeExpression(text, source))
        if text == "$self":
            if self.version == "1.0":
                raise self.fail("a 1.0 source ($self is new in Arazzo 1.1)", 1)
            return _build(RuntimeExpression(text, "self"))
        for simple in (*_SIMPLE, "$self"):
            following = text[len(simple) : len(simple) + 1]
            if text.startswith(simple) and not (following.isalnum() or following == "_"):
                self.position = len(simple)
                raise self.fail("the end of the expression")
        self.position = 1
        sources = _PREFIXED_1_1 if self.version == "1.1" else _PREFIXED_1_0
        source = ""
        for candidate in sources:
            if text.startswith(candidate + ".", 1):
                source = candidate
                break
        if not source:
            if text.startswith("message.", 1):
                raise self.fail("a 1.0 source ($message is not part of Arazzo 1.0.1)", 1)
            names = ", ".join(f"${name}" for name in (*_SIMPLE.values(), *sources))
            raise self.fail(f"a source: one of {names}", 1)
        self.position = 1 + len(source) + 1
        method = getattr(self, f"parse_{source}", None)
        assert method is not None
        result: RuntimeExpression = method(source)
        return _build(result)

    def parse_message_source(self, source: str) -> RuntimeExpression:
        allowed = ["header", "query", "path", "body"]
        if self.version == "1.1":
            allowed.append("payload")
        word = re.match(r"[A-Za-z]*", self.text[self.position :])
        kind = word.group() if word else ""
        if kind not in allowed:
            found = f" (found {kind!r})" if kind else ""
            raise self.fail("one of " + ", ".join(f"'{name}'" for name in allowed) + found)
        self.position += len(kind)
        if kind in ("body", "payload"):
            pointer = self.pointer()
            self.end()
            return RuntimeExpression(self.text, source, field=kind, pointer=pointer)
        self.expect(".", f"'.' and a {kind} name")
        if kind == "header":
            name = self.match(_TOKEN, "a header name (an HTTP token)")
        else:
            name = self.match(_PARAMETER_NAME, f"a {kind} parameter name")
        self.end()
        return RuntimeExpression(self.text, source, field=kind, name=name)

    parse_request = parse_response = parse_message = parse_message_source

    def parse_named(self, source: str) -> RuntimeExpression:
        name = self.identifier(False, f"an {source[:-1]} name")
        pointer = self.pointer()
        self.end()
        return RuntimeExpression(self.text, source, name=name, pointer=pointer)

    parse_inputs = parse_outputs = parse_named

    def parse_steps(self, source: str) -> RuntimeExpression:
        step_id = self.identifier(True, "a step id")
        self.expect(".", "'.outputs.' after the step id")
        if self.version == "1.1":
            self.expect("outputs.", "'outputs.' after the step id")
            segment = "outputs"
        else:
            segment = self.match(_LOOSE_ID, "'outputs' after the step id")
            if segment == "outputs":
                self.expect(".", "'.' and an output name")
            elif self.position < len(self.text) and self.text[self.position] == ".":
                self.position += 1
            else:
                name_part = segment
                pointer = self.pointer()
                self.end()
                return RuntimeExpression(
                    self.text, source, field=None, name=name_part, step_id=step_id, pointer=pointer
                )
        name = self.identifier(False, "an output name")
        pointer = self.pointer()
        self.end()
        return RuntimeExpression(
            self.text, source, field=segment, name=name, step_id=step_id, pointer=pointer
        )

    def parse_workflows(self, source: str) -> RuntimeExpression:
        workflow_id = self.identifier(True, "a workflow id")
        self.expect(".", "'.inputs.' or '.outputs.' after the workflow id")
        for kind in ("inputs", "outputs"):
            if self.take(kind):
                break
        else:
            raise self.fail("'inputs' or 'outputs' after the workflow id")
        self.expect(".", f"'.' and a workflow {kind[:-1]} name")
        name = self.identifier(False, f"a workflow {kind[:-1]} name")
        pointer = self.pointer()
        self.end()
        return RuntimeExpression(
            self.text, source, field=kind, name=name, workflow_id=workflow_id, pointer=pointer
        )

    def parse_sourceDescriptions(self, source: str) -> RuntimeExpression:
        name = self.identifier(True, "a source description name")
        self.expect(".", "'.' and an operationId, workflowId or field name")
        reference = self.text[self.position :]
        if not reference or any(char in "{}" for char in reference):
            raise self.fail("an operationId, workflowId or field name")
        self.position = len(self.text)
        return RuntimeExpression(self.text, source, source_name=name, reference=reference)

    def parse_components(self, source: str) -> RuntimeExpression:
        for kind in _COMPONENT_KINDS:
            if self.take(kind + "."):
                break
        else:
            raise self.fail("'parameters.', 'successActions.' or 'failureActions.'")
        key = self.identifier(False, "a component name")
        self.end()
        return RuntimeExpression(self.text, source, component_kind=kind, component_key=key)


# --- evaluation -------------------------------------------------------------------------------


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _pointer_tokens(pointer: str | None) -> tuple[str, ...]:
    if not pointer:
        return ()
    return tuple(_unescape(token) for token in pointer[1:].split("/"))


def resolve_pointer_tokens(value: Any, tokens: tuple[str, ...], expression: str) -> Any:
    """Walk RFC 6901 reference tokens into ``value``."""
    if tokens and isinstance(value, str):
        # A body kept as text may still hold JSON (an unlabelled response): read it.
        try:
            value = json.loads(value)
        except ValueError:
            raise ExpressionEvaluationError(
                expression, "the value is text, not JSON, so a JSON Pointer cannot apply"
            ) from None
    for token in tokens:
        if isinstance(value, Mapping):
            if token not in value:
                raise ExpressionEvaluationError(expression, f"no member {token!r}")
            value = value[token]
        elif isinstance(value, list | tuple):
            if not token.isdigit() or (len(token) > 1 and token[0] == "0"):
                raise ExpressionEvaluationError(expression, f"{token!r} is not an array index")
            index = int(token)
            if index >= len(value):
                raise ExpressionEvaluationError(
                    expression, f"index {index} is past the end of a {len(value)}-item array"
                )
            value = value[index]
        else:
            kind = "null" if value is None else type(value).__name__
            raise ExpressionEvaluationError(expression, f"cannot look up {token!r} in a {kind}")
    return value


def _lookup_name(table: Mapping[str, Any], name: str, expression: str, what: str) -> Any:
    """``table[name]``; a dotted name falls back to member access (COND-02)."""
    if name in table:
        return table[name]
    if "." in name:
        head, *rest = name.split(".")
        if head in table:
            return resolve_pointer_tokens(table[head], tuple(rest), expression)
    known = ", ".join(sorted(table)) or "none"
    raise ExpressionEvaluationError(expression, f"no {what} {name!r} (there are: {known})")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    found = headers.get(name)
    if found is not None:
        return found
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _build(expression: RuntimeExpression) -> RuntimeExpression:
    object.__setattr__(expression, "_evaluator", _evaluator_for(expression))
    return expression


def _evaluator_for(expression: RuntimeExpression) -> Callable[[EvaluationContext], Any]:
    text = expression.text
    source = expression.source
    tokens = _pointer_tokens(expression.pointer)
    name = expression.name or ""

    def missing(reason: str) -> ExpressionEvaluationError:
        return ExpressionEvaluationError(text, reason)

    if source in ("url", "method", "statusCode", "self"):
        attribute = {"url": "url", "method": "method", "statusCode": "status_code"}.get(
            source, "self_uri"
        )

        def scalar(context: EvaluationContext) -> Any:
            value = getattr(context, attribute)
            if value is None:
                raise missing("there is no HTTP exchange here" if source != "self" else "no $self")
            return value

        return scalar

    if source in ("request", "response", "message"):
        kind = expression.field

        def from_message(context: EvaluationContext) -> Any:
            message: HTTPMessage | None = getattr(context, source)
            if message is None:
                raise missing(f"there is no {source} here")
            if kind in ("body", "payload"):
                if message.body is MISSING:
                    raise missing(f"the {source} has no body")
                return resolve_pointer_tokens(message.body, tokens, text)
            if kind == "header":
                value = _header(message.headers, name)
                if value is None:
                    raise missing(f"the {source} has no header {name!r}")
                return value
            table = message.query if kind == "query" else message.path
            if name not in table:
                raise missing(f"the {source} has no {kind} parameter {name!r}")
            return table[name]

        return from_message

    if source in ("inputs", "outputs"):

        def from_table(context: EvaluationContext) -> Any:
            table = context.inputs if source == "inputs" else context.outputs
            value = _lookup_name(table, name, text, source[:-1])
            return resolve_pointer_tokens(value, tokens, text)

        return from_table

    if source == "steps":
        step_id = expression.step_id or ""
        well_formed = expression.field == "outputs"

        def from_step(context: EvaluationContext) -> Any:
            if not well_formed:
                raise missing("a step value is read as $steps.<stepId>.outputs.<name>")
            outputs = context.steps.get(step_id)
            if outputs is None:
                raise missing(f"step {step_id!r} has not run")
            return resolve_pointer_tokens(_lookup_name(outputs, name, text, "output"), tokens, text)

        return from_step

    if source == "workflows":
        workflow_id = expression.workflow_id or ""
        field_name = expression.field or "outputs"

        def from_workflow(context: EvaluationContext) -> Any:
            view = context.workflows.get(workflow_id)
            if view is None:
                raise missing(f"workflow {workflow_id!r} has not run in this run")
            table = view.inputs if field_name == "inputs" else view.outputs
            value = _lookup_name(table, name, text, field_name[:-1])
            return resolve_pointer_tokens(value, tokens, text)

        return from_workflow

    if source == "sourceDescriptions":
        source_name = expression.source_name or ""
        reference = expression.reference or ""

        def from_source(context: EvaluationContext) -> Any:
            view = context.source_descriptions.get(source_name)
            if view is None:
                raise missing(f"no source description is named {source_name!r}")
            if reference in view.targets:  # operationId / workflowId first (RTE-07)
                return view.targets[reference]
            if reference in ("name", "url", "type"):
                return getattr(view, reference)
            raise missing(
                f"source {source_name!r} has no operation or workflow {reference!r} "
                "and no field of that name"
            )

        return from_source

    kind = expression.component_kind or ""
    key = expression.component_key or ""

    def from_components(context: EvaluationContext) -> Any:
        table = context.components.get(kind, {})
        if key not in table:
            raise missing(f"no {kind} component {key!r}")
        return table[key]

    return from_components
