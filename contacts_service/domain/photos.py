"""Contacts' photos through media_service, off the push's request path.

A profile push queues the photo's addresses in `photo_jobs` (its own transaction, so a queued photo exists
exactly when the push committed). `PhotoWorker`, running in every contacts_service process, claims due jobs
with a lease (their due time moves to the lease's end, so two replicas never work on one job and a job whose
process stopped is taken up again once the lease runs out) and asks media_service's FetchAvatar, acting for
the job's user with a service token and a deadline. Then:

- stored: the contact's `avatar_url` becomes the edge's address of the photo (`/api/v1/avatars/<sha256>`),
  a `contact_updated` event names `avatar_url`, and the job is removed — together, in one transaction;
- media_service unreachable (or its blob store): the job waits and is tried again, 1 s after the first
  failure, then 2, 4 … at most 60 s; pushes go on meanwhile and every photo arrives once it is back;
- the CDN refused the server (401/403): the job is removed and the contact is handed out at the next push with
  `photo_url`, so the browser fetches those bytes and uploads them (UploadContactPhoto);
- any other failure (not an image, too large, a decompression bomb, a host not allowed, a private address,
  an `http://` address, a redirect off the allowlist, a CDN that fails or is too slow …): the job is removed,
  the reason is logged once (addresses without their query: LinkedIn's carry signatures there), and the
  contact's next backfill turn is put off (backfill.py), so a fresh profile with fresh addresses is asked for
  later, with growing spacing.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from contacts_service.domain.activity import contact_updated
from contacts_service.domain.backfill import spacing
from contacts_service.domain.records import Contact, PhotoJob
from contacts_service.store import activity, contacts, photo_jobs, profiles
from pingcrm_common.background import BackgroundTask
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database, Session

log = logging.getLogger("pingcrm.contacts.photos")

MAX_RETRY_SECONDS = 60
QUERY = re.compile(r"\?[^\s'\"]*")  # an address's query: LinkedIn's photo addresses carry signatures there


@dataclass(frozen=True)
class Stored:
    url_path: str  # where the edge serves it


@dataclass(frozen=True)
class MediaDown:
    reason: str


@dataclass(frozen=True)
class Refused:
    """The CDN answered 401/403 to the server."""


@dataclass(frozen=True)
class Failed:
    code: str  # media_service's error code
    reason: str


Outcome = Stored | MediaDown | Refused | Failed


class Media(Protocol):
    """media_service as contacts_service uses it (contacts_service/media_client.py)."""

    async def fetch(self, user_id: str, urls: list[str]) -> Outcome: ...

    async def store(self, user_id: str, data: bytes) -> Outcome: ...


def retry_delay(attempts: int) -> timedelta:
    """How long a job waits after its `attempts`-th try found media_service unreachable."""
    return timedelta(seconds=min(1 << min(max(attempts - 1, 0), 6), MAX_RETRY_SECONDS))


async def set_avatar(database: Database, clock: Clock, user_id: str, contact_id: str, stored: Stored) -> Contact | None:
    """The contact's avatar is the stored photo, with its `contact_updated` event; None when the contact is gone."""
    now = clock.now()

    async def write(session: Session) -> Contact | None:
        return await _set_avatar(session, user_id, contact_id, stored, now)

    return await database.transaction(write)


async def _set_avatar(session: Session, user_id: str, contact_id: str, stored: Stored, now: datetime) -> Contact | None:
    contact = await contacts.get(session, user_id, contact_id)
    if contact is None:
        return None
    await contacts.set_avatar(session, user_id, contact_id, stored.url_path, now)
    updated = replace(contact, avatar_url=stored.url_path)
    if contact.avatar_url != stored.url_path:
        await activity.record(session, user_id, [contact_updated(updated, ("avatar_url",), now)], now)
    return updated


