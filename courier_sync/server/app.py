"""The sync service: a FastAPI app over its own database, for the desktop relay and the phones.

Handlers are `async` and do every database call in the thread pool, so a long poll costs an
awaiting coroutine, not a thread. Writes notify waiters in this process at once; the watcher
(`notify.Watcher`) covers writes made by other processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from courier_sync.contract import (
    TASK_ID_PATTERN,
    Batch,
    BatchResult,
    Changes,
    EventResult,
    Feed,
    IsoDate,
    Me,
    Problem,
    Renewal,
    Task,
    TaskCancel,
    TaskEvent,
    TaskList,
    TaskView,
    UpsertResult,
)
from courier_sync.server import auth, portal_api, store
from courier_sync.server.config import DB_URL_ENV
from courier_sync.server.db import make_engine, reading
from courier_sync.server.edges import (
    AuthThrottle,
    BodyLimit,
    EdgeSettings,
    PollLimiter,
    SecurityHeaders,
)
from courier_sync.server.fast_path import TaskListFastPath, unavailable
from courier_sync.server.notify import FEED, Notifier, Watcher, courier_key
from courier_sync.server.pairing import PairingSettings
from courier_sync.server.pairing_api import pairing_router
from courier_sync.server.portal_auth import PortalSettings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
MAX_WAIT_S = 30.0
# How often a long poll re-reads the database without a notification while the watcher is not
# keeping up (it wakes every waiter of a changed key, other processes' writes included). With
# a healthy watcher a parked poll costs no queries: 5,000 phones re-reading every 2 s were
# 2,500 queries/s that starved the writes (bench service, 2026-12-08).
FALLBACK_POLL_S = 2.0
MAX_CURSOR = 2**62
# Bodies of (courier, day) lists; a day's list is ~20 KB for a courier with 20 deliveries.
LIST_CACHE_SIZE = 5_000

T = TypeVar("T")

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="The site key (site endpoints) or a courier's device token (courier endpoints).",
)
TaskIdParam = Annotated[str, PathParam(pattern=TASK_ID_PATTERN, description="32 hex digits")]
WaitParam = Annotated[
    float,
    Query(ge=0, le=MAX_WAIT_S, allow_inf_nan=False, description="long-poll seconds (0..30)"),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing, wrong, expired or revoked credentials"},
    413: {"model": Problem, "description": "The body is over the service's limit"},
    422: {"description": "Malformed request: `detail` lists the bad fields"},
    429: {"model": Problem, "description": "Too many refused credentials or long polls"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "Not found"}}


class Service:
    """What the handlers share: the engine, the notifier and the watcher."""

    def __init__(self, engine: Engine, watch_interval: float, polls_per_token: int) -> None:
        self.engine = engine
        self.polls = PollLimiter(polls_per_token)
        self.notifier = Notifier()
        self.watcher = Watcher(engine, self.notifier, watch_interval)
        self._lists: dict[tuple[int, dt.date], tuple[int, bytes]] = {}

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking database work in the thread pool."""
        return await run_in_threadpool(fn, *args)

    def task_list(self, token: str, day: dt.date) -> bytes:
        """The body of a courier's task list: one query when the list did not change.

        The token check and the courier's revision come in one query; the encoded list is
        cached per (courier, day) under the revision it was read at, and every change of a
        courier's tasks moves that revision, so a cached body is never stale.
        """
        with reading(self.engine) as conn:
            who, revision = auth.identify_with_revision(conn, token)
            if who is None or who.kind != auth.KIND_DEVICE or who.courier_id is None:
                raise auth.refused(conn, token)
            key = (who.courier_id, day)
            cached = self._lists.get(key)
            if cached is not None and cached[0] == revision:
                return cached[1]
            tasks = store.list_tasks(conn, who.courier_id, day)
        body = json.dumps(
            {"date": day.isoformat(), "revision": revision, "tasks": tasks}, ensure_ascii=False
        ).encode()
        if len(self._lists) >= LIST_CACHE_SIZE:
            self._lists.clear()
        self._lists[key] = (revision, body)
        return body

    def recheck_after(self, remaining: float) -> float:
        """How long a parked long poll may wait before it reads the database again."""
        return remaining if self.watcher.healthy else min(remaining, FALLBACK_POLL_S)

    def identify(self, token: str, kind: str) -> auth.Identity:
        """The owner of the token, or 401."""
        with reading(self.engine) as conn:
            who = auth.identify(conn, token)
            if who is None or who.kind != kind:
                raise auth.refused(conn, token)
        return who

    async def long_poll(
        self, key: str, token: str, wait: float, read: Callable[[], tuple[list[T], int]]
    ) -> tuple[list[T], int]:
        """`read()` (items, cursor) at once, or when `key` is notified within `wait` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        with self.polls.slot(token, wait):
            while True:
                seen = self.notifier.generation(key)
                items, cursor = await self.run(read)
                remaining = deadline - loop.time()
                if items or remaining <= 0:
                    return items, cursor
                await self.notifier.wait(key, seen, self.recheck_after(remaining))

    def refused(self, token: str) -> auth.TokenRefused:
        """The 401 for `token`, saying why it is not accepted."""
        with reading(self.engine) as conn:
            return auth.refused(conn, token)


async def _service(request: Request) -> Service:
    # async on purpose: FastAPI runs plain `def` dependencies in the thread pool.
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(_service)]


async def _token(
    creds: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
) -> str:
    if creds is None or not creds.credentials:
        raise auth.TokenRefused(auth.REFUSED_UNKNOWN, "send `Authorization: Bearer <token>`")
    return creds.credentials


async def _site(service: ServiceDep, token: Annotated[str, Depends(_token)]) -> auth.Identity:
    return await service.run(service.identify, token, auth.KIND_SITE)


async def _courier(service: ServiceDep, token: Annotated[str, Depends(_token)]) -> auth.Identity:
    return await service.run(service.identify, token, auth.KIND_DEVICE)


Token = Annotated[str, Depends(_token)]
Site = Annotated[auth.Identity, Depends(_site)]
CourierId = Annotated[auth.Identity, Depends(_courier)]


def _json(data: Any) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), media_type="application/json")


async def _write_one(service: Service, item: Task | TaskCancel) -> UpsertResult:
    """Store one upsert or cancel and wake the courier's waiting task list."""
    out = await service.run(store.write_tasks, service.engine, [item])
    service.notifier.notify(courier_key(c) for c in out.couriers)
    result: UpsertResult = out.results[0]
    return result


