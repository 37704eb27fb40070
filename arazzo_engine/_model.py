"""The Arazzo object model: frozen, parsed once, read by everything else.

Construction is lenient on purpose: a field of the wrong JSON type becomes
``None`` (or empty) here, and the schema layer of the validator reports it,
so the semantic rules and the runner always see a well-typed model. Every
object keeps ``pointer``, its RFC 6901 location in ``ArazzoDocument.uri``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Literal

from ._reader import ParsedText, escape_pointer_token

__all__ = [
    "ABSENT",
    "Action",
    "ArazzoDocument",
    "Components",
    "Criterion",
    "Info",
    "Parameter",
    "PayloadReplacement",
    "RequestBody",
    "Reusable",
    "SourceDescription",
    "Step",
    "Workflow",
    "build_document",
]


class _Absent:
    """The value of an optional field that the document does not write."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Final = _Absent()

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return _EMPTY


@dataclass(frozen=True, slots=True)
class Info:
    title: str | None
    version: str | None
    summary: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class SourceDescription:
    name: str | None
    url: str | None
    type: str | None  # "openapi" | "arazzo" | "asyncapi" (1.1) | None when omitted
    pointer: str


@dataclass(frozen=True, slots=True)
class Reusable:
    """A Reusable Object: ``reference`` to a component, with an optional ``value``."""

    reference: str | None
    value: Any  # ABSENT when not written
    pointer: str


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str | None
    location: str | None  # the `in` field; None on workflow steps
    value: Any  # ABSENT when not written
    pointer: str


@dataclass(frozen=True, slots=True)
class PayloadReplacement:
    target: str | None
    value: Any
    target_selector_type: str | None  # 1.1
    pointer: str


@dataclass(frozen=True, slots=True)
class RequestBody:
    content_type: str | None
    payload: Any  # ABSENT when not written
    replacements: tuple[PayloadReplacement, ...]
    pointer: str


@dataclass(frozen=True, slots=True)
class Criterion:
    condition: str | None
    context: str | None
    type: str  # "simple" | "regex" | "jsonpath" | "xpath" | "jsonpointer" | other (reported)
    version: str | None  # from a (Criterion) Expression Type Object
    pointer: str


@dataclass(frozen=True, slots=True)
class Action:
    """A Success Action or Failure Action Object."""

    kind: Literal["success", "failure"]
    name: str | None
    type: str | None  # "end" | "goto" | "retry"
    workflow_id: str | None
    step_id: str | None
    retry_after: float | None
    retry_limit: int | None
    criteria: tuple[Criterion, ...]
    parameters: tuple[Parameter | Reusable, ...]  # 1.1
    pointer: str


@dataclass(frozen=True, slots=True)
class Step:
    step_id: str | None
    pointer: str
    description: str | None = None
    operation_id: str | None = None
    operation_path: str | None = None
    workflow_id: str | None = None
    channel_path: str | None = None  # 1.1 (AsyncAPI)
    parameters: tuple[Parameter | Reusable, ...] = ()
    request_body: RequestBody | None = None
    success_criteria: tuple[Criterion, ...] = ()
    on_success: tuple[Action | Reusable, ...] = ()
    on_failure: tuple[Action | Reusable, ...] = ()
    outputs: Mapping[str, Any] = field(default_factory=_empty)
    depends_on: tuple[str, ...] = ()  # 1.1 step-level dependsOn

    @property
    def target_kind(self) -> Literal["operation", "workflow", "channel", "none"]:
        if self.operation_id is not None or self.operation_path is not None:
            return "operation"
        if self.workflow_id is not None:
            return "workflow"
        if self.channel_path is not None:
            return "channel"
        return "none"


@dataclass(frozen=True, slots=True)
class Workflow:
    workflow_id: str | None
    pointer: str
    summary: str | None = None
    description: str | None = None
    inputs: Any = None  # a JSON Schema, or None
    depends_on: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    success_actions: tuple[Action | Reusable, ...] = ()
    failure_actions: tuple[Action | Reusable, ...] = ()
    outputs: Mapping[str, Any] = field(default_factory=_empty)
    parameters: tuple[Parameter | Reusable, ...] = ()

    def step(self, step_id: str) -> Step | None:
        for step in self.steps:
            if step.step_id == step_id:
                return step
        return None


@dataclass(frozen=True, slots=True)
class Components:
    inputs: Mapping[str, Any] = field(default_factory=_empty)
    parameters: Mapping[str, Parameter] = field(default_factory=_empty)
    success_actions: Mapping[str, Action] = field(default_factory=_empty)
    failure_actions: Mapping[str, Action] = field(default_factory=_empty)

    def as_expression_components(self) -> Mapping[str, Mapping[str, Any]]:
        """The components keyed as ``$components.<kind>.<key>`` names them."""
        return MappingProxyType(
            {
                "inputs": self.inputs,
                "parameters": self.parameters,
                "successActions": self.success_actions,
                "failureActions": self.failure_actions,
            }
        )


