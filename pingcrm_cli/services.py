"""The processes that make up PingCRM, and how to run each one."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from pingcrm_common.migrations import MigrationTarget
from pingcrm_common.settings import ServiceSettings

# Start order: auth first (others ask it about sessions), the edge last.
SERVICES = ("auth", "contacts", "suggestions", "media")
PROCESSES = (*SERVICES, "edge")


def entry_point(name: str) -> Callable[[], None]:
    """The `main()` that runs process `name` in the foreground."""
    module = "edge.main" if name == "edge" else f"{name}_service.server"
    main: Callable[[], None] = importlib.import_module(module).main
    return main


def migration_target(name: str) -> MigrationTarget:
    target: MigrationTarget = importlib.import_module(f"{name}_service.models").MIGRATIONS
    return target


def settings_for(name: str) -> ServiceSettings:
    module = importlib.import_module(f"{name}_service.settings")
    settings: ServiceSettings = getattr(module, f"{name.capitalize()}Settings")()
    return settings
