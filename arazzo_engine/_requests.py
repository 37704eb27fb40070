"""Building HTTP requests from an OpenAPI operation and evaluated Arazzo values.

The edge between the workflow and the wire: the base URL from the source's servers, path
templating, parameters serialized by their OpenAPI style, bodies by content type, payload
replacements, and security credentials. Everything here is pure: it returns a
``PreparedRequest``, which the engine sends and which ``$request.*`` later reads.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote, urlencode, urljoin

import httpx
import jsonpath

from ._criteria import apply_xpath_replacement, jsonpath_query
from ._exceptions import ExecutionError, ExpressionEvaluationError
from ._expressions import to_text
from ._openapi import OpenAPIDocument, Operation, RefResolver
from ._serialization import (
    DEFAULT_STYLES,
    scalar_text,
    serialize_path,
    serialize_query,
    serialize_simple,
)

__all__ = [
    "BodyValue",
    "Credential",
    "ParameterValue",
    "PreparedRequest",
    "RequestBuildError",
    "base_url",
    "build_request",
]

_JSONPATH = jsonpath.JSONPathEnvironment(strict=True)
_ABSOLUTE_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]+)\}")


class RequestBuildError(ExecutionError):
    """The request for a step could not be built (a missing path parameter, a bad body...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason="request-error")


@dataclass(frozen=True, slots=True)
class ParameterValue:
    name: str
    location: str  # path | query | header | cookie | querystring (1.1)
    value: Any


@dataclass(frozen=True, slots=True)
class BodyValue:
    content_type: str | None
    payload: Any
    replacements: tuple[tuple[str, Any, str | None], ...] = ()  # (target, value, selector type)


@dataclass(frozen=True, slots=True)
class Credential:
    """What a caller supplies for one security scheme of the OpenAPI source."""

    value: str | None = None  # an apiKey value or a bearer token
    username: str | None = None  # http basic
    password: str | None = None
    client_id: str | None = None  # oauth2 client credentials
    client_secret: str | None = None
    scopes: tuple[str, ...] = ()


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    content: bytes | None
    content_type: str | None
    path_parameters: Mapping[str, str] = field(default_factory=_empty)
    query_parameters: Mapping[str, Any] = field(default_factory=_empty)
    header_values: Mapping[str, str] = field(default_factory=_empty)
    body_value: Any = None  # the structured body after replacements, or its text
    oauth_scheme: tuple[str, Credential, Mapping[str, Any]] | None = None  # token still to fetch

    def to_httpx(self) -> httpx.Request:
        return httpx.Request(
            self.method, self.url, headers=list(self.headers), content=self.content
        )


def base_url(
    operation: Operation, document: OpenAPIDocument, *, override: str | None = None
) -> str:
    """The server URL for ``operation``: operation, then path item, then document servers
    (SRC-05), with variables at their defaults; relative URLs resolve against the document."""
    if override:
        return override.rstrip("/")
    for servers in (
        operation.definition.get("servers"),
        operation.path_item.get("servers"),
        document.raw.get("servers") if isinstance(document.raw, dict) else None,
    ):
        if isinstance(servers, list) and servers and isinstance(servers[0], dict):
            server = servers[0]
            url = str(server.get("url", "/"))
            variables = server.get("variables") if isinstance(server.get("variables"), dict) else {}
            assert isinstance(variables, dict)

            def substitute(match: re.Match[str], values: dict[str, Any] = variables) -> str:
                variable = values.get(match.group(1))
                if isinstance(variable, dict) and "default" in variable:
                    return str(variable["default"])
                return match.group(0)

            url = _TEMPLATE_VARIABLE.sub(substitute, url)
            return (
                urljoin(document.uri, url).rstrip("/")
                if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I)
                else url.rstrip("/")
            )
    return urljoin(document.uri, "/").rstrip("/")


def _declared_parameters(
    operation: Operation, resolver: RefResolver
) -> dict[tuple[str, str], dict[str, Any]]:
    declared: dict[tuple[str, str], dict[str, Any]] = {}
    for source in (operation.path_item.get("parameters"), operation.definition.get("parameters")):
        if not isinstance(source, list):
            continue
        for raw in source:
            try:
                _, parameter = resolver.resolve(operation.definition_uri, raw)
            except LookupError:
                continue
            if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                location = str(parameter.get("in"))
                name = parameter["name"].lower() if location == "header" else parameter["name"]
                declared[(name, location)] = parameter
    return declared


