"""Offline mocks of the APIs a description calls: scenarios, an httpx transport, a server.

A *scenario* (YAML or JSON, checked against ``SCENARIO_SCHEMA`` at load) scripts the
responses of chosen operations; every other operation of the description's OpenAPI
sources answers from its examples, or with a body generated from its response schema.
Requests are matched to operations by method and path template, on any host and under
any base path, so the same mock serves the real servers' URLs and ``--server`` overrides.

One ``Mock`` answers ``MockRequest``s; ``Mock.transport()`` puts it behind an
``httpx.MockTransport`` for in-process runs, and ``MockServer`` serves it over HTTP on
the loopback interface for other tools. Both record every request they answer.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import httpx
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ._exceptions import ArazzoError, ExpressionError, ExpressionEvaluationError, LoadError
from ._expressions import MISSING, CompiledValue, EvaluationContext, HTTPMessage, compile_value
from ._expressions import to_text as _to_text
from ._loader import Description, display_name
from ._openapi import HTTP_METHODS, Operation
from ._reader import ParsedText, parse_text
from ._words import json_kind

__all__ = [
    "SCENARIO_SCHEMA",
    "Mock",
    "MockRecord",
    "MockRequest",
    "MockResponse",
    "MockServer",
    "Scenario",
    "ScenarioError",
    "ScriptedResponse",
    "Echo",
    "load_scenario",
    "sample_from_schema",
]

# What a scenario file may hold. Kept as data so that docs/cli.md can show it and a
# scenario is rejected, with the place of each problem, before any request is answered.
SCENARIO_SCHEMA: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "arazzo-engine mock scenario",
        "type": "object",
        "properties": {
            "spec": {"type": "string", "minLength": 1},
            "summary": {"type": "string"},
            "operations": {
                "type": "object",
                "additionalProperties": {
                    "if": {"type": "array"},
                    "then": {"minItems": 1, "items": {"$ref": "#/$defs/response"}},
                    "else": {"$ref": "#/$defs/response"},
                },
            },
        },
        "patternProperties": {"^x-": {}},
        "additionalProperties": False,
        "$defs": {
            "response": {
                "type": "object",
                "properties": {
                    "status": {"type": "integer", "minimum": 100, "maximum": 599},
                    "headers": {
                        "type": "object",
                        "additionalProperties": {"type": ["string", "number", "boolean"]},
                    },
                    "body": {},
                },
                "patternProperties": {"^x-": {}},
                "additionalProperties": False,
            }
        },
    }
)

_METHOD_AND_PATH = re.compile(r"^([A-Za-z]+)\s+(/\S*)$")
_JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json$|^[\w.+-]+/[\w.+-]+\+json$")
_TEMPLATE_PARAMETER = re.compile(r"\{([^{}/]+)\}")
_SAMPLE_DEPTH = 8


class ScenarioError(ArazzoError, ValueError):
    """A scenario file that cannot be used; ``problems`` are ``path:line:col: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class ScriptedResponse:
    """One response of a scenario; ``body`` is None when the scenario leaves it out."""

    status: int
    headers: tuple[tuple[str, Echo], ...]
    body: Echo | None  # None: take the body from the OpenAPI description
    pointer: str


@dataclass(frozen=True, slots=True)
class Scenario:
    """A parsed scenario: responses by operation key, in the order written."""

    path: Path | None
    spec: Path | None  # the Arazzo description it is for, resolved against the scenario file
    operations: Mapping[str, tuple[ScriptedResponse, ...]]
    parsed: ParsedText | None = None

    @classmethod
    def empty(cls) -> Scenario:
        return cls(path=None, spec=None, operations=MappingProxyType({}))

    def locate(self, pointer: str, *, key: bool = False) -> str:
        """``path:line:col`` of a node (or, with ``key``, of its key) of the scenario file."""
        if self.parsed is None or self.path is None:
            return "<scenario>"
        position = self.parsed.locate(pointer, key=key)
        return f"{display_name(self.path.resolve().as_uri())}:{position.line}:{position.column}"


