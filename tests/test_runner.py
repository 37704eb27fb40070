"""The runner, through mock transports: the state machine's moves, caps, inputs and results."""

from __future__ import annotations

import asyncio
import json
import textwrap
from pathlib import Path

import httpx
import pytest

from arazzo_engine._engine import Engine
from arazzo_engine._exceptions import InvalidDocument
from arazzo_engine._loader import load
from arazzo_engine._options import RunHooks, RunOptions
from arazzo_engine._requests import Credential

from .runner_support import Script, Sleeper, description, json_response

ROOT = Path(__file__).resolve().parents[1]
KNOCK_INPUTS = {
    "apiKey": "sk_test_0123456789abcdef",
    "users": [{"id": "u-1", "name": "Ada"}, {"id": "u-2"}],
    "recipientIds": ["u-1", "u-2"],
    "workflowKey": "welcome",
    "data": {"plan": "pro"},
}
OPERATION_ID = "6a1e0f2c-5d3b-4e7a-9c1f-2b8d4e6f0a13"


def knock_script() -> Script:
    def bulk(status: str):  # type: ignore[no-untyped-def]
        return json_response(200, {"id": OPERATION_ID, "status": status, "processed_rows": 2})

    return Script(
        {
            "POST /v1/users/bulk/identify": [bulk("queued")],
            f"GET /v1/bulk_operations/{OPERATION_ID}": [
                bulk("queued"),
                bulk("processing"),
                bulk("completed"),
            ],
            "POST /v1/workflows/welcome/trigger": [
                json_response(200, {"workflow_run_id": "3f6c2a94-1b7e-4c0d-8e55-9a2d7b1c4e08"})
            ],
        }
    )


def test_knock_polls_until_completed_then_triggers() -> None:
    script = knock_script()
    sleeper = Sleeper()
    engine = Engine(
        load(ROOT / "specs" / "knock-bulk.yml"),
        transport=script.transport(),
        options=RunOptions(poll_interval=2.0, response_checks="off"),
        sleep=sleeper,
    )
    result = engine.run_sync(inputs=KNOCK_INPUTS)
    assert result.status == "succeeded", result.error
    assert dict(result.outputs) == {
        "bulkOperationId": OPERATION_ID,
        "bulkStatus": "completed",
        "workflowRunId": "3f6c2a94-1b7e-4c0d-8e55-9a2d7b1c4e08",
    }
    assert [(s.step_id, s.attempt) for s in result.steps] == [
        ("bulkIdentify", 1),
        ("pollBulkOperation", 1),
        ("pollBulkOperation", 2),
        ("pollBulkOperation", 3),
        ("triggerWorkflow", 1),
    ]
    assert [s.action.name for s in result.steps if s.action] == [
        None,
        "bulkStillRunning",
        "bulkStillRunning",
        "bulkDone",
        None,
    ]
    assert len(script.seen) == 5
    assert sleeper.waits == [2.0, 2.0]  # the two re-entries of the polling step
    assert all(
        r.headers["authorization"] == f"Bearer {KNOCK_INPUTS['apiKey']}" for r in script.seen
    )
    trigger = json.loads(script.seen[-1].content)
    assert trigger == {"recipients": ["u-1", "u-2"], "data": {"plan": "pro"}}
    # the key never reaches the result
    assert KNOCK_INPUTS["apiKey"] not in repr(result)
    assert ("Authorization", "Bearer ***") in result.steps[0].exchange.request.headers  # type: ignore[union-attr]


def test_an_optional_input_left_out_is_sent_as_null() -> None:
    script = knock_script()
    inputs = {k: v for k, v in KNOCK_INPUTS.items() if k != "data"}
    engine = Engine(load(ROOT / "specs" / "knock-bulk.yml"), transport=script.transport())
    result = engine.run_sync(inputs=inputs)
    assert result.succeeded
    assert json.loads(script.seen[-1].content)["data"] is None
    assert any("sent as null" in note for note in result.steps[-1].checks)


