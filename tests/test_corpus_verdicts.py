"""Every document of the public corpus whose expected verdict is `valid` or `invalid` gets it.

The corpus (../shared/corpus/INDEX.json) records, per document, what its authors' own tools
expect. Sources that the corpus holds a local copy of are read from it (the load is offline);
`source-unreadable` findings for sources that are not in the corpus at all are not counted
against a document. The documents where this engine's verdict differs on purpose are listed in
EXCEPTIONS with the reason: none is skipped silently.
"""

from __future__ import annotations

import pytest

from arazzo_engine._validation import validate_location

from .corpus import CorpusDocument, corpus_documents

# file -> why this engine's verdict differs from the corpus expectation.
EXCEPTIONS: dict[str, str] = {
    "JaredCE-Arazzo-Runner/test/mocks/arazzo/openapi-requestBody-tests/other.json": (
        "its operationId getPetById is not in its source (the corpus index itself records 0 of 1 operations resolving)"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/arazzoMockWithInvalidInputs.json": (
        "a source name with spaces and `parameters` given as an object: the official schema rejects both"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/correctSourceDescriptionReference-pets-arazzo.json": (
        "'$response.body/AccessToken' is not a runtime expression (a JSON Pointer needs '#')"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/single-workflow/arazzo-sourceDescription/arazzoMock-user-single-workflow-single-step.json": (
        "'$sourceDescription.users-arazzo.createUser' misspells $sourceDescriptions"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/single-workflow/multiple-steps/arazzoMock-user-with-successCriteria-and-onSuccess-set-to-end.json": (
        "reads $steps.createAUser.outputs.username, an output that step does not define (unknown-output)"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/single-workflow/multiple-steps/arazzoMock-user-with-successCriteria-and-onSuccess-set-to-goto-non-existant-sourceDescription-workflow.json": (
        "a runner fixture for a run-time failure: it names a source description in a goto target that does not exist, which this validator reports before running (ACT-12)"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/single-workflow/multiple-steps/arazzoMock-user-with-successCriteria-and-onSuccess-set-to-goto-non-existant-step.json": (
        "a runner fixture for a run-time failure: it names a step as a goto target that does not exist, which this validator reports before running (ACT-12)"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/single-workflow/multiple-steps/arazzoMock-user-with-successCriteria-and-onSuccess-set-to-goto-non-existant-workflow.json": (
        "a runner fixture for a run-time failure: it names a workflow as a goto target that does not exist, which this validator reports before running (ACT-12)"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/single-workflow/single-step/arazzoMock-user-with-successCriteria-and-onSuccess-set-to-goto-non-existant-sourceDescription-workflow.json": (
        "a runner fixture for a run-time failure: it names a source description in a goto target that does not exist, which this validator reports before running (ACT-12)"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/single-workflow/single-step/arazzoMock-user-with-successCriteria-and-onSuccess-set-to-goto-non-existant-step.json": (
        "a runner fixture for a run-time failure: it names a step as a goto target that does not exist, which this validator reports before running (ACT-12)"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/single-workflow/single-step/arazzoMock-user-with-successCriteria-and-onSuccess-set-to-goto-non-existant-workflow.json": (
        "a runner fixture for a run-time failure: it names a workflow as a goto target that does not exist, which this validator reports before running (ACT-12)"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/single-workflow/single-step/onFailure/arazzoMock-user-with-successCriteria-and-onFailure-set-to-goto-non-existant-step.json": (
        "a runner fixture for a run-time failure: it names a step as a goto target that does not exist, which this validator reports before running (ACT-12)"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/single-workflow/single-step/onFailure/arazzoMock-user-with-successCriteria-and-onFailure-set-to-goto-non-existant-workflow.json": (
        "a runner fixture for a run-time failure: it names a workflow as a goto target that does not exist, which this validator reports before running (ACT-12)"
    ),
    "JaredCE-Arazzo-Runner/test/mocks/users-arazzo.json": (
        "workflowIds qualified with an OpenAPI source, and operationIds its source lacks"
    ),
    "OAI-Arazzo-Specification/main/examples/1.0.0/FAPI-PAR.arazzo.yaml": (
        "the official example writes $sourceDescriptions.auth-api.PAR for the operationId Par (tests/test_errata.py)"
    ),
    "OAI-Arazzo-Specification/main/examples/1.0.0/LoginAndRetrievePets.arazzo.yaml": (
        "an erratum of the official example (FEATURES.md section 20), reported as such in tests/test_errata.py"
    ),
    "OAI-Arazzo-Specification/main/examples/1.0.0/bnpl-arazzo.yaml": (
        "an erratum of the official example (FEATURES.md section 20), reported as such in tests/test_errata.py"
    ),
    "OAI-Arazzo-Specification/v1.0-dev/tests/schema/pass/bnpl-example.yaml": (
        "an erratum of the official example (FEATURES.md section 20), reported as such in tests/test_errata.py"
    ),
    "OAI-Arazzo-Specification/v1.1-dev/tests/schema/pass/bnpl-example.yaml": (
        "an erratum of the official example (FEATURES.md section 20), reported as such in tests/test_errata.py"
    ),
    "OAI-Arazzo-Specification/v1.1-dev/tests/schema/pass/characterization-openapi-invalid-operationPath-string.arazzo.yaml": (
        "a schema-characterization fixture: its operationPath is not a runtime expression, which the schema cannot see and the spec forbids (STEP-04)"
    ),
    "OAI-Arazzo-Specification/v1.1-dev/tests/schema/pass/openapi-success-criteria.arazzo.yaml": (
        "an erratum of the official example (FEATURES.md section 20), reported as such in tests/test_errata.py"
    ),
    "OAI-Arazzo-Specification/v1.1-dev/tests/schema/pass/workflow-success-criteria.arazzo.yaml": (
        "an erratum of the official example (FEATURES.md section 20), reported as such in tests/test_errata.py"
    ),
    "Redocly-redocly-cli/extracted/core-arazzo-rule-tests/sourceDescriptions-not-empty--01.arazzo.yaml": (
        "two source descriptions named museum-api (the Redocly rule test is about another rule)"
    ),
    "Redocly-redocly-cli/packages/respect-core/src/modules/__tests__/config-parser/auto.yaml": (
        "a Respect configuration fixture whose step has no operationId, operationPath or workflowId"
    ),
    "Redocly-redocly-cli/tests/e2e/bundle/bundle-arazzo-valid-test-description/museum.yaml": (
        "uses $ref inside parameters and requestBody, a Redocly bundling feature outside the Arazzo spec"
    ),
    "Redocly-redocly-cli/tests/e2e/lint/arazzo-1-1-valid-description/cafe-workflows.yaml": (
        "a retry action with `parameters` but no workflowId, which the official 1.1 schema rejects"
    ),
    "Redocly-redocly-cli/tests/e2e/respect/case-insensitive-headers/case-insensitive-headers.arazzo.yaml": (
        "sends Content-Type twice in differently cased header parameters; header names are case-insensitive, so they are duplicates (PARAM-01)"
    ),
    "Redocly-redocly-cli/tests/e2e/respect/free-apis/free.arazzo.yaml": (
        "steps use Redocly's x-operation extension instead of an operation; the schema requires a target"
    ),
    "Redocly-redocly-cli/tests/e2e/respect/outputs-access-syntax-variations/outputs-access-syntax-variations.arazzo.yaml": (
        "names a workflow 'workflows.search-menu-items' inside an Arazzo source, a Respect access syntax outside the spec"
    ),
    "Redocly-redocly-cli/tests/smoke/rebilly/rebilly.arazzo.yaml": (
        "steps use Redocly's x-operation extension instead of an operation; the schema requires a target"
    ),
    "jentic-arazzo-engine/runner/tests/fixtures/bnpl/bnpl-arazzo.yaml": (
        "reads step values as $steps.<id>.<name> without '.outputs.', which the 1.1 grammar requires and this engine requires in both versions (FEATURES.md section 21)"
    ),
    "jentic-arazzo-engine/runner/tests/fixtures/discord/discord.arazzo.yaml": (
        "reads step values as $steps.<id>.<name> without '.outputs.', which the 1.1 grammar requires and this engine requires in both versions (FEATURES.md section 21)"
    ),
    "jentic-arazzo-engine/runner/tests/fixtures/newyork_times/newyork_times.arazzo.yaml": (
        "generated ids with spaces (a step 'Search Articles by Keyword_Search Articles_0', outputs with spaces) and operationPaths without a runtime expression"
    ),
    "jentic-arazzo-engine/runner/tests/fixtures/sample_login_workflow/login_workflow.yaml": (
        "reads step values as $steps.<id>.<name> without '.outputs.', which the 1.1 grammar requires and this engine requires in both versions (FEATURES.md section 21)"
    ),
    "jentic-arazzo-engine/runner/tests/fixtures/sample_test/example_workflow.yaml": (
        "reads step values as $steps.<id>.<name> without '.outputs.', which the 1.1 grammar requires and this engine requires in both versions (FEATURES.md section 21)"
    ),
    "jentic-arazzo-engine/runner/tests/fixtures/spotify/spotify.arazzo.yaml": (
        "reads step values as $steps.<id>.<name> without '.outputs.', which the 1.1 grammar requires and this engine requires in both versions (FEATURES.md section 21)"
    ),
    "jentic-arazzo-engine/runner/tests/fixtures/xkcd/xkcd.arazzo.yaml": (
        "reads step values as $steps.<id>.<name> without '.outputs.', which the 1.1 grammar requires and this engine requires in both versions (FEATURES.md section 21)"
    ),
    "speakeasy-api-openapi/arazzo/testdata/speakeasybar.arazzo.yaml": (
        "the first workflow reads $steps.authenticate.outputs.token from a step that defines no outputs"
    ),
    "speakeasy-api-openapi/arazzo/testdata/test.arazzo.yaml": (
        "a condition '$statusCode == 500%s' (a formatting placeholder left in the test data)"
    ),
    "usearazzo-arazzo-toolkit/packages/parser/test/fixtures/source-descriptions/arazzo-multiple-sources.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/parser/test/fixtures/source-descriptions/arazzo-with-arazzo.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/parser/test/fixtures/source-descriptions/arazzo-with-openapi.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/parser/test/fixtures/source-descriptions/child-arazzo.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/resolver/test/dereference/fixtures/source-descriptions/arazzo-multiple-sources.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/resolver/test/dereference/fixtures/source-descriptions/arazzo-with-arazzo.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/resolver/test/dereference/fixtures/source-descriptions/arazzo-with-openapi-2.0.json": (
        "has a Swagger 2.0 source, which this engine refuses with a clear message (SRC-03)"
    ),
    "usearazzo-arazzo-toolkit/packages/resolver/test/dereference/fixtures/source-descriptions/arazzo-with-openapi-3.0.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/resolver/test/dereference/fixtures/source-descriptions/arazzo-with-openapi.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/resolver/test/dereference/fixtures/source-descriptions/child-arazzo.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/resolver/test/dereference/fixtures/source-descriptions/cycle-a.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/resolver/test/dereference/fixtures/source-descriptions/cycle-b.json": (
        "writes an operationPath-style pointer ('$sourceDescriptions.<name>#/paths/...') as an operationId or workflowId"
    ),
    "usearazzo-arazzo-toolkit/packages/runner/test/fixtures/circular-refs/workflow-2-0.arazzo.yaml": (
        "has a Swagger 2.0 source, which this engine refuses with a clear message (SRC-03)"
    ),
    "usearazzo-arazzo-toolkit/packages/runner/test/fixtures/cross-document-child.arazzo.yaml": (
        "a runner fixture that names a missing source on purpose ($sourceDescriptions.noSuchSource)"
    ),
    "usearazzo-arazzo-toolkit/packages/runner/test/fixtures/cross-document.arazzo.yaml": (
        "a runner fixture that names a missing source on purpose ($sourceDescriptions.noSuchSource)"
    ),
    "usearazzo-arazzo-toolkit/packages/runner/test/fixtures/petstore-order-workflow-2-0.arazzo.yaml": (
        "has a Swagger 2.0 source, which this engine refuses with a clear message (SRC-03)"
    ),
    "usearazzo-arazzo-toolkit/packages/runner/test/fixtures/workflow-composition.arazzo.yaml": (
        "a runner fixture collecting run-time failures on purpose: a dependsOn cycle, a step with two targets, missing workflows"
    ),
    "usearazzo-arazzo-toolkit/packages/runner/test/fixtures/workflow-control-flow.arazzo.yaml": (
        "a runner fixture collecting run-time failures on purpose: goto targets that do not exist, a goto with two targets"
    ),
}

JUDGED = [doc for doc in corpus_documents() if doc.expected in ("valid", "invalid")]


def verdict(doc: CorpusDocument) -> tuple[str, list[str]]:
    report = validate_location(doc.path, doc.load_options())
    ignored = set() if doc.all_sources_local else {"source-unreadable"}
    errors = [
        str(finding)
        for finding in report.findings
        if finding.severity == "error" and finding.rule not in ignored
    ]
    return ("invalid" if errors else "valid"), errors


@pytest.mark.parametrize("doc", JUDGED, ids=lambda doc: doc.file)
def test_corpus_verdict(doc: CorpusDocument) -> None:
    found, errors = verdict(doc)
    if doc.file in EXCEPTIONS:
        assert found != doc.expected, f"listed as an exception but now agrees: {doc.file}"
        return
    assert found == doc.expected, "\n".join(errors) or f"expected {doc.expected}: {doc.detail}"


def test_every_exception_is_a_judged_document() -> None:
    judged = {doc.file for doc in JUDGED}
    assert set(EXCEPTIONS) <= judged
