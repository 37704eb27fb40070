"""Building the HTTP request of an operation step from its evaluated Arazzo values.

The edge between a workflow and the wire: the base URL from the source's Server Objects,
parameters serialized by their OpenAPI definitions (``_serialization``), the body encoded by
its content type with the payload replacements applied, and the security credentials
(``_security``). Building is pure and synchronous; it returns a ``PreparedRequest``, which the
runner sends (after ``_security.authorize`` for OAuth2 tokens) and which ``$request.*`` reads.
``record_request`` and ``record_response`` turn the exchange into masked ``_results`` records.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urljoin
from xml.etree import ElementTree

import elementpath
import httpx
import jsonpath

from ._criteria import apply_xpath_replacement
from ._exceptions import ArazzoError, ExecutionError
from ._openapi import OpenAPIDocument, Operation, RefResolver
from ._results import RecordedRequest, RecordedResponse
from ._security import Credential, apply_security
from ._serialization import (
    DEFAULT_STYLES,
    STYLES_BY_LOCATION,
    SerializationError,
    default_explode,
    keep,
    percent_encode,
    scalar_text,
    serialize_cookie,
    serialize_header,
    serialize_path,
    serialize_query,
)
from ._words import json_kind

if TYPE_CHECKING:
    from ._masking import Masker

__all__ = [
    "BodyValue",
    "Credential",
    "ParameterValue",
    "PreparedRequest",
    "RequestBuildError",
    "base_url",
    "build_request",
    "record_request",
    "record_response",
]

LOCATIONS = ("path", "query", "header", "cookie", "querystring")
# OpenAPI: "If in is header and the name is Accept, Content-Type or Authorization, the
# parameter definition SHALL be ignored." The Arazzo parameter itself is still sent.
_IGNORED_HEADER_DEFINITIONS = frozenset({"accept", "content-type", "authorization"})
_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]+)\}")
_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HEADER_BREAK = re.compile(r"[\r\n\x00]")
_JSONPATH = jsonpath.JSONPathEnvironment(strict=True)


class RequestBuildError(ExecutionError):
    """The request of a step cannot be built; the message names the parameter or problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason="request-error")


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """An evaluated Arazzo parameter of an operation step."""

    name: str
    location: str  # path | query | header | cookie | querystring (1.1)
    value: Any  # evaluated, type preserved


@dataclass(frozen=True, slots=True)
class BodyValue:
    """An evaluated Arazzo requestBody; the replacements are applied by ``build_request``."""

    content_type: str | None
    payload: Any  # dict/list/scalar, str (a rendered template) or bytes
    replacements: tuple[tuple[str, Any, str | None], ...] = ()  # (target, value, selector type)


def _no_entries() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """What the runner sends, and what ``$request.*`` reads back afterwards (PARAM-08)."""

    method: str  # upper-case
    url: str  # absolute, query included
    headers: tuple[tuple[str, str], ...]
    content: bytes | None
    content_type: str | None
    path_parameters: Mapping[str, str] = field(default_factory=_no_entries)  # serialized
    query_parameters: Mapping[str, Any] = field(default_factory=_no_entries)  # str | list[str]
    header_values: Mapping[str, str] = field(default_factory=_no_entries)  # lower-case names
    body_value: Any = None  # the structured body after replacements, or its text
    # What was sent but deserves a word: undeclared parameters (PARAM-04), a Content-Type
    # parameter overriding the body's (BODY-04), required parameters left out.
    warnings: tuple[str, ...] = ()

    def to_httpx(self) -> httpx.Request:
        return httpx.Request(
            self.method, self.url, headers=list(self.headers), content=self.content
        )


# --------------------------------------------------------------------------- base URL


