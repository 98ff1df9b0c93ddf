"""The servers a service cannot work without (its database, Redis), watched.

A service names its dependencies when it starts
(`start_service(..., dependencies=[database.dependency(), redis_dependency(redis)])`).
From then on:
- A watcher pings each one every second with a short timeout. While any
  ping fails, the service's gRPC health is NOT_SERVING — `/readyz` names the
  service, Kubernetes takes the pod out of rotation — and its health entry
  `dependency:<name>` says which one; once every ping answers again the
  service turns SERVING by itself.
- A call that fails because a dependency is unreachable answers UNAVAILABLE
  (the edge: 503 with Retry-After) with the dependency's code
  (`database_unavailable`, `redis_unavailable`) instead of INTERNAL, and the
  watcher re-checks at once, so health follows within a fraction of a second
  rather than at the next tick.

Each dependency recognises its own connection failures (`caused`); the
interceptor asks `DependencyWatcher.blame(error)`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from pingcrm_common.background import BackgroundTask
from pingcrm_common.errors import Unavailable

log = logging.getLogger("pingcrm.dependencies")

CHECK_INTERVAL_SECONDS = 1.0
PING_TIMEOUT_SECONDS = 1.0
# What a caller is told to wait before trying again while a dependency is down.
RETRY_AFTER_SECONDS = 5
HEALTH_PREFIX = "dependency:"
# The kinds of dependency services have; `/readyz` asks each failing service about these.
DEPENDENCY_NAMES = ("database", "redis")


@dataclass(frozen=True)
class Dependency:
    """A server this service needs: how to ping it and how to recognise its failures."""

    name: str  # "database", "redis": in messages and health entries (`dependency:database`)
    ping: Callable[[], Awaitable[object]]
    caused: Callable[[BaseException], bool]
    code: str  # the error code of calls it fails (`database_unavailable`), registered in error_codes.py

    def explains(self, error: BaseException) -> bool:
        """Whether `error`, or one it was raised from, is this dependency being unreachable."""
        return any(self.caused(link) for link in error_chain(error))


def error_chain(error: BaseException) -> list[BaseException]:
    """The error and the ones it was raised from or during (drivers wrap each other's errors)."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _unavailable(name: str, code: str) -> Unavailable:
    return Unavailable(
        f"its {name} cannot be reached right now; try again shortly", code=code, retry_after_seconds=RETRY_AFTER_SECONDS
    )


class DependencyWatcher:
    """Keeps the health of one server in step with the reachability of its dependencies."""

    def __init__(
        self,
        dependencies: Sequence[Dependency],
        set_status: Callable[[str, bool], Awaitable[None]],
        *,
        interval_seconds: float = CHECK_INTERVAL_SECONDS,
        ping_timeout_seconds: float = PING_TIMEOUT_SECONDS,
    ) -> None:
        """`set_status(health_name, serving)` sets one health entry; "" is the whole service."""
        self._dependencies = list(dependencies)
        self._set_status = set_status
        self._interval = interval_seconds
        self._ping_timeout = ping_timeout_seconds
        self._failing: set[str] = set()
        self._wake = asyncio.Event()
        self._task = BackgroundTask("dependency-watcher")

    @property
    def failing(self) -> frozenset[str]:
        """Names of the dependencies whose last ping failed."""
        return frozenset(self._failing)

    async def start(self) -> None:
        """Check every dependency once (so health is right from the start), then keep watching."""
        await self.check()
        self._task.start(self._watch())

    async def stop(self) -> None:
        await self._task.stop()

    def blame(self, error: BaseException) -> Unavailable | None:
        """An UNAVAILABLE naming the dependency that `error` shows to be unreachable, else None."""
        # The outermost error that a dependency recognises decides: a Redis client error wrapping a
        # refused socket is Redis's, even though a database would recognise the socket error too.
        for link in error_chain(error):
            for dependency in self._dependencies:
                if dependency.caused(link):
                    self._failing.add(dependency.name)
                    self._wake.set()  # confirm (and flip health) now, not at the next tick
                    return _unavailable(dependency.name, dependency.code)
        return None

    def blame_failing(self) -> Unavailable | None:
        """An UNAVAILABLE naming a dependency known to be failing (a call that hung on it), else None."""
        failing = [dependency for dependency in self._dependencies if dependency.name in self._failing]
        return _unavailable(failing[0].name, failing[0].code) if failing else None

    async def check(self) -> None:
        """Ping every dependency now and set health to match."""
        results = await asyncio.gather(*(self._reachable(dependency) for dependency in self._dependencies))
        for dependency, reachable in zip(self._dependencies, results, strict=True):
            was_failing = dependency.name in self._failing
            if reachable:
                self._failing.discard(dependency.name)
                if was_failing:
                    log.warning("dependency reachable again", extra={"dependency": dependency.name})
            else:
                self._failing.add(dependency.name)
                if not was_failing:
                    log.error("dependency unreachable", extra={"dependency": dependency.name})
            await self._set_status(HEALTH_PREFIX + dependency.name, reachable)
        await self._set_status("", not self._failing)

    async def _reachable(self, dependency: Dependency) -> bool:
        try:
            async with asyncio.timeout(self._ping_timeout):
                await dependency.ping()
        except Exception as error:  # every failure means "not reachable"; what failed goes to the log
            log.debug("dependency ping failed", extra={"dependency": dependency.name, "error": repr(error)})
            return False
        return True

    async def _watch(self) -> None:
        while True:
            try:
                async with asyncio.timeout(self._interval):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
            await self.check()
