"""Couriers' task lists answered from memory while nothing changed: no thread hop, no query.

The phones poll their lists far more often than anything changes. A list's body is cached
per (courier, day) together with the courier's notification generation (`notify.Notifier`),
read *before* the list was read: every write through this process notifies the couriers it
touched at once, and the change watcher notifies the couriers changed by other processes
within its interval, so while the generation has not moved the cached body is the current
one (a write through another process shows after at most the watcher's interval, as it wakes
long polls). The memory path is used only while the watcher reads the database on schedule,
and only for bodies read after its first look (writes before it are never notified).

A token is taken from memory for `TOKEN_TTL_S` seconds after the database last accepted it:
a revoked token is refused at most that long after its revocation; an expired one at once.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from courier_sync.server.auth import hash_token
from courier_sync.server.notify import Notifier, Watcher, courier_key
from storage.timestamps import utcnow

TOKEN_TTL_S = 2.0
LIST_CACHE_SIZE = 5_000  # couriers
TOKEN_CACHE_SIZE = 20_000


@dataclass(frozen=True, slots=True)
class _Token:
    courier_id: int
    expires_at: dt.datetime | None
    checked_at: float  # monotonic time the database last accepted it


@dataclass(frozen=True, slots=True)
class _Body:
    revision: int
    generation: int | None  # None: not known to precede the read (not for the memory path)
    body: bytes


class TaskListCache:
    """Encoded task lists and recently accepted device tokens of one service process."""

    def __init__(self, notifier: Notifier, watcher: Watcher, ttl: float = TOKEN_TTL_S) -> None:
        self.notifier = notifier
        self.watcher = watcher
        self.ttl = ttl
        self._tokens: dict[str, _Token] = {}
        self._lists: dict[int, dict[dt.date, _Body]] = {}  # courier -> day -> body

    # -------------------------------------------------------------- event loop
    def answer(self, token: str, day: dt.date) -> bytes | None:
        """The body from memory if it is known current, else None (read the database)."""
        if not self.watcher.healthy:
            return None
        known = self._tokens.get(hash_token(token))
        if known is None or time.monotonic() - known.checked_at > self.ttl:
            return None
        if known.expires_at is not None and known.expires_at <= utcnow():
            return None
        cached = self._lists.get(known.courier_id, {}).get(day)
        if cached is None or cached.generation is None:
            return None
        if cached.generation != self.notifier.generation(courier_key(known.courier_id)):
            return None
        return cached.body

    def seen_revision(self, courier_id: int, revision: int) -> None:
        """A long poll read the courier's revision: drop bodies older than it.

        A phone told "changed" by a long poll asks for its list at once, possibly before the
        watcher noticed another process's write; the list must not be the old one then.
        """
        days = self._lists.get(courier_id)
        # list(): one step under the GIL, while a pool thread may add a day meanwhile.
        if days and any(body.revision != revision for body in list(days.values())):
            del self._lists[courier_id]

    # -------------------------------------------------------------- thread pool
    def generation_before_read(self, token: str) -> tuple[int | None, int | None]:
        """(courier, generation) to note before reading the database; (None, None) if unknown.

        A token always belongs to the same courier, so a token seen before names the courier
        whose generation to note before the query that checks the token again.
        """
        known = self._tokens.get(hash_token(token))
        if known is None or not self.watcher.has_baseline:
            return None, None
        return known.courier_id, self.notifier.generation(courier_key(known.courier_id))

    def accepted(self, token: str, courier_id: int, expires_at: dt.datetime | None) -> None:
        """The database accepted `token` just now."""
        if len(self._tokens) >= TOKEN_CACHE_SIZE:
            self._tokens.clear()
        self._tokens[hash_token(token)] = _Token(courier_id, expires_at, time.monotonic())

    def at_revision(self, courier_id: int, day: dt.date, revision: int) -> bytes | None:
        """The cached body if it was read at `revision`."""
        cached = self._lists.get(courier_id, {}).get(day)
        return cached.body if cached is not None and cached.revision == revision else None

    def store(
        self, courier_id: int, day: dt.date, revision: int, generation: int | None, body: bytes
    ) -> None:
        """Remember a body read at `revision`, with the generation noted before the read."""
        days = self._lists.get(courier_id)
        if days is None:
            if len(self._lists) >= LIST_CACHE_SIZE:
                self._lists.clear()
            days = self._lists[courier_id] = {}
        days[day] = _Body(revision, generation, body)