def base_url(
    operation: Operation, document: OpenAPIDocument, *, override: str | None = None
) -> str:
    """The API base URL of ``operation``, without a trailing slash.

    ``override`` (a per-source URL from the run configuration) wins. Otherwise the first
    Server Object of the operation, else of its path item, else of the document (SRC-05), with
    every variable at its default. A relative server URL, and the ``/`` OpenAPI implies when
    no servers are declared, resolve against the OpenAPI document's URI.
    """
    if override:
        return _without_final_slash(override)
    root = document.raw if isinstance(document.raw, dict) else {}
    for servers, uri in (
        (operation.definition.get("servers"), operation.definition_uri),
        (operation.path_item.get("servers"), operation.definition_uri),
        (root.get("servers"), document.uri),
    ):
        if isinstance(servers, list) and servers and isinstance(servers[0], dict):
            return _server_url(servers[0], uri)
    return _without_final_slash(urljoin(document.uri, "/"))


def _without_final_slash(url: str) -> str:
    # One slash only: the base is joined with a path that starts with '/', and `file:///`
    # must keep the two that belong to its empty authority.
    return url[:-1] if url.endswith("/") else url


def _server_url(server: Mapping[str, Any], document_uri: str) -> str:
    template = server.get("url")
    if not isinstance(template, str):
        raise RequestBuildError("a Server Object has no url")
    variables = server.get("variables")
    variables = variables if isinstance(variables, dict) else {}

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        variable = variables.get(name)
        if not isinstance(variable, dict) or "default" not in variable:
            raise RequestBuildError(f"server {template!r}: variable {name!r} has no default value")
        return str(variable["default"])

    url = _TEMPLATE_VARIABLE.sub(substitute, template)
    if not _ABSOLUTE_URL.match(url):
        url = urljoin(document_uri, url)
    return _without_final_slash(url)


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class _Style:
    style: str
    explode: bool
    allow_reserved: bool
    media_type: str | None  # a parameter defined by `content` is serialized as this type


def _declared_parameters(
    operation: Operation, resolver: RefResolver
) -> dict[tuple[str, str], Mapping[str, Any]]:
    """The operation's parameters by (name, in); operation-level ones override the path
    item's; header names are compared case-insensitively."""
    declared: dict[tuple[str, str], Mapping[str, Any]] = {}
    for source in (operation.path_item.get("parameters"), operation.definition.get("parameters")):
        if not isinstance(source, list):
            continue
        for raw in source:
            try:
                _, parameter = resolver.resolve(operation.definition_uri, raw)
            except LookupError as error:
                raise RequestBuildError(
                    f"a parameter of {_describe(operation)} cannot be resolved: {error}"
                ) from None
            if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                location = str(parameter.get("in"))
                declared[(_key(parameter["name"], location), location)] = parameter
    return declared


def _key(name: str, location: str) -> str:
    return name.lower() if location == "header" else name


def _style_of(definition: Mapping[str, Any] | None, location: str) -> _Style:
    default = DEFAULT_STYLES.get(location, "form")
    if definition is None:
        return _Style(default, default_explode(default), False, None)
    content = definition.get("content")
    if isinstance(content, dict) and content:
        return _Style(default, False, False, str(next(iter(content))))
    style = definition.get("style", default)
    style = style if isinstance(style, str) else default
    explode = definition.get("explode")
    return _Style(
        style,
        explode if isinstance(explode, bool) else default_explode(style),
        definition.get("allowReserved") is True,
        None,
    )


def _media_text(value: Any, media_type: str) -> str:
    """A parameter value serialized by its ``content`` media type."""
    media = _media(media_type)
    if _is_json(media):
        return _json_text(value)
    if media == "application/x-www-form-urlencoded" and isinstance(value, Mapping):
        return "&".join(
            f"{name}={text}"
            for key, item in value.items()
            for name, text in serialize_query(str(key), item, "form", True, percent_encode)
        )
    return scalar_text(value)


@dataclass
class _Parts:
    """The request under construction."""

    path_values: dict[str, tuple[str, str]] = field(default_factory=dict)  # wire, as read back
    query: list[tuple[str, str]] = field(default_factory=list)  # encoded pairs
    query_record: dict[str, Any] = field(default_factory=dict)
    querystring: str | None = None
    headers: dict[str, tuple[str, str]] = field(default_factory=dict)  # lower -> (name, value)
    cookies: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def record_query(self, name: str, value: str) -> None:
        existing = self.query_record.get(name)
        if existing is None:
            self.query_record[name] = value
        elif isinstance(existing, list):
            existing.append(value)
        else:
            self.query_record[name] = [existing, value]


