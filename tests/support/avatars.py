"""Avatars stored the way contacts_service stores them, for tests above media_service (edge, browser)."""

from __future__ import annotations

from pathlib import Path

from pingcrm.media.v1 import media_service_pb2 as pb
from pingcrm.media.v1 import media_service_pb2_grpc

from pingcrm_common.clock import Clock
from pingcrm_common.grpc_client import open_channel
from pingcrm_common.service_tokens import ServiceTokens
from pingcrm_common.tokens import load_private_key
from tests.support.stack import Stack


async def store_avatar(stack: Stack, data_dir: Path, clock: Clock, user_id: str, data: bytes) -> str:
    """StoreAvatar with contacts_service's service token for `user_id`; the avatar's sha256."""
    tokens = ServiceTokens(load_private_key(data_dir / "keys" / "service-private.pem"), "contacts", clock)
    channel = open_channel(f"127.0.0.1:{stack.services['media'].port}", pb.DESCRIPTOR.services_by_name["MediaService"])
    async with channel:
        response = await media_service_pb2_grpc.MediaServiceStub(channel).StoreAvatar(
            pb.StoreAvatarRequest(data=data), metadata=tokens.metadata(user_id), timeout=10
        )
    return response.avatar.sha256
