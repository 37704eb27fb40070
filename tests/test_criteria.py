"""Criteria of every type (CRIT-01..08), Selector Objects and JSON Pointers.

regex, XPath and the JSONPath compliance suite have their own files (test_regex.py,
test_xpath.py, test_jsonpath_cts.py); this one covers dispatch, JSONPath criteria, contexts,
embedded expressions, errors, selectors and the corpus.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from arazzo_engine._criteria import (
    CompiledCriterion,
    compile_criterion,
    compile_selector,
    jsonpointer_get,
)
from arazzo_engine._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_engine._expressions import EvaluationContext, HTTPMessage

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOESSNER = "draft-goessner-dispatch-jsonpath-00"


def context(body: object = None, status: int = 200, **inputs: object) -> EvaluationContext:
    return EvaluationContext(
        status_code=status, response=HTTPMessage(body=body), inputs=dict(inputs)
    )


def jsonpath(condition: str, version: str | None = None, **options: Any) -> CompiledCriterion:
    return compile_criterion(
        condition, context="$response.body", type="jsonpath", version=version, **options
    )


def passes(condition: str, body: object, version: str | None = None) -> bool:
    return jsonpath(condition, version).evaluate(context(body)).passed


# --- the Knock fixture: comparisons written as JSONPath conditions -----------------------


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


def test_knock_document_criteria_compile_and_decide_the_poll() -> None:
    document = yaml.safe_load((ROOT / "specs" / "knock-bulk.yml").read_text(encoding="utf-8"))
    criteria = [
        criterion
        for workflow in document["workflows"]
        for step in workflow["steps"]
        for action in step.get("onSuccess", [])
        for criterion in action.get("criteria", [])
        if criterion.get("type") == "jsonpath"
    ]
    assert len(criteria) == 2
    compiled = [
        compile_criterion(c["condition"], context=c["context"], type=c["type"]) for c in criteria
    ]
    for status, expected in [("queued", [False, True]), ("completed", [True, False])]:
        evaluation = context({"id": "b-1", "status": status})
        assert [c.evaluate(evaluation).passed for c in compiled] == expected


def test_a_comparison_on_an_empty_object_fails_cleanly() -> None:
    result = jsonpath("$.status == 'completed'").evaluate(context({}))
    assert result == type(result)(False, "$.status == 'completed' is false for {}")


def test_a_comparison_is_a_logical_expression_with_the_context_as_root_and_current() -> None:
    assert passes("@.status == 'completed'", {"status": "completed"})  # @ is the context too
    assert passes("$.a == $.b", {})  # RFC 9535: two Nothings are equal
    assert passes("!$.error", {"status": "ok"})  # a negated existence test
    assert passes("$.items[0].id == 7 && length($.items) == 1", {"items": [{"id": 7}]})
    assert passes("count($.items[*]) >= 2", {"items": [1, 2]})
    assert passes("$.name == 'it\\'s'", {"name": "it's"})
    assert passes("$ == 'done'", "done")  # a string context is a string value


@pytest.mark.parametrize(
    ("condition", "column", "message"),
    [
        ("$.status ==", 12, "unexpected end of expression"),
        ("$.status = 'x'", 10, "unexpected token '='"),
        ("$.items[*].id == 1", 15, "non-singular query is not comparable"),
        ("length($.items)", 1, "the result of length() is a value, not a test; compare it"),
        ("'completed'", 2, "a literal is not a test on its own; compare it"),
        ("  $.pets[", 10, "unexpected end of query"),  # the column counts the leading spaces
    ],
)
def test_a_condition_that_is_neither_a_query_nor_a_logical_expression(
    condition: str, column: int, message: str
) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        jsonpath(condition)
    assert caught.value.text == condition and caught.value.column == column
    assert caught.value.expected == (
        f"an RFC 9535 JSONPath query or logical expression ({message})"
    )


# --- JSONPath queries -------------------------------------------------------------------


def test_a_query_passes_when_its_nodelist_is_not_empty() -> None:
    assert passes("$.pets[*]", {"pets": [{"id": 1}]})
    assert not passes("$.pets[*]", {"pets": []})
    assert passes("$[?@.access_token != null]", {"token": {"access_token": "t"}})
    assert passes("$.data[*]", {"data": [0]})  # the 1.1 Multiple Criteria example
    result = jsonpath("$.pets[*]").evaluate(context({"pets": []}))
    assert result.reason == '$.pets[*] selects nothing in {"pets":[]}'


def test_the_spec_count_example_follows_rfc_9535() -> None:
    # CRIT-04: the filter runs over the root's children; for {"pets": [...]} the only child
    # is the array, which has no `pets` member, so the criterion fails.
    assert not passes("$[?count(@.pets) > 0]", {"pets": [{"id": 1}, {"id": 2}]})
    assert passes("$[?count(@.pets) > 0]", {"store": {"pets": [1]}})
    assert passes("$[?count(@.pets) > 0]", [{"pets": [1]}])


def test_a_string_context_holding_json_is_parsed_first() -> None:
    assert passes("$.status == 'completed'", '{"status": "completed"}')
    assert passes("$.status == 'completed'", b'{"status": "completed"}')
    assert passes("$ == 42", "42")  # any JSON text, a number included
    assert passes("$ == 'NaN'", "NaN")  # not JSON: the string itself
    assert passes("$ == '[1'", "[1")
    assert passes("$[0]", "[1]") and not passes("$[0]", "[]")


def test_goessner_version() -> None:
    store = {"book": [{"price": 8, "title": "A"}, {"price": 22, "title": "B"}]}
    assert passes("$.book[?(@.price < 10)].title", store, GOESSNER)
    assert passes("$.book[?(@.title =~ /^B/)]", store, GOESSNER)  # regex literals: Goessner only
    with pytest.raises(ExpressionSyntaxError):
        jsonpath("$.book[?(@.title =~ /^B/)]")
    assert passes("$.book[0].price == 8", store, GOESSNER)  # comparisons are read the same way
    with pytest.raises(ExpressionSyntaxError):
        jsonpath("$.book[?(@.price < 10)", GOESSNER)


def test_embedded_expressions_are_substituted_before_the_query_is_compiled() -> None:
    # the 1.1 spec's example
    criterion = compile_criterion(
        '$[?(@.status == "{$inputs.expectedStatus}")]',
        context="$response.body",
        type="jsonpath",
        arazzo_version="1.1",
    )
    assert [e.text for e in criterion.expressions] == ["$response.body", "$inputs.expectedStatus"]
    body = [{"status": "sold"}]
    assert criterion.evaluate(context(body, expectedStatus="sold")).passed
    assert not criterion.evaluate(context(body, expectedStatus="available")).passed
    missing = criterion.evaluate(context(body))
    assert not missing.passed and missing.reason is not None
    assert missing.reason.startswith("$inputs.expectedStatus is undefined")
    broken = criterion.evaluate(context(body, expectedStatus='x"y'))
    assert not broken.passed and broken.reason is not None
    assert broken.reason.startswith("with its values in, the condition reads")


def test_a_malformed_embedded_expression_is_a_syntax_error() -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        jsonpath("$[?@.status == '{$inputs.}']")
    assert caught.value.column == 26  # after `$inputs.`, where a name was expected


# --- dispatch: types and versions ----------------------------------------------------------


def test_type_as_a_string_or_an_expression_type_object() -> None:
    as_string = compile_criterion("$.a", context="$response.body", type="jsonpath")
    as_object = compile_criterion(
        "$.a", context="$response.body", type={"type": "jsonpath", "version": GOESSNER}
    )
    unpacked = compile_criterion("$.a", context="$response.body", type="jsonpath", version=GOESSNER)
    assert (as_string.type, as_string.version) == ("jsonpath", "rfc9535")
    assert (as_object.type, as_object.version) == ("jsonpath", GOESSNER)
    assert (unpacked.type, unpacked.version) == ("jsonpath", GOESSNER)
    assert compile_criterion("//a", context="$response.body", type="xpath").version == "xpath-31"
    regex = compile_criterion("a", context="$url", type="regex")
    assert (regex.type, regex.version) == ("regex", "ecma-262")


@pytest.mark.parametrize(
    ("type", "version", "message"),
    [
        ("jmespath", None, "unknown criterion type 'jmespath'"),
        ({"type": "jspath", "version": "rfc9535"}, None, "unknown criterion type 'jspath'"),
        ({"type": "jsonpath", "version": "xpath-30"}, None, "unknown jsonpath version"),
        ("xpath", "xpath-40", "unknown xpath version 'xpath-40'"),
        ("regex", "pcre", "unknown regex version 'pcre'; expected none"),
        ({"type": "jsonpath", "version": GOESSNER}, "rfc9535", "two versions given"),
    ],
)
def test_unknown_types_and_versions_are_value_errors(
    type: Any, version: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        compile_criterion("$.a", context="$response.body", type=type, version=version)


def test_the_version_table_matches_the_dialect_modules() -> None:
    from arazzo_engine import _criteria, _jsonpath, _xpath

    assert _criteria._VERSIONS["jsonpath"] == _jsonpath.JSONPATH_VERSIONS
    assert _criteria._VERSIONS["xpath"] == _xpath.XPATH_VERSIONS
    assert _criteria.DEFAULT_VERSIONS["jsonpath"] == _jsonpath.RFC9535
    assert _criteria.DEFAULT_VERSIONS["xpath"] == _xpath.XPATH_31


def test_a_typed_criterion_needs_a_context() -> None:
    for kind in ("regex", "jsonpath", "xpath"):
        with pytest.raises(ValueError, match="needs a context"):
            compile_criterion("$.a", type=kind)


def test_simple_is_the_default_and_ignores_context() -> None:
    criterion = compile_criterion("$statusCode == 200")
    assert (criterion.type, criterion.version) == ("simple", "simple")
    assert criterion.evaluate(context()).passed
    failed = criterion.evaluate(context(status=404))
    assert not failed.passed and failed.reason is not None and "404" in failed.reason
    # CRIT-02: a context written on a simple criterion is not used, nor even read
    with_context = compile_criterion("$statusCode == 200", context="not read", type="simple")
    assert [e.text for e in with_context.expressions] == ["$statusCode"]


def test_simple_conditions_pass_on_their_notes_and_strictness() -> None:
    lenient = compile_criterion('$response.body#/status == "done"')
    assert lenient.notes and lenient.evaluate(context({"status": "done"})).passed
    with pytest.raises(ExpressionSyntaxError):
        compile_criterion('$response.body#/status == "done"', strict=True)


def test_jsonpointer_criteria_are_1_1() -> None:
    pointer_type = {"type": "jsonpointer", "version": "rfc6901"}
    criterion = compile_criterion(
        "/data/0", context="$response.body", type=pointer_type, arazzo_version="1.1"
    )
    assert criterion.evaluate(context({"data": [None]})).passed  # a null value is a value
    result = criterion.evaluate(context({"data": []}))
    assert result.reason == "/data/0: the array at /data has 0 elements, so no [0]"
    with pytest.raises(ValueError, match=r"new in Arazzo 1\.1"):
        compile_criterion("/data", context="$response.body", type=pointer_type)
    with pytest.raises(ExpressionSyntaxError):
        compile_criterion("data", context="$response.body", type=pointer_type, arazzo_version="1.1")


# --- contexts ----------------------------------------------------------------------------


def test_a_malformed_context_is_a_syntax_error_at_its_column() -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        jsonpath_context("$response.bod")
    assert caught.value.text == "$response.bod" and caught.value.column == 11


def jsonpath_context(context_text: str) -> CompiledCriterion:
    return compile_criterion("$.a", context=context_text, type="jsonpath")


def test_a_braced_context_is_read_as_the_bare_expression_with_a_note() -> None:
    criterion = jsonpath_context("{$response.body}")
    assert criterion.notes == (
        "the context '{$response.body}' is in braces; a context is a bare expression",
    )
    assert criterion.evaluate(context({"a": 1})).passed


@pytest.mark.parametrize(("kind", "condition"), [("regex", "a"), ("jsonpath", "$"), ("xpath", "/")])
def test_a_null_or_undefined_context_fails_with_a_reason(kind: str, condition: str) -> None:
    criterion = compile_criterion(condition, context="$response.body#/missing", type=kind)
    undefined = criterion.evaluate(context({"other": 1}))
    assert not undefined.passed and undefined.reason is not None
    assert undefined.reason.startswith("the context $response.body#/missing is undefined")
    null = compile_criterion(condition, context="$response.body#/x", type=kind)
    assert null.evaluate(context({"x": None})).reason == "the context $response.body#/x is null"
    no_response = null.evaluate(EvaluationContext())
    assert not no_response.passed


class Hostile(Mapping[str, Any]):
    """A mapping that fails when read, as a broken decoder's value might."""

    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("boom")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("boom")

    def __len__(self) -> int:
        return 1


