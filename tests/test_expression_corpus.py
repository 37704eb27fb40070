"""Expression cases that other tools publish, run through this engine.

Speakeasy's validity vectors and Redocly Respect's lint and evaluation vectors (extracted into
../shared/corpus, with their provenance). Where this engine decides differently on purpose,
the case is listed in DISAGREEMENTS with the reason; every other case must agree.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from arazzo_engine._exceptions import ExpressionEvaluationError, ExpressionSyntaxError
from arazzo_engine._expressions import (
    EvaluationContext,
    HTTPMessage,
    WorkflowView,
    compile_condition,
    compile_expression,
    compile_template,
    compile_value,
)

from .corpus import CORPUS

SPEAKEASY = json.loads((CORPUS / "speakeasy-api-openapi" / "runtime-expressions.json").read_text())
REDOCLY = CORPUS / "Redocly-redocly-cli" / "extracted" / "respect-core-runtime-expressions"
LINT = json.loads((REDOCLY / "lint-expressions.json").read_text())["cases"]
EVALUATE = json.loads((REDOCLY / "evaluate-expressions.json").read_text())

OUTPUTS_REQUIRED = (
    "this engine requires '.outputs.' in $steps expressions (the 1.1 grammar; FEATURES.md 21)"
)
DISAGREEMENTS: dict[str, str] = {
    # Speakeasy validity
    "$steps.someStep": OUTPUTS_REQUIRED,
    "$workflows.someWorkflow": "the 1.1 grammar requires '.inputs.<name>' or '.outputs.<name>' after a workflow id",
    "$sourceDescriptions.someSourceDescription": "the grammar requires a reference after the source name",
    "$sourceDescriptions.museum-api.url#/paths/~1special-events~1{eventId}/get": (
        "'{' and '}' are not CHAR in the 1.1 grammar, so they cannot appear in an expression; "
        "operationPath templates put the pointer after the closing brace"
    ),
    "$request.query.somé-name": "names are *CHAR, which includes non-ASCII characters",
    "$request.path.somé-name": "names are *CHAR, which includes non-ASCII characters",
    "$inputs.someInput#/some/path": "the 1.1 grammar allows a JSON Pointer on inputs (and the official bnpl example uses one)",
    "$workflows.someWorkflow.inputs.someInput#/some/path": "the 1.1 grammar allows a JSON Pointer on workflow inputs",
    # Redocly lint
    "$response.body.name == 'Mermaid Treasure Identification and Analysis'": (
        "member access after an expression is part of conditions (the 1.1 text's $response.body.count)"
    ),
    "$inputs.body#/name == 'Mermaid Treasure Identification and Analysis'": (
        "an input named 'body' with a JSON Pointer is valid in the 1.1 grammar"
    ),
    '{$steps.someStep.pets == "Johny"}': OUTPUTS_REQUIRED,
    "$steps.someStep.pets": OUTPUTS_REQUIRED,
    "{$sourceDescriptions.petstoreDescription.url#/paths} == 'Bob'": (
        "checked as a condition this is invalid too; Respect's linter and this engine agree, "
        "but a braced expression followed by text is a valid template, which is what makes it parse"
    ),
}


def valid_expression(text: str) -> bool:
    try:
        if text.startswith("$"):
            compile_expression(text, version="1.1")
        elif "{$" in text:
            compile_template(text, version="1.1")
        else:
            return False
    except ExpressionSyntaxError:
        return False
    return True


def valid_condition(text: str) -> bool:
    try:
        compile_condition(text, version="1.1")
    except ExpressionSyntaxError:
        return False
    return True


@pytest.mark.parametrize("case", SPEAKEASY["validate"], ids=lambda case: case["expr"])
def test_speakeasy_validity(case: dict[str, Any]) -> None:
    found = valid_expression(case["expr"])
    if case["expr"] in DISAGREEMENTS:
        assert found != case["valid"]
    else:
        assert found == case["valid"], case["case"]


SINGLE_DISAGREEMENTS = {
    "{$request.body}#/some/path": (
        "a braced expression followed by text is a template that renders a string, not one expression"
    ),
}


def single_expression(text: str) -> bool:
    """Whether ``text`` is exactly one expression, braced or not."""
    inner = text[1:-1] if text.startswith("{$") and text.endswith("}") else text
    try:
        compile_expression(inner, version="1.1")
    except ExpressionSyntaxError:
        return False
    return True


@pytest.mark.parametrize("case", SPEAKEASY["is_expression"], ids=lambda case: case["input"])
def test_speakeasy_single_expression(case: dict[str, Any]) -> None:
    found = single_expression(case["input"])
    if case["input"] in SINGLE_DISAGREEMENTS:
        assert found != case["is_single_expression"]
    else:
        assert found == case["is_single_expression"], case["case"]


@pytest.mark.parametrize(
    "case", SPEAKEASY["simple_condition_parse"], ids=lambda case: case["raw"] or "(empty)"
)
def test_speakeasy_conditions(case: dict[str, Any]) -> None:
    raw = case["raw"]
    if not raw:
        # Speakeasy: an empty string is "no condition"; here a condition must say something.
        assert not valid_condition(raw)
    elif "expected_error" in case:
        # Speakeasy wants `expression operator value`; a bare operand parses here (and then
        # passes only when it is boolean true, COND-05); a dangling operator is an error.
        assert valid_condition(raw) == (not raw.rstrip().endswith("=="))
    else:
        condition = compile_condition(raw, version="1.1")
        assert [e.text for e in condition.expressions] == [case["expected"]["expression"]]


@pytest.mark.parametrize("case", LINT, ids=lambda case: case["expr"])
def test_redocly_lint(case: dict[str, Any]) -> None:
    found = valid_condition(case["expr"]) or valid_expression(case["expr"])
    if case["expr"] in DISAGREEMENTS:
        assert found != case["valid"]
    else:
        assert found == case["valid"], case["group"]


def _context(shared: dict[str, Any]) -> EvaluationContext:
    """Respect's test context, in this engine's terms."""

    def message(data: dict[str, Any]) -> HTTPMessage:
        return HTTPMessage(
            headers=data.get("header", {}),
            body=data.get("body"),
            query=data.get("query", {}),
            path=data.get("path", {}),
        )

    steps = {step: data.get("outputs", {}) for step, data in shared["$steps"].items()}
    workflows = {
        workflow: WorkflowView(outputs=data.get("outputs", {}), inputs=data.get("inputs", {}))
        for workflow, data in shared["$workflows"].items()
    }
    return EvaluationContext(
        url=shared["$url"],
        method=shared["$method"].upper(),
        status_code=shared["$statusCode"],
        request=message(shared["$request"]),
        response=message(shared["$response"]),
        inputs=shared["$inputs"],
        outputs=shared["$outputs"],
        steps=steps,
        workflows=workflows,
    )


EVALUATION_DISAGREEMENTS = {
    "$request.body#/test != undefined": "`undefined` is not a literal of the condition grammar",
    "== []": "array literals are not part of the condition grammar (COND-01)",
    "$steps.step-three.response.body": "Respect lets $steps reach a step's response; the spec reaches outputs only",
    '$response.body == "some string value"': "runs with Respect's local context (not transcribed)",
    '$url == "http://example.com"': "a whole string is one expression or a template; this is neither, so it stays text",
    "$workflows.workflow1.outputs": "reads Respect's internal $workflows layout",
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
    if case.get("context") != "shared" or _disagreement(case):
        pytest.skip(_disagreement(case) or "needs Respect's local context")
    context = _context(EVALUATE["shared_context"])
    value = case["expression_or_payload"]
    expected = case["expected"]
    is_condition = isinstance(value, str) and any(op in value for op in ("==", "!=", "&&", "||"))
    if case["function"] == "evaluateRuntimeExpression" and is_condition:
        assert compile_condition(value, version="1.1").evaluate(context).passed is expected
        return
    try:
        found = compile_value(value, version="1.1").evaluate(context)
    except ExpressionEvaluationError as error:
        pytest.fail(f"{value!r}: {error}")
    assert found == expected
