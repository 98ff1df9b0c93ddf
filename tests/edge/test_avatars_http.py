"""GET /api/v1/avatars/{sha256} over HTTP against the real services, on both backends: the image with
caching headers made for a browser, 304 on If-None-Match, owners only, and a 503 naming media_service
while it is down."""

from __future__ import annotations

import io

from PIL import Image

from tests.support.avatars import store_avatar
from tests.support.fake_cdn import photo
from tests.support.tokens import web_token

CACHE_FOREVER = "private, max-age=31536000, immutable"


def bearer(data_dir, user_id: str, clock) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {web_token(data_dir, user_id, clock)}"}


async def test_an_avatar_is_served_with_headers_a_browser_caches_for_good(stack, data_dir, clock) -> None:
    sha = await store_avatar(stack, data_dir, clock, "user-ada", photo(600, 300))
    ada = bearer(data_dir, "user-ada", clock)
    async with stack.http() as client:
        image = await client.get(f"/api/v1/avatars/{sha}", headers=ada)
        thumb = await client.get(f"/api/v1/avatars/{sha}", params={"size": "thumb"}, headers=ada)

    assert image.status_code == 200
    assert image.headers["content-type"] == "image/jpeg"
    assert image.headers["etag"] == f'"{sha}"'
    assert image.headers["cache-control"] == CACHE_FOREVER
    assert image.headers["x-content-type-options"] == "nosniff"
    assert Image.open(io.BytesIO(image.content)).size == (400, 200)
    assert thumb.status_code == 200
    assert thumb.headers["etag"] == f'"{sha}-thumb"'
    assert thumb.headers["cache-control"] == CACHE_FOREVER
    assert Image.open(io.BytesIO(thumb.content)).size == (96, 96)


async def test_if_none_match_answers_304_without_the_image(stack, data_dir, clock) -> None:
    sha = await store_avatar(stack, data_dir, clock, "user-ada", photo())
    ada = bearer(data_dir, "user-ada", clock)
    async with stack.http() as client:
        same = await client.get(f"/api/v1/avatars/{sha}", headers={**ada, "If-None-Match": f'"{sha}"'})
        weak_in_a_list = await client.get(
            f"/api/v1/avatars/{sha}", headers={**ada, "If-None-Match": f'"other", W/"{sha}"'}
        )
        anything = await client.get(f"/api/v1/avatars/{sha}", headers={**ada, "If-None-Match": "*"})
        thumb_tag_on_standard = await client.get(
            f"/api/v1/avatars/{sha}", headers={**ada, "If-None-Match": f'"{sha}-thumb"'}
        )

    for answer in (same, weak_in_a_list, anything):
        assert answer.status_code == 304
        assert answer.content == b""
        assert answer.headers["etag"] == f'"{sha}"'
        assert answer.headers["cache-control"] == CACHE_FOREVER
    assert thumb_tag_on_standard.status_code == 200


async def test_another_users_avatar_is_404_even_for_the_same_photo_and_with_its_etag(stack, data_dir, clock) -> None:
    sha = await store_avatar(stack, data_dir, clock, "user-ada", photo(seed=4))
    bob = bearer(data_dir, "user-bob", clock)
    async with stack.http() as client:
        plain = await client.get(f"/api/v1/avatars/{sha}", headers=bob)
        probing = await client.get(f"/api/v1/avatars/{sha}", headers={**bob, "If-None-Match": f'"{sha}"'})
        assert await store_avatar(stack, data_dir, clock, "user-bob", photo(seed=4)) == sha  # Bob's contact has it too
        now_his = await client.get(f"/api/v1/avatars/{sha}", headers=bob)

    for answer in (plain, probing):
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert (answer.json()["code"], answer.json()["detail"]) == ("avatar_not_found", "avatar not found")
    assert now_his.status_code == 200


async def test_bad_requests_are_refused_with_a_code(stack, data_dir, clock) -> None:
    sha = await store_avatar(stack, data_dir, clock, "user-ada", photo())
    ada = bearer(data_dir, "user-ada", clock)
    async with stack.http() as client:
        anonymous = await client.get(f"/api/v1/avatars/{sha}")
        malformed = await client.get("/api/v1/avatars/not-a-hash", headers=ada)
        upper = await client.get(f"/api/v1/avatars/{sha.upper()}", headers=ada)
        bad_size = await client.get(f"/api/v1/avatars/{sha}", params={"size": "huge"}, headers=ada)

    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "missing_token")
    for answer in (malformed, upper, bad_size):
        assert (answer.status_code, answer.json()["code"]) == (422, "validation_failed")
    assert malformed.json()["detail"].startswith("path.sha256: String should match pattern")
    assert bad_size.json()["detail"] == "query.size: Input should be 'standard' or 'thumb'"


async def test_media_service_down_is_a_503_naming_it(stack, data_dir, clock) -> None:
    sha = await store_avatar(stack, data_dir, clock, "user-ada", photo())
    await stack.stop_service("media")
    async with stack.http() as client:
        answer = await client.get(f"/api/v1/avatars/{sha}", headers=bearer(data_dir, "user-ada", clock))

    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert (answer.json()["code"], answer.json()["service"]) == ("unavailable", "media")
    assert answer.json()["detail"] == "the media service is unavailable; try again shortly"
    assert answer.headers["cache-control"] == "no-store"  # an outage is never cached as the image
