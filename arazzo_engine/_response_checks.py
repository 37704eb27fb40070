"""Checking a response against its OpenAPI operation: status, content type, body schema.

The engine knows the operation it called, so no path matching is needed: the declared
response (exact code, ``2XX``-style range, or ``default``) is looked up directly and its JSON
body validated with jsonschema against the schema, whose ``$ref``s resolve through every
document the description loaded (never the network). Problems are returned as text; the run
decides their weight (``response_checks``: off, warn, error).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ._loader import Description
from ._openapi import OpenAPIDocument, Operation, resolve_pointer
from ._reader import escape_pointer_token
from ._requests import PreparedRequest

__all__ = ["check_response", "schema_registry"]

MAX_PROBLEMS = 5


def schema_registry(description: Description) -> Registry[Any]:
    """Every OpenAPI (and $ref target) document of ``description``, for resolving schemas."""
    resources = []
    for uri in (*description.openapi_documents, *description.other_documents):
        parsed = description.parsed(uri)
        if parsed is not None:
            resources.append(
                (uri, Resource.from_contents(parsed.value, default_specification=DRAFT202012))
            )
    return Registry().with_resources(resources)


def _follow(description: Description, uri: str, pointer: str) -> tuple[str, str, Any]:
    """The (document, pointer, value) at ``uri#pointer``, following ``$ref`` chains."""
    for _ in range(32):
        parsed = description.parsed(uri)
        if parsed is None:
            raise LookupError(uri)
        value = resolve_pointer(parsed.value, pointer)
        ref = value.get("$ref") if isinstance(value, dict) else None
        if not isinstance(ref, str):
            return uri, pointer, value
        target, _, fragment = ref.partition("#")
        if target:
            uri = urljoin(uri, target)
        pointer = fragment
    raise LookupError(f"$ref loop at {uri}#{pointer}")


def _media_matches(declared: str, actual: str) -> bool:
    declared = declared.split(";", maxsplit=1)[0].strip().lower()
    if declared in ("*/*", actual):
        return True
    major, _, minor = declared.partition("/")
    return minor == "*" and actual.startswith(major + "/")


def check_response(
    operation: Operation,
    description: Description,
    *,
    document: OpenAPIDocument,
    request: PreparedRequest,
    response: httpx.Response,
    body: Any,
    registry: Registry[Any] | None = None,
) -> tuple[str, ...]:
    """What in ``response`` disagrees with the operation's declared responses.

    ``registry`` (from ``schema_registry``) is built once per description by the caller.
    """
    name = operation.operation_id or f"{operation.method.upper()} {operation.path}"
    try:
        return _check(
            operation, description, response, body, name, registry or schema_registry(description)
        )
    except Exception as error:  # a check must never break a run
        return (f"{name}: the response could not be checked: {error}",)


def _check(
    operation: Operation,
    description: Description,
    response: httpx.Response,
    body: Any,
    name: str,
    registry: Registry[Any],
) -> tuple[str, ...]:
    responses_pointer = f"{_definition_pointer(operation)}/responses"
    try:
        uri, pointer, responses = _follow(description, operation.definition_uri, responses_pointer)
    except LookupError:
        return ()
    if not isinstance(responses, dict):
        return ()
    status = str(response.status_code)
    key = next(
        (k for k in (status, f"{status[0]}XX", f"{status[0]}xx", "default") if k in responses),
        None,
    )
    if key is None:
        declared = ", ".join(sorted(responses)) or "none"
        return (f"{name}: status {status} is not declared (declared: {declared})",)
    uri, pointer, declared_response = _follow(
        description, uri, f"{pointer}/{escape_pointer_token(key)}"
    )
    content = declared_response.get("content") if isinstance(declared_response, dict) else None
    actual = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not isinstance(content, dict) or not content:
        return ()
    if not response.content and not actual:
        return ()
    media = next((m for m in content if _media_matches(m, actual)), None)
    if media is None:
        return (
            f"{name}: content type {actual or '(none)'!r} for status {status} is not declared "
            f"(declared: {', '.join(content)})",
        )
    media_object = content[media]
    if not isinstance(media_object, dict) or "schema" not in media_object:
        return ()
    if not (actual == "application/json" or actual.endswith("+json")) or isinstance(body, str):
        return ()
    schema_pointer = f"{pointer}/content/{escape_pointer_token(media)}/schema"
    validator = Draft202012Validator({"$ref": f"{uri}#{schema_pointer}"}, registry=registry)
    problems = []
    for error in validator.iter_errors(body):
        where = "/".join(str(part) for part in error.absolute_path) or "the body"
        problems.append(f"{name}: response body at {where}: {error.message}")
        if len(problems) == MAX_PROBLEMS:
            break
    return tuple(problems)


def _definition_pointer(operation: Operation) -> str:
    """Where the operation object is written in ``operation.definition_uri``."""
    if operation.definition_uri == operation.source_uri:
        return operation.pointer
    # A path item reached through $ref: the operation lives under that path item.
    return ""
