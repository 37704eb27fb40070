"""Checking a response against its OpenAPI operation, with openapi-core.

The declared status (exact, ``2XX`` range or ``default``), the content type and the body
schema (plus declared response headers) are checked by openapi-core's response validator.
The engine already knows which operation it called, so openapi-core's path and server
matching is replaced by a finder that returns that operation: a base URL override or a
server variable then cannot make the check miss. ``$ref``s are resolved from the documents
the description loaded, never fetched. The compiled openapi-core specification is kept per
OpenAPI document, since building it is expensive.

Problems come back as sentences; the runner decides their weight.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

import httpx
from jsonschema_path import SchemaPath
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.datatypes import TemplateResult
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.paths.datatypes import PathOperationServer
from openapi_core.templating.paths.finders import BasePathFinder
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response.exceptions import MissingData
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

from ._openapi import OpenAPIDocument, Operation, RefResolver

if TYPE_CHECKING:
    from ._requests import PreparedRequest

__all__ = ["MAX_SCHEMA_PROBLEMS", "check_response"]

MAX_SCHEMA_PROBLEMS = 10
_CACHE_SIZE = 32
# The request URL handed to openapi-core only carries the operation's path template to the
# finder below; it is never resolved or fetched.
_OPERATION_HOST = "http://operation.invalid"


def check_response(
    operation: Operation,
    resolver: RefResolver,
    document: OpenAPIDocument,
    request: PreparedRequest,
    response: httpx.Response,
) -> tuple[str, ...]:
    """What in ``response`` disagrees with ``operation``'s declared responses; empty when
    nothing does. Never raises: a failure inside openapi-core becomes one message.

    ``document`` is the OpenAPI document the operation was found through
    (``operation.source_uri``); ``response`` must have been read.
    """
    name = _describe(operation)
    try:
        validator = _validator(document, resolver)
        errors = list(
            validator.iter_errors(_CoreRequest(operation.path, request), _CoreResponse(response))
        )
    except Exception as failure:  # a check must never break a run
        return (f"{name}: the response could not be checked: {type(failure).__name__}: {failure}",)
    problems: list[str] = []
    for error in errors:
        problems.extend(_sentences(error, name, response))
    return tuple(problems)


# --------------------------------------------------------------------------- openapi-core glue


class _KnownOperationFinder(BasePathFinder):
    """Returns the operation whose path template the request carries: no path or server
    matching, which the engine has already done by choosing the operation."""

    def find(self, method: str, name: str) -> PathOperationServer:
        template = urlsplit(name).path
        path = self.spec / "paths" / template
        return PathOperationServer(
            path, path / method, None, TemplateResult(template, {}), TemplateResult("", {})
        )


class _CoreRequest:
    """The request as openapi-core's Request protocol reads it."""

    def __init__(self, template: str, request: PreparedRequest) -> None:
        self.host_url = _OPERATION_HOST
        self.path = template
        self.path_pattern = template
        self.method = request.method.lower()
        self.parameters = RequestParameters()
        self.body = request.content
        self.content_type = request.content_type or ""


