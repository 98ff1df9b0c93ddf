"""MediaService RPCs: translate proto ⇄ domain and call one domain function each."""

from __future__ import annotations

import grpc
from pingcrm.media.v1 import media_service_pb2 as pb
from pingcrm.media.v1 import media_service_pb2_grpc

from media_service.domain.avatars import AvatarsDomain
from media_service.domain.records import Size, StoredAvatar
from pingcrm_common.errors import InvalidArgument
from pingcrm_common.tokens import require_caller

_SIZES = {
    pb.AVATAR_SIZE_UNSPECIFIED: Size.STANDARD,
    pb.AVATAR_SIZE_STANDARD: Size.STANDARD,
    pb.AVATAR_SIZE_THUMB: Size.THUMB,
}


class MediaServicer(media_service_pb2_grpc.MediaServiceServicer):
    def __init__(self, avatars: AvatarsDomain) -> None:
        self._avatars = avatars

    async def FetchAvatar(
        self, request: pb.FetchAvatarRequest, context: grpc.aio.ServicerContext
    ) -> pb.FetchAvatarResponse:
        avatar, source_url = await self._avatars.fetch(require_caller().user_id, list(request.source_urls))
        return pb.FetchAvatarResponse(avatar=_avatar(avatar), source_url=source_url)

    async def StoreAvatar(
        self, request: pb.StoreAvatarRequest, context: grpc.aio.ServicerContext
    ) -> pb.StoreAvatarResponse:
        avatar = await self._avatars.store(require_caller().user_id, request.data)
        return pb.StoreAvatarResponse(avatar=_avatar(avatar))

    async def GetAvatar(self, request: pb.GetAvatarRequest, context: grpc.aio.ServicerContext) -> pb.GetAvatarResponse:
        size = _SIZES.get(request.size)
        if size is None:
            raise InvalidArgument(f"unknown avatar size {request.size}", code="invalid_size")
        image = await self._avatars.get(require_caller().user_id, request.sha256, size)
        return pb.GetAvatarResponse(avatar=_avatar(image.avatar), data=image.data, content_type=image.content_type)


def _avatar(avatar: StoredAvatar) -> pb.Avatar:
    return pb.Avatar(
        sha256=avatar.sha256,
        content_type=avatar.content_type,
        width=avatar.width,
        height=avatar.height,
        url_path=avatar.url_path,
    )