def _credential_keys(operation: Operation, resolver: RefResolver) -> set[tuple[str, str]]:
    """The (name, in) of every apiKey security scheme of the operation's document."""
    try:
        _, document = resolver.resolve(operation.source_uri, {"$ref": "#"})
    except LookupError:
        return set()
    components = document.get("components") if isinstance(document, Mapping) else None
    schemes = components.get("securitySchemes") if isinstance(components, Mapping) else None
    keys: set[tuple[str, str]] = set()
    for raw in (schemes or {}).values() if isinstance(schemes, Mapping) else ():
        try:
            _, scheme = resolver.resolve(operation.source_uri, raw)
        except LookupError:
            continue
        if isinstance(scheme, Mapping) and scheme.get("type") == "apiKey":
            location = str(scheme.get("in"))
            keys.add((_key(str(scheme.get("name")), location), location))
    return keys


def _add_parameter(
    parts: _Parts, parameter: ParameterValue, definition: Mapping[str, Any] | None
) -> None:
    name, location, value = parameter.name, parameter.location, parameter.value
    if location == "header" and name.lower() in _IGNORED_HEADER_DEFINITIONS:
        definition = None
    style = _style_of(definition, location)
    if location == "querystring":  # Arazzo 1.1, OpenAPI 3.2: the value is the whole query
        parts.querystring = _querystring(value, style.media_type)
        if style.media_type is None or not _is_json(_media(style.media_type)):
            for key, text in parse_qsl(parts.querystring, keep_blank_values=True):
                parts.record_query(key, text)
        return
    if style.media_type is None and style.style not in STYLES_BY_LOCATION[location]:
        allowed = ", ".join(sorted(STYLES_BY_LOCATION[location]))
        raise RequestBuildError(
            f"{location} parameter {name!r}: style {style.style!r} is not allowed in {location}"
            f" (allowed: {allowed})"
        )
    if location == "path":
        if style.media_type is not None:
            text = _media_text(value, style.media_type)
            parts.path_values[name] = (percent_encode(text), text)
        else:
            parts.path_values[name] = (
                serialize_path(name, value, style.style, style.explode, percent_encode),
                serialize_path(name, value, style.style, style.explode, keep),
            )
    elif location == "query":
        if style.media_type is not None:
            text = _media_text(value, style.media_type)
            pairs = [(percent_encode(name), percent_encode(text))]
            readable = [(name, text)]
        else:
            encode = _encoder(style.allow_reserved)
            pairs = serialize_query(name, value, style.style, style.explode, encode)
            readable = serialize_query(name, value, style.style, style.explode, keep)
        parts.query.extend(pairs)
        for key, text in readable:
            parts.record_query(key, text)
    elif location == "header":
        text = (
            _media_text(value, style.media_type)
            if style.media_type is not None
            else serialize_header(value, style.explode)
        )
        if _HEADER_BREAK.search(text) or _HEADER_BREAK.search(name):
            raise RequestBuildError(f"header parameter {name!r}: a line break cannot be sent")
        parts.headers[name.lower()] = (name, text)
    elif style.media_type is not None:  # a cookie
        parts.cookies.append((name, percent_encode(_media_text(value, style.media_type))))
    else:
        parts.cookies.extend(
            serialize_cookie(name, value, style.style, style.explode, percent_encode)
        )


def _encoder(allow_reserved: bool) -> Callable[[str], str]:
    def encode(text: str) -> str:
        return percent_encode(text, allow_reserved=allow_reserved)

    return encode


