"""The ``run``, ``list``, ``graph`` and ``mock serve`` commands of ``arazzo``.

``register`` adds them to the command line's parser. Each handler imports the engine,
httpx and rich when it runs, so ``arazzo --version`` stays fast.

Exit codes: 0 the workflow succeeded (or the command did its work); 1 the workflow
failed, a cap included; 2 the document, the inputs or the command line are not usable,
and nothing was sent; 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ._loader import Description
    from ._masking import Masker
    from ._mock import Mock
    from ._model import ArazzoDocument, Workflow
    from ._options import RunOptions
    from ._results import RunResult
    from ._security import Credential

__all__ = ["UsageError", "parse_input_value", "register"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2
EXIT_INTERNAL = 3

_ENV_PREFIX = "env:"
_RESPONSE_CHECKS = ("off", "warn", "error")


class UsageError(Exception):
    """Something the user gave cannot be used; the message says what, and how to fix it."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``run``, ``list``, ``graph`` and ``mock`` to the ``arazzo`` parser."""
    _add_run(commands)
    _add_list(commands)
    _add_graph(commands)
    _add_mock(commands)


# --- argument definitions ------------------------------------------------------------------


def _add_run(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = commands.add_parser(
        "run",
        help="run a workflow and print its outputs as JSON",
        description="Run one workflow of an Arazzo document. Progress goes to stderr; the "
        "workflow's outputs go to stdout as one JSON object. Exit 0 when the workflow "
        "succeeds, 1 when it fails, 2 when the document or the inputs are invalid (nothing "
        "is sent then).",
        epilog="Inputs are merged in this order, later wins: each --inputs file, then each "
        "--input. A --input value is read as JSON when it parses (42, true, [1,2], "
        '{"a":1}, "quoted") and as a string otherwise; env:NAME reads the environment '
        "variable NAME. Values read from the environment and credentials are masked "
        "everywhere.",
    )
    run.add_argument("file", metavar="FILE", help="the Arazzo document (path or URL)")
    run.add_argument("--workflow", metavar="ID", help="the workflow to run (default: the only one)")
    run.add_argument(
        "--input",
        dest="input_values",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="one input (JSON or text; env:VAR reads the environment)",
    )
    run.add_argument(
        "--inputs",
        dest="input_files",
        action="append",
        default=[],
        metavar="FILE",
        help="inputs from a JSON or YAML file (an object); repeatable",
    )
    run.add_argument(
        "--server",
        dest="servers",
        action="append",
        default=[],
        metavar="SOURCE=URL",
        help="send a source's requests to URL instead of its OpenAPI servers",
    )
    run.add_argument(
        "--credential",
        dest="credentials",
        action="append",
        default=[],
        metavar="SCHEME=VALUE",
        help="a credential for an OpenAPI security scheme: a token or key, user:password for "
        "HTTP basic, client_id:client_secret for OAuth2; env:VAR reads the environment",
    )
    run.add_argument(
        "--response-checks",
        choices=_RESPONSE_CHECKS,
        default="warn",
        help="check responses against the OpenAPI operation: off, warn (default) or error",
    )
    run.add_argument("--max-steps", type=_positive_int, metavar="N", help="cap on step attempts")
    run.add_argument(
        "--timeout", type=_positive_float, metavar="SECONDS", help="cap on the whole run"
    )
    run.add_argument(
        "--poll-interval",
        type=_non_negative_float,
        metavar="SECONDS",
        help="least wait before a step runs again (polls and retries)",
    )
    run.add_argument(
        "--offline", action="store_true", help="refuse to fetch documents over http(s)"
    )
    run.add_argument(
        "--mock",
        metavar="SCENARIO",
        help="answer every request from a mock scenario instead of the network",
    )
    run.add_argument(
        "--inputs-file",
        metavar="ROWS.jsonl",
        help="batch: run the workflow once per line (a JSON object of inputs, merged over "
        "--inputs and --input); one JSON result line per row on stdout as each finishes",
    )
    run.add_argument(
        "--concurrency",
        type=_positive_int,
        default=8,
        metavar="N",
        help="batch: how many rows run at once (default 8)",
    )
    run.add_argument("--report", metavar="FILE.json", help="write the whole run as JSON")
    run.add_argument("--junit", metavar="FILE.xml", help="write a JUnit XML report")
    run.add_argument("--har", metavar="FILE.har", help="write every HTTP exchange as HAR 1.2")
    run.set_defaults(handler=_guarded(_run))


def _add_list(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = commands.add_parser(
        "list",
        help="list workflows, their inputs and steps",
        description="List the workflows of an Arazzo document: their inputs (name, type, "
        "required) and their steps.",
    )
    listing.add_argument("file", metavar="FILE")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.add_argument("--offline", action="store_true", help="refuse to fetch http(s) sources")
    listing.set_defaults(handler=_guarded(_list))


def _add_graph(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    graph = commands.add_parser(
        "graph",
        help="draw workflows as a Mermaid flowchart",
        description="Print a Mermaid 'flowchart TD' of a workflow's steps, with edges for "
        "sequence, gotos, retries (self-loops labelled with their limit) and ends. Success "
        "edges are solid, failure edges dashed. Without --workflow every workflow is drawn.",
    )
    graph.add_argument("file", metavar="FILE")
    graph.add_argument("--workflow", metavar="ID", help="draw only this workflow")
    graph.add_argument(
        "--markdown", action="store_true", help="wrap the chart in a ```mermaid fence"
    )
    graph.add_argument("--offline", action="store_true", help="refuse to fetch http(s) sources")
    graph.set_defaults(handler=_guarded(_graph))


def _add_mock(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mock = commands.add_parser(
        "mock",
        help="serve offline mocks of a description's APIs",
        description="Offline mocks of the APIs an Arazzo document calls.",
    )
    actions = mock.add_subparsers(dest="mock_command", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        help="serve a mock scenario over HTTP on 127.0.0.1",
        description="Serve a mock scenario over HTTP on 127.0.0.1 until Ctrl-C. Operations "
        "the scenario does not script answer from their OpenAPI examples or schemas. Each "
        "request is logged on stderr.",
    )
    serve.add_argument("scenario", metavar="SCENARIO", help="the scenario file (YAML or JSON)")
    serve.add_argument(
        "--spec", metavar="FILE", help="the Arazzo document (default: the scenario's 'spec')"
    )
    serve.add_argument(
        "--port", type=_port, default=8080, metavar="N", help="port (default 8080; 0: any)"
    )
    serve.add_argument("--offline", action="store_true", help="refuse to fetch http(s) sources")
    serve.set_defaults(handler=_guarded(_mock_serve))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be 1 or more")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _positive_float(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be more than 0")
    return value


def _non_negative_float(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must not be negative")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port number (0 to 65535)")
    return value


# --- shared helpers ------------------------------------------------------------------------


def _fail(message: str) -> NoReturn:
    raise UsageError(message)


def _error(message: str) -> None:
    print(f"arazzo: {message}", file=sys.stderr)


def _guarded(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Run ``handler``; bad input becomes a message and exit 2, a bug a message and exit 3."""

    def guarded(arguments: argparse.Namespace) -> int:
        from ._exceptions import ArazzoError

        try:
            result: int = handler(arguments)
        except UsageError as error:
            _error(str(error))
            return EXIT_UNUSABLE
        except ArazzoError as error:
            _error(str(error))
            return EXIT_UNUSABLE
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as error:  # a bug: say so plainly, never a traceback
            _error(f"internal error: {type(error).__name__}: {error} (please report this)")
            return EXIT_INTERNAL
        return result

    return guarded


def _load(location: str, *, offline: bool) -> Description:
    from ._loader import LoadOptions, load

    return load(location, LoadOptions(offline=offline))


def _display(location: str) -> str:
    from ._loader import display_name, to_uri

    return display_name(to_uri(location))


def _document_errors(description: Description) -> list[str]:
    from ._validation import iter_findings

    return [str(finding) for finding in iter_findings(description) if finding.severity == "error"]


def _choose_workflow(document: ArazzoDocument, wanted: str | None) -> Workflow:
    ids = [w.workflow_id for w in document.workflows if w.workflow_id is not None]
    if wanted is not None:
        chosen = document.workflow(wanted)
        if chosen is None:
            _fail(f"no workflow '{wanted}'; the document has: {', '.join(ids) or 'none'}")
        return chosen
    if len(ids) == 1:
        chosen = document.workflow(ids[0])
        assert chosen is not None
        return chosen
    if not ids:
        _fail("the document has no workflows")
    _fail(f"the document has {len(ids)} workflows; choose one with --workflow: {', '.join(ids)}")


def _assignment(text: str, option: str, shape: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        _fail(f"{option} {text!r}: expected {shape}")
    return name.strip(), value


def _from_environment(reference: str, option: str, environ: Mapping[str, str]) -> str:
    variable = reference[len(_ENV_PREFIX) :]
    if not variable:
        _fail(f"{option}: 'env:' needs a variable name, as in env:API_KEY")
    if variable not in environ:
        _fail(f"{option}: environment variable {variable} is not set")
    return environ[variable]


def parse_input_value(raw: str) -> Any:
    """A ``--input`` value: JSON when it parses as JSON, else the text as it is."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


# --- run -----------------------------------------------------------------------------------


def _read_inputs_file(location: str) -> dict[str, Any]:
    from ._exceptions import LoadError
    from ._reader import parse_text

    path = Path(location)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"--inputs {location}: no such file")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"--inputs {location}: cannot read: {error}")
    try:
        parsed = parse_text(text, uri=location, json_only=path.suffix.lower() == ".json")
    except LoadError as error:
        _fail(f"--inputs {error}")
    if not isinstance(parsed.value, dict):
        _fail(f"--inputs {location}: expected an object of input names and values")
    return dict(parsed.value)


def _gather_inputs(
    arguments: argparse.Namespace, environ: Mapping[str, str], secrets: set[str]
) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    for location in arguments.input_files:
        inputs.update(_read_inputs_file(location))
    for text in arguments.input_values:
        name, raw = _assignment(text, "--input", "NAME=VALUE")
        if raw.startswith(_ENV_PREFIX):
            value = _from_environment(raw, f"--input {name}", environ)
            secrets.add(value)
            inputs[name] = value
        else:
            inputs[name] = parse_input_value(raw)
    return inputs


def _input_schema(document: ArazzoDocument, workflow: Workflow) -> Any:
    """The workflow's inputs schema, with a ``$ref`` into the document's components followed."""
    from ._openapi import resolve_pointer

    schema = workflow.inputs
    for _ in range(8):
        if not (isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str)):
            break
        reference: str = schema["$ref"]
        if not reference.startswith("#"):
            break
        try:
            schema = resolve_pointer(document.raw, reference)
        except LookupError:
            break
    return schema


def _security_schemes(description: Description) -> dict[str, Mapping[str, Any]]:
    schemes: dict[str, Mapping[str, Any]] = {}
    for document in description.openapi_documents.values():
        components = document.raw.get("components") if isinstance(document.raw, dict) else None
        declared = components.get("securitySchemes") if isinstance(components, dict) else None
        for name, scheme in (declared or {}).items():
            try:
                _, resolved = description.resolver.resolve(document.uri, scheme)
            except LookupError:
                continue
            if isinstance(resolved, Mapping):
                schemes.setdefault(str(name), resolved)
    return schemes


def _gather_credentials(
    arguments: argparse.Namespace,
    description: Description,
    environ: Mapping[str, str],
    secrets: set[str],
) -> dict[str, Credential]:
    from ._security import Credential

    if not arguments.credentials:
        return {}
    schemes = _security_schemes(description)
    credentials: dict[str, Credential] = {}
    for text in arguments.credentials:
        name, raw = _assignment(text, "--credential", "SCHEME=VALUE")
        scheme = schemes.get(name)
        if scheme is None:
            known = ", ".join(sorted(schemes)) or "none"
            _fail(f"--credential {name}: no security scheme '{name}'; the sources have: {known}")
        option = f"--credential {name}"
        value = _from_environment(raw, option, environ) if raw.startswith(_ENV_PREFIX) else raw
        kind = str(scheme.get("type", ""))
        http_scheme = str(scheme.get("scheme", "")).lower()
        if kind == "http" and http_scheme == "basic":
            username, colon, password = value.partition(":")
            if not colon:
                _fail(f"{option}: HTTP basic needs user:password")
            secrets.add(password)
            credentials[name] = Credential(username=username, password=password)
        elif kind == "oauth2" and ":" in value:
            client_id, _, client_secret = value.partition(":")
            secrets.add(client_secret)
            credentials[name] = Credential(client_id=client_id, client_secret=client_secret)
        else:
            secrets.add(value)
            credentials[name] = Credential(value=value)
    return credentials


def _server_overrides(arguments: argparse.Namespace, document: ArazzoDocument) -> dict[str, str]:
    overrides: dict[str, str] = {}
    names = [source.name for source in document.source_descriptions if source.name]
    for text in arguments.servers:
        name, url = _assignment(text, "--server", "SOURCE=URL")
        if name not in names:
            _fail(f"--server {name}: no source '{name}'; the document has: {', '.join(names)}")
        if not url.startswith(("http://", "https://")):
            _fail(f"--server {name}: {url!r} is not an http(s) URL")
        overrides[name] = url
    return overrides


def _check_report_paths(arguments: argparse.Namespace) -> None:
    for option in ("report", "junit", "har"):
        location = getattr(arguments, option)
        if location is None:
            continue
        parent = Path(location).resolve().parent
        if not parent.is_dir():
            _fail(f"--{option} {location}: the folder {parent} does not exist")


def _run(arguments: argparse.Namespace) -> int:
    import httpx

    from ._engine import Engine
    from ._exceptions import ExecutionError
    from ._live import LiveView
    from ._masking import Masker, secret_inputs
    from ._options import RunHooks

    environ = os.environ
    secrets: set[str] = set()  # values no schema declares: from the environment, credentials
    _check_report_paths(arguments)
    description = _load(arguments.file, offline=arguments.offline)
    errors = _document_errors(description)
    if errors:
        for line in errors:
            print(line, file=sys.stderr)
        _error(f"{arguments.file} is not valid; nothing was run")
        return EXIT_UNUSABLE
    document = description.document
    workflow = _choose_workflow(document, arguments.workflow)
    assert workflow.workflow_id is not None
    inputs = _gather_inputs(arguments, environ, secrets)
    credentials = _gather_credentials(arguments, description, environ, secrets)
    overrides = _server_overrides(arguments, document)
    # Non-string values of secret inputs are masked as their JSON text (an input error
    # message quotes them).
    secrets |= secret_inputs(
        _input_schema(document, workflow),
        {
            name: value if isinstance(value, str) else json.dumps(value)
            for name, value in inputs.items()
            if isinstance(value, str | int | float)
        },
    )
    masker = Masker(secrets)

    transport: httpx.AsyncBaseTransport | None = None
    mock = None
    if arguments.mock is not None:
        mock = _mock_for(arguments.mock, description, arguments.file)
        transport = mock.transport()

    options = _run_options(arguments, overrides)
    if arguments.inputs_file is not None:
        from ._batch import read_rows, run_batch

        if arguments.report or arguments.junit or arguments.har:
            _fail("--report, --junit and --har describe one run; a batch writes result lines")
        rows = read_rows(arguments.inputs_file)
        engine = Engine(description, options=options, transport=transport, credentials=credentials)
        return run_batch(
            engine,
            workflow.workflow_id,
            inputs,
            rows,
            concurrency=arguments.concurrency,
            masker=masker,
            schema=_input_schema(document, workflow),
        )
    view = LiveView(sys.stderr, masker)
    hooks = RunHooks(
        on_step_start=view.step_started, on_step_end=view.step_ended, on_exchange=view.exchange
    )
    engine = Engine(
        description, options=options, transport=transport, credentials=credentials, hooks=hooks
    )
    problems = engine.check_inputs(workflow.workflow_id, inputs)
    if problems:
        for problem in problems:
            _error(masker.text(f"input {problem}" if not problem.startswith("input") else problem))
        _error(f"the inputs of workflow '{workflow.workflow_id}' are not valid; nothing was sent")
        return EXIT_UNUSABLE

    view.begin(workflow.workflow_id, _display(arguments.file))
    try:
        result = engine.run_sync(workflow.workflow_id, inputs)
    except ExecutionError as error:  # stopped after it started: a failed run, not bad input
        view.close()
        _error(masker.text(f"the run stopped: {error}"))
        sys.stdout.write("{}\n")
        return EXIT_FAILED
    finally:
        view.close()
    view.finish(result)
    if mock is not None:
        _report_mock(mock, masker)
    written = _write_reports(arguments, result, masker, document)
    _print_outputs(result, masker)
    if not written:
        return EXIT_FAILED
    return EXIT_OK if result.succeeded else EXIT_FAILED


def _run_options(arguments: argparse.Namespace, overrides: dict[str, str]) -> RunOptions:
    from ._options import RunOptions

    settings: dict[str, Any] = {
        "response_checks": arguments.response_checks,
        "server_overrides": overrides,
        "validate": False,  # the command has validated, and printed the findings its own way
    }
    if arguments.max_steps is not None:
        settings["max_steps"] = arguments.max_steps
    if arguments.timeout is not None:
        settings["timeout"] = arguments.timeout
    if arguments.poll_interval is not None:
        settings["poll_interval"] = arguments.poll_interval
    return RunOptions(**settings)


def _mock_for(location: str, description: Description, run_file: str) -> Mock:
    from ._mock import Mock, load_scenario

    scenario = load_scenario(location)
    if scenario.spec is not None:
        from ._loader import to_uri

        if to_uri(scenario.spec) != description.document.uri:
            _error(
                f"note: scenario {location} is written for {scenario.spec}, not {run_file}; "
                "using it anyway"
            )
    return Mock(description, scenario)


def _report_mock(mock: Mock, masker: Masker) -> None:
    records = mock.records
    scripted = sum(1 for record in records if record.origin == "scenario")
    print(
        f"mock answered {len(records)} request{'s' if len(records) != 1 else ''} "
        f"({scripted} from the scenario, {len(records) - scripted} from the descriptions)",
        file=sys.stderr,
    )
    for record in records:
        if record.detail:
            print(
                masker.text(f"mock: {record.method} {record.url}: {record.detail}"),
                file=sys.stderr,
            )


def _write_reports(
    arguments: argparse.Namespace, result: RunResult, masker: Masker, document: ArazzoDocument
) -> bool:
    from ._reports import dumps, har_log, junit_xml, run_to_json

    suite = document.info.title or _display(arguments.file)
    writers: tuple[tuple[str | None, Callable[[], str]], ...] = (
        (
            arguments.report,
            lambda: dumps(run_to_json(result, masker=masker, document=_display(arguments.file))),
        ),
        (arguments.junit, lambda: junit_xml(result, suite_name=suite, masker=masker)),
        (arguments.har, lambda: dumps(har_log(result, masker=masker))),
    )
    written = True
    for location, render in writers:
        if location is None:
            continue
        try:
            Path(location).write_text(render(), encoding="utf-8")
        except OSError as error:
            _error(f"cannot write {location}: {error.strerror or error}")
            written = False
    return written


def _print_outputs(result: RunResult, masker: Masker) -> None:
    from ._reports import mask_strings, to_json_value

    outputs = mask_strings(masker, to_json_value(result.outputs))
    sys.stdout.write(json.dumps(outputs, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


# --- list ----------------------------------------------------------------------------------


def _type_words(schema: Any) -> str:
    if not isinstance(schema, Mapping):
        return "any"
    written = schema.get("type")
    if isinstance(written, list):
        return " | ".join(str(kind) for kind in written)
    if isinstance(written, str):
        if written == "array" and isinstance(schema.get("items"), Mapping):
            inner = schema["items"].get("type")
            if isinstance(inner, str):
                return f"array of {inner}"
        return written
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return "any"


def _workflow_listing(document: ArazzoDocument, workflow: Workflow) -> dict[str, Any]:
    from ._graph import step_target

    schema = _input_schema(document, workflow)
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    required = schema.get("required") if isinstance(schema, Mapping) else None
    required_names = set(required) if isinstance(required, list) else set()
    inputs = [
        {"name": str(name), "type": _type_words(item), "required": name in required_names}
        for name, item in (properties.items() if isinstance(properties, Mapping) else ())
    ]
    steps = [
        {
            "stepId": step.step_id,
            "kind": step.target_kind,
            "target": step_target(step),
            **({"description": step.description} if step.description else {}),
        }
        for step in workflow.steps
    ]
    return {
        "workflowId": workflow.workflow_id,
        **({"summary": workflow.summary} if workflow.summary else {}),
        "inputs": inputs,
        "steps": steps,
        "outputs": list(workflow.outputs),
    }


def _list(arguments: argparse.Namespace) -> int:
    description = _load(arguments.file, offline=arguments.offline)
    document = description.document
    listings = [_workflow_listing(document, workflow) for workflow in document.workflows]
    if arguments.format == "json":
        print(json.dumps({"workflows": listings}, indent=2, ensure_ascii=False))
        return EXIT_OK
    lines: list[str] = []
    for listing in listings:
        if lines:
            lines.append("")
        summary = f" - {listing['summary']}" if listing.get("summary") else ""
        lines.append(f"{listing['workflowId']}{summary}")
        lines.append("  inputs:" if listing["inputs"] else "  inputs: none")
        width = max((len(item["name"]) for item in listing["inputs"]), default=0)
        for item in listing["inputs"]:
            required = "  required" if item["required"] else ""
            lines.append(f"    {item['name']:<{width}}  {item['type']}{required}")
        lines.append("  steps:")
        width = max((len(str(step["stepId"])) for step in listing["steps"]), default=0)
        for number, step in enumerate(listing["steps"], start=1):
            lines.append(f"    {number}. {step['stepId']!s:<{width}}  {step['target']}")
        if listing["outputs"]:
            lines.append(f"  outputs: {', '.join(listing['outputs'])}")
    if not listings:
        lines.append("no workflows")
    print("\n".join(lines))
    return EXIT_OK


# --- graph ---------------------------------------------------------------------------------


def _graph(arguments: argparse.Namespace) -> int:
    from ._graph import mermaid

    description = _load(arguments.file, offline=arguments.offline)
    document = description.document
    wanted: Sequence[str] | None = None
    if arguments.workflow is not None:
        wanted = [_choose_workflow(document, arguments.workflow).workflow_id or ""]
    elif not any(w.workflow_id for w in document.workflows):
        _fail("the document has no workflows")
    chart = mermaid(document, wanted)
    sys.stdout.write(f"```mermaid\n{chart}```\n" if arguments.markdown else chart)
    return EXIT_OK


# --- mock serve ----------------------------------------------------------------------------


def _mock_serve(arguments: argparse.Namespace) -> int:
    import signal

    from ._mock import Mock, MockRecord, MockServer, load_scenario

    scenario = load_scenario(arguments.scenario)
    if arguments.spec is not None:
        spec = arguments.spec
    elif scenario.spec is not None:
        spec = str(scenario.spec)
    else:
        _fail(f"{arguments.scenario} names no 'spec'; give the Arazzo document with --spec")
    description = _load(spec, offline=arguments.offline)
    mock = Mock(description, scenario)

    def log(record: MockRecord) -> None:
        matched = f" ({record.operation}, {record.origin})" if record.operation else ""
        detail = f": {record.detail}" if record.detail else ""
        print(f"{record.method} {record.url} -> {record.status}{matched}{detail}", file=sys.stderr)
        sys.stderr.flush()

    try:
        server = MockServer(mock, port=arguments.port, on_request=log)
    except OSError as error:
        _fail(f"cannot listen on 127.0.0.1:{arguments.port}: {error.strerror or error}")

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # A service manager's SIGTERM stops the server as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, stop)
    print(
        f"mock of {_display(spec)} listening on {server.url} (Ctrl-C to stop)",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    count = len(mock.records)
    print(f"mock stopped after {count} request{'s' if count != 1 else ''}", file=sys.stderr)
    return EXIT_OK