def _style(parameter: dict[str, Any] | None, location: str) -> tuple[str, bool, bool, bool]:
    """(style, explode, allowReserved, as JSON content) for a declared or undeclared parameter."""
    if parameter is None:
        style = DEFAULT_STYLES.get(location, "simple")
        return style, style == "form", False, False
    if isinstance(parameter.get("content"), dict) and parameter["content"]:
        return DEFAULT_STYLES.get(location, "simple"), False, False, True
    style = str(parameter.get("style", DEFAULT_STYLES.get(location, "simple")))
    explode = parameter.get("explode")
    return (
        style,
        bool(explode) if explode is not None else style == "form",
        bool(parameter.get("allowReserved", False)),
        False,
    )


def build_request(
    operation: Operation,
    resolver: RefResolver,
    *,
    base: str,
    parameters: Sequence[ParameterValue],
    body: BodyValue | None,
    credentials: Mapping[str, Credential] | None = None,
    security: Sequence[Mapping[str, Any]] = (),
    security_schemes: Mapping[str, Any] | None = None,
) -> PreparedRequest:
    declared = _declared_parameters(operation, resolver)
    path_values: dict[str, str] = {}
    query_pairs: list[tuple[str, str, bool]] = []  # name, value, allowReserved
    query_record: dict[str, Any] = {}
    headers: dict[str, tuple[str, str]] = {}  # lower name -> (name, value)
    cookies: list[tuple[str, str]] = []
    querystring: str | None = None
    for parameter in parameters:
        location = parameter.location
        key = (parameter.name.lower() if location == "header" else parameter.name, location)
        definition = declared.get(key)
        style, explode, allow_reserved, as_json = _style(definition, location)
        value = parameter.value
        if as_json:
            value = json.dumps(value, separators=(",", ":"))
        if location == "path":
            path_values[parameter.name] = (
                serialize_path(parameter.name, value, style, explode)
                if not as_json
                else quote(value, safe="")
            )
        elif location == "query":
            for name, text in serialize_query(parameter.name, value, style, explode):
                query_pairs.append((name, text, allow_reserved))
                existing = query_record.get(name)
                query_record[name] = text if existing is None else [*_as_list(existing), text]
        elif location == "header":
            headers[parameter.name.lower()] = (parameter.name, serialize_simple(value, explode))
        elif location == "cookie":
            cookies.append(
                (
                    parameter.name,
                    scalar_text(value)
                    if not isinstance(value, list | dict)
                    else serialize_simple(value, explode),
                )
            )
        elif location == "querystring":
            querystring = urlencode(value, doseq=True) if isinstance(value, Mapping) else str(value)
        else:
            raise RequestBuildError(
                f"parameter {parameter.name!r} has unknown location {location!r}"
            )

    path = operation.path
    for name, location in declared:
        if location == "path" and name not in path_values:
            raise RequestBuildError(
                f"the operation's path parameter {name!r} is required and the step does not set it"
            )

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in path_values:
            raise RequestBuildError(
                f"the path template {operation.path} needs {name!r}, which the step does not set"
            )
        return path_values[name]

    path = _TEMPLATE_VARIABLE.sub(fill, path)
    url = base + path
    query_text = "&".join(
        f"{quote(name, safe='')}={quote(text, safe=_QUERY_SAFE_RESERVED if reserved else '')}"
        for name, text, reserved in query_pairs
    )
    if querystring:
        query_text = f"{query_text}&{querystring}" if query_text else querystring
    if query_text:
        url = f"{url}?{query_text}"

    content: bytes | None = None
    content_type: str | None = None
    body_value: Any = None
    if body is not None:
        content_type = body.content_type or _default_content_type(operation, resolver)
        body_value, content, content_type = _encode_body(body, content_type)
        if "content-type" not in headers and content_type:
            headers["content-type"] = ("Content-Type", content_type)
    if cookies:
        cookie_text = "; ".join(f"{name}={value}" for name, value in cookies)
        headers["cookie"] = ("Cookie", cookie_text)

    oauth: tuple[str, Credential, Mapping[str, Any]] | None = None
    if credentials:
        url, oauth = _apply_security(security, security_schemes or {}, credentials, headers, url)
    header_list = tuple(value for value in headers.values())
    return PreparedRequest(
        method=operation.method.upper(),
        url=url,
        headers=header_list,
        content=content,
        content_type=headers.get("content-type", (None, None))[1],
        path_parameters=MappingProxyType({k: _unquote_value(v) for k, v in path_values.items()}),
        query_parameters=MappingProxyType(query_record),
        header_values=MappingProxyType({k: v for k, (_, v) in headers.items()}),
        body_value=body_value,
        oauth_scheme=oauth,
    )