@dataclass(frozen=True, slots=True)
class ArazzoDocument:
    """One Arazzo document as written, located at ``uri``."""

    uri: str
    arazzo: str | None  # the version field as written
    info: Info
    source_descriptions: tuple[SourceDescription, ...]
    workflows: tuple[Workflow, ...]
    components: Components
    self_uri: str | None  # 1.1 `$self`
    parsed: ParsedText  # the JSON value and the position of every node

    @property
    def raw(self) -> Any:
        return self.parsed.value

    @property
    def minor_version(self) -> str:
        """``"1.0"`` or ``"1.1"``: the feature set the ``arazzo`` field selects (VER-01)."""
        if isinstance(self.arazzo, str) and self.arazzo.startswith("1.1"):
            return "1.1"
        return "1.0"

    def workflow(self, workflow_id: str) -> Workflow | None:
        for workflow in self.workflows:
            if workflow.workflow_id == workflow_id:
                return workflow
        return None

    def source(self, name: str) -> SourceDescription | None:
        for source in self.source_descriptions:
            if source.name == name:
                return source
        return None


# --- construction -----------------------------------------------------------------------------


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if isinstance(value, dict) else _EMPTY


def _items(value: Any, pointer: str) -> list[tuple[Any, str]]:
    if not isinstance(value, list):
        return []
    return [(item, f"{pointer}/{index}") for index, item in enumerate(value)]


def _child(pointer: str, key: str) -> str:
    return f"{pointer}/{escape_pointer_token(key)}"


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _criterion(value: Any, pointer: str) -> Criterion:
    data = value if isinstance(value, dict) else {}
    raw_type = data.get("type", "simple")
    version: str | None = None
    if isinstance(raw_type, dict):  # Criterion Expression Type Object
        version = _str(raw_type.get("version"))
        raw_type = raw_type.get("type")
    return Criterion(
        condition=_str(data.get("condition")),
        context=_str(data.get("context")),
        type=raw_type if isinstance(raw_type, str) else "",
        version=version,
        pointer=pointer,
    )


def _criteria(value: Any, pointer: str) -> tuple[Criterion, ...]:
    return tuple(_criterion(item, item_pointer) for item, item_pointer in _items(value, pointer))


def _is_reusable(data: dict[str, Any]) -> bool:
    return "reference" in data


def _reusable(data: dict[str, Any], pointer: str) -> Reusable:
    return Reusable(_str(data.get("reference")), data.get("value", ABSENT), pointer)


def _parameter(value: Any, pointer: str) -> Parameter | Reusable:
    data = value if isinstance(value, dict) else {}
    if _is_reusable(data):
        return _reusable(data, pointer)
    return Parameter(
        name=_str(data.get("name")),
        location=_str(data.get("in")),
        value=data.get("value", ABSENT),
        pointer=pointer,
    )


def _parameters(value: Any, pointer: str) -> tuple[Parameter | Reusable, ...]:
    return tuple(_parameter(item, item_pointer) for item, item_pointer in _items(value, pointer))


def _action(value: Any, pointer: str, kind: Literal["success", "failure"]) -> Action | Reusable:
    data = value if isinstance(value, dict) else {}
    if _is_reusable(data):
        return _reusable(data, pointer)
    return _plain_action(data, pointer, kind)


def _plain_action(data: Any, pointer: str, kind: Literal["success", "failure"]) -> Action:
    data = data if isinstance(data, dict) else {}
    return Action(
        kind=kind,
        name=_str(data.get("name")),
        type=_str(data.get("type")),
        workflow_id=_str(data.get("workflowId")),
        step_id=_str(data.get("stepId")),
        retry_after=_number(data.get("retryAfter")),
        retry_limit=_int(data.get("retryLimit")),
        criteria=_criteria(data.get("criteria"), _child(pointer, "criteria")),
        parameters=_parameters(data.get("parameters"), _child(pointer, "parameters")),
        pointer=pointer,
    )


def _actions(
    value: Any, pointer: str, kind: Literal["success", "failure"]
) -> tuple[Action | Reusable, ...]:
    return tuple(_action(item, item_pointer, kind) for item, item_pointer in _items(value, pointer))


