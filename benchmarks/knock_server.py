"""A fast loopback Knock simulator for the benchmarks (HTTP/1.1 keep-alive, one send per reply).

Run as `python benchmarks/knock_server.py PORT`; every bulk operation reports queued, then
processing, then completed, as the fixture's mock does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys

_counter = itertools.count()
_polls: dict[str, int] = {}


def _reply(status: int, body: object) -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    return head + data  # one write: no Nagle delay between head and body


def _answer(method: str, path: str) -> bytes:
    if method == "POST" and path.endswith("/identify"):
        operation = f"op-{next(_counter)}"
        _polls[operation] = 0
        return _reply(200, {"id": operation, "status": "queued", "processed_rows": 0})
    if method == "GET" and path.startswith("/v1/bulk_operations/"):
        operation = path.rsplit("/", 1)[1]
        _polls[operation] = _polls.get(operation, 0) + 1
        status = ("queued", "processing", "completed")[min(_polls[operation] - 1, 2)]
        return _reply(200, {"id": operation, "status": status, "processed_rows": 2})
    return _reply(200, {"workflow_run_id": "run-1"})


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(_answer(method, path))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(_serve, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
