"""Validation in layers: syntax, the official schema, then the rules a schema cannot express.

Shaped like jsonschema's validators: ``iter_findings`` yields every finding,
``is_valid`` says whether any is an error, ``validate`` raises
``InvalidDocument`` carrying them. ``validate_location`` also turns a file that
cannot be parsed into findings, for command-line use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._criteria import compile_criterion
from ._exceptions import (
    DocumentNotFound,
    DocumentTooLarge,
    ExpressionSyntaxError,
    InvalidDocument,
    LoadError,
)
from ._expressions import RuntimeExpression, compile_member_access, compile_value
from ._findings import Finding, Severity
from ._loader import Description, LoadOptions, display_name, load, to_uri
from ._model import (
    ABSENT,
    Action,
    ArazzoDocument,
    Criterion,
    Parameter,
    Reusable,
    Step,
    Workflow,
)
from ._openapi import Operation, resolve_pointer
from ._openapi_checks import iter_openapi_findings
from ._resolve import Problem, Resolver, suggest
from ._rules import RULES
from ._schema import iter_schema_errors

__all__ = ["LocationReport", "is_valid", "iter_findings", "validate", "validate_location"]

_VERSION = re.compile(r"^1\.(0|1)\.\d+(-.+)?$")
_OUTPUT_NAME = re.compile(r"^[a-zA-Z0-9.\-_]+$")
_COMPONENT_REF = re.compile(r"^\$components\.(parameters|successActions|failureActions)\.(.+)$")
_OBJECT_IN_QUOTES = re.compile(r"\"\{\$inputs\.([A-Za-z0-9_\-.]+)\}\"")
_HTTP_CONTEXT_SOURCES = frozenset({"statusCode", "response", "request", "url", "method"})
# Headers that OpenAPI says parameters do not describe (they come from elsewhere).
_IMPLICIT_HEADERS = frozenset({"accept", "content-type", "authorization"})


def iter_findings(description: Description) -> Iterator[Finding]:
    """Every finding for the entry document, its Arazzo sources and how they were loaded."""
    yield from description.findings
    for document in description.iter_documents():
        yield from _DocumentCheck(description, document).run()
    yield from iter_openapi_findings(description)


def is_valid(description: Description) -> bool:
    return not any(finding.severity == "error" for finding in iter_findings(description))


def validate(description: Description) -> None:
    """Raise InvalidDocument (with every finding) when there is any error."""
    findings = list(iter_findings(description))
    if any(finding.severity == "error" for finding in findings):
        raise InvalidDocument(findings)


@dataclass(frozen=True, slots=True)
class LocationReport:
    """What ``validate_location`` found: the description when it loaded, and the findings."""

    uri: str
    description: Description | None
    findings: tuple[Finding, ...]
    readable: bool  # False when the file could not be read at all

    @property
    def valid(self) -> bool:
        return self.readable and not any(f.severity == "error" for f in self.findings)


def validate_location(location: str | Path, options: LoadOptions | None = None) -> LocationReport:
    """Load and validate a file or URL; unreadable or unparsable input becomes a finding."""
    uri = to_uri(location)
    try:
        description = load(location, options)
    except DocumentNotFound as error:
        return LocationReport(uri, None, (_load_finding("source-unreadable", error),), False)
    except DocumentTooLarge as error:
        return LocationReport(uri, None, (_load_finding("document-too-large", error),), True)
    except LoadError as error:
        return LocationReport(uri, None, (_load_finding("syntax", error),), True)
    return LocationReport(uri, description, tuple(iter_findings(description)), readable=True)


def _load_finding(rule: str, error: LoadError) -> Finding:
    return Finding(
        rule=rule,
        severity="error",
        message=error.message,
        file=error.uri,
        line=error.line or 1,
        column=error.column or 1,
        pointer="",
    )


# --- one document ---------------------------------------------------------------------------


class _DocumentCheck:
    """The semantic rules over one Arazzo document of a description."""

    def __init__(self, description: Description, document: ArazzoDocument) -> None:
        self.description = description
        self.document = document
        self.version = document.minor_version
        self.sources = description.sources_of(document)
        self.resolver = Resolver(description, document)
        self.file = display_name(document.uri)
        self.findings: list[Finding] = []
        self.reported: set[Finding] = set()

    # -- plumbing ----------------------------------------------------------------------------

    def report(self, rule: str, message: str, pointer: str, *, at_key: bool = False) -> None:
        severity: Severity = RULES[rule].severity
        position = self.document.parsed.locate(pointer, key=at_key)
        finding = Finding(
            rule, severity, message, self.file, position.line, position.column, pointer
        )
        # A component is reached from every place that uses it; say each problem once.
        if finding not in self.reported:
            self.reported.add(finding)
            self.findings.append(finding)

    def run(self) -> list[Finding]:
        raw = self.document.raw
        version = raw.get("arazzo") if isinstance(raw, dict) else None
        if (
            isinstance(raw, dict)
            and version is not None
            and not (isinstance(version, str) and _VERSION.match(version))
        ):
            shown = repr(version) if not isinstance(version, str) else f"'{version}'"
            self.report(
                "unsupported-version",
                f"arazzo is {shown}; this engine reads 1.0.x and 1.1.x documents "
                "(for example '1.0.1' or '1.1.0')",
                "/arazzo",
            )
            return self.findings
        self.check_schema(raw)
        if not isinstance(raw, dict):
            return self.findings
        self.check_sources()
        workflow_ids = [workflow.workflow_id for workflow in self.document.workflows]
        self.check_unique(workflow_ids, [w.pointer for w in self.document.workflows], "workflowId")
        for workflow in self.document.workflows:
            self.check_workflow(workflow)
        self.check_depends_on_cycles()
        return self.findings

    def check_schema(self, raw: Any) -> None:
        instance = raw
        if isinstance(raw, dict) and "$schema" in raw:
            self.report(
                "schema-keyword",
                "the root '$schema' member is not an Arazzo field (the official schema "
                "rejects it); it is ignored here, and editors can take the schema from "
                "their settings instead",
                "/$schema",
                at_key=True,
            )
            instance = {key: value for key, value in raw.items() if key != "$schema"}
        for error in iter_schema_errors(instance, self.version):
            self.report("schema", error.message, error.pointer, at_key=error.at_key)

    def check_unique(self, ids: list[str | None], pointers: list[str], field: str) -> None:
        first: dict[str, str] = {}
        for value, pointer in zip(ids, pointers, strict=True):
            if value is None:
                continue
            if value in first:
                line = self.document.parsed.locate(first[value]).line
                self.report(
                    "duplicate-id",
                    f"{field} '{value}' is used twice (first at line {line}); {field}s must "
                    "be unique",
                    f"{pointer}/{field}",
                )
            else:
                first[value] = pointer

    # -- sources -----------------------------------------------------------------------------

    def check_sources(self) -> None:
        sources = self.document.source_descriptions
        self.check_unique([s.name for s in sources], [s.pointer for s in sources], "name")

    # -- workflows ---------------------------------------------------------------------------

    def check_workflow(self, workflow: Workflow) -> None:
        steps = workflow.steps
        self.check_unique([s.step_id for s in steps], [s.pointer for s in steps], "stepId")
        self.check_outputs(workflow.outputs, f"{workflow.pointer}/outputs", workflow, None)
        self.check_parameter_list(workflow.parameters, workflow, None)
        for entry in workflow.depends_on:
            self.check_workflow_reference(entry, f"{workflow.pointer}/dependsOn", "dependsOn")
        self.check_inputs_refs(workflow)
        for kind, actions in (
            ("success", workflow.success_actions),
            ("failure", workflow.failure_actions),
        ):
            field = "successActions" if kind == "success" else "failureActions"
            self.check_action_list(actions, workflow, None, f"{workflow.pointer}/{field}", kind)
        for step in steps:
            self.check_step(step, workflow)

    def check_inputs_refs(self, workflow: Workflow) -> None:
        stack: list[tuple[Any, str]] = [(workflow.inputs, f"{workflow.pointer}/inputs")]
        while stack:
            node, pointer = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#"):
                    try:
                        resolve_pointer(self.document.raw, ref)
                    except LookupError:
                        self.report(
                            "component-missing",
                            f"inputs $ref '{ref}' does not resolve in this document "
                            "(inputs components live under '#/components/inputs/<name>')",
                            f"{pointer}/$ref",
                        )
                for key, value in node.items():
                    stack.append((value, f"{pointer}/{key}"))
            elif isinstance(node, list):
                stack.extend((value, f"{pointer}/{index}") for index, value in enumerate(node))

    def check_outputs(
        self, outputs: Mapping[str, Any], pointer: str, workflow: Workflow, step: Step | None
    ) -> None:
        for name, value in outputs.items():
            value_pointer = f"{pointer}/{name.replace('~', '~0').replace('/', '~1')}"
            if not _OUTPUT_NAME.match(name):
                self.report(
                    "output-name-invalid",
                    f"output name '{name}' may only use letters, digits, '.', '-' and '_'",
                    value_pointer,
                    at_key=True,
                )
            if isinstance(value, str):
                self.check_value(value, value_pointer, workflow, step, whole_expression=True)

    # -- steps -------------------------------------------------------------------------------

    def check_step(self, step: Step, workflow: Workflow) -> None:
        operation: Operation | None = None
        kind = step.target_kind
        if step.operation_id is not None:
            operation = self.resolve_operation_id(step.operation_id, f"{step.pointer}/operationId")
        elif step.operation_path is not None:
            operation = self.resolve_operation_path(
                step.operation_path, f"{step.pointer}/operationPath"
            )
        elif step.workflow_id is not None:
            self.check_workflow_reference(step.workflow_id, f"{step.pointer}/workflowId", "step")
        if kind == "workflow" and step.request_body is not None:
            self.report(
                "request-body-ignored",
                f"step '{step.step_id}' calls a workflow, so its requestBody is ignored; pass "
                "values to the workflow as parameters instead",
                step.request_body.pointer,
            )
        self.check_parameter_list(step.parameters, workflow, step)
        if kind == "operation":
            self.check_parameters_against_operation(step, workflow, operation)
        if step.request_body is not None and kind == "operation":
            body = step.request_body
            if body.payload is not ABSENT:
                self.check_value(body.payload, f"{body.pointer}/payload", workflow, step)
                self.check_object_in_string(body.payload, body.content_type, workflow, body.pointer)
            for replacement in body.replacements:
                if replacement.value is not ABSENT:
                    self.check_value(
                        replacement.value, f"{replacement.pointer}/value", workflow, step
                    )
            if operation is not None and operation.method in ("get", "head", "delete"):
                self.report(
                    "request-body-on-get",
                    f"step '{step.step_id}' sends a request body with "
                    f"{operation.method.upper()}, which has no defined body semantics",
                    body.pointer,
                )
        for criterion in step.success_criteria:
            self.check_criterion(criterion, workflow, step)
        self.check_outputs(step.outputs, f"{step.pointer}/outputs", workflow, step)
        self.check_action_list(
            step.on_success, workflow, step, f"{step.pointer}/onSuccess", "success"
        )
        self.check_action_list(
            step.on_failure, workflow, step, f"{step.pointer}/onFailure", "failure"
        )

    def report_problems(self, problems: Iterable[Problem], pointer: str) -> None:
        for problem in problems:
            self.report(problem.rule, problem.message, pointer)

    def resolve_operation_id(self, operation_id: str, pointer: str) -> Operation | None:
        resolution = self.resolver.operation_id(operation_id)
        self.report_problems(resolution.problems, pointer)
        return resolution.target.operation if resolution.target else None

    def resolve_operation_path(self, operation_path: str, pointer: str) -> Operation | None:
        resolution = self.resolver.operation_path(operation_path)
        self.report_problems(resolution.problems, pointer)
        return resolution.target.operation if resolution.target else None

    def check_workflow_reference(self, reference: str, pointer: str, used_by: str) -> None:
        self.report_problems(self.resolver.workflow(reference, used_by).problems, pointer)

    def check_depends_on_cycles(self) -> None:
        graph = {
            w.workflow_id: [d for d in w.depends_on if self.document.workflow(d) is not None]
            for w in self.document.workflows
            if w.workflow_id is not None
        }
        reported: set[frozenset[str]] = set()
        for start in graph:
            path: list[str] = []
            self._find_cycles(start, graph, path, set(), reported)

    def _find_cycles(
        self,
        node: str,
        graph: Mapping[str, list[str]],
        path: list[str],
        done: set[str],
        reported: set[frozenset[str]],
    ) -> None:
        if node in path:
            cycle = [*path[path.index(node) :], node]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                workflow = self.document.workflow(cycle[0])
                assert workflow is not None
                self.report(
                    "dependson-cycle",
                    "workflows depend on each other in a cycle: " + " -> ".join(cycle),
                    f"{workflow.pointer}/dependsOn",
                )
            return
        if node in done:
            return
        path.append(node)
        for target in graph.get(node, []):
            self._find_cycles(target, graph, path, done, reported)
        path.pop()
        done.add(node)

    # -- parameters --------------------------------------------------------------------------

    def resolved_parameters(
        self, entries: Iterable[Parameter | Reusable]
    ) -> list[tuple[Parameter, str]]:
        """Parameters with Reusable Objects replaced by their components (value overridden)."""
        resolved: list[tuple[Parameter, str]] = []
        for entry in entries:
            if isinstance(entry, Parameter):
                resolved.append((entry, entry.pointer))
                continue
            component = self.component(entry, "parameters")
            if isinstance(component, Parameter):
                value = component.value if entry.value is ABSENT else entry.value
                resolved.append(
                    (
                        Parameter(component.name, component.location, value, entry.pointer),
                        entry.pointer,
                    )
                )
        return resolved

    def component(self, reusable: Reusable, kind: str) -> Any:
        reference = reusable.reference or ""
        match = _COMPONENT_REF.match(reference)
        components = self.document.components.as_expression_components()
        if match is None:
            self.report(
                "component-missing",
                f"reference '{reference}' must be '$components.{kind}.<name>'",
                f"{reusable.pointer}/reference",
            )
            return None
        found_kind, key = match.groups()
        if found_kind != kind:
            self.report(
                "component-missing",
                f"reference '{reference}' points to a {found_kind[:-1]} component where a "
                f"{kind[:-1]} is expected",
                f"{reusable.pointer}/reference",
            )
            return None
        table = components[kind]
        if key not in table:
            hint = suggest(key, list(table))
            self.report(
                "component-missing",
                f"no {kind[:-1]} component is named '{key}'{hint}",
                f"{reusable.pointer}/reference",
            )
            return None
        return table[key]

    def check_parameter_list(
        self, entries: tuple[Parameter | Reusable, ...], workflow: Workflow, step: Step | None
    ) -> None:
        seen: dict[tuple[str, str], str] = {}
        references: set[str] = set()
        for entry in entries:
            if isinstance(entry, Reusable) and entry.reference:
                if entry.reference in references:
                    self.report(
                        "duplicate-parameter",
                        f"component '{entry.reference}' is referenced twice in one list",
                        entry.pointer,
                    )
                references.add(entry.reference)
        for parameter, pointer in self.resolved_parameters(entries):
            if parameter.name is not None:
                location = parameter.location or ""
                name = parameter.name.lower() if location == "header" else parameter.name
                key = (name, location)
                if key in seen:
                    where = f" in {location}" if location else ""
                    self.report(
                        "duplicate-parameter",
                        f"parameter '{parameter.name}'{where} is given twice in one list",
                        pointer,
                    )
                seen[key] = pointer
            if step is not None and step.target_kind == "workflow" and parameter.location:
                self.report(
                    "parameter-in-ignored",
                    f"parameter '{parameter.name}' of workflow step '{step.step_id}' has "
                    f"in: {parameter.location}; workflow-step parameters are the called "
                    "workflow's inputs, so 'in' is ignored",
                    f"{pointer}/in",
                )
            if (
                step is not None
                and step.target_kind == "operation"
                and not parameter.location
                and isinstance(_entry_at(entries, pointer), Reusable)
            ):
                self.report(
                    "parameter-in-missing",
                    f"parameter '{parameter.name}' (from a component) has no 'in'; an "
                    "operation step needs one of path, query, header or cookie",
                    pointer,
                )
            if parameter.value is not ABSENT:
                self.check_value(parameter.value, f"{pointer}/value", workflow, step)

    def check_parameters_against_operation(
        self, step: Step, workflow: Workflow, operation: Operation | None
    ) -> None:
        if operation is None:
            return
        given = self.resolved_parameters((*workflow.parameters, *step.parameters))
        declared = self.operation_parameters(operation)
        declared_keys = {_parameter_key(name, location) for name, location, _ in declared}
        credentials = self.security_parameters(operation)
        given_keys = set()
        for parameter, pointer in given:
            if parameter.name is None or parameter.location is None:
                continue
            key = _parameter_key(parameter.name, parameter.location)
            given_keys.add(key)
            implicit = parameter.location == "header" and key[0] in _IMPLICIT_HEADERS
            if key not in declared_keys and not implicit and key not in credentials:
                self.report(
                    "parameter-not-in-operation",
                    f"operation '{operation.operation_id or operation.pointer}' declares no "
                    f"{parameter.location} parameter '{parameter.name}'; it will be sent "
                    "anyway",
                    pointer,
                )
        for name, location, required in declared:
            if required and _parameter_key(name, location) not in given_keys:
                self.report(
                    "required-parameter-missing",
                    f"operation '{operation.operation_id or operation.pointer}' requires the "
                    f"{location} parameter '{name}', which step '{step.step_id}' does not set",
                    step.pointer,
                )
        body = operation.definition.get("requestBody")
        try:
            _, body = self.description.resolver.resolve(operation.definition_uri, body)
        except LookupError:
            body = None
        if isinstance(body, dict) and body.get("required") is True and step.request_body is None:
            self.report(
                "request-body-missing",
                f"operation '{operation.operation_id or operation.pointer}' requires a request "
                f"body, which step '{step.step_id}' does not give",
                step.pointer,
            )

    def security_parameters(self, operation: Operation) -> set[tuple[str, str]]:
        """The (name, in) of every credential the operation's security schemes take."""
        document = self.description.openapi_documents[operation.source_uri].raw
        requirements = operation.definition.get("security", document.get("security"))
        components = document.get("components")
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        if not isinstance(requirements, list) or not isinstance(schemes, dict):
            return set()
        keys: set[tuple[str, str]] = set()
        for requirement in requirements:
            for name in requirement if isinstance(requirement, dict) else ():
                try:
                    _, scheme = self.description.resolver.resolve(
                        operation.source_uri, schemes.get(name)
                    )
                except LookupError:
                    continue
                if not isinstance(scheme, dict):
                    continue
                if scheme.get("type") == "apiKey":
                    keys.add(_parameter_key(str(scheme.get("name")), str(scheme.get("in"))))
                else:  # http, oauth2, openIdConnect: an Authorization header
                    keys.add(("authorization", "header"))
        return keys

    def operation_parameters(self, operation: Operation) -> list[tuple[str, str, bool]]:
        found: dict[tuple[str, str], tuple[str, str, bool]] = {}
        for source in (
            operation.path_item.get("parameters"),
            operation.definition.get("parameters"),
        ):
            if not isinstance(source, list):
                continue
            for raw in source:
                try:
                    _, parameter = self.description.resolver.resolve(operation.definition_uri, raw)
                except LookupError:
                    continue
                if not isinstance(parameter, dict):
                    continue
                name, location = parameter.get("name"), parameter.get("in")
                if location == "header" and str(name).lower() in _IMPLICIT_HEADERS:
                    continue  # OpenAPI: such header parameters are ignored
                if isinstance(name, str) and isinstance(location, str):
                    required = parameter.get("required") is True or location == "path"
                    found[_parameter_key(name, location)] = (name, location, required)
        return list(found.values())

    # -- actions -----------------------------------------------------------------------------

    def check_action_list(
        self,
        entries: tuple[Action | Reusable, ...],
        workflow: Workflow,
        step: Step | None,
        pointer: str,
        kind: str,
    ) -> None:
        names: dict[str, str] = {}
        references: set[str] = set()
        table = "successActions" if kind == "success" else "failureActions"
        for entry in entries:
            action: Action | None
            if isinstance(entry, Reusable):
                if entry.reference in references:
                    self.report(
                        "duplicate-action",
                        f"component '{entry.reference}' is referenced twice in one action list",
                        entry.pointer,
                    )
                references.add(entry.reference or "")
                component = self.component(entry, table)
                action = component if isinstance(component, Action) else None
                where = entry.pointer
            else:
                action, where = entry, entry.pointer
            if action is None:
                continue
            if action.name is not None:
                if action.name in names:
                    self.report(
                        "duplicate-action",
                        f"two actions in one list are named '{action.name}'",
                        where,
                    )
                names[action.name] = where
            self.check_action(
                action, workflow, step, where, from_component=isinstance(entry, Reusable)
            )

    def check_action(
        self,
        action: Action,
        workflow: Workflow,
        step: Step | None,
        pointer: str,
        *,
        from_component: bool,
    ) -> None:
        if action.type == "end" and (action.step_id or action.workflow_id):
            self.report(
                "end-target-ignored",
                f"action '{action.name}' is an 'end', which ignores stepId and workflowId",
                pointer,
            )
        elif action.type in ("goto", "retry"):
            if action.step_id is not None and workflow.step(action.step_id) is None:
                hint = suggest(action.step_id, [s.step_id for s in workflow.steps])
                self.report(
                    "goto-target-missing",
                    f"action '{action.name}' goes to step '{action.step_id}', which workflow "
                    f"'{workflow.workflow_id}' does not have{hint}",
                    pointer if from_component else f"{pointer}/stepId",
                )
            if action.workflow_id is not None:
                self.check_workflow_reference(
                    action.workflow_id,
                    pointer if from_component else f"{pointer}/workflowId",
                    "action",
                )
        for criterion in action.criteria:
            self.check_criterion(criterion, workflow, step)
        for parameter in action.parameters:
            if isinstance(parameter, Parameter) and parameter.value is not ABSENT:
                self.check_value(parameter.value, f"{parameter.pointer}/value", workflow, step)

    # -- expressions -------------------------------------------------------------------------

    def check_criterion(self, criterion: Criterion, workflow: Workflow, step: Step | None) -> None:
        if criterion.condition is None:
            return
        if criterion.type not in ("simple", "regex", "jsonpath", "xpath", "jsonpointer", ""):
            return  # the schema reports unknown types
        try:
            compiled = compile_criterion(
                criterion.condition,
                context=criterion.context,
                type=criterion.type or "simple",
                version=criterion.version,
                arazzo_version=self.version,
            )
        except ExpressionSyntaxError as error:
            self.report_syntax(error, f"{criterion.pointer}/condition")
            return
        except ValueError as error:
            self.report("expression-syntax", str(error), criterion.pointer)
            return
        for note in compiled.notes:
            self.report("condition-dialect", f"{criterion.condition}: {note}", criterion.pointer)
        for expression in compiled.expressions:
            self.check_references(expression, criterion.pointer, workflow, step, reads_self=False)

    def check_value(
        self,
        value: Any,
        pointer: str,
        workflow: Workflow,
        step: Step | None,
        *,
        whole_expression: bool = False,
    ) -> None:
        try:
            if whole_expression and isinstance(value, str) and value.startswith("$"):
                access = compile_member_access(value, version=self.version)
                if access.members:
                    self.report(
                        "member-access",
                        f"{value} reads {'.'.join(access.members)!r} as member access, which "
                        f"runtime expressions have only in conditions; the standard form is "
                        f"{access.standard_form}",
                        pointer,
                    )
                expressions: tuple[RuntimeExpression, ...] = (access.expression,)
            else:
                compiled = compile_value(value, version=self.version)
                expressions = compiled.expressions
                for miss in compiled.near_misses:
                    self.report(
                        "expression-near-miss",
                        f"{miss.text!r} looks like a runtime expression but does not parse "
                        f"(at column {miss.column}, expected {miss.expected}); it is sent as "
                        "text",
                        pointer,
                    )
        except ExpressionSyntaxError as error:
            self.report_syntax(error, pointer)
            return
        reads_self = "/parameters/" in pointer or "/requestBody/" in pointer
        for expression in expressions:
            self.check_references(expression, pointer, workflow, step, reads_self=reads_self)

    def report_syntax(self, error: ExpressionSyntaxError, pointer: str) -> None:
        self.report(
            "expression-syntax",
            f"{error.text!r} does not parse: at column {error.column}, expected {error.expected}",
            pointer,
        )

    def check_references(
        self,
        expression: RuntimeExpression,
        pointer: str,
        workflow: Workflow,
        step: Step | None,
        *,
        reads_self: bool,
    ) -> None:
        source = expression.source
        text = expression.text
        if source == "steps":
            step_id = expression.step_id
            if step_id is None:
                return
            target = workflow.step(step_id)
            if target is None:
                hint = suggest(step_id, [s.step_id for s in workflow.steps])
                self.report(
                    "unknown-step",
                    f"{text} names step '{step_id}', which workflow '{workflow.workflow_id}' "
                    f"does not have{hint}",
                    pointer,
                )
                return
            output = expression.name
            if expression.field != "outputs":
                self.report(
                    "unknown-step",
                    f"{text} must go through '.outputs': '$steps.{step_id}.outputs.<name>'",
                    pointer,
                )
                return
            # COND-02: a dotted name is first an output name, then an output and members.
            if (
                output is not None
                and output not in target.outputs
                and output.split(".", 1)[0] not in target.outputs
            ):
                defined = ", ".join(f"'{name}'" for name in target.outputs) or "none"
                self.report(
                    "unknown-output",
                    f"{text}: step '{step_id}' defines no output '{output}' "
                    f"(its outputs: {defined})",
                    pointer,
                )
            if reads_self and step is not None and step_id == step.step_id:
                self.report(
                    "step-output-before-run",
                    f"{text} reads an output of step '{step_id}' in its own request, before "
                    "the step has run",
                    pointer,
                )
        elif source == "sourceDescriptions":
            name = expression.source_name
            if name is not None and self.document.source(name) is None:
                self.report_problems((self.resolver.unknown_source(name),), pointer)
        elif source == "components":
            kind = expression.component_kind
            key = expression.component_key
            table = self.document.components.as_expression_components().get(kind or "")
            if kind and key and (table is None or key not in table):
                self.report(
                    "component-missing",
                    f"{text} names no component '{key}' under '{kind}'",
                    pointer,
                )
        elif source == "workflows":
            workflow_id = expression.workflow_id
            if workflow_id and not self.workflow_known_to_run(workflow_id):
                self.report(
                    "workflow-not-found",
                    f"{text} names workflow '{workflow_id}', which this document does not define",
                    pointer,
                )
        elif source == "inputs":
            self.check_input_reference(expression, pointer, workflow)
        elif source in _HTTP_CONTEXT_SOURCES and (
            (step is not None and step.target_kind == "workflow")
            or (step is None and "/outputs/" in pointer)
        ):
            where = f"workflow step '{step.step_id}'" if step else "workflow outputs"
            self.report(
                "response-on-workflow-step",
                f"{text} has no value in {where}: there is no HTTP exchange there "
                "(use $outputs.<name> for the called workflow's outputs)",
                pointer,
            )

    def workflow_known_to_run(self, workflow_id: str) -> bool:
        """A local workflow, or one of an Arazzo source (reached through a step or action)."""
        if self.document.workflow(workflow_id) is not None:
            return True
        for binding in self.sources.values():
            other = self.description.arazzo_documents.get(binding.uri or "")
            if binding.kind == "arazzo" and other is not None and other.workflow(workflow_id):
                return True
        return False

    def check_input_reference(
        self, expression: RuntimeExpression, pointer: str, workflow: Workflow
    ) -> None:
        name = expression.name
        schema = workflow.inputs
        if not name or not isinstance(schema, dict):
            return
        if isinstance(schema.get("$ref"), str):
            try:
                schema = resolve_pointer(self.document.raw, schema["$ref"])
            except LookupError:
                return
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(properties, dict) or name in properties:
            return
        if "." in name and name.split(".", 1)[0] in properties:
            return
        hint = suggest(name, list(properties))
        self.report(
            "unknown-input",
            f"{expression.text}: workflow '{workflow.workflow_id}' declares no input "
            f"'{name}'{hint}",
            pointer,
        )

    def check_object_in_string(
        self, payload: Any, content_type: str | None, workflow: Workflow, pointer: str
    ) -> None:
        if not isinstance(payload, str) or "json" not in (content_type or "application/json"):
            return
        schema = workflow.inputs if isinstance(workflow.inputs, dict) else {}
        if isinstance(schema.get("$ref"), str):
            try:
                schema = resolve_pointer(self.document.raw, schema["$ref"])
            except LookupError:
                return
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(properties, dict):
            return
        for name in _OBJECT_IN_QUOTES.findall(payload):
            declared = properties.get(name.split("#")[0])
            if isinstance(declared, dict) and declared.get("type") in ("object", "array"):
                self.report(
                    "object-in-string",
                    f"\"{{$inputs.{name}}}\" puts the {declared['type']} input '{name}' inside "
                    "quotes, so it is sent as a string of JSON text; drop the quotes to send it "
                    "as JSON",
                    f"{pointer}/payload",
                )


def _entry_at(entries: Iterable[Parameter | Reusable], pointer: str) -> Parameter | Reusable | None:
    for entry in entries:
        if entry.pointer == pointer:
            return entry
    return None


def _parameter_key(name: str, location: str) -> tuple[str, str]:
    return (name.lower() if location == "header" else name, location)