def test_wrong_inputs_are_refused_before_any_request() -> None:
    script = knock_script()
    engine = Engine(load(ROOT / "specs" / "knock-bulk.yml"), transport=script.transport())
    result = engine.run_sync(inputs={"apiKey": 42, "users": []})
    assert result.status == "failed" and result.error is not None
    assert result.error.code == "invalid-inputs"
    assert (
        "recipientIds" in result.error.message
        and "42 is not of type 'string'" in result.error.message
    )
    assert script.seen == []
    assert engine.check_inputs(None, KNOCK_INPUTS) == []


def test_an_invalid_document_is_refused(tmp_path: Path) -> None:
    broken = description(
        tmp_path, "workflows: [{workflowId: w, steps: [{stepId: a, operationId: nope}]}]\n"
    )
    with pytest.raises(InvalidDocument) as caught:
        Engine(broken)
    assert caught.value.findings[0].rule == "operation-not-found"


RETRY = """\
workflows:
  - workflowId: w
    steps:
      - stepId: flaky
        operationId: getStatus
        successCriteria: [{condition: $statusCode == 200}]
        onFailure:
          - {name: again, type: retry, retryAfter: 1.5, retryLimit: 2, criteria: [{condition: $statusCode == 503}]}
          - {name: giveUp, type: end}
        outputs: {code: $statusCode}
"""


def test_retries_are_used_up_then_later_actions_apply(tmp_path: Path) -> None:
    script = Script({"/v1/status": [httpx.Response(503)]})
    sleeper = Sleeper()
    engine = Engine(description(tmp_path, RETRY), transport=script.transport(), sleep=sleeper)
    result = engine.run_sync()
    assert len(script.seen) == 3  # the first attempt and two retries
    assert sleeper.waits == [1.5, 1.5]
    assert [s.action.name for s in result.steps if s.action] == ["again", "again", "giveUp"]
    assert result.status == "failed" and result.error and result.error.code == "end-on-failure"


def test_a_retry_that_succeeds_continues(tmp_path: Path) -> None:
    script = Script({"/v1/status": [httpx.Response(503), httpx.Response(200)]})
    engine = Engine(description(tmp_path, RETRY), transport=script.transport(), sleep=Sleeper())
    result = engine.run_sync()
    assert result.succeeded and dict(result.outputs) == {}
    assert [s.succeeded for s in result.steps] == [False, True]


def test_retry_after_header_wins(tmp_path: Path) -> None:
    script = Script(
        {"/v1/status": [httpx.Response(503, headers={"Retry-After": "7"}), httpx.Response(200)]}
    )
    sleeper = Sleeper()
    engine = Engine(description(tmp_path, RETRY), transport=script.transport(), sleep=sleeper)
    assert engine.run_sync().succeeded
    assert sleeper.waits == [7.0]


OWN_OUTPUTS = """\
workflows:
  - workflowId: w
    steps:
      - stepId: poll
        operationId: getStatus
        outputs: {state: $response.body#/state}
        onSuccess:
          - {name: again, type: goto, stepId: poll, criteria: [{condition: $steps.poll.outputs.state != 'done'}]}
"""


def test_action_criteria_read_the_attempt_s_own_outputs(tmp_path: Path) -> None:
    script = Script(
        {
            "/v1/status": [
                json_response(200, {"state": "queued"}),
                json_response(200, {"state": "done"}),
            ]
        }
    )
    engine = Engine(
        description(tmp_path, OWN_OUTPUTS), transport=script.transport(), sleep=Sleeper()
    )
    result = engine.run_sync()
    assert result.succeeded
    assert len(script.seen) == 2  # a stale read of the first attempt would poll a third time
    assert [s.action.name if s.action else None for s in result.steps] == ["again", None]


def test_no_matching_failure_action_fails_with_the_reason(tmp_path: Path) -> None:
    script = Script({"/v1/status": [httpx.Response(500)]})
    engine = Engine(description(tmp_path, RETRY), transport=script.transport(), sleep=Sleeper())
    result = engine.run_sync()
    # 500 does not match the retry's criteria; `giveUp` (no criteria) ends the workflow
    assert result.error and result.error.code == "end-on-failure"
    assert len(script.seen) == 1


