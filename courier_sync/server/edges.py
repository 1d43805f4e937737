"""The service's edges: body limits, slowing down guessed credentials, long-poll caps, headers.

These are plain ASGI middlewares, outside FastAPI's routing, so they act before a body is
parsed or a credential is looked up: a 40 MB body from nobody costs the service nothing.
"""

from __future__ import annotations

import collections
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 4 * 1024 * 1024
DEFAULT_AUTH_FAILURES = 30
AUTH_WINDOW_S = 60.0
DEFAULT_POLLS_PER_TOKEN = 4
MAX_SETTING = 10_000_000
ENV = {
    "max_body_kb": "COURIER_SYNC_MAX_BODY_KB",
    "auth_failures": "COURIER_SYNC_AUTH_FAILURES",
    "polls_per_token": "COURIER_SYNC_POLLS_PER_TOKEN",
}
# The page's scripts and styles are files of its own origin: nothing inline may run, and
# nobody may frame it (the device token lives in its storage).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000"
NO_STORE_PREFIXES = ("/api/", "/healthz", "/openapi.json", "/pair", "/portal/api/")


@dataclass(frozen=True, slots=True)
class EdgeSettings:
    """Limits at the service's edge (all configurable on `courier-sync serve`)."""

    max_body: int = DEFAULT_MAX_BODY
    auth_failures: int = DEFAULT_AUTH_FAILURES
    auth_window_s: float = AUTH_WINDOW_S
    polls_per_token: int = DEFAULT_POLLS_PER_TOKEN

    @classmethod
    def from_env(cls, **overrides: int | None) -> EdgeSettings:
        """Settings from COURIER_SYNC_MAX_BODY_KB, ..._AUTH_FAILURES, ..._POLLS_PER_TOKEN."""
        values: dict[str, int] = {}
        for name, env in ENV.items():
            raw = os.environ.get(env, "").strip()
            if raw:
                if not raw.isdigit() or not 1 <= int(raw) <= MAX_SETTING:
                    raise ValueError(f"{env} must be a whole number from 1 to {MAX_SETTING}")
                values[name] = int(raw)
        for name, value in overrides.items():
            if value is not None:
                if not 1 <= value <= MAX_SETTING:
                    raise ValueError(f"{name.replace('_', '-')} must be from 1 to {MAX_SETTING}")
                values[name] = value
        if "max_body_kb" in values:
            values["max_body"] = values.pop("max_body_kb") * 1024
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The environment that makes `from_env` give these settings (for worker processes)."""
        return {
            ENV["max_body_kb"]: str(max(1, self.max_body // 1024)),
            ENV["auth_failures"]: str(self.auth_failures),
            ENV["polls_per_token"]: str(self.polls_per_token),
        }


async def _answer(send: Send, status: int, detail: str, headers: dict[str, str]) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    # The rest of an oversized body is not read: tell the client the connection ends.
    raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """413 for a body over the limit: by Content-Length at once, or while it streams in.

    `larger` gives a few exact paths a limit of their own (the portal's claim form with photos).
    """

    def __init__(self, app: ASGIApp, max_body: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.max_body)
        too_big = f"the request body is over the limit of {limit} bytes"
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > limit):
                await _answer(send, 413, too_big, {})
                return
        seen = 0
        cut = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, cut
            if cut:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # The app sees a client that went away; the 413 is ours to send.
                    cut = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if cut:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counting_receive, guarded_send)
        if cut and not started:
            await _answer(send, 413, too_big, {})


class AuthThrottle:
    """429 with Retry-After for an address that got too many 401s in the last minute.

    Counts the 401 answers themselves, so every way of being refused (site key, device
    token, pairing) counts alike. The static page and /healthz stay reachable.
    """

    def __init__(self, app: ASGIApp, limit: int, window_s: float = AUTH_WINDOW_S) -> None:
        self.app = app
        self.limit = limit
        self.window_s = window_s
        self.failures: dict[str, collections.deque[float]] = {}

    def _recent(self, address: str, now: float) -> collections.deque[float]:
        times = self.failures.setdefault(address, collections.deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        now = time.monotonic()
        times = self._recent(address, now)
        if len(times) >= self.limit:
            wait = max(1, int(times[0] + self.window_s - now + 0.999))
            await _answer(
                send,
                429,
                "too many refused credentials from this address; retry later",
                {"Retry-After": str(wait)},
            )
            return
        if not times:
            self.failures.pop(address, None)

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self._recent(address, time.monotonic()).append(time.monotonic())
                if len(self.failures) > 100_000:  # a botnet must not grow this forever
                    self.failures.clear()
            await send(message)

        await self.app(scope, receive, watching_send)


class SecurityHeaders:
    """Headers on every response: CSP, nosniff, no framing, no referrer; no-store on the API."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]
        if scope["path"].startswith(NO_STORE_PREFIXES):
            extra.append((b"cache-control", b"no-store"))
        if scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", HSTS.encode()))
        names = {name for name, _ in extra}

        async def adding_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, adding_send)


class PollLimiter:
    """At most N long polls waiting at once per credential: more get 429."""

    def __init__(self, per_token: int) -> None:
        self.per_token = per_token
        self.waiting: collections.Counter[str] = collections.Counter()

    @contextmanager
    def slot(self, token: str, wait: float) -> Iterator[None]:
        """Hold one of the token's long-poll slots for the request (none for wait=0)."""
        if wait <= 0:
            yield
            return
        if self.waiting[token] >= self.per_token:
            raise HTTPException(
                429,
                detail=f"at most {self.per_token} long polls may wait at once per credential",
                headers={"Retry-After": "1"},
            )
        self.waiting[token] += 1
        try:
            yield
        finally:
            self.waiting[token] -= 1
            if self.waiting[token] <= 0:
                del self.waiting[token]
