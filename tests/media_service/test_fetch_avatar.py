"""FetchAvatar against a fake CDN on loopback: photos arrive re-encoded and stored once; every download
rule refuses what it must with a stable code and a status that tells the caller whether to retry, and a
refused download stores nothing."""

from __future__ import annotations

import hashlib
import io
import time

import grpc
import pytest
from media_harness import MediaHarness, error_code, refused, running_media, settings_for, with_hosts
from PIL import Image
from pingcrm.media.v1 import media_service_pb2 as pb

from tests.support.fake_cdn import CDN_HOST, OTHER_CDN_HOST, Answer, FakeCdn, photo, png_bomb

SIX_MB = 6 * 1024 * 1024


def exif_with_location() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0)}  # GPS latitude
    return exif.tobytes()


async def test_a_photo_is_downloaded_re_encoded_without_metadata_and_served_in_two_sizes(
    media: MediaHarness, cdn: FakeCdn
) -> None:
    url = cdn.serve_image("/photo-800.jpg", photo(800, 600, exif=exif_with_location(), comment=b"shot by someone"))

    response = await media.fetch("user-1", url)

    avatar = response.avatar
    assert response.source_url == url
    assert (avatar.content_type, avatar.width, avatar.height) == ("image/jpeg", 400, 300)
    assert avatar.url_path == f"/api/v1/avatars/{avatar.sha256}"
    standard = await media.get("user-1", avatar.sha256)
    assert hashlib.sha256(standard.data).hexdigest() == avatar.sha256
    assert standard.content_type == "image/jpeg"
    with Image.open(io.BytesIO(standard.data)) as image:
        assert (image.format, image.size) == ("JPEG", (400, 300))
        assert dict(image.getexif()) == {}
        assert "comment" not in image.info and "icc_profile" not in image.info
    thumb = await media.get("user-1", avatar.sha256, pb.AVATAR_SIZE_THUMB)
    with Image.open(io.BytesIO(thumb.data)) as image:
        assert (image.format, image.size) == ("JPEG", (96, 96))
    assert cdn.requests[0].host == f"{CDN_HOST}:{cdn.port}"
    assert await media.rows() == ([avatar.sha256], [("user-1", avatar.sha256)])


async def test_the_same_photo_twice_is_stored_once_and_owned_by_both_users(media: MediaHarness, cdn: FakeCdn) -> None:
    data = photo(seed=7)
    first = await media.fetch("user-1", cdn.serve_image("/a.jpg", data))
    second = await media.fetch("user-2", cdn.serve_image("/b.jpg", data))
    again = await media.fetch("user-1", cdn.url("/b.jpg", host=OTHER_CDN_HOST))

    sha = first.avatar.sha256
    assert second.avatar.sha256 == sha and again.avatar.sha256 == sha
    assert media.blob_files() == [f"{sha[:2]}/{sha}/standard.jpg", f"{sha[:2]}/{sha}/thumb.jpg"]
    assert await media.rows() == ([sha], [("user-1", sha), ("user-2", sha)])


async def test_a_different_photo_is_a_different_avatar(media: MediaHarness, cdn: FakeCdn) -> None:
    one = await media.fetch("user-1", cdn.serve_image("/1.jpg", photo(seed=1)))
    two = await media.fetch("user-1", cdn.serve_image("/2.jpg", photo(seed=2)))
    assert one.avatar.sha256 != two.avatar.sha256
    assert len(media.blob_files()) == 4


@pytest.mark.parametrize(
    ("url", "code", "details"),
    [
        ("http://media.licdn.com/photo.jpg", "not_https", "http://media.licdn.com/photo.jpg is not an https:// URL"),
        ("https://photos.example.com/p.jpg", "host_not_allowed", "downloads from photos.example.com are not allowed"),
        ("https://media.licdn.com/p.jpg", "host_not_allowed", "downloads from media.licdn.com are not allowed"),
        ("https://127.0.0.1/p.jpg", "host_not_allowed", "downloads from 127.0.0.1 are not allowed"),
        ("ftp://media.licdn.com/p.jpg", "not_https", "ftp://media.licdn.com/p.jpg is not an https:// URL"),
        ("https://user:pw@media.licdn.com/p.jpg", "invalid_url", None),
        ("not a url", "not_https", "not a url is not an https:// URL"),
    ],
)
async def test_urls_outside_the_rules_are_refused_without_a_request(
    media: MediaHarness, cdn: FakeCdn, url: str, code: str, details: str | None
) -> None:
    # media.licdn.com is allowed on the fake's port only, so the bare host (port 443) is not.
    error = await refused(media.fetch("user-1", url))

    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_code(error) == code
    if details:
        assert error.details() == details
    assert cdn.requests == []
    await media.assert_nothing_stored()