_QUERY_SAFE_RESERVED = ":/?#[]@!$'()*+,;="


def _unquote_value(text: str) -> str:
    return unquote(text)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _default_content_type(operation: Operation, resolver: RefResolver) -> str | None:
    """BODY-03: the operation's single media type, or the first JSON-like one."""
    try:
        _, request_body = resolver.resolve(
            operation.definition_uri, operation.definition.get("requestBody")
        )
    except LookupError:
        return None
    content = request_body.get("content") if isinstance(request_body, dict) else None
    if not isinstance(content, dict) or not content:
        return None
    types = list(content)
    for media_type in types:
        if media_type.split(";")[0].strip().endswith("json"):
            return str(media_type)
    return str(types[0])


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _is_xml(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media.endswith(("/xml", "+xml"))


def _encode_body(body: BodyValue, content_type: str | None) -> tuple[Any, bytes | None, str | None]:
    payload = body.payload
    media = (content_type or "").split(";")[0].strip().lower()
    if _is_json(content_type) or (content_type is None and not isinstance(payload, str | bytes)):
        content_type = content_type or "application/json"
        if isinstance(payload, str) and body.replacements:
            try:
                payload = json.loads(payload)  # BODY-05: a JSON text payload is parsed first
            except ValueError as error:
                raise RequestBuildError(f"the JSON payload is not valid JSON: {error}") from None
        payload = _replace_json(payload, body.replacements)
        if isinstance(payload, str):
            return payload, payload.encode(), content_type
        return payload, json.dumps(payload, ensure_ascii=False).encode(), content_type
    if media == "application/x-www-form-urlencoded":
        if isinstance(payload, Mapping):
            payload = _replace_json(dict(payload), body.replacements)
            pairs = [
                (str(k), scalar_text(v)) for k, v in payload.items() if not isinstance(v, list)
            ]
            pairs += [
                (str(k), scalar_text(item))
                for k, v in payload.items()
                if isinstance(v, list)
                for item in v
            ]
            text = urlencode(pairs)
            return payload, text.encode(), content_type
        text = to_text(payload)
        return text, text.encode(), content_type
    if media == "multipart/form-data":
        if not isinstance(payload, Mapping):
            raise RequestBuildError("a multipart/form-data payload must be an object of parts")
        boundary = uuid.uuid4().hex
        chunks: list[bytes] = []
        for name, value in _replace_json(dict(payload), body.replacements).items():
            chunks.append(f"--{boundary}\r\n".encode())
            if isinstance(value, bytes):
                chunks.append(
                    f'Content-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n".encode()
                )
                chunks.append(value)
            elif isinstance(value, dict | list):
                chunks.append(
                    f'Content-Disposition: form-data; name="{name}"\r\n'
                    "Content-Type: application/json\r\n\r\n".encode()
                )
                chunks.append(json.dumps(value).encode())
            else:
                chunks.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
                chunks.append(scalar_text(value).encode())
            chunks.append(b"\r\n")
        chunks.append(f"--{boundary}--\r\n".encode())
        return payload, b"".join(chunks), f"multipart/form-data; boundary={boundary}"
    if isinstance(payload, bytes):
        return payload, payload, content_type or "application/octet-stream"
    if not isinstance(payload, str):
        raise RequestBuildError(
            f"a {content_type or 'text'} payload must be text; this one is {type(payload).__name__}"
        )
    if _is_xml(content_type) and body.replacements:
        for target, value, _kind in body.replacements:
            try:
                payload = apply_xpath_replacement(payload, target, value)
            except (ExpressionEvaluationError, Exception) as error:
                raise RequestBuildError(f"replacement at {target!r}: {error}") from None
    return payload, payload.encode(), content_type or "text/plain"


def _replace_json(payload: Any, replacements: tuple[tuple[str, Any, str | None], ...]) -> Any:
    """BODY-05: each replacement in order; JSON Pointer (default) or JSONPath (1.1)."""
    if not replacements:
        return payload
    payload = json.loads(json.dumps(payload))  # never change the compiled payload itself
    for target, value, kind in replacements:
        if kind == "jsonpath":
            matches = jsonpath_query(target, payload)
            if not matches:
                raise RequestBuildError(f"replacement target {target!r} selects nothing")
            payload = _set_jsonpath(payload, target, value)
            continue
        payload = _set_pointer(payload, target, value)
    return payload


def _set_pointer(document: Any, pointer: str, value: Any) -> Any:
    text = pointer[1:] if pointer.startswith("#") else pointer
    if text == "":
        return value
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in text.split("/")[1:]]
    node = document
    for token in tokens[:-1]:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise RequestBuildError(f"replacement target {pointer!r}: no parent at {token!r}")
    last = tokens[-1]
    if isinstance(node, dict):
        node[last] = value
    elif isinstance(node, list):
        if last == "-":
            node.append(value)
        elif last.isdigit() and int(last) < len(node):
            node[int(last)] = value
        else:
            raise RequestBuildError(f"replacement target {pointer!r}: {last!r} is not an index")
    else:
        raise RequestBuildError(
            f"replacement target {pointer!r}: the parent is not an object or array"
        )
    return document


