"""Loading a description: sources resolved against the referring document, over file and HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from arazzo_engine._exceptions import DocumentNotFound, DocumentSyntaxError
from arazzo_engine._loader import LoadOptions, load, loads
from arazzo_engine._reader import LoadLimits

OPENAPI = """\
openapi: 3.1.0
info: {title: pets, version: '1'}
paths:
  /pets/{id}:
    $ref: './paths.yaml#/petById'
"""
PATHS = """\
petById:
  get:
    operationId: getPet
    parameters:
      - $ref: '#/idParam'
idParam: {name: id, in: path, required: true, schema: {type: string}}
"""


def arazzo(sources: str, steps: str = "      - {stepId: s, operationId: getPet}\n") -> str:
    return (
        "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\n"
        f"sourceDescriptions:\n{sources}"
        "workflows:\n  - workflowId: w\n    steps:\n" + steps
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "pets.yaml").write_text(OPENAPI)
    (tmp_path / "api" / "paths.yaml").write_text(PATHS)
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "main.arazzo.yaml").write_text(
        arazzo("  - {name: pets, url: ../api/pets.yaml, type: openapi}\n")
    )
    return tmp_path


def test_relative_source_urls_resolve_against_the_document_not_the_cwd(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree / "api")  # a cwd-relative join would look in api/../api
    description = load(tree / "flows" / "main.arazzo.yaml")
    assert description.findings == ()
    [document] = description.openapi_documents.values()
    assert document.uri == (tree / "api" / "pets.yaml").as_uri()


def test_path_item_and_parameter_refs_across_files_resolve(tree: Path) -> None:
    description = load(tree / "flows" / "main.arazzo.yaml")
    [document] = description.openapi_documents.values()
    operation = document.operation_by_id("getPet")
    assert operation is not None
    assert (operation.method, operation.path) == ("get", "/pets/{id}")
    assert operation.definition_uri == (tree / "api" / "paths.yaml").as_uri()
    [raw_parameter] = operation.definition["parameters"]
    _, parameter = description.resolver.resolve(operation.definition_uri, raw_parameter)
    assert parameter["name"] == "id"


def test_file_urls_load(tree: Path) -> None:
    description = load((tree / "flows" / "main.arazzo.yaml").as_uri())
    assert description.document.workflows[0].workflow_id == "w"


def test_missing_entry_document_raises_not_found(tmp_path: Path) -> None:
    with pytest.raises(DocumentNotFound, match="no such file"):
        load(tmp_path / "absent.yaml")


def test_syntax_error_in_entry_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("arazzo: 1.0.1\ninfo: [\n")
    with pytest.raises(DocumentSyntaxError) as caught:
        load(path)
    assert caught.value.line == 3


def test_unreadable_source_is_a_finding_at_its_url(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(arazzo("  - name: gone\n    url: ./missing.yaml\n    type: openapi\n"))
    description = load(path)
    [finding] = description.findings
    assert finding.rule == "source-unreadable"
    assert (finding.line, finding.column, finding.pointer) == (5, 10, "/sourceDescriptions/0/url")
    assert "missing.yaml" in finding.message


def test_swagger_2_sources_are_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text(json.dumps({"swagger": "2.0", "info": {}, "paths": {}}))
    path = tmp_path / "a.yaml"
    path.write_text(arazzo("  - {name: old, url: old.json, type: openapi}\n"))
    [finding] = load(path).findings
    assert finding.rule == "source-unsupported"
    assert "Swagger 2.0 is not supported; convert it to OpenAPI 3" in finding.message


def test_declared_type_is_checked_against_the_document(tree: Path) -> None:
    path = tree / "flows" / "wrong.yaml"
    path.write_text(arazzo("  - {name: pets, url: ../api/pets.yaml, type: arazzo}\n"))
    [finding] = load(path).findings
    assert finding.rule == "source-type-mismatch"


def test_arazzo_sources_load_recursively_and_cycles_are_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(arazzo("  - {name: b, url: b.yaml, type: arazzo}\n"))
    (tmp_path / "b.yaml").write_text(arazzo("  - {name: a, url: a.yaml, type: arazzo}\n"))
    description = load(tmp_path / "a.yaml")
    assert set(description.arazzo_documents) == {
        (tmp_path / "a.yaml").as_uri(),
        (tmp_path / "b.yaml").as_uri(),
    }
    [cycle] = [f for f in description.findings if f.rule == "source-cycle"]
    assert cycle.file.endswith("b.yaml")
    assert "a.yaml -> " in cycle.message and (cycle.line, cycle.column) == (4, 20)


def test_http_sources_are_fetched_with_the_given_client(tmp_path: Path) -> None:
    served: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        served.append(str(request.url))
        if request.url.path == "/api/pets.yaml":
            text = OPENAPI.replace("$ref: './paths.yaml#/petById'", "get: {operationId: getPet}")
            return httpx.Response(200, text=text, headers={"content-type": "application/yaml"})
        return httpx.Response(404)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    text = arazzo("  - {name: pets, url: ../api/pets.yaml, type: openapi}\n")
    description = loads(
        text, uri="https://example.test/flows/main.yaml", options=LoadOptions(http_client=client)
    )
    assert served == ["https://example.test/api/pets.yaml"]
    assert description.findings == ()


def test_offline_refuses_remote_sources(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(arazzo("  - {name: r, url: 'https://example.test/x.yaml', type: openapi}\n"))
    [finding] = load(path, LoadOptions(offline=True)).findings
    assert finding.rule == "source-unreadable"
    assert "offline" in finding.message


def test_remote_size_cap(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="openapi: 3.1.0\n" + "#" * 5000)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    options = LoadOptions(http_client=client, limits=LoadLimits(max_bytes=1000))
    text = arazzo("  - {name: r, url: 'https://example.test/x.yaml', type: openapi}\n")
    [finding] = loads(text, uri="https://example.test/a.yaml", options=options).findings
    assert "larger than the limit of 1000 bytes" in finding.message


def test_a_loaded_description_is_immutable(tree: Path) -> None:
    description = load(tree / "flows" / "main.arazzo.yaml")
    with pytest.raises(AttributeError):
        description.document.workflows[0].workflow_id = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        description.openapi_documents["x"] = None  # type: ignore[index]
