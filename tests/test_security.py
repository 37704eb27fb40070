"""Security: which requirement applies, each scheme type, and OAuth2 tokens fetched through the
runner's own client and cached."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from arazzo_engine._loader import Description, load
from arazzo_engine._openapi import Operation
from arazzo_engine._requests import ParameterValue, PreparedRequest, build_request
from arazzo_engine._security import (
    AuthorizationError,
    Credential,
    TokenCache,
    apply_security,
    authorize,
    select_schemes,
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
BASE = "https://api.example.com"
SCHEMES: dict[str, Any] = {
    "headerKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "queryKey": {"type": "apiKey", "in": "query", "name": "api_key"},
    "cookieKey": {"type": "apiKey", "in": "cookie", "name": "session"},
    "basic": {"type": "http", "scheme": "basic"},
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "custom": {"type": "http", "scheme": "HOBA"},
    "oauth": {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {"pets:read": ""}},
            "password": {"tokenUrl": "https://auth.example.com/token", "scopes": {}},
        },
    },
    "oidc": {
        "type": "openIdConnect",
        "openIdConnectUrl": "https://auth.example.com/.well-known/openid-configuration",
    },
    "mtls": {"type": "mutualTLS"},
    "aliased": {"$ref": "#/components/securitySchemes/bearer"},
}


class Api:
    def __init__(
        self,
        tmp_path: Path,
        operation_security: list[dict[str, list[str]]] | None = None,
        root_security: list[dict[str, list[str]]] | None = None,
        parameters: list[dict[str, Any]] | None = None,
    ) -> None:
        operation: dict[str, Any] = {
            "operationId": "op",
            "responses": {"200": {"description": "ok"}},
        }
        if operation_security is not None:
            operation["security"] = operation_security
        if parameters is not None:
            operation["parameters"] = parameters
        document: dict[str, Any] = {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": BASE}],
            "paths": {"/pets": {"get": operation}},
            "components": {"securitySchemes": SCHEMES},
        }
        if root_security is not None:
            document["security"] = root_security
        (tmp_path / "openapi.json").write_text(json.dumps(document))
        (tmp_path / "flow.arazzo.yaml").write_text(FLOW)
        self.description: Description = load(tmp_path / "flow.arazzo.yaml")
        document_object = next(iter(self.description.openapi_documents.values()))
        found = document_object.operation_by_id("op")
        assert found is not None
        self.operation: Operation = found

    def build(
        self, credentials: dict[str, Credential], *parameters: ParameterValue
    ) -> PreparedRequest:
        return build_request(
            self.operation,
            self.description.resolver,
            base=BASE,
            parameters=parameters,
            body=None,
            credentials=credentials,
        )

    def authorize(
        self,
        prepared: PreparedRequest,
        credentials: dict[str, Credential],
        client: httpx.AsyncClient,
        cache: TokenCache | None = None,
    ) -> PreparedRequest:
        return asyncio.run(
            authorize(
                prepared,
                self.operation,
                self.description.resolver,
                credentials,
                client,
                cache=cache,
            )
        )


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


# --------------------------------------------------------------------------- schemes


def test_api_key_in_a_header(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"headerKey": []}])
    prepared = api.build({"headerKey": Credential(value="k-123")})
    assert prepared.headers == (("X-API-Key", "k-123"),)
    assert prepared.header_values == {"x-api-key": "k-123"}


def test_api_key_in_the_query(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"queryKey": []}], parameters=[{"name": "limit", "in": "query"}])
    prepared = api.build(
        {"queryKey": Credential(value="a b&c")}, ParameterValue("limit", "query", 5)
    )
    assert prepared.url == f"{BASE}/pets?limit=5&api_key=a%20b%26c"
    assert prepared.query_parameters == {"limit": "5", "api_key": "a b&c"}


def test_api_key_in_a_cookie_joins_the_workflows_cookies(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"cookieKey": []}])
    prepared = api.build(
        {"cookieKey": Credential(value="s-1")}, ParameterValue("theme", "cookie", "dark")
    )
    assert prepared.header_values["cookie"] == "theme=dark; session=s-1"
    assert [name for name, _ in prepared.headers] == ["Cookie"]


def test_http_basic(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"basic": []}])
    prepared = api.build({"basic": Credential(username="ada", password="pa:ss")})
    assert prepared.header_values == {"authorization": basic("ada", "pa:ss")}


def test_http_bearer_and_other_schemes(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"bearer": []}])
    assert api.build({"bearer": Credential(value="jwt")}).header_values == {
        "authorization": "Bearer jwt"
    }
    api = Api(tmp_path, [{"custom": []}])
    assert api.build({"custom": Credential(value="abc")}).header_values == {
        "authorization": "HOBA abc"
    }


def test_a_scheme_given_by_ref_is_resolved(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"aliased": []}])
    assert api.build({"aliased": Credential(value="t")}).header_values == {
        "authorization": "Bearer t"
    }


def test_an_oauth2_token_given_by_the_caller_is_used_directly(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"oauth": ["pets:read"]}])
    prepared = api.build({"oauth": Credential(value="ready")})
    assert prepared.header_values == {"authorization": "Bearer ready"}


def test_mutual_tls_is_the_clients_concern(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"mtls": [], "headerKey": []}])
    prepared = api.build({"mtls": Credential(), "headerKey": Credential(value="k-1")})
    assert prepared.header_values == {"x-api-key": "k-1"}


# --------------------------------------------------------------------------- requirements


def test_the_operations_security_replaces_the_documents(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"bearer": []}], root_security=[{"headerKey": []}])
    credentials = {"bearer": Credential(value="jwt"), "headerKey": Credential(value="k")}
    assert api.build(credentials).header_values == {"authorization": "Bearer jwt"}


def test_the_documents_security_applies_when_the_operation_has_none(tmp_path: Path) -> None:
    api = Api(tmp_path, None, root_security=[{"headerKey": []}])
    assert api.build({"headerKey": Credential(value="k-1")}).header_values == {"x-api-key": "k-1"}


def test_an_empty_operation_security_means_no_security(tmp_path: Path) -> None:
    api = Api(tmp_path, [], root_security=[{"headerKey": []}])
    assert api.build({"headerKey": Credential(value="k-1")}).headers == ()


def test_the_first_satisfiable_requirement_wins(tmp_path: Path) -> None:
    requirements: list[dict[str, list[str]]] = [
        {"bearer": [], "headerKey": []},
        {"basic": []},
        {"headerKey": []},
    ]
    api = Api(tmp_path, requirements)
    # bearer has no credential, so the first requirement cannot be met; basic can.
    credentials = {
        "headerKey": Credential(value="k-1"),
        "basic": Credential(username="u", password="p"),
    }
    assert api.build(credentials).header_values == {"authorization": basic("u", "p")}


def test_all_schemes_of_a_requirement_apply_together(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"bearer": [], "headerKey": []}])
    credentials = {"bearer": Credential(value="jwt"), "headerKey": Credential(value="k-1")}
    assert api.build(credentials).header_values == {
        "authorization": "Bearer jwt",
        "x-api-key": "k-1",
    }


def test_an_optional_security_requirement_is_taken_only_when_nothing_else_fits(
    tmp_path: Path,
) -> None:
    api = Api(tmp_path, [{}, {"headerKey": []}])
    assert api.build({"headerKey": Credential(value="k-1")}).header_values == {"x-api-key": "k-1"}
    assert api.build({"bearer": Credential(value="x")}).headers == ()


def test_credentials_of_the_wrong_shape_do_not_satisfy_a_scheme(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"headerKey": []}])
    assert (
        select_schemes(
            api.operation, api.description.resolver, {"headerKey": Credential(username="u")}
        )
        == ()
    )


# --------------------------------------------------------------------------- the workflow wins


def test_the_workflows_own_authorization_header_is_not_overwritten(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"bearer": []}])
    prepared = api.build(
        {"bearer": Credential(value="from-credentials")},
        ParameterValue("authorization", "header", "Bearer from-workflow"),
    )
    assert prepared.headers == (("authorization", "Bearer from-workflow"),)


@pytest.mark.parametrize(
    ("scheme", "location", "name"),
    [
        ("headerKey", "header", "x-api-key"),
        ("queryKey", "query", "api_key"),
        ("cookieKey", "cookie", "session"),
    ],
)
def test_the_workflows_own_api_key_is_not_overwritten(
    tmp_path: Path, scheme: str, location: str, name: str
) -> None:
    api = Api(tmp_path, [{scheme: []}])
    prepared = api.build(
        {scheme: Credential(value="theirs")}, ParameterValue(name, location, "mine")
    )
    sent = f"{prepared.url} {prepared.headers}"
    assert "mine" in sent
    assert "theirs" not in sent


# --------------------------------------------------------------------------- OAuth2


class TokenServer:
    """A token endpoint (and an API) behind an httpx.MockTransport."""

    def __init__(self, *, expires_in: int = 3600, status: int = 200) -> None:
        self.token_requests: list[httpx.Request] = []
        self.expires_in = expires_in
        self.status = status

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("openid-configuration"):
            return httpx.Response(
                200, json={"token_endpoint": "https://auth.example.com/oidc/token"}
            )
        if "token" in request.url.path:
            self.token_requests.append(request)
            if self.status != 200:
                return httpx.Response(
                    self.status, json={"error": "invalid_client", "error_description": "bad secret"}
                )
            number = len(self.token_requests)
            return httpx.Response(
                200,
                json={
                    "access_token": f"tok-{number}",
                    "token_type": "Bearer",
                    "expires_in": self.expires_in,
                },
            )
        return httpx.Response(200, json={})

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


def form_of(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode()))


def test_client_credentials_token_is_fetched_through_the_runners_client_and_cached(
    tmp_path: Path,
) -> None:
    api = Api(tmp_path, [{"oauth": ["pets:read"]}])
    credentials = {"oauth": Credential(client_id="app", client_secret="s3cret")}
    server = TokenServer()
    client = server.client()
    cache = TokenCache()
    first = api.authorize(api.build(credentials), credentials, client, cache)
    second = api.authorize(api.build(credentials), credentials, client, cache)
    assert first.header_values["authorization"] == "Bearer tok-1"
    assert second.header_values["authorization"] == "Bearer tok-1"
    assert len(server.token_requests) == 1
    token_request = server.token_requests[0]
    # A relative tokenUrl resolves against the server URL.
    assert str(token_request.url) == f"{BASE}/oauth/token"
    assert token_request.method == "POST"
    assert token_request.headers["authorization"] == basic("app", "s3cret")
    assert form_of(token_request) == {"grant_type": "client_credentials", "scope": "pets:read"}


def test_the_default_cache_belongs_to_the_client(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"oauth": []}])
    credentials = {"oauth": Credential(client_id="app", client_secret="s", scopes=("a", "b"))}
    server = TokenServer()
    client = server.client()
    api.authorize(api.build(credentials), credentials, client)
    api.authorize(api.build(credentials), credentials, client)
    assert len(server.token_requests) == 1
    assert form_of(server.token_requests[0])["scope"] == "a b"
    api.authorize(api.build(credentials), credentials, server.client())
    assert len(server.token_requests) == 2


def test_an_expired_token_is_fetched_again(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"oauth": []}])
    credentials = {"oauth": Credential(client_id="app", client_secret="s")}
    server = TokenServer(expires_in=0)
    client, cache = server.client(), TokenCache()
    api.authorize(api.build(credentials), credentials, client, cache)
    second = api.authorize(api.build(credentials), credentials, client, cache)
    assert second.header_values["authorization"] == "Bearer tok-2"


def test_concurrent_requests_share_one_token_fetch(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"oauth": []}])
    credentials = {"oauth": Credential(client_id="app", client_secret="s")}
    server = TokenServer()

    async def both() -> list[PreparedRequest]:
        client, cache = server.client(), TokenCache()
        prepared = api.build(credentials)
        return list(
            await asyncio.gather(
                *(
                    authorize(
                        prepared,
                        api.operation,
                        api.description.resolver,
                        credentials,
                        client,
                        cache=cache,
                    )
                    for _ in range(3)
                )
            )
        )

    results = asyncio.run(both())
    assert {r.header_values["authorization"] for r in results} == {"Bearer tok-1"}
    assert len(server.token_requests) == 1


def test_password_flow(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"oauth": []}])
    credentials = {"oauth": Credential(username="ada", password="pw", client_id="app")}
    server = TokenServer()
    prepared = api.authorize(api.build(credentials), credentials, server.client())
    assert prepared.header_values["authorization"] == "Bearer tok-1"
    request = server.token_requests[0]
    assert str(request.url) == "https://auth.example.com/token"
    assert form_of(request) == {"grant_type": "password", "username": "ada", "password": "pw"}


def test_openid_connect_discovers_the_token_endpoint(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"oidc": []}])
    credentials = {"oidc": Credential(client_id="app", client_secret="s")}
    server = TokenServer()
    prepared = api.authorize(api.build(credentials), credentials, server.client())
    assert prepared.header_values["authorization"] == "Bearer tok-1"
    assert str(server.token_requests[0].url) == "https://auth.example.com/oidc/token"


def test_a_failing_token_endpoint_is_a_clear_error(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"oauth": []}])
    credentials = {"oauth": Credential(client_id="app", client_secret="wrong")}
    server = TokenServer(status=401)
    with pytest.raises(
        AuthorizationError, match=r"answered 401: invalid_client \(bad secret\)"
    ) as error:
        api.authorize(api.build(credentials), credentials, server.client())
    assert error.value.reason == "request-error"
    assert "wrong" not in str(error.value)


def test_no_token_is_fetched_when_the_workflow_sets_authorization(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"oauth": []}])
    credentials = {"oauth": Credential(client_id="app", client_secret="s")}
    server = TokenServer()
    prepared = api.build(credentials, ParameterValue("Authorization", "header", "Bearer mine"))
    result = api.authorize(prepared, credentials, server.client())
    assert result.headers == (("Authorization", "Bearer mine"),)
    assert server.token_requests == []


def test_authorize_also_applies_the_synchronous_schemes(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"oauth": [], "headerKey": []}])
    credentials = {
        "oauth": Credential(client_id="app", client_secret="s"),
        "headerKey": Credential(value="k-1"),
    }
    server = TokenServer()
    bare = build_request(
        api.operation, api.description.resolver, base=BASE, parameters=(), body=None
    )
    result = api.authorize(bare, credentials, server.client())
    assert result.header_values == {"x-api-key": "k-1", "authorization": "Bearer tok-1"}


def test_apply_security_leaves_unfetched_tokens_to_authorize(tmp_path: Path) -> None:
    api = Api(tmp_path, [{"oauth": []}])
    credentials = {"oauth": Credential(client_id="app", client_secret="s")}
    prepared = api.build(credentials)
    assert prepared.headers == ()
    with_token = apply_security(
        prepared, api.operation, api.description.resolver, credentials, tokens={"oauth": "t"}
    )
    assert with_token.header_values == {"authorization": "Bearer t"}
