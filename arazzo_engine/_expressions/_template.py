"""Strings with embedded expressions, and values (parameters, payloads, outputs) compiled once.

The braced form ``{$...}`` is the spec's. Published documents also write
expressions unbraced inside text (``Bearer $inputs.apiKey``); that form is
read by a narrow rule so that a string which merely contains a ``$`` (a price,
``US$``, a JSONPath such as ``$.items[*]``) is never changed:

- the ``$`` starts the string or follows a character that is not a letter,
  digit, ``_`` or ``$``;
- a known source follows it (``$inputs.``, ``$steps.``, ``$outputs.``,
  ``$workflows.``, ``$response.``, ``$request.``, ``$sourceDescriptions.``,
  ``$components.``, ``$statusCode``, ``$url``, ``$method``; in 1.1 also
  ``$message.`` and ``$self``);
- the expression runs over ``[A-Za-z0-9_.#/~-]`` and a trailing ``.`` is left
  to the text (the end of a sentence);
- what it spans parses as a runtime expression; otherwise the text is left
  as it is.

``strict=True`` turns the unbraced form off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from ._context import EvaluationContext
from ._runtime import RuntimeExpression, compile_expression, resolve_pointer_tokens
from ._text import to_text

__all__ = [
    "CompiledValue",
    "MemberAccess",
    "Template",
    "compile_member_access",
    "compile_template",
    "compile_value",
]

_UNBRACED_START = re.compile(
    r"(?<![A-Za-z0-9_$])\$(?=(?:inputs|steps|outputs|workflows|response|request|"
    r"sourceDescriptions|components|message)\.|statusCode\b|url\b|method\b|self\b)"
)
_UNBRACED_BODY = re.compile(r"\$[A-Za-z0-9_.#/~\-]+")

_Part = str | RuntimeExpression


@dataclass(frozen=True, slots=True)
class Template:
    """A string with embedded expressions; ``render`` always gives a string."""

    text: str
    parts: tuple[_Part, ...]

    @property
    def expressions(self) -> tuple[RuntimeExpression, ...]:
        return tuple(part for part in self.parts if isinstance(part, RuntimeExpression))

    def render(self, context: EvaluationContext) -> str:
        return "".join(
            part if isinstance(part, str) else to_text(part.evaluate(context))
            for part in self.parts
        )

    def render_lenient(self, context: EvaluationContext, notes: list[str]) -> str:
        """``render``, with each value that is not there left empty and noted."""
        pieces = []
        for part in self.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            try:
                pieces.append(to_text(part.evaluate(context)))
            except ExpressionEvaluationError as error:
                notes.append(str(error))
        return "".join(pieces)


def compile_template(text: str, *, version: str = "1.0", unbraced: bool = False) -> Template:
    """Compile the ``{$...}`` segments of ``text`` (and, with ``unbraced``, bare ones)."""
    parts: list[_Part] = []
    literal: list[str] = []
    position = 0
    while True:
        start = text.find("{$", position)
        if start < 0:
            literal.append(text[position:])
            break
        literal.append(text[position:start])
        end = text.find("}", start)
        if end < 0:
            raise ExpressionSyntaxError(
                text, len(text) + 1, f"'}}' to close the expression opened at column {start + 1}"
            )
        inner = text[start + 1 : end]
        try:
            expression = compile_expression(inner, version=version)
        except ExpressionSyntaxError as error:
            raise ExpressionSyntaxError(text, start + 1 + error.column, error.expected) from None
        _flush(literal, parts, version, unbraced)
        parts.append(expression)
        position = end + 1
    _flush(literal, parts, version, unbraced)
    return Template(text, tuple(parts))


def _flush(literal: list[str], parts: list[_Part], version: str, unbraced: bool) -> None:
    text = "".join(literal)
    literal.clear()
    if not text:
        return
    if unbraced:
        parts.extend(_split_unbraced(text, version))
    else:
        parts.append(text)


def _split_unbraced(text: str, version: str) -> list[_Part]:
    parts: list[_Part] = []
    position = 0
    for start_match in _UNBRACED_START.finditer(text):
        start = start_match.start()
        if start < position:
            continue
        body = _UNBRACED_BODY.match(text, start)
        if body is None:
            continue
        candidate = body.group().rstrip(".")
        try:
            expression = compile_expression(candidate, version=version)
        except ExpressionSyntaxError:
            continue
        parts.append(text[position:start])
        parts.append(expression)
        position = start + len(candidate)
    parts.append(text[position:])
    return [part for part in parts if part != ""]


_TRAILING_MEMBER = re.compile(r"(?:\.(?P<name>[A-Za-z0-9_\-$@]+)|\[(?P<index>[0-9]+)\])$")


@dataclass(frozen=True, slots=True)
class MemberAccess:
    """A runtime expression followed by ``.member`` or ``[index]`` steps (``$response.body.id``).

    The ABNF has no such form outside conditions (where 1.1 shows it); published
    documents write it in outputs too. It reads the expression, then each member: an
    object's member, or an array's element for a number.
    """

    expression: RuntimeExpression
    members: tuple[str, ...]

    def evaluate(self, context: EvaluationContext) -> Any:
        tokens = self.members
        return resolve_pointer_tokens(self.expression.evaluate(context), tokens, self.text)

    @property
    def text(self) -> str:
        return ".".join((self.expression.text, *self.members))

    @property
    def standard_form(self) -> str:
        """The same reference as the spec writes it, with a JSON Pointer."""
        pointer = "".join("/" + m.replace("~", "~0").replace("/", "~1") for m in self.members)
        base = self.expression.text
        return f"{base}{pointer}" if "#" in base else f"{base}#{pointer}"


def compile_member_access(text: str, *, version: str = "1.0") -> MemberAccess:
    """Read ``text`` as the longest runtime expression it starts with, then members.

    Raises the runtime expression's own ExpressionSyntaxError when no prefix of
    ``text`` is an expression or what follows is not ``.member`` steps.
    """
    try:
        return MemberAccess(compile_expression(text, version=version), ())
    except ExpressionSyntaxError as error:
        first_error = error
    members: list[str] = []
    candidate = text
    while "#" not in candidate and (step := _TRAILING_MEMBER.search(candidate)):
        candidate = candidate[: step.start()]
        members.insert(0, step.group("name") or step.group("index"))
        try:
            expression = compile_expression(candidate, version=version)
        except ExpressionSyntaxError:
            continue
        if expression.source in ("url", "method", "statusCode", "self"):
            break  # scalars have no members
        return MemberAccess(expression, tuple(members))
    raise first_error


class CompiledValue:
    """A parameter value, payload, replacement value or output, compiled once."""

    __slots__ = ("_evaluate", "_lenient", "expressions")

    def __init__(
        self,
        evaluate: Any,
        expressions: tuple[RuntimeExpression, ...],
        lenient: Any = None,
    ) -> None:
        self._evaluate = evaluate
        self._lenient = lenient
        self.expressions = expressions

    def evaluate(self, context: EvaluationContext) -> Any:
        """The value with every expression in it evaluated (ExpressionEvaluationError if absent)."""
        return self._evaluate(context)

    def evaluate_lenient(self, context: EvaluationContext, notes: list[str]) -> Any:
        """The value, with every expression that names nothing read as null (in text: left
        empty) and noted in ``notes`` (RTE-03: an optional input left out is sent as null)."""
        if self._lenient is not None:
            return self._lenient(context, notes)
        try:
            return self._evaluate(context)
        except ExpressionEvaluationError as error:
            notes.append(str(error))
            return None


def compile_value(value: Any, *, version: str = "1.0", strict: bool = False) -> CompiledValue:
    """Compile ``value``: a whole-expression string keeps the type of what it names,
    a string with expressions in it renders to a string, other strings and scalars
    are literals, and objects and arrays are compiled member by member."""
    if isinstance(value, str):
        return _compile_string(value, version, strict)
    if isinstance(value, Mapping):
        members = {
            key: compile_value(item, version=version, strict=strict) for key, item in value.items()
        }
        if not any(member.expressions for member in members.values()):
            return _literal(value)
        found = tuple(e for member in members.values() for e in member.expressions)
        return CompiledValue(
            lambda context: {key: member.evaluate(context) for key, member in members.items()},
            found,
            lambda context, notes: {
                key: member.evaluate_lenient(context, notes) for key, member in members.items()
            },
        )
    if isinstance(value, list | tuple):
        items = [compile_value(item, version=version, strict=strict) for item in value]
        if not any(item.expressions for item in items):
            return _literal(value)
        found = tuple(e for item in items for e in item.expressions)
        return CompiledValue(
            lambda context: [item.evaluate(context) for item in items],
            found,
            lambda context, notes: [item.evaluate_lenient(context, notes) for item in items],
        )
    return _literal(value)


def _literal(value: Any) -> CompiledValue:
    return CompiledValue(lambda context: value, ())


def _compile_string(text: str, version: str, strict: bool) -> CompiledValue:
    if text.startswith("$") and not any(char.isspace() for char in text):
        try:
            whole = compile_member_access(text, version=version)
        except ExpressionSyntaxError:
            pass  # not one expression: perhaps text with expressions in it, perhaps a literal
        else:
            return CompiledValue(whole.evaluate, (whole.expression,))
    if "{$" not in text and (strict or "$" not in text):
        return _literal(text)
    template = compile_template(text, version=version, unbraced=not strict)
    if not template.expressions:
        return _literal(text)
    return CompiledValue(template.render, template.expressions, template.render_lenient)
