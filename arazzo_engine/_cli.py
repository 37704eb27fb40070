"""The ``arazzo`` command line.

Each subcommand imports what it needs when it runs, so that ``arazzo --version``
and ``arazzo validate`` start quickly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from . import __version__

if TYPE_CHECKING:
    from ._validation import LocationReport

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    if not getattr(arguments, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_UNUSABLE
    try:
        result: int = arguments.handler(arguments)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arazzo",
        description="Load, validate and run Arazzo workflow documents.",
    )
    parser.add_argument("--version", action="version", version=f"arazzo-engine {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check documents against the Arazzo schema and rules",
        description="Validate Arazzo documents and every source they load. Prints "
        "'path:line:col: severity[rule]: message' per finding, then a summary. Exit 0 "
        "when there are no errors, 1 when there are, 2 when a file cannot be read.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="paths or URLs")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--offline", action="store_true", help="refuse to fetch http(s) sources")
    validate.add_argument(
        "--errors-only", action="store_true", help="print errors, not warnings or info"
    )
    validate.set_defaults(handler=_validate)
    from ._cli_run import register

    register(commands)
    conformance = commands.add_parser(
        "conformance",
        help="run a conformance suite",
        description="Run every case of a conformance suite (default: the repository's "
        "conformance/ folder) against this engine. Prints a line per case, what differed "
        "for each failure, then 'N passed, M failed'. Exit 0 when every case passed, 1 when "
        "one failed, 2 when there is no suite.",
    )
    conformance.add_argument("directory", nargs="?", metavar="DIR", help="the suite's folder")
    conformance.set_defaults(handler=_conformance)
    return parser


def _conformance(arguments: argparse.Namespace) -> int:
    from ._conformance import run_command

    return run_command(arguments.directory, sys.stdout)


def _validate(arguments: argparse.Namespace) -> int:
    from ._loader import LoadOptions
    from ._validation import validate_location

    options = LoadOptions(offline=arguments.offline)
    reports = [validate_location(location, options) for location in arguments.files]
    if arguments.format == "json":
        _print_json(reports, arguments.files, sys.stdout)
    else:
        _print_text(reports, arguments.files, sys.stdout, errors_only=arguments.errors_only)
    if any(not report.readable for report in reports):
        return EXIT_UNUSABLE
    return EXIT_OK if all(report.valid for report in reports) else EXIT_FAILED


def _print_text(
    reports: list[LocationReport], names: list[str], out: TextIO, *, errors_only: bool
) -> None:
    errors = warnings = 0
    for report in reports:
        for finding in report.findings:
            if finding.severity == "error":
                errors += 1
            elif finding.severity == "warning":
                warnings += 1
            if errors_only and finding.severity != "error":
                continue
            print(finding, file=out)
    valid = sum(1 for report in reports if report.valid)
    files = "1 file" if len(reports) == 1 else f"{len(reports)} files"
    verdict = (
        ("valid" if valid else "invalid")
        if len(reports) == 1
        else f"{valid} valid, {len(reports) - valid} invalid"
    )
    print(
        f"{files} checked: {verdict}; {_plural(errors, 'error')}, {_plural(warnings, 'warning')}",
        file=out,
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _print_json(reports: list[LocationReport], names: list[str], out: TextIO) -> None:
    document = {
        "files": [
            {
                "path": name,
                "valid": report.valid,
                "findings": [finding.to_json() for finding in report.findings],
            }
            for name, report in zip(names, reports, strict=True)
        ]
    }
    json.dump(document, out, indent=2)
    out.write("\n")