@dataclass(frozen=True, slots=True)
class MockRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class MockResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class MockRecord:
    """A request the mock answered, what it matched, and how it answered."""

    method: str
    url: str
    operation: str | None  # "METHOD /path" of the matched operation, None when nothing matched
    status: int
    origin: str  # "scenario", "example", "schema", "empty", "unmatched" or "error"
    detail: str | None = None  # why it answered an error


# --- loading scenarios -------------------------------------------------------------------------


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; raise ScenarioError (or LoadError) with each problem."""
    location = Path(path)
    uri = location.resolve().as_uri()
    name = display_name(uri)
    try:
        text = location.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{name}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError([f"{name}: cannot read: {error}"]) from None
    try:
        parsed = parse_text(text, uri=name, json_only=location.suffix.lower() == ".json")
    except LoadError as error:
        raise ScenarioError([str(error)]) from None
    problems = [
        f"{_where(parsed, name, pointer, at_key)}: {message}"
        for pointer, message, at_key in _schema_problems(parsed.value)
    ]
    if problems:
        raise ScenarioError(problems)
    data: dict[str, Any] = parsed.value
    operations: dict[str, tuple[ScriptedResponse, ...]] = {}
    for key, entry in (data.get("operations") or {}).items():
        base = f"/operations/{_escape(key)}"
        items = [(entry, base)] if isinstance(entry, dict) else _indexed(entry, base)
        responses: list[ScriptedResponse] = []
        for item, pointer in items:
            try:
                responses.append(_scripted(item, pointer))
            except ExpressionError as error:
                problems.append(f"{_where(parsed, name, pointer, False)}: {error}")
        operations[key] = tuple(responses)
    if problems:
        raise ScenarioError(problems)
    spec = data.get("spec")
    return Scenario(
        path=location,
        spec=(location.parent / spec) if isinstance(spec, str) else None,
        operations=MappingProxyType(operations),
        parsed=parsed,
    )


def _indexed(items: list[Any], base: str) -> list[tuple[Any, str]]:
    return [(item, f"{base}/{index}") for index, item in enumerate(items)]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _where(parsed: ParsedText, name: str, pointer: str, at_key: bool) -> str:
    position = parsed.locate(pointer, key=at_key)
    return f"{name}:{position.line}:{position.column}"


def _scripted(item: dict[str, Any], pointer: str) -> ScriptedResponse:
    headers = tuple(
        (str(header), Echo.compile(value if isinstance(value, str) else _json_text(value)))
        for header, value in (item.get("headers") or {}).items()
    )
    body = Echo.compile(item["body"]) if "body" in item else None
    return ScriptedResponse(int(item.get("status", 200)), headers, body, pointer)


class Echo:
    """A scripted value: runtime expressions in its strings are evaluated per request.

    Each string is compiled on its own, so that a part the request does not have (a
    header not sent, a body member left out) becomes null instead of failing the whole
    response: a mock should answer what it can.
    """

    __slots__ = ("_evaluate",)

    def __init__(self, evaluate: Callable[[EvaluationContext], Any]) -> None:
        self._evaluate = evaluate

    @classmethod
    def compile(cls, value: Any) -> Echo:
        """Raises ExpressionSyntaxError for an expression that does not parse."""
        if isinstance(value, dict):
            members = {key: cls.compile(item) for key, item in value.items()}
            return cls(lambda context: {k: m.evaluate(context) for k, m in members.items()})
        if isinstance(value, list):
            items = [cls.compile(item) for item in value]
            return cls(lambda context: [item.evaluate(context) for item in items])
        if isinstance(value, str):
            compiled: CompiledValue = compile_value(value)
            return cls(lambda context: _or_null(compiled, context))
        return cls(lambda context: value)

    def evaluate(self, context: EvaluationContext) -> Any:
        return self._evaluate(context)


def _or_null(compiled: CompiledValue, context: EvaluationContext) -> Any:
    try:
        value = compiled.evaluate(context)
    except ExpressionEvaluationError:
        return None
    return None if value is MISSING else value


_VALIDATOR = Draft202012Validator(dict(SCENARIO_SCHEMA))


def _schema_problems(value: Any) -> Iterator[tuple[str, str, bool]]:
    """(pointer, message, whether the key is meant) for each schema violation, in words."""
    errors = sorted(_VALIDATOR.iter_errors(value), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        yield from _explain(error)


def _explain(error: ValidationError) -> Iterator[tuple[str, str, bool]]:
    path = list(error.absolute_path)
    pointer = "".join("/" + _escape(str(part)) for part in path)
    where = _dotted(path)
    keyword = error.validator
    if keyword == "if":  # the failing branch says more
        for context in error.context or []:
            yield from _explain(context)
        return
    if keyword == "additionalProperties":
        for name in re.findall(r"'([^']*)'", error.message.split("(", 1)[-1]):
            schema = error.schema if isinstance(error.schema, Mapping) else {}
            allowed = ", ".join(sorted(schema.get("properties", {})))
            yield (
                f"{pointer}/{_escape(name)}",
                f"unknown field '{name}' in {where}; expected one of: {allowed} (or x-...)",
                True,
            )
    elif keyword == "type":
        wanted: Any = error.validator_value
        names = [wanted] if isinstance(wanted, str) else [str(name) for name in wanted]
        yield (
            pointer,
            f"{where} must be {' or '.join(names)}, not {json_kind(error.instance)}",
            False,
        )
    elif keyword == "minItems":
        yield pointer, f"{where} must list at least one response", False
    elif keyword in ("minimum", "maximum"):
        yield pointer, f"{where} is {error.instance!r}; an HTTP status is 100 to 599", False
    elif keyword == "minLength":
        yield pointer, f"{where} must not be empty", False
    else:
        yield pointer, f"{where}: {error.message}", False


def _dotted(path: list[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the scenario"


def _json_text(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


# --- the mock ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Route:
    operation: Operation
    pattern: re.Pattern[str]
    parameters: tuple[str, ...]
    label: str  # "GET /pets/{id}"


@dataclass(slots=True)
class _State:
    """What a mock has done so far; the one mutable part, guarded by the mock's lock."""

    turns: dict[str, int] = field(default_factory=dict)
    records: list[MockRecord] = field(default_factory=list)


