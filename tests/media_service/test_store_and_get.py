"""StoreAvatar (bytes the browser fetched) under the same checks; GetAvatar for owners only; who may call
what (service tokens for contacts_service, user tokens for reading); a broken blob store stores nothing."""

from __future__ import annotations

import grpc
import pytest
from media_harness import MediaHarness, error_code, refused, running_media, settings_for
from pingcrm.media.v1 import media_service_pb2 as pb

from tests.support.fake_cdn import FakeCdn, photo, png_bomb


async def test_stored_bytes_are_re_encoded_and_dedup_with_a_download_of_the_same_photo(
    media: MediaHarness, cdn: FakeCdn
) -> None:
    data = photo(seed=5)
    stored = await media.store("user-1", data)
    fetched = await media.fetch("user-2", cdn.serve_image("/p.jpg", data))

    assert (stored.avatar.width, stored.avatar.height, stored.avatar.content_type) == (400, 400, "image/jpeg")
    assert fetched.avatar.sha256 == stored.avatar.sha256
    assert len(media.blob_files()) == 2
    assert (await media.get("user-1", stored.avatar.sha256)).data == (
        await media.get("user-2", stored.avatar.sha256)
    ).data


@pytest.mark.parametrize(
    ("data", "code", "details"),
    [
        (b"<html>not a photo</html>", "not_an_image", "the data is not a JPEG, PNG or WebP image"),
        (b"\xff\xd8\xff" + bytes(6 * 1024 * 1024), "too_large", "the image is larger than 5,000,000 bytes"),
        (png_bomb(), "image_too_large", None),
        (b"", "not_an_image", "the data is not a JPEG, PNG or WebP image"),
    ],
    ids=["html", "6mb", "bomb", "empty"],
)
async def test_stored_bytes_get_the_same_checks(
    media: MediaHarness, data: bytes, code: str, details: str | None
) -> None:
    error = await refused(media.store("user-1", data))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_code(error) == code
    if details:
        assert error.details() == details
    await media.assert_nothing_stored()


async def test_another_users_avatar_is_not_found_even_when_the_photo_is_shared(media: MediaHarness) -> None:
    sha = (await media.store("user-1", photo(seed=9))).avatar.sha256

    stranger = await refused(media.get("user-2", sha))
    assert (stranger.code(), error_code(stranger), stranger.details()) == (
        grpc.StatusCode.NOT_FOUND,
        "avatar_not_found",
        "avatar not found",
    )
    unknown = await refused(media.get("user-1", "0" * 64))
    assert (unknown.code(), unknown.details()) == (grpc.StatusCode.NOT_FOUND, "avatar not found")

    await media.store("user-2", photo(seed=9))  # user-2 stores the same photo: now it is theirs too
    assert (await media.get("user-2", sha)).avatar.sha256 == sha


@pytest.mark.parametrize("sha", ["abc", "G" * 64, "A" * 64, "../" * 20 + "etc/pw", ""])
async def test_a_malformed_avatar_id_is_refused(media: MediaHarness, sha: str) -> None:
    error = await refused(media.get("user-1", sha))
    assert (error.code(), error_code(error), error.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "invalid_avatar_id",
        "an avatar id is 64 lowercase hex digits",
    )


async def test_an_unknown_size_is_refused(media: MediaHarness) -> None:
    sha = (await media.store("user-1", photo())).avatar.sha256
    error = await refused(media.get("user-1", sha, size=7))
    assert (error.code(), error_code(error), error.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "invalid_size",
        "unknown avatar size 7",
    )


async def test_only_contacts_service_may_fetch_or_store_and_only_for_a_user(media: MediaHarness, cdn: FakeCdn) -> None:
    url = cdn.serve_image("/p.jpg", photo())
    fetch, store = media.stub.FetchAvatar, media.stub.StoreAvatar
    fetch_request, store_request = pb.FetchAvatarRequest(source_urls=[url]), pb.StoreAvatarRequest(data=photo())

    for call, request in ((fetch, fetch_request), (store, store_request)):
        as_user = await refused(call(request, metadata=media.user_metadata("user-1"), timeout=10))
        assert (as_user.code(), error_code(as_user), as_user.details()) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "wrong_audience",
            "a pingcrm-web token may not call this method",
        )
        as_suggestions = await refused(
            call(request, metadata=media.service_metadata("user-1", "suggestions"), timeout=10)
        )
        assert (as_suggestions.code(), as_suggestions.details()) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "a pingcrm-service:suggestions token may not call this method",
        )
        for_nobody = await refused(call(request, metadata=media.service_metadata(""), timeout=10))
        assert (for_nobody.code(), error_code(for_nobody), for_nobody.details()) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "user_required",
            "an avatar is stored for a user; this token acts for none",
        )
        anonymous = await refused(call(request, timeout=10))
        assert (anonymous.code(), anonymous.details()) == (grpc.StatusCode.UNAUTHENTICATED, "missing bearer token")
    assert cdn.requests == []
    await media.assert_nothing_stored()


async def test_reading_takes_the_owners_own_token_not_a_service_token(media: MediaHarness) -> None:
    sha = (await media.store("user-1", photo())).avatar.sha256
    error = await refused(
        media.stub.GetAvatar(pb.GetAvatarRequest(sha256=sha), metadata=media.service_metadata("user-1"), timeout=10)
    )
    assert (error.code(), error.details()) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "a pingcrm-service:contacts token may not call this method",
    )


async def test_a_broken_blob_store_is_unavailable_and_records_nothing(backend, data_dir, cdn: FakeCdn, clock) -> None:  # type: ignore[no-untyped-def]
    blocked = data_dir / "not-a-folder"
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("a file where the blob folder should be")
    settings = settings_for(data_dir, backend.database_url, cdn.media_settings(), media_dir=blocked)
    async with running_media(settings, clock) as media:
        error = await refused(media.fetch("user-1", cdn.serve_image("/p.jpg", photo())))

        assert error.code() == grpc.StatusCode.UNAVAILABLE
        assert error_code(error) == "blob_store_unavailable"
        assert error.details() == "the avatar blob store is unavailable: NotADirectoryError"
        assert await media.rows() == ([], [])
