"""media_service as contacts_service calls it: generated stubs, a service token acting for the user, a
deadline on every call, and gRPC failures turned into domain/photos.py outcomes.

"Media is down" (the service unreachable, its deadline passed, its blob store failing) is told apart from
what media_service decided about the photo (its error codes), because the first is retried and the second
is not.
"""

from __future__ import annotations

import grpc
from pingcrm.media.v1 import media_service_pb2 as pb
from pingcrm.media.v1 import media_service_pb2_grpc

from contacts_service.domain.photos import Failed, MediaDown, Outcome, Refused, Stored
from pingcrm_common.errors import ERROR_CODE_METADATA
from pingcrm_common.grpc_client import open_channel
from pingcrm_common.service_tokens import ServiceTokens

DESCRIPTOR = pb.DESCRIPTOR.services_by_name["MediaService"]
# media_service's own cap for all downloads of one FetchAvatar is 8 s (PINGCRM_MEDIA_FETCH_TIMEOUT_SECONDS);
# the deadline leaves room for decoding and storing.
FETCH_DEADLINE_SECONDS = 15.0
STORE_DEADLINE_SECONDS = 10.0
# media_service's codes that mean media_service itself cannot work now (retry), not a verdict on the photo.
MEDIA_TROUBLE = {"blob_store_unavailable", "database_unavailable"}


class MediaClient:
    def __init__(self, address: str, tokens: ServiceTokens) -> None:
        self._channel = open_channel(address, DESCRIPTOR)
        self._stub = media_service_pb2_grpc.MediaServiceStub(self._channel)
        self._tokens = tokens

    async def fetch(self, user_id: str, urls: list[str]) -> Outcome:
        try:
            response = await self._stub.FetchAvatar(
                pb.FetchAvatarRequest(source_urls=urls),
                metadata=self._tokens.metadata(user_id),
                timeout=FETCH_DEADLINE_SECONDS,
            )
        except grpc.aio.AioRpcError as error:
            return _outcome(error)
        return Stored(response.avatar.url_path)

    async def store(self, user_id: str, data: bytes) -> Outcome:
        try:
            response = await self._stub.StoreAvatar(
                pb.StoreAvatarRequest(data=data),
                metadata=self._tokens.metadata(user_id),
                timeout=STORE_DEADLINE_SECONDS,
            )
        except grpc.aio.AioRpcError as error:
            return _outcome(error)
        return Stored(response.avatar.url_path)

    async def close(self) -> None:
        await self._channel.close()


def _outcome(error: grpc.aio.AioRpcError) -> Outcome:
    code = dict(error.trailing_metadata() or ()).get(ERROR_CODE_METADATA)
    reason = error.details() or error.code().name
    if code is None or code in MEDIA_TROUBLE or error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
        # No code of media_service's: the call never reached its domain (down, restarting, overloaded).
        return MediaDown(f"{error.code().name}: {reason}")
    if code == "cdn_refused":
        return Refused()
    return Failed(str(code), reason)
