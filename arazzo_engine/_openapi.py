"""OpenAPI 3.0 / 3.1 source descriptions: operations indexed once, ``$ref`` followed.

Only what the engine needs is modelled: the operations (by operationId and by
JSON Pointer), their path items, servers, parameters, request bodies,
responses and security. Everything else stays as the parsed JSON value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

from ._reader import ParsedText, escape_pointer_token

__all__ = [
    "HTTP_METHODS",
    "OpenAPIDocument",
    "Operation",
    "RefResolver",
    "build_openapi_document",
    "resolve_pointer",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")


class _PointerMiss(LookupError):
    pass


def resolve_pointer(document: Any, pointer: str) -> Any:
    """Evaluate an RFC 6901 JSON Pointer; raise LookupError when it leads nowhere."""
    if pointer in ("", "#"):
        return document
    if pointer.startswith("#"):
        pointer = unquote(pointer[1:])
    if not pointer.startswith("/"):
        raise _PointerMiss(f"{pointer!r} is not a JSON Pointer")
    node = document
    for raw_token in pointer[1:].split("/"):
        token = raw_token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            if token not in node:
                raise _PointerMiss(f"no member {token!r}")
            node = node[token]
        elif isinstance(node, list):
            if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
                raise _PointerMiss(f"{token!r} is not an array index")
            index = int(token)
            if index >= len(node):
                raise _PointerMiss(f"index {index} is past the end")
            node = node[index]
        else:
            raise _PointerMiss(f"cannot step into a {type(node).__name__} with {token!r}")
    return node


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of an OpenAPI document: a method on a path."""

    source_uri: str  # the OpenAPI document the operation was found through
    path: str  # the path template, e.g. /pets/{petId}
    method: str  # lower-case
    operation_id: str | None
    pointer: str  # e.g. /paths/~1pets~1{petId}/get
    definition: Mapping[str, Any]
    path_item: Mapping[str, Any]
    # The document that holds the operation; not source_uri when the path item is a $ref.
    definition_uri: str


@dataclass(frozen=True, slots=True)
class OpenAPIDocument:
    uri: str
    version: str  # the `openapi` field
    parsed: ParsedText
    operations: tuple[Operation, ...]

    @property
    def raw(self) -> Any:
        return self.parsed.value

    def operation_by_id(self, operation_id: str) -> Operation | None:
        for operation in self.operations:
            if operation.operation_id == operation_id:
                return operation
        return None

    def operation_at(self, pointer: str) -> Operation | None:
        for operation in self.operations:
            if operation.pointer == pointer:
                return operation
        return None

    @property
    def operation_ids(self) -> Mapping[str, Operation]:
        return MappingProxyType(
            {op.operation_id: op for op in self.operations if op.operation_id is not None}
        )


class RefResolver:
    """Follows ``$ref`` across the documents that were loaded with a description."""

    def __init__(self, lookup: Callable[[str], Any | None]) -> None:
        self._lookup = lookup

    def resolve(self, base_uri: str, value: Any, *, limit: int = 64) -> tuple[str, Any]:
        """Follow ``value``'s ``$ref`` chain; return the target's document URI and value.

        A value without ``$ref`` is returned as it is. Raises LookupError for a
        reference that leads nowhere or loops.
        """
        uri = base_uri
        seen: set[str] = set()
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            target = urljoin(uri, value["$ref"])
            if target in seen or len(seen) >= limit:
                raise LookupError(f"$ref loop through {target}")
            seen.add(target)
            document_uri, fragment = urldefrag(target)
            document = self._lookup(document_uri)
            if document is None:
                raise LookupError(f"{document_uri} was not loaded")
            value = resolve_pointer(document, "#" + fragment)
            uri = document_uri
        return uri, value


def build_openapi_document(uri: str, parsed: ParsedText, resolver: RefResolver) -> OpenAPIDocument:
    data = parsed.value if isinstance(parsed.value, dict) else {}
    operations: list[Operation] = []
    paths = data.get("paths")
    if isinstance(paths, dict):
        for path, raw_item in paths.items():
            try:
                item_uri, item = resolver.resolve(uri, raw_item)
            except LookupError:
                continue
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                definition = item.get(method)
                if not isinstance(definition, dict):
                    continue
                operation_id = definition.get("operationId")
                operations.append(
                    Operation(
                        source_uri=uri,
                        path=str(path),
                        method=method,
                        operation_id=operation_id if isinstance(operation_id, str) else None,
                        pointer=f"/paths/{escape_pointer_token(str(path))}/{method}",
                        definition=MappingProxyType(definition),
                        path_item=MappingProxyType(item),
                        definition_uri=item_uri,
                    )
                )
    version = data.get("openapi")
    return OpenAPIDocument(
        uri=uri,
        version=version if isinstance(version, str) else "",
        parsed=parsed,
        operations=tuple(operations),
    )
