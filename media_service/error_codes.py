"""Every error code media_service raises, once: add each new one here with
`CODES.add(code, status, meaning, rpcs=(...))`. README.md's table is generated
from this list (`./dev error-codes`); a raise with a code missing here fails
`./dev lint`. The token codes every service shares are pingcrm_common's.

The status tells contacts_service's photo worker what to do next:
INVALID_ARGUMENT never try these URLs (or bytes) again, FAILED_PRECONDITION
`cdn_refused` let the browser fetch the photo (StoreAvatar), UNAVAILABLE try
again later.
"""

from __future__ import annotations

import grpc
from pingcrm.media.v1 import media_service_pb2

from media_service.domain.avatars import MAX_SOURCE_URLS
from media_service.domain.images import MAX_PIXELS, MAX_SIDE
from media_service.domain.sources import MAX_URL_LENGTH
from pingcrm_common.errors import ErrorCodes

CODES = ErrorCodes("media_service", service=media_service_pb2.DESCRIPTOR.services_by_name["MediaService"])
S = grpc.StatusCode
FETCH = ("FetchAvatar",)
TAKE = ("FetchAvatar", "StoreAvatar")

# The call itself
CODES.add("no_source_urls", S.INVALID_ARGUMENT, "FetchAvatar without a URL", rpcs=FETCH)
CODES.add("too_many_source_urls", S.INVALID_ARGUMENT, f"more than {MAX_SOURCE_URLS} source URLs", rpcs=FETCH)
CODES.add(
    "user_required",
    S.PERMISSION_DENIED,
    "a service token acting for no user: an avatar is always stored for one",
    rpcs=TAKE,
)

# Download rules (never retry these URLs)
CODES.add(
    "invalid_url",
    S.INVALID_ARGUMENT,
    f"a URL that does not parse, has no host, carries credentials or is over {MAX_URL_LENGTH:,} characters",
    rpcs=FETCH,
)
CODES.add("not_https", S.INVALID_ARGUMENT, "a URL that is not `https://`", rpcs=FETCH)
CODES.add(
    "host_not_allowed",
    S.INVALID_ARGUMENT,
    "a host (and port) not on `PINGCRM_MEDIA_ALLOWED_HOSTS` (LinkedIn's photo hosts on 443 by default)",
    rpcs=FETCH,
)
CODES.add(
    "private_address",
    S.INVALID_ARGUMENT,
    "the host resolves to a private, loopback, link-local, shared, multicast or reserved address "
    "(checked after DNS, before connecting)",
    rpcs=FETCH,
)
CODES.add(
    "redirect_not_allowed",
    S.INVALID_ARGUMENT,
    "a redirect to a URL the rules refuse (another host, `http://`, an address); the details say why",
    rpcs=FETCH,
)
CODES.add(
    "too_many_redirects", S.INVALID_ARGUMENT, "more than `PINGCRM_MEDIA_MAX_REDIRECTS` (3) redirects", rpcs=FETCH
)
CODES.add("cdn_not_found", S.INVALID_ARGUMENT, "the CDN answered 404 or 410: ask for fresh URLs", rpcs=FETCH)
CODES.add(
    "cdn_bad_status",
    S.INVALID_ARGUMENT,
    "the CDN answered something unusable (e.g. 204, 400, a redirect without `Location`)",
    rpcs=FETCH,
)

# What the image is (never retry these URLs or bytes)
CODES.add(
    "too_large",
    S.INVALID_ARGUMENT,
    "more than `PINGCRM_MEDIA_MAX_BYTES` (5,000,000 bytes), counted while the download streams",
    rpcs=TAKE,
)
CODES.add(
    "not_an_image",
    S.INVALID_ARGUMENT,
    "the bytes are not a JPEG, PNG or WebP image (whatever the name or Content-Type said), or do not decode",
    rpcs=TAKE,
)
CODES.add(
    "image_too_large",
    S.INVALID_ARGUMENT,
    f"the image declares more than {MAX_SIDE:,} pixels a side or {MAX_PIXELS // 1_000_000} megapixels "
    "(a decompression bomb), refused before decoding",
    rpcs=TAKE,
)

# The browser may succeed where the server cannot
CODES.add(
    "cdn_refused",
    S.FAILED_PRECONDITION,
    "the CDN answered 401 or 403 to the server: let the extension fetch the photo and send it to StoreAvatar",
    rpcs=FETCH,
)

# Try again later
CODES.add(
    "cdn_unavailable",
    S.UNAVAILABLE,
    "the CDN could not be reached (connection or TLS failure) or answered 408, 425, 429 or 5xx",
    rpcs=FETCH,
)
CODES.add(
    "download_timeout",
    S.UNAVAILABLE,
    "the downloads took longer than `PINGCRM_MEDIA_FETCH_TIMEOUT_SECONDS` (8 s, all URLs and redirects)",
    rpcs=FETCH,
)
CODES.add("dns_failed", S.UNAVAILABLE, "the CDN host could not be resolved", rpcs=FETCH)
CODES.add(
    "blob_store_unavailable",
    S.UNAVAILABLE,
    "the avatar folder or S3 bucket cannot be written or read",
    rpcs=("FetchAvatar", "StoreAvatar", "GetAvatar"),
)

# Reading
CODES.add(
    "invalid_avatar_id", S.INVALID_ARGUMENT, "an avatar name that is not 64 lowercase hex digits", rpcs=("GetAvatar",)
)
CODES.add("invalid_size", S.INVALID_ARGUMENT, "an unknown AvatarSize", rpcs=("GetAvatar",))
CODES.add(
    "avatar_not_found",
    S.NOT_FOUND,
    "no avatar of that name is owned by the caller (another user's is not found either, even the same photo)",
    rpcs=("GetAvatar",),
)
