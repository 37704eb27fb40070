"""Validating the OpenAPI documents a description loads, with openapi-spec-validator.

The validator resolves ``$ref`` through handlers that read only the documents the loader
already holds, so checking never touches the network (and sees exactly what the engine uses).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema_path import SchemaPath
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from ._findings import Finding
from ._loader import Description, display_name
from ._openapi import OpenAPIDocument

__all__ = ["iter_openapi_findings"]

MAX_FINDINGS_PER_DOCUMENT = 20


def iter_openapi_findings(description: Description) -> Iterator[Finding]:
    """Warnings (rule ``openapi-invalid``) for each OpenAPI source that breaks its schema."""
    for document in description.openapi_documents.values():
        yield from _check(description, document)


def _check(description: Description, document: OpenAPIDocument) -> Iterator[Finding]:
    def read(uri: str) -> Any:
        parsed = description.parsed(uri.split("#", maxsplit=1)[0])
        if parsed is None:
            raise LookupError(f"{uri} was not loaded")
        return parsed.value

    handlers = dict.fromkeys(("file", "http", "https", "<all_urls>"), read)
    validator_class = (
        OpenAPIV30SpecValidator if document.version.startswith("3.0") else OpenAPIV31SpecValidator
    )
    file = display_name(document.uri)
    try:
        spec = SchemaPath.from_dict(document.raw, base_uri=document.uri, handlers=handlers)
        errors = list(validator_class(spec).iter_errors())
    except Exception as failure:  # the validator's own failure is a finding, not a crash
        yield Finding("openapi-invalid", "warning", f"cannot be checked: {failure}", file, 1, 1)
        return
    for count, error in enumerate(errors):
        if count == MAX_FINDINGS_PER_DOCUMENT:
            yield Finding(
                "openapi-invalid",
                "warning",
                f"{len(errors) - count} more problems not shown",
                file,
                1,
                1,
            )
            return
        path = list(getattr(error, "absolute_path", ()) or ())
        pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)
        position = document.parsed.locate(pointer)
        message = str(getattr(error, "message", error)).split("\n")[0]
        yield Finding(
            "openapi-invalid",
            "warning",
            f"OpenAPI {document.version}: {message}",
            file,
            position.line,
            position.column,
            pointer,
        )
