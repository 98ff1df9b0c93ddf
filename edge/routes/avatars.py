"""Avatar images, for their owners only, cached by the browser for good.

An avatar's name is the SHA-256 of its standard size, so its bytes never
change: the answer carries a strong ETag and `Cache-Control: private,
max-age=31536000, immutable`, and a matching `If-None-Match` gets 304 (after
media_service has confirmed the caller owns it: a 304 must not tell a
stranger that an avatar exists). The web app fetches avatars with its
bearer token and shows them through blob: URLs (README, "Avatars").
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from pingcrm.media.v1 import media_service_pb2 as pb

from edge.deps import AnyUser, CallRpc, MediaStub
from edge.grpc_status import API_ERRORS, problem_responses

router = APIRouter(prefix="/api/v1/avatars", tags=["avatars"], responses=problem_responses(*API_ERRORS, 401))

CACHE_FOREVER = "private, max-age=31536000, immutable"


class AvatarSize(StrEnum):
    STANDARD = "standard"
    THUMB = "thumb"


_SIZES = {AvatarSize.STANDARD: pb.AVATAR_SIZE_STANDARD, AvatarSize.THUMB: pb.AVATAR_SIZE_THUMB}


@router.get(
    "/{sha256}",
    operation_id="getAvatar",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}}, "description": "the image"},
        304: {"description": "the copy the caller has (If-None-Match) is current"},
        **problem_responses(404),
    },
)
async def get_avatar(
    sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$", description="the avatar's name (url_path of a contact)")],
    _: AnyUser,
    media: MediaStub,
    rpc: CallRpc,
    size: Annotated[AvatarSize, Query(description="standard: within 400 × 400; thumb: 96 × 96")] = AvatarSize.STANDARD,
    if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """One of the caller's avatars (JPEG)."""
    # A failure becomes problem details naming media (the app's ServiceCallFailed handler).
    answer = await rpc(media.GetAvatar, pb.GetAvatarRequest(sha256=sha256, size=_SIZES[size]))
    etag = f'"{sha256}"' if size is AvatarSize.STANDARD else f'"{sha256}-{size.value}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_FOREVER, "X-Content-Type-Options": "nosniff"}
    if if_none_match is not None and _matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(answer.data, media_type=answer.content_type, headers=headers)


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 §13.1.2: `*`, or any listed tag equal to ours under weak comparison."""
    candidates = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in candidates or etag in candidates
