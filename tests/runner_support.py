"""Helpers for the runner tests: small descriptions on disk and scripted HTTP servers."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from arazzo_engine._loader import Description, load

API = """\
openapi: 3.1.0
info: {title: api, version: '1'}
servers: [{url: 'https://api.example.test/v1'}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key}
    basic: {type: http, scheme: basic}
    bearer: {type: http, scheme: bearer}
    oauth:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: 'https://auth.example.test/token', scopes: {read: r}}}
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: tags, in: query, style: form, explode: false, schema: {type: array}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: object, required: [items]}}}
    post:
      operationId: createItem
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {'201': {description: created}}
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
  /status:
    get:
      operationId: getStatus
      responses: {'200': {description: ok}}
  /secure/key:
    get: {operationId: withKey, security: [{key: []}], responses: {'200': {description: ok}}}
  /secure/basic:
    get: {operationId: withBasic, security: [{basic: []}], responses: {'200': {description: ok}}}
  /secure/bearer:
    get: {operationId: withBearer, security: [{bearer: []}], responses: {'200': {description: ok}}}
  /secure/oauth:
    get: {operationId: withOAuth, security: [{oauth: [read]}], responses: {'200': {description: ok}}}
"""

HEADER = """\
arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions:
  - {name: api, url: api.yaml, type: openapi}
"""


def description(tmp_path: Path, workflows: str, *, extra: str = "") -> Description:
    (tmp_path / "api.yaml").write_text(API)
    path = tmp_path / "flow.arazzo.yaml"
    path.write_text(HEADER + textwrap.dedent(extra) + textwrap.dedent(workflows))
    return load(path)


@dataclass
class Script:
    """Answers requests by operation path, in turn; the last answer repeats."""

    answers: dict[str, list[httpx.Response | Callable[[httpx.Request], httpx.Response]]]
    seen: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.raw_path.decode().split("?")[0]  # as sent: percent-encoded
        key = f"{request.method} {path}"
        queue = self.answers.get(key) or self.answers.get(path)
        if not queue:
            return httpx.Response(404, json={"error": f"no script for {key}"})
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return answer(request) if callable(answer) else answer

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )


class Sleeper:
    """An injectable sleep that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
