"""The engine's cost per Knock run against a loopback server, next to a plain httpx loop.

Run: `.venv/bin/python benchmarks/bench_run.py`. Starts `knock_server.py` in a subprocess,
then times (a) a plain httpx.AsyncClient making the same five requests and (b) the engine
running specs/knock-bulk.yml, each many times on one keep-alive client; prints the medians.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from arazzo_engine._engine import Engine
from arazzo_engine._loader import load
from arazzo_engine._options import RunOptions

ROOT = Path(__file__).resolve().parents[1]
RUNS = 200
ROUNDS = 5
INPUTS = {"apiKey": "sk_bench", "users": [{"id": "u1"}], "recipientIds": ["u1"], "workflowKey": "w"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def plain(client: httpx.AsyncClient, base: str) -> None:
    headers = {"Authorization": "Bearer sk_bench"}
    created = await client.post(
        f"{base}/v1/users/bulk/identify", json={"users": INPUTS["users"]}, headers=headers
    )
    operation = created.json()["id"]
    while True:
        polled = await client.get(f"{base}/v1/bulk_operations/{operation}", headers=headers)
        if polled.json()["status"] == "completed":
            break
    await client.post(
        f"{base}/v1/workflows/w/trigger", json={"recipients": ["u1"], "data": None}, headers=headers
    )


async def measure(base: str) -> tuple[float, float]:
    sources = ("knockUsersApi", "knockBulkOperationsApi", "knockWorkflowsApi")
    async with httpx.AsyncClient() as client:
        engine = Engine(
            load(ROOT / "specs" / "knock-bulk.yml"),
            client=client,
            options=RunOptions(
                server_overrides=dict.fromkeys(sources, base), response_checks="off"
            ),
        )
        plain_times, engine_times = [], []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for _ in range(RUNS):
                await plain(client, base)
            plain_times.append((time.perf_counter() - start) / RUNS)
            start = time.perf_counter()
            for _ in range(RUNS):
                result = await engine.run(inputs=INPUTS)
                assert result.succeeded, result.error
            engine_times.append((time.perf_counter() - start) / RUNS)
    return statistics.median(plain_times), statistics.median(engine_times)


def main() -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "knock_server.py"), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        floor, engine = asyncio.run(measure(f"http://127.0.0.1:{port}"))
    finally:
        server.terminate()
        server.wait()
    print(f"median of {ROUNDS} rounds of {RUNS} Knock runs (5 requests each), loopback")
    print(f"plain httpx loop: {floor * 1000:7.2f} ms per run")
    print(f"arazzo-engine:    {engine * 1000:7.2f} ms per run  ({engine / floor:.2f}x the floor)")


if __name__ == "__main__":
    main()
