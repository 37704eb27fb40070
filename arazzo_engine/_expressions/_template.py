"""Strings with embedded expressions, and values (parameters, payloads, outputs) compiled once.

The braced form ``{$...}`` is the spec's: ``{`` opens an expression only when ``$`` follows it
(so ``/pets/{petId}`` stays as written, STEP-04) and the first ``}`` closes it (1.1 keeps
braces out of names and pointers, OAI #424). Each embedded value becomes text by the 1.1
conversion rules (``to_text``).

Published documents also write expressions unbraced inside text (``Bearer $inputs.apiKey``).
That form is read by a narrow rule, so that a string which merely contains a ``$`` (a price
``$5``, ``US$``, a JSONPath ``$.items[*]``) is never changed:

1. the ``$`` starts the string or follows a character that is neither a letter, a digit,
   ``_`` nor ``$``;
2. a source of the document's version follows it: ``$inputs.``, ``$outputs.``, ``$steps.``,
   ``$workflows.``, ``$request.``, ``$response.``, ``$sourceDescriptions.``,
   ``$components.`` (and ``$message.`` in 1.1), or ``$url``, ``$method``, ``$statusCode``
   (and ``$self`` in 1.1) as a whole word;
3. the expression spans the longest run of ``[A-Za-z0-9_.-]``, then, after ``#``, of
   ``[A-Za-z0-9_.~/-]``, less any final ``.`` (the end of a sentence);
4. that span parses as a runtime expression of the document's version;
5. what follows it is the end of the string, whitespace or one of ``. , ; : ! ? ) ] } ' "
   & < > |`` -- so ``$response.body/token`` or ``$inputs.id/details`` is not read as an
   expression followed by text: only braces say that.

Anything that fails rule 1 or 2 is plain text. A span that fails rule 4 or 5 stays literal
text too, and is reported in ``CompiledValue.near_misses`` (with the column and what would
have made it an expression) so a validator can warn about it. ``strict=True`` turns the
unbraced form off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from .._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from ._context import EvaluationContext
from ._pointer import Step, compile_steps, walk
from ._runtime import RuntimeExpression, check_version, compile_expression
from ._text import to_text

__all__ = [
    "CompiledValue",
    "MemberAccess",
    "Template",
    "compile_member_access",
    "compile_template",
    "compile_value",
]

_PREFIXED = "inputs|outputs|steps|workflows|request|response|sourceDescriptions|components"
_UNBRACED_START = {
    "1.0": re.compile(rf"(?<![\w$])\$(?=(?:{_PREFIXED})\.|(?:url|method|statusCode)(?!\w))"),
    "1.1": re.compile(
        rf"(?<![\w$])\$(?=(?:{_PREFIXED}|message)\.|(?:url|method|statusCode|self)(?!\w))"
    ),
}
_UNBRACED_SPAN = re.compile(r"\$[A-Za-z0-9_.\-]+(?:#[A-Za-z0-9_.~/\-]*)?")
_UNBRACED_END = frozenset(".,;:!?)]}'\"&<>|")

_Part = str | RuntimeExpression


class Template:
    """A string with embedded expressions, compiled once; ``render`` always gives a string.

    ``parts`` alternates literal text and expressions; ``expressions`` lists the latter;
    ``near_misses`` holds, for a template read with the unbraced form, the syntax errors of
    the spans that began like an expression but were kept as text.
    """

    __slots__ = ("_miss_starts", "expressions", "near_misses", "parts", "text")

    text: str
    parts: tuple[_Part, ...]
    expressions: tuple[RuntimeExpression, ...]
    near_misses: tuple[ExpressionSyntaxError, ...]
    _miss_starts: tuple[int, ...]

    def __init__(
        self,
        text: str,
        parts: tuple[_Part, ...],
        near_misses: tuple[tuple[int, ExpressionSyntaxError], ...] = (),
    ) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "parts", parts)
        expressions = tuple(part for part in parts if isinstance(part, RuntimeExpression))
        object.__setattr__(self, "expressions", expressions)
        object.__setattr__(self, "near_misses", tuple(error for _, error in near_misses))
        object.__setattr__(self, "_miss_starts", tuple(start for start, _ in near_misses))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Template is immutable; cannot set {name!r}")

    def __repr__(self) -> str:
        return f"Template({self.text!r})"

    def render(self, context: EvaluationContext) -> str:
        """The text with every expression's value in it (ExpressionEvaluationError if absent)."""
        return "".join(
            [
                part if part.__class__ is str else to_text(part.evaluate(context))  # type: ignore[union-attr]
                for part in self.parts
            ]
        )

    def render_lenient(self, context: EvaluationContext, notes: list[str]) -> str:
        """``render``, with each value that is not there left empty and noted in ``notes``."""
        pieces: list[str] = []
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
    """Compile the ``{$...}`` segments of ``text`` (and, with ``unbraced``, the bare ones by
    the rule in this module's docstring).

    ExpressionSyntaxError, with the column in ``text``, when a ``{$`` is not closed or what
    it encloses is not a runtime expression.
    """
    check_version(version)
    return _compile_template(text, version, unbraced)


