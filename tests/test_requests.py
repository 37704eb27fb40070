"""Building requests: servers, parameters by their OpenAPI definitions, bodies, replacements,
and the records a run keeps of them."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from arazzo_engine._loader import Description, load
from arazzo_engine._masking import Masker
from arazzo_engine._openapi import OpenAPIDocument, Operation
from arazzo_engine._requests import (
    BodyValue,
    ParameterValue,
    PreparedRequest,
    RequestBuildError,
    base_url,
    build_request,
    record_request,
    record_response,
)

FLOW = """\
arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions:
  - {name: api, url: openapi.json, type: openapi}
workflows:
  - workflowId: w
    steps:
      - {stepId: s, operationId: op}
"""
BASE = "https://api.example.com/v1"


class Api:
    """An OpenAPI document written to disk and loaded the way a run loads it."""

    def __init__(self, tmp_path: Path, document: dict[str, Any], **others: Any) -> None:
        document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, **document}
        (tmp_path / "openapi.json").write_text(json.dumps(document))
        for name, content in others.items():
            (tmp_path / f"{name}.json").write_text(json.dumps(content))
        (tmp_path / "flow.arazzo.yaml").write_text(FLOW)
        self.description: Description = load(tmp_path / "flow.arazzo.yaml")
        self.document: OpenAPIDocument = self.description.openapi_documents[
            (tmp_path / "openapi.json").as_uri()
        ]

    def operation(self, operation_id: str = "op") -> Operation:
        operation = self.document.operation_by_id(operation_id)
        assert operation is not None
        return operation

    def build(
        self,
        *parameters: ParameterValue,
        body: BodyValue | None = None,
        operation_id: str = "op",
        base: str = BASE,
    ) -> PreparedRequest:
        return build_request(
            self.operation(operation_id),
            self.description.resolver,
            base=base,
            parameters=parameters,
            body=body,
        )


def one_operation(
    path: str = "/items",
    method: str = "get",
    parameters: list[dict[str, Any]] | None = None,
    request_body: dict[str, Any] | None = None,
    **root: Any,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": "op", "responses": {"200": {"description": "ok"}}}
    if parameters is not None:
        operation["parameters"] = parameters
    if request_body is not None:
        operation["requestBody"] = request_body
    return {"paths": {path: {method: operation}}, **root}


def query_of(prepared: PreparedRequest) -> str:
    return urlsplit(prepared.url).query


# --------------------------------------------------------------------------- servers


def test_operation_servers_win_over_path_item_and_document(tmp_path: Path) -> None:
    document = {
        "servers": [{"url": "https://root.example.com"}],
        "paths": {
            "/a": {
                "servers": [{"url": "https://item.example.com/"}],
                "get": {
                    "operationId": "op",
                    "servers": [{"url": "https://operation.example.com/x/"}],
                    "responses": {},
                },
                "put": {"operationId": "put", "responses": {}},
            },
            "/b": {"get": {"operationId": "root", "responses": {}}},
        },
    }
    api = Api(tmp_path, document)
    assert base_url(api.operation(), api.document) == "https://operation.example.com/x"
    assert base_url(api.operation("put"), api.document) == "https://item.example.com"
    assert base_url(api.operation("root"), api.document) == "https://root.example.com"


def test_server_variables_take_their_defaults(tmp_path: Path) -> None:
    server = {
        "url": "https://{region}.example.com:{port}/{base}",
        "variables": {
            "region": {"default": "eu", "enum": ["eu", "us"]},
            "port": {"default": "8443"},
            "base": {"default": "v2"},
        },
    }
    api = Api(tmp_path, one_operation(servers=[server]))
    assert base_url(api.operation(), api.document) == "https://eu.example.com:8443/v2"


def test_a_server_variable_without_default_is_an_error(tmp_path: Path) -> None:
    server = {"url": "https://{region}.example.com", "variables": {"region": {"enum": ["eu"]}}}
    api = Api(tmp_path, one_operation(servers=[server]))
    with pytest.raises(RequestBuildError, match="variable 'region' has no default"):
        base_url(api.operation(), api.document)


def test_relative_server_urls_resolve_against_the_openapi_document(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation(servers=[{"url": "/api/v3"}]))
    uri = api.document.uri
    assert uri.startswith("file:///")
    assert base_url(api.operation(), api.document) == "file:///api/v3"
    api = Api(tmp_path, one_operation(servers=[{"url": "v3/"}]))
    assert base_url(api.operation(), api.document) == uri.rsplit("/", 1)[0] + "/v3"


def test_no_servers_means_the_root_of_the_document_url(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation())
    assert base_url(api.operation(), api.document) == "file://"


def test_the_override_wins(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation(servers=[{"url": "https://api.example.com"}]))
    assert (
        base_url(api.operation(), api.document, override="http://localhost:8080/")
        == "http://localhost:8080"
    )


# --------------------------------------------------------------------------- parameters

COLOR_VALUES = {
    "string": "blue",
    "array": ["blue", "black", "brown"],
    "object": {"R": 100, "G": 200, "B": 150},
}


@pytest.mark.parametrize(
    ("style", "explode", "expected"),
    [
        ("simple", False, ["blue", "blue,black,brown", "R,100,G,200,B,150"]),
        ("simple", True, ["blue", "blue,black,brown", "R=100,G=200,B=150"]),
        ("label", False, [".blue", ".blue,black,brown", ".R,100,G,200,B,150"]),
        ("label", True, [".blue", ".blue.black.brown", ".R=100.G=200.B=150"]),
        ("matrix", False, [";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"]),
        (
            "matrix",
            True,
            [";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"],
        ),
    ],
)
def test_path_parameters_by_style_and_explode(
    tmp_path: Path, style: str, explode: bool, expected: list[str]
) -> None:
    parameter = {
        "name": "color",
        "in": "path",
        "required": True,
        "style": style,
        "explode": explode,
    }
    api = Api(tmp_path, one_operation("/paint/{color}/now", parameters=[parameter]))
    for value, text in zip(COLOR_VALUES.values(), expected, strict=True):
        prepared = api.build(ParameterValue("color", "path", value))
        assert prepared.url == f"{BASE}/paint/{text}/now"
        assert prepared.path_parameters == {"color": text}


@pytest.mark.parametrize(
    ("style", "explode", "expected"),
    [
        ("form", False, ["color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"]),
        ("form", True, ["color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"]),
        (
            "spaceDelimited",
            False,
            [None, "color=blue%20black%20brown", "color=R%20100%20G%20200%20B%20150"],
        ),
        (
            "pipeDelimited",
            False,
            [None, "color=blue%7Cblack%7Cbrown", "color=R%7C100%7CG%7C200%7CB%7C150"],
        ),
        ("deepObject", True, [None, None, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"]),
    ],
)
def test_query_parameters_by_style_and_explode(
    tmp_path: Path, style: str, explode: bool, expected: list[str | None]
) -> None:
    parameter = {"name": "color", "in": "query", "style": style, "explode": explode}
    api = Api(tmp_path, one_operation(parameters=[parameter]))
    for value, text in zip(COLOR_VALUES.values(), expected, strict=True):
        if text is not None:
            assert query_of(api.build(ParameterValue("color", "query", value))) == text


@pytest.mark.parametrize(
    ("explode", "expected"),
    [
        (False, ["blue", "blue,black,brown", "R,100,G,200,B,150"]),
        (True, ["blue", "blue,black,brown", "R=100,G=200,B=150"]),
    ],
)
def test_header_parameters_by_explode(tmp_path: Path, explode: bool, expected: list[str]) -> None:
    parameter = {"name": "X-Color", "in": "header", "explode": explode}
    api = Api(tmp_path, one_operation(parameters=[parameter]))
    for value, text in zip(COLOR_VALUES.values(), expected, strict=True):
        prepared = api.build(ParameterValue("X-Color", "header", value))
        assert prepared.headers == (("X-Color", text),)
        assert prepared.header_values == {"x-color": text}


@pytest.mark.parametrize(
    ("style", "explode", "expected"),
    [
        ("form", False, ["color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"]),
        (
            "form",
            True,
            ["color=blue", "color=blue; color=black; color=brown", "R=100; G=200; B=150"],
        ),
        ("cookie", False, ["color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"]),
        (
            "cookie",
            True,
            ["color=blue", "color=blue; color=black; color=brown", "R=100; G=200; B=150"],
        ),
    ],
)
def test_cookie_parameters_by_style_and_explode(
    tmp_path: Path, style: str, explode: bool, expected: list[str]
) -> None:
    parameter = {"name": "color", "in": "cookie", "style": style, "explode": explode}
    api = Api(tmp_path, one_operation(parameters=[parameter]))
    for value, text in zip(COLOR_VALUES.values(), expected, strict=True):
        prepared = api.build(ParameterValue("color", "cookie", value))
        assert prepared.header_values["cookie"] == text


def test_cookies_from_several_parameters_share_one_header(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation(parameters=[{"name": "a", "in": "cookie"}]))
    prepared = api.build(ParameterValue("a", "cookie", "1 2"), ParameterValue("b", "cookie", "x"))
    assert prepared.headers == (("Cookie", "a=1%202; b=x"),)


def test_path_values_are_percent_encoded_and_read_back_decoded(tmp_path: Path) -> None:
    api = Api(
        tmp_path,
        one_operation(
            "/files/{name}", parameters=[{"name": "name", "in": "path", "required": True}]
        ),
    )
    prepared = api.build(ParameterValue("name", "path", "a/b c"))
    assert prepared.url == f"{BASE}/files/a%2Fb%20c"
    assert prepared.path_parameters == {"name": "a/b c"}


def test_path_item_parameters_apply_and_the_operation_overrides_them(tmp_path: Path) -> None:
    document = {
        "paths": {
            "/items": {
                "parameters": [
                    {"name": "ids", "in": "query", "explode": False},
                    {"name": "tags", "in": "query", "explode": False},
                ],
                "get": {
                    "operationId": "op",
                    "parameters": [{"name": "tags", "in": "query", "explode": True}],
                    "responses": {},
                },
            }
        }
    }
    api = Api(tmp_path, document)
    prepared = api.build(
        ParameterValue("ids", "query", [1, 2]), ParameterValue("tags", "query", ["a", "b"])
    )
    assert query_of(prepared) == "ids=1,2&tags=a&tags=b"
    assert prepared.query_parameters == {"ids": "1,2", "tags": ["a", "b"]}


def test_parameter_refs_are_followed_across_documents(tmp_path: Path) -> None:
    shared = {"page": {"name": "page", "in": "query", "style": "pipeDelimited", "explode": False}}
    api = Api(tmp_path, one_operation(parameters=[{"$ref": "shared.json#/page"}]), shared=shared)
    assert query_of(api.build(ParameterValue("page", "query", [1, 2]))) == "page=1%7C2"


def test_undeclared_parameters_use_the_defaults_of_their_location_and_warn(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation("/x/{id}"))
    prepared = api.build(
        ParameterValue("id", "path", [1, 2]),
        ParameterValue("q", "query", ["a", "b"]),
        ParameterValue("X-List", "header", {"a": 1}),
        ParameterValue("c", "cookie", ["x", "y"]),
    )
    assert prepared.url == f"{BASE}/x/1,2?q=a&q=b"
    assert prepared.header_values == {"x-list": "a,1", "cookie": "c=x; c=y"}
    assert len(prepared.warnings) == 4
    assert "query parameter 'q' is not declared by operation 'op'" in prepared.warnings[1]


def test_a_missing_path_parameter_is_an_error_naming_it(tmp_path: Path) -> None:
    parameter = {"name": "petId", "in": "path", "required": True}
    api = Api(tmp_path, one_operation("/pets/{petId}", parameters=[parameter]))
    with pytest.raises(
        RequestBuildError, match="path parameter 'petId' of operation 'op'"
    ) as error:
        api.build()
    assert error.value.reason == "request-error"


def test_a_templated_but_undeclared_path_parameter_is_still_required(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation("/pets/{petId}"))
    with pytest.raises(RequestBuildError, match="needs the path parameter 'petId'"):
        api.build()


def test_missing_required_query_and_header_parameters_are_a_warning(tmp_path: Path) -> None:
    parameters = [
        {"name": "q", "in": "query", "required": True},
        {"name": "X-Trace", "in": "header", "required": True},
        {"name": "Accept", "in": "header", "required": True},  # ignored by OpenAPI's rule
    ]
    api = Api(tmp_path, one_operation(parameters=parameters))
    prepared = api.build()
    assert prepared.warnings == (
        "operation 'op' requires the query parameter 'q', the header parameter 'X-Trace', "
        "which the step does not set",
    )


def test_an_unknown_location_is_an_error(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation())
    with pytest.raises(RequestBuildError, match="'in' is 'body'"):
        api.build(ParameterValue("x", "body", 1))


def test_a_style_not_allowed_in_the_location_is_an_error(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation(parameters=[{"name": "x", "in": "query", "style": "matrix"}]))
    with pytest.raises(
        RequestBuildError, match="query parameter 'x': style 'matrix' is not allowed"
    ):
        api.build(ParameterValue("x", "query", 1))


def test_deep_object_of_a_non_object_names_the_parameter(tmp_path: Path) -> None:
    parameter = {"name": "f", "in": "query", "style": "deepObject", "explode": True}
    api = Api(tmp_path, one_operation(parameters=[parameter]))
    with pytest.raises(
        RequestBuildError, match="query parameter 'f': style deepObject needs an object"
    ):
        api.build(ParameterValue("f", "query", "x"))


def test_header_names_match_their_definition_case_insensitively(tmp_path: Path) -> None:
    api = Api(
        tmp_path, one_operation(parameters=[{"name": "X-Filter", "in": "header", "explode": True}])
    )
    prepared = api.build(ParameterValue("x-filter", "header", {"a": 1}))
    assert prepared.headers == (("x-filter", "a=1"),)
    assert prepared.warnings == ()


def test_a_header_value_with_a_line_break_is_refused(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation())
    with pytest.raises(RequestBuildError, match="header parameter 'X-A': a line break"):
        api.build(ParameterValue("X-A", "header", "a\r\nInjected: 1"))


def test_allow_reserved_query_values_keep_reserved_characters(tmp_path: Path) -> None:
    parameters: list[dict[str, Any]] = [
        {"name": "path", "in": "query", "allowReserved": True},
        {"name": "plain", "in": "query"},
    ]
    api = Api(tmp_path, one_operation(parameters=parameters))
    prepared = api.build(
        ParameterValue("path", "query", "/a/b?c"), ParameterValue("plain", "query", "/a b")
    )
    assert query_of(prepared) == "path=/a/b?c&plain=%2Fa%20b"
    assert prepared.query_parameters == {"path": "/a/b?c", "plain": "/a b"}


def test_content_parameters_are_serialized_as_json(tmp_path: Path) -> None:
    parameter = {
        "name": "coordinates",
        "in": "query",
        "content": {"application/json": {"schema": {}}},
    }
    api = Api(tmp_path, one_operation(parameters=[parameter]))
    prepared = api.build(ParameterValue("coordinates", "query", {"lat": 1, "long": 2}))
    assert query_of(prepared) == "coordinates=%7B%22lat%22%3A1%2C%22long%22%3A2%7D"
    assert prepared.query_parameters == {"coordinates": '{"lat":1,"long":2}'}


def test_querystring_takes_the_whole_query_string(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation())
    text = api.build(ParameterValue("q", "querystring", "filter=active&sort=desc name"))
    assert query_of(text) == "filter=active&sort=desc%20name"
    assert text.query_parameters == {"filter": "active", "sort": "desc name"}
    mapping = api.build(ParameterValue("q", "querystring", {"filter": "a b", "tag": ["x", "y"]}))
    assert query_of(mapping) == "filter=a%20b&tag=x&tag=y"


def test_querystring_with_json_content_is_percent_encoded_json(tmp_path: Path) -> None:
    parameter = {"name": "q", "in": "querystring", "content": {"application/json": {}}}
    api = Api(tmp_path, one_operation(parameters=[parameter]))
    prepared = api.build(ParameterValue("q", "querystring", '{"a":1}'))
    assert query_of(prepared) == "%7B%22a%22%3A1%7D"


def test_parameter_values_keep_their_types(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation())
    prepared = api.build(
        ParameterValue("n", "query", 3),
        ParameterValue("f", "query", 2.5),
        ParameterValue("b", "query", True),
        ParameterValue("z", "query", None),
    )
    assert query_of(prepared) == "n=3&f=2.5&b=true&z="


# --------------------------------------------------------------------------- bodies


def json_operation(content: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    request_body = {"content": content if content is not None else {"application/json": {}}}
    return one_operation(method="post", request_body=request_body, **extra)


def test_json_bodies(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation())
    prepared = api.build(body=BodyValue("application/json", {"name": "Fido", "tags": ["a"]}))
    assert prepared.content == b'{"name":"Fido","tags":["a"]}'
    assert prepared.content_type == "application/json"
    assert prepared.header_values == {"content-type": "application/json"}
    assert prepared.body_value == {"name": "Fido", "tags": ["a"]}
    assert prepared.method == "POST"


def test_a_rendered_json_template_is_sent_as_written_and_read_back_structured(
    tmp_path: Path,
) -> None:
    api = Api(tmp_path, json_operation())
    text = '{\n  "petId": "7",\n  "quantity": 2\n}'
    prepared = api.build(body=BodyValue("application/json", text))
    assert prepared.content == text.encode()
    assert prepared.body_value == {"petId": "7", "quantity": 2}


def test_vendor_json_types_are_json(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation({"application/vnd.api+json": {}}))
    prepared = api.build(body=BodyValue(None, [1, 2]))
    assert prepared.content == b"[1,2]"
    assert prepared.content_type == "application/vnd.api+json"


def test_form_urlencoded_objects_and_strings(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation({"application/x-www-form-urlencoded": {}}))
    payload = {"client_id": "a b", "scope": ["read", "write"], "n": 1, "ok": True}
    prepared = api.build(body=BodyValue(None, payload))
    assert prepared.content == b"client_id=a%20b&scope=read&scope=write&n=1&ok=true"
    assert prepared.body_value == payload
    assert parse_qsl(prepared.content.decode()) == [
        ("client_id", "a b"),
        ("scope", "read"),
        ("scope", "write"),
        ("n", "1"),
        ("ok", "true"),
    ]
    text = api.build(body=BodyValue("application/x-www-form-urlencoded", "a=1&b=two%20words"))
    assert text.content == b"a=1&b=two%20words"
    assert text.body_value == "a=1&b=two%20words"


def test_form_fields_follow_their_encoding_objects(tmp_path: Path) -> None:
    content = {
        "application/x-www-form-urlencoded": {
            "encoding": {
                "filter": {"style": "deepObject", "explode": True},
                "meta": {"contentType": "application/json"},
                "ids": {"style": "pipeDelimited", "explode": False},
            }
        }
    }
    api = Api(tmp_path, json_operation(content))
    payload = {"filter": {"a": 1}, "meta": {"x": [1]}, "ids": [1, 2]}
    prepared = api.build(body=BodyValue(None, payload))
    assert parse_qsl(prepared.content.decode() if prepared.content else "") == [
        ("filter[a]", "1"),
        ("meta", '{"x":[1]}'),
        ("ids", "1|2"),
    ]


def test_multipart_form_data_parts(tmp_path: Path) -> None:
    content = {"multipart/form-data": {"encoding": {"note": {"contentType": "text/markdown"}}}}
    api = Api(tmp_path, json_operation(content))
    payload = {
        "name": "Fido",
        "photo": b"\x89PNG\x00",
        "meta": {"age": 3},
        "note": "# hi",
        "tags": ["a", "b"],
    }
    prepared = api.build(body=BodyValue(None, payload))
    assert prepared.content_type is not None
    assert prepared.content_type.startswith("multipart/form-data; boundary=")
    assert prepared.content is not None
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {prepared.content_type}\r\n\r\n".encode() + prepared.content
    )
    parts = [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ]
    assert parts == [
        ("name", None, "text/plain", b"Fido"),
        ("photo", "photo", "application/octet-stream", b"\x89PNG\x00"),
        ("meta", None, "application/json", b'{"age":3}'),
        ("note", None, "text/markdown", b"# hi"),
        ("tags", None, "text/plain", b"a"),
        ("tags", None, "text/plain", b"b"),
    ]
    assert prepared.body_value == payload


def test_multipart_needs_an_object(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation({"multipart/form-data": {}}))
    with pytest.raises(RequestBuildError, match="must be an object of parts; this one is a string"):
        api.build(body=BodyValue(None, "x"))


def test_text_xml_and_bytes_bodies(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation({"text/plain": {}, "application/xml": {}, "image/png": {}}))
    text = api.build(body=BodyValue("text/plain; charset=utf-8", "héllo"))
    assert text.content == "héllo".encode()
    assert text.content_type == "text/plain; charset=utf-8"
    xml = api.build(body=BodyValue("application/xml", "<a>1</a>"))
    assert (xml.content, xml.body_value) == (b"<a>1</a>", "<a>1</a>")
    raw = api.build(body=BodyValue("image/png", b"\x89PNG"))
    assert raw.content == b"\x89PNG"


@pytest.mark.parametrize(
    "content_type", ["application/xml", "text/plain", "application/octet-stream"]
)
def test_structured_payloads_need_a_structured_content_type(
    tmp_path: Path, content_type: str
) -> None:
    api = Api(tmp_path, json_operation())
    with pytest.raises(RequestBuildError, match="this one is an object"):
        api.build(body=BodyValue(content_type, {"a": 1}))


def test_content_type_defaults_to_the_single_declared_media_type(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation({"application/xml": {}}))
    assert api.build(body=BodyValue(None, "<a/>")).content_type == "application/xml"


def test_content_type_defaults_to_the_first_json_like_media_type(tmp_path: Path) -> None:
    content: dict[str, Any] = {
        "application/xml": {},
        "text/plain": {},
        "application/problem+json": {},
        "application/json": {},
    }
    api = Api(tmp_path, json_operation(content))
    assert api.build(body=BodyValue(None, {"a": 1})).content_type == "application/problem+json"


def test_content_type_without_any_declaration_is_inferred_from_the_payload(tmp_path: Path) -> None:
    api = Api(tmp_path, one_operation(method="post"))
    assert api.build(body=BodyValue(None, {"a": 1})).content_type == "application/json"
    assert api.build(body=BodyValue(None, "text")).content_type == "text/plain"
    assert api.build(body=BodyValue(None, b"\x00")).content_type == "application/octet-stream"


def test_request_body_refs_are_followed(tmp_path: Path) -> None:
    shared: dict[str, Any] = {"body": {"content": {"application/x-www-form-urlencoded": {}}}}
    document = one_operation(method="post", request_body={"$ref": "shared.json#/body"})
    api = Api(tmp_path, document, shared=shared)
    assert api.build(body=BodyValue(None, {"a": 1})).content == b"a=1"


def test_a_content_type_header_parameter_overrides_the_body_and_warns(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation())
    prepared = api.build(
        ParameterValue("content-type", "header", "application/merge-patch+json"),
        body=BodyValue("application/json", {"a": None}),
    )
    assert prepared.headers == (("content-type", "application/merge-patch+json"),)
    assert prepared.content_type == "application/merge-patch+json"
    assert prepared.content == b'{"a":null}'
    assert any(
        "overrides the body's content type 'application/json'" in w for w in prepared.warnings
    )


# --------------------------------------------------------------------------- replacements


def test_json_pointer_replacements_set_create_and_append(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation())
    payload = {"order": {"petId": 0, "tags": ["a"]}, "items": []}
    prepared = api.build(
        body=BodyValue(
            "application/json",
            payload,
            (
                ("/order/petId", 7, None),
                ("/order/coupon", "SAVE10", None),  # a new member of an existing object
                ("/order/tags/-", "b", None),
                ("/order/tags/0", "z", "jsonpointer"),
                ("/items/0", {"sku": 1}, None),  # index == length appends
            ),
        )
    )
    expected = {
        "order": {"petId": 7, "tags": ["z", "b"], "coupon": "SAVE10"},
        "items": [{"sku": 1}],
    }
    assert prepared.body_value == expected
    assert json.loads(prepared.content or b"") == expected
    assert payload == {"order": {"petId": 0, "tags": ["a"]}, "items": []}  # not mutated


def test_replacements_apply_in_order(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation())
    prepared = api.build(
        body=BodyValue("application/json", {}, (("/a", {"b": 1}, None), ("/a/b", 2, None)))
    )
    assert prepared.body_value == {"a": {"b": 2}}


def test_a_replacement_with_a_missing_parent_names_the_missing_part(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation())
    with pytest.raises(
        RequestBuildError, match="'/order/x/y': the payload has nothing at '/order/x'"
    ):
        api.build(body=BodyValue("application/json", {"order": {}}, (("/order/x/y", 1, None),)))


def test_a_replacement_past_the_end_of_an_array_is_an_error(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation())
    with pytest.raises(RequestBuildError, match="'5' is not an index of an array of 1"):
        api.build(body=BodyValue("application/json", {"a": [1]}, (("/a/5", 1, None),)))


def test_a_json_text_payload_is_parsed_replaced_and_written_again(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation())
    prepared = api.build(
        body=BodyValue("application/json", '{"petId": "{x}", "n": 1}', (("/petId", 7, None),))
    )
    assert prepared.content == b'{"petId":7,"n":1}'
    assert prepared.body_value == {"petId": 7, "n": 1}


def test_replacements_on_invalid_json_text_are_an_error(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation())
    with pytest.raises(RequestBuildError, match="not valid JSON, so its replacements"):
        api.build(body=BodyValue("application/json", "{nope", (("/a", 1, None),)))


def test_jsonpath_replacements_set_every_selected_node(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation())
    payload = {
        "items": [{"sku": "ABC123", "q": 1}, {"sku": "X", "q": 2}, {"sku": "ABC123", "q": 3}]
    }
    prepared = api.build(
        body=BodyValue(
            "application/json", payload, (("$.items[?(@.sku=='ABC123')].q", 9, "jsonpath"),)
        )
    )
    assert [item["q"] for item in prepared.body_value["items"]] == [9, 2, 9]


def test_a_jsonpath_replacement_that_selects_nothing_is_an_error(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation())
    with pytest.raises(RequestBuildError, match="selects nothing"):
        api.build(body=BodyValue("application/json", {"a": 1}, (("$.b", 1, "jsonpath"),)))


def test_xml_replacements_use_xpath(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation({"application/xml": {}}))
    payload = '<order id="0"><petId>0</petId><note>keep</note></order>'
    prepared = api.build(
        body=BodyValue(None, payload, (("/order/petId", 42, None), ("/order/@id", "o-1", "xpath")))
    )
    assert prepared.content == b'<order id="o-1"><petId>42</petId><note>keep</note></order>'
    assert prepared.body_value == prepared.content.decode()


def test_an_xml_replacement_that_selects_nothing_is_an_error(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation({"application/xml": {}}))
    with pytest.raises(RequestBuildError, match="replacement '/order/missing'"):
        api.build(body=BodyValue(None, "<order/>", (("/order/missing", 1, None),)))


def test_form_object_replacements_use_json_pointer(tmp_path: Path) -> None:
    api = Api(tmp_path, json_operation({"application/x-www-form-urlencoded": {}}))
    prepared = api.build(body=BodyValue(None, {"a": "1"}, (("/code", "xyz", None),)))
    assert prepared.content == b"a=1&code=xyz"


@pytest.mark.parametrize(
    ("content_type", "payload", "selector", "message"),
    [
        ("application/json", {"a": 1}, "xpath", "a xpath target cannot select in a json payload"),
        (
            "application/xml",
            "<a/>",
            "jsonpath",
            "a jsonpath target cannot select in an XML payload",
        ),
        ("text/plain", "x", None, "replacements need a JSON, XML or form payload"),
        ("application/x-www-form-urlencoded", "a=1", None, "given as text"),
    ],
)
def test_replacements_that_cannot_apply_are_errors(
    tmp_path: Path, content_type: str, payload: Any, selector: str | None, message: str
) -> None:
    api = Api(tmp_path, json_operation())
    with pytest.raises(RequestBuildError, match=message):
        api.build(body=BodyValue(content_type, payload, (("/a", 1, selector),)))


# --------------------------------------------------------------------------- the wire


def test_the_prepared_request_is_what_reaches_the_server(tmp_path: Path) -> None:
    parameters = [{"name": "id", "in": "path", "required": True}, {"name": "tags", "in": "query"}]
    api = Api(tmp_path, json_operation(path="/pets/{id}", parameters=parameters))
    prepared = api.build(
        ParameterValue("id", "path", "a b"),
        ParameterValue("tags", "query", ["x", "y z"]),
        ParameterValue("X-Request-Id", "header", "r1"),
        body=BodyValue(None, {"name": "Fido"}),
    )
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201)

    with httpx.Client(transport=httpx.MockTransport(server)) as client:
        client.send(prepared.to_httpx())
    request = seen[0]
    assert str(request.url) == f"{BASE}/pets/a%20b?tags=x&tags=y%20z"
    assert request.headers["x-request-id"] == "r1"
    assert request.headers["content-type"] == "application/json"
    assert request.content == b'{"name":"Fido"}'


# --------------------------------------------------------------------------- records


def test_recorded_requests_are_masked() -> None:
    prepared = PreparedRequest(
        method="POST",
        url="https://x.example/a?key=s3cr3t-value",
        headers=(("Authorization", "Bearer s3cr3t-value"), ("X-Note", "has s3cr3t-value")),
        content=b'{"password":"s3cr3t-value"}',
        content_type="application/json",
    )
    record = record_request(prepared, Masker(["s3cr3t-value"]))
    assert record.url == "https://x.example/a?key=***"
    assert record.headers == (("Authorization", "Bearer ***"), ("X-Note", "has ***"))
    assert record.body == '{"password":"***"}'
    assert record.body_size == len(prepared.content or b"")
    assert record.content_type == "application/json"


def test_recorded_responses_are_capped_at_a_character_boundary() -> None:
    body = "ééé".encode()  # six bytes
    response = httpx.Response(
        200,
        content=body,
        headers={"Content-Type": "text/plain", "Set-Cookie": "sid=abc123; Path=/"},
    )
    record = record_response(response, Masker(), 3)
    assert record.body == "é"
    assert record.truncated is True
    assert record.body_size == 6
    assert record.status_code == 200
    assert record.content_type == "text/plain"
    assert ("set-cookie", "sid=***; Path=/") in record.headers
    whole = record_response(response, Masker(), 100)
    assert (whole.body, whole.truncated) == ("ééé", False)


def test_recorded_responses_mask_known_secrets_and_keep_empty_bodies_empty() -> None:
    record = record_response(
        httpx.Response(200, text="token: tok-12345"), Masker(["tok-12345"]), 1000
    )
    assert record.body == "token: ***"
    assert record_response(httpx.Response(204), Masker(), 10).body is None