async def test_a_host_that_resolves_to_a_private_address_is_refused_before_connecting(
    backend, data_dir, cdn: FakeCdn, clock
) -> None:  # type: ignore[no-untyped-def]
    hosts = {"photos.internal.test": "10.0.0.1", "metadata.internal.test": "169.254.169.254"}
    settings = settings_for(data_dir, backend.database_url, with_hosts(cdn.media_settings(), hosts))
    async with running_media(settings, clock) as media:
        private = await refused(media.fetch("user-1", "https://photos.internal.test/p.jpg"))
        link_local = await refused(media.fetch("user-1", "https://metadata.internal.test/latest/meta-data/"))

        assert private.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error_code(private) == "private_address"
        assert private.details() == "photos.internal.test resolves to 10.0.0.1, which is not a public address"
        assert error_code(link_local) == "private_address"
        assert (
            link_local.details() == "metadata.internal.test resolves to 169.254.169.254, which is not a public address"
        )
        await media.assert_nothing_stored()


async def test_loopback_is_refused_unless_the_test_only_setting_allows_it(
    backend, data_dir, cdn: FakeCdn, clock
) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(data_dir, backend.database_url, cdn.media_settings(), media_allow_private=False)
    async with running_media(settings, clock) as media:
        error = await refused(media.fetch("user-1", cdn.serve_image("/p.jpg", photo())))

    assert error_code(error) == "private_address"
    assert error.details() == "media.licdn.com resolves to 127.0.0.1, which is not a public address"
    assert cdn.requests == []


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("https://127.0.0.1:{port}/p.jpg", "downloads from 127.0.0.1:{port} are not allowed"),
        ("https://localhost:{port}/p.jpg", "downloads from localhost:{port} are not allowed"),
        ("http://media.licdn.com:{port}/p.jpg", "http://media.licdn.com:{port}/p.jpg is not an https:// URL"),
        ("https://169.254.169.254/latest/meta-data/", "downloads from 169.254.169.254 are not allowed"),
    ],
)
async def test_a_redirect_off_the_allowlist_is_refused(
    media: MediaHarness, cdn: FakeCdn, location: str, reason: str
) -> None:
    cdn.serve_image("/p.jpg", photo())
    url = cdn.redirect("/moved.jpg", location.format(port=cdn.port))

    error = await refused(media.fetch("user-1", url))

    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_code(error) == "redirect_not_allowed"
    assert error.details() == f"a redirect was refused: {reason.format(port=cdn.port)}"
    assert cdn.paths_requested() == ["/moved.jpg"]
    await media.assert_nothing_stored()


async def test_redirects_within_the_allowlist_are_followed_and_bounded(media: MediaHarness, cdn: FakeCdn) -> None:
    cdn.serve_image("/final.jpg", photo())
    url = cdn.redirect("/hop.jpg", cdn.url("/final.jpg", host=OTHER_CDN_HOST), status=301)
    stored = await media.fetch("user-1", url)
    assert stored.avatar.width == 400
    assert [(r.path, r.host.split(":")[0]) for r in cdn.requests] == [
        ("/hop.jpg", CDN_HOST),
        ("/final.jpg", OTHER_CDN_HOST),
    ]

    loop = cdn.redirect("/loop.jpg", "/loop.jpg")
    error = await refused(media.fetch("user-1", loop))
    assert error_code(error) == "too_many_redirects"
    assert error.details() == "more than 3 redirects"
    assert cdn.paths_requested().count("/loop.jpg") == 4