def test_endless_goto_stops_at_the_step_cap(tmp_path: Path) -> None:
    loop = """\
    workflows:
      - workflowId: w
        steps:
          - stepId: again
            operationId: getStatus
            onSuccess: [{name: loop, type: goto, stepId: again}]
    """
    script = Script({"/v1/status": [httpx.Response(200)]})
    engine = Engine(
        description(tmp_path, loop), transport=script.transport(), options=RunOptions(max_steps=25)
    )
    result = engine.run_sync()
    assert result.error and result.error.code == "cap-max-steps"
    assert result.error.step_id == "again"
    assert len(result.steps) == 25 and len(script.seen) == 25


def test_self_recursion_stops_at_the_depth_cap(tmp_path: Path) -> None:
    recursive = """\
    workflows:
      - workflowId: w
        steps:
          - {stepId: call, workflowId: w}
    """
    engine = Engine(
        description(tmp_path, recursive),
        transport=Script({}).transport(),
        options=RunOptions(max_depth=5),
    )
    result = engine.run_sync()
    assert result.error and result.error.code == "cap-depth"


def test_the_run_timeout_uses_the_clock(tmp_path: Path) -> None:
    loop = """\
    workflows:
      - workflowId: w
        steps:
          - stepId: poll
            operationId: getStatus
            onSuccess: [{name: loop, type: goto, stepId: poll}]
    """
    now = [0.0]

    def clock() -> float:
        now[0] += 1.0
        return now[0]

    engine = Engine(
        description(tmp_path, loop),
        transport=Script({"/v1/status": [httpx.Response(200)]}).transport(),
        options=RunOptions(timeout=10),
        clock=clock,
    )
    result = engine.run_sync()
    assert result.error and result.error.code == "cap-timeout"
    assert 1 <= len(result.steps) < 10


def test_a_wait_cut_short_by_the_deadline_ends_the_run(tmp_path: Path) -> None:
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    script = Script({"/v1/status": [httpx.Response(503)]})
    retry = RETRY.replace("retryLimit: 2", "retryLimit: 10").replace("1.5", "10")
    engine = Engine(
        description(tmp_path, retry),
        transport=script.transport(),
        options=RunOptions(timeout=25),
        clock=lambda: now[0],
        sleep=sleep,
    )
    result = engine.run_sync()
    assert result.error and result.error.code == "cap-timeout"
    assert now[0] == 25.0  # waits of 10, 10 and the 5 left
    assert len(script.seen) == 3  # no attempt after the deadline


def test_a_response_over_the_size_cap_stops_the_run(tmp_path: Path) -> None:
    single = "workflows: [{workflowId: w, steps: [{stepId: s, operationId: getStatus}]}]\n"
    script = Script({"/v1/status": [httpx.Response(200, content=b"x" * 5000)]})
    engine = Engine(
        description(tmp_path, single),
        transport=script.transport(),
        options=RunOptions(max_response_bytes=1000),
    )
    result = engine.run_sync()
    assert result.error and result.error.code == "cap-response-size"
    assert result.steps and result.steps[0].exchange and result.steps[0].exchange.response
    assert result.steps[0].exchange.response.truncated


SUB = """\
workflows:
  - workflowId: main
    inputs: {type: object, properties: {id: {type: string}}}
    dependsOn: [prepare]
    steps:
      - stepId: call
        workflowId: fetch
        parameters: [{name: id, value: $inputs.id}]
        successCriteria: [{condition: $outputs.item != null}]
        outputs: {item: $outputs.item, prepared: $workflows.prepare.outputs.count}
    outputs: {item: $steps.call.outputs.item, prepared: $steps.call.outputs.prepared}
  - workflowId: prepare
    steps:
      - {stepId: list, operationId: listItems, outputs: {count: $response.body#/count}}
    outputs: {count: $steps.list.outputs.count}
  - workflowId: fetch
    inputs: {type: object, properties: {id: {type: string}}}
    steps:
      - stepId: get
        operationId: getItem
        parameters: [{name: id, in: path, value: $inputs.id}]
        successCriteria: [{condition: $statusCode == 200}]
        outputs: {item: $response.body}
    outputs: {item: $steps.get.outputs.item}
"""