@lru_cache(maxsize=4096)
def _compile_template(text: str, version: str, unbraced: bool) -> Template:
    parts: list[_Part] = []
    near_misses: list[tuple[int, ExpressionSyntaxError]] = []
    position = 0
    while True:
        start = text.find("{$", position)
        literal = text[position:] if start < 0 else text[position:start]
        if literal:
            if unbraced:
                parts.extend(_split_unbraced(literal, text, position, version, near_misses))
            else:
                parts.append(literal)
        if start < 0:
            break
        end = text.find("}", start)
        if end < 0:
            raise ExpressionSyntaxError(
                text, len(text) + 1, f"'}}' to close the expression opened at column {start + 1}"
            )
        try:
            expression = compile_expression(text[start + 1 : end], version=version)
        except ExpressionSyntaxError as error:
            raise ExpressionSyntaxError(text, start + 1 + error.column, error.expected) from None
        parts.append(expression)
        position = end + 1
    return Template(text, _merged(parts), tuple(near_misses))


def _merged(parts: list[_Part]) -> tuple[_Part, ...]:
    merged: list[_Part] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return tuple(merged)


def _split_unbraced(
    literal: str,
    whole: str,
    offset: int,
    version: str,
    near_misses: list[tuple[int, ExpressionSyntaxError]],
) -> list[_Part]:
    """``literal`` (at ``offset`` in ``whole``) with its unbraced expressions compiled."""
    if "$" not in literal:
        return [literal]
    parts: list[_Part] = []
    position = 0
    for start_match in _UNBRACED_START[version].finditer(literal):
        start = start_match.start()
        if start < position:
            continue
        span = _UNBRACED_SPAN.match(literal, start)
        assert span is not None  # the start pattern saw a source name
        candidate = span.group().rstrip(".")
        after = start + len(candidate)
        try:
            expression = compile_expression(candidate, version=version)
        except ExpressionSyntaxError as error:
            column = offset + start + error.column
            near_misses.append(
                (offset + start, ExpressionSyntaxError(whole, column, error.expected))
            )
            continue
        if after < len(literal) and not _ends_unbraced(literal[after]):
            expected = (
                f"a space or punctuation to end the unbraced expression {candidate} "
                f"(or braces: {{{candidate}}})"
            )
            near_misses.append(
                (offset + start, ExpressionSyntaxError(whole, offset + after + 1, expected))
            )
            continue
        parts.append(literal[position:start])
        parts.append(expression)
        position = after
    parts.append(literal[position:])
    return parts


def _ends_unbraced(char: str) -> bool:
    return char in _UNBRACED_END or char.isspace()


class MemberAccess:
    """A runtime expression followed by ``.member`` or ``[index]`` steps (``$response.body.id``).

    The ABNF has no such form; the 1.1 text uses it in conditions (``$response.body.count``)
    and published documents write it in outputs too. It reads the expression, then each
    member: an object's member, or an array's element for a number.
    """

    __slots__ = ("_steps", "expression", "members")

    expression: RuntimeExpression
    members: tuple[str, ...]
    _steps: tuple[Step, ...]

    def __init__(self, expression: RuntimeExpression, members: tuple[str, ...]) -> None:
        object.__setattr__(self, "expression", expression)
        object.__setattr__(self, "members", members)
        object.__setattr__(self, "_steps", compile_steps(members))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"MemberAccess is immutable; cannot set {name!r}")

    def __repr__(self) -> str:
        return f"MemberAccess({self.text!r})"

    def evaluate(self, context: EvaluationContext) -> Any:
        value = self.expression.evaluate(context)
        return walk(value, self._steps, self.text) if self._steps else value

    @property
    def text(self) -> str:
        return "".join((self.expression.text, *(f".{member}" for member in self.members)))

    @property
    def standard_form(self) -> str:
        """The same reference as the spec writes it, with a JSON Pointer."""
        pointer = "".join("/" + m.replace("~", "~0").replace("/", "~1") for m in self.members)
        base = self.expression.text
        return f"{base}{pointer}" if "#" in base else f"{base}#{pointer}"


_TRAILING_MEMBER = re.compile(r"(?:\.(?P<name>[A-Za-z0-9_\-$@]+)|\[(?P<index>[0-9]+)\])$")
_SCALAR_SOURCES = frozenset({"url", "method", "statusCode", "self"})


def compile_member_access(text: str, *, version: str = "1.0") -> MemberAccess:
    """Read ``text`` as the longest runtime expression it starts with, then members.

    Raises the runtime expression's own ExpressionSyntaxError when no prefix of ``text`` is
    an expression followed by ``.member`` and ``[index]`` steps only.
    """
    return _compile_member_access(text, version)


@lru_cache(maxsize=4096)
def _compile_member_access(text: str, version: str) -> MemberAccess:
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
        if expression.source in _SCALAR_SOURCES:
            break  # scalars have no members
        return MemberAccess(expression, tuple(members))
    raise first_error


