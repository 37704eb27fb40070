"""Compiling a description once, for running many times.

Every workflow of every Arazzo document of a description becomes a ``CompiledWorkflow``:
operations and sub-workflows resolved, parameters merged with the workflow's (PARAM-06) and
components (PARAM-07), payloads, criteria, actions (merged with the workflow's, ACT-10) and
outputs compiled. A run then only evaluates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ._criteria import CompiledCriterion, compile_criterion, compile_selector
from ._exceptions import ExpressionSyntaxError
from ._expressions import (
    CompiledValue,
    EvaluationContext,
    SourceDescriptionView,
    compile_value,
)
from ._loader import Description
from ._model import ABSENT, Action, ArazzoDocument, Criterion, Parameter, Reusable, Step, Workflow
from ._openapi import OpenAPIDocument, Operation
from ._resolve import Resolver, WorkflowRef

__all__ = [
    "CompiledAction",
    "CompiledCheck",
    "CompiledParameter",
    "CompiledStep",
    "CompiledWorkflow",
    "Plan",
    "compile_description",
]

_COMPONENT_REF = re.compile(r"^\$components\.(parameters|successActions|failureActions)\.(.+)$")


@dataclass(frozen=True, slots=True)
class CompiledParameter:
    name: str
    location: str | None
    value: CompiledValue


@dataclass(frozen=True, slots=True)
class CompiledCheck:
    criterion: CompiledCriterion
    condition: str
    type: str
    pointer: str


@dataclass(frozen=True, slots=True)
class CompiledAction:
    kind: Literal["success", "failure"]
    name: str | None
    type: str  # end | goto | retry
    key: str  # identity for retry budgets: where the action is written
    step_id: str | None = None
    workflow: WorkflowRef | None = None
    retry_after: float | None = None
    retry_limit: int | None = None
    criteria: tuple[CompiledCheck, ...] = ()
    parameters: tuple[CompiledParameter, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledBody:
    content_type: str | None
    payload: CompiledValue | None
    replacements: tuple[tuple[str, CompiledValue, str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledStep:
    step_id: str
    index: int
    operation: Operation | None = None
    openapi: OpenAPIDocument | None = None
    source_name: str | None = None  # the source the operation came from (server overrides)
    workflow: WorkflowRef | None = None  # a workflow step's target
    parameters: tuple[CompiledParameter, ...] = ()
    body: CompiledBody | None = None
    success_criteria: tuple[CompiledCheck, ...] = ()
    on_success: tuple[CompiledAction, ...] = ()
    on_failure: tuple[CompiledAction, ...] = ()
    outputs: tuple[tuple[str, CompiledValue], ...] = ()
    problem: str | None = None  # why this step cannot run (found by validation too)


@dataclass(frozen=True, slots=True)
class CompiledWorkflow:
    ref: WorkflowRef
    version: str
    steps: tuple[CompiledStep, ...]
    step_index: Mapping[str, int]
    outputs: tuple[tuple[str, CompiledValue], ...]
    depends_on: tuple[WorkflowRef, ...]
    inputs_schema: Any
    inputs_validator: Draft202012Validator | None
    base_context: EvaluationContext  # sources, components, $self: fixed for the workflow
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    description: Description
    workflows: Mapping[WorkflowRef, CompiledWorkflow] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def entry(self, workflow_id: str) -> CompiledWorkflow | None:
        return self.workflows.get(WorkflowRef(self.description.document.uri, workflow_id))

    @property
    def entry_workflow_ids(self) -> tuple[str, ...]:
        uri = self.description.document.uri
        return tuple(ref.workflow_id for ref in self.workflows if ref.document_uri == uri)


def _is_selector(raw: Any) -> bool:
    return (
        isinstance(raw, dict)
        and isinstance(raw.get("context"), str)
        and isinstance(raw.get("selector"), str)
        and "type" in raw
    )


def _holds_selector(raw: Any) -> bool:
    if _is_selector(raw):
        return True
    if isinstance(raw, dict):
        return any(_holds_selector(item) for item in raw.values())
    if isinstance(raw, list):
        return any(_holds_selector(item) for item in raw)
    return False


def compile_description(description: Description, *, strict: bool = False) -> Plan:
    workflows: dict[WorkflowRef, CompiledWorkflow] = {}
    for document in description.iter_documents():
        compiler = _DocumentCompiler(description, document, strict)
        for workflow in document.workflows:
            if workflow.workflow_id is not None:
                compiled = compiler.workflow(workflow)
                workflows[compiled.ref] = compiled
    return Plan(description, MappingProxyType(workflows))


class _DocumentCompiler:
    def __init__(self, description: Description, document: ArazzoDocument, strict: bool) -> None:
        self.description = description
        self.document = document
        self.strict = strict
        self.version = document.minor_version
        self.bindings = description.sources_of(document)
        self.resolver = Resolver(description, document)
        self.components = document.components
        self.problems: list[str] = []
        registry: Registry[Any] = Registry().with_resource(
            document.uri,
            Resource.from_contents(document.raw, default_specification=DRAFT202012),
        )
        self.registry = registry

    # -- values ------------------------------------------------------------------------------

    def value(self, raw: Any, where: str) -> CompiledValue:
        try:
            if self.version == "1.1" and _holds_selector(raw):
                return self.selector_value(raw)
            return compile_value(raw, version=self.version, strict=self.strict)
        except (ExpressionSyntaxError, ValueError) as error:
            self.problems.append(f"{where}: {error}")
            return compile_value(None)

    def selector_value(self, raw: Any) -> CompiledValue:
        """A value holding 1.1 Selector Objects (``{context, selector, type}``) anywhere."""
        if _is_selector(raw):
            kind = raw.get("type")
            version = kind.get("version") if isinstance(kind, dict) else None
            kind_name = kind.get("type") if isinstance(kind, dict) else kind
            selector = compile_selector(
                raw["context"], raw["selector"], type=str(kind_name), version=version
            )
            return CompiledValue(selector.evaluate, selector.expressions)
        if isinstance(raw, dict):
            members = {key: self.selector_value(item) for key, item in raw.items()}
            return CompiledValue(
                lambda context: {key: m.evaluate(context) for key, m in members.items()},
                tuple(e for m in members.values() for e in m.expressions),
                lambda context, notes: {
                    key: m.evaluate_lenient(context, notes) for key, m in members.items()
                },
            )
        if isinstance(raw, list):
            items = [self.selector_value(item) for item in raw]
            return CompiledValue(
                lambda context: [item.evaluate(context) for item in items],
                tuple(e for item in items for e in item.expressions),
                lambda context, notes: [item.evaluate_lenient(context, notes) for item in items],
            )
        return compile_value(raw, version=self.version, strict=self.strict)

    def check(self, criterion: Criterion) -> CompiledCheck | None:
        try:
            compiled = compile_criterion(
                criterion.condition or "",
                context=criterion.context,
                type=criterion.type or "simple",
                version=criterion.version,
                arazzo_version=self.version,
            )
        except (ExpressionSyntaxError, ValueError) as error:
            self.problems.append(f"{criterion.pointer}: {error}")
            return None
        return CompiledCheck(compiled, criterion.condition or "", compiled.type, criterion.pointer)

    def checks(self, criteria: tuple[Criterion, ...]) -> tuple[CompiledCheck, ...]:
        return tuple(found for c in criteria if (found := self.check(c)) is not None)

    # -- references --------------------------------------------------------------------------

    def component(self, reusable: Reusable, kind: str) -> Any:
        match = _COMPONENT_REF.match(reusable.reference or "")
        if match is None or match.group(1) != kind:
            return None
        return self.components.as_expression_components()[kind].get(match.group(2))

    def parameters(self, entries: tuple[Parameter | Reusable, ...]) -> list[Parameter]:
        found: list[Parameter] = []
        for entry in entries:
            if isinstance(entry, Reusable):
                component = self.component(entry, "parameters")
                if isinstance(component, Parameter):
                    value = component.value if entry.value is ABSENT else entry.value
                    found.append(
                        Parameter(component.name, component.location, value, entry.pointer)
                    )
            else:
                found.append(entry)
        return found

    def workflow_ref(self, reference: str) -> WorkflowRef | None:
        return self.resolver.workflow(reference).target

    def operation(self, step: Step) -> tuple[Operation, OpenAPIDocument, str] | None:
        if step.operation_id is not None:
            found = self.resolver.operation_id(step.operation_id).target
        elif step.operation_path is not None:
            found = self.resolver.operation_path(step.operation_path).target
        else:
            return None
        return (found.operation, found.document, found.source_name) if found else None

    # -- actions -----------------------------------------------------------------------------

    def action(
        self, entry: Action | Reusable, kind: Literal["success", "failure"]
    ) -> CompiledAction | None:
        action = entry
        if isinstance(entry, Reusable):
            component = self.component(
                entry, "successActions" if kind == "success" else "failureActions"
            )
            if not isinstance(component, Action):
                return None
            action = component
        assert isinstance(action, Action)
        workflow = self.workflow_ref(action.workflow_id) if action.workflow_id else None
        return CompiledAction(
            kind=kind,
            name=action.name,
            type=action.type or "end",
            key=entry.pointer,
            step_id=action.step_id,
            workflow=workflow,
            retry_after=action.retry_after,
            retry_limit=action.retry_limit,
            criteria=self.checks(action.criteria),
            parameters=tuple(
                CompiledParameter(p.name or "", p.location, self.value(p.value, p.pointer))
                for p in self.parameters(action.parameters)
                if p.value is not ABSENT
            ),
        )

    def actions(
        self,
        step_entries: tuple[Action | Reusable, ...],
        workflow_entries: tuple[Action | Reusable, ...],
        kind: Literal["success", "failure"],
    ) -> tuple[CompiledAction, ...]:
        """ACT-10: the step's actions, then the workflow's whose names the step does not use."""
        own = [found for e in step_entries if (found := self.action(e, kind)) is not None]
        names = {action.name for action in own}
        inherited = [
            found
            for e in workflow_entries
            if (found := self.action(e, kind)) is not None and found.name not in names
        ]
        return (*own, *inherited)

    # -- steps and workflows -----------------------------------------------------------------

    def step(self, step: Step, index: int, workflow: Workflow) -> CompiledStep:
        step_id = step.step_id or f"#{index}"
        merged: dict[tuple[str, str | None], Parameter] = {}
        for parameter in self.parameters(workflow.parameters) + self.parameters(step.parameters):
            if parameter.name is None or parameter.value is ABSENT:
                continue
            location = parameter.location
            key = (parameter.name.lower() if location == "header" else parameter.name, location)
            merged[key] = parameter  # PARAM-06: a step parameter overrides the workflow's
        target_workflow: WorkflowRef | None = None
        operation: tuple[Operation, OpenAPIDocument, str] | None = None
        problem: str | None = None
        if step.workflow_id is not None:
            target_workflow = self.workflow_ref(step.workflow_id)
            if target_workflow is None:
                problem = f"workflow {step.workflow_id!r} cannot be found"
        elif step.operation_id is not None or step.operation_path is not None:
            operation = self.operation(step)
            if operation is None:
                problem = f"operation {step.operation_id or step.operation_path!r} cannot be found"
        else:
            problem = "the step has no operationId, operationPath or workflowId"
        compiled_parameters = tuple(
            CompiledParameter(p.name or "", p.location, self.value(p.value, p.pointer))
            for p in merged.values()
            if target_workflow is None or p.location is None or step.workflow_id is not None
        )
        body: CompiledBody | None = None
        if step.request_body is not None and target_workflow is None:
            request_body = step.request_body
            body = CompiledBody(
                content_type=request_body.content_type,
                payload=(
                    self.value(request_body.payload, request_body.pointer)
                    if request_body.payload is not ABSENT
                    else None
                ),
                replacements=tuple(
                    (r.target or "", self.value(r.value, r.pointer), r.target_selector_type)
                    for r in request_body.replacements
                ),
            )
        return CompiledStep(
            step_id=step_id,
            index=index,
            operation=operation[0] if operation else None,
            openapi=operation[1] if operation else None,
            source_name=operation[2] if operation else None,
            workflow=target_workflow,
            parameters=compiled_parameters,
            body=body,
            success_criteria=self.checks(step.success_criteria),
            on_success=self.actions(step.on_success, workflow.success_actions, "success"),
            on_failure=self.actions(step.on_failure, workflow.failure_actions, "failure"),
            outputs=tuple(
                (name, self.value(value, f"{step.pointer}/outputs/{name}"))
                for name, value in step.outputs.items()
            ),
            problem=problem,
        )

    def workflow(self, workflow: Workflow) -> CompiledWorkflow:
        assert workflow.workflow_id is not None
        self.problems = []
        steps = tuple(self.step(step, index, workflow) for index, step in enumerate(workflow.steps))
        validator = None
        if isinstance(workflow.inputs, dict):
            schema = {"$ref": f"{self.document.uri}#{workflow.pointer}/inputs"}
            validator = Draft202012Validator(schema, registry=self.registry)
        depends = tuple(
            ref for d in workflow.depends_on if (ref := self.workflow_ref(d)) is not None
        )
        sources = {
            name: SourceDescriptionView(
                name=name,
                url=binding.uri or (binding.source.url or ""),
                type=binding.kind or binding.source.type,
                targets=self.targets(binding.uri, binding.kind),
            )
            for name, binding in self.bindings.items()
        }
        base = EvaluationContext(
            source_descriptions=MappingProxyType(sources),
            components=self.components.as_expression_components(),
            self_uri=self.document.self_uri,
        )
        return CompiledWorkflow(
            ref=WorkflowRef(self.document.uri, workflow.workflow_id),
            version=self.version,
            steps=steps,
            step_index=MappingProxyType({s.step_id: s.index for s in steps}),
            outputs=tuple(
                (name, self.value(value, f"{workflow.pointer}/outputs/{name}"))
                for name, value in workflow.outputs.items()
            ),
            depends_on=depends,
            inputs_schema=workflow.inputs,
            inputs_validator=validator,
            base_context=base,
            problems=tuple(self.problems),
        )

    def targets(self, uri: str | None, kind: str | None) -> Mapping[str, Any]:
        if uri is None:
            return MappingProxyType({})
        if kind == "openapi" and uri in self.description.openapi_documents:
            return self.description.openapi_documents[uri].operation_ids
        if kind == "arazzo" and uri in self.description.arazzo_documents:
            document = self.description.arazzo_documents[uri]
            return MappingProxyType(
                {
                    w.workflow_id: WorkflowRef(uri, w.workflow_id)
                    for w in document.workflows
                    if w.workflow_id
                }
            )
        return MappingProxyType({})
