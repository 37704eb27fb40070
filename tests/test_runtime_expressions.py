"""Runtime expressions: both ABNF grammars, every source, types kept, errors located.

The first test runs every row of FEATURES.md section 13.3 (the spec's own expressions and
what each means), then the expressions of the official example files and the 1.1 additions.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pytest

from arazzo_engine._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_engine._expressions import (
    MISSING,
    EvaluationContext,
    HTTPMessage,
    RuntimeExpression,
    SourceDescriptionView,
    WorkflowView,
    compile_condition,
    compile_expression,
    compile_template,
    compile_value,
    to_text,
)

PET_STORE = SourceDescriptionView(
    "petStoreDescription",
    "https://pets.example/openapi.yaml",
    "openapi",
    targets={"findPetsByStatus": "OPERATION findPetsByStatus"},
)
CONTEXT = EvaluationContext(
    url="https://pets.example/v1/pets/7?verbose=true",
    method="GET",
    status_code=200,
    request=HTTPMessage(
        headers={"Accept": "application/json", "X-Trace": "t-1"},
        body={"user": {"uuid": "u-1"}},
        query={"verbose": "true", "page size": "10"},
        path={"id": "7"},
    ),
    response=HTTPMessage(
        headers={
            "Server": "pets/1.0",
            "X-Rate-Limit": "100",
            "X-Expires-After": "2030-01-01T00:00:00Z",
            "Location": "/pets/8",
        },
        body={
            "status": "available",
            "items": [{"id": 1}, {"id": 2}],
            "a/b": {"m~n": 5},
            "couponCode": "SAVE10",
            "links": {"self": "/pets/7"},
            "redirectAuthToken": None,
        },
    ),
    message=HTTPMessage(headers={"Server": "broker"}, body={"status": "sent"}),
    inputs={
        "username": "ada",
        "password": "s3cret",
        "x-api-key": "k-1",
        "x-store-id": "store-9",
        "pet_id": 7,
        "coupon_code": "SAVE10",
        "quantity": 3,
        "petOrderRequest": {"petId": 7, "quantity": 3},
        "clientId": "client",
        "scope": "read",
        "customer": {"firstName": "Ada"},
        "my.input": "dotted",
        "host": "pets.example",
    },
    outputs={"bar": "b", "refresh_token": "r-1", "workflow_order_id": "o-1"},
    steps={
        "someStepId": {"pets": [{"id": 11}], "count": 0},
        "browser-authorize": {"code": "c0de"},
        "loginStep": {"sessionToken": "tok", "tokenExpires": "soon"},
        "getPetStep": {"availablePets": [{"name": "Rex"}]},
        "create": {"id": "p-9"},
        "checkLoanCanBeProvided": {"eligibilityCheckRequired": True},
    },
    workflows={
        "foo": WorkflowView(
            inputs={"username": "grace"},
            outputs={"bar": "fb", "mappedResponse": {"name": "n"}},
            steps={"waitForEvent": {"userId": "u-5"}},
        )
    },
    source_descriptions={
        "petStoreDescription": PET_STORE,
        "flows": SourceDescriptionView(
            "flows",
            "https://pets.example/flows.yaml",
            "arazzo",
            targets={"loginWorkflow": "WORKFLOW loginWorkflow"},
        ),
        "shadowed": SourceDescriptionView(
            "shadowed",
            "https://x.example/openapi.yaml",
            "openapi",
            targets={"url": "OPERATION url"},
        ),
        "auth-api": SourceDescriptionView(
            "auth-api", "https://auth.example/openapi.yaml", "openapi", targets={"PAR": "OP PAR"}
        ),
    },
    components={
        "parameters": {"page": {"name": "page", "in": "query", "value": 1}, "foo": {"name": "foo"}},
        "successActions": {"notify": {"name": "notify", "type": "end"}},
        "failureActions": {"baz": {"name": "baz", "type": "retry"}},
    },
    self_uri="https://pets.example/arazzo.yaml",
)


def value(text: str, version: str = "1.0") -> Any:
    return compile_expression(text, version=version).evaluate(CONTEXT)


def passes(condition: str, context: EvaluationContext = CONTEXT) -> bool:
    return compile_condition(condition).evaluate(context).passed


def fails_naming(text: str, words: str) -> bool:
    with pytest.raises(ExpressionEvaluationError) as caught:
        compile_expression(text).evaluate(CONTEXT)
    return words in caught.value.reason


@dataclass(frozen=True)
class Row:
    written: str
    holds: Callable[[], bool]


ONE_OH_ONE_TABLE = [
    Row("$statusCode == 200", lambda: passes("$statusCode == 200")),
    Row(
        "$statusCode == 503, $statusCode == 401",
        lambda: (
            not passes("$statusCode == 503")
            and passes("$statusCode == 401", CONTEXT.evolve(status_code=401))
        ),
    ),
    Row(
        "{$statusCode == 401}",  # COND-09: the Components erratum, read as meant, with a note
        lambda: (
            passes("{$statusCode == 401}", CONTEXT.evolve(status_code=401))
            and bool(compile_condition("{$statusCode == 401}").notes)
        ),
    ),
    Row(
        "$statusCode (regex context, '^200$')",
        lambda: value("$statusCode") == 200 and to_text(value("$statusCode")) == "200",
    ),
    Row(
        "$response.body (jsonpath context)",
        lambda: value("$response.body")["status"] == "available",
    ),
    Row(
        "$inputs.username, $inputs.password",
        lambda: (value("$inputs.username"), value("$inputs.password")) == ("ada", "s3cret"),
    ),
    Row(
        "$inputs.x-api-key, $inputs.x-store-id",
        lambda: (value("$inputs.x-api-key"), value("$inputs.x-store-id")) == ("k-1", "store-9"),
    ),
    Row(
        "$inputs.pet_id, $inputs.coupon_code, $inputs.quantity",
        lambda: (
            compile_value(
                {
                    "petId": "$inputs.pet_id",
                    "couponCode": "$inputs.coupon_code",
                    "q": "$inputs.quantity",
                }
            ).evaluate(CONTEXT)
            == {"petId": 7, "couponCode": "SAVE10", "q": 3}
            and compile_value('{"quantity": "{$inputs.quantity}"}').evaluate(CONTEXT)
            == '{"quantity": "3"}'
        ),
    ),
    Row(
        "{$inputs.pet_id} inside JSON or XML text",
        lambda: (
            compile_value("<petId>{$inputs.pet_id}</petId>").evaluate(CONTEXT) == "<petId>7</petId>"
        ),
    ),
    Row(
        "$inputs.petOrderRequest",
        lambda: (
            compile_value("$inputs.petOrderRequest").evaluate(CONTEXT)
            == {"petId": 7, "quantity": 3}
        ),
    ),
    Row(
        "$inputs.clientId, ... (form-data payload)",
        lambda: (
            compile_value({"client_id": "$inputs.clientId", "scope": "$inputs.scope"}).evaluate(
                CONTEXT
            )
            == {"client_id": "client", "scope": "read"}
        ),
    ),
    Row(
        "$steps.browser-authorize.outputs.code",
        lambda: value("$steps.browser-authorize.outputs.code") == "c0de",
    ),
    Row(
        "code{$steps.browser-authorize.outputs.code} and scope=$inputs.scope}",
        # The erratum renders as written: `code` gets no '=', the stray '}' stays text; only
        # the lenient unbraced reading fills in the scope.
        lambda: (
            compile_value(
                "client_id={$inputs.clientId}&code{$steps.browser-authorize.outputs.code}"
                "&scope=$inputs.scope}"
            ).evaluate(CONTEXT)
            == "client_id=client&codec0de&scope=read}"
            and compile_value("scope=$inputs.scope}", strict=True).evaluate(CONTEXT)
            == "scope=$inputs.scope}"
        ),
    ),
    Row(
        "$response.header.X-Expires-After, $response.header.X-Rate-Limit",
        lambda: (
            value("$response.header.x-expires-after") == "2030-01-01T00:00:00Z"
            and value("$response.header.X-RATE-LIMIT") == "100"
        ),
    ),
    Row(
        "$response.body (as an output: a string token)",
        lambda: (
            compile_expression("$response.body").evaluate(
                CONTEXT.evolve(response=HTTPMessage(body="token-text"))
            )
            == "token-text"
        ),
    ),
    Row(
        "$steps.loginUser.outputs.sessionToken (erratum)",
        lambda: fails_naming("$steps.loginUser.outputs.sessionToken", "'loginStep'"),
    ),
    Row(
        "$steps.getPetStep.outputs.availablePets",
        lambda: value("$steps.getPetStep.outputs.availablePets") == [{"name": "Rex"}],
    ),
    Row(
        "$steps.loginStep.outputs.tokenExpires",
        lambda: value("$steps.loginStep.outputs.tokenExpires") == "soon",
    ),
    Row(
        "{$sourceDescriptions.petstoreDescription.url}#/paths/~1pet~1findByStatus/get (erratum)",
        lambda: fails_naming(
            "$sourceDescriptions.petstoreDescription.url",
            "no source description is named 'petstoreDescription'",
        ),
    ),
    Row(
        "{$sourceDescriptions.petStoreDescription.url}#/paths/~1pet~1findByStatus/get",
        lambda: (
            compile_template(
                "{$sourceDescriptions.petStoreDescription.url}#/paths/~1pet~1findByStatus/get"
            ).render(CONTEXT)
            == "https://pets.example/openapi.yaml#/paths/~1pet~1findByStatus/get"
        ),
    ),
    Row(
        "$sourceDescriptions.<name>.<operationId>",
        lambda: (
            value("$sourceDescriptions.petStoreDescription.findPetsByStatus")
            == "OPERATION findPetsByStatus"
        ),
    ),
    Row(
        "$sourceDescriptions.<name>.<workflowId>",
        lambda: value("$sourceDescriptions.flows.loginWorkflow") == "WORKFLOW loginWorkflow",
    ),
    Row(
        "$components.parameters.page (+ value: 1)",
        lambda: value("$components.parameters.page")["value"] == 1,
    ),
    Row(
        "$components.successActions.notify",
        lambda: value("$components.successActions.notify")["type"] == "end",
    ),
    Row(
        "$components.parameters.foo", lambda: value("$components.parameters.foo") == {"name": "foo"}
    ),
    Row("$method", lambda: value("$method") == "GET"),
    Row("$request.header.accept", lambda: value("$request.header.accept") == "application/json"),
    Row("$request.path.id", lambda: value("$request.path.id") == "7"),
    Row("$request.body#/user/uuid", lambda: value("$request.body#/user/uuid") == "u-1"),
    Row("$url", lambda: value("$url") == "https://pets.example/v1/pets/7?verbose=true"),
    Row("$response.body#/status", lambda: value("$response.body#/status") == "available"),
    Row("$response.header.Server", lambda: value("$response.header.Server") == "pets/1.0"),
    Row(
        "$inputs.username / $workflows.foo.inputs.username",
        lambda: (
            (value("$inputs.username"), value("$workflows.foo.inputs.username")) == ("ada", "grace")
        ),
    ),
    Row(
        "$steps.someStepId.outputs.pets / ...pets#/0/id",
        lambda: (
            value("$steps.someStepId.outputs.pets") == [{"id": 11}]
            and value("$steps.someStepId.outputs.pets#/0/id") == 11
        ),
    ),
    Row(
        "$outputs.bar / $workflows.foo.outputs.bar / $workflows.foo.outputs.mappedResponse#/name",
        lambda: (
            (
                value("$outputs.bar"),
                value("$workflows.foo.outputs.bar"),
                value("$workflows.foo.outputs.mappedResponse#/name"),
            )
            == ("b", "fb", "n")
        ),
    ),
]

EXAMPLE_FILES = [
    Row(
        "$response.body#/0/id",
        lambda: (
            compile_expression("$response.body#/0/id").evaluate(
                CONTEXT.evolve(response=HTTPMessage(body=[{"id": 4}]))
            )
            == 4
        ),
    ),
    Row("$response.body#/couponCode", lambda: value("$response.body#/couponCode") == "SAVE10"),
    Row("$response.body#/links/self", lambda: value("$response.body#/links/self") == "/pets/7"),
    Row("$response.header.Location", lambda: value("$response.header.Location") == "/pets/8"),
    Row("$inputs.customer#/firstName", lambda: value("$inputs.customer#/firstName") == "Ada"),
    Row(
        "$outputs.workflow_order_id, $outputs.refresh_token",
        lambda: (
            (value("$outputs.workflow_order_id"), value("$outputs.refresh_token")) == ("o-1", "r-1")
        ),
    ),
    Row(
        "$steps.checkLoanCanBeProvided.outputs.eligibilityCheckRequired == true",
        lambda: passes("$steps.checkLoanCanBeProvided.outputs.eligibilityCheckRequired == true"),
    ),
    Row(
        "$response.body#/redirectAuthToken != null",
        lambda: (
            not passes("$response.body#/redirectAuthToken != null")
            and passes("$response.body#/couponCode != null")
        ),
    ),
    Row(
        "$statusCode == 200 || $statusCode == 201",
        lambda: (
            passes("$statusCode == 200 || $statusCode == 201")
            and passes("$statusCode == 200 || $statusCode == 201", CONTEXT.evolve(status_code=201))
        ),
    ),
    Row(
        "$sourceDescriptions.auth-api.PAR",
        lambda: value("$sourceDescriptions.auth-api.PAR") == "OP PAR",
    ),
]

ADDED_IN_1_1 = [
    Row("$message.header.Server", lambda: value("$message.header.server", "1.1") == "broker"),
    Row("$message.payload#/status", lambda: value("$message.payload#/status", "1.1") == "sent"),
    Row("$self", lambda: value("$self", "1.1") == "https://pets.example/arazzo.yaml"),
    Row("$response.body#/items/0/id", lambda: value("$response.body#/items/0/id", "1.1") == 1),
    Row(
        "$response.body.count, $response.body.data (conditions)",
        lambda: (
            compile_condition(
                "$response.body.count > 2 && $response.body.data != null", version="1.1"
            )
            .evaluate(CONTEXT.evolve(response=HTTPMessage(body={"count": 3, "data": []})))
            .passed
        ),
    ),
    Row(
        "https://{$inputs.host}/api/{$steps.create.outputs.id}/status",
        lambda: (
            compile_template(
                "https://{$inputs.host}/api/{$steps.create.outputs.id}/status", version="1.1"
            ).render(CONTEXT)
            == "https://pets.example/api/p-9/status"
        ),
    ),
    Row(
        "$sourceDescriptions.petstore.getPetById / .url / .type",
        lambda: (
            (
                value("$sourceDescriptions.petStoreDescription.findPetsByStatus", "1.1"),
                value("$sourceDescriptions.flows.url", "1.1"),
                value("$sourceDescriptions.flows.type", "1.1"),
            )
            == ("OPERATION findPetsByStatus", "https://pets.example/flows.yaml", "arazzo")
        ),
    ),
    Row(
        "$components.failureActions.baz",
        lambda: value("$components.failureActions.baz", "1.1")["type"] == "retry",
    ),
    Row(
        "$workflows.<wid>.steps.<sid> (step dependsOn) and its outputs",
        lambda: (
            value("$workflows.foo.steps.waitForEvent", "1.1") == {"userId": "u-5"}
            and value("$workflows.foo.steps.waitForEvent.outputs.userId", "1.1") == "u-5"
        ),
    ),
    Row(
        "$sourceDescriptions.<name>.<wid>.steps.<sid> (step dependsOn)",
        lambda: (
            compile_expression(
                "$sourceDescriptions.flows.loginWorkflow.steps.login", version="1.1"
            ).reference
            == "loginWorkflow.steps.login"
        ),
    ),
]


@pytest.mark.parametrize("row", ONE_OH_ONE_TABLE, ids=lambda row: row.written)
def test_every_row_of_the_spec_expression_table(row: Row) -> None:
    assert row.holds()


@pytest.mark.parametrize("row", EXAMPLE_FILES, ids=lambda row: row.written)
def test_the_expressions_of_the_official_example_files(row: Row) -> None:
    assert row.holds()


@pytest.mark.parametrize("row", ADDED_IN_1_1, ids=lambda row: row.written)
def test_the_expressions_added_in_1_1(row: Row) -> None:
    assert row.holds()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$statusCode", 200),
        ("$inputs.quantity", 3),
        ("$inputs.petOrderRequest", {"petId": 7, "quantity": 3}),
        ("$response.body#/items", [{"id": 1}, {"id": 2}]),
        ("$response.body#/redirectAuthToken", None),
        ("$steps.checkLoanCanBeProvided.outputs.eligibilityCheckRequired", True),
        ("$response.body#/a~1b/m~0n", 5),  # RFC 6901 escapes
        ("$response.body#", CONTEXT.response.body if CONTEXT.response else None),  # empty pointer
    ],
)
def test_types_are_preserved(text: str, expected: Any) -> None:
    for version in ("1.0", "1.1"):
        found = value(text, version)
        assert found == expected
        assert type(found) is type(expected)


# Which texts each grammar accepts (True) or refuses (False): (text, 1.0, 1.1).
GRAMMAR = [
    ("$url", True, True),
    ("$method", True, True),
    ("$statusCode", True, True),
    ("$self", False, True),
    ("$message.payload", False, True),
    ("$message.header.x", False, True),
    ("$response.payload#/a", False, True),
    ("$request.body", True, True),
    ("$request.body#", True, True),
    ("$response.query.page", True, True),  # the grammar allows it on responses too
    ("$request.header.some@header", False, False),  # '@' is not a tchar
    ("$request.header.X-Request_ID.v2", True, True),
    ("$request.query.page size", True, True),  # name = *CHAR, and CHAR includes space
    ("$request.query.a\\u0020b", True, True),  # a JSON string escape
    ("$request.query.a\\q", False, False),
    ('$request.query.a"b', False, False),
    ("$request.query.a{b", False, False),
    ("$request.query.", False, False),
    ("$inputs.customer#/firstName", True, True),
    ("$inputs.my.input", True, True),
    ("$inputs.naïve", True, False),  # 1.0 `name` is any character; 1.1 identifier is ASCII
    ("$inputs.a b", False, False),
    ("$inputs.", False, False),
    ("$outputs.bar#/0", True, True),
    ("$steps.a.outputs.b", True, True),
    ("$steps.a.outputs.b.c#/0", True, True),
    ("$steps.a.b", True, False),  # 1.0 `"$steps." name`; 1.1 needs '.outputs.'
    ("$steps.Plan a Trip_0.outputs.x", True, False),  # 1.0 ids may hold inner spaces
    ("$steps.a", False, False),
    ("$steps.a.outputs.", False, False),
    ("$workflows.foo.inputs.username", True, True),
    ("$workflows.foo.outputs.x#/name", True, True),
    ("$workflows.foo.steps.s", True, True),
    ("$workflows.foo.steps.s.outputs.x", True, True),
    ("$workflows.foo", False, False),
    ("$workflows.foo.bar.x", False, False),
    ("$sourceDescriptions.petstore.url", True, True),
    ("$sourceDescriptions.petstore.get.pet by id", True, True),  # 1*CHAR: operationIds are free
    ("$sourceDescriptions.petstore", False, False),
    ("$sourceDescriptions.my.store.url", True, True),  # source `my`, reference `store.url`
    ("$components.parameters.my.org.page", True, True),  # key `my.org.page` (COMP-04)
    ("$components.inputs.x", True, False),  # 1.0 `"$components." name`; 1.1 has three kinds
    ("$components.schemas.x", False, False),
    ("$components.parameters", False, False),
    ("$response.body#/a{b}", True, False),  # 1.0's pointer `unescaped` includes braces
    ("$response.body#/a~2", False, False),
    ("$response.body#a", False, False),
    ("$response.body.a", False, False),
    ("$url.x", False, False),
    ("$statusCode == 200", False, False),
    ("$foo", False, False),
    ("$", False, False),
    ("", False, False),
    ("{$url}", False, False),
    (" $url", False, False),
]


@pytest.mark.parametrize(
    ("text", "in_1_0", "in_1_1"), GRAMMAR, ids=[g[0] or "(empty)" for g in GRAMMAR]
)
def test_each_version_has_its_grammar(text: str, in_1_0: bool, in_1_1: bool) -> None:
    for version, accepted in (("1.0", in_1_0), ("1.1", in_1_1)):
        try:
            compile_expression(text, version=version)
        except ExpressionSyntaxError:
            assert not accepted, f"{version} refused {text!r}"
        else:
            assert accepted, f"{version} accepted {text!r}"


@pytest.mark.parametrize(
    ("text", "version", "column", "words"),
    [
        ("statusCode", "1.1", 1, "'$' to start a runtime expression"),
        ("$foo", "1.1", 2, "a source: one of $url, $method"),
        ("$foo", "1.1", 2, "(found $foo)"),
        ("$", "1.1", 2, "a source"),
        ("$message.body", "1.0", 2, "$message is new in Arazzo 1.1"),
        ("$self", "1.0", 2, "$self is new in Arazzo 1.1"),
        ("$statusCode == 200", "1.1", 12, "$statusCode takes nothing after it"),
        ("$inputs", "1.1", 8, "'.' after $inputs"),
        ("$response.headers.Location", "1.1", 11, "(found 'headers')"),
        ("$response.body#items", "1.1", 16, "'/' to start the JSON Pointer"),
        ("$response.body#/a~2", "1.1", 18, "'~0' or '~1'"),
        ("$response.body#/a{", "1.1", 18, "'{' and '}'"),
        ("$response.body.status", "1.1", 15, "member access belongs to conditions"),
        ("$inputs.", "1.1", 9, "an input name"),
        ("$inputs.a b", "1.1", 10, "a JSON Pointer ('#/...') or the end"),
        ("$steps.a.pets", "1.1", 10, "'outputs.'"),
        ("$steps.a", "1.0", 9, "'.outputs.' after the step id"),
        ("$steps.a!.outputs.x", "1.1", 9, "'.outputs.'"),
        ("$workflows.w.bar.x", "1.1", 14, "'inputs', 'outputs' or 'steps'"),
        ("$workflows.w.steps.s.x", "1.1", 21, "'.outputs.' after the step id, or the end"),
        ("$components.schemas.x", "1.1", 13, "(found 'schemas')"),
        ("$components.inputs.x", "1.1", 13, "'parameters', 'successActions', 'failureActions'"),
        ("$request.header.", "1.1", 17, "a header name (an HTTP token)"),
        ("$request.header.a b", "1.1", 18, "the end of the expression (a header name"),
        ("$request.query.a\\x", "1.1", 17, "a JSON string escape"),
        ('$request.query.a"', "1.1", 17, '" must be escaped'),
        ("$sourceDescriptions.p.", "1.1", 23, "an operationId, workflowId or field name"),
        ("$sourceDescriptions.p{x}.url", "1.1", 22, "'.' and an operationId"),
    ],
)
def test_syntax_errors_say_where_and_what(text: str, version: str, column: int, words: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression(text, version=version)
    error = caught.value
    assert (error.column, error.text) == (column, text)
    assert words in error.expected
    assert isinstance(error, ValueError)
    assert f"at column {column}" in str(error)


def test_static_attributes_for_validation() -> None:
    def attributes(text: str, version: str = "1.1") -> tuple[Any, ...]:
        e = compile_expression(text, version=version)
        return (
            e.source,
            e.field,
            e.name,
            e.step_id,
            e.workflow_id,
            e.source_name,
            e.reference,
            e.component_kind,
            e.component_key,
            e.pointer,
        )

    nothing = (None,) * 9
    assert attributes("$statusCode") == ("statusCode", *nothing)
    assert attributes("$self") == ("self", *nothing)
    assert attributes("$response.header.Server") == ("response", "header", "Server", *(None,) * 7)
    assert attributes("$request.body#/a/0") == ("request", "body", *(None,) * 7, "/a/0")
    assert attributes("$inputs.customer#/firstName") == (
        "inputs",
        None,
        "customer",
        *(None,) * 6,
        "/firstName",
    )
    assert attributes("$steps.s.outputs.pets#/0/id") == (
        "steps",
        "outputs",
        "pets",
        "s",
        *(None,) * 5,
        "/0/id",
    )
    assert attributes("$steps.s.pets", "1.0") == ("steps", None, "pets", "s", *(None,) * 6)
    assert attributes("$workflows.w.outputs.x") == (
        "workflows",
        "outputs",
        "x",
        None,
        "w",
        *(None,) * 5,
    )
    assert attributes("$workflows.w.steps.s") == (
        "workflows",
        "steps",
        None,
        "s",
        "w",
        *(None,) * 5,
    )
    assert attributes("$sourceDescriptions.auth-api.PAR") == (
        "sourceDescriptions",
        *(None,) * 4,
        "auth-api",
        "PAR",
        None,
        None,
        None,
    )
    assert attributes("$components.parameters.my.org.page") == (
        "components",
        *(None,) * 6,
        "parameters",
        "my.org.page",
        None,
    )
    assert compile_expression("$url").version == "1.0"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("$inputs.missing", "no input 'missing' (there are: 'username'"),
        ("$response.body#/items/5", "index 5 is past the end of a 2-item array"),
        ("$response.body#/items/01", "'01' is not an array index"),
        ("$response.body#/items/-", "'-' is not an array index"),
        ("$response.body#/items/\u0661", "'\u0661' is not an array index"),  # Arabic-Indic 1
        ("$response.body#/status/x", "cannot look up 'x' in a string"),
        ("$response.body#/redirectAuthToken/x", "cannot look up 'x' in null"),
        ("$response.body#/nope", "no member 'nope' (there are: 'status'"),
        ("$steps.other.outputs.x", "step 'other' has not run (steps that have: 'someStepId'"),
        ("$steps.someStepId.outputs.x", "no output of step 'someStepId' 'x'"),
        ("$steps.someStepId.pets", "$steps.<stepId>.outputs.<name>"),
        ("$workflows.bar.outputs.x", "workflow 'bar' has not run"),
        ("$workflows.foo.inputs.x", "no input of workflow 'foo' 'x'"),
        ("$workflows.foo.steps.other", "step 'other' of workflow 'foo' has not run"),
        ("$request.header.Missing", "the request has no header 'Missing'"),
        ("$request.query.missing", "the request has no query parameter 'missing'"),
        ("$request.path.missing", "the request has no path parameter 'missing'"),
        ("$sourceDescriptions.nope.url", "no source description is named 'nope'"),
        ("$sourceDescriptions.flows.nothing", "no operation or workflow 'nothing'"),
        ("$components.parameters.size", "no parameters component 'size'"),
        ("$components.inputs.size", "no inputs component 'size'"),
    ],
)
def test_missing_values_raise_a_lookup_error_naming_them(text: str, reason: str) -> None:
    with pytest.raises(ExpressionEvaluationError) as caught:
        compile_expression(text).evaluate(CONTEXT)
    assert reason in caught.value.reason
    assert caught.value.expression == text
    assert isinstance(caught.value, LookupError)


def test_nothing_there_yet() -> None:
    empty = EvaluationContext()
    for text, reason in [
        ("$statusCode", "there is no HTTP exchange here"),
        ("$url", "there is no HTTP exchange here"),
        ("$method", "there is no HTTP exchange here"),
        ("$response.body", "there is no response here"),
        ("$request.header.x", "there is no request here"),
    ]:
        with pytest.raises(ExpressionEvaluationError, match=reason):
            compile_expression(text).evaluate(empty)
    with pytest.raises(ExpressionEvaluationError, match="no \\$self"):
        compile_expression("$self", version="1.1").evaluate(empty)
    with pytest.raises(ExpressionEvaluationError, match="there is no message here"):
        compile_expression("$message.payload", version="1.1").evaluate(empty)
    no_body = EvaluationContext(response=HTTPMessage(body=MISSING))
    with pytest.raises(ExpressionEvaluationError, match="the response has no body"):
        compile_expression("$response.body").evaluate(no_body)


def test_a_null_body_is_a_value() -> None:
    assert (
        compile_expression("$response.body").evaluate(
            EvaluationContext(response=HTTPMessage(body=None))
        )
        is None
    )


def test_header_names_are_case_insensitive_in_any_mapping() -> None:
    for headers in (
        {"X-Rate-Limit": "100"},
        MappingProxyType({"x-rate-limit": "100"}),
    ):
        context = EvaluationContext(response=HTTPMessage(headers=headers))
        for name in ("x-rate-limit", "X-RATE-LIMIT", "X-Rate-Limit"):
            assert compile_expression(f"$response.header.{name}").evaluate(context) == "100"


def test_names_other_than_headers_are_case_sensitive() -> None:
    with pytest.raises(ExpressionEvaluationError):
        value("$inputs.Username")
    with pytest.raises(ExpressionEvaluationError):
        value("$request.query.Verbose")


def test_query_names_hold_any_character_and_json_escapes() -> None:
    assert value("$request.query.page size") == "10"
    assert compile_expression("$request.query.page\\u0020size").name == "page size"
    assert value("$request.query.page\\u0020size") == "10"


def test_source_description_references_prefer_operations_and_workflows() -> None:
    # RTE-07: an operationId called `url` shadows the field of the same name.
    assert value("$sourceDescriptions.shadowed.url") == "OPERATION url"
    assert value("$sourceDescriptions.shadowed.type") == "openapi"
    assert value("$sourceDescriptions.petStoreDescription.url") == PET_STORE.url
    assert value("$sourceDescriptions.petStoreDescription.name") == "petStoreDescription"
    assert value("$sourceDescriptions.flows.url") == "https://pets.example/flows.yaml"


def test_dotted_names_resolve_whole_first_then_as_members() -> None:
    # COND-02, for every source with names: `a.b` is the name "a.b" if there is one, else
    # the longest name that is there, then members.
    context = EvaluationContext(
        inputs={"a.b": 1, "a": {"b": 2, "c": {"d": 3}}, "x.y": {"z": 4}},
        steps={"s": {"list.items": [5], "list": {"items": [6]}}},
    )
    for text, expected in [
        ("$inputs.a.b", 1),
        ("$inputs.a.c.d", 3),
        ("$inputs.x.y.z", 4),
        ("$steps.s.outputs.list.items#/0", 5),
    ]:
        assert compile_expression(text, version="1.1").evaluate(context) == expected


def test_a_text_body_holding_json_can_be_pointed_into() -> None:
    context = EvaluationContext(response=HTTPMessage(body='{"id": 9}'))
    assert compile_expression("$response.body#/id").evaluate(context) == 9
    assert compile_expression("$response.body").evaluate(context) == '{"id": 9}'
    xml = EvaluationContext(response=HTTPMessage(body="<id>9</id>"))
    with pytest.raises(ExpressionEvaluationError, match="text, not JSON"):
        compile_expression("$response.body#/id").evaluate(xml)


def test_compiled_once_evaluated_many_times() -> None:
    expression = compile_expression("$response.body#/status")
    contexts = [
        EvaluationContext(response=HTTPMessage(body={"status": status}))
        for status in ("queued", "processing", "completed")
    ]
    assert [expression.evaluate(c) for c in contexts] == ["queued", "processing", "completed"]
    assert compile_expression("$response.body#/status") is expression  # compiled once


def test_compiled_expressions_are_immutable_values() -> None:
    expression = compile_expression("$inputs.x", version="1.1")
    with pytest.raises(AttributeError):
        expression.name = "y"  # type: ignore[misc]
    assert expression == compile_expression("$inputs.x", version="1.1")
    assert expression != compile_expression("$inputs.x", version="1.0")
    assert len({expression, compile_expression("$inputs.x", version="1.1")}) == 1
    assert pickle.loads(pickle.dumps(expression)) == expression
    assert copy.deepcopy(expression) == expression
    assert repr(expression) == "RuntimeExpression('$inputs.x', version='1.1')"
    assert isinstance(expression, RuntimeExpression)


def test_contexts_evolve_and_missing_is_one_falsy_sentinel() -> None:
    changed = CONTEXT.evolve(status_code=404)
    assert (changed.status_code, CONTEXT.status_code) == (404, 200)
    assert changed.inputs is CONTEXT.inputs
    assert not MISSING and repr(MISSING) == "MISSING"
    assert copy.deepcopy(MISSING) is MISSING and pickle.loads(pickle.dumps(MISSING)) is MISSING
    assert EvaluationContext().inputs == {}
    with pytest.raises(TypeError):
        EvaluationContext().inputs["x"] = 1  # type: ignore[index]


def test_unknown_versions_and_non_strings_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown Arazzo version"):
        compile_expression("$url", version="2.0")
    with pytest.raises(ValueError, match="unknown Arazzo version"):
        compile_expression("$url", version="1.0.1")
    with pytest.raises(TypeError):
        compile_expression(200)  # type: ignore[arg-type]
