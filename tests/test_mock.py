"""Mock scenarios, the in-process mock transport and the loopback mock server."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from arazzo_engine._loader import load
from arazzo_engine._mock import (
    Mock,
    MockServer,
    ScenarioError,
    load_scenario,
    sample_from_schema,
)

ROOT = Path(__file__).resolve().parents[1]
KNOCK = ROOT / "specs" / "knock-bulk.yml"
KNOCK_SCENARIO = ROOT / "specs" / "knock-bulk.mock.yaml"

PETS_OPENAPI = """\
openapi: 3.1.0
info: {title: Pets, version: 1.0.0}
servers: [{url: 'https://pets.example.com/api/v2'}]
paths:
  /pets:
    post:
      operationId: addPet
      requestBody:
        content:
          application/json:
            schema: {type: object}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: a pet
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        '404':
          description: no such pet
          content:
            application/json:
              example: {code: not_found, message: No such pet.}
  /pets/mine:
    get:
      operationId: getMyPet
      responses:
        '200':
          description: mine
          content:
            application/json:
              examples:
                first: {value: {id: mine, name: Rex}}
  /health:
    get:
      operationId: health
      responses:
        '204': {description: fine}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: string, format: uuid}
        name: {type: string}
        born: {type: [string, 'null'], format: date}
        weight: {type: number, minimum: 0.5}
        legs: {type: integer, minimum: 0}
        tags: {type: array, items: {type: string, enum: [good, small]}}
        owner:
          allOf:
            - {type: object, properties: {email: {type: string, format: email}}}
            - {type: object, properties: {vip: {type: boolean}}}
        kind:
          oneOf:
            - {type: string, const: dog}
            - {type: string, const: cat}
"""

PETS_ARAZZO = """\
arazzo: 1.0.1
info: {title: Pets, version: 1.0.0}
sourceDescriptions:
  - {name: pets, url: ./pets.yaml, type: openapi}
workflows:
  - workflowId: fetch
    steps:
      - stepId: get
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: '1'}
"""


@pytest.fixture
def pets(tmp_path: Path) -> Path:
    (tmp_path / "pets.yaml").write_text(PETS_OPENAPI)
    (tmp_path / "pets.arazzo.yaml").write_text(PETS_ARAZZO)
    return tmp_path


def scenario_file(folder: Path, text: str) -> Path:
    path = folder / "scenario.yaml"
    path.write_text(text)
    return path


def client_for(mock: Mock) -> httpx.Client:
    return httpx.Client(transport=mock.transport())


# --- the Knock demo scenario ---------------------------------------------------------------


def test_knock_scenario_answers_in_turn_and_repeats_the_last() -> None:
    mock = Mock(load(KNOCK), load_scenario(KNOCK_SCENARIO))
    with client_for(mock) as client:
        created = client.post(
            "https://api.knock.app/v1/users/bulk/identify", json={"users": [{"id": "u1"}]}
        )
        assert created.status_code == 200
        assert created.json()["status"] == "queued"
        statuses = [
            client.get("https://api.knock.app/v1/bulk_operations/op-7").json() for _ in range(5)
        ]
    assert [s["status"] for s in statuses] == [
        "queued",
        "processing",
        "completed",
        "completed",
        "completed",
    ]
    assert {s["id"] for s in statuses} == {"op-7"}  # echoed from the path
    assert statuses[0]["progress_path"] == "/v1/bulk_operations/op-7"  # {$...} template
    assert [r.origin for r in mock.records] == ["scenario"] * 6


def test_scenario_names_the_description_it_is_for() -> None:
    scenario = load_scenario(KNOCK_SCENARIO)
    assert scenario.spec is not None
    assert scenario.spec.resolve() == KNOCK.resolve()


# --- scripting and echoing -----------------------------------------------------------------


def test_responses_echo_the_request_body_headers_query_and_method(pets: Path) -> None:
    path = scenario_file(
        pets,
        """\
