"""Run the edge with uvicorn (what `pingcrm serve edge` and the edge pod run)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from edge.app import create_app
from edge.settings import EdgeSettings
from pingcrm_common.logs import configure_logging

SHUTDOWN_GRACE_SECONDS = 5


def server_config(app: FastAPI, settings: EdgeSettings, *, port: int | None = None) -> uvicorn.Config:
    """How the edge is served, here and in tests: the one place that decides whose X-Forwarded-For counts.

    uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise;
    the edge believes it only from PINGCRM_TRUSTED_PROXIES (nobody by
    default), and then takes the nearest address that is not a trusted proxy.
    uvloop and httptools serve when installed (uvicorn's "auto").
    """
    trusted = settings.trusted_proxy_list
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port if port is None else port,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,
        log_config=None,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )


def main() -> None:
    settings = EdgeSettings()
    configure_logging("edge", settings.log_level)
    uvicorn.Server(server_config(create_app(settings), settings)).run()
