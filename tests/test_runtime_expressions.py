"""Runtime expressions: both ABNF grammars, every source, types kept, errors located."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_engine._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_engine._expressions import (
    EvaluationContext,
    HTTPMessage,
    SourceDescriptionView,
    WorkflowView,
    compile_expression,
)

CONTEXT = EvaluationContext(
    url="https://pets.example/v1/pets/7?verbose=true",
    method="GET",
    status_code=200,
    request=HTTPMessage(
        headers={"Accept": "application/json", "X-Trace": "t-1"},
        body={"user": {"uuid": "u-1"}},
        query={"verbose": "true"},
        path={"id": "7"},
    ),
    response=HTTPMessage(
        headers={"Server": "pets/1.0", "X-Rate-Limit": "100", "Location": "/pets/8"},
        body={"status": "available", "items": [{"id": 1}, {"id": 2}], "a/b": {"m~n": 5}},
    ),
    message=HTTPMessage(headers={"Server": "broker"}, body={"status": "sent"}),
    inputs={
        "username": "ada",
        "x-api-key": "k-1",
        "customer": {"firstName": "Ada"},
        "quantity": 3,
        "my.input": "dotted",
    },
    outputs={"bar": "b", "refresh_token": "r-1"},
    steps={"someStepId": {"pets": [{"id": 11}], "count": 0}, "browser-authorize": {"code": "c"}},
    workflows={
        "foo": WorkflowView(
            inputs={"username": "grace"}, outputs={"bar": "fb", "mappedResponse": {"name": "n"}}
        )
    },
    source_descriptions={
        "petStoreDescription": SourceDescriptionView(
            "petStoreDescription",
            "https://pets.example/openapi.yaml",
            "openapi",
            targets={"getPetById": "OPERATION getPetById", "url": "OPERATION url"},
        ),
        "flows": SourceDescriptionView("flows", "https://pets.example/flows.yaml", "arazzo"),
    },
    components={"parameters": {"page": {"name": "page", "in": "query", "value": 1}}},
    self_uri="https://pets.example/arazzo.yaml",
)


# The spec's expression table (FEATURES.md 13.3) and the 1.0.1/1.1.0 examples tables.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$method", "GET"),
        ("$request.header.accept", "application/json"),
        ("$request.path.id", "7"),
        ("$request.body#/user/uuid", "u-1"),
        ("$url", "https://pets.example/v1/pets/7?verbose=true"),
        ("$response.body#/status", "available"),
        ("$response.body#/items/0/id", 1),
        ("$response.header.Server", "pets/1.0"),
        ("$response.header.X-Rate-Limit", "100"),
        ("$response.header.Location", "/pets/8"),
        ("$statusCode", 200),
        ("$inputs.username", "ada"),
        ("$inputs.x-api-key", "k-1"),
        ("$inputs.quantity", 3),
        ("$inputs.customer#/firstName", "Ada"),
        ("$workflows.foo.inputs.username", "grace"),
        ("$steps.someStepId.outputs.pets", [{"id": 11}]),
        ("$steps.someStepId.outputs.pets#/0/id", 11),
        ("$steps.browser-authorize.outputs.code", "c"),
        ("$outputs.bar", "b"),
        ("$outputs.refresh_token", "r-1"),
        ("$workflows.foo.outputs.bar", "fb"),
        ("$workflows.foo.outputs.mappedResponse#/name", "n"),
        ("$components.parameters.page", {"name": "page", "in": "query", "value": 1}),
        ("$sourceDescriptions.petStoreDescription.url", "OPERATION url"),  # operationId first
        ("$sourceDescriptions.petStoreDescription.getPetById", "OPERATION getPetById"),
        ("$sourceDescriptions.petStoreDescription.type", "openapi"),
        ("$sourceDescriptions.flows.url", "https://pets.example/flows.yaml"),
        ("$response.body#/a~1b/m~0n", 5),
        ("$inputs.my.input", "dotted"),
    ],
)
def test_spec_examples_evaluate_with_their_types(text: str, expected: Any) -> None:
    for version in ("1.0", "1.1"):
        value = compile_expression(text, version=version).evaluate(CONTEXT)
        assert value == expected
        assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$message.header.Server", "broker"),
        ("$message.payload#/status", "sent"),
        ("$self", "https://pets.example/arazzo.yaml"),
        ("$response.payload#/status", "available"),
    ],
)
def test_1_1_sources(text: str, expected: Any) -> None:
    assert compile_expression(text, version="1.1").evaluate(CONTEXT) == expected
    with pytest.raises(ExpressionSyntaxError):
        compile_expression(text, version="1.0")


def test_header_names_are_case_insensitive() -> None:
    for name in ("x-rate-limit", "X-RATE-LIMIT", "X-Rate-Limit"):
        assert compile_expression(f"$response.header.{name}").evaluate(CONTEXT) == "100"


def test_static_attributes_for_validation() -> None:
    step = compile_expression("$steps.someStepId.outputs.pets#/0/id")
    assert (step.source, step.step_id, step.field, step.name, step.pointer) == (
        "steps",
        "someStepId",
        "outputs",
        "pets",
        "/0/id",
    )
    source = compile_expression("$sourceDescriptions.auth-api.PAR")
    assert (source.source_name, source.reference) == ("auth-api", "PAR")
    component = compile_expression("$components.parameters.my.org.page")
    assert (component.component_kind, component.component_key) == ("parameters", "my.org.page")
    workflow = compile_expression("$workflows.foo.outputs.bar")
    assert (workflow.workflow_id, workflow.field, workflow.name) == ("foo", "outputs", "bar")


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("statusCode", 1, "'$'"),
        ("$foo", 2, "a source"),
        ("$statusCode == 200", 12, "the end of the expression"),
        ("$response.headers.Location", 11, "(found 'headers')"),
        ("$response.body#items", 16, "starting with '/'"),
        ("$response.body#/a~2", 18, "'~0' or '~1'"),
        ("$inputs.", 9, "an input name"),
        ("$steps.a.pets", 10, "'outputs.'"),
        ("$workflows.w.steps.x", 14, "'inputs' or 'outputs'"),
        ("$components.schemas.x", 13, "'parameters.'"),
        ("$request.header.", 17, "a header name"),
        ("$sourceDescriptions.p.", 23, "an operationId"),
    ],
)
def test_syntax_errors_say_where_and_what(text: str, column: int, words: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression(text, version="1.1")
    assert caught.value.column == column
    assert words in caught.value.expected
    assert isinstance(caught.value, ValueError)


def test_1_0_grammar_is_lenient_where_published_documents_need_it() -> None:
    # 1.0 `name = *( CHAR )`: a step segment that is not `outputs` parses (the validator
    # reports it), and ids may hold characters 1.1 forbids.
    loose = compile_expression("$steps.retrieve.finalizedPaymentPlan", version="1.0")
    assert loose.field is None
    with pytest.raises(ExpressionEvaluationError, match="outputs"):
        loose.evaluate(CONTEXT)
    with pytest.raises(ExpressionSyntaxError):
        compile_expression("$steps.retrieve.finalizedPaymentPlan", version="1.1")
    assert compile_expression("$inputs.naïve", version="1.0").name == "naïve"
    with pytest.raises(ExpressionSyntaxError):
        compile_expression("$inputs.naïve", version="1.1")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("$inputs.missing", "no input 'missing'"),
        ("$response.body#/items/5", "past the end"),
        ("$response.body#/items/01", "not an array index"),
        ("$response.body#/status/x", "cannot look up 'x' in a str"),
        ("$steps.other.outputs.x", "step 'other' has not run"),
        ("$workflows.bar.outputs.x", "workflow 'bar' has not run"),
        ("$request.header.Missing", "no header 'Missing'"),
        ("$sourceDescriptions.flows.nothing", "no operation or workflow 'nothing'"),
        ("$components.parameters.size", "no parameters component 'size'"),
    ],
)
def test_missing_values_raise_a_lookup_error_naming_them(text: str, reason: str) -> None:
    with pytest.raises(ExpressionEvaluationError) as caught:
        compile_expression(text).evaluate(CONTEXT)
    assert reason in caught.value.reason
    assert isinstance(caught.value, LookupError)


def test_no_exchange_yet() -> None:
    with pytest.raises(ExpressionEvaluationError, match="no HTTP exchange"):
        compile_expression("$statusCode").evaluate(EvaluationContext())
    with pytest.raises(ExpressionEvaluationError, match="no response"):
        compile_expression("$response.body").evaluate(EvaluationContext())


def test_a_text_body_holding_json_can_be_pointed_into() -> None:
    context = EvaluationContext(response=HTTPMessage(body='{"id": 9}'))
    assert compile_expression("$response.body#/id").evaluate(context) == 9
    assert compile_expression("$response.body").evaluate(context) == '{"id": 9}'


def test_compiled_once_evaluated_many_times() -> None:
    expression = compile_expression("$response.body#/status")
    contexts = [
        EvaluationContext(response=HTTPMessage(body={"status": status}))
        for status in ("queued", "processing", "completed")
    ]
    assert [expression.evaluate(c) for c in contexts] == ["queued", "processing", "completed"]


def test_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown Arazzo version"):
        compile_expression("$url", version="2.0")
