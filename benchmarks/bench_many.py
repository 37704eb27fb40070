"""Many Knock runs in flight in one process: runs per second and peak memory.

Run: `.venv/bin/python benchmarks/bench_many.py [1 10 100 1000]`. Uses the loopback
simulator of `knock_server.py` in a subprocess; every run has its own bulk operation, so the
server polls each through queued, processing and completed.
"""

from __future__ import annotations

import asyncio
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from arazzo_engine._engine import Engine
from arazzo_engine._loader import load
from arazzo_engine._options import RunOptions

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("knockUsersApi", "knockBulkOperationsApi", "knockWorkflowsApi")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def batch(base: str, in_flight: int) -> tuple[float, int]:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        engine = Engine(
            load(ROOT / "specs" / "knock-bulk.yml"),
            client=client,
            options=RunOptions(
                server_overrides=dict.fromkeys(SOURCES, base), response_checks="off"
            ),
        )
        inputs = [
            {
                "apiKey": "sk_bench",
                "users": [{"id": f"u{i}"}],
                "recipientIds": [f"u{i}"],
                "workflowKey": "w",
            }
            for i in range(in_flight)
        ]
        start = time.perf_counter()
        results = await asyncio.gather(*(engine.run(inputs=row) for row in inputs))
        elapsed = time.perf_counter() - start
    failures = sum(1 for result in results if not result.succeeded)
    return in_flight / elapsed, failures


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [1, 10, 100, 1000]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "knock_server.py"), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        for size in sizes:
            rate, failures = asyncio.run(batch(f"http://127.0.0.1:{port}", size))
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{size:>5} in flight: {rate:8.1f} runs/s, {failures} failed, "
                f"peak memory so far {peak:.0f} MB"
            )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