def test_sub_workflows_and_dependencies(tmp_path: Path) -> None:
    script = Script(
        {
            "GET /v1/items": [json_response(200, {"items": [], "count": 2})],
            "GET /v1/items/a%2Fb": [json_response(200, {"id": "a/b"})],
        }
    )
    engine = Engine(description(tmp_path, SUB), transport=script.transport())
    result = engine.run_sync("main", {"id": "a/b"})
    assert result.succeeded, result.error
    assert dict(result.outputs) == {"item": {"id": "a/b"}, "prepared": 2}
    assert [d.workflow_id for d in result.dependencies] == ["prepare"]
    assert result.steps[0].sub_run is not None and result.steps[0].sub_run.workflow_id == "fetch"
    assert [r.url.raw_path for r in script.seen] == [b"/v1/items", b"/v1/items/a%2Fb"]


def test_a_failing_sub_workflow_fails_its_parent(tmp_path: Path) -> None:
    script = Script(
        {"GET /v1/items": [json_response(200, {"items": []})], "/v1/items/x": [httpx.Response(404)]}
    )
    engine = Engine(description(tmp_path, SUB), transport=script.transport())
    result = engine.run_sync("main", {"id": "x"})
    assert result.status == "failed" and result.error and result.error.step_id == "call"
    sub = result.steps[0].sub_run
    assert sub is not None and sub.error and sub.error.step_id == "get"


def test_a_failed_dependency_fails_before_the_workflow_runs(tmp_path: Path) -> None:
    script = Script({"GET /v1/items": [httpx.Response(500)]})
    engine = Engine(description(tmp_path, SUB), transport=script.transport())
    result = engine.run_sync("main", {"id": "x"})
    assert result.error and result.error.code == "dependency-failed"
    assert result.steps == ()


def test_goto_another_workflow_returns_its_result(tmp_path: Path) -> None:
    flows = """\
    workflows:
      - workflowId: start
        steps:
          - stepId: check
            operationId: getStatus
            onSuccess: [{name: handOver, type: goto, workflowId: other}]
          - {stepId: never, operationId: listItems}
      - workflowId: other
        steps: [{stepId: list, operationId: listItems, outputs: {n: $response.body#/count}}]
        outputs: {n: $steps.list.outputs.n}
    """
    script = Script(
        {
            "/v1/status": [httpx.Response(200)],
            "GET /v1/items": [json_response(200, {"items": [], "count": 4})],
        }
    )
    result = Engine(description(tmp_path, flows), transport=script.transport()).run_sync("start")
    assert result.succeeded and dict(result.outputs) == {"n": 4}
    assert [s.step_id for s in result.steps] == ["check"]
    assert [r.url.path for r in script.seen] == ["/v1/status", "/v1/items"]


COMPONENTS = """\
components:
  parameters:
    page: {name: limit, in: query, value: 10}
  successActions:
    finish: {name: finish, type: end}
  failureActions:
    retryOnce: {name: retryOnce, type: retry}
"""


def test_components_with_value_override_and_workflow_actions(tmp_path: Path) -> None:
    flows = """\
    workflows:
      - workflowId: w
        successActions: [{reference: $components.successActions.finish}]
        failureActions: [{reference: $components.failureActions.retryOnce}]
        steps:
          - stepId: list
            operationId: listItems
            parameters: [{reference: $components.parameters.page, value: 3}]
            successCriteria: [{condition: $statusCode == 200}]
          - {stepId: never, operationId: getStatus}
    """
    script = Script({"GET /v1/items": [httpx.Response(500), json_response(200, {"items": []})]})
    result = Engine(
        description(tmp_path, flows, extra=COMPONENTS),
        transport=script.transport(),
        sleep=Sleeper(),
    ).run_sync()
    assert result.succeeded and result.ended_by == "finish"
    assert [
        str(r.url.query, "ascii") if isinstance(r.url.query, bytes) else r.url.query
        for r in script.seen
    ] == [b"limit=3", b"limit=3"] or [r.url.params["limit"] for r in script.seen] == ["3", "3"]
    assert [s.action.name for s in result.steps if s.action] == ["retryOnce", "finish"]


