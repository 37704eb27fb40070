"""Response checks against the OpenAPI operation, through openapi-core."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from arazzo_engine._loader import Description, load
from arazzo_engine._openapi import OpenAPIDocument, Operation, RefResolver
from arazzo_engine._requests import PreparedRequest
from arazzo_engine._response_checks import _validator, check_response

FLOW = """\
arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions:
  - {name: api, url: openapi.json, type: openapi}
workflows:
  - workflowId: w
    steps:
      - {stepId: s, operationId: getPet}
"""
PET_SCHEMA = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}


def openapi(version: str) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "pets", "version": "1"},
        "servers": [
            {"url": "https://api.example.com/{base}", "variables": {"base": {"default": "v1"}}}
        ],
        "paths": {
            "/pets/{id}": {
                "get": {
                    "operationId": "getPet",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "a pet",
                            "headers": {"X-Rate-Limit": {"schema": {"type": "integer"}}},
                            "content": {
                                "application/json": {"schema": {"$ref": "schemas.json#/Pet"}}
                            },
                        },
                        "404": {"description": "no such pet"},
                        "5XX": {
                            "description": "trouble",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        },
                    },
                }
            },
            "/pets": {"$ref": "paths.json#/pets"},
        },
    }


PATHS = {
    "pets": {
        "post": {
            "operationId": "addPet",
            "responses": {
                "201": {
                    "description": "made",
                    "content": {"application/json": {"schema": {"$ref": "schemas.json#/Pet"}}},
                },
                "default": {
                    "description": "an error",
                    "content": {
                        "application/problem+json": {
                            "schema": {"type": "object", "required": ["title"]}
                        }
                    },
                },
            },
        }
    }
}


class Api:
    def __init__(self, tmp_path: Path, version: str = "3.1.0") -> None:
        (tmp_path / "openapi.json").write_text(json.dumps(openapi(version)))
        (tmp_path / "schemas.json").write_text(json.dumps({"Pet": PET_SCHEMA}))
        (tmp_path / "paths.json").write_text(json.dumps(PATHS))
        (tmp_path / "flow.arazzo.yaml").write_text(FLOW)
        self.description: Description = load(tmp_path / "flow.arazzo.yaml")
        self.document: OpenAPIDocument = next(iter(self.description.openapi_documents.values()))

    def check(self, response: httpx.Response, operation_id: str = "getPet") -> tuple[str, ...]:
        operation = self.document.operation_by_id(operation_id)
        assert operation is not None
        return check_response(
            operation, self.description.resolver, self.document, request_for(operation), response
        )


def request_for(operation: Operation) -> PreparedRequest:
    # The run's base URL override: checks do not depend on the declared servers.
    return PreparedRequest(
        method=operation.method.upper(),
        url="http://localhost:8080/pets/1",
        headers=(),
        content=None,
        content_type=None,
    )


@pytest.fixture(params=["3.0.3", "3.1.0"])
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Api:
    return Api(tmp_path, request.param)


def test_a_good_response_has_no_problems(api: Api) -> None:
    response = httpx.Response(200, json={"id": 1, "name": "Fido"}, headers={"X-Rate-Limit": "10"})
    assert api.check(response) == ()


def test_a_declared_status_without_content_has_no_problems(api: Api) -> None:
    assert api.check(httpx.Response(404)) == ()


def test_an_undeclared_status(api: Api) -> None:
    assert api.check(httpx.Response(418, text="teapot")) == (
        "getPet: status 418 is not declared (declared: 200, 404, 5XX)",
    )


def test_a_status_range_is_matched(api: Api) -> None:
    assert (
        api.check(httpx.Response(503, text="later", headers={"Content-Type": "text/plain"})) == ()
    )


def test_an_undeclared_content_type(api: Api) -> None:
    problems = api.check(
        httpx.Response(200, text="<pet/>", headers={"Content-Type": "application/xml"})
    )
    assert problems == (
        "getPet: content type 'application/xml' is not declared for status 200 "
        "(declared: application/json)",
    )


def test_a_body_that_breaks_the_schema(api: Api) -> None:
    problems = api.check(httpx.Response(200, json={"id": "one", "tags": [1]}))
    assert set(problems) == {
        "getPet: the response body does not match the schema at /: 'name' is a required property",
        "getPet: the response body does not match the schema at /id: 'one' is not of type 'integer'",
        "getPet: the response body does not match the schema at /tags/0: 1 is not of type 'string'",
    }


def test_a_body_that_does_not_parse(api: Api) -> None:
    response = httpx.Response(200, content=b"{nope", headers={"Content-Type": "application/json"})
    assert api.check(response) == (
        "getPet: the response body of status 200 is not valid application/json",
    )


def test_content_type_parameters_do_not_matter(api: Api) -> None:
    response = httpx.Response(
        200,
        content=b'{"id": 1, "name": "F"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert api.check(response) == ()


def test_a_missing_body(api: Api) -> None:
    assert api.check(httpx.Response(200)) == (
        "getPet: status 200 declares a response body and the response has none",
    )


def test_a_declared_header_with_a_wrong_value(api: Api) -> None:
    response = httpx.Response(200, json={"id": 1, "name": "Fido"}, headers={"X-Rate-Limit": "lots"})
    problems = api.check(response)
    assert len(problems) == 1
    assert problems[0].startswith("getPet: response header 'X-Rate-Limit': ")


def test_path_items_and_schemas_in_other_documents(api: Api) -> None:
    assert api.check(httpx.Response(201, json={"id": 2, "name": "Rex"}), "addPet") == ()
    problem = httpx.Response(
        400, json={"detail": "x"}, headers={"Content-Type": "application/problem+json"}
    )
    assert api.check(problem, "addPet") == (
        "addPet: the response body does not match the schema at /: 'title' is a required property",
    )


def test_the_compiled_specification_is_kept_per_document(tmp_path: Path) -> None:
    api = Api(tmp_path)
    resolver = api.description.resolver
    assert _validator(api.document, resolver) is _validator(api.document, resolver)


def test_an_internal_failure_becomes_one_message(tmp_path: Path) -> None:
    api = Api(tmp_path)
    operation = api.document.operation_by_id("getPet")
    assert operation is not None
    # A resolver that has lost every document: the schema $ref cannot be followed.
    lost = RefResolver(lambda uri: None)
    copy = OpenAPIDocument(
        api.document.uri, api.document.version, api.document.parsed, api.document.operations
    )
    problems = check_response(
        operation, lost, copy, request_for(operation), httpx.Response(200, json={"id": 1})
    )
    assert len(problems) == 1
    assert problems[0].startswith("getPet: the response could not be checked: ")