class Mock:
    """Answers requests for the operations of ``description``'s OpenAPI sources.

    Raises ScenarioError when a scenario key names no operation (or several).
    Thread-safe: the loopback server answers from several threads.
    """

    def __init__(self, description: Description, scenario: Scenario | None = None) -> None:
        self._description = description
        self._scenario = scenario or Scenario.empty()
        self._routes = tuple(_routes(description))
        self._script = self._bind(self._scenario)
        self._lock = threading.Lock()
        self._state = _State()

    @property
    def records(self) -> tuple[MockRecord, ...]:
        """Every request answered so far, in order."""
        with self._lock:
            return tuple(self._state.records)

    def transport(self) -> httpx.MockTransport:
        """An httpx transport that answers every request from this mock (no network)."""

        def answer(request: httpx.Request) -> httpx.Response:
            response = self.handle(
                MockRequest(
                    method=request.method,
                    url=str(request.url),
                    headers=tuple(request.headers.multi_items()),
                    body=request.content,
                )
            )
            return httpx.Response(
                response.status, headers=list(response.headers), content=response.body
            )

        return httpx.MockTransport(answer)

    # -- binding scenario keys to operations ------------------------------------------------

    def _bind(self, scenario: Scenario) -> dict[str, tuple[str, tuple[ScriptedResponse, ...]]]:
        """Route label -> (scenario key, responses)."""
        bound: dict[str, tuple[str, tuple[ScriptedResponse, ...]]] = {}
        problems: list[str] = []
        for key, responses in scenario.operations.items():
            pointer = f"/operations/{_escape(key)}"
            routes, problem = self._resolve_key(key)
            if problem is not None:
                problems.append(f"{scenario.locate(pointer, key=True)}: {problem}")
                continue
            for route in routes:
                if route.label in bound:
                    earlier = bound[route.label][0]
                    problems.append(
                        f"{scenario.locate(pointer, key=True)}: '{key}' and '{earlier}' both "
                        f"script {route.label}; keep one"
                    )
                bound[route.label] = (key, responses)
        if problems:
            raise ScenarioError(problems)
        return bound

    def _resolve_key(self, key: str) -> tuple[list[_Route], str | None]:
        method_and_path = _METHOD_AND_PATH.match(key)
        if method_and_path:
            method, path = method_and_path[1].lower(), method_and_path[2]
            # Path templates are the same whatever their parameters are called.
            shape = _TEMPLATE_PARAMETER.sub("{}", path)
            found = [
                r
                for r in self._routes
                if r.operation.method == method
                and _TEMPLATE_PARAMETER.sub("{}", r.operation.path) == shape
            ]
            if found:
                return found, None
            label = f"{method.upper()} {path}"
            known = [r.label for r in self._routes]
            return [], _unknown(f"no operation {label}", label, known)
        name = key.removeprefix("$sourceDescriptions.")
        by_id = [r for r in self._routes if r.operation.operation_id == name]
        qualified: list[_Route] = []
        if "." in name:
            source, _, operation_id = name.partition(".")
            uri = self._source_uris().get(source)
            qualified = [
                r
                for r in self._routes
                if r.operation.source_uri == uri and r.operation.operation_id == operation_id
            ]
        if by_id and qualified and by_id != qualified:
            return [], f"'{key}' is both an operationId and a qualified source.operationId"
        found = by_id or qualified
        if len(found) > 1 and not qualified:
            names = self._qualified_names(found)
            return [], f"operationId '{key}' is in several sources; write one of: {names}"
        if found:
            return found, None
        known = [r.operation.operation_id for r in self._routes if r.operation.operation_id]
        return [], _unknown(f"no operation '{key}' in the description's sources", key, known)

    def _source_uris(self) -> dict[str, str]:
        uris: dict[str, str] = {}
        for document in self._description.iter_documents():
            for name, binding in self._description.sources_of(document).items():
                if binding.kind == "openapi" and binding.uri and name not in uris:
                    uris[name] = binding.uri
        return uris

    def _qualified_names(self, routes: list[_Route]) -> str:
        names_by_uri = {uri: name for name, uri in reversed(self._source_uris().items())}
        return ", ".join(
            f"{names_by_uri.get(r.operation.source_uri, '?')}.{r.operation.operation_id}"
            for r in routes
        )

    # -- answering ----------------------------------------------------------------------------

    def handle(self, request: MockRequest) -> MockResponse:
        """Answer one request, and record it."""
        method = request.method.lower()
        parts = urlsplit(request.url)
        matched = self._match(method, parts.path)
        if matched is None:
            message = (
                f"no operation of the description matches {request.method.upper()} {parts.path}"
            )
            response = _json_response(404, {"error": "mock: " + message})
            self._record(request, None, response.status, "unmatched", message)
            return response
        route, path_values = matched
        context = EvaluationContext(
            url=request.url,
            method=request.method.upper(),
            request=HTTPMessage(
                headers=_header_map(request.headers),
                body=_parse_body(request.body, _header(request.headers, "content-type")),
                query=_query_map(parts.query),
                path=MappingProxyType(path_values),
            ),
        )
        with self._lock:
            script = self._script.get(route.label)
            turn = 0
            if script is not None:
                turn = self._state.turns.get(route.label, 0)
                self._state.turns[route.label] = turn + 1
        try:
            if script is not None:
                responses = script[1]
                response = self._scripted_response(
                    route, responses[min(turn, len(responses) - 1)], context
                )
                origin = "scenario"
            else:
                response, origin = self._described_response(route.operation, None)
        except (ExpressionError, LookupError, TypeError, ValueError) as error:
            message = f"cannot build the response for {route.label}: {error}"
            response = _json_response(500, {"error": "mock: " + message})
            self._record(request, route.label, 500, "error", message)
            return response
        self._record(request, route.label, response.status, origin, None)
        return response

    def _record(
        self, request: MockRequest, label: str | None, status: int, origin: str, detail: str | None
    ) -> None:
        with self._lock:
            self._state.records.append(
                MockRecord(request.method.upper(), request.url, label, status, origin, detail)
            )

    def _match(self, method: str, path: str) -> tuple[_Route, dict[str, str]] | None:
        best: tuple[tuple[int, int, int], _Route, dict[str, str]] | None = None
        for route in self._routes:
            if route.operation.method != method:
                continue
            match = route.pattern.match(path)
            if match is None:
                continue
            prefix = match["prefix"]
            # The fewest unexplained leading segments, then the most literal template.
            rank = (prefix.count("/"), len(route.parameters), -len(route.operation.path))
            if best is None or rank < best[0]:
                values = {
                    name: unquote(match[f"p{index}"]) for index, name in enumerate(route.parameters)
                }
                best = (rank, route, values)
        return None if best is None else (best[1], best[2])

    def _scripted_response(
        self, route: _Route, scripted: ScriptedResponse, context: EvaluationContext
    ) -> MockResponse:
        headers = [
            (name, _to_text(value))
            for name, echo in scripted.headers
            if (value := echo.evaluate(context)) is not None
        ]
        if scripted.body is None:
            described, _ = self._described_response(route.operation, scripted.status)
            given = {name.lower() for name, _ in headers}
            headers += [(n, v) for n, v in described.headers if n.lower() not in given]
            return MockResponse(scripted.status, tuple(headers), described.body)
        body = scripted.body.evaluate(context)
        content_type = next((v for n, v in headers if n.lower() == "content-type"), None)
        if content_type is None:
            content_type = "application/json"
            headers.append(("content-type", content_type))
        if _is_json(content_type) or not isinstance(body, str):
            data = json.dumps(body, ensure_ascii=False).encode()
        else:
            data = body.encode()
        return MockResponse(scripted.status, tuple(headers), data)

    def _described_response(
        self, operation: Operation, status: int | None
    ) -> tuple[MockResponse, str]:
        """The response the description gives for ``status`` (its first success when None)."""
        resolver = self._description.resolver
        base = operation.definition_uri
        responses = operation.definition.get("responses")
        if not isinstance(responses, Mapping) or not responses:
            return MockResponse(status or 200, ()), "empty"
        code, entry = _pick_response(responses, status)
        if entry is None:
            return MockResponse(status or 200, ()), "empty"
        base, entry = resolver.resolve(base, entry)
        content = entry.get("content") if isinstance(entry, Mapping) else None
        answered = status or code
        if not isinstance(content, Mapping) or not content:
            return MockResponse(answered, ()), "empty"
        media_type = next((m for m in content if _is_json(m)), next(iter(content)))
        media = content[media_type]
        base, media = resolver.resolve(base, media)
        media = media if isinstance(media, Mapping) else {}
        body, origin = self._media_body(media, base)
        headers = (("content-type", media_type),)
        if _is_json(media_type) or not isinstance(body, str):
            return MockResponse(answered, headers, json.dumps(body).encode()), origin
        return MockResponse(answered, headers, body.encode()), origin

    def _media_body(self, media: Mapping[str, Any], base: str) -> tuple[Any, str]:
        resolver = self._description.resolver
        if "example" in media:
            return media["example"], "example"
        examples = media.get("examples")
        if isinstance(examples, Mapping):
            for example in examples.values():
                _, resolved = resolver.resolve(base, example)
                if isinstance(resolved, Mapping) and "value" in resolved:
                    return resolved["value"], "example"
        schema = media.get("schema")
        if schema is None:
            return None, "empty"
        return sample_from_schema(schema, base, resolver.resolve), "schema"


