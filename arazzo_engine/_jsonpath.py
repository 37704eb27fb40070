"""JSONPath for criteria and selectors: RFC 9535 by default, Goessner's draft on request.

Both dialects come from python-jsonpath. Its strict environment follows RFC 9535 and passes
all 703 cases of the JSONPath Compliance Test Suite (``tests/test_jsonpath_cts.py``, through
``jsonpath_query``); its default environment is a superset that also reads Goessner-style
queries (``?(...)`` filters, ``=~`` regex literals, unions with ``|``) and serves
``draft-goessner-dispatch-jsonpath-00``. The library exposes its filter-expression parser,
which the comparison rule of jsonpath criteria needs (see ``compile_jsonpath_condition``).

A query is compiled once; compiling is cached per text, so a condition with embedded
``{$...}`` values, rendered anew at each evaluation, is parsed once per distinct text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jsonpath import (
    CompoundJSONPath,
    JSONPath,
    JSONPathEnvironment,
    JSONPathError,
    JSONPathMatch,
    JSONPathSyntaxError,
)
from jsonpath.filter import (
    FilterExpression,
    FilterExpressionLiteral,
    FunctionExtension,
    Nil,
    RootFilterQuery,
    walk,
)
from jsonpath.function_extensions import ExpressionType, FilterFunction
from jsonpath.selectors import FilterContext
from jsonpath.stream import TokenStream
from jsonpath.token import TOKEN_EOF

from ._exceptions import ExpressionEvaluationError, ExpressionSyntaxError

__all__ = [
    "GOESSNER",
    "JSONPATH_VERSIONS",
    "RFC9535",
    "JSONPathCondition",
    "JSONPathQuery",
    "compile_jsonpath_condition",
    "compile_jsonpath_query",
    "jsonpath_query",
]

RFC9535 = "rfc9535"
GOESSNER = "draft-goessner-dispatch-jsonpath-00"
JSONPATH_VERSIONS = (RFC9535, GOESSNER)

_ENVIRONMENTS: dict[str, JSONPathEnvironment] = {
    RFC9535: JSONPathEnvironment(strict=True),
    GOESSNER: JSONPathEnvironment(),
}
_DIALECT_NAMES = {
    RFC9535: "an RFC 9535 JSONPath query",
    GOESSNER: "a JSONPath query (draft-goessner-dispatch-jsonpath-00)",
}
_NO_NODE = object()


class _ValuePath(JSONPath):
    """A JSONPath that takes its data as a JSON value.

    The library reads a string given as the root as JSON text (``"42"`` becomes 42, ``"[1"``
    an error); to RFC 9535 it is a string value, which every segment skips (a primitive has
    no children).
    """

    def finditer(
        self, data: Any, *, filter_context: Mapping[str, Any] | None = None
    ) -> Iterable[JSONPathMatch]:
        if not isinstance(data, str):
            return super().finditer(data, filter_context=filter_context)
        if self.segments:
            return ()
        root = JSONPathMatch(
            filter_context=filter_context or {},
            obj=data,
            parent=None,
            path=self.env.root_token,
            parts=(),
            root=data,
        )
        return (root,)


def _as_value_path(path: JSONPath) -> _ValuePath:
    return _ValuePath(env=path.env, segments=path.segments, pseudo_root=path.pseudo_root)


@dataclass(frozen=True, slots=True)
class JSONPathQuery:
    """A compiled JSONPath query.

    ``singular`` is RFC 9535's *singular query* (Section 2.3.5.1): only name and index
    selectors, so it can select at most one node, whatever the data.
    """

    text: str
    version: str
    path: JSONPath | CompoundJSONPath

    @property
    def singular(self) -> bool:
        return isinstance(self.path, JSONPath) and self.path.singular_query()

    def values(self, data: Any) -> list[Any]:
        """The values of the nodes the query selects, in nodelist order.

        ExpressionEvaluationError when the library cannot finish (a nesting deeper than its
        recursion limit).
        """
        try:
            return [match.obj for match in self.path.finditer(data)]
        except (JSONPathError, RecursionError) as error:
            raise ExpressionEvaluationError(self.text, _message(error)) from None

    def selects_any(self, data: Any) -> bool:
        """Whether the nodelist is non-empty; stops at the first node."""
        try:
            return next(iter(self.path.finditer(data)), _NO_NODE) is not _NO_NODE
        except (JSONPathError, RecursionError) as error:
            raise ExpressionEvaluationError(self.text, _message(error)) from None


@dataclass(frozen=True, slots=True)
class JSONPathCondition:
    """A jsonpath criterion's condition: a query, or a logical (filter) expression.

    A query holds when its nodelist is not empty (OAI #423). A logical expression, the form
    published documents write (``$.status == 'completed'``), is evaluated once with the data
    as both ``$`` and ``@`` and holds when it is true.
    """

    text: str
    version: str
    query: JSONPathQuery | None
    logical: FilterExpression | None

    def holds(self, data: Any) -> bool:
        """Whether the condition holds for ``data``; ExpressionEvaluationError when the
        library cannot finish."""
        if self.query is not None:
            return self.query.selects_any(data)
        assert self.logical is not None
        environment = _ENVIRONMENTS[self.version]
        try:
            return self.logical.evaluate(FilterContext(env=environment, current=data, root=data))
        except (JSONPathError, RecursionError) as error:
            raise ExpressionEvaluationError(self.text, _message(error)) from None


def jsonpath_query(query: str, data: Any) -> list[Any]:
    """The values an RFC 9535 query selects in the JSON value ``data``, in nodelist order.

    ExpressionSyntaxError for a query that is not valid RFC 9535 (well-typedness included);
    ExpressionEvaluationError when the library cannot finish (a nesting deeper than its
    recursion limit).
    """
    return compile_jsonpath_query(query, RFC9535).values(data)


def compile_jsonpath_query(text: str, version: str = RFC9535) -> JSONPathQuery:
    """Compile a query of the given dialect; ExpressionSyntaxError when it is not one."""
    return _compile_query(text, version)


def compile_jsonpath_condition(text: str, version: str = RFC9535) -> JSONPathCondition:
    """Compile a jsonpath criterion's condition.

    The condition is read as a query when it is one. Otherwise, when it is a logical
    expression of the same grammar (what may follow ``?`` in a filter selector), it is read
    as that; this is how published documents write comparisons. When it is neither, the
    ExpressionSyntaxError is the one of the reading that got further into the text.
    """
    return _compile_condition(text, version)


@lru_cache(maxsize=1024)
def _compile_query(text: str, version: str) -> JSONPathQuery:
    environment = _environment(version)
    try:
        return JSONPathQuery(text, version, _compiled(environment, text))
    except (JSONPathError, RecursionError) as error:
        raise _syntax_error(text, error, _DIALECT_NAMES[version]) from None


@lru_cache(maxsize=1024)
def _compile_condition(text: str, version: str) -> JSONPathCondition:
    environment = _environment(version)
    try:
        path = _compiled(environment, text)
    except (JSONPathError, RecursionError) as query_error:
        try:
            logical = _parse_logical(environment, text)
        except (JSONPathError, RecursionError) as logical_error:
            # The reading that got further is the likelier intent. On a tie the logical
            # reading's message is the more telling (`length(@)`: "compare it").
            furthest = max(logical_error, query_error, key=lambda error: _error_column(text, error))
            expected = f"{_DIALECT_NAMES[version]} or logical expression"
            raise _syntax_error(text, furthest, expected) from None
        return JSONPathCondition(text, version, None, logical)
    return JSONPathCondition(text, version, JSONPathQuery(text, version, path), None)


def _compiled(environment: JSONPathEnvironment, text: str) -> JSONPath | CompoundJSONPath:
    path = environment.compile(text)
    return _as_value_path(path) if isinstance(path, JSONPath) else path


def _environment(version: str) -> JSONPathEnvironment:
    try:
        return _ENVIRONMENTS[version]
    except KeyError:
        raise ValueError(
            f"unknown JSONPath version {version!r}; expected one of {list(JSONPATH_VERSIONS)}"
        ) from None


def _parse_logical(environment: JSONPathEnvironment, text: str) -> FilterExpression:
    """``text`` as a whole logical expression, by the library's own filter parser, with the
    checks its filter selector makes (RFC 9535 Section 2.3.5.1)."""
    stream = TokenStream(environment.lexer.tokenize(text))
    first = stream.current()
    expression = environment.parser.parse_filter_expression(stream)
    stream.skip_whitespace()
    rest = stream.current()
    if rest.kind != TOKEN_EOF:
        raise JSONPathSyntaxError(f"unexpected {rest.value!r}", token=rest)
    if isinstance(expression, FilterExpressionLiteral | Nil):
        raise JSONPathSyntaxError("a literal is not a test on its own; compare it", token=first)
    if isinstance(expression, FunctionExtension):
        function = environment.function_extensions.get(expression.name)
        if isinstance(function, FilterFunction) and function.return_type == ExpressionType.VALUE:
            raise JSONPathSyntaxError(
                f"the result of {expression.name}() is a value, not a test; compare it",
                token=first,
            )
    logical = FilterExpression(expression)
    # `$` in the expression is the data, which may be a string: read it as a value too.
    for node in walk(logical):
        if isinstance(node, RootFilterQuery) and isinstance(node.path, JSONPath):
            node.path = _as_value_path(node.path)
    return logical


def _syntax_error(text: str, error: BaseException, expected: str) -> ExpressionSyntaxError:
    return ExpressionSyntaxError(
        text, _error_column(text, error), f"{expected} ({_message(error)})"
    )


def _error_column(text: str, error: BaseException) -> int:
    token = error.token if isinstance(error, JSONPathError) else None
    if token is None:
        return 1
    if token.kind == TOKEN_EOF or token.index < 0:
        return len(text) + 1
    return token.index + 1


def _message(error: BaseException) -> str:
    if isinstance(error, RecursionError) and not isinstance(error, JSONPathError):
        return "too deeply nested"
    first = error.args[0] if error.args else ""
    return first if isinstance(first, str) and first else type(error).__name__
