"""HTTP routes of the client portal (docs/portal.md): the desk's site routes and the page's API.

Site routes need the site key (the dependency is handed in by `app.create_app`, as for
pairing). Page routes under /portal/api/v1 take the session cookie; every POST also needs
`X-Portal: 1`, which a foreign page cannot send without a CORS pre-flight this service
never grants.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from courier_sync.contract import MAX_ID
from courier_sync.portal_contract import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    PHOTO_ID_PATTERN,
    ClaimForm,
    LoginRequest,
    MessagePost,
    OrderCreate,
    OrderRepeat,
    PortalBatch,
    PortalBatchResult,
    PortalBottles,
    PortalCatalog,
    PortalClaimView,
    PortalFeed,
    PortalHistoryPage,
    PortalMe,
    PortalMessages,
    PortalMessageView,
    PortalOrderList,
    PortalOrderView,
    PortalSettlements,
    RedeemRequest,
)
from courier_sync.server import portal_auth, portal_person, portal_site
from courier_sync.server.notify import PORTAL_FEED
from courier_sync.server.portal_auth import COOKIE, COOKIE_PATH, PortalError, PortalSettings, Who

API = "/portal/api/v1"
CLAIMS_PATH = f"{API}/claims"
# The claim form: five photos at their limit plus the text fields.
CLAIM_BODY_LIMIT = MAX_PHOTOS * MAX_PHOTO_BYTES + 256 * 1024
MAX_CURSOR = 2**62
PortalId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="the order's `id`")]
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"WEBP", 8, "image/webp"),
)


def sniff(data: bytes) -> str | None:
    """The image type of `data` by its first bytes (JPEG, PNG, WebP), whatever it is called."""
    for magic, offset, content_type in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and not data.startswith(b"RIFF"):
                continue
            return content_type
    return None


async def _run(fn: Callable[..., Any], *args: Any) -> Any:
    return await run_in_threadpool(fn, *args)


def _engine(request: Request) -> Any:
    return request.app.state.service.engine


def _settings(request: Request) -> PortalSettings:
    settings: PortalSettings = request.app.state.portal
    return settings


async def _who(request: Request) -> Who:
    who: Who = await _run(
        portal_auth.identify, _engine(request), request.cookies.get(COOKIE), _settings(request)
    )
    return who


async def _posted_by_page(request: Request) -> None:
    if request.headers.get("x-portal") != "1":
        raise PortalError(403, "send the header X-Portal: 1 with every POST")


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _signed_in(request: Request, signed: portal_auth.SignedIn) -> JSONResponse:
    response = JSONResponse(signed.me.model_dump(mode="json"))
    response.set_cookie(
        COOKIE,
        signed.token,
        max_age=int(_settings(request).session.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def _created(model: BaseModel, new: bool) -> JSONResponse:
    # 201 for a new object, 200 for a retry that returns the first result.
    return JSONResponse(model.model_dump(mode="json"), status_code=201 if new else 200)


async def _read_photo(part: UploadFile, number: int) -> portal_person.Photo:
    data = await part.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise PortalError(
            413, f"photo {number} is over {MAX_PHOTO_BYTES // (1024 * 1024)} MB: send a smaller one"
        )
    content_type = sniff(data)
    if content_type is None:
        raise PortalError(422, f"photo {number} is not a JPEG, PNG or WebP picture")
    return portal_person.Photo(content_type, data)


def _claim_form(fields: dict[str, Any]) -> ClaimForm:
    try:
        lines = json.loads(fields.get("lines") or "[]")
    except ValueError:
        raise PortalError(422, "lines must be a JSON array of {code, ordered, received}") from None
    try:
        return ClaimForm.model_validate(
            {
                "claim_id": fields.get("claim_id"),
                "order_id": fields.get("order_id"),
                "text": fields.get("text") or "",
                "lines": lines,
            }
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise PortalError(422, problems) from None


Person = Annotated[Who, Depends(_who)]
Posted = [Depends(_posted_by_page)]


def portal_router() -> APIRouter:
    """The page's API under /portal/api/v1."""
    router = APIRouter(prefix=API, tags=["portal"])

    @router.post("/redeem", response_model=PortalMe, dependencies=Posted)
    async def redeem(body: RedeemRequest, request: Request) -> JSONResponse:
        """Trade an invitation code for a login and password; signs the person in."""
        signed = await _run(
            portal_auth.redeem,
            _engine(request),
            body.code,
            body.login,
            body.password,
            _address(request),
            _settings(request),
        )
        return _signed_in(request, signed)

    @router.post("/login", response_model=PortalMe, dependencies=Posted)
    async def login(body: LoginRequest, request: Request) -> JSONResponse:
        """Sign in with login and password."""
        signed = await _run(
            portal_auth.login,
            _engine(request),
            body.login,
            body.password,
            _address(request),
            _settings(request),
        )
        return _signed_in(request, signed)

    @router.post("/logout", status_code=204, dependencies=Posted)
    async def logout(request: Request, who: Person) -> Response:
        """End this session."""
        await _run(portal_auth.logout, _engine(request), who)
        response = Response(status_code=204)
        response.delete_cookie(COOKIE, path=COOKIE_PATH)
        return response

    @router.get("/me", response_model=PortalMe)
    async def me(request: Request, who: Person) -> PortalMe:
        """Who is signed in, for which client."""
        result: PortalMe = await _run(portal_auth.me, _engine(request), who)
        return result

    @router.get("/catalog", response_model=PortalCatalog)
    async def catalog(request: Request, who: Person) -> PortalCatalog:
        """Prices, windows and the dates an order may ask for."""
        result: PortalCatalog = await _run(portal_person.catalog, _engine(request), who)
        return result

    @router.get("/deliveries", response_model=PortalOrderList)
    async def deliveries(request: Request, who: Person) -> PortalOrderList:
        """The client's live orders."""
        result: PortalOrderList = await _run(portal_person.deliveries, _engine(request), who)
        return result

    @router.get("/orders", response_model=PortalHistoryPage)
    async def history(
        request: Request,
        who: Person,
        before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    ) -> PortalHistoryPage:
        """The client's orders, newest first, 20 a page."""
        result: PortalHistoryPage = await _run(portal_person.history, _engine(request), who, before)
        return result

    @router.get("/orders/{portal_id}", response_model=PortalOrderView)
    async def order(portal_id: PortalId, request: Request, who: Person) -> PortalOrderView:
        """One of the client's orders; any other id is 404."""
        result: PortalOrderView = await _run(portal_person.order, _engine(request), who, portal_id)
        return result

    @router.post("/orders", response_model=PortalOrderView, status_code=201, dependencies=Posted)
    async def place(body: OrderCreate, request: Request, who: Person) -> JSONResponse:
        """A new order, waiting for the company's confirmation."""
        view, new = await _run(portal_person.place_order, _engine(request), who, body)
        return _created(view, new)

    @router.post(
        "/orders/{portal_id}/repeat",
        response_model=PortalOrderView,
        status_code=201,
        dependencies=Posted,
    )
    async def repeat(
        portal_id: PortalId, body: OrderRepeat, request: Request, who: Person
    ) -> JSONResponse:
        """The same items again, for a new date and window."""
        view, new = await _run(portal_person.repeat_order, _engine(request), who, portal_id, body)
        return _created(view, new)

    @router.get("/bottles", response_model=PortalBottles)
    async def bottles(request: Request, who: Person) -> PortalBottles:
        """The deposit balance."""
        result: PortalBottles = await _run(portal_person.bottles, _engine(request), who)
        return result

    @router.get("/settlements", response_model=PortalSettlements)
    async def settlements(request: Request, who: Person) -> PortalSettlements:
        """Delivered amounts per month (invoice companies)."""
        result: PortalSettlements = await _run(portal_person.settlements, _engine(request), who)
        return result

    @router.post("/claims", response_model=PortalClaimView, status_code=201, dependencies=Posted)
    async def claim(request: Request, who: Person) -> JSONResponse:
        """A claim on a delivered order: multipart claim_id, order_id, text, lines, photos."""
        try:
            form = await request.form(max_files=20, max_fields=20, max_part_size=64 * 1024)
        except MultiPartException as exc:
            raise PortalError(422, f"the claim form is malformed: {exc.message}") from None
        try:
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            parts = [p for p in form.getlist("photos") if isinstance(p, UploadFile)]
            if len(parts) > MAX_PHOTOS:
                raise PortalError(422, f"at most {MAX_PHOTOS} photos per claim")
            claim_form = _claim_form(fields)
            photos = [await _read_photo(p, n) for n, p in enumerate(parts, 1)]
        finally:
            await form.close()
        view, new = await _run(portal_person.file_claim, _engine(request), who, claim_form, photos)
        return _created(view, new)

    @router.get("/messages", response_model=PortalMessages)
    async def conversation(request: Request, who: Person) -> PortalMessages:
        """The conversation with the company, both ways."""
        result: PortalMessages = await _run(portal_person.conversation, _engine(request), who)
        return result

    @router.post(
        "/messages", response_model=PortalMessageView, status_code=201, dependencies=Posted
    )
    async def message(body: MessagePost, request: Request, who: Person) -> JSONResponse:
        """A message to the company."""
        view, new = await _run(portal_person.send_message, _engine(request), who, body)
        return _created(view, new)

    return router