def _unknown(message: str, key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
    if close:
        return f"{message}; did you mean {' or '.join(repr(c) for c in close)}?"
    if known:
        shown = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
        return f"{message}; known: {shown}"
    return message


def _routes(description: Description) -> Iterator[_Route]:
    for document in description.openapi_documents.values():
        for operation in document.operations:
            if operation.method not in HTTP_METHODS:
                continue
            parameters: list[str] = []
            pattern = ""
            position = 0
            for found in _TEMPLATE_PARAMETER.finditer(operation.path):
                pattern += re.escape(operation.path[position : found.start()])
                pattern += f"(?P<p{len(parameters)}>[^/]+)"
                parameters.append(found[1])
                position = found.end()
            pattern += re.escape(operation.path[position:])
            yield _Route(
                operation,
                re.compile(rf"^(?P<prefix>(?:/[^/]+)*?){pattern.rstrip('/')}/?$"),
                tuple(parameters),
                f"{operation.method.upper()} {operation.path}",
            )


def _pick_response(responses: Mapping[str, Any], status: int | None) -> tuple[int, Any]:
    if status is not None:
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            for written, entry in responses.items():
                if str(written).upper() == key.upper():
                    return status, entry
        return status, None
    codes = sorted(str(key) for key in responses)
    for key in codes:
        if key.startswith("2") and key[1:].isdigit():
            return int(key), responses[key]
    for key in codes:
        if key.upper() == "2XX":
            return 200, responses[key]
    if "default" in responses:
        return 200, responses["default"]
    return 200, None


def _is_json(media_type: str) -> bool:
    return bool(_JSON_MEDIA.match(media_type.split(";", maxsplit=1)[0].strip().lower()))


def _json_response(status: int, body: Any) -> MockResponse:
    return MockResponse(status, (("content-type", "application/json"),), json.dumps(body).encode())


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _header_map(headers: tuple[tuple[str, str], ...]) -> Mapping[str, str]:
    merged: dict[str, str] = {}
    for name, value in headers:
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return MappingProxyType(merged)


def _query_map(query: str) -> Mapping[str, Any]:
    values: dict[str, Any] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name not in values:
            values[name] = value
        elif isinstance(values[name], list):
            values[name].append(value)
        else:
            values[name] = [values[name], value]
    return MappingProxyType(values)


def _parse_body(body: bytes, content_type: str | None) -> Any:
    if not body:
        return MISSING
    text = body.decode("utf-8", errors="replace")
    media_type = (content_type or "").split(";")[0].strip().lower()
    if _is_json(media_type) or not media_type:
        try:
            return json.loads(text)
        except ValueError:
            return text
    if media_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(text, keep_blank_values=True))
    return text


