"""Criteria of every type: simple, regex (ECMA-262), JSONPath (RFC 9535) and XPath, and selectors."""

from __future__ import annotations

import pytest

from arazzo_engine._criteria import (
    apply_xpath_replacement,
    compile_criterion,
    compile_selector,
    jsonpointer_get,
)
from arazzo_engine._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_engine._expressions import EvaluationContext, HTTPMessage

XML = "<store><book id='b1' price='12'><title>Dune</title></book><book id='b2' price='40'><title>Emma</title></book></store>"


def context(body: object = None, status: int = 200, **inputs: object) -> EvaluationContext:
    return EvaluationContext(
        status_code=status, response=HTTPMessage(body=body), inputs=dict(inputs)
    )


def passes(condition: str, body: object, type: str = "jsonpath", **extra: object) -> bool:
    criterion = compile_criterion(condition, context="$response.body", type=type, **extra)  # type: ignore[arg-type]
    return criterion.evaluate(context(body)).passed


# --- the Knock fixture's conditions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "done", "running"),
    [
        ("queued", False, True),
        ("processing", False, True),
        ("completed", True, False),
        ("failed", False, False),
    ],
)
def test_knock_poll_conditions(status: str, done: bool, running: bool) -> None:
    body = {"id": "op-1", "status": status}
    assert passes("$.status == 'completed'", body) is done
    assert passes("$.status == 'queued' || $.status == 'processing'", body) is running


def test_a_comparison_on_an_empty_context_fails_cleanly() -> None:
    result = compile_criterion("$.status == 'completed'", context="$response.body", type="jsonpath")
    outcome = result.evaluate(context({}))
    assert not outcome.passed and outcome.reason is not None


# --- JSONPath ------------------------------------------------------------------------------------


def test_a_query_passes_when_its_nodelist_is_not_empty() -> None:
    assert passes("$.pets[*]", {"pets": [{"id": 1}]})
    assert not passes("$.pets[*]", {"pets": []})
    assert passes("$[?@.access_token != null]", [{"access_token": "t"}])


def test_the_spec_example_count_filter_follows_rfc_9535() -> None:
    # CRIT-04: `count(@.pets)` counts the nodes of @.pets over the root's children; for
    # {"pets": [...]} the only child is the array, which has no `pets` member, so it fails.
    assert not passes("$[?count(@.pets) > 0]", {"pets": [{"id": 1}, {"id": 2}]})
    assert passes("$[?count(@.pets) > 0]", [{"pets": [1]}])


def test_a_json_string_context_is_parsed_first() -> None:
    assert passes("$.status == 'completed'", '{"status": "completed"}')


def test_embedded_expressions_in_a_jsonpath_condition() -> None:
    criterion = compile_criterion(
        "$[?@.status == '{$inputs.expected}']", context="$response.body", type="jsonpath"
    )
    assert criterion.evaluate(context([{"status": "sold"}], expected="sold")).passed
    assert not criterion.evaluate(context([{"status": "sold"}], expected="available")).passed
    assert [e.text for e in criterion.expressions] == ["$response.body", "$inputs.expected"]


def test_goessner_version() -> None:
    version = "draft-goessner-dispatch-jsonpath-00"
    assert passes("$.pets[?(@.id > 1)]", {"pets": [{"id": 2}]}, version=version)
    with pytest.raises(ExpressionSyntaxError):
        compile_criterion("$.pets[?(@.id > 1)", context="$response.body", type="jsonpath")


def test_invalid_jsonpath_is_a_compile_time_error() -> None:
    with pytest.raises(ExpressionSyntaxError):
        compile_criterion("$.pets[", context="$response.body", type="jsonpath")


# --- regex ---------------------------------------------------------------------------------------


def test_regex_searches_the_context_as_text() -> None:
    criterion = compile_criterion("^200$", context="$statusCode", type="regex")
    assert criterion.evaluate(context(status=200)).passed
    assert not criterion.evaluate(context(status=201)).passed
    assert passes("avail", {"status": "available"}, type="regex")  # objects as compact JSON


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        # ECMA-262 where Python's re differs:
        (r"^\d+$", "١٢٣", False),  # \d is ASCII-only in ECMA-262 (Python: any Unicode digit)
        (r"^abc$", "abc\n", False),  # $ does not match before a final newline
        (r"\p{Lu}", "aЖ", True),  # Unicode property escapes (Python re: unsupported)
        (r"(?<year>\d{4})-\k<year>", "2024-2024", True),  # ECMA named groups and backrefs
        (r"(?<=\$)\d+", "cost: $42", True),  # lookbehind
        (r"^a[^]b$", "a\nb", True),  # [^] is any character, newline included (Python: an error)
    ],
)
def test_regex_dialect_is_ecma_262(pattern: str, text: str, expected: bool) -> None:
    criterion = compile_criterion(pattern, context="$inputs.text", type="regex")
    assert criterion.evaluate(context(text=text)).passed is expected