def site_router(site: Callable[..., Awaitable[Any]]) -> APIRouter:
    """The desk's portal routes (site key)."""
    router = APIRouter(prefix="/api/v1/site/portal", tags=["site"], dependencies=[Depends(site)])

    @router.post("/batch", response_model=PortalBatchResult)
    async def batch(body: PortalBatch, request: Request) -> PortalBatchResult:
        """Published items applied in order in one transaction; each is idempotent."""
        result: PortalBatchResult = await _run(portal_site.apply_batch, _engine(request), body)
        return result

    @router.get("/feed", response_model=PortalFeed)
    async def portal_feed(
        request: Request,
        after: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        wait: Annotated[float, Query(ge=0, le=30, allow_inf_nan=False)] = 0,
    ) -> Response:
        """Orders, claims and messages after the cursor, oldest first; waits up to `wait` s."""
        engine = _engine(request)
        token = request.headers.get("authorization", "")
        events, cursor = await request.app.state.service.long_poll(
            PORTAL_FEED, token, wait, lambda: portal_site.feed_page(engine, after, limit)
        )
        body = json.dumps({"events": events, "cursor": cursor}, ensure_ascii=False)
        return Response(body, media_type="application/json")

    @router.get("/photos/{photo_id}", responses={200: {"content": {"image/jpeg": {}}}})
    async def photo(
        photo_id: Annotated[str, PathParam(pattern=PHOTO_ID_PATTERN)],
        request: Request,
    ) -> Response:
        """A claim's photo, as the person sent it."""
        found = await _run(portal_site.photo, _engine(request), photo_id)
        if found is None:
            raise PortalError(404, f"no photo {photo_id}")
        content_type, data = found
        return Response(data, media_type=content_type)

    return router


def install(app: FastAPI, site: Callable[..., Awaitable[Any]], settings: PortalSettings) -> None:
    """Add the portal's routes and its error answers to the service's app."""
    app.state.portal = settings

    @app.exception_handler(PortalError)
    async def _portal_error(_request: Request, exc: PortalError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status, headers=exc.headers)

    app.include_router(site_router(site))
    app.include_router(portal_router())