class _CoreResponse:
    """An ``httpx.Response`` as openapi-core's Response protocol reads it."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def content_type(self) -> str:
        return str(self._response.headers.get("content-type", "")).lower()

    @property
    def headers(self) -> Mapping[str, Any]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class _LoadedDocuments:
    """Serves ``$ref`` targets from the documents already loaded, for every URL scheme."""

    def __init__(self, resolver: RefResolver) -> None:
        self._resolver = resolver

    def __call__(self, uri: str) -> Any:
        document_uri, _ = urldefrag(uri)
        _, root = self._resolver.resolve(document_uri, {"$ref": document_uri})
        return root


def _json_loads(value: bytes, **parameters: str) -> Any:
    return json.loads(value)


class _JsonMediaTypes(dict[str, Callable[..., Any]]):
    """Every JSON media type (``application/json``, ``text/json``, any ``+json`` structured
    syntax suffix) parsed as JSON; openapi-core only knows a fixed list of names and would
    treat ``application/problem+json`` as bytes."""

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and _is_json(key)

    def __getitem__(self, key: str) -> Callable[..., Any]:
        if key in self:
            return _json_loads
        raise KeyError(key)


def _is_json(media_type: str) -> bool:
    media = media_type.split(";", 1)[0].strip().lower()
    return media in ("application/json", "text/json") or media.endswith("+json")


_cache: OrderedDict[int, tuple[OpenAPIDocument, Any]] = OrderedDict()
_cache_lock = threading.Lock()


def _validator(document: OpenAPIDocument, resolver: RefResolver) -> Any:
    """openapi-core's response validator for ``document``, built once and kept.

    Keyed by the document object (held in the entry, so its id cannot be reused while
    cached); a small LRU bounds what a long-lived process keeps.
    """
    key = id(document)
    with _cache_lock:
        entry = _cache.get(key)
        if entry is not None and entry[0] is document:
            _cache.move_to_end(key)
            return entry[1]
    documents = _LoadedDocuments(resolver)
    handlers = dict.fromkeys(("file", "http", "https"), documents)
    spec = SchemaPath.from_dict(document.raw, base_uri=document.uri, handlers=handlers)
    # The sources were validated when loaded (rule openapi-invalid), so openapi-core need not
    # do it again; it documents None as "skip", though its annotation leaves None out.
    config = Config(
        spec_validator_cls=None,  # type: ignore[arg-type]
        path_finder_cls=_KnownOperationFinder,
        extra_media_type_deserializers=_JsonMediaTypes(),
    )
    validator = OpenAPI(spec, config=config).response_validator
    with _cache_lock:
        _cache[key] = (document, validator)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return validator


# --------------------------------------------------------------------------- messages


def _describe(operation: Operation) -> str:
    if operation.operation_id:
        return operation.operation_id
    return f"{operation.method.upper()} {operation.path}"


def _sentences(error: Exception, name: str, response: httpx.Response) -> list[str]:
    status = response.status_code
    cause = error.__cause__
    if isinstance(error, ResponseNotFound):
        declared = ", ".join(str(code) for code in error.availableresponses) or "none"
        return [f"{name}: status {status} is not declared (declared: {declared})"]
    if isinstance(cause, MediaTypeNotFound):
        actual = response.headers.get("content-type") or "(none)"
        declared = ", ".join(cause.availableMimetypes) or "none"
        return [
            f"{name}: content type {actual!r} is not declared for status {status} "
            f"(declared: {declared})"
        ]
    if isinstance(cause, MediaTypeDeserializeError):
        return [f"{name}: the response body of status {status} is not valid {cause.mimetype}"]
    if isinstance(error, MissingData):
        return [f"{name}: status {status} declares a response body and the response has none"]
    if isinstance(cause, InvalidSchemaValue):
        schema_errors = list(cause.schema_errors)
        sentences = []
        for schema_error in schema_errors[:MAX_SCHEMA_PROBLEMS]:
            path = getattr(schema_error, "absolute_path", ())
            where = "".join(f"/{part}" for part in path) or "/"
            # Not getattr(..., str(error)): str() of a jsonschema error pretty-prints the whole
            # schema and instance, which costs milliseconds per problem.
            message = (
                schema_error.message if hasattr(schema_error, "message") else str(schema_error)
            )
            sentences.append(
                f"{name}: the response body does not match the schema at {where}: {message}"
            )
        hidden = len(schema_errors) - MAX_SCHEMA_PROBLEMS
        if hidden > 0:
            sentences.append(f"{name}: ... and {hidden} more schema problems")
        return sentences
    detail = str(cause) if cause is not None else str(error)
    header = getattr(error, "name", None)
    if isinstance(header, str):
        return [f"{name}: response header {header!r}: {detail}"]
    return [f"{name}: {detail or type(error).__name__}"]