# --- bodies from schemas -----------------------------------------------------------------------

_FORMAT_SAMPLES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "uuid": "00000000-0000-4000-8000-000000000000",
        "date-time": "2024-01-01T00:00:00Z",
        "date": "2024-01-01",
        "time": "00:00:00Z",
        "email": "user@example.com",
        "uri": "https://example.com/",
        "url": "https://example.com/",
        "hostname": "example.com",
        "ipv4": "192.0.2.1",
        "ipv6": "2001:db8::1",
        "byte": "c3RyaW5n",
        "password": "********",
    }
)

Resolve = Callable[[str, Any], tuple[str, Any]]


def sample_from_schema(schema: Any, base_uri: str, resolve: Resolve, depth: int = 0) -> Any:
    """A value that fits ``schema``, the same every time.

    Examples, ``const``, ``default`` and ``enum`` win; then one item per array, every
    property of an object (only the required ones past a nesting depth), and the
    ``minimum`` or a value of the right ``format`` for scalars.
    """
    base_uri, schema = resolve(base_uri, schema)
    if not isinstance(schema, Mapping):
        return None
    for keyword in ("example", "const", "default"):
        if keyword in schema:
            return schema[keyword]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = sample_from_schema(part, base_uri, resolve, depth + 1)
            if not isinstance(value, dict):
                return value
            merged.update(value)
        own = {key: value for key, value in schema.items() if key != "allOf"}
        if own.get("properties"):
            merged.update(sample_from_schema(own, base_uri, resolve, depth))
        return merged
    for keyword in ("oneOf", "anyOf"):
        if isinstance(schema.get(keyword), list) and schema[keyword]:
            return sample_from_schema(schema[keyword][0], base_uri, resolve, depth + 1)
    kind = _schema_type(schema)
    if kind == "object":
        properties = schema.get("properties")
        required = set(schema.get("required") or ())
        result: dict[str, Any] = {}
        if isinstance(properties, Mapping):
            for name, subschema in properties.items():
                if depth >= _SAMPLE_DEPTH and name not in required:
                    continue
                result[name] = sample_from_schema(subschema, base_uri, resolve, depth + 1)
        return result
    if kind == "array":
        if depth >= _SAMPLE_DEPTH or schema.get("maxItems") == 0:
            return []
        count = max(1, int(schema.get("minItems") or 0))
        item = sample_from_schema(schema.get("items", {}), base_uri, resolve, depth + 1)
        return [item] * count
    if kind == "string":
        text = _FORMAT_SAMPLES.get(str(schema.get("format")), "string")
        minimum = schema.get("minLength")
        return text.ljust(minimum, "x") if isinstance(minimum, int) else text
    if kind in ("integer", "number"):
        number: float = 0
        if isinstance(schema.get("minimum"), int | float):
            number = schema["minimum"]
        elif isinstance(schema.get("exclusiveMinimum"), int | float):
            number = schema["exclusiveMinimum"] + 1
        elif isinstance(schema.get("maximum"), int | float) and schema["maximum"] < 0:
            number = schema["maximum"]
        return int(number) if kind == "integer" else number
    if kind == "boolean":
        return True
    return None


