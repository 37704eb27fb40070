"""The structural layer of validation: the official Arazzo JSON Schemas.

The schemas are vendored unmodified (``_schemas/``). Two known false
rejections of the 1.0 schema (FEATURES.md section 17, VAL-01) are corrected in
memory when it is loaded: a Criterion ``type`` given as a Criterion Expression
Type Object (OAI issue #336, fixed in the 1.1 schema) and a Payload
Replacement ``value`` that is not a string. Errors are turned into findings
whose messages name the field and say what was expected, in words.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ._words import json_kind

__all__ = ["SCHEMA_VERSIONS", "SchemaError", "iter_schema_errors", "schema_for"]

# major.minor -> the vendored schema file (the latest iteration of each, VER-02)
SCHEMA_VERSIONS: dict[str, str] = {
    "1.0": "arazzo-1.0-2025-10-15.json",
    "1.1": "arazzo-1.1-2026-04-15.json",
}


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One schema violation in words: where (pointer, and whether the key is meant) and what."""

    pointer: str
    message: str
    at_key: bool = False


@cache
def schema_for(minor_version: str) -> dict[str, Any]:
    """The (corrected) official schema for ``"1.0"`` or ``"1.1"``."""
    name = SCHEMA_VERSIONS[minor_version]
    text = (Path(__file__).parent / "_schemas" / name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return _correct_1_0(schema) if minor_version == "1.0" else _correct_1_1(schema)


def _correct_1_0(schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    definitions = schema["$defs"]
    criterion = definitions["criterion-object"]
    # As published, the anyOf validates the *criterion* as an expression-type object;
    # the spec means the criterion's `type` field may be one (as the 1.1 schema has it).
    criterion.pop("anyOf", None)
    criterion["properties"]["type"] = {
        "anyOf": [
            {"enum": ["simple", "regex", "jsonpath", "xpath"]},
            {"$ref": "#/$defs/criterion-expression-type-object"},
        ]
    }
    # The spec types a replacement value as "Any | {expression}"; its own example uses 10.
    definitions["payload-replacement-object"]["properties"]["value"].pop("type", None)
    return schema


def _correct_1_1(schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    definitions = schema["$defs"]
    # The 1.1 text types both values "Any | {expression} | Selector Object"; the schema
    # allows only strings (replacements) and drops objects (parameters). An object that
    # looks like a selector must still be a valid one.
    any_value_or_selector = {
        "anyOf": [
            {"$ref": "#/$defs/selector-object"},
            {"not": {"type": "object", "required": ["selector"]}},
        ]
    }
    for name in ("payload-replacement-object", "parameter-object"):
        value = definitions[name]["properties"]["value"]
        description = value.get("description")
        definitions[name]["properties"]["value"] = {
            "description": description,
            **any_value_or_selector,
        }
    return schema


@cache
def _validator(minor_version: str) -> Draft202012Validator:
    return Draft202012Validator(schema_for(minor_version))


def iter_schema_errors(instance: Any, minor_version: str) -> Iterator[SchemaError]:
    """Every schema violation of ``instance``, one per place and problem."""
    seen: set[tuple[str, str]] = set()
    errors = sorted(_validator(minor_version).iter_errors(instance), key=_order)
    # When no alternative of a oneOf/anyOf fits an object, 2020-12 also reports every
    # field of it as unevaluated; the alternatives' explanation says more, so only
    # fields that no object of the schema knows stay reported as unknown.
    undecided = {
        tuple(error.absolute_path) for error in errors if error.validator in ("oneOf", "anyOf")
    }
    known = _known_fields(minor_version)
    for error in errors:
        if error.validator == "unevaluatedProperties" and tuple(error.absolute_path) in undecided:
            names = re.findall(r"'([^']*)'", error.message.split("(", 1)[-1])
            if all(name in known for name in names):
                continue
        for found in _explain(error):
            key = (found.pointer, found.message)
            if key not in seen:
                seen.add(key)
                yield found


def _order(error: ValidationError) -> tuple[str, ...]:
    return tuple(str(part) for part in error.absolute_path)


def _pointer(path: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _dotted(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the document"


_TYPE_WORDS = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}

_PATTERN_WORDS = {
    r"^[A-Za-z0-9_\-]+$": "letters, digits, '_' and '-' only",
    r"^[a-zA-Z0-9\.\-_]+$": "letters, digits, '.', '-' and '_' only",
    r"^1\.0\.\d+(-.+)?$": "a 1.0.x version such as '1.0.1'",
    r"^1\.1\.\d+(-.+)?$": "a 1.1.x version such as '1.1.0'",
    r"^x-": "a name starting with 'x-'",
    r"^[^#]*$": "a URI reference without a fragment ('#')",
}


def _explain(error: ValidationError) -> Iterator[SchemaError]:
    path = list(error.absolute_path)
    where = _dotted(path)
    pointer = _pointer(path)
    keyword = error.validator
    value = error.instance
    rule_value: Any = error.validator_value
    if keyword == "required":
        missing = re.findall(r"'([^']*)' is a required property", error.message)
        name = missing[0] if missing else str(rule_value)
        yield SchemaError(pointer, f"{where} is missing the required field '{name}'")
    elif keyword == "type":
        wanted = rule_value
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        words = " or ".join(_TYPE_WORDS.get(name, name) for name in names)
        message = f"{where} must be {words}, not {json_kind(value)}"
        if "string" in names and isinstance(value, int | float) and not isinstance(value, bool):
            message = f"{where} must be a string; quote it: '{value}'"
        yield SchemaError(pointer, message)
    elif keyword in ("enum", "const"):
        allowed = rule_value if keyword == "enum" else [rule_value]
        options = ", ".join(repr(item) for item in allowed)
        yield SchemaError(pointer, f"{where} must be one of {options}, not {value!r}")
    elif keyword == "pattern":
        described = _PATTERN_WORDS.get(str(rule_value))
        expected = f"be {described}" if described else f"match the pattern {rule_value}"
        yield SchemaError(pointer, f"{where} is {value!r}; it must {expected}")
    elif keyword in ("unevaluatedProperties", "additionalProperties"):
        names = re.findall(r"'([^']*)'", error.message.split("(", 1)[-1])
        for name in names or ["?"]:
            field_path = [*path, name]
            yield SchemaError(
                _pointer(field_path),
                f"unknown field '{name}' in {where}; extensions must start with 'x-'",
                at_key=True,
            )
    elif keyword == "minItems":
        count = rule_value
        entries = "entry" if count == 1 else "entries"
        yield SchemaError(pointer, f"{where} must have at least {count} {entries}")
    elif keyword == "uniqueItems":
        yield SchemaError(pointer, f"{where} must not contain the same entry twice")
    elif keyword == "dependentRequired":
        for trigger, needed in (rule_value or {}).items():
            if isinstance(value, dict) and trigger in value:
                missing_fields = [name for name in needed if name not in value]
                if missing_fields:
                    yield SchemaError(
                        pointer,
                        f"{where} has '{trigger}', so it also needs "
                        + ", ".join(f"'{name}'" for name in missing_fields),
                    )
    elif keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        yield SchemaError(pointer, f"{where} is {value!r}; {error.message.split(' is ', 1)[-1]}")
    elif keyword in ("oneOf", "anyOf"):
        yield from _explain_alternatives(error, where, pointer)
    elif keyword == "not":
        yield SchemaError(pointer, f"{where} uses a combination of fields that is not allowed")
    elif keyword == "propertyNames":
        yield SchemaError(pointer, f"{where} has a key that is not allowed: {error.message}")
    else:
        yield SchemaError(pointer, f"{where}: {error.message}")


_TARGET_FIELDS = ("operationId", "operationPath", "workflowId", "channelPath")


@cache
def _known_fields(minor_version: str) -> frozenset[str]:
    """Every property name that some object of the schema declares."""
    names: set[str] = set()
    stack: list[Any] = [schema_for(minor_version)["$defs"]]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                names.update(properties)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(names)


def _explain_alternatives(
    error: ValidationError, where: str, pointer: str
) -> Iterator[SchemaError]:
    value = error.instance
    # The step's "exactly one target" rule, stated as the spec states it.
    if isinstance(value, dict) and (
        "stepId" in value or any(name in value for name in _TARGET_FIELDS)
    ):
        present = [name for name in _TARGET_FIELDS if name in value]
        if len(present) > 1:
            yield SchemaError(
                pointer,
                f"{where} has {', '.join(present)}; a step takes exactly one of "
                "operationId, operationPath or workflowId",
            )
            return
        if not present:
            yield SchemaError(
                pointer,
                f"{where} needs one of operationId, operationPath or workflowId",
            )
            return
    if error.validator == "oneOf" and not error.context:
        yield SchemaError(pointer, f"{where} matches more than one of the allowed forms")
        return
    branches: dict[Any, list[ValidationError]] = {}
    for sub_error in error.context or []:
        branches.setdefault(sub_error.relative_schema_path[0], []).append(sub_error)
    if not branches:
        yield SchemaError(pointer, f"{where} does not match any allowed form")
        return
    own_path = list(error.absolute_path)

    def closeness(errors: list[ValidationError]) -> tuple[bool, int, int]:
        # The alternative the author meant: its own required fields are present, its
        # complaints lie deepest, and it has the fewest of them.
        misses_own_field = any(
            item.validator == "required" and list(item.absolute_path) == own_path for item in errors
        )
        depth = max(len(item.absolute_path) for item in errors)
        return misses_own_field, -depth, len(errors)

    meant = min(branches.values(), key=closeness)
    known = _all_known_fields()
    explained = False
    for sub_error in meant:
        if sub_error.validator == "unevaluatedProperties":
            names = re.findall(r"'([^']*)'", sub_error.message.split("(", 1)[-1])
            if len(meant) > 1 and all(name in known for name in names):
                continue
        for found in _explain(sub_error):
            explained = True
            yield found
    if not explained:
        yield SchemaError(pointer, f"{where} does not match any allowed form")


def _all_known_fields() -> frozenset[str]:
    return _known_fields("1.0") | _known_fields("1.1")
