"""Client channels: opened once, round-robin over resolved addresses, and
retries only for UNAVAILABLE, only on the methods the proto marks
`option idempotency_level = NO_SIDE_EFFECTS;`.

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


def has_no_side_effects(method: MethodDescriptor) -> bool:
    """True when the proto marks the RPC `option idempotency_level = NO_SIDE_EFFECTS;`."""
    return method.GetOptions().idempotency_level == MethodOptions.NO_SIDE_EFFECTS


def service_config(descriptor: ServiceDescriptor) -> str:
    """Round-robin load balancing plus a retry policy for the methods without side effects."""
    read_only = [
        {"service": descriptor.full_name, "method": method.name}
        for method in descriptor.methods
        if has_no_side_effects(method)
    ]
    config: dict[str, object] = {"loadBalancingConfig": [{"round_robin": {}}]}
    if read_only:
        config["methodConfig"] = [
            {
                "name": read_only,
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
