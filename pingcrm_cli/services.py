"""The processes that make up PingCRM, and how to run each one."""

from __future__ import annotations

import importlib
from collections.abc import Callable

# Start order: auth first (others ask it about sessions), the edge last.
SERVICES = ("auth", "contacts", "suggestions", "media")
PROCESSES = (*SERVICES, "edge")


def entry_point(name: str) -> Callable[[], None]:
    """The `main()` that runs process `name` in the foreground."""
    module = "edge.main" if name == "edge" else f"{name}_service.server"
    return importlib.import_module(module).main  # type: ignore[no-any-return]


def migration_target(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"{name}_service.models").MIGRATIONS


def settings_for(name: str):  # type: ignore[no-untyped-def]
    module = importlib.import_module(f"{name}_service.settings")
    return getattr(module, f"{name.capitalize()}Settings")()
