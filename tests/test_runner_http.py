"""The Knock workflow against a real HTTP server on loopback, started by the test."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from arazzo_engine._engine import Engine
from arazzo_engine._loader import load
from arazzo_engine._options import RunOptions

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk_test_loopback_000111"


class KnockSimulator(BaseHTTPRequestHandler):
    # Shared by the handler instances of one server (one per request); reset per test.
    polls: ClassVar[dict[str, int]] = {}
    requests: ClassVar[list[tuple[str, str, str | None, bytes]]] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        return

    def answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.requests.append((self.command, self.path, self.headers.get("Authorization"), body))
        return body

    def do_POST(self) -> None:
        body = self.record()
        if self.headers.get("Authorization") != f"Bearer {KEY}":
            self.answer(
                401,
                {
                    "code": "authentication_error",
                    "message": "bad key",
                    "status": 401,
                    "type": "authentication_error",
                },
            )
        elif self.path == "/v1/users/bulk/identify":
            self.polls["op-7"] = 0
            self.answer(
                200, {"id": "op-7", "status": "queued", "users": len(json.loads(body)["users"])}
            )
        else:
            self.answer(200, {"workflow_run_id": "run-9"})

    def do_GET(self) -> None:
        self.record()
        self.polls["op-7"] += 1
        status = ["queued", "processing", "completed"][min(self.polls["op-7"] - 1, 2)]
        self.answer(200, {"id": "op-7", "status": status, "processed_rows": 2})


@pytest.fixture
def server() -> Iterator[str]:
    KnockSimulator.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), KnockSimulator)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_knock_against_a_loopback_server(server: str) -> None:
    sources = ("knockUsersApi", "knockBulkOperationsApi", "knockWorkflowsApi")
    options = RunOptions(server_overrides=dict.fromkeys(sources, server), response_checks="off")
    engine = Engine(load(ROOT / "specs" / "knock-bulk.yml"), options=options)
    result = engine.run_sync(
        inputs={
            "apiKey": KEY,
            "users": [{"id": "u1"}],
            "recipientIds": ["u1"],
            "workflowKey": "welcome",
        }
    )
    assert result.succeeded, result.error
    assert dict(result.outputs) == {
        "bulkOperationId": "op-7",
        "bulkStatus": "completed",
        "workflowRunId": "run-9",
    }
    assert [(method, path) for method, path, _, _ in KnockSimulator.requests] == [
        ("POST", "/v1/users/bulk/identify"),
        ("GET", "/v1/bulk_operations/op-7"),
        ("GET", "/v1/bulk_operations/op-7"),
        ("GET", "/v1/bulk_operations/op-7"),
        ("POST", "/v1/workflows/welcome/trigger"),
    ]
    assert KEY not in repr(result)


def test_a_refused_key_fails_the_first_step_with_its_status(server: str) -> None:
    sources = ("knockUsersApi", "knockBulkOperationsApi", "knockWorkflowsApi")
    options = RunOptions(server_overrides=dict.fromkeys(sources, server))
    engine = Engine(load(ROOT / "specs" / "knock-bulk.yml"), options=options)
    result = engine.run_sync(
        inputs={
            "apiKey": "sk_wrong_key_0000",
            "users": [{"id": "u1"}],
            "recipientIds": ["u1"],
            "workflowKey": "w",
        }
    )
    assert (
        result.error
        and result.error.code == "step-failed"
        and result.error.step_id == "bulkIdentify"
    )
    assert "$statusCode == 200 is false ($statusCode = 401)" in result.error.message
    [attempt] = result.steps
    assert (
        attempt.exchange
        and attempt.exchange.response
        and attempt.exchange.response.status_code == 401
    )