def _set_jsonpath(document: Any, query: str, value: Any) -> Any:
    for match in _JSONPATH.compile(query).finditer(document):
        _set_pointer(document, str(match.pointer()), value)
    return document


def _apply_security(
    requirements: Sequence[Mapping[str, Any]],
    schemes: Mapping[str, Any],
    credentials: Mapping[str, Credential],
    headers: dict[str, tuple[str, str]],
    url: str,
) -> tuple[str, tuple[str, Credential, Mapping[str, Any]] | None]:
    """Apply the first security requirement whose schemes all have credentials; never
    overwrite a header or query parameter the workflow set itself."""
    for requirement in requirements:
        names = list(requirement)
        if not names or not all(name in credentials and name in schemes for name in names):
            continue
        oauth: tuple[str, Credential, Mapping[str, Any]] | None = None
        for name in names:
            scheme, credential = schemes[name], credentials[name]
            kind = scheme.get("type")
            if kind == "apiKey":
                where, key = scheme.get("in"), str(scheme.get("name"))
                if where == "header" and key.lower() not in headers:
                    headers[key.lower()] = (key, credential.value or "")
                elif where == "query" and f"{quote(key, safe='')}=" not in url:
                    separator = "&" if "?" in url else "?"
                    secret = quote(credential.value or "", safe="")
                    url = f"{url}{separator}{quote(key, safe='')}={secret}"
                elif where == "cookie":
                    existing = headers.get("cookie", ("Cookie", ""))[1]
                    if f"{key}=" not in existing:
                        joined = (
                            f"{existing}; {key}={credential.value}"
                            if existing
                            else f"{key}={credential.value}"
                        )
                        headers["cookie"] = ("Cookie", joined)
            elif kind == "http" and "authorization" not in headers:
                if str(scheme.get("scheme", "")).lower() == "basic":
                    token = base64.b64encode(
                        f"{credential.username or ''}:{credential.password or ''}".encode()
                    ).decode()
                    headers["authorization"] = ("Authorization", f"Basic {token}")
                else:
                    headers["authorization"] = ("Authorization", f"Bearer {credential.value or ''}")
            elif kind in ("oauth2", "openIdConnect") and "authorization" not in headers:
                if credential.value:
                    headers["authorization"] = ("Authorization", f"Bearer {credential.value}")
                else:
                    oauth = (name, credential, scheme)
        return url, oauth
    return url, None