def _mismatch(field: str, detail: str) -> HTTPException:
    return HTTPException(
        422, detail=[{"loc": ["path", field], "msg": detail, "type": "value_error"}]
    )


def create_app(
    db_url: str | None = None,
    *,
    watch_interval: float = 0.2,
    pairing: PairingSettings | None = None,
    edges: EdgeSettings | None = None,
    docs: bool = False,
    portal: PortalSettings | None = None,
) -> FastAPI:
    """The service's ASGI app over the database at `db_url` (already migrated).

    `docs` serves FastAPI's interactive pages, which load scripts from a CDN: never on the
    courier page's origin in production (the CSP blocks them anyway); /openapi.json stays.
    """
    edges = edges or EdgeSettings()
    engine = make_engine(db_url)
    service = Service(engine, watch_interval, edges.polls_per_token)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.watcher.start()
        try:
            yield
        finally:
            await service.watcher.stop()
            engine.dispose()

    app = FastAPI(
        title="Dispatch Desk courier sync",
        version="1",
        description="Courier tasks from the desktop to the phones, and their events back.",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url=None,
    )
    app.state.service = service
    app.state.pairing = pairing or PairingSettings()
    # Each add wraps the ones before: the headers go on every answer, refusals come before
    # any body is read, and the fast path runs only for requests that got that far.
    app.add_middleware(TaskListFastPath, service=service)
    app.add_middleware(
        BodyLimit,
        max_body=edges.max_body,
        larger={portal_api.CLAIMS_PATH: max(edges.max_body, portal_api.CLAIM_BODY_LIMIT)},
    )
    app.add_middleware(AuthThrottle, limit=edges.auth_failures, window_s=edges.auth_window_s)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(store.StoreError)
    async def _store_error(_request: Request, exc: store.StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @app.exception_handler(auth.TokenRefused)
    async def _token_refused(_request: Request, exc: auth.TokenRefused) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=401, headers=exc.headers)

    @app.exception_handler(OperationalError)
    async def _db_down(_request: Request, exc: OperationalError) -> JSONResponse:
        logger.warning("database unavailable: %s", exc)
        return unavailable()

    @app.get("/healthz", tags=["service"])
    async def healthz(service: ServiceDep) -> dict[str, str]:
        """Readiness: the service answers and its database is reachable."""

        def ping() -> None:
            with reading(service.engine) as conn:
                conn.execute(text("SELECT 1"))

        await service.run(ping)
        return {"status": "ok"}

    # ------------------------------------------------------------------ site (desktop relay)
    @app.put(
        "/api/v1/site/tasks/{task_id}",
        response_model=UpsertResult,
        responses=ERRORS,
        tags=["site"],
    )
    async def upsert_task(
        task_id: TaskIdParam, task: Task, service: ServiceDep, _site: Site
    ) -> UpsertResult:
        """Create or update a task; a same or older version changes nothing (applied=false)."""
        if task.task_id != task_id:
            raise _mismatch("task_id", "the path's task id differs from the body's task_id")
        return await _write_one(service, task)

    @app.post(
        "/api/v1/site/tasks/{task_id}/cancel",
        response_model=UpsertResult,
        responses=ERRORS,
        tags=["site"],
    )
    async def cancel_task(
        task_id: TaskIdParam, cancel: TaskCancel, service: ServiceDep, _site: Site
    ) -> UpsertResult:
        """Cancel a task; an unknown task gets a tombstone so that a late upsert stays dead."""
        if cancel.task_id != task_id:
            raise _mismatch("task_id", "the path's task id differs from the body's task_id")
        return await _write_one(service, cancel)

    @app.post(
        "/api/v1/site/tasks:batch",
        response_model=BatchResult,
        responses=ERRORS,
        tags=["site"],
    )
    async def batch(body: Batch, service: ServiceDep, _site: Site) -> BatchResult:
        """Upserts and cancels applied in order in one transaction (relay throughput)."""
        ops: list[Task | TaskCancel] = []
        for item in body.items:
            op = item.task if item.task is not None else item.cancel
            assert op is not None
            ops.append(op)
        out = await service.run(store.write_tasks, service.engine, ops)
        service.notifier.notify(courier_key(c) for c in out.couriers)
        return BatchResult(results=out.results)

    @app.get(
        "/api/v1/site/events",
        response_model=Feed,
        responses=ERRORS,
        tags=["site"],
    )
    async def site_events(
        service: ServiceDep,
        _site: Site,
        token: Token,
        after: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        wait: WaitParam = 0,
    ) -> Response:
        """Courier events after the cursor, oldest first; waits up to `wait` s for new ones."""

        def page() -> tuple[list[str], int]:
            with reading(service.engine) as conn:
                return store.feed_page(conn, after, limit)

        texts, cursor = await service.long_poll(FEED, token, wait, page)
        body = '{"events":[' + ",".join(texts) + f'],"cursor":{cursor}}}'
        return Response(body, media_type="application/json")

    # ------------------------------------------------------------------ courier (phone)
    @app.get("/api/v1/courier/me", response_model=Me, responses=ERRORS, tags=["courier"])
    async def me(who: CourierId) -> Me:
        """Who the device token belongs to."""
        assert who.courier_id is not None
        return Me(
            courier_id=who.courier_id,
            name=who.name or None,
            expires_at=who.expires_at,
            renew_after=who.renew_after,
        )

    @app.post(
        "/api/v1/courier/token/renew", response_model=Renewal, responses=ERRORS, tags=["courier"]
    )
    async def renew_token(service: ServiceDep, token: Token, request: Request) -> Renewal:
        """A fresh device token; the one sent keeps working for a few minutes, then ends."""
        settings = request.app.state.pairing
        renewed = await service.run(
            auth.renew, service.engine, token, settings.token_lifetime, settings.renew_grace
        )
        if renewed is None:
            raise await service.run(service.refused, token)
        return Renewal(
            token=renewed.token, courier_id=renewed.courier_id, expires_at=renewed.expires_at
        )

    @app.get("/api/v1/courier/tasks", response_model=TaskList, responses=ERRORS, tags=["courier"])
    async def courier_tasks(
        date: Annotated[IsoDate, Query(description="YYYY-MM-DD")],
        service: ServiceDep,
        token: Token,
    ) -> Response:
        """The caller's tasks of the day in route order, cancelled ones included."""
        # The hot path of the service: token, revision and (cached) list in one thread hop.
        body = await service.run(service.task_list, token, date)
        return Response(body, media_type="application/json")

    @app.get(
        "/api/v1/courier/tasks/{task_id}",
        response_model=TaskView,
        responses={**ERRORS, **NOT_FOUND},
        tags=["courier"],
    )
    async def courier_task(task_id: TaskIdParam, service: ServiceDep, who: CourierId) -> Response:
        """One of the caller's tasks; somebody else's or an unknown one is 404."""
        courier_id = who.courier_id
        assert courier_id is not None

        def load() -> dict[str, Any] | None:
            with reading(service.engine) as conn:
                return store.get_task(conn, courier_id, task_id)

        task = await service.run(load)
        if task is None:
            raise HTTPException(404, detail=f"task {task_id} is not one of your tasks")
        return _json(task)

    @app.get("/api/v1/courier/changes", response_model=Changes, responses=ERRORS, tags=["courier"])
    async def courier_changes(
        service: ServiceDep,
        who: CourierId,
        token: Token,
        after: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
        wait: WaitParam = 0,
    ) -> Changes:
        """Returns when the caller's task set moved past `after`, or after `wait` seconds."""
        courier_id = who.courier_id
        assert courier_id is not None
        key = courier_key(courier_id)

        def revision() -> int:
            with reading(service.engine) as conn:
                return store.courier_revision(conn, courier_id)

        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        with service.polls.slot(token, wait):
            while True:
                seen = service.notifier.generation(key)
                current = await service.run(revision)
                remaining = deadline - loop.time()
                if current != after or remaining <= 0:
                    return Changes(revision=current)
                await service.notifier.wait(key, seen, service.recheck_after(remaining))

    @app.post(
        "/api/v1/courier/tasks/{task_id}/events",
        response_model=EventResult,
        responses={
            **ERRORS,
            **NOT_FOUND,
            409: {
                "model": Problem,
                "description": "The task was cancelled, or the event_id was used for another event",
            },
        },
        tags=["courier"],
    )
    async def post_event(
        task_id: TaskIdParam, event: TaskEvent, service: ServiceDep, who: CourierId
    ) -> EventResult:
        """Record what the courier did once: a replay writes nothing and answers applied=false."""
        if event.task_id != task_id:
            raise _mismatch("task_id", "the path's task id differs from the body's task_id")
        assert who.courier_id is not None
        out = await service.run(store.post_event, service.engine, who.courier_id, event)
        keys = [courier_key(c) for c in out.couriers]
        service.notifier.notify([*keys, FEED] if out.feed else keys)
        result: EventResult = out.results[0]
        return result

    app.include_router(pairing_router(_site))
    portal_api.install(app, _site, portal or PortalSettings.from_env())

    # ------------------------------------------------------------------ courier web app
    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/courier/")

    @app.get("/courier", include_in_schema=False)
    async def courier_root() -> RedirectResponse:
        return RedirectResponse("/courier/")

    @app.get("/portal", include_in_schema=False)
    async def portal_root() -> RedirectResponse:
        return RedirectResponse("/portal/")

    # The client portal's pages (before /courier: StaticFiles of a parent would not see it).
    app.mount(
        "/portal",
        StaticFiles(directory=STATIC_DIR / "portal", html=True, check_dir=False),
        name="portal",
    )
    with contextlib.suppress(OSError):
        STATIC_DIR.mkdir(exist_ok=True)
    app.mount(
        "/courier",
        StaticFiles(directory=STATIC_DIR, html=True, check_dir=False),
        name="courier",
    )
    return app


def create_app_from_env() -> FastAPI:
    """The app over COURIER_SYNC_DB_URL (what `serve --workers N` hands each worker)."""
    return create_app(
        os.environ.get(DB_URL_ENV) or None,
        pairing=PairingSettings.from_env(),
        edges=EdgeSettings.from_env(),
        docs=os.environ.get("COURIER_SYNC_DOCS") == "1",
        portal=PortalSettings.from_env(),
    )
