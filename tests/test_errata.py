"""The errata of the official examples (FEATURES.md section 20) are reported as findings.

Each test names the erratum it covers. The example files are read from ../shared/spec/examples;
the errata that live only in the specification's prose are reproduced in small documents.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from arazzo_engine._findings import Finding
from arazzo_engine._loader import LoadOptions, load
from arazzo_engine._validation import iter_findings

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLES = SHARED / "spec" / "examples" / "1.0.0"
RAW = "https://raw.githubusercontent.com/"
# The examples name two sources by their published URL; the tests read the copies in shared/.
OFFLINE = LoadOptions(
    offline=True,
    url_map={
        RAW + "swagger-api/swagger-petstore/master/src/main/resources/openapi.yaml": (
            SHARED / "corpus/swagger-api-swagger-petstore/src/main/resources/openapi.yaml"
        ).as_uri(),
        RAW + "OAI/Arazzo-Specification/main/examples/1.0.0/bnpl-openapi.yaml": (
            EXAMPLES / "bnpl-openapi.yaml"
        ).as_uri(),
    },
)


def findings_of(path: Path) -> list[Finding]:
    return list(iter_findings(load(path, OFFLINE)))


def with_rule(found: list[Finding], rule: str) -> list[Finding]:
    return [finding for finding in found if finding.rule == rule]


def test_every_official_example_loads() -> None:
    for path in sorted(SHARED.glob("spec/examples/*/*.yaml")):
        description = load(path, OFFLINE)
        assert description.document.uri == path.as_uri()


def test_login_and_retrieve_pets_operation_path_points_to_a_path_item() -> None:
    found = findings_of(EXAMPLES / "LoginAndRetrievePets.arazzo.yaml")
    [finding] = with_rule(found, "operation-not-found")
    assert "points to a Path Item, not an operation; add the method" in finding.message
    assert finding.line == 46


def test_pet_coupons_reads_status_code_on_workflow_steps() -> None:
    found = findings_of(EXAMPLES / "pet-coupons.arazzo.yaml")
    flagged = with_rule(found, "response-on-workflow-step")
    assert flagged, found
    assert all("$statusCode" in finding.message for finding in flagged)
    # `$outputs.<name>` in a workflow step's outputs means the called workflow's outputs
    # (STEP-10): not a finding.
    assert not [f for f in found if "$outputs.workflow_order_id" in f.message]


def test_bnpl_errata() -> None:
    found = findings_of(EXAMPLES / "bnpl-arazzo.yaml")
    [self_read] = with_rule(found, "step-output-before-run")
    assert "authenticateCustomerAndAuthorizeLoan" in self_read.message
    assert any(
        "loanTransactionId" in finding.message for finding in with_rule(found, "unknown-output")
    )
    assert any(
        "retrieveFinalizedPaymentPlan" in finding.message
        for finding in with_rule(found, "unknown-step")
    )
    assert with_rule(found, "object-in-string")


def test_fapi_par_names_an_operation_with_the_wrong_case() -> None:
    # Not in FEATURES.md section 20: found by this validator. The OpenAPI operationId is
    # `Par`; the Arazzo document writes `$sourceDescriptions.auth-api.PAR`.
    found = findings_of(EXAMPLES / "FAPI-PAR.arazzo.yaml")
    [finding] = with_rule(found, "operation-not-found")
    assert "did you mean 'Par'?" in finding.message


def test_extended_parameters_example_source_is_missing() -> None:
    found = findings_of(EXAMPLES / "ExtendedParametersExample.arazzo.yaml")
    [finding] = with_rule(found, "source-unreadable")
    assert "animals.yaml" in finding.message


def test_workflow_success_criteria_fixture_miscases_its_source() -> None:
    path = SHARED / "spec/schema-tests/v1.1-dev/schema/pass/workflow-success-criteria.arazzo.yaml"
    found = findings_of(path)
    [finding] = with_rule(found, "unknown-source")
    assert "did you mean 'UserAPI'?" in finding.message


def prose_document(tmp_path: Path, body: str) -> list[Finding]:
    (tmp_path / "petstore.yaml").write_text(
        textwrap.dedent(
            """\
            openapi: 3.1.0
            info: {title: petstore, version: '1'}
            paths:
              /user/login:
                get:
                  operationId: loginUser
                  parameters:
                    - {name: username, in: query, schema: {type: string}}
              /pet/findByStatus:
                get: {operationId: findPetsByStatus}
            """
        )
    )
    path = tmp_path / "doc.yaml"
    path.write_text(
        "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\n"
        "sourceDescriptions:\n  - {name: petStoreDescription, url: petstore.yaml, type: openapi}\n"
        + textwrap.dedent(body)
    )
    return findings_of(path)


def test_root_example_names_the_operation_instead_of_the_step(tmp_path: Path) -> None:
    found = prose_document(
        tmp_path,
        """\
        workflows:
          - workflowId: loginUserAndRetrievePet
            steps:
              - stepId: loginStep
                operationId: loginUser
                outputs: {sessionToken: $response.body}
              - stepId: getPetStep
                operationPath: '{$sourceDescriptions.petstoreDescription.url}#/paths/~1pet~1findByStatus/get'
                parameters:
                  - {name: Authorization, in: header, value: $steps.loginUser.outputs.sessionToken}
        """,
    )
    [step] = with_rule(found, "unknown-step")
    assert "did you mean" not in step.message or "loginStep" in step.message
    [source] = with_rule(found, "unknown-source")
    assert "names are case-sensitive: did you mean 'petStoreDescription'?" in source.message


def test_components_example_wraps_a_condition_in_braces(tmp_path: Path) -> None:
    # COND-09: the legacy "{$statusCode == 401}" is accepted as the condition it wraps.
    found = prose_document(
        tmp_path,
        """\
        components:
          failureActions:
            refreshToken:
              name: refreshExpiredToken
              type: retry
              retryAfter: 1
              retryLimit: 5
              criteria: [{condition: '{$statusCode == 401}'}]
        workflows:
          - workflowId: w
            steps:
              - stepId: s
                operationId: loginUser
                onFailure: [{reference: $components.failureActions.refreshToken}]
        """,
    )
    assert with_rule(found, "expression-syntax") == []


def test_replacement_value_ten_is_accepted(tmp_path: Path) -> None:
    found = prose_document(
        tmp_path,
        """\
        workflows:
          - workflowId: w
            steps:
              - stepId: s
                operationId: loginUser
                requestBody:
                  payload: {petId: 1}
                  replacements: [{target: /petId, value: 10}]
        """,
    )
    assert with_rule(found, "schema") == []
