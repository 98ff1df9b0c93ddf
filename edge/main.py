"""Run the edge with uvicorn (what `pingcrm serve edge` and the edge pod run)."""

from __future__ import annotations

import uvicorn

from edge.app import create_app
from edge.settings import EdgeSettings
from pingcrm_common.logs import configure_logging


def main() -> None:
    settings = EdgeSettings()
    configure_logging("edge", settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=5,
    )