def test_server_override(tmp_path: Path) -> None:
    single = "workflows: [{workflowId: w, steps: [{stepId: s, operationId: getStatus}]}]\n"
    script = Script({"/mocked/status": [httpx.Response(200)]})
    options = RunOptions(server_overrides={"api": "http://127.0.0.1:9/mocked"})
    assert (
        Engine(description(tmp_path, single), transport=script.transport(), options=options)
        .run_sync()
        .succeeded
    )
    assert str(script.seen[0].url) == "http://127.0.0.1:9/mocked/status"


def test_transport_errors_are_failed_steps_not_exceptions(tmp_path: Path) -> None:
    single = "workflows: [{workflowId: w, steps: [{stepId: s, operationId: getStatus}]}]\n"

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    result = Engine(description(tmp_path, single), transport=httpx.MockTransport(refuse)).run_sync()
    assert result.error and result.error.code == "step-failed"
    assert "connection refused" in result.error.message
    assert result.steps[0].exchange and result.steps[0].exchange.error


def test_no_success_criteria_means_http_success(tmp_path: Path) -> None:
    single = "workflows: [{workflowId: w, steps: [{stepId: s, operationId: getStatus}]}]\n"
    ok = Engine(
        description(tmp_path, single),
        transport=Script({"/v1/status": [httpx.Response(204)]}).transport(),
    )
    assert ok.run_sync().succeeded
    bad = Engine(
        description(tmp_path, single),
        transport=Script({"/v1/status": [httpx.Response(500)]}).transport(),
    )
    assert not bad.run_sync().succeeded


def test_response_checks_warn_or_fail(tmp_path: Path) -> None:
    single = "workflows: [{workflowId: w, steps: [{stepId: s, operationId: listItems}]}]\n"
    wrong = Script({"GET /v1/items": [json_response(200, {"count": 1})]})
    warned = Engine(description(tmp_path, single), transport=wrong.transport()).run_sync()
    assert warned.succeeded
    assert any("'items' is a required property" in c for c in warned.steps[0].checks)
    strict = Engine(
        description(tmp_path, single),
        transport=wrong.transport(),
        options=RunOptions(response_checks="error"),
    ).run_sync()
    assert not strict.succeeded


@pytest.mark.parametrize(
    ("operation", "credential", "header"),
    [
        ("withKey", Credential(value="k-123456"), ("x-api-key", "k-123456")),
        (
            "withBasic",
            Credential(username="ada", password="pw-secret"),
            ("authorization", "Basic YWRhOnB3LXNlY3JldA=="),
        ),
        ("withBearer", Credential(value="tok-123456"), ("authorization", "Bearer tok-123456")),
    ],
)
def test_security_schemes_from_credentials(
    tmp_path: Path, operation: str, credential: Credential, header: tuple[str, str]
) -> None:
    scheme = {"withKey": "key", "withBasic": "basic", "withBearer": "bearer"}[operation]
    single = f"workflows: [{{workflowId: w, steps: [{{stepId: s, operationId: {operation}}}]}}]\n"
    script = Script({f"/v1/secure/{scheme}": [httpx.Response(200)]})
    result = Engine(
        description(tmp_path, single),
        transport=script.transport(),
        credentials={scheme: credential},
    ).run_sync()
    assert result.succeeded
    assert script.seen[0].headers[header[0]] == header[1]
    assert header[1].split()[-1] not in repr(result)


def test_oauth2_client_credentials_token_is_fetched_once(tmp_path: Path) -> None:
    twice = """\
    workflows:
      - workflowId: w
        steps:
          - {stepId: a, operationId: withOAuth}
          - {stepId: b, operationId: withOAuth}
    """
    script = Script(
        {
            "POST /token": [
                json_response(200, {"access_token": "at-0987654321", "token_type": "bearer"})
            ],
            "/v1/secure/oauth": [httpx.Response(200)],
        }
    )
    credentials = {
        "oauth": Credential(client_id="cid", client_secret="cs-secret", scopes=("read",))
    }
    result = Engine(
        description(tmp_path, twice), transport=script.transport(), credentials=credentials
    ).run_sync()
    assert result.succeeded, result.error
    assert [r.url.path for r in script.seen] == ["/token", "/v1/secure/oauth", "/v1/secure/oauth"]
    assert script.seen[1].headers["authorization"] == "Bearer at-0987654321"
    assert "at-0987654321" not in repr(result) and "cs-secret" not in repr(result)


