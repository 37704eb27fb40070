"""The validation rules: stable ids, default severities and what each checks.

``docs/rules.md`` is generated from this table (``python -m arazzo_engine._rules``);
a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._findings import Severity

__all__ = ["RULES", "Rule", "rules_markdown"]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    features: tuple[str, ...] = ()  # item ids of shared/spec/FEATURES.md


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "syntax",
            "error",
            "The file is not valid YAML or JSON, has a duplicate key, a "
            "non-string key or a tag outside the JSON schema.",
            ("FMT-01", "FMT-03"),
        ),
        Rule(
            "document-too-large",
            "error",
            "The file exceeds the size, nesting or alias-expansion limit.",
            ("FMT-08",),
        ),
        Rule(
            "unsupported-version",
            "error",
            "The `arazzo` field names no version this engine knows (1.0.x and 1.1.x).",
            ("VER-01", "VER-03"),
        ),
        Rule(
            "schema",
            "error",
            "The document breaks the official Arazzo JSON Schema of its "
            "version (with the two known 1.0 false rejections corrected).",
            ("VAL-01",),
        ),
        Rule(
            "schema-keyword",
            "warning",
            "A root `$schema` member (an editor hint): the "
            "official schema rejects it; the engine ignores it.",
            ("ROOT-01",),
        ),
        Rule(
            "duplicate-id",
            "error",
            "Two workflows, two steps of one workflow, or two "
            "source descriptions share an id or name.",
            ("WF-01", "STEP-02", "SRC-01"),
        ),
        Rule(
            "duplicate-parameter",
            "error",
            "A parameter list names the same (name, in) "
            "twice, or references the same component twice.",
            ("PARAM-01",),
        ),
        Rule(
            "duplicate-action",
            "error",
            "An action list has two actions with one name, or references the same component twice.",
            ("ACT-11",),
        ),
        Rule(
            "output-name-invalid",
            "error",
            "An output name does not match ^[a-zA-Z0-9.\\-_]+$.",
            ("STEP-09", "WF-06"),
        ),
        Rule(
            "source-unreadable",
            "error",
            "A source description's URL cannot be read or parsed.",
            ("SRC-02", "SRC-03"),
        ),
        Rule(
            "source-unsupported",
            "error",
            "A source is neither OpenAPI 3.x nor Arazzo (for example Swagger 2.0).",
            ("SRC-03",),
        ),
        Rule(
            "source-type-mismatch",
            "error",
            "A source's declared `type` differs from what the document is.",
            ("SRC-03",),
        ),
        Rule(
            "source-cycle",
            "warning",
            "Arazzo source descriptions refer to each other in a "
            "cycle; each document is loaded once.",
            ("SRC-06",),
        ),
        Rule(
            "ref-unresolvable",
            "warning",
            "An OpenAPI `$ref` points to a document that cannot be loaded.",
            ("SRC-04",),
        ),
        Rule(
            "openapi-invalid",
            "warning",
            "An OpenAPI source breaks the OpenAPI 3.0 or 3.1 schema (checked with "
            "openapi-spec-validator; `$ref`s read from the loaded documents only).",
            ("SRC-03", "SRC-04"),
        ),
        Rule(
            "unknown-source",
            "error",
            "A `$sourceDescriptions.<name>` reference names no "
            "source of this document (names are case-sensitive).",
            ("SRC-07", "RTE-07"),
        ),
        Rule(
            "operation-not-found",
            "error",
            "A step's operationId or operationPath does not "
            "lead to an operation of an OpenAPI source.",
            ("STEP-03", "STEP-04", "VAL-03"),
        ),
        Rule(
            "ambiguous-operation",
            "error",
            "An unqualified operationId exists in more than one OpenAPI source.",
            ("STEP-03",),
        ),
        Rule(
            "unqualified-operation",
            "warning",
            "A plain operationId is used while the "
            "document has several non-Arazzo sources; the spec requires "
            "`$sourceDescriptions.<name>.<operationId>`. Resolved when it exists in exactly "
            "one source.",
            ("STEP-03", "VAL-02"),
        ),
        Rule(
            "operation-path-literal",
            "error",
            "An operationPath does not identify its "
            "source with a `{$sourceDescriptions.<name>.url}` expression.",
            ("STEP-04",),
        ),
        Rule(
            "workflow-not-found",
            "error",
            "A step, action or dependsOn names a workflow "
            "that exists neither locally nor in the named Arazzo source (or a workflow of "
            "an Arazzo source is not qualified).",
            ("STEP-05", "ACT-12", "WF-05"),
        ),
        Rule(
            "goto-target-missing",
            "error",
            "A goto or retry action names a step that is not in the current workflow.",
            ("ACT-06", "ACT-12"),
        ),
        Rule("dependson-cycle", "error", "Workflows depend on each other in a cycle.", ("WF-05",)),
        Rule(
            "component-missing",
            "error",
            "A `$components` reference or an inputs `$ref` "
            "does not resolve, or resolves to the wrong kind of component.",
            ("COMP-04", "COMP-05", "WF-03"),
        ),
        Rule(
            "parameter-in-missing",
            "error",
            "A parameter of an operation step (or a component parameter it uses) has no `in`.",
            ("PARAM-02",),
        ),
        Rule(
            "parameter-in-ignored",
            "warning",
            "A parameter of a workflow step has `in`; "
            "workflow-step parameters are the called workflow's inputs.",
            ("PARAM-02",),
        ),
        Rule(
            "parameter-not-in-operation",
            "warning",
            "A step parameter is not declared by the operation it calls.",
            ("PARAM-04", "VAL-03"),
        ),
        Rule(
            "required-parameter-missing",
            "warning",
            "The operation declares a required parameter that the step does not set.",
            ("PARAM-05", "VAL-03"),
        ),
        Rule(
            "request-body-missing",
            "warning",
            "The operation requires a request body that the step does not give.",
            ("VAL-03",),
        ),
        Rule(
            "request-body-ignored",
            "warning",
            "A workflow step has a requestBody, which has no meaning there.",
            ("STEP-06",),
        ),
        Rule(
            "request-body-on-get",
            "warning",
            "A requestBody is sent with GET, HEAD or DELETE, which have no defined body semantics.",
            ("STEP-07",),
        ),
        Rule(
            "end-target-ignored",
            "warning",
            "An `end` action names a stepId or workflowId, which `end` does not use.",
            ("ACT-01",),
        ),
        Rule(
            "expression-syntax",
            "error",
            "A runtime expression, template, condition, regex, JSONPath or XPath does not parse.",
            ("RTE-08", "COND-01"),
        ),
        Rule(
            "expression-near-miss",
            "warning",
            "Text that looks like a runtime expression (`$response.headers.x`, `$steps.a.x`) "
            "but does not parse, so it is sent as it is written.",
            ("RTE-02", "RTE-08"),
        ),
        Rule(
            "condition-dialect",
            "warning",
            "A simple condition uses a double-quoted string or the legacy `{...}` wrapping; "
            "both are read as meant, but the spec writes neither.",
            ("COND-03", "COND-09"),
        ),
        Rule(
            "member-access",
            "warning",
            "An output or value reads `$response.body.name`-style members, which the ABNF "
            "allows only in conditions; it is evaluated as `$response.body#/name`.",
            ("COND-02", "RTE-03"),
        ),
        Rule(
            "unknown-step",
            "error",
            "`$steps.<id>` names no step of the same workflow, or does not go through `.outputs`.",
            ("RTE-05", "RTE-08"),
        ),
        Rule(
            "unknown-output",
            "error",
            "`$steps.<id>.outputs.<name>` names an output that step does not define.",
            ("RTE-08",),
        ),
        Rule(
            "step-output-before-run",
            "warning",
            "A step's parameters or request body read "
            "its own outputs, which do not exist before it runs.",
            ("RTE-08",),
        ),
        Rule(
            "unknown-input",
            "warning",
            "`$inputs.<name>` names a property the workflow's inputs schema does not declare.",
            ("WF-02",),
        ),
        Rule(
            "response-on-workflow-step",
            "warning",
            "A workflow step (or workflow outputs) "
            "reads `$statusCode`, `$response`, `$request`, `$url` or `$method`, which a "
            "workflow step does not have.",
            ("STEP-11",),
        ),
        Rule(
            "object-in-string",
            "warning",
            "A JSON string template puts an object or array "
            "input inside quotes, which sends JSON text as a string.",
            ("BODY-02",),
        ),
    )
}


def rules_markdown() -> str:
    lines = [
        "# Validation rules",
        "",
        "Generated from `arazzo_engine/_rules.py` by `python -m arazzo_engine._rules`; "
        "do not edit by hand.",
        "",
        "| rule | severity | what it reports | FEATURES.md |",
        "|---|---|---|---|",
    ]
    for rule in RULES.values():
        features = ", ".join(rule.features)
        lines.append(f"| `{rule.id}` | {rule.severity} | {rule.summary} | {features} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(rules_markdown(), end="")
