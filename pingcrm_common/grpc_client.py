"""Client channels: opened once, round-robin over resolved addresses, and
retries only for UNAVAILABLE, only on the methods the proto marks
`option idempotency_level = NO_SIDE_EFFECTS;` or `IDEMPOTENT` (its repetition
changes nothing more than its first call).

A retry of anything else could do its work twice (a push, a pairing claim),
so the proto, the contract, says which calls are safe to repeat.
"""

from __future__ import annotations

import json

import grpc
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.descriptor_pb2 import MethodOptions

from pingcrm_common.grpc_options import MESSAGE_SIZE_OPTIONS
from pingcrm_common.logs import request_id_var


def is_safe_to_repeat(method: MethodDescriptor) -> bool:
    """True when the proto marks the RPC `option idempotency_level = NO_SIDE_EFFECTS;` or `IDEMPOTENT`."""
    return method.GetOptions().idempotency_level in (MethodOptions.NO_SIDE_EFFECTS, MethodOptions.IDEMPOTENT)


def service_config(descriptor: ServiceDescriptor) -> str:
    """Round-robin load balancing plus a retry policy for the methods safe to repeat."""
    repeatable = [
        {"service": descriptor.full_name, "method": method.name}
        for method in descriptor.methods
        if is_safe_to_repeat(method)
    ]
    config: dict[str, object] = {"loadBalancingConfig": [{"round_robin": {}}]}
    if repeatable:
        config["methodConfig"] = [
            {
                "name": repeatable,
                "retryPolicy": {
                    "maxAttempts": 3,
                    "initialBackoff": "0.1s",
                    "maxBackoff": "1s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        ]
    return json.dumps(config)


def open_channel(address: str, descriptor: ServiceDescriptor) -> grpc.aio.Channel:
    """A long-lived channel to `address` (host:port or dns:///name:port)."""
    return grpc.aio.insecure_channel(
        address,
        options=[
            ("grpc.service_config", service_config(descriptor)),
            ("grpc.enable_retries", 1),
            *MESSAGE_SIZE_OPTIONS,
        ],
    )


def call_metadata(token: str | None) -> tuple[tuple[str, str], ...]:
    """Metadata for an outgoing call: the caller's token and the request id."""
    pairs: list[tuple[str, str]] = []
    if token:
        pairs.append(("authorization", f"Bearer {token}"))
    if request_id := request_id_var.get():
        pairs.append(("x-request-id", request_id))
    return tuple(pairs)
