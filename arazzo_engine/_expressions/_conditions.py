"""Simple conditions: the grammar written down in docs/conditions.md, never ``eval``.

::

    condition  = or
    or         = and { "||" and }
    and        = comparison { "&&" comparison }
    comparison = unary [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) unary ]
    unary      = "!" unary | operand
    operand    = primary { "." member | "[" index "]" }
    primary    = literal | runtime-expression | "(" or ")"
    literal    = "true" | "false" | "null" | number | 'single-quoted'

A condition is compiled once into a tree of closures. Evaluating it never raises: a value
that is not there is *undefined* (compared as null), and the condition passes only when it
evaluates to boolean ``true`` (COND-05). Only a failure pays for its explanation: the tree is
walked a second time, noting what each part was, to write ``ConditionResult.reason``.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from .._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from ._context import EvaluationContext
from ._runtime import RuntimeExpression, check_version, compile_expression

__all__ = ["Condition", "ConditionResult", "compile_condition", "loose_equals"]


class _Undefined:
    """What a runtime expression that names nothing evaluates to inside a condition."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Final = _Undefined()


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """Whether a condition passed; when it did not, ``reason`` says why, in words."""

    passed: bool
    reason: str | None = None


# --- tokens -----------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MEMBER = re.compile(r"[A-Za-z0-9_\-$@]+")
# COND-02: a runtime expression runs over these; after '#' its pointer runs on to
# whitespace or a character that is an operator, a bracket or a quote here.
_EXPRESSION_HEAD = re.compile(r"\$[A-Za-z0-9_\-.]*")
_POINTER_TAIL = re.compile(r"#[^\s()\[\]!=<>&|']*")
_OPERATORS = ("==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ".")
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_SCALAR_SOURCES = frozenset({"url", "method", "statusCode", "self"})
_HINTS = {
    "=": "'==' (equality is written '==')",
    "&": "'&&'",
    "|": "'||'",
    "{": "an operand or an operator ('{' does not open anything in a condition)",
}
_MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # op, number, string, word, member, expr, bad, end
    text: str
    start: int
    value: Any = None


class _Tokenizer:
    def __init__(self, text: str, version: str, strict: bool, notes: list[str]) -> None:
        self.text = text
        self.version = version
        self.strict = strict
        self.notes = notes

    def tokens(self) -> list[_Token]:
        text = self.text
        tokens: list[_Token] = []
        position = 0
        while position < len(text):
            char = text[position]
            if char.isspace():
                position += 1
                continue
            found = self.token(position)
            tokens.extend(found)
            if found[-1].kind == "bad":
                break
            position = found[-1].start + len(found[-1].text)
        tokens.append(_Token("end", "", len(text)))
        return tokens

    def token(self, position: int) -> list[_Token]:
        text = self.text
        char = text[position]
        if char == "$":
            return self.expression(position)
        if char == "'":
            return [self.quoted(position, "'")]
        if char == '"':
            if self.strict:
                return [_Token("bad", char, position, "a single-quoted string ('...')")]
            self.notes.append(
                f"the string at column {position + 1} is double-quoted; conditions quote "
                "strings with single quotes"
            )
            return [self.quoted(position, '"')]
        if char.isdigit() or (char == "-" and text[position + 1 : position + 2].isdigit()):
            number = _NUMBER.match(text, position)
            if number:
                literal = number.group()
                is_float = any(c in literal for c in ".eE")
                value = float(literal) if is_float else int(literal)
                return [_Token("number", literal, position, value)]
        word = _WORD.match(text, position)
        if word:
            return [_Token("word", word.group(), position)]
        for symbol in _OPERATORS:
            if text.startswith(symbol, position):
                operator_token = _Token("op", symbol, position)
                if symbol == "." and (member := _MEMBER.match(text, position + 1)):
                    return [operator_token, _Token("member", member.group(), position + 1)]
                return [operator_token]
        return [_Token("bad", char, position, _HINTS.get(char, "an operand or an operator"))]

    def quoted(self, start: int, quote: str) -> _Token:
        text = self.text
        position = start + 1
        pieces: list[str] = []
        while True:
            end = text.find(quote, position)
            if end < 0:
                return _Token("bad", text[start:], len(text), f"a closing {quote} for the string")
            pieces.append(text[position:end])
            if quote == "'" and text.startswith("''", end):
                pieces.append("'")  # '' is a quote inside a single-quoted string
                position = end + 2
                continue
            return _Token("string", text[start : end + 1], start, "".join(pieces))

    def expression(self, start: int) -> list[_Token]:
        """The longest prefix that is a runtime expression, then member accesses (COND-02)."""
        text = self.text
        head = _EXPRESSION_HEAD.match(text, start)
        assert head is not None  # the text has a '$' here
        end = head.end()
        tail = _POINTER_TAIL.match(text, end)
        if tail:
            end = tail.end()
        candidate = text[start:end]
        members: list[str] = []
        first_error: ExpressionSyntaxError | None = None
        while True:
            try:
                expression = compile_expression(candidate, version=self.version)
                break
            except ExpressionSyntaxError as error:
                first_error = first_error or error
                cut = candidate.rfind(".")
                if "#" in candidate or cut <= 0:
                    return [self.bad_expression(start, first_error)]
                members.insert(0, candidate[cut + 1 :])
                candidate = candidate[:cut]
        if members and expression.source in _SCALAR_SOURCES:
            assert first_error is not None
            return [self.bad_expression(start, first_error)]
        if not all(members):  # `$response.body.` or `$response.body..x`
            dangling = start + len(candidate) + 1
            for member in members:
                if not member:
                    break
                dangling += len(member) + 1
            return [_Token("bad", ".", dangling, "a member name after '.'")]
        tokens = [_Token("expr", candidate, start, expression)]
        position = start + len(candidate)
        for member in members:
            tokens.append(_Token("op", ".", position))
            tokens.append(_Token("member", member, position + 1))
            position += 1 + len(member)
        return tokens

    def bad_expression(self, start: int, error: ExpressionSyntaxError) -> _Token:
        return _Token("bad", self.text[start:], start + error.column - 1, error.expected)


# --- values and comparisons (COND-04) ---------------------------------------------------------


def _number(value: Any) -> int | float | None:
    """A number, or a string that is one in JSON's number syntax; None otherwise."""
    kind = value.__class__
    if kind is int or kind is float:
        return value  # type: ignore[no-any-return]
    if kind is bool or value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return float(value) if any(c in value for c in ".eE") else int(value)
    return None


def loose_equals(left: Any, right: Any) -> bool:
    """``==`` by the comparison rules of COND-04 (docs/conditions.md)."""
    if left is UNDEFINED:
        left = None
    if right is UNDEFINED:
        right = None
    if left is None or right is None:
        return left is None and right is None
    left_bool, right_bool = isinstance(left, bool), isinstance(right, bool)
    if left_bool or right_bool:
        return left_bool and right_bool and left == right
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if isinstance(left, int | float) or isinstance(right, int | float):
        a, b = _number(left), _number(right)
        return a is not None and b is not None and a == b
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(loose_equals(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(map(loose_equals, left, right))
    return False


_ORDERINGS: Final[Mapping[str, Callable[[Any, Any], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _ordered(left: Any, right: Any, compare: Callable[[Any, Any], bool]) -> bool:
    a, b = _number(left), _number(right)
    if a is not None and b is not None:
        return compare(a, b)
    if isinstance(left, str) and isinstance(right, str):
        return compare(left.casefold(), right.casefold())
    return False


def _show(value: Any) -> str:
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, str):
        shown = repr(value)
    elif value is None or isinstance(value, bool | int | float):
        shown = json.dumps(value)
    elif isinstance(value, Mapping):
        shown = f"an object of {len(value)} members"
    elif isinstance(value, list | tuple):
        shown = f"an array of {len(value)} items"
    else:
        shown = str(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _member(base: Any, key: str | int) -> Any:
    """``base.key`` or ``base[key]``: an object's member, an array's element; else undefined."""
    if isinstance(base, str) and base[:1] in ("{", "["):
        try:  # a body that holds JSON although its media type did not say so
            base = json.loads(base)
        except ValueError:
            return UNDEFINED
    if isinstance(base, Mapping):
        return base.get(str(key), UNDEFINED)
    if isinstance(base, list | tuple):
        if isinstance(key, str):
            key = int(key) if key.isascii() and key.isdigit() else -1
        return base[key] if 0 <= key < len(base) else UNDEFINED
    return UNDEFINED


# --- the tree ---------------------------------------------------------------------------------

_Fast = Callable[[EvaluationContext], Any]


class _Node:
    """A parsed part of a condition: ``fast`` evaluates it; ``trace`` also notes values."""

    __slots__ = ("fast",)

    fast: _Fast

    def trace(self, context: EvaluationContext, notes: list[str]) -> Any:
        raise NotImplementedError


class _Literal(_Node):
    __slots__ = ("constant",)

    def __init__(self, constant: Any) -> None:
        self.constant = constant
        self.fast = lambda context: constant

    def trace(self, context: EvaluationContext, notes: list[str]) -> Any:
        return self.constant


class _Expression(_Node):
    __slots__ = ("expression",)

    def __init__(self, expression: RuntimeExpression) -> None:
        self.expression = expression
        evaluate = expression.evaluate

        def fast(context: EvaluationContext) -> Any:
            try:
                return evaluate(context)
            except ExpressionEvaluationError:
                return UNDEFINED

        self.fast = fast

    def trace(self, context: EvaluationContext, notes: list[str]) -> Any:
        try:
            found = self.expression.evaluate(context)
        except ExpressionEvaluationError as error:
            notes.append(f"{self.expression.text} is undefined: {error.reason}")
            return UNDEFINED
        notes.append(f"{self.expression.text} = {_show(found)}")
        return found


class _Access(_Node):
    __slots__ = ("key", "target", "text")

    def __init__(self, target: _Node, key: str | int, text: str) -> None:
        self.target = target
        self.key = key
        self.text = text
        target_fast = target.fast
        self.fast = lambda context: _member(target_fast(context), key)

    def trace(self, context: EvaluationContext, notes: list[str]) -> Any:
        base = self.target.trace(context, notes)
        found = _member(base, self.key)
        if found is UNDEFINED and base is not UNDEFINED:
            notes.append(f"{self.text} is undefined ({_show(base)} has no such member)")
        return found


def _falsy(value: Any) -> bool:
    return value is False or value is None or value is UNDEFINED


class _Not(_Node):
    __slots__ = ("operand",)

    def __init__(self, operand: _Node) -> None:
        self.operand = operand
        operand_fast = operand.fast
        self.fast = lambda context: _falsy(operand_fast(context))  # COND-06

    def trace(self, context: EvaluationContext, notes: list[str]) -> Any:
        return _falsy(self.operand.trace(context, notes))


class _Logical(_Node):
    """``a && b && ...`` or ``a || b || ...``; only boolean true is true (COND-07)."""

    __slots__ = ("is_and", "operands")

    def __init__(self, operands: list[_Node], is_and: bool) -> None:
        self.operands = tuple(operands)
        self.is_and = is_and
        fasts = tuple(node.fast for node in operands)
        if is_and and len(fasts) == 2:
            first, second = fasts
            self.fast = lambda context: first(context) is True and second(context) is True
        elif is_and:
            self.fast = lambda context: all(fast(context) is True for fast in fasts)
        else:
            self.fast = lambda context: any(fast(context) is True for fast in fasts)

    def trace(self, context: EvaluationContext, notes: list[str]) -> Any:
        for node in self.operands:
            if (node.trace(context, notes) is True) is not self.is_and:
                return not self.is_and
        return self.is_and


class _Comparison(_Node):
    __slots__ = ("left", "right", "symbol")

    def __init__(self, left: _Node, symbol: str, right: _Node) -> None:
        self.left = left
        self.symbol = symbol
        self.right = right
        if symbol in ("==", "!="):
            equals = _equality(left, right)
            self.fast = equals if symbol == "==" else (lambda context: not equals(context))
        else:
            compare = _ORDERINGS[symbol]
            left_fast, right_fast = left.fast, right.fast
            self.fast = lambda context: _ordered(left_fast(context), right_fast(context), compare)

    def trace(self, context: EvaluationContext, notes: list[str]) -> Any:
        left = self.left.trace(context, notes)
        right = self.right.trace(context, notes)
        if self.symbol == "==":
            return loose_equals(left, right)
        if self.symbol == "!=":
            return not loose_equals(left, right)
        return _ordered(left, right, _ORDERINGS[self.symbol])


def _equality(left: _Node, right: _Node) -> _Fast:
    """``left == right``, with a quicker path for the usual comparison with a literal."""
    if isinstance(left, _Literal) and not isinstance(right, _Literal):
        left, right = right, left
    left_fast = left.fast
    if isinstance(right, _Literal):
        constant = right.constant
        kind = constant.__class__
        if kind is int or kind is float:

            def equals_number(context: EvaluationContext) -> bool:
                value = left_fast(context)
                if value.__class__ is int or value.__class__ is float:
                    return bool(value == constant)
                return loose_equals(value, constant)

            return equals_number
        if kind is str:
            folded = constant.casefold()

            def equals_text(context: EvaluationContext) -> bool:
                value = left_fast(context)
                if value.__class__ is str:
                    return bool(value.casefold() == folded)
                return loose_equals(value, constant)

            return equals_text
    right_fast = right.fast
    return lambda context: loose_equals(left_fast(context), right_fast(context))


# --- parsing ----------------------------------------------------------------------------------

_VALUE = "a value: a runtime expression ($...), a number, 'a string', true, false or null"


class _Parser:
    def __init__(self, text: str, version: str, strict: bool) -> None:
        self.text = text
        self.notes: list[str] = []
        self.tokens = _Tokenizer(text, version, strict, self.notes).tokens()
        self.index = 0
        self.depth = 0
        self.expressions: list[RuntimeExpression] = []

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def fail(self, expected: str) -> ExpressionSyntaxError:
        token = self.current
        if token.kind == "bad":
            expected = token.value
        return ExpressionSyntaxError(self.text, token.start + 1, expected)

    def accept(self, symbol: str) -> bool:
        token = self.current
        if token.kind == "op" and token.text == symbol:
            self.index += 1
            return True
        return False

    def nested(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail(f"a simpler condition (at most {_MAX_DEPTH} nested '(' or '!')")

    def parse(self) -> _Node:
        if self.current.kind == "end":
            raise self.fail("a condition")
        node = self.parse_or()
        token = self.current
        if token.kind != "end":
            if token.kind == "op" and token.text in _COMPARISONS:
                raise self.fail("'&&', '||' or the end (comparisons do not chain; use parentheses)")
            raise self.fail("an operator ('==', '!=', '<', '&&', '||', ...) or the end")
        return node

    def parse_or(self) -> _Node:
        operands = [self.parse_and()]
        while self.accept("||"):
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else _Logical(operands, is_and=False)

    def parse_and(self) -> _Node:
        operands = [self.parse_comparison()]
        while self.accept("&&"):
            operands.append(self.parse_comparison())
        return operands[0] if len(operands) == 1 else _Logical(operands, is_and=True)

    def parse_comparison(self) -> _Node:
        left = self.parse_unary()
        token = self.current
        if token.kind == "op" and token.text in _COMPARISONS:
            self.index += 1
            return _Comparison(left, token.text, self.parse_unary())
        return left

    def parse_unary(self) -> _Node:
        if self.accept("!"):
            self.nested()
            node = _Not(self.parse_unary())
            self.depth -= 1
            return node
        return self.parse_operand()

    def parse_operand(self) -> _Node:
        node = self.parse_primary()
        while True:
            if self.accept("."):
                token = self.current
                if token.kind != "member":
                    raise self.fail("a member name after '.'")
                self.index += 1
                node = _Access(node, token.text, f"{_text_of(node)}.{token.text}")
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
                node = _Access(node, key, f"{_text_of(node)}[{token.text}]")
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
            raise self.fail(f"{_VALUE} (text is quoted: '{token.text}')")
        if self.accept("("):
            self.nested()
            node = self.parse_or()
            if not self.accept(")"):
                raise self.fail("')' to close the '('")
            self.depth -= 1
            return node
        raise self.fail(f"{_VALUE}, or '(' or '!'")


def _text_of(node: _Node) -> str:
    if isinstance(node, _Expression):
        return node.expression.text
    if isinstance(node, _Access):
        return node.text
    return "(...)"


_PASSED: Final = ConditionResult(True)


class Condition:
    """A compiled simple condition; ``evaluate`` never raises.

    ``expressions`` lists its runtime expressions, for static checks. ``notes`` says where
    the text leaves the spec's dialect in a way that is still read unambiguously (a
    double-quoted string, the legacy ``{...}`` wrapping), for a validator's warning.
    """

    __slots__ = ("_fast", "_root", "expressions", "notes", "text")

    text: str
    expressions: tuple[RuntimeExpression, ...]
    notes: tuple[str, ...]
    _root: _Node
    _fast: _Fast

    def __init__(
        self,
        text: str,
        root: _Node,
        expressions: tuple[RuntimeExpression, ...],
        notes: tuple[str, ...] = (),
    ) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_fast", root.fast)
        object.__setattr__(self, "expressions", expressions)
        object.__setattr__(self, "notes", notes)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Condition is immutable; cannot set {name!r}")

    def __repr__(self) -> str:
        return f"Condition({self.text!r})"

    def evaluate(self, context: EvaluationContext) -> ConditionResult:
        """Passed when the condition is boolean true; otherwise the reason, in words."""
        try:
            if self._fast(context) is True:
                return _PASSED
            notes: list[str] = []
            value = self._root.trace(context, notes)
        except Exception as error:  # a condition fails; it never takes the run down (CRIT-06)
            return ConditionResult(False, f"{self.text}: evaluation failed: {error!r}")
        outcome = "is false" if value is False else f"is {_show(value)}, not true"
        detail = "; ".join(dict.fromkeys(notes))
        return ConditionResult(False, f"{self.text} {outcome}" + (f" ({detail})" if detail else ""))


def compile_condition(text: str, *, version: str = "1.0", strict: bool = False) -> Condition:
    """Compile a simple condition; ExpressionSyntaxError, with the column and what was
    expected there, when it does not follow the grammar.

    ``strict`` refuses double-quoted strings and the legacy ``{...}`` wrapping (COND-03,
    COND-09) instead of reading them with a note.
    """
    check_version(version)
    if not isinstance(text, str):
        raise TypeError(f"a condition is a string, not {type(text).__name__}")
    return _compile_condition(text, version, strict)


@lru_cache(maxsize=4096)
def _compile_condition(text: str, version: str, strict: bool) -> Condition:
    stripped = text.strip()
    # COND-09: the legacy "{$statusCode == 401}" of the 1.0.1 Components example.
    wrapped = stripped.startswith("{$") and stripped.endswith("}")
    if wrapped and not strict and stripped.count("{") == stripped.count("}") == 1:
        offset = text.index("{") + 1
        try:
            inner = _parse(stripped[1:-1], version, strict)
        except ExpressionSyntaxError as error:
            raise ExpressionSyntaxError(text, error.column + offset, error.expected) from None
        note = "the condition is wrapped in '{...}', which conditions do not use"
        return Condition(text, inner._root, inner.expressions, (note, *inner.notes))
    return _parse(text, version, strict)


def _parse(text: str, version: str, strict: bool) -> Condition:
    parser = _Parser(text, version, strict)
    root = parser.parse()
    return Condition(text, root, tuple(parser.expressions), tuple(parser.notes))