def _schema_type(schema: Mapping[str, Any]) -> str | None:
    written = schema.get("type")
    if isinstance(written, list):
        written = next((t for t in written if t != "null"), None)
    if isinstance(written, str):
        return written
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


# --- the loopback server -----------------------------------------------------------------------


class MockServer:
    """``mock`` served over HTTP/1.1 on ``host`` (loopback by default), one thread per request.

    ``port`` 0 picks a free port; ``url`` says which. ``on_request`` is called with
    each record as it is answered (the command line prints them).
    """

    def __init__(
        self,
        mock: Mock,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_request: Callable[[MockRecord], None] | None = None,
    ) -> None:
        self.mock = mock
        handler = _handler_class(mock, on_request)
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        """Serve until ``shutdown`` is called from another thread (or Ctrl-C)."""
        self._server.serve_forever(poll_interval=0.1)

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> MockServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _handler_class(
    mock: Mock, on_request: Callable[[MockRecord], None] | None
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as httpx clients expect
        server_version = "arazzo-mock"

        def answer(self) -> None:
            body = self._read_body()
            host = self.headers.get("Host") or "127.0.0.1"
            request = MockRequest(
                method=self.command,
                url=urljoin(f"http://{host}", self.path),
                headers=tuple(self.headers.items()),
                body=body,
            )
            response = mock.handle(request)
            if on_request is not None:
                on_request(mock.records[-1])
            self.send_response(response.status, _reason(response.status))
            for name, value in response.headers:
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        def _read_body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks: list[bytes] = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""

        def log_message(self, format: str, *args: Any) -> None:
            pass  # on_request reports each request; the default would print to stderr

    for method in HTTP_METHODS:
        setattr(Handler, f"do_{method.upper()}", Handler.answer)
    return Handler


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
