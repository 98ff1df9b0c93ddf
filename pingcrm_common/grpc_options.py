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