def _querystring(value: Any, media_type: str | None) -> str:
    if media_type is not None and _is_json(_media(media_type)):
        text = value if isinstance(value, str) else _json_text(value)
        return percent_encode(text)
    if isinstance(value, Mapping):
        return _media_text(value, "application/x-www-form-urlencoded")
    # A pre-formatted query string: keep its delimiters and escapes, encode what a URL
    # cannot hold (spaces, '#', non-ASCII).
    return percent_encode(scalar_text(value), allow_reserved=True)


# --------------------------------------------------------------------------- the request


def build_request(
    operation: Operation,
    resolver: RefResolver,
    *,
    base: str,
    parameters: Sequence[ParameterValue],
    body: BodyValue | None,
    credentials: Mapping[str, Credential] | None = None,
) -> PreparedRequest:
    """The request ``operation`` needs for these evaluated parameters and body.

    Parameters are serialized by their OpenAPI definitions (path item and operation, with
    ``$ref`` followed); undeclared ones by the defaults of their ``in`` (PARAM-04). A path
    parameter that is declared or templated but not given raises ``RequestBuildError``
    (PARAM-05). Security from ``credentials`` is applied without overwriting a header, query
    parameter or cookie the workflow set itself; OAuth2 tokens that must be fetched are added
    by ``_security.authorize``.
    """
    declared = _declared_parameters(operation, resolver)
    parts = _Parts()
    given: set[tuple[str, str]] = set()
    for parameter in parameters:
        location = parameter.location
        if location not in LOCATIONS:
            raise RequestBuildError(
                f"parameter {parameter.name!r}: 'in' is {location!r}; expected one of "
                + ", ".join(LOCATIONS)
            )
        key = (_key(parameter.name, location), location)
        given.add(key)
        definition = declared.get(key)
        # Accept, Content-Type and Authorization headers are not described by parameters in
        # OpenAPI, and a security scheme's own key is a credential: neither deserves a word.
        implicit = location == "header" and parameter.name.lower() in _IGNORED_HEADER_DEFINITIONS
        if (
            definition is None
            and location != "querystring"
            and not implicit
            and key not in _credential_keys(operation, resolver)
        ):
            parts.warnings.append(
                f"{location} parameter {parameter.name!r} is not declared by "
                f"{_describe(operation)}; sent with the defaults for {location}"
            )
        try:
            _add_parameter(parts, parameter, definition)
        except SerializationError as error:
            raise RequestBuildError(f"{location} parameter {parameter.name!r}: {error}") from None

    path = _fill_path(operation, declared, parts)
    url = _without_final_slash(base) + path
    query = "&".join(f"{name}={value}" for name, value in parts.query)
    if parts.querystring:
        query = f"{query}&{parts.querystring}" if query else parts.querystring
    if query:
        url = f"{url}?{query}"

    content: bytes | None = None
    content_type: str | None = None
    body_value: Any = None
    header_type = parts.headers.get("content-type")
    if body is not None:
        declared_type, media_objects = _declared_body(operation, resolver)
        content_type = body.content_type or declared_type
        if header_type is not None:
            if content_type and _media(content_type) != _media(header_type[1]):
                parts.warnings.append(
                    f"the Content-Type header parameter {header_type[1]!r} overrides the "
                    f"body's content type {content_type!r}"
                )
            content_type = header_type[1]
        encoding = _encoding_of(media_objects, content_type)
        body_value, content, content_type = _encode_body(body, content_type, encoding)
        if content_type is not None:
            name = header_type[0] if header_type is not None else "Content-Type"
            parts.headers["content-type"] = (name, content_type)
    elif header_type is not None:
        content_type = header_type[1]
    if parts.cookies:
        own = parts.headers.get("cookie")
        pairs = "; ".join(f"{name}={value}" for name, value in parts.cookies)
        parts.headers["cookie"] = (
            own[0] if own else "Cookie",
            f"{own[1]}; {pairs}" if own and own[1] else pairs,
        )

    prepared = PreparedRequest(
        method=operation.method.upper(),
        url=url,
        headers=tuple(parts.headers.values()),
        content=content,
        content_type=content_type,
        path_parameters=MappingProxyType(
            {name: readable for name, (_, readable) in parts.path_values.items()}
        ),
        query_parameters=MappingProxyType(parts.query_record),
        header_values=MappingProxyType({key: value for key, (_, value) in parts.headers.items()}),
        body_value=body_value,
    )
    if credentials:
        prepared = apply_security(prepared, operation, resolver, credentials)
    missing = _missing_required(declared, given, prepared)
    if missing:
        parts.warnings.append(
            f"{_describe(operation)} requires {', '.join(missing)}, which the step does not set"
        )
    if parts.warnings:
        prepared = replace(prepared, warnings=(*prepared.warnings, *parts.warnings))
    return prepared


