"""media_service killed while profile pushes queue photos, under `pingcrm up` (embedded): the pushes go on,
and every photo arrives once the supervisor has started media_service again."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import httpx
from fault_harness import sign_in, within

from tests.support.fake_cdn import HOSTS, FakeCdn, photo
from tests.support.up import pingcrm_up, wait_ready

PEOPLE = 12


def _media_env(cdn: FakeCdn) -> dict[str, str]:
    """media_service's test-only settings for the fake CDN on loopback."""
    settings = cdn.media_settings()
    return {
        "PINGCRM_MEDIA_ALLOWED_HOSTS": ",".join(settings["media_allowed_hosts"]),
        "PINGCRM_MEDIA_RESOLVE": ",".join(f"{host}=127.0.0.1" for host in HOSTS),
        "PINGCRM_MEDIA_CA_FILE": str(settings["media_ca_file"]),
        "PINGCRM_MEDIA_ALLOW_PRIVATE": "1",
    }


async def test_photos_queued_while_media_is_killed_all_arrive_after_its_restart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with FakeCdn() as cdn:
        urls = [cdn.serve_image(f"/person-{i}.jpg", photo(200, 200, seed=i)) for i in range(PEOPLE)]
        with pingcrm_up(tmp_path, _media_env(cdn)) as up:
            await asyncio.to_thread(wait_ready, up.edge_url)
            async with httpx.AsyncClient(base_url=up.edge_url, timeout=30) as client:
                user = await sign_in(client)
                now_ms = int(time.time() * 1000)
                conversations = [
                    {
                        "urn": f"urn:li:msg_conversation:{i}",
                        "partner": {"member_id": f"ACoPerson{i}", "first_name": "Person", "last_name": str(i)},
                        "messages": [{"urn": f"urn:li:msg_message:{i}", "text": "hi", "sent_at": now_ms - i}],
                    }
                    for i in range(PEOPLE)
                ]
                assert (
                    await client.post("/api/v1/linkedin/push", json={"conversations": conversations}, headers=user)
                ).status_code == 200

                os.kill(up.child_serving("media"), signal.SIGKILL)
                for i in range(PEOPLE):  # one profile per push, as media_service is down and coming back
                    profile = {"member_id": f"ACoPerson{i}", "first_name": "Person", "photo_urls": [urls[i]]}
                    started = time.monotonic()
                    answer = await client.post("/api/v1/linkedin/push", json={"profiles": [profile]}, headers=user)
                    assert answer.status_code == 200 and answer.json()["rejected"] == []
                    assert time.monotonic() - started < 2  # the push never waits for media_service

                async def every_photo_arrived() -> bool:
                    items = (await client.get("/api/v1/contacts", headers=user)).json()["items"]
                    return len(items) == PEOPLE and all(item["avatar_url"] for item in items)

                await within(90, every_photo_arrived, "every photo after media_service's restart")
                items = (await client.get("/api/v1/contacts", headers=user)).json()["items"]
                for item in items:
                    image = await client.get(item["avatar_url"], headers=user)
                    assert (image.status_code, image.headers["content-type"]) == (200, "image/jpeg")
                assert len({item["avatar_url"] for item in items}) == PEOPLE
        output = up.output()
    assert "pingcrm: media was killed by SIGKILL; restarting it in 1 s" in output
    assert "pingcrm: media restarted" in output
    assert "media_service unreachable; the photo waits" in output  # the worker did find it down
