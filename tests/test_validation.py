"""The validator: schema findings in words, and every rule the schema cannot express."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from arazzo_engine._exceptions import InvalidDocument
from arazzo_engine._findings import Finding
from arazzo_engine._loader import load
from arazzo_engine._rules import RULES, rules_markdown
from arazzo_engine._validation import is_valid, iter_findings, validate, validate_location

ROOT = Path(__file__).resolve().parents[1]

PETS = """\
openapi: 3.1.0
info: {title: pets, version: '1'}
servers: [{url: 'https://pets.example/v1'}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key}
security: [{key: []}]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
    post:
      operationId: createPet
      requestBody: {required: true, content: {application/json: {schema: {type: object}}}}
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
"""
STORE = """\
openapi: 3.0.3
info: {title: store, version: '1'}
paths:
  /orders:
    get: {operationId: listPets, responses: {'200': {description: ok}}}
    post: {operationId: createOrder, responses: {'200': {description: ok}}}
"""
OTHER_FLOWS = """\
arazzo: 1.0.1
info: {title: other, version: '1'}
sourceDescriptions: [{name: pets, url: pets.yaml, type: openapi}]
workflows:
  - workflowId: remote
    steps: [{stepId: a, operationId: listPets}]
"""

HEADER = """\
arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions:
  - {name: pets, url: pets.yaml, type: openapi}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "pets.yaml").write_text(PETS)
    (tmp_path / "store.yaml").write_text(STORE)
    (tmp_path / "other.arazzo.yaml").write_text(OTHER_FLOWS)
    return tmp_path


def findings(folder: Path, body: str, header: str = HEADER) -> list[Finding]:
    path = folder / "doc.arazzo.yaml"
    path.write_text(header + textwrap.dedent(body))
    return list(iter_findings(load(path)))


def rules(found: list[Finding]) -> list[str]:
    return [finding.rule for finding in found]


def only(found: list[Finding], rule: str) -> Finding:
    matching = [finding for finding in found if finding.rule == rule]
    assert len(matching) == 1, found
    return matching[0]