class PhotoWorker:
    """Downloads queued photos through media_service in this process, `concurrency` at a time, until stopped."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        media: Media,
        *,
        lease_seconds: float,
        poll_seconds: float,
        concurrency: int = 8,
    ) -> None:
        self._database = database
        self._clock = clock
        self._media = media
        self._lease = timedelta(seconds=lease_seconds)
        self._poll_seconds = poll_seconds
        self._concurrency = concurrency
        self._wakeup = asyncio.Event()
        self._task = BackgroundTask("photo-worker")
        self._running: set[asyncio.Task[Outcome | None]] = set()

    def wake(self) -> None:
        """Photos were queued: look now instead of at the next poll."""
        self._wakeup.set()

    def start(self) -> None:
        self._task.start(self._loop())

    async def stop(self) -> None:
        """Stop at once; claimed jobs are taken up again when their lease runs out."""
        await self._task.stop()  # first the loop, so that it starts no download while these end
        downloads, self._running = self._running, set()
        for download in downloads:
            download.cancel()
        await asyncio.gather(*downloads, return_exceptions=True)

    async def _loop(self) -> None:
        """Keep `concurrency` downloads going: claim as many due jobs as there are free slots whenever one ends
        (no batch waits for its slowest download), sleep until woken or the next poll when nothing is due, and
        back off to the poll interval while media_service is down."""
        while True:
            self._wakeup.clear()  # before claiming: a wake from now on makes the wait below return at once
            free = self._concurrency - len(self._running)
            for job in await self._claim(free) if free > 0 else []:
                self._running.add(asyncio.get_running_loop().create_task(self._run(job)))
            waiting = asyncio.get_running_loop().create_task(self._wakeup.wait())
            done, _ = await asyncio.wait(
                {*self._running, waiting}, timeout=self._poll_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            waiting.cancel()
            finished = done & self._running
            self._running -= finished
            if any(isinstance(task.result(), MediaDown) for task in finished):
                await asyncio.sleep(self._poll_seconds)

    async def _claim(self, count: int) -> list[PhotoJob]:
        now = self._clock.now()
        claim_id = str(uuid.uuid4())

        async def claim(session: Session) -> list[PhotoJob]:
            return await photo_jobs.claim(session, now, now + self._lease, claim_id, count)

        try:
            return await self._database.transaction(claim)
        except Exception:
            log.exception("could not claim photos; trying again")
            return []

    async def _run(self, job: PhotoJob) -> Outcome | None:
        """One job to its end; None when it failed unexpectedly (its lease runs out and it is tried again)."""
        try:
            return await self._fetch(job)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("photo failed; it is tried again after its lease", extra={"contact_id": job.contact_id})
            return None

    async def _fetch(self, job: PhotoJob) -> Outcome:
        outcome = await self._media.fetch(job.user_id, job.source_urls)
        now = self._clock.now()
        host = urlsplit(job.source_urls[0]).hostname if job.source_urls else ""

        async def finish(session: Session) -> bool:
            if isinstance(outcome, MediaDown):
                await photo_jobs.retry_later(session, job, now + retry_delay(job.attempts + 1))
                return True
            if not await photo_jobs.finish(session, job):
                return False  # another worker took it over after this one's lease ran out
            if isinstance(outcome, Stored):
                await _set_avatar(session, job.user_id, job.contact_id, outcome, now)
            elif isinstance(outcome, Refused):
                await profiles.photo_refused(session, job.user_id, job.contact_id, job.source_urls[0], now)
            else:
                attempts = await profiles.attempts(session, job.user_id, job.contact_id)
                await profiles.put_off(session, job.user_id, job.contact_id, now + spacing(attempts + 1))
            return True

        held = await self._database.transaction(finish)
        extra = {"contact_id": job.contact_id, "host": host}
        if not held:
            log.warning("photo taken over by another worker", extra=extra)
        elif isinstance(outcome, MediaDown):
            if job.attempts == 0:  # once per job, not at every retry
                log.warning("media_service unreachable; the photo waits", extra={**extra, "reason": outcome.reason})
        elif isinstance(outcome, Refused):
            log.info("the CDN refused the photo to the server; the browser is asked for it", extra=extra)
        elif isinstance(outcome, Failed):
            reason = QUERY.sub("?…", outcome.reason)
            log.warning("photo not stored", extra={**extra, "code": outcome.code, "reason": reason})
        return outcome