def test_evaluation_errors_never_raise() -> None:
    result = jsonpath("$.*").evaluate(context(Hostile()))
    assert not result.passed and result.reason == "$.*: evaluation failed: boom"
    deep: Any = []
    for _ in range(2000):
        deep = [deep]
    result = jsonpath("$..x").evaluate(context(deep))
    assert result == type(result)(False, "$..x: recursion limit exceeded")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=12,
)
CRITERIA = [
    jsonpath("$.status == 'completed'"),
    jsonpath("$[?@.id > 1]"),
    jsonpath("$..x"),
    compile_criterion(r"^\d+$", context="$response.body", type="regex"),
    compile_criterion("//a", context="$response.body", type="xpath"),
    compile_criterion(
        "/a/0",
        context="$response.body",
        type={"type": "jsonpointer", "version": "rfc6901"},
        arazzo_version="1.1",
    ),
]


@settings(max_examples=150, deadline=None)
@given(body=JSON | st.binary(max_size=8))
def test_any_context_gives_a_result_never_an_exception(body: object) -> None:
    for criterion in CRITERIA:
        result = criterion.evaluate(context(body))
        assert result.passed or result.reason


# --- the corpus ------------------------------------------------------------------------------

# Criteria in the corpus that do not compile, each from a document written to be wrong.
CORPUS_INVALID = {
    ("arazzo1_1--05.arazzo.yaml", "$.id"): "ValueError",  # version xpath-30 for jsonpath
    ("arazzo1_1--06.arazzo.yaml", "$.id"): "ValueError",  # type `jspath`
    # Redocly's no-criteria-xpath tests: JSONPath comparisons typed as xpath
    ("no-criteria-xpath--01.arazzo.yaml", "$.name == 'Orca Identification and Analysis'"): (
        "ExpressionSyntaxError"
    ),
    (
        "no-criteria-xpath--01.arazzo.yaml",
        "$.name == 'Mermaid Treasure Identification and Analysis'",
    ): "ExpressionSyntaxError",
    ("no-criteria-xpath--02.arazzo.yaml", "$.name == 'Orca Identification and Analysis'"): (
        "ExpressionSyntaxError"
    ),
    (
        "no-criteria-xpath--02.arazzo.yaml",
        "$.name == 'Mermaid Treasure Identification and Analysis'",
    ): "ExpressionSyntaxError",
    # Redocly's outputs-defined tests: a bare runtime expression inside a query
    **{
        ("outputs-defined--03.arazzo.yaml", condition): "ExpressionSyntaxError"
        for condition in [
            "$[?@.name == $steps.get-museum-hours.outputs.broken-in-jsonpath-failure-criteria]",
            "$[?@.name == $steps.get-museum-hours.outputs.broken-in-jsonpath-success-criteria]",
            "$.name == $steps.get-museum-hours.outputs.broken-in-xpath-failure-criteria",
            "$.name == $steps.get-museum-hours.outputs.broken-in-xpath-success-criteria",
        ]
    },
}


