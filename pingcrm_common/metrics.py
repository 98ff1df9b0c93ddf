"""Prometheus metrics for gRPC servers, exported over HTTP on a metrics port."""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

RPC_REQUESTS = Counter(
    "pingcrm_grpc_server_handled_total", "RPCs completed by the server.", ["grpc_method", "grpc_code"]
)
RPC_DURATION = Histogram("pingcrm_grpc_server_handling_seconds", "Time to handle an RPC.", ["grpc_method"])


def start_metrics_server(host: str, port: int | None) -> None:
    """Serve /metrics on `port`; None turns the endpoint off (tests)."""
    if port is not None:
        start_http_server(port, addr=host)
