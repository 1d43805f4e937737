"""HTTP routes of phone pairing: the desk issues codes and revokes lost phones, a phone pairs.

The site routes need the site key (the same dependency as the other site routes, handed in
by `app.create_app` so that this module does not import the app); `POST /api/v1/pair` takes
no credentials: the code is the credential, so wrong codes are counted per address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from courier_sync.server import auth, pairing
from courier_sync.server.pairing import PairingRefused, PairingSettings

CourierPathId = Annotated[
    int, PathParam(ge=1, le=pairing.MAX_COURIER_ID, description="the desk's courier id")
]


class PairingCodeRequest(BaseModel):
    """Options of a new code; an empty body takes the service's defaults."""

    model_config = ConfigDict(extra="forbid")

    minutes: int | None = Field(
        default=None, ge=1, le=60, description="lifetime in minutes (default: the service's)"
    )
    name: str = Field(
        default="", max_length=200, description="the courier's name, shown on the paired phone"
    )


class PairingCodeOut(BaseModel):
    """A new code: show `code` to type and `pair_url` as a QR code; neither is stored in clear."""

    code: str = Field(pattern=r"^[0-9]{8}$", description="8 digits")
    courier_id: int
    expires_at: dt.datetime
    pair_url: str = Field(description="the courier page that pairs by itself: /courier/#pair=CODE")


class PairRequest(BaseModel):
    """What the courier's page sends: the code as typed or taken from the pair link."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=64, description="8 digits; spaces and dashes are ignored")


class PairResult(BaseModel):
    """The new device token (kept by the phone; shown nowhere else) and whose it is."""

    token: str
    courier_id: int


class PairProblem(BaseModel):
    """Why a code did not sign the phone in; `reason` lets the page say it in its language."""

    detail: str
    reason: Literal["unknown", "expired", "used", "void", "malformed", "rate_limited"]


class RevokeResult(BaseModel):
    """What revoking a courier's devices did."""

    courier_id: int
    revoked_tokens: int = Field(description="device tokens that stop working now")
    voided_codes: int = Field(description="unused pairing codes that can no longer be used")


SITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, wrong or revoked site key"},
    422: {"description": "Malformed request: `detail` lists the bad fields"},
}
PAIR_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": PairProblem, "description": "No such code"},
    410: {"model": PairProblem, "description": "The code expired, was used, or was replaced"},
    422: {"model": PairProblem, "description": "Not a code (8 digits), or a malformed body"},
    429: {"model": PairProblem, "description": "Too many wrong codes from this address"},
}


def _settings(request: Request) -> PairingSettings:
    settings: PairingSettings = request.app.state.pairing
    return settings


def _pair_url(request: Request, code: str) -> str:
    base = _settings(request).public_url or str(request.base_url)
    return base.rstrip("/") + pairing.pair_path(code)


def _problem(exc: PairingRefused) -> JSONResponse:
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return JSONResponse(
        {"detail": exc.detail, "reason": exc.reason}, status_code=exc.status, headers=headers
    )


def pairing_router(site: Callable[..., Awaitable[auth.Identity]]) -> APIRouter:
    """The pairing routes; `site` is the app's site-key dependency."""
    router = APIRouter()

    @router.post(
        "/api/v1/site/couriers/{courier_id}/pairing-codes",
        response_model=PairingCodeOut,
        responses=SITE_ERRORS,
        tags=["site"],
        dependencies=[Depends(site)],
    )
    async def issue_pairing_code(
        courier_id: CourierPathId, request: Request, body: PairingCodeRequest | None = None
    ) -> PairingCodeOut:
        """A one-time code that signs the courier's phone in; older unused codes become void."""
        settings = _settings(request)
        minutes = body.minutes if body and body.minutes else settings.minutes
        minutes = min(minutes, settings.max_minutes)
        issued = await run_in_threadpool(
            pairing.issue_code,
            request.app.state.service.engine,
            courier_id,
            minutes,
            name=body.name if body else "",
            max_minutes=settings.max_minutes,
        )
        return PairingCodeOut(
            code=issued.code,
            courier_id=issued.courier_id,
            expires_at=issued.expires_at,
            pair_url=_pair_url(request, issued.code),
        )

    @router.post(
        "/api/v1/site/couriers/{courier_id}/devices/revoke",
        response_model=RevokeResult,
        responses=SITE_ERRORS,
        tags=["site"],
        dependencies=[Depends(site)],
    )
    async def revoke_devices(courier_id: CourierPathId, request: Request) -> RevokeResult:
        """A lost phone: the courier's device tokens stop working and unused codes are void."""
        done = await run_in_threadpool(
            pairing.revoke_devices, request.app.state.service.engine, courier_id
        )
        return RevokeResult(
            courier_id=done.courier_id,
            revoked_tokens=done.revoked_tokens,
            voided_codes=done.voided_codes,
        )

    @router.post(
        "/api/v1/pair",
        response_model=PairResult,
        responses=PAIR_ERRORS,
        tags=["courier"],
    )
    async def pair(body: PairRequest, request: Request) -> PairResult | JSONResponse:
        """Exchange a pairing code for a device token, once (the courier page's sign-in)."""
        address = request.client.host if request.client else "unknown"
        try:
            paired = await run_in_threadpool(
                pairing.redeem,
                request.app.state.service.engine,
                body.code,
                address,
                _settings(request),
            )
        except PairingRefused as exc:
            return _problem(exc)
        return PairResult(token=paired.token, courier_id=paired.courier_id)

    return router
