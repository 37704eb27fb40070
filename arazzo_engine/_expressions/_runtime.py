"""Runtime expressions: parsed by the ABNF of their Arazzo version, evaluated with types kept.

The two grammars differ. 1.0.x writes most references as ``name = *( CHAR )`` and leaves
``CHAR`` undefined, so ``$steps.`` name accepts anything; 1.1.0 restricts ids and names
(``identifier-strict``, ``identifier``), keeps ``*CHAR`` (an RFC 7159 string character
without ``{`` and ``}``) for parameter names and source references, and adds ``$message``,
``$self`` and ``payload``. The parser follows the grammar of the version it is given; where
1.0 is undefined it reads it the way 1.1 settled it, and is lenient only where published 1.0
documents rely on it (docs/decisions.md, RTE-01).

The parser is written by hand: it must say, at a 1-based column, what it expected there, in
words, and no ABNF library reports more than "no match". Parsing happens once; the result
holds a closure specialised for its source, so evaluating never parses again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from operator import attrgetter
from typing import Any, Final

from .._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from ._context import MISSING, EvaluationContext
from ._pointer import Step, compile_steps, pointer_tokens, walk

__all__ = ["SOURCES", "VERSIONS", "RuntimeExpression", "check_version", "compile_expression"]

VERSIONS: Final = ("1.0", "1.1")

# Every source, by version, as the grammar names them after '$'.
_SCALARS: Final = {"url": "url", "method": "method", "statusCode": "status_code"}
_PREFIXED_1_0: Final = (
    "request",
    "response",
    "inputs",
    "outputs",
    "steps",
    "workflows",
    "sourceDescriptions",
    "components",
)
SOURCES: Final[Mapping[str, tuple[str, ...]]] = {
    "1.0": ("url", "method", "statusCode", *_PREFIXED_1_0),
    "1.1": ("url", "method", "statusCode", *_PREFIXED_1_0, "message", "self"),
}
_MESSAGE_PARTS: Final = {
    "1.0": ("header", "query", "path", "body"),
    "1.1": ("header", "query", "path", "body", "payload"),
}
_COMPONENT_KINDS: Final = {
    "1.0": ("parameters", "successActions", "failureActions", "inputs"),
    "1.1": ("parameters", "successActions", "failureActions"),
}

_WORD = re.compile(r"[A-Za-z]*")
# RFC 9110 token (header names).
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# 1.1 identifier-strict (step, workflow and source ids) and identifier (other names).
_IDENTIFIER_STRICT = re.compile(r"[A-Za-z0-9_\-]+")
_IDENTIFIER = re.compile(r"[A-Za-z0-9._\-]+")
# 1.0 `name = *( CHAR )`: ids stop at '.', names run on (they may hold dots); both stop at
# '#' (a pointer), braces (OAI #424) and the characters a JSON string must escape. Ids may
# hold inner spaces (published documents use step ids like "Plan a Trip_search_0"); names
# may not, so a sentence after an expression is not read as part of its name.
_LOOSE_ID = re.compile(r'[^.#{}"\\\s](?:[^.#{}"\\\x00-\x1f]*[^.#{}"\\\s])?')
_LOOSE_NAME = re.compile(r'[^#{}"\\\s]+')
# What each escape of a JSON string (RFC 8259) stands for, after its backslash.
_JSON_ESCAPES: Final = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_HEX = re.compile(r"[0-9A-Fa-f]{4}")


class RuntimeExpression:
    """One compiled runtime expression; immutable, and equal to another of the same text
    and version.

    ``evaluate(context)`` returns the value the expression names, with its type
    (``$statusCode`` an int, ``$response.body#/id`` whatever the JSON holds), or raises
    ExpressionEvaluationError (a LookupError) saying what is not there.

    ``source`` names what it reads: ``url``, ``method``, ``statusCode``, ``request``,
    ``response``, ``message``, ``inputs``, ``outputs``, ``steps``, ``workflows``,
    ``sourceDescriptions``, ``components`` or ``self``. For static checks, the other
    attributes are None unless the expression has them:

    - ``field``: of ``$request``/``$response``/``$message``: ``header``, ``query``,
      ``path``, ``body`` or ``payload``; of ``$workflows``: ``inputs``, ``outputs`` or
      ``steps``; of ``$steps``: ``outputs`` (None in a 1.0 ``$steps.<id>.<name>`` that
      skips it, which parses but cannot be evaluated);
    - ``name``: the header, parameter, input or output name (``None`` for
      ``$workflows.<id>.steps.<stepId>`` itself);
    - ``step_id``, ``workflow_id``, ``source_name``, ``component_kind``, ``component_key``;
    - ``reference``: what follows ``$sourceDescriptions.<name>.`` (an operationId,
      workflowId or field name);
    - ``pointer``: the JSON Pointer after ``#``, as written (``""`` for a bare ``#``).
    """

    __slots__ = (
        "component_key",
        "component_kind",
        "evaluate",
        "field",
        "name",
        "pointer",
        "reference",
        "source",
        "source_name",
        "step_id",
        "text",
        "version",
        "workflow_id",
    )

    text: str
    version: str
    source: str
    field: str | None
    name: str | None
    step_id: str | None
    workflow_id: str | None
    source_name: str | None
    reference: str | None
    component_kind: str | None
    component_key: str | None
    pointer: str | None
    evaluate: Callable[[EvaluationContext], Any]

    def __init__(
        self,
        text: str,
        version: str,
        source: str,
        *,
        field: str | None = None,
        name: str | None = None,
        step_id: str | None = None,
        workflow_id: str | None = None,
        source_name: str | None = None,
        reference: str | None = None,
        component_kind: str | None = None,
        component_key: str | None = None,
        pointer: str | None = None,
    ) -> None:
        values = {
            "text": text,
            "version": version,
            "source": source,
            "field": field,
            "name": name,
            "step_id": step_id,
            "workflow_id": workflow_id,
            "source_name": source_name,
            "reference": reference,
            "component_kind": component_kind,
            "component_key": component_key,
            "pointer": pointer,
        }
        for attribute, value in values.items():
            object.__setattr__(self, attribute, value)
        # Bound last: the evaluator is specialised on the attributes above.
        object.__setattr__(self, "evaluate", _evaluator(self))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RuntimeExpression is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"RuntimeExpression is immutable; cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuntimeExpression):
            return NotImplemented
        return (self.text, self.version) == (other.text, other.version)

    def __hash__(self) -> int:
        return hash((RuntimeExpression, self.text, self.version))

    def __repr__(self) -> str:
        return f"RuntimeExpression({self.text!r}, version={self.version!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_compile, (self.text, self.version))


def compile_expression(text: str, *, version: str = "1.0") -> RuntimeExpression:
    """Parse ``text``, which must be exactly one runtime expression of Arazzo ``version``
    (``"1.0"`` or ``"1.1"``, the major.minor of the document).

    Raises ExpressionSyntaxError(text, column, expected) when it is not; ValueError for an
    unknown version. Compiling the same text twice returns the same object.
    """
    check_version(version)
    if not isinstance(text, str):
        raise TypeError(f"a runtime expression is a string, not {type(text).__name__}")
    return _compile(text, version)


def check_version(version: str) -> None:
    """ValueError unless ``version`` is an Arazzo major.minor this module knows."""
    if version not in VERSIONS:
        raise ValueError(f"unknown Arazzo version {version!r}; expected one of {VERSIONS}")


@lru_cache(maxsize=8192)
def _compile(text: str, version: str) -> RuntimeExpression:
    return _Parser(text, version).parse()


# --- parsing ----------------------------------------------------------------------------------


class _Parser:
    __slots__ = ("position", "text", "version")

    def __init__(self, text: str, version: str) -> None:
        self.text = text
        self.version = version
        self.position = 0

    # -- helpers -----------------------------------------------------------------------------

    def fail(self, expected: str, at: int | None = None) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(self.text, (self.position if at is None else at) + 1, expected)

    def at_end(self) -> bool:
        return self.position >= len(self.text)

    def take(self, literal: str) -> bool:
        if self.text.startswith(literal, self.position):
            self.position += len(literal)
            return True
        return False

    def expect(self, literal: str, expected: str) -> None:
        if not self.take(literal):
            raise self.fail(expected)

    def scan(self, pattern: re.Pattern[str], expected: str) -> str:
        found = pattern.match(self.text, self.position)
        if found is None or not found.group():
            raise self.fail(expected)
        self.position = found.end()
        return found.group()

    def word(self) -> str:
        found = _WORD.match(self.text, self.position)
        assert found is not None  # `*` always matches
        return found.group()

    def end(self, expected: str = "the end of the expression") -> None:
        if not self.at_end():
            raise self.fail(expected)

    def strict_id(self, what: str) -> str:
        """1.1 identifier-strict; in 1.0 a name without '.' (ids cannot hold one)."""
        if self.version == "1.1":
            return self.scan(_IDENTIFIER_STRICT, f"{what} (letters, digits, '-' or '_')")
        return self.scan(_LOOSE_ID, what)

    def identifier(self, what: str) -> str:
        """1.1 identifier; in 1.0 `name`, up to a '#', a brace or whitespace."""
        if self.version == "1.1":
            return self.scan(_IDENTIFIER, f"{what} (letters, digits, '.', '-' or '_')")
        return self.scan(_LOOSE_NAME, what)

    def characters(self, what: str) -> str:
        """``1*CHAR`` up to the end of the text: any character but a brace, with a JSON
        string's escapes (``\\"``, ``\\\\``, ``\\uXXXX``, ...) read as the characters they
        stand for; a bare ``"``, a bare backslash and control characters need escaping."""
        text = self.text
        pieces: list[str] = []
        while not self.at_end():
            char = text[self.position]
            if char in "{}":
                raise self.fail(f"{what} ('{{' and '}}' cannot appear in a runtime expression)")
            if char == '"' or char < " ":
                shown = '"' if char == '"' else f"U+{ord(char):04X}"
                raise self.fail(f"{what} ({shown} must be escaped, as in a JSON string)")
            if char != "\\":
                pieces.append(char)
                self.position += 1
                continue
            escape = text[self.position + 1 : self.position + 2]
            if escape in _JSON_ESCAPES:
                pieces.append(_JSON_ESCAPES[escape])
                self.position += 2
            elif escape == "u" and _HEX.fullmatch(text, self.position + 2, self.position + 6):
                pieces.append(chr(int(text[self.position + 2 : self.position + 6], 16)))
                self.position += 6
            else:
                raise self.fail(
                    "a JSON string escape after '\\' (\\\" \\\\ \\/ \\b \\f \\n \\r \\t "
                    "or \\u and four hex digits)"
                )
        if not pieces:
            raise self.fail(what)
        return "".join(pieces)

    def pointer(self, hint: str = "") -> str | None:
        """``[ "#" json-pointer ]``, which always runs to the end of the expression."""
        if not self.take("#"):
            if not self.at_end():
                raise self.fail("a JSON Pointer ('#/...') or the end of the expression" + hint)
            return None
        start = self.position
        text = self.text
        if start < len(text) and text[start] != "/":
            raise self.fail("'/' to start the JSON Pointer after '#'")
        braces_allowed = self.version == "1.0"  # 1.0's `unescaped` includes them; 1.1's not
        for index in range(start, len(text)):
            char = text[index]
            if char == "~" and text[index + 1 : index + 2] not in ("0", "1"):
                raise self.fail("'~0' or '~1' (a '~' in a JSON Pointer must be escaped)", index)
            if char in "{}" and not braces_allowed:
                raise self.fail(
                    "a JSON Pointer character ('{' and '}' cannot appear in one in 1.1)", index
                )
        self.position = len(text)
        return text[start:]

    # -- grammar -----------------------------------------------------------------------------

    def parse(self) -> RuntimeExpression:
        if not self.text.startswith("$"):
            raise self.fail("'$' to start a runtime expression")
        self.position = 1
        source = self.word()
        sources = SOURCES[self.version]
        if source not in sources:
            if source in ("message", "self"):
                raise self.fail(f"a 1.0 source (${source} is new in Arazzo 1.1)")
            names = ", ".join(f"${name}" for name in sources)
            found = f" (found ${source})" if source else ""
            raise self.fail(f"a source: one of {names}{found}")
        self.position += len(source)
        if source in _SCALARS or source == "self":
            self.end(f"the end of the expression (${source} takes nothing after it)")
            return RuntimeExpression(self.text, self.version, source)
        self.expect(".", f"'.' after ${source}")
        if source in ("request", "response", "message"):
            return self.message_source(source)
        if source in ("inputs", "outputs"):
            name = self.identifier(f"an {source[:-1]} name")
            pointer = self.pointer()
            return RuntimeExpression(self.text, self.version, source, name=name, pointer=pointer)
        return getattr(self, f"parse_{source}")()  # type: ignore[no-any-return]

    def message_source(self, source: str) -> RuntimeExpression:
        parts = _MESSAGE_PARTS[self.version]
        part = self.word()
        if part not in parts:
            found = f" (found {part!r})" if part else ""
            raise self.fail("one of " + ", ".join(f"'{name}'" for name in parts) + found)
        self.position += len(part)
        if part in ("body", "payload"):
            dotted = self.text.startswith(".", self.position)
            hint = "; '.name' member access belongs to conditions" if dotted else ""
            pointer = self.pointer(hint)
            return RuntimeExpression(self.text, self.version, source, field=part, pointer=pointer)
        self.expect(".", f"'.' and a {part} name after '{part}'")
        if part == "header":
            name = self.scan(_TOKEN, "a header name (an HTTP token)")
            self.end("the end of the expression (a header name is an HTTP token)")
        else:
            name = self.characters(f"a {part} parameter name")
        return RuntimeExpression(self.text, self.version, source, field=part, name=name)

    def parse_steps(self) -> RuntimeExpression:
        step_id = self.strict_id("a step id")
        self.expect(".", "'.outputs.' after the step id")
        if self.take("outputs."):
            name = self.identifier("an output name")
            pointer = self.pointer()
            return RuntimeExpression(
                self.text,
                self.version,
                "steps",
                field="outputs",
                name=name,
                step_id=step_id,
                pointer=pointer,
            )
        if self.version == "1.1":
            raise self.fail("'outputs.' after the step id ($steps.<stepId>.outputs.<name>)")
        # 1.0's `"$steps." name` accepts this; it parses so the validator can say what is
        # wrong with it, and evaluating it says the same.
        name = self.identifier("'outputs.' and an output name")
        pointer = self.pointer()
        return RuntimeExpression(
            self.text, self.version, "steps", name=name, step_id=step_id, pointer=pointer
        )

    def parse_workflows(self) -> RuntimeExpression:
        workflow_id = self.strict_id("a workflow id")
        self.expect(".", "'.inputs.', '.outputs.' or '.steps.' after the workflow id")
        kind = self.word()
        if kind not in ("inputs", "outputs", "steps"):
            found = f" (found {kind!r})" if kind else ""
            raise self.fail(f"'inputs', 'outputs' or 'steps' after the workflow id{found}")
        self.position += len(kind)
        if kind == "steps":
            self.expect(".", "'.' and a step id after 'steps'")
            step_id = self.strict_id("a step id")
            name = pointer = None
            if not self.at_end():
                self.expect(".outputs.", "'.outputs.' after the step id, or the end")
                name = self.identifier("an output name")
                pointer = self.pointer()
            return RuntimeExpression(
                self.text,
                self.version,
                "workflows",
                field="steps",
                workflow_id=workflow_id,
                step_id=step_id,
                name=name,
                pointer=pointer,
            )
        self.expect(".", f"'.' and a workflow {kind[:-1]} name after '{kind}'")
        name = self.identifier(f"a workflow {kind[:-1]} name")
        pointer = self.pointer()
        return RuntimeExpression(
            self.text,
            self.version,
            "workflows",
            field=kind,
            name=name,
            workflow_id=workflow_id,
            pointer=pointer,
        )

    def parse_sourceDescriptions(self) -> RuntimeExpression:
        source_name = self.strict_id("a source description name")
        self.expect(".", "'.' and an operationId, workflowId or field name")
        reference = self.characters("an operationId, workflowId or field name (url, type, name)")
        return RuntimeExpression(
            self.text,
            self.version,
            "sourceDescriptions",
            source_name=source_name,
            reference=reference,
        )

    def parse_components(self) -> RuntimeExpression:
        kinds = _COMPONENT_KINDS[self.version]
        kind = self.word()
        if kind not in kinds:
            found = f" (found {kind!r})" if kind else ""
            raise self.fail("one of " + ", ".join(f"'{k}'" for k in kinds) + found)
        self.position += len(kind)
        self.expect(".", f"'.' and a component name after '{kind}'")
        key = self.identifier("a component name")  # COMP-04: the rest, dots and all
        self.end()
        return RuntimeExpression(
            self.text, self.version, "components", component_kind=kind, component_key=key
        )


# --- evaluation -------------------------------------------------------------------------------

_Evaluator = Callable[[EvaluationContext], Any]


def _evaluator(expression: RuntimeExpression) -> _Evaluator:
    """A closure that evaluates ``expression``, specialised for its source and shape."""
    text = expression.text
    source = expression.source
    steps = compile_steps(pointer_tokens(expression.pointer or ""))

    def missing(reason: str) -> ExpressionEvaluationError:
        return ExpressionEvaluationError(text, reason)

    if source in _SCALARS or source == "self":
        read = attrgetter(_SCALARS.get(source, "self_uri"))
        reason = (
            "the document has no $self" if source == "self" else "there is no HTTP exchange here"
        )

        def scalar(context: EvaluationContext) -> Any:
            value = read(context)
            if value is None:
                raise missing(reason)
            return value

        return scalar
    if source in ("request", "response", "message"):
        return _message_evaluator(expression, steps, missing)
    if source in ("inputs", "outputs"):
        return _table_evaluator(attrgetter(source), expression.name or "", source[:-1], steps, text)
    if source == "steps":
        return _step_evaluator(expression, steps, missing)
    if source == "workflows":
        return _workflow_evaluator(expression, steps, missing)
    if source == "sourceDescriptions":
        return _source_evaluator(expression, missing)
    return _component_evaluator(expression, missing)


def _message_evaluator(
    expression: RuntimeExpression,
    steps: tuple[Step, ...],
    missing: Callable[[str], ExpressionEvaluationError],
) -> _Evaluator:
    source = expression.source
    read_message = attrgetter(source)
    part = expression.field
    name = expression.name or ""
    text = expression.text
    absent = f"there is no {source} here"

    if part in ("body", "payload"):
        no_body = f"the {source} has no {part}"

        def body(context: EvaluationContext) -> Any:
            message = read_message(context)
            if message is None:
                raise missing(absent)
            value = message.body
            if value is MISSING:
                raise missing(no_body)
            return walk(value, steps, text) if steps else value

        return body
    if part == "header":
        lowered = name.lower()

        def header(context: EvaluationContext) -> Any:
            message = read_message(context)
            if message is None:
                raise missing(absent)
            headers = message.headers
            value = headers.get(name)
            if value is None:
                # Header names are case-insensitive (RFC 9110); most lookups match as written.
                for key, candidate in headers.items():
                    if key.lower() == lowered:
                        return candidate
                raise missing(f"the {source} has no header {name!r}")
            return value

        return header
    read_table = attrgetter(part or "query")
    no_parameter = f"the {source} has no {part} parameter {name!r}"

    def parameter(context: EvaluationContext) -> Any:
        message = read_message(context)
        if message is None:
            raise missing(absent)
        try:
            return read_table(message)[name]
        except KeyError:
            raise missing(no_parameter) from None

    return parameter


def _table_evaluator(
    read_table: Callable[[Any], Mapping[str, Any]],
    name: str,
    what: str,
    steps: tuple[Step, ...],
    text: str,
) -> Callable[[Any], Any]:
    """``table[name]`` (then the pointer), where ``read_table`` reads the table from its
    holder (the context, a workflow view or a step's outputs)."""
    fallbacks = _dotted_fallbacks(name)

    def from_table(holder: Any) -> Any:
        table = read_table(holder)
        try:
            value = table[name]
        except KeyError:
            value = _dotted(table, name, fallbacks, what, text)
        return walk(value, steps, text) if steps else value

    return from_table


def _dotted_fallbacks(name: str) -> tuple[tuple[str, tuple[Step, ...]], ...]:
    """For ``a.b.c``: look up ``a.b`` then member ``c``, or ``a`` then ``b``, ``c`` (COND-02)."""
    parts = name.split(".")
    if len(parts) < 2 or not all(parts):
        return ()
    return tuple(
        (".".join(parts[:cut]), compile_steps(tuple(parts[cut:])))
        for cut in range(len(parts) - 1, 0, -1)
    )


def _dotted(
    table: Mapping[str, Any],
    name: str,
    fallbacks: tuple[tuple[str, tuple[Step, ...]], ...],
    what: str,
    text: str,
) -> Any:
    for head, members in fallbacks:
        if head in table:
            return walk(table[head], members, text)
    names = ", ".join(repr(key) for key in list(table)[:10]) or "none"
    raise ExpressionEvaluationError(text, f"no {what} {name!r} (there are: {names})")


def _step_evaluator(
    expression: RuntimeExpression,
    steps: tuple[Step, ...],
    missing: Callable[[str], ExpressionEvaluationError],
) -> _Evaluator:
    step_id = expression.step_id or ""
    if expression.field != "outputs":

        def malformed(context: EvaluationContext) -> Any:
            raise missing("a step's values are read as $steps.<stepId>.outputs.<name>")

        return malformed
    read_output = _table_evaluator(
        _identity, expression.name or "", f"output of step {step_id!r}", steps, expression.text
    )

    def from_step(context: EvaluationContext) -> Any:
        outputs = context.steps.get(step_id)
        if outputs is None:
            ran = ", ".join(repr(key) for key in context.steps) or "none yet"
            raise missing(f"step {step_id!r} has not run (steps that have: {ran})")
        return read_output(outputs)

    return from_step


def _workflow_evaluator(
    expression: RuntimeExpression,
    steps: tuple[Step, ...],
    missing: Callable[[str], ExpressionEvaluationError],
) -> _Evaluator:
    workflow_id = expression.workflow_id or ""
    not_run = f"workflow {workflow_id!r} has not run in this run"
    if expression.field == "steps":
        step_id = expression.step_id or ""
        name = expression.name
        read_output = _table_evaluator(
            _identity,
            name or "",
            f"output of step {step_id!r} of workflow {workflow_id!r}",
            steps,
            expression.text,
        )

        def from_workflow_step(context: EvaluationContext) -> Any:
            view = context.workflows.get(workflow_id)
            if view is None:
                raise missing(not_run)
            outputs = view.steps.get(step_id)
            if outputs is None:
                raise missing(f"step {step_id!r} of workflow {workflow_id!r} has not run")
            return outputs if name is None else read_output(outputs)

        return from_workflow_step
    kind = expression.field or "outputs"
    read_value = _table_evaluator(
        attrgetter(kind),
        expression.name or "",
        f"{kind[:-1]} of workflow {workflow_id!r}",
        steps,
        expression.text,
    )

    def from_workflow(context: EvaluationContext) -> Any:
        view = context.workflows.get(workflow_id)
        if view is None:
            raise missing(not_run)
        return read_value(view)

    return from_workflow


def _source_evaluator(
    expression: RuntimeExpression, missing: Callable[[str], ExpressionEvaluationError]
) -> _Evaluator:
    source_name = expression.source_name or ""
    reference = expression.reference or ""
    is_field = reference in ("name", "url", "type")

    def from_source(context: EvaluationContext) -> Any:
        view = context.source_descriptions.get(source_name)
        if view is None:
            raise missing(f"no source description is named {source_name!r}")
        targets = view.targets
        if reference in targets:  # an operationId or workflowId wins over a field (RTE-07)
            return targets[reference]
        if is_field:
            return getattr(view, reference)
        raise missing(
            f"source {source_name!r} has no operation or workflow {reference!r}, "
            "and no field of that name (name, url, type)"
        )

    return from_source


def _component_evaluator(
    expression: RuntimeExpression, missing: Callable[[str], ExpressionEvaluationError]
) -> _Evaluator:
    kind = expression.component_kind or ""
    key = expression.component_key or ""

    def from_components(context: EvaluationContext) -> Any:
        table = context.components.get(kind)
        if table is None or key not in table:
            raise missing(f"no {kind} component {key!r}")
        return table[key]

    return from_components


def _identity(value: Any) -> Any:
    return value
