"""Strings with embedded expressions, the unbraced form, and values compiled once."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_engine._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_engine._expressions import (
    EvaluationContext,
    HTTPMessage,
    compile_member_access,
    compile_template,
    compile_value,
    to_text,
)

CONTEXT = EvaluationContext(
    inputs={
        "apiKey": "sk_test_1",
        "host": "pets.example",
        "quantity": 3,
        "price": 2.5,
        "flag": True,
        "nothing": None,
        "pet": {"name": "Rex", "tags": ["a"]},
        "scope": "read",
    },
    steps={"create": {"id": "p-9"}, "browser-authorize": {"code": "c0de"}},
    response=HTTPMessage(body={"data": [{"id": 4}], "links": {"self": "/x"}}),
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("plain", "plain"),
        (3, "3"),
        (2.5, "2.5"),
        (True, "true"),
        (None, "null"),
        ({"a": [1, "x"]}, '{"a":[1,"x"]}'),
        ("<xml/>", "<xml/>"),
    ],
)
def test_to_text_follows_the_1_1_conversion_rules(value: Any, text: str) -> None:
    assert to_text(value) == text


def test_several_embedded_expressions() -> None:
    template = compile_template("https://{$inputs.host}/api/{$steps.create.outputs.id}/status")
    assert template.render(CONTEXT) == "https://pets.example/api/p-9/status"
    assert [e.text for e in template.expressions] == ["$inputs.host", "$steps.create.outputs.id"]


def test_braces_only_open_an_expression_before_a_dollar() -> None:
    template = compile_template("/pets/{petId}/owners/{$inputs.quantity}")
    assert template.render(CONTEXT) == "/pets/{petId}/owners/3"


def test_json_template_keeps_quotes_so_values_become_strings() -> None:
    body = compile_value('{"quantity": "{$inputs.quantity}", "pet": {$inputs.pet}}')
    assert body.evaluate(CONTEXT) == '{"quantity": "3", "pet": {"name":"Rex","tags":["a"]}}'


def test_form_data_template() -> None:
    text = "grant_type=authorization_code&code={$steps.browser-authorize.outputs.code}"
    assert compile_value(text).evaluate(CONTEXT).endswith("code=c0de")


def test_a_whole_expression_keeps_its_type_and_a_braced_one_is_text() -> None:
    assert compile_value("$inputs.quantity").evaluate(CONTEXT) == 3
    assert compile_value("$inputs.pet").evaluate(CONTEXT) == {"name": "Rex", "tags": ["a"]}
    assert compile_value("{$inputs.quantity}").evaluate(CONTEXT) == "3"


def test_objects_and_arrays_are_compiled_leaf_by_leaf() -> None:
    payload = {"pet": "$inputs.pet", "count": "$inputs.quantity", "tags": ["$inputs.scope", 1]}
    compiled = compile_value(payload)
    assert compiled.evaluate(CONTEXT) == {
        "pet": {"name": "Rex", "tags": ["a"]},
        "count": 3,
        "tags": ["read", 1],
    }
    assert len(compiled.expressions) == 3
    literal = {"a": [1, "b"]}
    assert compile_value(literal).evaluate(CONTEXT) is literal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bearer $inputs.apiKey", "Bearer sk_test_1"),
        ("Hello $inputs.scope.", "Hello read."),  # a full stop ends the sentence
        ("key=$inputs.apiKey&scope=$inputs.scope", "key=sk_test_1&scope=read"),
        ("costs $5", "costs $5"),  # a price
        ("US$inputs", "US$inputs"),  # no word character before the $
        ("$.items[*].id", "$.items[*].id"),  # a JSONPath in a payload
        ("$foo.bar baz", "$foo.bar baz"),  # not a known source
        ("see $inputs.unknown-but-valid later", None),  # valid, but absent: an error
    ],
)
def test_the_unbraced_form(text: str, expected: str | None) -> None:
    compiled = compile_value(text)
    if expected is None:
        with pytest.raises(ExpressionEvaluationError):
            compiled.evaluate(CONTEXT)
    else:
        assert compiled.evaluate(CONTEXT) == expected


def test_strict_turns_the_unbraced_form_off() -> None:
    assert compile_value("Bearer $inputs.apiKey", strict=True).evaluate(CONTEXT) == (
        "Bearer $inputs.apiKey"
    )
    assert compile_value("Bearer {$inputs.apiKey}", strict=True).evaluate(CONTEXT) == (
        "Bearer sk_test_1"
    )


def test_the_spec_form_data_erratum_stays_literal() -> None:
    # "scope=$inputs.scope}" (FEATURES.md section 20): the stray brace is text.
    assert compile_value("scope=$inputs.scope}").evaluate(CONTEXT) == "scope=read}"


def test_unclosed_or_malformed_embedded_expressions_are_syntax_errors() -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_template("a {$inputs.scope")
    assert "'}'" in caught.value.expected
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_template("a {$input.scope}")
    assert caught.value.column == 5


def test_member_access_outside_conditions() -> None:
    access = compile_member_access("$response.body.data[0].id")
    assert access.members == ("data", "0", "id")
    assert access.standard_form == "$response.body#/data/0/id"
    assert access.evaluate(CONTEXT) == 4
    assert compile_value("$response.body.links.self").evaluate(CONTEXT) == "/x"
    with pytest.raises(ExpressionSyntaxError):
        compile_member_access("$statusCode.value")