def test_a_clean_document_has_no_findings(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            inputs: {type: object, properties: {id: {type: string}}}
            steps:
              - stepId: one
                operationId: getPet
                parameters: [{name: id, in: path, value: $inputs.id}]
                successCriteria: [{condition: $statusCode == 200}]
                outputs: {name: $response.body#/name}
            outputs: {name: $steps.one.outputs.name}
        """,
    )
    assert found == []


def test_schema_findings_say_what_is_expected_where(folder: Path) -> None:
    path = folder / "doc.yaml"
    path.write_text("arazzo: 1.0.1\ninfo: {title: t, version: 1.0}\nsourceDescriptions: []\n")
    found = list(iter_findings(load(path)))
    version = next(f for f in found if f.pointer == "/info/version")
    assert version.message == "info.version must be a string; quote it: '1.0'"
    assert (version.rule, version.line, version.column) == ("schema", 2, 27)
    messages = [f.message for f in found]
    assert "the document is missing the required field 'workflows'" in messages
    assert "sourceDescriptions must have at least 1 entry" in messages


def test_missing_info_and_step_without_id_are_reported_not_hung(folder: Path) -> None:
    path = folder / "doc.yaml"
    path.write_text(
        "arazzo: 1.0.1\nsourceDescriptions: [{name: pets, url: pets.yaml}]\n"
        "workflows: [{workflowId: w, steps: [{operationId: listPets}]}]\n"
    )
    messages = [f.message for f in iter_findings(load(path))]
    assert "the document is missing the required field 'info'" in messages
    assert "workflows[0].steps[0] is missing the required field 'stepId'" in messages


def test_unknown_fields_are_named_at_their_key(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            stepz: []
            steps: [{stepId: a, operationId: listPets}]
        """,
    )
    finding = only(found, "schema")
    assert finding.message.startswith("unknown field 'stepz' in workflows[0]")
    assert (finding.line, finding.column) == (7, 5)


def test_root_schema_member_is_a_warning(folder: Path) -> None:
    found = findings(
        folder,
        "workflows: [{workflowId: w, steps: [{stepId: a, operationId: listPets}]}]\n",
        header="$schema: https://example.test/arazzo.json\n" + HEADER,
    )
    assert rules(found) == ["schema-keyword"]
    assert found[0].severity == "warning"


def test_unknown_version_is_one_clear_error(folder: Path) -> None:
    found = findings(folder, "workflows: []\n", header=HEADER.replace("1.0.1", "2.0.0"))
    assert rules(found) == ["unsupported-version"]
    assert "this engine reads 1.0.x and 1.1.x documents" in found[0].message


def test_criterion_expression_type_object_is_accepted_in_1_0(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: a
                operationId: listPets
                successCriteria:
                  - context: $response.body
                    condition: $[?@.id]
                    type: {type: jsonpath, version: draft-goessner-dispatch-jsonpath-00}
        """,
    )
    assert found == []


def test_non_string_replacement_value_is_accepted_in_1_0(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: a
                operationId: createPet
                requestBody:
                  contentType: application/json
                  payload: {age: 1}
                  replacements: [{target: /age, value: 10}]
        """,
    )
    assert found == []


def test_duplicate_ids(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - {stepId: a, operationId: listPets}
              - {stepId: a, operationId: getPet, parameters: [{name: id, in: path, value: x}]}
          - workflowId: w
            steps: [{stepId: b, operationId: listPets}]
        """,
        header=HEADER + "  - {name: pets, url: pets.yaml, type: openapi}\n",
    )
    messages = [f.message for f in found if f.rule == "duplicate-id"]
    assert len(messages) == 3
    assert any(m.startswith("stepId 'a' is used twice (first at line 9)") for m in messages)
    assert any(m.startswith("workflowId 'w' is used twice") for m in messages)
    assert any(m.startswith("name 'pets' is used twice") for m in messages)


def test_operation_not_found_suggests_the_closest(folder: Path) -> None:
    found = findings(
        folder,
        "workflows: [{workflowId: w, steps: [{stepId: a, operationId: listPet}]}]\n",
    )
    finding = only(found, "operation-not-found")
    assert "did you mean 'listPets'?" in finding.message
    assert finding.pointer == "/workflows/0/steps/0/operationId"


def test_qualified_operation_ids(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - {stepId: a, operationId: $sourceDescriptions.pets.listPets}
              - {stepId: b, operationId: $sourceDescriptions.pets.nope}
              - {stepId: c, operationId: $sourceDescriptions.Pets.listPets}
        """,
    )
    assert rules(found) == ["operation-not-found", "unknown-source"]
    assert "did you mean 'pets'?" in found[1].message


def test_ambiguous_operation(folder: Path) -> None:
    found = findings(
        folder,
        "workflows: [{workflowId: w, steps: [{stepId: a, operationId: listPets}]}]\n",
        header=HEADER + "  - {name: store, url: store.yaml, type: openapi}\n",
    )
    assert sorted(rules(found)) == ["ambiguous-operation", "unqualified-operation"]


def test_operation_path(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: ok
                operationPath: '{$sourceDescriptions.pets.url}#/paths/~1pets/get'
              - stepId: item
                operationPath: '{$sourceDescriptions.pets.url}#/paths/~1pets'
              - stepId: nowhere
                operationPath: '{$sourceDescriptions.pets.url}#/paths/~1cats/get'
              - stepId: literal
                operationPath: 'pets.yaml#/paths/~1pets/get'
        """,
    )
    assert rules(found) == [
        "operation-not-found",
        "operation-not-found",
        "operation-path-literal",
    ]
    assert "points to a Path Item, not an operation; add the method" in found[0].message


def test_workflow_references(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            dependsOn: [ghost, remote]
            steps:
              - {stepId: a, workflowId: $sourceDescriptions.flows.remote}
              - {stepId: b, workflowId: $sourceDescriptions.flows.nope}
              - stepId: c
                operationId: listPets
                onSuccess: [{name: g, type: goto, workflowId: missing}]
        """,
        header=HEADER + "  - {name: flows, url: other.arazzo.yaml, type: arazzo}\n",
    )
    messages = [f.message for f in found if f.rule == "workflow-not-found"]
    assert len(messages) == 4, found
    assert any("refer to it as '$sourceDescriptions.flows.remote'" in m for m in messages)
    assert any("Arazzo source 'flows' has no workflow 'nope'" in m for m in messages)


def test_goto_targets_and_end(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: a
                operationId: listPets
                onSuccess:
                  - {name: back, type: goto, stepId: a}
                  - {name: lost, type: goto, stepId: b}
                  - {name: stop, type: end, stepId: a}
        """,
    )
    assert rules(found) == ["goto-target-missing", "end-target-ignored"]


def test_depends_on_cycle(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - {workflowId: a, dependsOn: [b], steps: [{stepId: s, operationId: listPets}]}
          - {workflowId: b, dependsOn: [c], steps: [{stepId: s, operationId: listPets}]}
          - {workflowId: c, dependsOn: [a], steps: [{stepId: s, operationId: listPets}]}
        """,
    )
    finding = only(found, "dependson-cycle")
    assert "a -> b -> c -> a" in finding.message


def test_components(folder: Path) -> None:
    found = findings(
        folder,
        """\
        components:
          inputs:
            pet: {type: object}
          parameters:
            page: {name: page, value: 1}
          failureActions:
            again: {name: again, type: retry, retryLimit: 2}
        workflows:
          - workflowId: w
            inputs: {$ref: '#/components/inputs/pett'}
            steps:
              - stepId: a
                operationId: listPets
                parameters:
                  - {reference: $components.parameters.page}
                  - {reference: $components.parameters.size}
                  - {reference: $components.failureActions.again}
        """,
    )
    assert sorted(rules(found)) == [
        "component-missing",
        "component-missing",
        "component-missing",
        "parameter-in-missing",
    ]
    messages = " | ".join(f.message for f in found)
    assert "points to a failureAction component where a parameter is expected" in messages
    assert "inputs $ref '#/components/inputs/pett' does not resolve" in messages


def test_duplicate_parameters_and_actions(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: a
                operationId: listPets
                parameters:
                  - {name: X-Api-Key, in: header, value: '1'}
                  - {name: x-api-key, in: header, value: '2'}
                  - {name: limit, in: query, value: 1}
                onFailure:
                  - {name: r, type: retry}
                  - {name: r, type: end}
        """,
    )
    assert sorted(rules(found)) == ["duplicate-action", "duplicate-parameter"]


def test_output_names(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps: [{stepId: a, operationId: listPets, outputs: {'bad name': $statusCode}}]
        """,
    )
    assert rules(found) == ["output-name-invalid"]


def test_step_references(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: a
                operationId: getPet
                parameters: [{name: id, in: path, value: $steps.a.outputs.id}]
                outputs: {id: $response.body#/id}
              - stepId: b
                operationId: listPets
                parameters: [{name: limit, in: query, value: $steps.a.outputs.count}]
            outputs:
              x: $steps.c.outputs.id
        """,
    )
    assert sorted(rules(found)) == ["step-output-before-run", "unknown-output", "unknown-step"]


def test_expression_syntax_is_located(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: a
                operationId: listPets
                successCriteria: [{condition: $statusCode == == 200}]
        """,
    )
    finding = only(found, "expression-syntax")
    assert finding.line == 10
    assert "expected" in finding.message


def test_inputs_and_workflow_steps(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: inner
            inputs: {type: object, properties: {id: {type: string}}}
            steps: [{stepId: s, operationId: listPets}]
          - workflowId: outer
            inputs: {type: object, properties: {id: {type: string}}}
            steps:
              - stepId: call
                workflowId: inner
                parameters: [{name: id, in: query, value: $inputs.idd}]
                requestBody: {payload: {}}
                successCriteria: [{condition: $statusCode == 200}]
        """,
    )
    assert sorted(rules(found)) == [
        "parameter-in-ignored",
        "request-body-ignored",
        "response-on-workflow-step",
        "unknown-input",
    ]


def test_request_body_on_get_and_missing_body(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - {stepId: a, operationId: listPets, requestBody: {payload: {}}}
              - {stepId: b, operationId: createPet}
        """,
    )
    assert rules(found) == ["request-body-on-get", "request-body-missing"]


def test_parameters_are_checked_against_the_operation(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: a
                operationId: getPet
                parameters:
                  - {name: X-Api-Key, in: header, value: k}
                  - {name: Authorization, in: header, value: k}
                  - {name: color, in: query, value: red}
        """,
    )
    assert rules(found) == ["parameter-not-in-operation", "required-parameter-missing"]
    assert "declares no query parameter 'color'" in found[0].message
    assert "requires the path parameter 'id'" in found[1].message


def test_object_in_string_template(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            inputs: {type: object, properties: {pet: {type: object}}}
            steps:
              - stepId: a
                operationId: createPet
                requestBody:
                  contentType: application/json
                  payload: '{"pet": "{$inputs.pet}"}'
        """,
    )
    assert rules(found) == ["object-in-string"]


def test_is_valid_and_validate(folder: Path) -> None:
    path = folder / "doc.yaml"
    path.write_text(HEADER + "workflows: [{workflowId: w, steps: [{stepId: a, operationId: x}]}]\n")
    description = load(path)
    assert not is_valid(description)
    with pytest.raises(InvalidDocument) as caught:
        validate(description)
    assert caught.value.findings[0].rule == "operation-not-found"
    assert isinstance(caught.value, ValueError)


def test_validate_location_turns_unreadable_files_into_findings(tmp_path: Path) -> None:
    missing = validate_location(tmp_path / "nope.yaml")
    assert not missing.readable
    assert missing.findings[0].rule == "source-unreadable"
    broken = tmp_path / "broken.yaml"
    broken.write_text("arazzo: 1.0.1\ninfo: {title: t\n")
    report = validate_location(broken)
    assert report.readable and not report.valid
    assert (report.findings[0].rule, report.findings[0].line) == ("syntax", 3)


def test_knock_fixture_warns_about_unqualified_operations() -> None:
    report = validate_location(ROOT / "specs" / "knock-bulk.yml")
    assert report.valid, report.findings
    warnings = [f for f in report.findings if f.rule == "unqualified-operation"]
    assert len(warnings) == 2
    assert "'$sourceDescriptions.knockUsersApi.bulkIdentifyUsers'" in warnings[0].message
    assert all(f.severity == "warning" for f in report.findings)


def test_openapi_sources_are_validated_too(folder: Path) -> None:
    (folder / "broken.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: b, version: '1'}\npaths:\n  /x:\n    get: {operationId: 7}\n"
    )
    found = findings(
        folder,
        "workflows: [{workflowId: w, steps: [{stepId: a, operationId: listPets}]}]\n",
        header=HEADER + "  - {name: broken, url: broken.yaml, type: openapi}\n",
    )
    invalid = [f for f in found if f.rule == "openapi-invalid"]
    assert invalid and all(f.file.endswith("broken.yaml") for f in invalid)
    assert invalid[0].severity == "warning" and invalid[0].line == 5


def test_every_rule_is_documented_and_docs_are_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text() == rules_markdown()
    assert all(rule.summary.endswith(".") for rule in RULES.values())


def test_any_value_is_accepted_where_the_1_1_text_says_any(folder: Path) -> None:
    header = HEADER.replace("1.0.1", "1.1.0")
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: a
                operationId: createPet
                parameters: [{name: X-Api-Key, in: header, value: {nested: true}}]
                requestBody:
                  payload: {age: 1}
                  replacements:
                    - {target: /age, value: {years: 10}}
                    - {target: /tags, value: {selector: '$.x'}}
        """,
        header=header,
    )
    # An object value is fine; one that claims to be a selector must be a valid one.
    assert rules(found) == ["schema"]
    assert found[0].pointer.startswith("/workflows/0/steps/0/requestBody/replacements/1/value")


def test_text_that_nearly_is_an_expression_is_flagged(folder: Path) -> None:
    found = findings(
        folder,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: a
                operationId: listPets
                parameters: [{name: X-Note, in: header, value: 'see $response.headers.Location here'}]
        """,
    )
    assert rules(found) == ["expression-near-miss", "parameter-not-in-operation"]
    assert "(found 'headers')" in found[0].message