def test_the_workflow_s_own_authorization_header_is_kept(tmp_path: Path) -> None:
    own = """\
    workflows:
      - workflowId: w
        steps:
          - stepId: s
            operationId: withBearer
            parameters: [{name: Authorization, in: header, value: Bearer mine-123456}]
    """
    script = Script({"/v1/secure/bearer": [httpx.Response(200)]})
    Engine(
        description(tmp_path, own),
        transport=script.transport(),
        credentials={"bearer": Credential(value="other")},
    ).run_sync()
    assert script.seen[0].headers["authorization"] == "Bearer mine-123456"


def test_hooks_see_steps_and_exchanges() -> None:
    events: list[str] = []
    hooks = RunHooks(
        on_step_start=lambda workflow, step, attempt: events.append(f"start {step} {attempt}"),
        on_step_end=lambda attempt: events.append(f"end {attempt.step_id}"),
        on_exchange=lambda exchange: events.append(
            f"http {exchange.response.status_code if exchange.response else '-'}"
        ),
    )
    engine = Engine(
        load(ROOT / "specs" / "knock-bulk.yml"), transport=knock_script().transport(), hooks=hooks
    )
    assert engine.run_sync(inputs=KNOCK_INPUTS).succeeded
    assert events[:3] == ["start bulkIdentify 1", "http 200", "end bulkIdentify"]
    assert events.count("http 200") == 5


def test_many_runs_share_one_engine_concurrently() -> None:
    statuses: dict[str, list[str]] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/identify"):
            run = json.loads(request.content)["users"][0]["id"]
            statuses[run] = ["queued", "completed"]
            return json_response(200, {"id": run, "status": "queued"})
        if "/bulk_operations/" in request.url.path:
            run = request.url.path.rsplit("/", 1)[1]
            status = statuses[run].pop(0) if len(statuses[run]) > 1 else statuses[run][0]
            return json_response(200, {"id": run, "status": status})
        return json_response(200, {"workflow_run_id": json.loads(request.content)["recipients"][0]})

    engine = Engine(load(ROOT / "specs" / "knock-bulk.yml"), transport=httpx.MockTransport(handler))

    async def many() -> list[str]:
        async with engine:
            results = await asyncio.gather(
                *(
                    engine.run(
                        inputs={
                            **KNOCK_INPUTS,
                            "users": [{"id": f"r{i}"}],
                            "recipientIds": [f"r{i}"],
                        }
                    )
                    for i in range(20)
                )
            )
        return [str(result.outputs["workflowRunId"]) for result in results]

    assert asyncio.run(many()) == [f"r{i}" for i in range(20)]


def test_1_1_selector_objects_in_outputs_and_payloads(tmp_path: Path) -> None:
    flows = """\
    workflows:
      - workflowId: w
        steps:
          - stepId: list
            operationId: listItems
            outputs:
              ids: {context: $response.body, selector: '$.items[*].id', type: jsonpath}
              first: {context: $response.body, selector: /items/0/id, type: jsonpointer}
          - stepId: create
            operationId: createItem
            requestBody:
              contentType: application/json
              payload:
                copy: {context: $steps.list.outputs.ids, selector: '$[1]', type: jsonpath}
                ids: $steps.list.outputs.ids
        outputs: {first: $steps.list.outputs.first}
    """
    (tmp_path / "api.yaml").write_text(__import__("tests.runner_support", fromlist=["API"]).API)
    path = tmp_path / "flow.yaml"
    path.write_text(
        "arazzo: 1.1.0\ninfo: {title: t, version: '1'}\n"
        "sourceDescriptions: [{name: api, url: api.yaml, type: openapi}]\n" + textwrap.dedent(flows)
    )
    script = Script(
        {
            "GET /v1/items": [json_response(200, {"items": [{"id": 1}, {"id": 2}], "count": 2})],
            "POST /v1/items": [json_response(201, {"count": 9})],
        }
    )
    result = Engine(
        load(path), transport=script.transport(), options=RunOptions(response_checks="off")
    ).run_sync()
    assert result.succeeded, result.error
    assert dict(result.steps[0].outputs) == {"ids": [1, 2], "first": 1}
    assert json.loads(script.seen[1].content) == {"copy": 2, "ids": [1, 2]}
    assert dict(result.outputs) == {"first": 1}