async def test_a_non_image_served_as_jpg_is_refused(media: MediaHarness, cdn: FakeCdn) -> None:
    url = cdn.serve_image("/photo.jpg", b"<!doctype html><title>Sign in</title>")

    error = await refused(media.fetch("user-1", url))

    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_code(error) == "not_an_image"
    assert error.details() == "the data is not a JPEG, PNG or WebP image"
    await media.assert_nothing_stored()


async def test_a_gif_or_a_truncated_jpeg_is_not_an_image(media: MediaHarness, cdn: FakeCdn) -> None:
    gif = await refused(media.fetch("user-1", cdn.serve_image("/a.gif", photo(64, 64, image_format="GIF"))))
    truncated = await refused(media.fetch("user-1", cdn.serve_image("/cut.jpg", photo()[:2000])))

    assert error_code(gif) == "not_an_image"
    assert error_code(truncated) == "not_an_image"
    assert truncated.details().startswith("the JPEG image cannot be decoded")
    await media.assert_nothing_stored()


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
async def test_a_6_mb_file_is_refused_while_it_streams(media: MediaHarness, cdn: FakeCdn, declare_length: bool) -> None:
    body = photo()[:-2] + bytes(SIX_MB)  # starts like a JPEG
    url = cdn.serve(
        "/huge.jpg",
        Answer(body=body, headers={"content-type": "image/jpeg"}, declare_length=declare_length, drip_seconds=0.001),
    )

    error = await refused(media.fetch("user-1", url))

    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_code(error) == "too_large"
    assert error.details() == "the image is larger than 5,000,000 bytes"
    await media.assert_nothing_stored()


async def test_a_20000_by_20000_png_bomb_is_refused_before_decoding(media: MediaHarness, cdn: FakeCdn) -> None:
    bomb = png_bomb(20_000, 20_000)
    assert len(bomb) < 100_000  # a few kilobytes that would decode to 400 megapixels
    url = cdn.serve_image("/bomb.png", bomb, "image/png")

    started = time.perf_counter()
    error = await refused(media.fetch("user-1", url))

    assert time.perf_counter() - started < 5  # refused from the header, not after decoding
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_code(error) == "image_too_large"
    assert error.details() == (
        "the image declares 20000 × 20000 pixels; at most 10000 per side and 25 megapixels are accepted"
    )
    await media.assert_nothing_stored()


