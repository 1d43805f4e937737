"""Wake-ups for long polls: instant within a process, by watching the database across processes.

Handlers that wrote something notify the keys they touched ("feed", "courier:<id>") on the
event loop. A watcher task looks at the database's counters a few times a second so that a
write made by another worker process (or another server on the same PostgreSQL) wakes the
waiters here too; it only asks which couriers changed, so a change wakes only their phones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from courier_sync.server import store
from courier_sync.server.db import reading

logger = logging.getLogger(__name__)

FEED = "feed"
PORTAL_FEED = "portal_feed"


def courier_key(courier_id: int) -> str:
    """The notification key of one courier's task set."""
    return f"courier:{courier_id}"


class Notifier:
    """Per-key generations and events; used only from the event loop's thread."""

    def __init__(self) -> None:
        self._generation: dict[str, int] = {}
        self._events: dict[str, asyncio.Event] = {}

    def generation(self, key: str) -> int:
        """A number that moves whenever `key` is notified; read it before looking at the data."""
        return self._generation.get(key, 0)

    def notify(self, keys: Iterable[str]) -> None:
        """Wake everybody waiting on any of the keys."""
        for key in keys:
            self._generation[key] = self._generation.get(key, 0) + 1
            event = self._events.pop(key, None)
            if event is not None:
                event.set()

    async def wait(self, key: str, seen: int, timeout: float) -> None:
        """Return when `key` moved past generation `seen`, or after `timeout` seconds."""
        if self.generation(key) != seen or timeout <= 0:
            return
        event = self._events.get(key)
        if event is None:
            event = self._events[key] = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


class Watcher:
    """Polls the counters and notifies keys changed by other processes."""

    def __init__(self, engine: Engine, notifier: Notifier, interval: float = 0.2) -> None:
        self.engine = engine
        self.notifier = notifier
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._last_look: float | None = None  # loop time of the last good look

    @property
    def healthy(self) -> bool:
        """True while the watcher reads the database on schedule (it wakes every waiter then)."""
        if self._last_look is None:
            return False
        return asyncio.get_running_loop().time() - self._last_look < 5 * self.interval + 1.0

    def _look(self, last: store.Watermark | None) -> tuple[store.Watermark, list[str]]:
        with reading(self.engine) as conn:
            mark = store.watermark(conn)
            if last is None:
                return mark, []
            keys = [FEED] if mark.feed != last.feed else []
            if mark.portal_feed != last.portal_feed:
                keys.append(PORTAL_FEED)
            if mark.revision != last.revision:
                keys += [courier_key(c) for c in store.couriers_changed_since(conn, last.revision)]
            return mark, keys

    async def _run(self) -> None:
        last: store.Watermark | None = None
        while True:
            try:
                last, keys = await run_in_threadpool(self._look, last)
                self._last_look = asyncio.get_running_loop().time()
                if keys:
                    self.notifier.notify(keys)
            except Exception:  # the database may be restarting: keep watching
                logger.warning("change watcher could not read the database", exc_info=True)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        """Start watching on the running event loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop watching."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