def test_invalid_regex_is_a_compile_time_error() -> None:
    with pytest.raises(ExpressionSyntaxError, match="ECMA-262"):
        compile_criterion("(unclosed", context="$statusCode", type="regex")


def test_null_or_missing_context_fails_with_a_reason() -> None:
    criterion = compile_criterion("x", context="$response.body#/missing", type="regex")
    result = criterion.evaluate(context({"a": 1}))
    assert not result.passed and result.reason is not None and "undefined" in result.reason
    assert (
        not compile_criterion("x", context="$response.body", type="regex")
        .evaluate(context(None))
        .passed
    )


# --- XPath ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["xpath-10", "xpath-20", "xpath-30", "xpath-31"])
def test_xpath_versions_pass_by_effective_boolean_value(version: str) -> None:
    assert passes("//book[@price > 30]", XML, type="xpath", version=version)
    assert not passes("//book[@price > 100]", XML, type="xpath", version=version)
    assert passes("count(//book) = 2", XML, type="xpath", version=version)
    assert not passes("count(//book) = 3", XML, type="xpath", version=version)


def test_xpath_31_features_and_version_checks() -> None:
    assert passes("string-join(//title, ',') = 'Dune,Emma'", XML, type="xpath")
    with pytest.raises(ExpressionSyntaxError):
        compile_criterion(
            "string-join(//title, ',')", context="$response.body", type="xpath", version="xpath-10"
        )
    with pytest.raises(ValueError, match="unknown xpath version"):
        compile_criterion("//a", context="$response.body", type="xpath", version="xpath-40")


def test_xpath_on_a_non_xml_context_fails_without_raising() -> None:
    result = compile_criterion("//a", context="$response.body", type="xpath").evaluate(
        context("not xml <")
    )
    assert not result.passed and result.reason is not None


# --- dispatch and simple -------------------------------------------------------------------------


def test_simple_is_the_default_and_ignores_context() -> None:
    criterion = compile_criterion("$statusCode == 200")
    assert criterion.type == "simple" and criterion.evaluate(context()).passed


def test_unknown_types_and_missing_context() -> None:
    with pytest.raises(ValueError, match="unknown criterion type"):
        compile_criterion("x", context="$url", type="jmespath")
    with pytest.raises(ValueError, match="needs a context"):
        compile_criterion("$.a", type="jsonpath")


def test_jsonpointer_criterion_1_1() -> None:
    assert passes("/data/0", {"data": [1]}, type="jsonpointer")
    assert not passes("/data/3", {"data": [1]}, type="jsonpointer")


# --- selectors and helpers -----------------------------------------------------------------------


def test_selectors() -> None:
    body = {"items": [{"id": 1}, {"id": 2}], "one": {"id": 3}}
    ctx = context(body)
    assert compile_selector("$response.body", "$.items[*].id", type="jsonpath").evaluate(ctx) == [
        1,
        2,
    ]
    assert compile_selector("$response.body", "$.one.id", type="jsonpath").evaluate(ctx) == 3
    assert compile_selector("$response.body", "/items/1/id", type="jsonpointer").evaluate(ctx) == 2
    xml_ctx = context(XML)
    assert (
        compile_selector("$response.body", "//book[@id='b2']/title", type="xpath").evaluate(xml_ctx)
        == "Emma"
    )
    with pytest.raises(ExpressionEvaluationError, match="selects nothing"):
        compile_selector("$response.body", "$.nothing", type="jsonpath").evaluate(ctx)


def test_jsonpointer_get() -> None:
    assert jsonpointer_get("/a~1b/0", {"a/b": ["x"]}) == "x"
    assert jsonpointer_get("#/a", {"a": 1}) == 1
    with pytest.raises(ExpressionEvaluationError):
        jsonpointer_get("/missing", {})


def test_xpath_replacement_sets_text_and_attributes() -> None:
    replaced = apply_xpath_replacement(XML, "//book[@id='b1']/title", "Arrakis")
    assert "<title>Arrakis</title>" in replaced
    priced = apply_xpath_replacement(XML, "//book[@id='b2']/@price", 9)
    assert 'price="9"' in priced
    with pytest.raises(ExpressionEvaluationError):
        apply_xpath_replacement(XML, "//nothing", 1)


def test_a_context_may_read_members_as_the_1_1_regex_example_does() -> None:
    criterion = compile_criterion("^pend", context="$response.body.status", type="regex")
    assert criterion.evaluate(context({"status": "pending"})).passed
    assert [e.text for e in criterion.expressions] == ["$response.body"]