def _fill_path(
    operation: Operation, declared: Mapping[tuple[str, str], Mapping[str, Any]], parts: _Parts
) -> str:
    for name, location in declared:
        if location == "path" and name not in parts.path_values:
            raise RequestBuildError(
                f"path parameter {name!r} of {_describe(operation)} is required and the step "
                "does not set it"
            )

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in parts.path_values:
            raise RequestBuildError(
                f"the path {operation.path} of {_describe(operation)} needs the path parameter "
                f"{name!r}, and the step does not set it"
            )
        return parts.path_values[name][0]

    return _TEMPLATE_VARIABLE.sub(fill, operation.path)


def _missing_required(
    declared: Mapping[tuple[str, str], Mapping[str, Any]],
    given: set[tuple[str, str]],
    prepared: PreparedRequest,
) -> list[str]:
    """Required non-path parameters still absent after security was applied.

    They are a warning, not an error: a workflow may leave one out on purpose to test the
    API's answer (path parameters are different: without them there is no URL).
    """
    cookies = _cookie_names(prepared.header_values.get("cookie", ""))
    missing = []
    for (key, location), definition in declared.items():
        if definition.get("required") is not True or (key, location) in given:
            continue
        present = (
            (location == "header" and key in prepared.header_values)
            or (location == "query" and key in prepared.query_parameters)
            or (location == "cookie" and key in cookies)
            or (location == "header" and key in _IGNORED_HEADER_DEFINITIONS)
            or location == "path"
        )
        if not present:
            missing.append(f"the {location} parameter {definition.get('name')!r}")
    return missing


def _cookie_names(header: str) -> set[str]:
    return {pair.split("=", 1)[0].strip() for pair in header.split(";") if pair.strip()}


def _describe(operation: Operation) -> str:
    if operation.operation_id:
        return f"operation {operation.operation_id!r}"
    return f"operation {operation.method.upper()} {operation.path}"


# --------------------------------------------------------------------------- bodies


