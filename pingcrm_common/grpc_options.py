"""Channel and server options every PingCRM gRPC endpoint shares.

gRPC refuses messages over 4 MiB by default, but the edge accepts request
bodies of up to 5 MiB (a LinkedIn push, docs/linkedin-sync.md §2) and hands
them on as one RPC. A body's protobuf encoding is never larger than its JSON
(field tags are shorter than keys, strings are not escaped), so 8 MiB leaves
headroom while still bounding what one call can make a process hold. Servers
and clients use the same number, so neither side refuses what the other sends.
"""

from __future__ import annotations

MAX_MESSAGE_BYTES = 8 * 1024 * 1024

MESSAGE_SIZE_OPTIONS: tuple[tuple[str, int], ...] = (
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
)

# How long an in-flight call may finish once a connection reached its age.
CONNECTION_AGE_GRACE_MS = 30_000


def server_options(max_connection_age_seconds: float) -> tuple[tuple[str, int], ...]:
    """A server's options: the message sizes, and connections that age out.

    Callers resolve a Kubernetes headless Service to every pod's address, but
    only when they (re)connect: a pod added by a scale-up would get no
    traffic from long-lived channels. Ending each connection after
    `max_connection_age_seconds` (with a GOAWAY, so no call fails) makes
    clients reconnect and resolve again.
    """
    return (
        *MESSAGE_SIZE_OPTIONS,
        ("grpc.max_connection_age_ms", round(max_connection_age_seconds * 1000)),
        ("grpc.max_connection_age_grace_ms", CONNECTION_AGE_GRACE_MS),
    )
