"""Expression cases that other tools publish, and every expression in the public corpus.

- Speakeasy's vectors (validity, single expression, embedded extraction, simple conditions)
  and Redocly Respect's (lint and evaluation), extracted into ../shared/corpus with their
  provenance. Where this engine decides differently on purpose, the case is listed with the
  reason; every other case must agree, and a listed case must still disagree.
- Every simple condition, value and criterion context in the corpus's Arazzo documents is
  compiled with the document's version: each must compile, or be listed with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import yaml

from arazzo_engine._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_engine._expressions import (
    EvaluationContext,
    HTTPMessage,
    RuntimeExpression,
    WorkflowView,
    compile_condition,
    compile_expression,
    compile_template,
    compile_value,
)

from .corpus import CORPUS, corpus_documents

SPEAKEASY = json.loads((CORPUS / "speakeasy-api-openapi" / "runtime-expressions.json").read_text())
EXTRACT = json.loads((CORPUS / "speakeasy-api-openapi" / "embedded-extract.json").read_text())
REDOCLY = CORPUS / "Redocly-redocly-cli" / "extracted" / "respect-core-runtime-expressions"
LINT = json.loads((REDOCLY / "lint-expressions.json").read_text())["cases"]
EVALUATE = json.loads((REDOCLY / "evaluate-expressions.json").read_text())
VERSIONS = ("1.0", "1.1")

OUTPUTS_REQUIRED = (
    "1.1 requires '.outputs.<name>' after a step id (OAI #254); 1.0's `\"$steps.\" name` "
    "accepts anything"
)
# Validity (Speakeasy's Validate, Respect's lint): text -> (versions we disagree in, reason).
VALIDITY_DISAGREEMENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "$steps.someStep": (VERSIONS, "a step id alone names nothing; the grammar needs '.outputs.'"),
    "$workflows.someWorkflow": (
        VERSIONS,
        "a workflow id alone names nothing; the grammar needs '.inputs.', '.outputs.' "
        "(or 1.1's '.steps.') after it",
    ),
    "$sourceDescriptions.someSourceDescription": (
        VERSIONS,
        "the grammar needs a reference after the source name",
    ),
    "$sourceDescriptions.museum-api.url#/paths/~1special-events~1{eventId}/get": (
        VERSIONS,
        "'{' and '}' are not CHAR (1.1; 1.0 leaves CHAR undefined and is read the same, "
        "OAI #424); operationPath writes the pointer after the braced expression",
    ),
    "$request.query.somé-name": (VERSIONS, "names are *CHAR, which includes non-ASCII letters"),
    "$request.path.somé-name": (VERSIONS, "names are *CHAR, which includes non-ASCII letters"),
    "$inputs.someInput#/some/path": (
        VERSIONS,
        "1.1 allows a JSON Pointer on inputs, and the official 1.0 bnpl example uses one",
    ),
    "$workflows.someWorkflow.inputs.someInput#/some/path": (
        VERSIONS,
        "1.1 allows a JSON Pointer on workflow inputs (read the same way in 1.0)",
    ),
    "$response.body.name == 'Mermaid Treasure Identification and Analysis'": (
        VERSIONS,
        "member access after an expression is part of conditions (the 1.1 text's "
        "$response.body.count)",
    ),
    "$inputs.body#/name == 'Mermaid Treasure Identification and Analysis'": (
        VERSIONS,
        "an input named 'body' with a JSON Pointer is valid in 1.1 (and read so in 1.0)",
    ),
    '{$steps.someStep.pets == "Johny"}': (("1.1",), OUTPUTS_REQUIRED),
    "$steps.someStep.pets": (("1.1",), OUTPUTS_REQUIRED),
    "{$sourceDescriptions.petstoreDescription.url#/paths} == 'Bob'": (
        VERSIONS,
        "as a condition it is refused here too, but as a string it is a valid template: "
        "'url#/paths' is a source reference (1*CHAR) followed by text",
    ),
}


def _disagrees(text: str, version: str) -> bool:
    versions, _ = VALIDITY_DISAGREEMENTS.get(text, ((), ""))
    return version in versions


def valid_expression(text: str, version: str) -> bool:
    """A whole expression, or a string whose embedded expressions all parse."""
    try:
        if text.startswith("$"):
            compile_expression(text, version=version)
        elif "{$" in text:
            compile_template(text, version=version)
        else:
            return False
    except ExpressionSyntaxError:
        return False
    return True


def valid_condition(text: str, version: str) -> bool:
    try:
        compile_condition(text, version=version)
    except ExpressionSyntaxError:
        return False
    return True


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", SPEAKEASY["validate"], ids=lambda case: case["expr"])
def test_speakeasy_validity(case: dict[str, Any], version: str) -> None:
    found = valid_expression(case["expr"], version)
    assert (found != case["valid"]) is _disagrees(case["expr"], version), case["case"]


SINGLE_DISAGREEMENTS = {
    "{$request.body}#/some/path": (
        "a braced expression followed by text is a template that renders a string; the "
        "pointer belongs inside the braces"
    ),
}


def single_expression(text: str, version: str) -> bool:
    """Whether ``text`` is exactly one expression, braced or not."""
    inner = text[1:-1] if text.startswith("{$") and text.endswith("}") else text
    try:
        compile_expression(inner, version=version)
    except ExpressionSyntaxError:
        return False
    return True


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", SPEAKEASY["is_expression"], ids=lambda case: case["input"])
def test_speakeasy_single_expression(case: dict[str, Any], version: str) -> None:
    found = single_expression(case["input"], version)
    listed = case["input"] in SINGLE_DISAGREEMENTS
    assert (found != case["is_single_expression"]) is listed, case["case"]


EXTRACT_DISAGREEMENTS = {
    "{$request.body}#/some/path": SINGLE_DISAGREEMENTS["{$request.body}#/some/path"],
    "{$inputs.pet_id}#/some/json/pointer {$inputs.coupon_code}{$inputs.quantity}": (
        "the same: '#/some/json/pointer' after the braces is text"
    ),
    "{$some thing similar to an expression}": (
        "a '{$' that does not enclose a runtime expression is a syntax error (reported with "
        "its column), not text: a typo in a template should not be sent as written"
    ),
    "{$something{similar to an expression}}": "the same",
    "{$inputs.pet_id}#/some/json/pointer {$some thing similar to an expression}": "the same",
}


def extracted(text: str) -> list[str]:
    """The expressions in ``text``, as Speakeasy lists them: a whole expression, or each
    braced one with its braces."""
    if text.startswith("$"):
        try:
            return [compile_expression(text).text]
        except ExpressionSyntaxError:
            return []
    return ["{" + e.text + "}" for e in compile_template(text).expressions]


@pytest.mark.parametrize("case", EXTRACT["cases"], ids=lambda case: case["case"])
def test_speakeasy_embedded_extraction(case: dict[str, Any]) -> None:
    text = case["input"]
    try:
        found: list[str] | None = extracted(text)
    except ExpressionSyntaxError:
        found = None
    if text in EXTRACT_DISAGREEMENTS:
        assert found != case["expected"]
    else:
        assert found == case["expected"], case["case"]


@pytest.mark.parametrize(
    "case", SPEAKEASY["simple_condition_parse"], ids=lambda case: case["raw"] or "(empty)"
)
def test_speakeasy_conditions(case: dict[str, Any]) -> None:
    raw = case["raw"]
    if not raw:
        # Speakeasy: an empty string is "no condition"; here a condition must say something.
        assert not valid_condition(raw, "1.1")
    elif "expected_error" in case:
        # Speakeasy wants `expression operator value`; a bare operand parses here (and then
        # passes only when it is boolean true, COND-05); a dangling operator is an error.
        assert valid_condition(raw, "1.1") == (not raw.rstrip().endswith("=="))
    else:
        condition = compile_condition(raw, version="1.1")
        assert [e.text for e in condition.expressions] == [case["expected"]["expression"]]
        literal = case["expected"]["value"]
        if literal.startswith('"'):  # COND-03: read, with a note, unless strict
            assert condition.notes
            with pytest.raises(ExpressionSyntaxError):
                compile_condition(raw, version="1.1", strict=True)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", LINT, ids=lambda case: case["expr"])
def test_redocly_lint(case: dict[str, Any], version: str) -> None:
    text = case["expr"]
    found = valid_condition(text, version) or valid_expression(text, version)
    assert (found != case["valid"]) is _disagrees(text, version), case["group"]


def _context(shared: dict[str, Any]) -> EvaluationContext:
    """Respect's test context, in this engine's terms."""

    def message(data: dict[str, Any]) -> HTTPMessage:
        return HTTPMessage(
            headers=data.get("header", {}),
            body=data.get("body"),
            query=data.get("query", {}),
            path=data.get("path", {}),
        )

    steps = {step: data.get("outputs", {}) for step, data in shared.get("$steps", {}).items()}
    workflows = {
        workflow: WorkflowView(outputs=data.get("outputs", {}), inputs=data.get("inputs", {}))
        for workflow, data in shared.get("$workflows", {}).items()
    }
    method = shared.get("$method")
    return EvaluationContext(
        url=shared.get("$url"),
        method=method.upper() if method else None,
        status_code=shared.get("$statusCode"),
        request=message(shared["$request"]) if "$request" in shared else None,
        response=message(shared["$response"]) if "$response" in shared else None,
        inputs=shared.get("$inputs", {}),
        outputs=shared.get("$outputs", {}),
        steps=steps,
        workflows=workflows,
    )


EVALUATION_DISAGREEMENTS = {
    "$request.body#/test != undefined": "`undefined` is not a literal of the condition grammar",
    "== []": "array literals are not part of the condition grammar (COND-01)",
    "$steps.step-three.response.body": (
        "Respect lets $steps reach a step's response; the spec reaches outputs only"
    ),
}


def _disagreement(case: dict[str, Any]) -> str | None:
    text = json.dumps(case["expression_or_payload"])
    for key, reason in EVALUATION_DISAGREEMENTS.items():
        if key in text:
            return reason
    return None


@pytest.mark.parametrize(
    "case", EVALUATE["cases"], ids=lambda case: f"{case['function']}: {case['test']}"
)
def test_redocly_evaluation(case: dict[str, Any]) -> None:
    shared = case.get("local_context") or EVALUATE["shared_context"]
    context = _context(shared)
    value = case["expression_or_payload"]
    expected = case["expected"]
    is_condition = isinstance(value, str) and any(op in value for op in ("==", "!=", "&&", "||"))
    try:
        if case["function"] == "evaluateRuntimeExpression" and is_condition:
            found: Any = compile_condition(value, version="1.1").evaluate(context).passed
        else:
            found = compile_value(value, version="1.1").evaluate(context)
    except (ExpressionSyntaxError, ExpressionEvaluationError):
        found = "refused"
    if _disagreement(case):
        assert found != expected
    else:
        assert found == expected


# --- every expression in the corpus documents ------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _list(value: Any) -> list[Any]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@cache
def corpus_expressions() -> tuple[list[tuple[str, str, str]], ...]:
    """(conditions, values, contexts) of every corpus document, each as (text, version, file)."""
    conditions: list[tuple[str, str, str]] = []
    values: list[tuple[str, str, str]] = []
    contexts: list[tuple[str, str, str]] = []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def criteria(items: Any, version: str, file: str) -> None:
        for criterion in _list(items):
            condition, kind = criterion.get("condition"), criterion.get("type")
            if isinstance(condition, str) and kind in (None, "simple"):
                conditions.append((condition, version, file))
            if isinstance(criterion.get("context"), str):
                contexts.append((criterion["context"], version, file))

    def value(raw: Any, version: str, file: str) -> None:
        values.extend((text, version, file) for text in _strings(raw) if "$" in text)

    for document in corpus_documents():
        try:
            root = yaml.load(document.path.read_text(), Loader=loader)
        except yaml.YAMLError:
            continue
        if not isinstance(root, dict):
            continue
        version = "1.1" if str(root.get("arazzo", "")).startswith("1.1") else "1.0"
        file = document.file
        components = _map(root.get("components"))
        for kind in ("successActions", "failureActions"):
            for action in _map(components.get(kind)).values():
                criteria(_map(action).get("criteria"), version, file)
        for parameter in _map(components.get("parameters")).values():
            value(_map(parameter).get("value"), version, file)
        for workflow in _list(root.get("workflows")):
            value(_map(workflow.get("outputs")), version, file)
            for parameter in _list(workflow.get("parameters")):
                value(parameter.get("value"), version, file)
            for action in _list(workflow.get("successActions")) + _list(
                workflow.get("failureActions")
            ):
                criteria(action.get("criteria"), version, file)
            for step in _list(workflow.get("steps")):
                criteria(step.get("successCriteria"), version, file)
                for action in _list(step.get("onSuccess")) + _list(step.get("onFailure")):
                    criteria(action.get("criteria"), version, file)
                value(_map(step.get("outputs")), version, file)
                for parameter in _list(step.get("parameters")):
                    value(parameter.get("value"), version, file)
                body = _map(step.get("requestBody"))
                value(body.get("payload"), version, file)
                for replacement in _list(body.get("replacements")):
                    value(replacement.get("value"), version, file)
                value(step.get("operationPath"), version, file)
    return conditions, values, contexts


# Conditions in the corpus that do not compile, and why that is right.
CONDITION_ERRORS = {
    "$response.header.Content-Type == application/json": (
        "an unquoted string (Speakeasy's round-trip fixtures, not meant to run)"
    ),
    "$statusCode == 500%s": "a printf placeholder left in a Speakeasy test document",
}
# Strings in the corpus that begin like an expression but stay literal text (near misses).
NEAR_MISSES = {
    "$response.headers.Location": "'headers' for 'header' (the official bnpl example)",
    "$response.body/AccessToken": "'/' for '#/' (a JaredCE mock)",
    "$sourceDescriptions.museum-api#/paths/~1special-events/get": (
        "a Redocly operationPath without the braces and '.url' the spec requires (STEP-04)"
    ),
    "$sourceDescriptions.museum-api#/paths/~1special-events/post": "the same",
    "$sourceDescriptions.userAPI#/paths/~1users/get": "the same, in two 1.1 schema fixtures",
    "$steps.previous.outputs": "a 1.1 fixture reading all of a step's outputs; 1.1 names one",
    "$steps.Explore Article Facets_Get Article Facets_0.outputs.Get Article FacetsResponse": (
        "an output key with spaces, which the output-key pattern forbids (jentic fixture)"
    ),
    "$steps.Highlight Search Terms in Results_Search with Highlighting_0.outputs.Search with HighlightingResponse": (
        "the same"
    ),
    "$steps.Search Articles by Date Range_Search by Date Range_0.outputs.Search by Date RangeResponse": (
        "the same"
    ),
    "$steps.Search Articles by Keyword_Search Articles_0.outputs.Search ArticlesResponse": (
        "the same"
    ),
}
CONTEXT_ERRORS = {"response": "a JaredCE mock writes 'response' for '$response.body'"}


def test_every_simple_condition_in_the_corpus_compiles() -> None:
    conditions, _, _ = corpus_expressions()
    assert len(conditions) > 500
    refused = set()
    for text, version, file in conditions:
        try:
            compile_condition(text, version=version)
        except ExpressionSyntaxError as error:
            assert text in CONDITION_ERRORS, f"{file}: {error}"
            refused.add(text)
    assert refused == set(CONDITION_ERRORS)


def test_every_value_in_the_corpus_compiles_and_near_misses_are_known() -> None:
    _, values, _ = corpus_expressions()
    assert len(values) > 1500
    missed = set()
    expressions = 0
    for text, version, file in values:
        compiled = compile_value(text, version=version)  # a syntax error fails the test
        expressions += len(compiled.expressions)
        for miss in compiled.near_misses:
            assert miss.text in NEAR_MISSES, f"{file}: {miss}"
            missed.add(miss.text)
    assert missed == set(NEAR_MISSES)
    assert expressions > 1500


def test_every_criterion_context_in_the_corpus_compiles() -> None:
    _, _, contexts = corpus_expressions()
    refused = set()
    for text, version, file in contexts:
        try:
            assert isinstance(compile_expression(text, version=version), RuntimeExpression)
        except ExpressionSyntaxError as error:
            assert text in CONTEXT_ERRORS, f"{file}: {error}"
            refused.add(text)
    assert refused == set(CONTEXT_ERRORS)