def corpus_criteria() -> Iterator[tuple[str, str, dict[str, Any]]]:
    index = json.loads((CORPUS / "INDEX.json").read_text(encoding="utf-8"))
    for entry in index["arazzo_documents"]:
        document = yaml.safe_load((CORPUS / entry["file"]).read_text(encoding="utf-8"))
        stack: list[Any] = [document]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("condition"), str) and node.get("type", "simple") not in (
                    "simple",
                    None,
                ):
                    yield entry["file"], str(document.get("arazzo", "1.0")), node
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)


def test_every_typed_criterion_of_the_corpus_compiles_unless_written_to_be_wrong() -> None:
    outcomes = {}
    for file, version, node in corpus_criteria():
        try:
            compile_criterion(
                node["condition"],
                context=node.get("context"),
                type=node["type"],
                arazzo_version="1.1" if version.startswith("1.1") else "1.0",
            )
        except (ExpressionSyntaxError, ValueError) as error:
            outcomes[(Path(file).name, node["condition"])] = type(error).__name__
    assert outcomes == CORPUS_INVALID


def test_corpus_conditions_on_bodies_like_their_apis_return() -> None:
    # JaredCE jsonPath.json: `$[?(@.id == 1)]` on findPetsByTags's array of pets
    assert passes("$[?(@.id == 1)]", [{"id": 1, "name": "Rex"}, {"id": 2}])
    assert not passes("$[?(@.id == 1)]", [{"id": 2}])
    # the official bnpl example: products found, or not
    products = {"products": [{"productCode": "p1"}]}
    assert passes("$[?count(@.products) > 0]", {"data": products})
    assert passes("$[?count(@.products) == 0]", {"data": {"products": []}}) is False
    # the 1.1 oauth fixture's comparison, and Redocly's cafe filter
    assert passes("$.access_token != null", {"access_token": "t"})
    assert not passes("$.access_token != null", {"access_token": None})
    # RFC 9535: a missing member is Nothing, and Nothing != null is true, so the check
    # passes without a token too; `$.access_token && $.access_token != null` is the test
    assert passes("$.access_token != null", {"error": "denied"})
    assert not passes("$.access_token && $.access_token != null", {"error": "denied"})
    cafe = {"items": [{"category": "beverage"}, {"category": "food"}]}
    assert passes("$.items[?(@.category == 'beverage')]", cafe)