def _media(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _is_json(media: str) -> bool:
    return media in ("application/json", "text/json") or media.endswith("+json")


def _is_xml(media: str) -> bool:
    return media in ("application/xml", "text/xml") or media.endswith("+xml")


def _is_range(media: str) -> bool:
    return "*" in media


def _json_text(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise RequestBuildError(f"the value cannot be written as JSON: {error}") from None


def _declared_body(
    operation: Operation, resolver: RefResolver
) -> tuple[str | None, Mapping[str, Any]]:
    """BODY-03: the content type to use when the step gives none (the single declared media
    type, else the first JSON-like one, else the first), and the declared media types."""
    raw = operation.definition.get("requestBody")
    if raw is None:
        return None, {}
    try:
        _, request_body = resolver.resolve(operation.definition_uri, raw)
    except LookupError as error:
        raise RequestBuildError(
            f"the requestBody of {_describe(operation)} cannot be resolved: {error}"
        ) from None
    content = request_body.get("content") if isinstance(request_body, dict) else None
    if not isinstance(content, dict) or not content:
        return None, {}
    types = [str(name) for name in content if not _is_range(_media(str(name)))]
    if not types:
        return None, content
    return next((name for name in types if _is_json(_media(name))), types[0]), content


def _encoding_of(media_objects: Mapping[str, Any], content_type: str | None) -> Mapping[str, Any]:
    """The Encoding Objects of the declared media type the body is sent as."""
    wanted = _media(content_type)
    for name, media_object in media_objects.items():
        if _media(str(name)) == wanted and isinstance(media_object, dict):
            encoding = media_object.get("encoding")
            return encoding if isinstance(encoding, dict) else {}
    return {}


def _encode_body(
    body: BodyValue, content_type: str | None, encoding: Mapping[str, Any]
) -> tuple[Any, bytes | None, str | None]:
    """(the body as ``$request.body`` reads it, the bytes sent, the Content-Type sent)."""
    payload = body.payload
    if content_type is None:
        # Neither the step nor the operation names a type: infer it from the payload.
        if isinstance(payload, bytes):
            content_type = "application/octet-stream"
        elif isinstance(payload, str):
            content_type = "text/plain"
        else:
            content_type = "application/json"
    media = _media(content_type)
    if _is_json(media):
        return _json_body(body, content_type)
    if media == "application/x-www-form-urlencoded":
        return _form_body(body, content_type, encoding)
    if media == "multipart/form-data":
        return _multipart_body(body, content_type, encoding)
    if _is_xml(media):
        return _xml_body(body, content_type)
    if body.replacements:
        raise RequestBuildError(
            f"replacements need a JSON, XML or form payload; this one is sent as {media}"
        )
    if isinstance(payload, bytes):
        return payload, payload, content_type
    if isinstance(payload, str):
        return payload, payload.encode("utf-8"), content_type
    raise RequestBuildError(
        f"a {media} payload must be text or bytes; this one is {json_kind(payload)} "
        "(use a JSON content type to send structured data)"
    )


def _json_body(body: BodyValue, content_type: str) -> tuple[Any, bytes | None, str | None]:
    payload = body.payload
    if isinstance(payload, bytes):
        if body.replacements:
            raise RequestBuildError("replacements cannot be applied to a payload given as bytes")
        return payload, payload, content_type
    if isinstance(payload, str):
        try:
            parsed = json.loads(payload)
        except ValueError as error:
            if body.replacements:
                raise RequestBuildError(
                    f"the {content_type} payload is not valid JSON, so its replacements cannot "
                    f"be applied: {error}"
                ) from None
            # Sent as written; the server will say what it thinks of it.
            return payload, payload.encode("utf-8"), content_type
        if not body.replacements:
            return parsed, payload.encode("utf-8"), content_type
        payload = parsed
    value = _replace_structured(payload, body.replacements, "json")
    return value, _json_text(value).encode("utf-8"), content_type


def _form_body(
    body: BodyValue, content_type: str, encoding: Mapping[str, Any]
) -> tuple[Any, bytes | None, str | None]:
    payload = body.payload
    if isinstance(payload, str | bytes):
        if body.replacements:
            raise RequestBuildError(
                "replacements need a structured form payload; this one is given as text"
            )
        text = payload.decode("utf-8") if isinstance(payload, bytes) else payload
        return text, text.encode("utf-8"), content_type
    if not isinstance(payload, Mapping):
        raise RequestBuildError(
            f"an application/x-www-form-urlencoded payload must be an object or text; this one "
            f"is {json_kind(payload)}"
        )
    value = _replace_structured(payload, body.replacements, "form")
    pairs: list[str] = []
    for key, item in value.items():
        field_encoding = encoding.get(key)
        field_encoding = field_encoding if isinstance(field_encoding, dict) else {}
        part_type = field_encoding.get("contentType")
        if isinstance(part_type, str) and _is_json(_media(part_type)):
            pairs.append(f"{percent_encode(str(key))}={percent_encode(_json_text(item))}")
            continue
        style = _style_of(field_encoding, "query")
        try:
            serialized = serialize_query(
                str(key), item, style.style, style.explode, _encoder(style.allow_reserved)
            )
        except SerializationError as error:
            raise RequestBuildError(f"form field {key!r}: {error}") from None
        pairs.extend(f"{name}={text}" for name, text in serialized)
    return value, "&".join(pairs).encode("ascii"), content_type


def _multipart_body(
    body: BodyValue, content_type: str, encoding: Mapping[str, Any]
) -> tuple[Any, bytes | None, str | None]:
    payload = body.payload
    if not isinstance(payload, Mapping):
        raise RequestBuildError(
            f"a multipart/form-data payload must be an object of parts; this one is "
            f"{json_kind(payload)}"
        )
    value = _replace_structured(payload, body.replacements, "form")
    files: list[tuple[str, tuple[str | None, bytes, str | None]]] = []
    for key, item in value.items():
        field_encoding = encoding.get(key)
        declared_type = (
            field_encoding.get("contentType") if isinstance(field_encoding, dict) else None
        )
        part_type = declared_type if isinstance(declared_type, str) else None
        for element in item if isinstance(item, list) else [item]:
            files.append((str(key), _part(str(key), element, part_type)))
    if not files:
        # httpx encodes an empty file list as no body at all; an empty multipart body is
        # just its closing delimiter.
        boundary = "arazzo-engine-empty-form"
        return value, f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
    # A boundary given in the content type (by the step or a header parameter) is kept.
    headers = {"Content-Type": content_type} if "boundary=" in content_type else {}
    request = httpx.Request("POST", "http://multipart.invalid/", headers=headers, files=files)
    return value, request.read(), request.headers["Content-Type"]


def _part(name: str, element: Any, part_type: str | None) -> tuple[str | None, bytes, str | None]:
    """(filename, content, content type) of one multipart part."""
    if isinstance(element, bytes):
        return name, element, part_type or "application/octet-stream"
    if isinstance(element, str):
        return None, element.encode("utf-8"), part_type
    if isinstance(element, Mapping | list):
        return None, _json_text(element).encode("utf-8"), part_type or "application/json"
    try:
        return None, scalar_text(element).encode("utf-8"), part_type
    except SerializationError as error:
        raise RequestBuildError(f"multipart part {name!r}: {error}") from None


def _xml_body(body: BodyValue, content_type: str) -> tuple[Any, bytes | None, str | None]:
    payload = body.payload
    if isinstance(payload, bytes):
        if body.replacements:
            raise RequestBuildError("replacements cannot be applied to a payload given as bytes")
        return payload, payload, content_type
    if not isinstance(payload, str):
        raise RequestBuildError(
            f"an XML payload must be text; this one is {json_kind(payload)} (write the document as "
            "a string)"
        )
    for target, value, selector in body.replacements:
        if selector not in (None, "xpath"):
            raise RequestBuildError(
                f"replacement {target!r}: a {selector} target cannot select in an XML payload"
            )
        try:
            payload = apply_xpath_replacement(payload, target, value)
        except (ArazzoError, ElementTree.ParseError, elementpath.ElementPathError) as error:
            raise RequestBuildError(f"replacement {target!r}: {error}") from None
    return payload, payload.encode("utf-8"), content_type


# --------------------------------------------------------------------------- replacements


def _replace_structured(
    payload: Any, replacements: Sequence[tuple[str, Any, str | None]], kind: str
) -> Any:
    """BODY-05: apply every replacement in order to a copy of a JSON-like payload."""
    if not replacements:
        return payload
    document = _copy(payload)
    for target, value, selector in replacements:
        if selector in (None, "jsonpointer"):
            document = _set_by_pointer(document, target, _copy(value))
        elif selector == "jsonpath":
            document = _set_by_jsonpath(document, target, value)
        else:
            raise RequestBuildError(
                f"replacement {target!r}: a {selector} target cannot select in a {kind} payload"
            )
    return document


def _copy(value: Any) -> Any:
    """A deep copy of a JSON-like value, so the evaluated payload is never changed."""
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(item) for item in value]
    return value


def _pointer_tokens(pointer: str) -> list[str]:
    text = pointer
    if text.startswith("#"):
        text = unquote(text[1:])
    if text and not text.startswith("/"):
        raise RequestBuildError(f"replacement target {pointer!r} is not a JSON Pointer")
    return [token.replace("~1", "/").replace("~0", "~") for token in text.split("/")[1:]]


def _set_by_pointer(document: Any, pointer: str, value: Any) -> Any:
    """Set ``value`` at ``pointer``: an object member is created or replaced, ``-`` appends
    to an array, an index up to the array's length sets or appends. The parent must exist."""
    tokens = _pointer_tokens(pointer)
    if not tokens:
        return value
    parent = document
    for depth, token in enumerate(tokens[:-1]):
        child = _child(parent, token)
        if child is _ABSENT:
            where = "/" + "/".join(tokens[: depth + 1])
            raise RequestBuildError(
                f"replacement target {pointer!r}: the payload has nothing at {where!r}"
            )
        parent = child
    last = tokens[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-":
            parent.append(value)
        elif _is_index(last) and int(last) < len(parent):
            parent[int(last)] = value
        elif _is_index(last) and int(last) == len(parent):
            parent.append(value)
        else:
            raise RequestBuildError(
                f"replacement target {pointer!r}: {last!r} is not an index of an array of "
                f"{len(parent)}"
            )
    else:
        raise RequestBuildError(
            f"replacement target {pointer!r}: its parent is {json_kind(parent)}, not an object or "
            "an array"
        )
    return document


class _Absent:
    pass


_ABSENT = _Absent()


def _child(node: Any, token: str) -> Any:
    if isinstance(node, dict):
        return node.get(token, _ABSENT)
    if isinstance(node, list) and _is_index(token) and int(token) < len(node):
        return node[int(token)]
    return _ABSENT


def _is_index(token: str) -> bool:
    return token.isdigit() and (token == "0" or not token.startswith("0"))


def _set_by_jsonpath(document: Any, query: str, value: Any) -> Any:
    """Set every node an RFC 9535 query selects; a query that selects nothing is an error."""
    try:
        compiled = _JSONPATH.compile(query)
        pointers = [match.pointer().parts for match in compiled.finditer(document)]
    except jsonpath.JSONPathError as error:
        raise RequestBuildError(f"replacement target {query!r}: {error}") from None
    if not pointers:
        raise RequestBuildError(f"replacement target {query!r} selects nothing in the payload")
    for parts in pointers:
        if not parts:
            document = _copy(value)
            continue
        pointer = "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)
        document = _set_by_pointer(document, pointer, _copy(value))
    return document


# --------------------------------------------------------------------------- records


def record_request(
    prepared: PreparedRequest, masker: Masker, *, max_bytes: int | None = None
) -> RecordedRequest:
    """The request as the run records it: secrets masked, the body as UTF-8 text, capped at
    ``max_bytes`` when given."""
    content = prepared.content
    text = None if content is None else _decode(content, max_bytes)[0]
    return RecordedRequest(
        method=prepared.method,
        url=masker.text(prepared.url),
        headers=masker.headers(prepared.headers),
        body=None if text is None else masker.text(text),
        body_size=len(content or b""),
        content_type=prepared.content_type,
    )


def record_response(response: httpx.Response, masker: Masker, max_bytes: int) -> RecordedResponse:
    """The response as the run records it: secrets masked, the body as UTF-8 text capped at
    ``max_bytes`` (``truncated`` says so). A streamed response must have been read."""
    try:
        content: bytes | None = response.content
    except httpx.ResponseNotRead:
        content = None
    text, truncated = (None, False) if not content else _decode(content, max_bytes)
    return RecordedResponse(
        status_code=response.status_code,
        headers=masker.headers(response.headers.multi_items()),
        body=None if text is None else masker.text(text),
        body_size=len(content or b""),
        truncated=truncated,
        http_version=response.http_version,
        content_type=response.headers.get("content-type"),
    )


def _decode(content: bytes, max_bytes: int | None) -> tuple[str, bool]:
    """UTF-8 text of at most ``max_bytes`` bytes; a character cut by the cap is dropped."""
    if max_bytes is None or len(content) <= max_bytes:
        return content.decode("utf-8", errors="replace"), False
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    return decoder.decode(content[: max(0, max_bytes)], final=False), True