operations:
  addPet:
    - status: 201
      headers:
        X-Echo: $request.header.X-Trace
        Location: /pets/{$request.body#/name}
      body:
        id: $request.body#/name
        first: $request.body#/tags/0
        page: $request.query.page
        via: $method
""",
    )
    mock = Mock(load(pets / "pets.arazzo.yaml"), load_scenario(path))
    with client_for(mock) as client:
        response = client.post(
            "http://localhost:1234/api/v2/pets?page=3",
            json={"name": "rex", "tags": ["good"]},
            headers={"X-Trace": "t-1"},
        )
    assert response.status_code == 201
    assert response.headers["x-echo"] == "t-1"
    assert response.headers["location"] == "/pets/rex"
    assert response.json() == {"id": "rex", "first": "good", "page": "3", "via": "POST"}


def test_a_single_response_object_repeats_and_a_text_body_keeps_its_type(pets: Path) -> None:
    path = scenario_file(
        pets,
        """\
operations:
  GET /health:
    status: 200
    headers: {Content-Type: text/plain}
    body: all good
""",
    )
    mock = Mock(load(pets / "pets.arazzo.yaml"), load_scenario(path))
    with client_for(mock) as client:
        texts = [client.get("https://pets.example.com/api/v2/health").text for _ in range(2)]
    assert texts == ["all good", "all good"]


def test_an_omitted_body_comes_from_the_description_for_that_status(pets: Path) -> None:
    path = scenario_file(pets, "operations:\n  pets.getPet:\n    - status: 404\n")
    mock = Mock(load(pets / "pets.arazzo.yaml"), load_scenario(path))
    with client_for(mock) as client:
        response = client.get("https://pets.example.com/api/v2/pets/9")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such pet."}


def test_a_part_the_request_lacks_echoes_as_null(pets: Path) -> None:
    path = scenario_file(
        pets,
        "operations:\n  addPet:\n    - headers: {X-Echo: $request.header.X-Absent}\n"
        "      body: {id: $request.body#/nope, all: $request.body, text: 'id {$request.body#/x}'}\n",
    )
    mock = Mock(load(pets / "pets.arazzo.yaml"), load_scenario(path))
    with client_for(mock) as client:
        response = client.post("https://pets.example.com/api/v2/pets", json={"a": 1})
    assert response.status_code == 200
    assert response.json() == {"id": None, "all": {"a": 1}, "text": None}
    assert "x-echo" not in response.headers


# --- answering from the description --------------------------------------------------------


def test_uncovered_operations_answer_from_examples_then_schemas(pets: Path) -> None:
    mock = Mock(load(pets / "pets.arazzo.yaml"))
    with client_for(mock) as client:
        mine = client.get("https://elsewhere.test/pets/mine")
        pet = client.get("https://pets.example.com/api/v2/pets/42")
        again = client.get("https://pets.example.com/api/v2/pets/42")
        health = client.get("https://pets.example.com/api/v2/health")
    assert mine.json() == {"id": "mine", "name": "Rex"}  # the literal path wins over {petId}
    assert pet.status_code == 200
    assert pet.json() == again.json()  # generated, and deterministic
    assert pet.json() == {
        "id": "00000000-0000-4000-8000-000000000000",
        "name": "string",
        "born": "2024-01-01",
        "weight": 0.5,
        "legs": 0,
        "tags": ["good"],
        "owner": {"email": "user@example.com", "vip": True},
        "kind": "dog",
    }
    assert health.status_code == 204 and health.content == b""
    assert [r.origin for r in mock.records] == ["example", "schema", "schema", "empty"]


def test_requests_that_match_no_operation_get_404_and_are_recorded(pets: Path) -> None:
    mock = Mock(load(pets / "pets.arazzo.yaml"))
    with client_for(mock) as client:
        wrong_path = client.get("https://pets.example.com/api/v2/cats")
        wrong_method = client.delete("https://pets.example.com/api/v2/pets/1")
    assert wrong_path.status_code == wrong_method.status_code == 404
    assert "GET /api/v2/cats" in wrong_path.json()["error"]
    assert [r.origin for r in mock.records] == ["unmatched", "unmatched"]


def test_sample_from_schema_stops_at_recursive_references() -> None:
    node = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
    node["properties"]["next"] = {"$ref": "#/node"}  # type: ignore[index]
    document = {"node": node}

    def resolve(base: str, value: object) -> tuple[str, object]:
        while isinstance(value, dict) and "$ref" in value:
            value = document[value["$ref"].rsplit("/", 1)[-1]]
        return base, value

    sample = sample_from_schema(node, "mem:", resolve)
    depth = 0
    while isinstance(sample, dict) and "next" in sample:
        sample, depth = sample["next"], depth + 1
    assert 5 <= depth <= 10


# --- scenario errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "operations:\n  getPet:\n    - status: 200\n      bdy: {}\n",
            r"scenario.yaml:4:7: unknown field 'bdy' in operations.getPet\[0\]; expected one of: "
            r"body, headers, status",
        ),
        (
            "operations:\n  getPet:\n    - status: '200'\n",
            r"scenario.yaml:3:15: operations.getPet\[0\].status must be integer, not a string",
        ),
        (
            "operations:\n  getPet: []\n",
            r"scenario.yaml:2:11: operations.getPet must list at least one response",
        ),
        (
            "operations:\n  getPet:\n    - status: 999\n",
            r"scenario.yaml:3:15: .*999; an HTTP status is 100 to 599",
        ),
        ("respones: {}\n", r"scenario.yaml:1:1: unknown field 'respones' in the scenario"),
        (
            "operations:\n  getPet:\n    - body: '{$request.body#/a'\n",
            r"scenario.yaml:3:7: .*expected",
        ),
        ("operations: [\n", r"scenario.yaml:2:1: YAML syntax error"),
    ],
)
def test_bad_scenarios_are_rejected_with_the_place_of_each_problem(
    pets: Path, text: str, expected: str
) -> None:
    path = scenario_file(pets, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert re.search(expected, str(caught.value)), str(caught.value)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("getPett", "no operation 'getPett' in the description's sources; did you mean 'getPet'"),
        ("GET /pet/{id}", "no operation GET /pet/{id}; did you mean 'GET /pets/{petId}'"),
        ("other.getPet", "no operation 'other.getPet'"),
    ],
)
def test_scenario_keys_must_name_operations(pets: Path, key: str, expected: str) -> None:
    path = scenario_file(pets, f"operations:\n  {key}:\n    - status: 200\n")
    with pytest.raises(ScenarioError) as caught:
        Mock(load(pets / "pets.arazzo.yaml"), load_scenario(path))
    assert "scenario.yaml:2:3: " in str(caught.value)
    assert expected in str(caught.value)


def test_a_method_and_path_key_may_name_path_parameters_differently(pets: Path) -> None:
    path = scenario_file(
        pets, "operations:\n  get /pets/{id}: {status: 200, body: $request.path.petId}\n"
    )
    mock = Mock(load(pets / "pets.arazzo.yaml"), load_scenario(path))
    with client_for(mock) as client:
        assert client.get("https://pets.example.com/api/v2/pets/7").json() == "7"


def test_two_keys_for_one_operation_are_rejected(pets: Path) -> None:
    path = scenario_file(
        pets, "operations:\n  getPet: {status: 200}\n  GET /pets/{id}: {status: 404}\n"
    )
    with pytest.raises(ScenarioError, match="both script GET /pets/\\{petId\\}"):
        Mock(load(pets / "pets.arazzo.yaml"), load_scenario(path))


def test_a_missing_scenario_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "absent.yaml")


# --- over HTTP -----------------------------------------------------------------------------


def test_the_server_answers_over_http_including_chunked_bodies(pets: Path) -> None:
    path = scenario_file(pets, "operations:\n  addPet:\n    - {status: 201, body: $request.body}\n")
    mock = Mock(load(pets / "pets.arazzo.yaml"), load_scenario(path))
    seen: list[str] = []
    with (
        MockServer(mock, on_request=lambda record: seen.append(record.url)) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        plain = client.post("/pets", json={"name": "a"})
        chunked = client.post(
            "/pets",
            content=iter([b'{"name":', b' "b"}']),
            headers={"content-type": "application/json"},
        )
        missing = client.get("/nowhere")
    assert (plain.status_code, plain.json()) == (201, {"name": "a"})
    assert (chunked.status_code, chunked.json()) == (201, {"name": "b"})
    assert missing.status_code == 404
    assert seen == [f"{server.url}/pets", f"{server.url}/pets", f"{server.url}/nowhere"]


def test_mock_serve_command_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "arazzo_engine",
            "mock",
            "serve",
            str(KNOCK_SCENARIO),
            "--port",
            "0",
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        banner = process.stderr.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner)
        assert match, banner
        with httpx.Client(base_url=match[1]) as client:
            first = client.get("/v1/bulk_operations/abc").json()
            second = client.get("/v1/bulk_operations/abc").json()
        assert (first["status"], second["status"]) == ("queued", "processing")
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "GET http://127.0.0.1" in rest and "-> 200 (GET /v1/bulk_operations/{id}" in rest
    assert "mock stopped after 2 requests" in rest
    assert "Traceback" not in rest


def test_mock_serve_without_a_spec_says_how_to_give_one(pets: Path) -> None:
    path = scenario_file(pets, "operations: {}\n")
    result = subprocess.run(
        [sys.executable, "-m", "arazzo_engine", "mock", "serve", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "names no 'spec'; give the Arazzo document with --spec" in result.stderr


def test_mock_serve_reports_a_bad_scenario_without_a_traceback(pets: Path) -> None:
    path = scenario_file(pets, "operations:\n  nothing: {status: 200}\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "arazzo_engine",
            "mock",
            "serve",
            str(path),
            "--spec",
            str(pets / "pets.arazzo.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "scenario.yaml:2:3: no operation 'nothing'" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_schema_in_the_docs_is_the_one_enforced() -> None:
    from arazzo_engine._mock import SCENARIO_SCHEMA

    text = (ROOT / "docs" / "cli.md").read_text()
    block = text.split("A scenario is checked against this JSON Schema", 1)[1]
    documented = json.loads(block.split("```json\n", 1)[1].split("```", 1)[0])
    enforced = {key: value for key, value in SCENARIO_SCHEMA.items() if key != "title"}
    assert documented == json.loads(json.dumps(enforced))
