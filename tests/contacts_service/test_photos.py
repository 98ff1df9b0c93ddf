"""Contacts' photos end to end: a profile push queues the photo, contacts_service's worker has the real
media_service download it from a fake CDN on loopback, and the contact's avatar points at the edge. Bad photos,
a slow CDN, a refusing CDN, media_service down and back, uploads from the browser."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import grpc
import pytest
from contacts_harness import ContactsHarness, UserClient, conversation, error_code, message, running_contacts
from pingcrm.contacts.v1 import contacts_service_pb2 as pb

from contacts_service.settings import ContactsSettings
from pingcrm_common.clock import FrozenClock
from tests.support.fake_cdn import Answer, FakeCdn, photo, png_bomb
from tests.support.tcp_proxy import TcpProxy

sys.path.insert(0, str(Path(__file__).parents[1] / "media_service"))
from media_harness import MediaHarness, running_media, settings_for, with_hosts  # noqa: E402

pytestmark = pytest.mark.asyncio
MEMBER = "ACoPhotoPerson"


@dataclass
class Photos:
    contacts: ContactsHarness
    media: MediaHarness
    cdn: FakeCdn
    clock: FrozenClock
    proxy: TcpProxy  # between contacts_service and media_service
    _contacts_cm: AbstractAsyncContextManager[ContactsHarness]

    async def contact_with_photo(self, user: UserClient, urls: list[str], member: str = MEMBER) -> tuple[str, float]:
        """A contact, then a profile push carrying its photo addresses; the contact's id and the profile push's
        duration in seconds."""
        await user.push(conversation(member_id=member, messages=[message(f"m-{member}", 1)]))
        started = time.monotonic()
        pushed = await user.push(
            profiles=[pb.PushedProfile(identity=pb.LinkedInIdentity(member_id=member), photo_urls=urls)]
        )
        took = time.monotonic() - started
        assert list(pushed.rejected) == []
        return (await user.find(member_id=member)).id, took

    async def contacts_restarted(self) -> None:
        """Stop contacts_service and start a new one on the same database (a deploy, a crash)."""
        await self._contacts_cm.__aexit__(None, None, None)
        self._contacts_cm = running_contacts(self.contacts.settings, self.clock)
        self.contacts = await self._contacts_cm.__aenter__()

    async def until(self, check: Callable[[], object], within: float = 20.0) -> None:
        """Wait for the worker: moves the clock a second at a time (retries are timed by it)."""
        deadline = time.monotonic() + within
        while not await check():  # type: ignore[misc]
            assert time.monotonic() < deadline, "the photo worker did not get there"
            self.clock.advance(timedelta(seconds=1))
            await asyncio.sleep(0.05)

    async def queue_empty(self) -> bool:
        from sqlalchemy import text

        from pingcrm_common.db import Database

        database = Database(self.contacts.settings.resolved_database_url, "contacts")
        try:
            async with database.session() as session:
                return int((await session.exec(text("SELECT count(*) FROM photo_jobs"))).one()[0]) == 0
        finally:
            await database.dispose()


@asynccontextmanager
async def photo_stack(
    backend, data_dir: Path, clock: FrozenClock, *, extra_hosts: dict[str, str] | None = None, **media_overrides: object
) -> AsyncIterator[Photos]:  # type: ignore[no-untyped-def]
    """media_service (downloading from a fake CDN) behind a proxy the test controls, and contacts_service using
    it; `extra_hosts` are more allowed CDN hosts and the addresses they resolve to."""
    async with FakeCdn() as cdn:
        cdn_settings = with_hosts(cdn.media_settings(), extra_hosts) if extra_hosts else cdn.media_settings()
        media_settings = settings_for(data_dir, backend.database_url, cdn_settings, **media_overrides)
        async with running_media(media_settings, clock) as media:
            with TcpProxy("127.0.0.1", media.port) as proxy:
                settings = ContactsSettings(
                    data_dir=data_dir,
                    port=0,
                    metrics_port=None,
                    database_url=backend.database_url,
                    auth_addr="127.0.0.1:9",
                    media_addr=f"127.0.0.1:{proxy.port}",
                    photo_poll_seconds=0.05,
                )
                running = running_contacts(settings, clock)
                photos = Photos(await running.__aenter__(), media, cdn, clock, proxy, running)
                try:
                    yield photos
                finally:
                    await photos._contacts_cm.__aexit__(None, None, None)


@pytest.fixture
async def photos(backend, data_dir: Path, clock: FrozenClock) -> AsyncIterator[Photos]:  # type: ignore[no-untyped-def]
    async with photo_stack(backend, data_dir, clock) as stack:
        yield stack


async def _avatar(user: UserClient, member: str = MEMBER) -> str:
    return (await user.find(member_id=member)).avatar_url


async def test_a_profile_photo_arrives_through_the_queue(photos: Photos) -> None:
    user = photos.contacts.user()
    url = photos.cdn.serve_image("/jane.jpg", photo(seed=1))
    contact_id, took = await photos.contact_with_photo(user, [url])
    assert took < 1.0  # the push never waits for the download
    await photos.until(lambda: _avatar(user))
    avatar_url = await _avatar(user)
    sha = avatar_url.removeprefix("/api/v1/avatars/")
    assert avatar_url.startswith("/api/v1/avatars/") and len(sha) == 64
    assert (await photos.media.get(user.user_id, sha)).avatar.sha256 == sha  # the user owns it at media_service
    events, _ = await photos.contacts.activity()
    updated = [e for e in events if e.WhichOneof("detail") == "contact_updated" and e.contact_id == contact_id]
    assert list(updated[-1].contact_updated.fields) == ["avatar_url"]
    assert updated[-1].contact.avatar_url == avatar_url
    assert await photos.queue_empty()
    assert photos.cdn.paths_requested() == ["/jane.jpg"]


async def test_the_same_photo_for_two_contacts_is_stored_once(photos: Photos) -> None:
    user = photos.contacts.user()
    first = photos.cdn.serve_image("/a.jpg", photo(seed=7))
    second = photos.cdn.serve_image("/b.jpg", photo(seed=7))
    await photos.contact_with_photo(user, [first], member="ACoFirst")
    await photos.contact_with_photo(user, [second], member="ACoSecond")
    await photos.until(lambda: _both_have_avatars(user))
    assert await _avatar(user, "ACoFirst") == await _avatar(user, "ACoSecond")
    assert len((await photos.media.rows())[0]) == 1


async def _both_have_avatars(user: UserClient) -> bool:
    return bool(await _avatar(user, "ACoFirst")) and bool(await _avatar(user, "ACoSecond"))


BAD_PHOTOS: dict[str, tuple[Callable[[FakeCdn], str], str]] = {
    "non-image as .jpg": (lambda cdn: cdn.serve_image("/fake.jpg", b"<html>not a photo</html>"), "not_an_image"),
    "6 MB": (lambda cdn: cdn.serve_image("/huge.jpg", photo(seed=2) + bytes(6_000_000)), "too_large"),
    "PNG bomb": (lambda cdn: cdn.serve_image("/bomb.png", png_bomb(), "image/png"), "image_too_large"),
    "redirect to 127.0.0.1": (
        lambda cdn: cdn.redirect("/moved.jpg", f"https://127.0.0.1:{cdn.port}/jane.jpg"),
        "redirect_not_allowed",
    ),
    "http:// URL": (lambda cdn: cdn.url("/jane.jpg?e=1&t=signature").replace("https://", "http://"), "not_https"),
    "host not allowed": (lambda cdn: "https://evil.example.com/jane.jpg", "host_not_allowed"),
    "host resolving to 10.0.0.1": (lambda cdn: "https://photos.internal.test/jane.jpg", "private_address"),
    "slow CDN (10 s)": (
        lambda cdn: cdn.serve(
            "/slow.jpg", Answer(body=photo(seed=3), headers={"content-type": "image/jpeg"}, drip_seconds=1, chunk=5000)
        ),
        "download_timeout",
    ),
    "CDN failing": (lambda cdn: cdn.serve("/broken.jpg", Answer(status=503)), "cdn_unavailable"),
}


@pytest.mark.parametrize("case", list(BAD_PHOTOS))
async def test_a_bad_photo_is_not_stored_is_logged_once_and_asked_for_later(
    backend, data_dir: Path, clock: FrozenClock, caplog: pytest.LogCaptureFixture, case: str
) -> None:  # type: ignore[no-untyped-def]
    async with photo_stack(
        backend, data_dir, clock, media_fetch_timeout_seconds=2, extra_hosts={"photos.internal.test": "10.0.0.1"}
    ) as photos:
        serve, code = BAD_PHOTOS[case]
        user = photos.contacts.user()
        caplog.set_level(logging.INFO, logger="pingcrm.contacts.photos")
        contact_id, took = await photos.contact_with_photo(user, [serve(photos.cdn)])
        assert took < 1.0  # the push answers at once, whatever the CDN does
        await photos.until(photos.queue_empty)
        assert await _avatar(user) == ""
        await photos.media.assert_nothing_stored()
        failures = [r for r in caplog.records if r.getMessage() == "photo not stored"]
        assert [(r.contact_id, r.code) for r in failures] == [(contact_id, code)]  # type: ignore[attr-defined]
        assert "signature" not in str(vars(failures[0]))  # addresses are logged without their query
        # Still missing its photo: asked for again, later rather than at once.
        assert contact_id not in [c.contact_id for c in await user.take_backfill()]
        photos.clock.advance(timedelta(hours=3))
        assert contact_id in [c.contact_id for c in await photos.contacts.user().backfill()]


async def test_photos_queued_while_media_is_down_all_arrive_once_it_is_back(photos: Photos) -> None:
    user = photos.contacts.user()
    photos.proxy.cut()  # media_service unreachable
    members = [f"ACoDown{i}" for i in range(5)]
    for i, member in enumerate(members):
        url = photos.cdn.serve_image(f"/down-{i}.jpg", photo(seed=100 + i))
        _, took = await photos.contact_with_photo(user, [url], member=member)
        assert took < 1.0  # pushes go on while media_service is down
    for _ in range(20):  # the worker keeps trying meanwhile (and finds media_service down)
        photos.clock.advance(timedelta(seconds=1))
        await asyncio.sleep(0.05)
    assert [await _avatar(user, m) for m in members] == [""] * 5
    assert photos.cdn.paths_requested() == []
    photos.proxy.restore()

    async def all_arrived() -> bool:
        return all([await _avatar(user, m) for m in members])

    await photos.until(all_arrived, within=30)
    assert len((await photos.media.rows())[0]) == 5
    assert await photos.queue_empty()


async def test_a_queued_photo_survives_a_restart_of_contacts_service(
    backend, data_dir: Path, clock: FrozenClock
) -> None:  # type: ignore[no-untyped-def]
    async with photo_stack(backend, data_dir, clock) as photos:
        user = photos.contacts.user()
        photos.proxy.cut()
        url = photos.cdn.serve_image("/restart.jpg", photo(seed=5))
        await photos.contact_with_photo(user, [url])
        await photos.contacts_restarted()  # stopped with the photo still queued; media_service comes back
        photos.proxy.restore()
        await photos.until(lambda: _avatar(photos.contacts.user()))
        assert photos.cdn.paths_requested() == ["/restart.jpg"]


async def test_a_cdn_refusal_asks_the_browser_which_uploads_the_bytes(photos: Photos) -> None:
    user = photos.contacts.user()
    url = photos.cdn.serve("/private.jpg", Answer(status=403))
    contact_id, _ = await photos.contact_with_photo(user, [url])
    await photos.until(photos.queue_empty)
    [candidate] = [c for c in await user.take_backfill() if c.contact_id == contact_id]
    assert candidate.photo_url == url
    request = pb.UploadContactPhotoRequest(contact_id=contact_id, source_url=url, content=photo(seed=9))
    uploaded = (await user.stub.UploadContactPhoto(request, metadata=user.metadata, timeout=10)).contact
    assert uploaded.avatar_url.startswith("/api/v1/avatars/")
    assert await _avatar(user) == uploaded.avatar_url
    photos.clock.advance(timedelta(days=30))
    assert [c.photo_url for c in await photos.contacts.user().backfill()] == [""]  # no photo asked for any more


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "empty_photo"), (b"GIF89a not really", "not_an_image"), (png_bomb(), "image_too_large")],
)
async def test_an_uploaded_photo_gets_the_same_checks(photos: Photos, content: bytes, code: str) -> None:
    user = photos.contacts.user()
    contact_id, _ = await photos.contact_with_photo(user, [])
    request = pb.UploadContactPhotoRequest(contact_id=contact_id, content=content)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await user.stub.UploadContactPhoto(request, metadata=user.metadata, timeout=10)
    assert (refused.value.code(), error_code(refused.value)) == (grpc.StatusCode.INVALID_ARGUMENT, code)
    assert await _avatar(user) == ""
    await photos.media.assert_nothing_stored()


async def test_an_upload_while_media_is_down_is_unavailable_naming_it(photos: Photos) -> None:
    user = photos.contacts.user()
    contact_id, _ = await photos.contact_with_photo(user, [])
    photos.proxy.cut()
    request = pb.UploadContactPhotoRequest(contact_id=contact_id, content=photo(seed=4))
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await user.stub.UploadContactPhoto(request, metadata=user.metadata, timeout=20)
    assert (refused.value.code(), error_code(refused.value)) == (grpc.StatusCode.UNAVAILABLE, "media_unavailable")
    assert "media_service" in (refused.value.details() or "")


async def test_another_users_contact_cannot_get_a_photo(photos: Photos) -> None:
    alice, bob = photos.contacts.user("user-a"), photos.contacts.user("user-b")
    contact_id, _ = await photos.contact_with_photo(alice, [])
    request = pb.UploadContactPhotoRequest(contact_id=contact_id, content=photo(seed=4))
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await bob.stub.UploadContactPhoto(request, metadata=bob.metadata, timeout=10)
    assert error_code(refused.value) == "contact_not_found"
    await photos.media.assert_nothing_stored()


async def test_two_replicas_share_the_queue_without_fetching_a_photo_twice(photos: Photos) -> None:
    async with running_contacts(photos.contacts.settings, photos.clock):  # a second process on the same database
        user = photos.contacts.user()
        members = [f"ACoReplica{i}" for i in range(16)]
        for i, member in enumerate(members):
            url = photos.cdn.serve_image(f"/replica-{i}.jpg", photo(seed=200 + i))
            await photos.contact_with_photo(user, [url], member=member)

        async def all_arrived() -> bool:
            return all([await _avatar(user, m) for m in members])

        deadline = time.monotonic() + 30  # the clock stands still: no lease runs out, so nothing is re-claimed
        while not await all_arrived():
            assert time.monotonic() < deadline, "the photos did not arrive"
            await asyncio.sleep(0.05)
    assert sorted(photos.cdn.paths_requested()) == sorted(f"/replica-{i}.jpg" for i in range(16))
