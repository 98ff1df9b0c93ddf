"""Timing pushes over HTTP with a client whose own work barely counts.

httpx's AsyncClient spends about 1.2 ms of its own CPU on every request. On
a 2-CPU machine whose 10M-addition loop took 0.24 s (2026-12-01), the same
one-message pushes took 7.0 ms through it, 5.7 ms through the standard
library's http.client and 5.8 ms over a bare socket. The extension's fetch
runs in Chrome's network stack and adds no such cost. So the push
benchmarks time each push over one keep-alive HTTP/1.1 connection of
http.client, one push at a time. The body is encoded before the clock
starts and the answer decoded after it stops, as a browser's own work would
not count either.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit


class PushError(RuntimeError):
    """The edge did not answer 200."""


class PushClient:
    """One keep-alive connection to an edge, for pushes that follow each other closely: the edge closes a
    connection idle for 5 s (uvicorn's keep-alive), so open one per run of pushes."""

    def __init__(self, edge_url: str) -> None:
        address = urlsplit(edge_url)
        if address.hostname is None or address.port is None:
            raise ValueError(f"not an edge address: {edge_url}")
        self._connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        self._connection.connect()
        # http.client sends the headers and the body in two writes; without this the body would wait for the
        # headers' acknowledgement (Nagle's algorithm). Browsers, and the edge, turn it off too.
        assert self._connection.sock is not None
        self._connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def push(self, headers: dict[str, str], body: dict[str, object]) -> tuple[float, dict[str, Any]]:
        """POST the push; how long it took (ms) and the edge's answer."""
        data = json.dumps(body).encode()
        sent_headers = {**headers, "Content-Type": "application/json"}
        started = time.perf_counter()
        self._connection.request("POST", "/api/v1/linkedin/push", body=data, headers=sent_headers)
        response = self._connection.getresponse()
        answer = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise PushError(f"the push answered {response.status}: {answer[:500]!r}")
        return elapsed, json.loads(answer)

    def close(self) -> None:
        self._connection.close()
