"""The whole backend in the test's event loop: four gRPC servers on real
ports and the edge on a real HTTP port, sharing one injectable clock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from auth_service import server as auth_server
from auth_service.settings import AuthSettings
from contacts_service import server as contacts_server
from contacts_service.settings import ContactsSettings
from edge.app import create_app
from edge.main import server_config
from edge.settings import EdgeSettings
from media_service import server as media_server
from media_service.settings import MediaSettings
from pingcrm_common.clock import Clock
from pingcrm_common.grpc_server import RunningServer
from pingcrm_common.migrations import upgrade
from pingcrm_common.settings import ServiceSettings
from suggestions_service import server as suggestions_server
from suggestions_service.settings import SuggestionsSettings
from tests.support.dropped_connections import end_dropped_sqlite_connections
from tests.support.in_loop_server import serve_in_loop

CLIENT_TIMEOUT_SECONDS = 30


@dataclass
class Stack:
    edge_url: str
    services: dict[str, RunningServer]
    settings: dict[str, ServiceSettings]
    edge_settings: EdgeSettings
    _edge: uvicorn.Server
    _edge_task: asyncio.Task[None]
    stopped: set[str] = field(default_factory=set)

    def http(self) -> httpx.AsyncClient:
        """A client of the edge that outwaits the edge's own deadlines.

        httpx gives up after 5 s, as long as the edge's deadline on each RPC:
        on a busy machine the client would time out first and hide the
        edge's answer (a 504 naming the service, or the slow success).

        It drops an idle connection after 1 s: uvicorn closes one idle for 5 s, httpx would keep it 5 s too,
        and a request sent on it just as the edge closes it fails with a ReadError (a test polling the API
        across a sync of several seconds met exactly that).
        """
        return httpx.AsyncClient(
            base_url=self.edge_url, timeout=CLIENT_TIMEOUT_SECONDS, limits=httpx.Limits(keepalive_expiry=1.0)
        )

    async def stop_service(self, name: str) -> None:
        await self.services[name].shutdown(0.5)
        self.stopped.add(name)

    async def close(self) -> None:
        self._edge.should_exit = True
        await self._edge_task
        for name, running in reversed(self.services.items()):
            if name not in self.stopped:
                await running.shutdown(0.5)
        await end_dropped_sqlite_connections()


async def start_edge(settings: EdgeSettings, clock: Clock | None) -> tuple[uvicorn.Server, asyncio.Task[None], int]:
    return await serve_in_loop(server_config(create_app(settings, clock=clock), settings, port=0))


async def start_stack(
    data_dir: Path,
    *,
    database_url: str | None,
    redis_url: str | None,
    clock: Clock | None = None,
    trusted_proxies: str = "",
    media: dict[str, Any] | None = None,
) -> Stack:
    """Every service and the edge on free loopback ports. `media`: MediaSettings fields on top (e.g. a fake
    CDN's `media_settings()`)."""
    common = {"data_dir": data_dir, "port": 0, "metrics_port": None, "database_url": database_url}
    auth_settings = AuthSettings(**common, redis_url=redis_url)
    await asyncio.to_thread(upgrade, auth_server.MIGRATIONS, auth_settings.resolved_database_url)
    services = {"auth": await auth_server.create_server(auth_settings, clock=clock)}
    auth_addr = f"127.0.0.1:{services['auth'].port}"
    settings: dict[str, ServiceSettings] = {"auth": auth_settings}
    # media_service first: contacts_service calls it (photos), so it needs its address.
    for name, module, settings_class in (
        ("media", media_server, MediaSettings),
        ("contacts", contacts_server, ContactsSettings),
        ("suggestions", suggestions_server, SuggestionsSettings),
    ):
        # contacts_service calls media_service (photos); suggestions_service reads contacts_service's
        # activity feed (started just before it) and counts redrafts in Redis.
        peers: dict[str, Any] = {}
        if name == "media":
            peers = dict(media or {})
        elif name == "contacts":
            peers = {"media_addr": f"127.0.0.1:{services['media'].port}"}
        elif name == "suggestions":
            peers = {"contacts_addr": f"127.0.0.1:{services['contacts'].port}", "redis_url": redis_url}
        service_settings = settings_class(**common, auth_addr=auth_addr, **peers)
        await asyncio.to_thread(upgrade, module.MIGRATIONS, service_settings.resolved_database_url)
        services[name] = await module.create_server(service_settings, clock=clock)
        settings[name] = service_settings
    edge_settings = EdgeSettings(
        data_dir=data_dir,
        auth_addr=auth_addr,
        contacts_addr=f"127.0.0.1:{services['contacts'].port}",
        suggestions_addr=f"127.0.0.1:{services['suggestions'].port}",
        media_addr=f"127.0.0.1:{services['media'].port}",
        # 1 s by default, for probes; the tests check what /readyz reports,
        # and on a busy 2-core machine a healthy service can take longer.
        readiness_timeout_seconds=5,
        trusted_proxies=trusted_proxies,
    )
    edge, task, port = await start_edge(edge_settings, clock)
    edge_settings.public_url = f"http://127.0.0.1:{port}"
    return Stack(f"http://127.0.0.1:{port}", services, settings, edge_settings, edge, task)