# --- selectors -----------------------------------------------------------------------------


def select(selector: str, body: object, type: Any = "jsonpath") -> Any:
    return compile_selector("$response.body", selector, type=type).evaluate(context(body))


def test_a_singular_query_selects_a_value_any_other_a_list() -> None:
    body = {"items": [{"id": 1}, {"id": 2}], "user": {"email": "a@b.c"}}
    assert select("$.user.email", body) == "a@b.c"  # the 1.1 spec's example
    assert select("$.items[0].id", body) == 1
    assert select("$['user']['email']", body) == "a@b.c"
    assert select("$.items[*].id", body) == [1, 2]
    assert select("$.items[?@.id == 2].id", body) == [2]  # a filter is never singular
    assert select("$.missing[*]", body) == []  # so it may select nothing
    assert select("$.user.email", json.dumps(body)) == "a@b.c"  # JSON text is parsed


def test_selector_errors() -> None:
    with pytest.raises(ExpressionEvaluationError, match="it selects nothing"):
        select("$.user.name", {"user": {}})
    with pytest.raises(ExpressionEvaluationError, match="is null"):
        select("$.a", None)
    with pytest.raises(ExpressionEvaluationError):
        compile_selector("$response.body#/x", "$.a", type="jsonpath").evaluate(context({}))
    with pytest.raises(ExpressionSyntaxError):
        compile_selector("$response.body", "$.a ==", type="jsonpath")  # not a query
    with pytest.raises(ValueError, match="unknown selector type 'regex'"):
        compile_selector("$response.body", "a", type="regex")