_Evaluate = Callable[[EvaluationContext], Any]
_Lenient = Callable[[EvaluationContext, list[str]], Any]


class CompiledValue:
    """A parameter value, payload, replacement value or output, compiled once.

    ``evaluate(context)`` gives the value with every expression in it evaluated, or raises
    ExpressionEvaluationError. A literal (a value with no expression) evaluates to the very
    object that was compiled: do not change it. ``expressions`` lists every expression
    inside, for static checks; ``near_misses`` the strings kept as literal text although
    they begin like an expression (``$steps.a.token``), with the syntax error of each.
    """

    __slots__ = ("_lenient", "evaluate", "expressions", "near_misses")

    evaluate: _Evaluate
    expressions: tuple[RuntimeExpression, ...]
    near_misses: tuple[ExpressionSyntaxError, ...]
    _lenient: _Lenient | None

    def __init__(
        self,
        evaluate: _Evaluate,
        expressions: tuple[RuntimeExpression, ...],
        lenient: _Lenient | None = None,
        near_misses: tuple[ExpressionSyntaxError, ...] = (),
    ) -> None:
        object.__setattr__(self, "evaluate", evaluate)
        object.__setattr__(self, "expressions", expressions)
        object.__setattr__(self, "_lenient", lenient)
        object.__setattr__(self, "near_misses", near_misses)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CompiledValue is immutable; cannot set {name!r}")

    def evaluate_lenient(self, context: EvaluationContext, notes: list[str]) -> Any:
        """The value, with every expression that names nothing read as null (in text: left
        empty) and noted in ``notes`` (RTE-03: an optional input left out is sent as null)."""
        if self._lenient is not None:
            return self._lenient(context, notes)
        try:
            return self.evaluate(context)
        except ExpressionEvaluationError as error:
            notes.append(str(error))
            return None


def compile_value(value: Any, *, version: str = "1.0", strict: bool = False) -> CompiledValue:
    """Compile a value that may hold runtime expressions.

    - A string that is wholly one runtime expression (optionally followed by ``.member``
      steps) evaluates to the value it names, with its type.
    - A string with ``{$...}`` in it (and, unless ``strict``, the unbraced form) renders to a
      string; ``"{$inputs.n}"`` is such a string too, as the spec says of embedding.
    - Any other string, and any other scalar, is a literal.
    - Objects and arrays are compiled member by member.

    ExpressionSyntaxError when a ``{$`` is not closed or does not enclose an expression.
    """
    check_version(version)
    if isinstance(value, str):
        return _compile_string(value, version, strict)
    if isinstance(value, Mapping):
        members = {
            key: compile_value(item, version=version, strict=strict) for key, item in value.items()
        }
        misses = tuple(miss for member in members.values() for miss in member.near_misses)
        found = tuple(e for member in members.values() for e in member.expressions)
        if not found:
            return _literal(value, misses)
        return CompiledValue(
            lambda context: {key: member.evaluate(context) for key, member in members.items()},
            found,
            lambda context, notes: {
                key: member.evaluate_lenient(context, notes) for key, member in members.items()
            },
            misses,
        )
    if isinstance(value, list | tuple):
        items = [compile_value(item, version=version, strict=strict) for item in value]
        misses = tuple(miss for item in items for miss in item.near_misses)
        found = tuple(e for item in items for e in item.expressions)
        if not found:
            return _literal(value, misses)
        return CompiledValue(
            lambda context: [item.evaluate(context) for item in items],
            found,
            lambda context, notes: [item.evaluate_lenient(context, notes) for item in items],
            misses,
        )
    return _literal(value, ())


def _literal(value: Any, near_misses: tuple[ExpressionSyntaxError, ...]) -> CompiledValue:
    return CompiledValue(lambda context: value, (), None, near_misses)


@lru_cache(maxsize=8192)
def _compile_string(text: str, version: str, strict: bool) -> CompiledValue:
    whole_error: ExpressionSyntaxError | None = None
    if text.startswith("$"):
        try:
            whole = compile_member_access(text, version=version)
        except ExpressionSyntaxError as error:
            # Not one expression: perhaps text with expressions in it, perhaps a literal.
            if _UNBRACED_START[version].match(text):
                whole_error = error
        else:
            if not whole.members:
                expression = whole.expression
                return CompiledValue(expression.evaluate, (expression,))
            return CompiledValue(whole.evaluate, (whole.expression,))
    if "{$" not in text and (strict or "$" not in text):
        return _literal(text, (whole_error,) if whole_error else ())
    template = compile_template(text, version=version, unbraced=not strict)
    misses = template.near_misses
    if whole_error and not (template.parts and isinstance(template.parts[0], RuntimeExpression)):
        # The whole string's own error says more than the error of a span at its start.
        later = (e for s, e in zip(template._miss_starts, misses, strict=True) if s > 0)
        misses = (whole_error, *later)
    if not template.expressions:
        return _literal(text, misses)
    return CompiledValue(template.render, template.expressions, template.render_lenient, misses)
