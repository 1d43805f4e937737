"""The hot path of the phones' polling: `GET /api/v1/courier/tasks` answered before routing."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol
from urllib.parse import parse_qs

from fastapi import HTTPException
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.types import ASGIApp, Receive, Scope, Send

from courier_sync.contract import parse_iso_date
from courier_sync.server.auth import TokenRefused


class Service(Protocol):
    """What the fast path needs of the app's Service."""

    async def run(self, fn: Any, *args: Any) -> Any:
        """Run blocking work in the thread pool."""

    def task_list(self, token: str, day: dt.date) -> bytes:
        """The encoded task list (or HTTPException 401)."""

    def cached_task_list(self, token: str, day: dt.date) -> bytes | None:
        """The encoded task list from memory, or None."""


TASKS_PATH = "/api/v1/courier/tasks"


def _fast_path_args(scope: Scope) -> tuple[str, dt.date] | None:
    """The token and date of a well-formed task-list request, else None (FastAPI decides)."""
    dates = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("date", [])
    if len(dates) != 1:
        return None
    try:
        day = parse_iso_date(dates[0])
    except ValueError:
        return None
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip(), day
            return None
    return None


class TaskListFastPath:
    """Answers well-formed `GET /api/v1/courier/tasks` itself, skipping routing and dependencies.

    Phones poll this endpoint more than all others together, and FastAPI's per-request
    machinery costs more than the (cached) answer. The declared route stays the reference:
    it documents the endpoint and handles every request the fast path does not take
    (missing or malformed date or credentials), so errors look the same as everywhere.
    """

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == TASKS_PATH:
            args = _fast_path_args(scope)
            if args is not None:
                cached = self.service.cached_task_list(*args)
                if cached is not None:
                    await _send_json(send, cached)
                    return
                try:
                    body = await self.service.run(self.service.task_list, *args)
                except HTTPException as exc:
                    # A refused token says why (`reason`: expired, revoked, unknown).
                    problem = {"detail": exc.detail}
                    if isinstance(exc, TokenRefused):
                        problem = exc.body()
                    response: Response = JSONResponse(
                        problem, status_code=exc.status_code, headers=exc.headers
                    )
                except OperationalError:
                    response = unavailable()
                else:
                    response = Response(body, media_type="application/json")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _send_json(send: Send, body: bytes) -> None:
    """A 200 JSON answer straight to the server (the cached path's answer, without a Response)."""
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def unavailable() -> JSONResponse:
    """503: the database is busy or down (a retry soon may work)."""
    return JSONResponse(
        {"detail": "the service's database is busy or unavailable; retry shortly"},
        status_code=503,
        headers={"Retry-After": "1"},
    )
