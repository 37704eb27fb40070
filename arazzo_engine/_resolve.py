"""What a step or action names: its operation or workflow, found once, with reasons.

One resolver serves the validator (which reports the problems, each with its rule) and the
compiler (which keeps what was found). Problems are data; finding nothing is not an error
here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import unquote

from ._loader import Description, SourceBinding
from ._model import ArazzoDocument
from ._openapi import HTTP_METHODS, OpenAPIDocument, Operation, resolve_pointer

__all__ = [
    "OperationTarget",
    "Problem",
    "Resolution",
    "Resolver",
    "WorkflowRef",
    "suggest",
]

_QUALIFIED = re.compile(r"^\$sourceDescriptions\.([A-Za-z0-9_\-]+)\.(.+)$", re.DOTALL)
# '{$sourceDescriptions.<name>.url}#<pointer>' as the spec writes it; the source may also be
# named by the bare expression ('$sourceDescriptions.<name>#<pointer>', a 1.1 fixture's form).
_OPERATION_PATH = re.compile(
    r"^(\{?)\$sourceDescriptions\.([A-Za-z0-9_\-]+)(?:\.url)?(\}?)(#.*)?$", re.DOTALL
)


@dataclass(frozen=True, slots=True)
class WorkflowRef:
    """A workflow of some Arazzo document of a description."""

    document_uri: str
    workflow_id: str


@dataclass(frozen=True, slots=True)
class OperationTarget:
    operation: Operation
    document: OpenAPIDocument
    source_name: str  # the source description it was found through (for server overrides)


@dataclass(frozen=True, slots=True)
class Problem:
    rule: str
    message: str


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Resolution(Generic[T]):
    """What a reference resolved to (None when nothing), and what is wrong with it."""

    target: T | None
    problems: tuple[Problem, ...] = field(default=())


def suggest(wanted: str, known: Iterable[str | None]) -> str:
    """A hint naming the closest known name: case first, then spelling."""
    names = [name for name in known if name]
    for name in names:
        if name.lower() == wanted.lower():
            return f" (names are case-sensitive: did you mean '{name}'?)"
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Resolver:
    """Resolves the references of one Arazzo document of a description."""

    def __init__(self, description: Description, document: ArazzoDocument) -> None:
        self.description = description
        self.document = document
        self.sources = description.sources_of(document)

    def unknown_source(self, name: str) -> Problem:
        names = [s.name for s in self.document.source_descriptions if s.name]
        listed = ", ".join(f"'{n}'" for n in names) or "none"
        return Problem(
            "unknown-source",
            f"no source description is named '{name}'{suggest(name, names)} (sources: {listed})",
        )

    def openapi_sources(self) -> list[tuple[SourceBinding, OpenAPIDocument]]:
        found = []
        for binding in self.sources.values():
            document = self.description.openapi_documents.get(binding.uri or "")
            if binding.kind == "openapi" and document is not None:
                found.append((binding, document))
        return found

    # -- operations --------------------------------------------------------------------------

    def operation_id(self, operation_id: str) -> Resolution[OperationTarget]:
        qualified = _QUALIFIED.match(operation_id)
        if qualified:
            return self._qualified_operation(*qualified.groups())
        candidates = self.openapi_sources()
        non_arazzo = [s for s in self.document.source_descriptions if s.type != "arazzo" and s.name]
        matches = [
            OperationTarget(found, document, binding.source.name or "")
            for binding, document in candidates
            if (found := document.operation_by_id(operation_id)) is not None
        ]
        problems: list[Problem] = []
        if not matches and "." in operation_id:
            dotted = self._dotted_operation(operation_id)
            if dotted.target is not None:
                return dotted
        if len(non_arazzo) > 1:
            where = (
                f"; it is in '{matches[0].source_name}', so write "
                f"'$sourceDescriptions.{matches[0].source_name}.{operation_id}'"
                if len(matches) == 1
                else ""
            )
            problems.append(
                Problem(
                    "unqualified-operation",
                    f"operationId '{operation_id}' is not qualified although the document has "
                    f"{len(non_arazzo)} non-Arazzo sources{where}",
                )
            )
        if len(matches) > 1:
            names = ", ".join(f"'{match.source_name}'" for match in matches)
            problems.append(
                Problem(
                    "ambiguous-operation",
                    f"operationId '{operation_id}' exists in sources {names}; qualify it as "
                    f"'$sourceDescriptions.<name>.{operation_id}'",
                )
            )
            return Resolution(None, tuple(problems))
        if not matches:
            unreadable = [b for b in self.sources.values() if b.kind is None]
            if not (unreadable and not candidates):  # else the unreadable source says it
                known = [op for _, document in candidates for op in document.operation_ids]
                problems.append(
                    Problem(
                        "operation-not-found",
                        f"no OpenAPI source has an operation with operationId "
                        f"'{operation_id}'{suggest(operation_id, known)}",
                    )
                )
            return Resolution(None, tuple(problems))
        return Resolution(matches[0], tuple(problems))

    def _qualified_operation(self, name: str, wanted: str) -> Resolution[OperationTarget]:
        binding = self.sources.get(name)
        if binding is None:
            missing = () if self.document.source(name) else (self.unknown_source(name),)
            return Resolution(None, missing)
        if binding.kind is None:
            return Resolution(None)  # unreadable; reported where the source is declared
        if binding.kind != "openapi":
            return Resolution(
                None,
                (
                    Problem(
                        "operation-not-found",
                        f"source '{name}' is an {binding.kind} document; an operationId needs "
                        "an OpenAPI source (use workflowId for Arazzo sources)",
                    ),
                ),
            )
        document = self.description.openapi_documents.get(binding.uri or "")
        if document is None:
            return Resolution(None)
        found = document.operation_by_id(wanted)
        if found is None:
            hint = suggest(wanted, list(document.operation_ids))
            message = f"source '{name}' has no operation with operationId '{wanted}'{hint}"
            return Resolution(None, (Problem("operation-not-found", message),))
        return Resolution(OperationTarget(found, document, name))

    def _dotted_operation(self, operation_id: str) -> Resolution[OperationTarget]:
        """``<source>.<operationId>``: how some tools (Redocly) qualify an operation."""
        name, wanted = operation_id.split(".", 1)
        binding = self.sources.get(name)
        document = self.description.openapi_documents.get(binding.uri or "") if binding else None
        found = document.operation_by_id(wanted) if document else None
        if found is None or document is None:
            return Resolution(None)
        message = (
            f"operationId '{operation_id}' names its source the way some tools do; the "
            f"spec's form is '$sourceDescriptions.{name}.{wanted}'"
        )
        return Resolution(
            OperationTarget(found, document, name), (Problem("unqualified-operation", message),)
        )

    def operation_path(self, operation_path: str) -> Resolution[OperationTarget]:
        match = _OPERATION_PATH.match(operation_path)
        if match is None:
            literal = any(
                s.url and operation_path.startswith(s.url)
                for s in self.document.source_descriptions
            )
            rule = (
                "operation-path-literal"
                if literal or "{$" not in operation_path
                else "operation-not-found"
            )
            message = (
                f"operationPath '{operation_path}' must be "
                "'{$sourceDescriptions.<name>.url}#<JSON Pointer to an operation>'"
            )
            return Resolution(None, (Problem(rule, message),))
        opening, name, closing, fragment = match.groups()
        if opening != closing.replace("}", "{"):
            message = f"operationPath '{operation_path}' has an unbalanced '{{' or '}}'"
            return Resolution(None, (Problem("expression-syntax", message),))
        binding = self.sources.get(name)
        if binding is None:
            missing = () if self.document.source(name) else (self.unknown_source(name),)
            return Resolution(None, missing)
        document = self.description.openapi_documents.get(binding.uri or "")
        if binding.kind != "openapi" or document is None:
            if binding.kind is None:
                return Resolution(None)
            message = (
                f"source '{name}' is not an OpenAPI document, so operationPath cannot point into it"
            )
            return Resolution(None, (Problem("operation-not-found", message),))
        json_pointer = unquote((fragment or "#")[1:])
        found = document.operation_at(json_pointer)
        if found is not None:
            return Resolution(OperationTarget(found, document, name))
        try:
            target = resolve_pointer(document.raw, json_pointer)
        except LookupError:
            target = None
        if isinstance(target, dict) and any(method in target for method in HTTP_METHODS):
            methods = [method for method in HTTP_METHODS if method in target]
            message = (
                "operationPath points to a Path Item, not an operation; add the method, "
                f"e.g. '{operation_path}/{methods[0]}'"
            )
        else:
            message = (
                f"operationPath pointer '{json_pointer or '/'}' leads to no operation in "
                f"source '{name}' (expected '/paths/<escaped path>/<method>')"
            )
        return Resolution(None, (Problem("operation-not-found", message),))

    # -- workflows ---------------------------------------------------------------------------

    def workflow(self, reference: str, used_by: str = "step") -> Resolution[WorkflowRef]:
        """A local workflow id, or ``$sourceDescriptions.<name>.<workflowId>`` (STEP-05)."""
        qualified = _QUALIFIED.match(reference)
        if qualified:
            name, workflow_id = qualified.groups()
            binding = self.sources.get(name)
            if binding is None:
                missing = () if self.document.source(name) else (self.unknown_source(name),)
                return Resolution(None, missing)
            if binding.kind is None:
                return Resolution(None)
            target = self.description.arazzo_documents.get(binding.uri or "")
            if binding.kind != "arazzo" or target is None:
                message = (
                    f"source '{name}' is an {binding.kind} document, not an Arazzo document, "
                    f"so it has no workflow '{workflow_id}'"
                )
                return Resolution(None, (Problem("workflow-not-found", message),))
            if target.workflow(workflow_id) is None:
                hint = suggest(workflow_id, [w.workflow_id for w in target.workflows])
                message = f"Arazzo source '{name}' has no workflow '{workflow_id}'{hint}"
                return Resolution(None, (Problem("workflow-not-found", message),))
            return Resolution(WorkflowRef(target.uri, workflow_id))
        if self.document.workflow(reference) is not None:
            return Resolution(WorkflowRef(self.document.uri, reference))
        for binding in self.sources.values():
            other = self.description.arazzo_documents.get(binding.uri or "")
            if binding.kind == "arazzo" and other is not None and other.workflow(reference):
                message = (
                    f"workflow '{reference}' is in Arazzo source '{binding.source.name}'; "
                    f"refer to it as '$sourceDescriptions.{binding.source.name}.{reference}'"
                )
                return Resolution(None, (Problem("workflow-not-found", message),))
        hint = suggest(reference, [w.workflow_id for w in self.document.workflows])
        message = (
            f"{used_by} names workflow '{reference}', which this document does not define{hint}"
        )
        return Resolution(None, (Problem("workflow-not-found", message),))
