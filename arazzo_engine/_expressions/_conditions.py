"""Simple conditions: a written grammar (docs/conditions.md), never ``eval``.

::

    condition  := or
    or         := and ( "||" and )*
    and        := not ( "&&" not )*
    not        := "!" not | cmp
    cmp        := operand ( ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) operand )?
    operand    := primary ( "." member | "[" index "]" )*
    primary    := literal | runtime-expression | "(" or ")"
    literal    := "true" | "false" | "null" | number | 'single-quoted'

A condition is compiled once into a tree of small nodes; evaluating it never
raises: a value that is not there is *undefined* (compared as null), and the
condition passes only when it evaluates to boolean ``true`` (COND-05).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from ._context import EvaluationContext
from ._runtime import RuntimeExpression, compile_expression

__all__ = ["Condition", "ConditionResult", "compile_condition", "loose_equals"]


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Final = _Undefined()


@dataclass(frozen=True, slots=True)
class ConditionResult:
    passed: bool
    reason: str | None = None


# --- tokens -----------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A runtime expression runs over these; after '#' a JSON Pointer may hold more (COND-02).
_EXPRESSION_HEAD = re.compile(r"\$[A-Za-z0-9_\-.]*")
_POINTER_TAIL = re.compile(r"#[^\s()\[\]!=<>&|']*")
_MEMBER = re.compile(r"[A-Za-z0-9_\-$]+")
_SCALAR_SOURCES = frozenset({"url", "method", "statusCode", "self"})
_OPERATORS = ("==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ".")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "op", "number", "string", "word", "expr", "end"
    text: str
    start: int
    value: Any = None


def _tokens(text: str, version: str, strict: bool, notes: list[str]) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char == "$":
            tokens.extend(_expression_tokens(text, position, version))
            position = tokens[-1].start + len(tokens[-1].text)
            continue
        if char == "'":
            string, end = _string(text, position)
            tokens.append(_Token("string", text[position:end], position, string))
            position = end
            continue
        if char == '"':
            if strict:
                raise ExpressionSyntaxError(
                    text, position + 1, "a single-quoted string ('...'); conditions quote with '"
                )
            end = text.find('"', position + 1)
            if end < 0:
                raise ExpressionSyntaxError(text, len(text) + 1, 'a closing " for the string')
            notes.append(
                f"the string at column {position + 1} is double-quoted; the spec quotes strings "
                "in conditions with single quotes"
            )
            tokens.append(
                _Token("string", text[position : end + 1], position, text[position + 1 : end])
            )
            position = end + 1
            continue
        number = _NUMBER.match(text, position)
        if number and (char.isdigit() or char == "-"):
            literal = number.group()
            value = float(literal) if any(c in literal for c in ".eE") else int(literal)
            tokens.append(_Token("number", literal, position, value))
            position = number.end()
            continue
        word = _WORD.match(text, position)
        if word:
            tokens.append(_Token("word", word.group(), position))
            position = word.end()
            continue
        for symbol in _OPERATORS:
            if text.startswith(symbol, position):
                tokens.append(_Token("op", symbol, position))
                position += len(symbol)
                break
        else:
            raise ExpressionSyntaxError(text, position + 1, "an operand or an operator")
    tokens.append(_Token("end", "", length))
    return tokens


def _string(text: str, start: int) -> tuple[str, int]:
    position = start + 1
    pieces: list[str] = []
    while True:
        end = text.find("'", position)
        if end < 0:
            raise ExpressionSyntaxError(text, len(text) + 1, "a closing ' for the string")
        pieces.append(text[position:end])
        if text.startswith("''", end):
            pieces.append("'")
            position = end + 2
            continue
        return "".join(pieces), end + 1


def _expression_tokens(text: str, start: int, version: str) -> list[_Token]:
    """The longest prefix that is a runtime expression, then member accesses (COND-02)."""
    head = _EXPRESSION_HEAD.match(text, start)
    assert head is not None
    end = head.end()
    tail = _POINTER_TAIL.match(text, end)
    if tail:
        end = tail.end()
    candidate = text[start:end]
    members: list[str] = []
    first_error: ExpressionSyntaxError | None = None
    while True:
        try:
            expression = compile_expression(candidate, version=version)
            break
        except ExpressionSyntaxError as error:
            first_error = first_error or error
            cut = candidate.rfind(".")
            if "#" in candidate or cut <= 0:
                raise ExpressionSyntaxError(
                    text, start + first_error.column, first_error.expected
                ) from None
            members.insert(0, candidate[cut + 1 :])
            candidate = candidate[:cut]
    if members and expression.source in _SCALAR_SOURCES:
        assert first_error is not None
        raise ExpressionSyntaxError(text, start + first_error.column, first_error.expected)
    tokens = [_Token("expr", candidate, start, expression)]
    position = start + len(candidate)
    for member in members:
        tokens.append(_Token("op", ".", position))
        tokens.append(_Token("word", member, position + 1))
        position += 1 + len(member)
    return tokens


# --- the tree ---------------------------------------------------------------------------------


class _Node:
    __slots__ = ()

    def value(self, context: EvaluationContext, notes: list[str] | None) -> Any:
        raise NotImplementedError


class _Literal(_Node):
    __slots__ = ("constant",)

    def __init__(self, constant: Any) -> None:
        self.constant = constant

    def value(self, context: EvaluationContext, notes: list[str] | None) -> Any:
        return self.constant


class _Expression(_Node):
    __slots__ = ("expression",)

    def __init__(self, expression: RuntimeExpression) -> None:
        self.expression = expression

    def value(self, context: EvaluationContext, notes: list[str] | None) -> Any:
        try:
            found = self.expression.evaluate(context)
        except ExpressionEvaluationError as error:
            if notes is not None:
                notes.append(f"{self.expression.text} is undefined ({error.reason})")
            return UNDEFINED
        if notes is not None:
            notes.append(f"{self.expression.text} = {_show(found)}")
        return found


class _Access(_Node):
    __slots__ = ("key", "target", "text")

    def __init__(self, target: _Node, key: str | int, text: str) -> None:
        self.target = target
        self.key = key
        self.text = text

    def value(self, context: EvaluationContext, notes: list[str] | None) -> Any:
        base = self.target.value(context, notes)
        key = self.key
        if isinstance(base, Mapping) and isinstance(key, str) and key in base:
            return base[key]
        if isinstance(base, list) and isinstance(key, int) and -len(base) <= key < len(base):
            return base[key] if key >= 0 else UNDEFINED
        if base is not UNDEFINED and notes is not None:
            notes.append(f"{self.text} is undefined")
        return UNDEFINED


class _Not(_Node):
    __slots__ = ("operand",)

    def __init__(self, operand: _Node) -> None:
        self.operand = operand

    def value(self, context: EvaluationContext, notes: list[str] | None) -> Any:
        found = self.operand.value(context, notes)
        return found is False or found is None or found is UNDEFINED  # COND-06


class _Logical(_Node):
    __slots__ = ("is_and", "left", "right")

    def __init__(self, left: _Node, right: _Node, is_and: bool) -> None:
        self.left = left
        self.right = right
        self.is_and = is_and

    def value(self, context: EvaluationContext, notes: list[str] | None) -> Any:
        left = self.left.value(context, notes) is True  # strict truth (COND-07)
        if self.is_and and not left:
            return False
        if not self.is_and and left:
            return True
        return self.right.value(context, notes) is True


class _Comparison(_Node):
    __slots__ = ("left", "operator", "right")

    def __init__(self, left: _Node, operator: str, right: _Node) -> None:
        self.left = left
        self.operator = operator
        self.right = right

    def value(self, context: EvaluationContext, notes: list[str] | None) -> Any:
        left = self.left.value(context, notes)
        right = self.right.value(context, notes)
        if self.operator == "==":
            return loose_equals(left, right)
        if self.operator == "!=":
            return not loose_equals(left, right)
        return _order(left, right, self.operator)


def _normal(value: Any) -> Any:
    return None if value is UNDEFINED else value


def _as_number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        stripped = value.strip()
        if _NUMBER.fullmatch(stripped):
            number = float(stripped)
            return int(number) if number.is_integer() and "." not in stripped else number
    return None


def loose_equals(left: Any, right: Any) -> bool:
    """Equality by the comparison rules of COND-04."""
    left, right = _normal(left), _normal(right)
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if isinstance(left, int | float) or isinstance(right, int | float):
        a, b = _as_number(left), _as_number(right)
        return a is not None and b is not None and math.isclose(a, b, rel_tol=0.0, abs_tol=0.0)
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(loose_equals(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(loose_equals, left, right))
    return False


def _order(left: Any, right: Any, symbol: str) -> bool:
    left, right = _normal(left), _normal(right)
    a, b = _as_number(left), _as_number(right)
    pair: tuple[Any, Any]
    if a is not None and b is not None:
        pair = (a, b)
    elif isinstance(left, str) and isinstance(right, str):
        pair = (left.casefold(), right.casefold())
    else:
        return False
    return bool(_ORDERINGS[symbol](*pair))


_ORDERINGS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _show(value: Any) -> str:
    if isinstance(value, str):
        shown = repr(value)
    elif value is None:
        shown = "null"
    elif isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, dict | list):
        shown = f"{type(value).__name__} of {len(value)}"
    else:
        shown = str(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


# --- parsing ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, version: str, strict: bool) -> None:
        self.text = text
        self.notes: list[str] = []
        self.tokens = _tokens(text, version, strict, self.notes)
        self.index = 0
        self.expressions: list[RuntimeExpression] = []

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def fail(self, expected: str) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(self.text, self.current.start + 1, expected)

    def accept(self, operator: str) -> bool:
        token = self.current
        if token.kind == "op" and token.text == operator:
            self.index += 1
            return True
        return False

    def parse(self) -> _Node:
        if self.current.kind == "end":
            raise self.fail("a condition")
        node = self.parse_or()
        if self.current.kind != "end":
            if self.current.kind == "op" and self.current.text in (
                "==",
                "!=",
                "<",
                "<=",
                ">",
                ">=",
            ):
                raise self.fail("'&&', '||' or the end (comparisons do not chain; use parentheses)")
            raise self.fail("an operator ('==', '&&', '||', ...) or the end of the condition")
        return node

    def parse_or(self) -> _Node:
        node = self.parse_and()
        while self.accept("||"):
            node = _Logical(node, self.parse_and(), is_and=False)
        return node

    def parse_and(self) -> _Node:
        node = self.parse_not()
        while self.accept("&&"):
            node = _Logical(node, self.parse_not(), is_and=True)
        return node

    def parse_not(self) -> _Node:
        if self.accept("!"):
            return _Not(self.parse_not())
        return self.parse_comparison()

    def parse_comparison(self) -> _Node:
        left = self.parse_operand()
        token = self.current
        if token.kind == "op" and token.text in ("==", "!=", "<", "<=", ">", ">="):
            self.index += 1
            return _Comparison(left, token.text, self.parse_operand())
        return left

    def parse_operand(self) -> _Node:
        node = self.parse_primary()
        while True:
            if self.accept("."):
                token = self.current
                if token.kind not in ("word", "number"):
                    raise self.fail("a member name after '.'")
                self.index += 1
                node = _Access(node, token.text, f".{token.text}")
            elif self.accept("["):
                token = self.current
                if token.kind == "number" and isinstance(token.value, int):
                    key: str | int = token.value
                elif token.kind == "string":
                    key = token.value
                else:
                    raise self.fail("an array index (a whole number) or a quoted member name")
                self.index += 1
                if not self.accept("]"):
                    raise self.fail("']'")
                node = _Access(node, key, f"[{token.text}]")
            else:
                return node

    def parse_primary(self) -> _Node:
        token = self.current
        if token.kind == "expr":
            self.index += 1
            self.expressions.append(token.value)
            return _Expression(token.value)
        if token.kind in ("number", "string"):
            self.index += 1
            return _Literal(token.value)
        if token.kind == "word":
            literals = {"true": True, "false": False, "null": None}
            if token.text in literals:
                self.index += 1
                return _Literal(literals[token.text])
            raise self.fail(
                "a value: a runtime expression ($...), a number, 'a string', true, false or null"
            )
        if self.accept("("):
            node = self.parse_or()
            if not self.accept(")"):
                raise self.fail("')'")
            return node
        raise self.fail(
            "a value: a runtime expression ($...), a number, 'a string', true, false, null or '('"
        )


_PASSED = ConditionResult(True)


class Condition:
    """A compiled simple condition.

    ``notes`` says where the text leaves the spec's dialect in a way the engine still
    reads unambiguously (a double-quoted string, the legacy ``{...}`` wrapping).
    """

    __slots__ = ("_root", "expressions", "notes", "text")

    def __init__(
        self,
        text: str,
        root: _Node,
        expressions: tuple[RuntimeExpression, ...],
        notes: tuple[str, ...] = (),
    ) -> None:
        self.text = text
        self._root = root
        self.expressions = expressions
        self.notes = notes

    def evaluate(self, context: EvaluationContext) -> ConditionResult:
        try:
            value = self._root.value(context, None)
            if value is True:
                return _PASSED
            # Only a failure needs its reason: evaluate again, noting what each part was.
            notes: list[str] = []
            value = self._root.value(context, notes)
        except Exception as error:
            return ConditionResult(False, f"{self.text}: evaluation failed: {error}")
        detail = "; ".join(dict.fromkeys(notes))
        outcome = "is false" if value is False else f"is {_show(_normal(value))}, not true"
        return ConditionResult(False, f"{self.text} {outcome}" + (f" ({detail})" if detail else ""))


def compile_condition(text: str, *, version: str = "1.0", strict: bool = False) -> Condition:
    """Compile a simple condition; ExpressionSyntaxError (with column) when it does not parse.

    ``strict`` refuses double-quoted strings and the legacy ``{...}`` wrapping instead of
    reading them with a note.
    """
    source = text.strip()
    # COND-09: the legacy "{$statusCode == 401}" of the spec's Components example.
    if not strict and source.startswith("{$") and source.endswith("}") and source.count("{") == 1:
        offset = text.index("{") + 1
        try:
            condition = _compile(source[1:-1], version, text, strict)
        except ExpressionSyntaxError as error:
            raise ExpressionSyntaxError(text, error.column + offset, error.expected) from None
        wrapped = "the condition is wrapped in '{...}', which conditions do not use"
        return Condition(text, condition._root, condition.expressions, (wrapped, *condition.notes))
    return _compile(text, version, text, strict)


def _compile(text: str, version: str, original: str, strict: bool) -> Condition:
    parser = _Parser(text, version, strict)
    root = parser.parse()
    return Condition(original, root, tuple(parser.expressions), tuple(parser.notes))