def test_security_headers_are_not_reported_as_undeclared() -> None:
    engine = Engine(load(ROOT / "specs" / "knock-bulk.yml"), transport=knock_script().transport())
    result = engine.run_sync(inputs=KNOCK_INPUTS)
    assert result.succeeded
    assert not [c for s in result.steps for c in s.checks if "Authorization" in c]
    # workflowKey is no secret: it stays readable in what was recorded
    assert result.steps[-1].exchange is not None
    assert "/v1/workflows/welcome/trigger" in result.steps[-1].exchange.request.url


def test_compressed_responses_are_read_once(tmp_path: Path) -> None:
    import gzip

    single = "workflows: [{workflowId: w, steps: [{stepId: s, operationId: listItems, outputs: {n: $response.body#/count}}]}]\n"
    packed = gzip.compress(json.dumps({"items": [], "count": 3}).encode())
    answer = httpx.Response(
        200,
        content=packed,
        headers={"content-type": "application/json", "content-encoding": "gzip"},
    )
    result = Engine(
        description(tmp_path, single), transport=Script({"GET /v1/items": [answer]}).transport()
    ).run_sync()
    assert result.succeeded, result.error
    assert dict(result.steps[0].outputs) == {"n": 3}
    assert result.steps[0].checks == ()


def test_a_dependency_cycle_fails_instead_of_looping(tmp_path: Path) -> None:
    cycle = """\
    workflows:
      - {workflowId: a, dependsOn: [b], steps: [{stepId: s, operationId: getStatus}]}
      - {workflowId: b, dependsOn: [a], steps: [{stepId: s, operationId: getStatus}]}
    """
    options = RunOptions(validate=False)  # the validator would refuse it (dependson-cycle)
    engine = Engine(description(tmp_path, cycle), transport=Script({}).transport(), options=options)
    result = engine.run_sync("a")
    assert result.error and result.error.code == "dependency-failed"


def test_a_workflow_of_another_arazzo_document_runs_as_a_step(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(__import__("tests.runner_support", fromlist=["API"]).API)
    (tmp_path / "child.yaml").write_text(
        textwrap.dedent(
            """\
            arazzo: 1.0.1
            info: {title: child, version: '1'}
            sourceDescriptions: [{name: api, url: api.yaml, type: openapi}]
            components:
              parameters:
                limit: {name: limit, in: query, value: 7}
            workflows:
              - workflowId: count
                steps:
                  - stepId: list
                    operationId: listItems
                    parameters: [{reference: $components.parameters.limit}]
                    outputs: {n: $response.body#/count}
                outputs: {n: $steps.list.outputs.n}
            """
        )
    )
    parent = tmp_path / "parent.yaml"
    parent.write_text(
        textwrap.dedent(
            """\
            arazzo: 1.0.1
            info: {title: parent, version: '1'}
            sourceDescriptions: [{name: child, url: child.yaml, type: arazzo}]
            workflows:
              - workflowId: main
                steps:
                  - {stepId: call, workflowId: $sourceDescriptions.child.count, outputs: {n: $outputs.n}}
                outputs: {n: $steps.call.outputs.n}
            """
        )
    )
    script = Script({"GET /v1/items": [json_response(200, {"items": [], "count": 5})]})
    result = Engine(load(parent), transport=script.transport()).run_sync()
    assert result.succeeded, result.error
    assert dict(result.outputs) == {"n": 5}
    # the child's components are its own (COMP-02)
    assert script.seen[0].url.params["limit"] == "7"


def test_an_asgi_app_can_stand_in_for_the_api(tmp_path: Path) -> None:
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        assert scope["type"] == "http" and scope["path"] == "/v1/status"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"ok": true}'})

    single = "workflows: [{workflowId: w, steps: [{stepId: s, operationId: getStatus, outputs: {ok: $response.body#/ok}}]}]\n"
    engine = Engine(description(tmp_path, single), transport=httpx.ASGITransport(app=app))
    result = engine.run_sync()
    assert result.succeeded and dict(result.steps[0].outputs) == {"ok": True}