async def test_a_slow_cdn_is_cut_off_at_the_time_cap_and_may_be_retried(backend, data_dir, cdn: FakeCdn, clock) -> None:  # type: ignore[no-untyped-def]
    # 20 chunks, one every 0.5 s: a 10 s answer that never stalls long enough for a read timeout.
    body = photo(1600, 1600)
    url = cdn.serve("/slow.jpg", Answer(body=body, drip_seconds=0.5, chunk=len(body) // 20 + 1))
    settings = settings_for(data_dir, backend.database_url, cdn.media_settings(), media_fetch_timeout_seconds=1.0)
    async with running_media(settings, clock) as media:
        started = time.perf_counter()
        error = await refused(media.fetch("user-1", url))
        elapsed = time.perf_counter() - started

        assert elapsed < 4
        assert error.code() == grpc.StatusCode.UNAVAILABLE
        assert error_code(error) == "download_timeout"
        assert error.details() == "the download took longer than 1 s"
        await media.assert_nothing_stored()


@pytest.mark.parametrize(
    ("status", "grpc_status", "code", "details"),
    [
        (
            403,
            grpc.StatusCode.FAILED_PRECONDITION,
            "cdn_refused",
            "media.licdn.com refused the download (403); the browser may still fetch it",
        ),
        (
            401,
            grpc.StatusCode.FAILED_PRECONDITION,
            "cdn_refused",
            "media.licdn.com refused the download (401); the browser may still fetch it",
        ),
        (404, grpc.StatusCode.INVALID_ARGUMENT, "cdn_not_found", "media.licdn.com has no such image (404)"),
        (410, grpc.StatusCode.INVALID_ARGUMENT, "cdn_not_found", "media.licdn.com has no such image (410)"),
        (503, grpc.StatusCode.UNAVAILABLE, "cdn_unavailable", "media.licdn.com answered 503"),
        (429, grpc.StatusCode.UNAVAILABLE, "cdn_unavailable", "media.licdn.com answered 429"),
        (204, grpc.StatusCode.INVALID_ARGUMENT, "cdn_bad_status", "media.licdn.com answered 204"),
    ],
)
async def test_cdn_answers_tell_the_caller_what_to_do_next(
    media: MediaHarness, cdn: FakeCdn, status: int, grpc_status: grpc.StatusCode, code: str, details: str
) -> None:
    url = cdn.serve("/p.jpg", Answer(status=status, body=b"" if status == 204 else b"denied"))

    error = await refused(media.fetch("user-1", url))

    assert (error.code(), error_code(error), error.details()) == (grpc_status, code, details)
    await media.assert_nothing_stored()


async def test_a_cdn_that_is_down_is_unavailable(media: MediaHarness, cdn: FakeCdn) -> None:
    port = cdn.port
    await cdn.__aexit__()

    error = await refused(media.fetch("user-1", f"https://{CDN_HOST}:{port}/p.jpg"))

    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert error_code(error) == "cdn_unavailable"
    assert error.details().startswith(f"{CDN_HOST} could not be reached: ConnectError(")


async def test_urls_are_tried_in_order_until_one_works(media: MediaHarness, cdn: FakeCdn) -> None:
    missing = cdn.url("/gone-800.jpg")
    bomb = cdn.serve_image("/bomb-400.png", png_bomb(), "image/png")
    good = cdn.serve_image("/ok-100.jpg", photo(100, 100))

    response = await media.fetch("user-1", missing, bomb, good)

    assert response.source_url == good
    assert (response.avatar.width, response.avatar.height) == (100, 100)  # never enlarged
    assert cdn.paths_requested() == ["/gone-800.jpg", "/bomb-400.png", "/ok-100.jpg"]


@pytest.mark.parametrize(
    ("answers", "grpc_status", "code"),
    [
        ([404, 503, 403], grpc.StatusCode.UNAVAILABLE, "cdn_unavailable"),  # retry later may work
        ([404, 403], grpc.StatusCode.FAILED_PRECONDITION, "cdn_refused"),  # the browser may fetch it
        ([410, 404], grpc.StatusCode.INVALID_ARGUMENT, "cdn_not_found"),  # the first URL's reason
    ],
)
async def test_when_every_url_fails_the_most_hopeful_error_is_reported(
    media: MediaHarness, cdn: FakeCdn, answers: list[int], grpc_status: grpc.StatusCode, code: str
) -> None:
    urls = [cdn.serve(f"/{i}.jpg", Answer(status=status)) for i, status in enumerate(answers)]

    error = await refused(media.fetch("user-1", *urls))

    assert (error.code(), error_code(error)) == (grpc_status, code)


async def test_a_call_without_urls_or_with_too_many_is_refused(media: MediaHarness, cdn: FakeCdn) -> None:
    none = await refused(media.fetch("user-1"))
    many = await refused(media.fetch("user-1", *[cdn.url(f"/{i}.jpg") for i in range(9)]))

    assert (none.code(), error_code(none), none.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "no_source_urls",
        "no source URL given",
    )
    assert (error_code(many), many.details()) == ("too_many_source_urls", "at most 8 source URLs are tried")
    assert cdn.requests == []


async def test_the_certificate_is_checked_for_the_host_name_not_the_address(
    backend, data_dir, cdn: FakeCdn, clock
) -> None:  # type: ignore[no-untyped-def]
    # The fake's certificate names the licdn hosts and 127.0.0.1. A host it does not name, resolved to
    # 127.0.0.1, must fail verification: the name is what is checked, not the address connected to.
    hosts = with_hosts(cdn.media_settings(), {"photos.other.test": "127.0.0.1"}, port=cdn.port)
    settings = settings_for(data_dir, backend.database_url, hosts)
    cdn.serve_image("/p.jpg", photo())
    async with running_media(settings, clock) as media:
        error = await refused(media.fetch("user-1", f"https://photos.other.test:{cdn.port}/p.jpg"))

        assert error.code() == grpc.StatusCode.UNAVAILABLE
        assert error_code(error) == "cdn_unavailable"
        assert "CERTIFICATE_VERIFY_FAILED" in error.details()
        await media.assert_nothing_stored()
