"""Strings with embedded expressions, the unbraced form, and values compiled once."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from arazzo_engine._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_engine._expressions import (
    EvaluationContext,
    HTTPMessage,
    RuntimeExpression,
    compile_member_access,
    compile_template,
    compile_value,
    to_text,
)

CONTEXT = EvaluationContext(
    url="https://pets.example/v1/pets",
    status_code=200,
    inputs={
        "apiKey": "sk_test_1",
        "host": "pets.example",
        "quantity": 3,
        "price": 2.5,
        "flag": True,
        "nothing": None,
        "pet": {"name": "Rex", "tags": ["a"]},
        "scope": "read",
        "id": 7,
    },
    steps={"create": {"id": "p-9"}, "browser-authorize": {"code": "c0de"}, "login": {"token": "T"}},
    response=HTTPMessage(body={"data": [{"id": 4}], "links": {"self": "/x"}}),
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("plain", "plain"),
        ("", ""),
        (3, "3"),
        (-7, "-7"),
        (3.0, "3"),  # integral numbers have no ".0", as in JSON written by JavaScript
        (2.5, "2.5"),
        (1e21, "1e+21"),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        ({"a": [1, "x", 2.0, None]}, '{"a":[1,"x",2,null]}'),  # compact RFC 8259 JSON
        ([], "[]"),
        (MappingProxyType({"é": True}), '{"é":true}'),  # any mapping; no \\u escapes
        ("<xml a='1'/>", "<xml a='1'/>"),  # raw text stays as it is
        (b"bytes", "bytes"),
    ],
)
def test_to_text_follows_the_1_1_conversion_rules(value: Any, text: str) -> None:
    assert to_text(value) == text


def test_several_embedded_expressions() -> None:
    template = compile_template("https://{$inputs.host}/api/{$steps.create.outputs.id}/status")
    assert template.render(CONTEXT) == "https://pets.example/api/p-9/status"
    assert [e.text for e in template.expressions] == ["$inputs.host", "$steps.create.outputs.id"]
    assert template.parts[0] == "https://" and isinstance(template.parts[1], RuntimeExpression)


def test_adjacent_expressions_and_values_of_every_kind() -> None:
    template = compile_template(
        "{$inputs.quantity}{$inputs.price}|{$inputs.flag}|{$inputs.nothing}|{$inputs.pet}"
    )
    assert template.render(CONTEXT) == '32.5|true|null|{"name":"Rex","tags":["a"]}'


def test_braces_only_open_an_expression_before_a_dollar() -> None:
    # STEP-04: operationPath pointers hold path templates such as {petId}.
    template = compile_template("/pets/{petId}/owners/{$inputs.quantity}/{ $inputs.x }")
    assert template.render(CONTEXT) == "/pets/{petId}/owners/3/{ $inputs.x }"
    assert compile_template("no expressions {here}").render(CONTEXT) == "no expressions {here}"


def test_json_template_keeps_quotes_so_values_become_strings() -> None:
    body = compile_value('{"quantity": "{$inputs.quantity}", "pet": {$inputs.pet}}')
    assert body.evaluate(CONTEXT) == '{"quantity": "3", "pet": {"name":"Rex","tags":["a"]}}'


def test_form_data_template() -> None:
    text = "grant_type=authorization_code&code={$steps.browser-authorize.outputs.code}"
    assert compile_value(text).evaluate(CONTEXT).endswith("code=c0de")


def test_a_whole_expression_keeps_its_type_and_a_braced_one_is_text() -> None:
    assert compile_value("$inputs.quantity").evaluate(CONTEXT) == 3
    assert compile_value("$inputs.pet").evaluate(CONTEXT) == {"name": "Rex", "tags": ["a"]}
    assert compile_value("$inputs.nothing").evaluate(CONTEXT) is None
    assert compile_value("{$inputs.quantity}").evaluate(CONTEXT) == "3"
    assert compile_value("{$inputs.pet}").evaluate(CONTEXT) == '{"name":"Rex","tags":["a"]}'


def test_objects_and_arrays_are_compiled_leaf_by_leaf() -> None:
    payload = {
        "pet": "$inputs.pet",
        "count": "$inputs.quantity",
        "tags": ["$inputs.scope", 1, {"deep": "{$inputs.id}"}],
        "fixed": "text",
        "n": 2,
    }
    compiled = compile_value(payload)
    assert compiled.evaluate(CONTEXT) == {
        "pet": {"name": "Rex", "tags": ["a"]},
        "count": 3,
        "tags": ["read", 1, {"deep": "7"}],
        "fixed": "text",
        "n": 2,
    }
    assert [e.text for e in compiled.expressions] == [
        "$inputs.pet",
        "$inputs.quantity",
        "$inputs.scope",
        "$inputs.id",
    ]
    literal = {"a": [1, "b"]}
    assert compile_value(literal).evaluate(CONTEXT) is literal  # no copy: nothing to evaluate
    assert compile_value(5).evaluate(CONTEXT) == 5
    assert compile_value(None).evaluate(CONTEXT) is None


# The unbraced form (docs/decisions: RTE-02): what is read, and what is left alone.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bearer $inputs.apiKey", "Bearer sk_test_1"),
        ("Hello $inputs.scope.", "Hello read."),  # a full stop ends the sentence
        ("key=$inputs.apiKey&scope=$inputs.scope", "key=sk_test_1&scope=read"),
        ("https://api/$inputs.id?x=1", "https://api/7?x=1"),
        ('<id>$inputs.id</id> "$inputs.scope"', '<id>7</id> "read"'),
        ("https://api/$inputs.id/details", "https://api/$inputs.id/details"),  # braces say that
        ("$response.body/token", "$response.body/token"),  # a typo of #/, not body + text
        ("($inputs.id)", "(7)"),
        ("first {$inputs.id}, then $inputs.scope", "first 7, then read"),
        ("see $response.body#/data/0/id, ok", "see 4, ok"),
        ("status $statusCode at $url", "status 200 at https://pets.example/v1/pets"),
        ("costs $5", "costs $5"),  # a price
        ("US$inputs.apiKey", "US$inputs.apiKey"),  # a letter before the $
        ("$$inputs.apiKey", "$$inputs.apiKey"),  # a $ before the $
        ("$.items[*].id", "$.items[*].id"),  # a JSONPath in a payload
        ("$[?@.id == $inputs]", "$[?@.id == $inputs]"),  # no '.' after the source
        ("$foo.bar baz", "$foo.bar baz"),  # not a source
        ("$urls and $statusCodes", "$urls and $statusCodes"),  # not whole words
        ("$inputs.naïve one", "$inputs.naïve one"),  # the name runs on in another script
        ("$self here", "$self here"),  # $self is 1.1 only
        ("Bearer $steps.login.token", None),  # 1.0 `$steps.` name parses; evaluating says why
    ],
)
def test_the_unbraced_form(text: str, expected: str | None) -> None:
    compiled = compile_value(text)
    if expected is None:
        with pytest.raises(ExpressionEvaluationError, match="outputs"):
            compiled.evaluate(CONTEXT)
    else:
        assert compiled.evaluate(CONTEXT) == expected


def test_the_unbraced_form_follows_the_documents_version() -> None:
    context = CONTEXT.evolve(self_uri="https://pets.example/arazzo.yaml")
    assert compile_value("from $self", version="1.1").evaluate(context) == (
        "from https://pets.example/arazzo.yaml"
    )
    # 1.1 requires '.outputs.', so this stays text, reported as a near miss.
    near = compile_value("Bearer $steps.login.token", version="1.1")
    assert near.evaluate(CONTEXT) == "Bearer $steps.login.token"
    assert [(m.column, m.text) for m in near.near_misses] == [(21, "Bearer $steps.login.token")]
    assert "'outputs.'" in near.near_misses[0].expected


def test_strict_turns_the_unbraced_form_off() -> None:
    assert compile_value("Bearer $inputs.apiKey", strict=True).evaluate(CONTEXT) == (
        "Bearer $inputs.apiKey"
    )
    assert compile_value("Bearer {$inputs.apiKey}", strict=True).evaluate(CONTEXT) == (
        "Bearer sk_test_1"
    )
    assert compile_value("$inputs.apiKey", strict=True).evaluate(CONTEXT) == "sk_test_1"


@pytest.mark.parametrize(
    ("value", "columns"),
    [
        ("$steps.login.token", [14]),  # a whole string that starts like an expression
        ("$inputs.", [9]),
        ({"a": ["x $inputs. y", "$response.headers.Location"]}, [10, 11]),
        ("$.items[*]", []),  # not a source: plain text, nothing to report
        ("costs $5 or $inputs.apiKey", []),
        ("$url == 'x'", []),  # read as text with $url in it
        ("https://api/$inputs.id/details", [23]),  # rule 5: what follows must end it
        ("$response.body/AccessToken", [15]),
    ],
)
def test_near_misses_are_reported_not_raised(value: Any, columns: list[int]) -> None:
    compiled = compile_value(value, version="1.1")
    assert [miss.column for miss in compiled.near_misses] == columns
    assert all(isinstance(miss, ExpressionSyntaxError) for miss in compiled.near_misses)


def test_the_spec_form_data_erratum_stays_literal() -> None:
    # "scope=$inputs.scope}" (FEATURES.md section 20): the stray brace is text.
    assert compile_value("scope=$inputs.scope}").evaluate(CONTEXT) == "scope=read}"


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("a {$inputs.scope", 17, "'}' to close the expression opened at column 3"),
        ("a {$input.scope}", 5, "a source"),
        ("{$inputs.a b}", 11, "a JSON Pointer ('#/...') or the end"),
        ("x {$something{similar to an expression}}", 5, "a source"),
        ("{$}", 3, "a source"),
    ],
)
def test_malformed_embedded_expressions_are_syntax_errors(
    text: str, column: int, words: str
) -> None:
    for compile_it in (compile_template, compile_value):
        with pytest.raises(ExpressionSyntaxError) as caught:
            compile_it(text, version="1.1")  # type: ignore[operator]
        assert (caught.value.text, caught.value.column) == (text, column)
        assert words in caught.value.expected


def test_missing_values_raise_or_are_noted_leniently() -> None:
    template = compile_value("id={$inputs.missing}&scope={$inputs.scope}")
    with pytest.raises(ExpressionEvaluationError, match="no input 'missing'"):
        template.evaluate(CONTEXT)
    notes: list[str] = []
    assert template.evaluate_lenient(CONTEXT, notes) == "id=&scope=read"
    assert notes == ["$inputs.missing: no input 'missing' (there are: " + _inputs() + ")"]
    whole: list[str] = []
    payload = compile_value({"a": "$inputs.missing", "b": ["$inputs.id"]})
    assert payload.evaluate_lenient(CONTEXT, whole) == {"a": None, "b": [7]}
    assert len(whole) == 1


def _inputs() -> str:
    return ", ".join(repr(name) for name in list(CONTEXT.inputs)[:10])


def test_member_access_outside_conditions() -> None:
    access = compile_member_access("$response.body.data[0].id")
    assert access.members == ("data", "0", "id")
    assert access.text == "$response.body.data.0.id"
    assert access.standard_form == "$response.body#/data/0/id"
    assert access.evaluate(CONTEXT) == 4
    assert compile_value("$response.body.links.self").evaluate(CONTEXT) == "/x"
    assert compile_value("$response.body.data.0.id").evaluate(CONTEXT) == 4
    assert compile_member_access("$inputs.pet").members == ()
    with pytest.raises(ExpressionSyntaxError):
        compile_member_access("$statusCode.value")
    with pytest.raises(ExpressionEvaluationError, match="no member 'nope'"):
        compile_value("$response.body.nope").evaluate(CONTEXT)


def test_compiled_values_are_shared_and_immutable() -> None:
    first = compile_value("Bearer {$inputs.apiKey}")
    assert compile_value("Bearer {$inputs.apiKey}") is first
    with pytest.raises(AttributeError):
        first.expressions = ()  # type: ignore[misc]
    template = compile_template("{$inputs.id}")
    with pytest.raises(AttributeError):
        template.text = "x"  # type: ignore[misc]


def test_unknown_versions_are_refused() -> None:
    for compile_it in (compile_template, compile_value):
        with pytest.raises(ValueError, match="unknown Arazzo version"):
            compile_it("{$url}", version="3.0")  # type: ignore[operator]
