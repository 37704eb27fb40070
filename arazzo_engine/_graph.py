"""Workflows as Mermaid flowcharts: steps, with edges for sequence, gotos, retries and ends.

The text renders on GitHub inside a fenced ```mermaid block. Node ids are generated
(``w0_s1``), so step ids never have to be valid Mermaid names, and every label is
quoted with Mermaid's entity codes for the characters that would end or change it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from ._model import Action, ArazzoDocument, Reusable, Step, Workflow

__all__ = ["mermaid", "step_target"]

# Characters that would end a quoted label or be read as markup, as Mermaid entity codes.
_ESCAPES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "|": "#124;",
    "`": "#96;",
    "\n": " ",
    "\r": " ",
}


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(char, char) for char in text)


def _label(*lines: str) -> str:
    return '"' + "<br/>".join(_escape(line) for line in lines if line) + '"'


def step_target(step: Step) -> str:
    """What a step calls, in words: an operationId, ``METHOD /path`` or a workflow."""
    if step.operation_id is not None:
        return step.operation_id
    if step.operation_path is not None:
        _, _, fragment = step.operation_path.partition("#")
        tokens = [unquote(t).replace("~1", "/").replace("~0", "~") for t in fragment.split("/")]
        if len(tokens) == 4 and tokens[1] == "paths":
            return f"{tokens[3].upper()} {tokens[2]}"
        return step.operation_path
    if step.workflow_id is not None:
        return f"workflow {step.workflow_id}"
    if step.channel_path is not None:
        return f"channel {step.channel_path}"
    return ""


@dataclass(frozen=True, slots=True)
class _Nodes:
    """The node ids of one workflow's chart."""

    prefix: str
    steps: dict[str, str]  # stepId -> node id

    @property
    def done(self) -> str:
        return f"{self.prefix}_done"

    @property
    def failed(self) -> str:
        return f"{self.prefix}_failed"

    def step(self, step_id: str | None) -> str:
        """The node of a step; a step that does not exist leads to failure."""
        return self.steps.get(step_id or "", self.failed)


@dataclass(frozen=True, slots=True)
class _Edge:
    source: str
    target: str
    label: str | None
    dashed: bool


def mermaid(document: ArazzoDocument, workflow_ids: Sequence[str] | None = None) -> str:
    """A ``flowchart TD`` of the named workflows (all of them by default).

    One workflow is drawn on its own; several are drawn as one subgraph each.
    Success edges are solid, failure edges dashed; a retry is a self-loop
    labelled with its limit.
    """
    wanted = [
        w
        for w in document.workflows
        if w.workflow_id is not None and (workflow_ids is None or w.workflow_id in workflow_ids)
    ]
    lines = ["flowchart TD"]
    for index, workflow in enumerate(wanted):
        body = list(_workflow_lines(document, workflow, f"w{index}"))
        if len(wanted) == 1:
            lines += ["    " + line for line in body]
        else:
            lines.append(f"    subgraph w{index}[{_label(workflow.workflow_id or '')}]")
            lines += ["        " + line for line in body]
            lines.append("    end")
    return "\n".join(lines) + "\n"


def _workflow_lines(document: ArazzoDocument, workflow: Workflow, prefix: str) -> Iterator[str]:
    nodes = _Nodes(
        prefix,
        {step.step_id: f"{prefix}_s{i}" for i, step in enumerate(workflow.steps) if step.step_id},
    )
    start = f"{prefix}_start"
    yield f"{start}(({_label('start')}))"
    for index, step in enumerate(workflow.steps):
        node = f"{prefix}_s{index}"
        text = _label(step.step_id or f"step {index + 1}", step_target(step))
        yield f"{node}[[{text}]]" if step.workflow_id is not None else f"{node}[{text}]"
    edges = list(_edges(document, workflow, nodes))
    used = {edge.target for edge in edges}
    if nodes.done in used or not workflow.steps:
        yield f"{nodes.done}(({_label('end')}))"
    if nodes.failed in used:
        yield f"{nodes.failed}(({_label('fail')}))"
    called: dict[str, str] = {}
    for edge in edges:
        if edge.target.startswith(f"{prefix}_wf:"):
            called.setdefault(edge.target, f"{prefix}_wf{len(called)}")
    for key, node in called.items():
        yield f"{node}[[{_label('workflow ' + key.split(':', 1)[1])}]]"
    first = nodes.step(workflow.steps[0].step_id) if workflow.steps else nodes.done
    yield f"{start} --> {first}"
    for edge in edges:
        target = called.get(edge.target, edge.target)
        arrow = "-.->" if edge.dashed else "-->"
        label = f"|{_label(edge.label)}|" if edge.label else ""
        yield f"{edge.source} {arrow}{label} {target}"


def _edges(document: ArazzoDocument, workflow: Workflow, nodes: _Nodes) -> Iterator[_Edge]:
    for index, step in enumerate(workflow.steps):
        node = f"{nodes.prefix}_s{index}"
        following = (
            nodes.step(workflow.steps[index + 1].step_id)
            if index + 1 < len(workflow.steps)
            else nodes.done
        )
        unconditional = False
        for action in _effective(document, step.on_success, workflow.success_actions):
            if not unconditional:
                yield from _action_edges(action, node, nodes)
            unconditional = unconditional or not action.criteria
        if not unconditional:
            yield _Edge(node, following, None, dashed=False)
        for action in _effective(document, step.on_failure, workflow.failure_actions):
            yield from _action_edges(action, node, nodes)
            if not action.criteria and action.type != "retry":
                break  # later failure actions are never reached


def _action_edges(action: Action, node: str, nodes: _Nodes) -> Iterator[_Edge]:
    dashed = action.kind == "failure"
    name = action.name or action.type or ""
    if action.type == "end":
        yield _Edge(node, nodes.failed if dashed else nodes.done, name, dashed)
    elif action.type == "goto":
        yield _Edge(node, _target(action, nodes), name, dashed)
    elif action.type == "retry":
        limit = 1 if action.retry_limit is None else action.retry_limit
        text = f"{name}: retry ≤{limit}"
        if action.retry_after:
            text += f" after {action.retry_after:g}s"
        if action.step_id is not None or action.workflow_id is not None:
            detour = action.step_id or action.workflow_id
            yield _Edge(node, _target(action, nodes), f"{name}: run {detour}", True)
        yield _Edge(node, node, text, dashed=True)


def _target(action: Action, nodes: _Nodes) -> str:
    if action.step_id is not None:
        return nodes.step(action.step_id)
    return f"{nodes.prefix}_wf:{action.workflow_id}"


def _effective(
    document: ArazzoDocument,
    step_actions: Sequence[Action | Reusable],
    workflow_actions: Sequence[Action | Reusable],
) -> Iterator[Action]:
    """The step's actions, then the workflow's whose names the step does not override (ACT-10)."""
    own = [action for action in (_resolve(document, a) for a in step_actions) if action]
    yield from own
    names = {action.name for action in own}
    for item in workflow_actions:
        action = _resolve(document, item)
        if action is not None and action.name not in names:
            yield action


def _resolve(document: ArazzoDocument, item: Action | Reusable) -> Action | None:
    if isinstance(item, Action):
        return item
    reference = item.reference or ""
    for kind, table in (
        ("successActions", document.components.success_actions),
        ("failureActions", document.components.failure_actions),
    ):
        prefix = f"$components.{kind}."
        if reference.startswith(prefix):
            return table.get(reference[len(prefix) :])
    return None