def _request_body(value: Any, pointer: str) -> RequestBody | None:
    if not isinstance(value, dict):
        return None
    replacements = tuple(
        PayloadReplacement(
            target=_str(item.get("target")) if isinstance(item, dict) else None,
            value=item.get("value", ABSENT) if isinstance(item, dict) else ABSENT,
            target_selector_type=(
                _str(item.get("targetSelectorType")) if isinstance(item, dict) else None
            ),
            pointer=item_pointer,
        )
        for item, item_pointer in _items(value.get("replacements"), _child(pointer, "replacements"))
    )
    return RequestBody(
        content_type=_str(value.get("contentType")),
        payload=value.get("payload", ABSENT),
        replacements=replacements,
        pointer=pointer,
    )


def _step(value: Any, pointer: str) -> Step:
    data = value if isinstance(value, dict) else {}
    return Step(
        step_id=_str(data.get("stepId")),
        pointer=pointer,
        description=_str(data.get("description")),
        operation_id=_str(data.get("operationId")),
        operation_path=_str(data.get("operationPath")),
        workflow_id=_str(data.get("workflowId")),
        channel_path=_str(data.get("channelPath")),
        parameters=_parameters(data.get("parameters"), _child(pointer, "parameters")),
        request_body=_request_body(data.get("requestBody"), _child(pointer, "requestBody")),
        success_criteria=_criteria(data.get("successCriteria"), _child(pointer, "successCriteria")),
        on_success=_actions(data.get("onSuccess"), _child(pointer, "onSuccess"), "success"),
        on_failure=_actions(data.get("onFailure"), _child(pointer, "onFailure"), "failure"),
        outputs=_mapping(data.get("outputs")),
        depends_on=_strings(data.get("dependsOn")),
    )


def _workflow(value: Any, pointer: str) -> Workflow:
    data = value if isinstance(value, dict) else {}
    steps = tuple(
        _step(item, item_pointer)
        for item, item_pointer in _items(data.get("steps"), _child(pointer, "steps"))
    )
    return Workflow(
        workflow_id=_str(data.get("workflowId")),
        pointer=pointer,
        summary=_str(data.get("summary")),
        description=_str(data.get("description")),
        inputs=data.get("inputs"),
        depends_on=_strings(data.get("dependsOn")),
        steps=steps,
        success_actions=_actions(
            data.get("successActions"), _child(pointer, "successActions"), "success"
        ),
        failure_actions=_actions(
            data.get("failureActions"), _child(pointer, "failureActions"), "failure"
        ),
        outputs=_mapping(data.get("outputs")),
        parameters=_parameters(data.get("parameters"), _child(pointer, "parameters")),
    )


def _components(value: Any) -> Components:
    data = value if isinstance(value, dict) else {}
    parameters = data.get("parameters")
    success = data.get("successActions")
    failure = data.get("failureActions")
    base = "/components"
    return Components(
        inputs=_mapping(data.get("inputs")),
        parameters=MappingProxyType(
            {
                key: param
                for key, item in (parameters.items() if isinstance(parameters, dict) else ())
                if isinstance(param := _parameter(item, f"{base}/parameters/{key}"), Parameter)
            }
        ),
        success_actions=MappingProxyType(
            {
                key: _plain_action(item, _child(f"{base}/successActions", key), "success")
                for key, item in (success.items() if isinstance(success, dict) else ())
            }
        ),
        failure_actions=MappingProxyType(
            {
                key: _plain_action(item, _child(f"{base}/failureActions", key), "failure")
                for key, item in (failure.items() if isinstance(failure, dict) else ())
            }
        ),
    )


def build_document(uri: str, parsed: ParsedText) -> ArazzoDocument:
    """Build the model of the Arazzo document ``parsed`` from ``uri``."""
    data = parsed.value if isinstance(parsed.value, dict) else {}
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    assert isinstance(info, dict)
    sources = tuple(
        SourceDescription(
            name=_str(item.get("name")) if isinstance(item, dict) else None,
            url=_str(item.get("url")) if isinstance(item, dict) else None,
            type=_str(item.get("type")) if isinstance(item, dict) else None,
            pointer=item_pointer,
        )
        for item, item_pointer in _items(data.get("sourceDescriptions"), "/sourceDescriptions")
    )
    workflows = tuple(
        _workflow(item, item_pointer)
        for item, item_pointer in _items(data.get("workflows"), "/workflows")
    )
    arazzo = data.get("arazzo")
    return ArazzoDocument(
        uri=uri,
        arazzo=arazzo if isinstance(arazzo, str) else None,
        info=Info(
            title=_str(info.get("title")),
            version=_str(info.get("version")),
            summary=_str(info.get("summary")),
            description=_str(info.get("description")),
        ),
        source_descriptions=sources,
        workflows=workflows,
        components=_components(data.get("components")),
        self_uri=_str(data.get("$self")),
        parsed=parsed,
    )