def test_selector_types_and_versions() -> None:
    body = {"items": [{"sku": "A", "n": 1}]}
    goessner = {"type": "jsonpath", "version": GOESSNER}
    assert select("$.items[?(@.sku == 'A')].n", body, goessner) == [1]
    pointer = compile_selector("$response.body", "/items/0/n", type="jsonpointer")
    assert (pointer.type, pointer.version) == ("jsonpointer", "rfc6901")
    assert pointer.evaluate(context(body)) == 1
    assert [e.text for e in pointer.expressions] == ["$response.body"]
    with pytest.raises(ExpressionEvaluationError, match="has no 'x'"):
        select("/x", body, "jsonpointer")
    with pytest.raises(ExpressionSyntaxError):
        compile_selector("$response.body", "items", type="jsonpointer")


def test_a_selector_reads_a_step_output() -> None:
    selector = compile_selector(
        "$steps.previous.outputs.order",
        "$.itemId",
        type={"type": "jsonpath", "version": "rfc9535"},
    )
    evaluation = EvaluationContext(steps={"previous": {"order": {"itemId": "i-9"}}})
    assert selector.evaluate(evaluation) == "i-9"


# --- JSON Pointer ----------------------------------------------------------------------------


def test_jsonpointer_get() -> None:
    data = {"a/b": ["x"], "m~n": 1, "": {"": 2}, "a b": 3}
    assert jsonpointer_get("/a~1b/0", data) == "x"
    assert jsonpointer_get("/m~0n", data) == 1
    assert jsonpointer_get("//", data) == 2
    assert jsonpointer_get("", data) is data
    assert jsonpointer_get("#/a%20b", data) == 3  # the URI fragment form is percent-decoded
    assert jsonpointer_get("#", data) is data


@pytest.mark.parametrize(
    ("pointer", "reason"),
    [
        ("/missing", "the object at the root has no 'missing'"),
        ("/list/01", "'01' names no element of the array at /list"),
        (
            "/list/-",
            "'-' names no element of the array at /list ('-' is the element after the last)",
        ),
        ("/list/2", "the array at /list has 2 elements, so no [2]"),
        ("/list/0/x", "the value at /list/0 is a number, which has no 'x'"),
        ("list", "expected an RFC 6901 JSON Pointer (Location must start with /)"),
        ("/~2", "expected an RFC 6901 JSON Pointer (Found invalid escape ~2)"),
    ],
)
def test_jsonpointer_errors_say_where(pointer: str, reason: str) -> None:
    with pytest.raises(ExpressionEvaluationError) as caught:
        jsonpointer_get(pointer, {"list": [1, 2], "secret": "not shown"})
    assert caught.value.expression == pointer and caught.value.reason == reason
