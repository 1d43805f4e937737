"""The client portal contract (docs/portal.md): desk → service items, the feed, the page API.

Long (over 500 lines) on purpose: it is the one wire contract both sides import, like
`courier_sync.contract`; split, a change to one payload would have to be found in several.
Shared by the desk's relay (portaldesk), the sync service and the portal pages' tests. Request
models are strict like `courier_sync.contract`: unknown fields are refused and every text must
be storable by both databases. Ids a person's page makes (request_id, message_id, claim_id)
are client-generated and make each POST idempotent.

Ids in the page API: `PortalOrderView.id` is the service's id of an order (a portal order has
it before the desk knows the order); `order_id` is the desk's order number, None until the
desk confirmed reception. Paths (`/orders/{id}`, repeat) and claim forms use `id`; the feed
tells the desk its own `order_id`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from courier_sync.contract import (
    EVENT_ID_PATTERN,
    Code,
    Hhmm,
    Id,
    IsoDate,
    Kop,
    Name,
    PaymentMethod,
    Strict,
    Text20,
    Text100,
    Text300,
    Text2000,
    text_field,
)

SHA256_PATTERN = r"^[0-9a-f]{64}$"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
PHOTO_ID_PATTERN = r"^[0-9a-f]{32}$"
MAX_QTY = 1000
MAX_LINES = 50
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_TEXT = 2000
HISTORY_PAGE = 20
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")

# A page-made id (a uuid in practice): 8..64 printable ASCII characters.
ClientRef = Annotated[
    str, Field(pattern=EVENT_ID_PATTERN, description="client-generated id, 8..64 printable chars")
]
Sha256 = Annotated[str, Field(pattern=SHA256_PATTERN, description="64 lowercase hex digits")]
Month = Annotated[str, Field(pattern=MONTH_PATTERN, description="YYYY-MM")]
PhotoId = Annotated[str, Field(pattern=PHOTO_ID_PATTERN, description="32 hex digits")]
PhotoType = Literal["image/jpeg", "image/png", "image/webp"]
ClientKindName = Literal["person", "company"]
ProductKindName = Literal["goods", "service", "deposit"]
Login = text_field(100, 3)
Password = text_field(200, 8)
MessageText = text_field(MAX_TEXT, 1)
InviteCode = text_field(100, 1)
# Sign-in takes what was typed; only redeeming enforces the login and password rules.
GivenLogin = text_field(100, 1)
GivenPassword = text_field(200, 1)
PortalOrderState = Literal[
    "to_confirm",
    "taken",
    "sent",
    "on_phone",
    "accepted",
    "delivered",
    "failed",
    "cancelled",
    "rejected",
]
# Live orders (GET /deliveries); the rest are history only.
LIVE_STATES: tuple[str, ...] = ("to_confirm", "taken", "sent", "on_phone", "accepted", "failed")
FeedKind = Literal["order", "claim", "message"]


def _window_pair(start: str | None, end: str | None) -> None:
    if (start is None) != (end is None):
        raise ValueError("window_start and window_end must be given together")
    if start is not None and end is not None and start >= end:
        raise ValueError("window_end must be later than window_start")


# ---------------------------------------------------------------- desk → service (batch)
class PortalInvite(Strict):
    """An invitation: only the code's SHA-256 travels; the person redeems the code itself."""

    invitation_id: Id
    client_id: Id
    contact_id: Id | None = None
    person_name: Text300 = ""
    code_sha256: Sha256
    expires_at: AwareDatetime

    @property
    def key(self) -> str:
        """The outbox key of this item."""
        return f"invite:{self.invitation_id}"


class PortalRevoke(Strict):
    """End a person's access: void invitations, disable the account, end its sessions."""

    client_id: Id
    contact_id: Id | None = None
    at: AwareDatetime

    @property
    def key(self) -> str:
        """The outbox key of this item."""
        return f"revoke:{self.client_id}:{self.contact_id or ''}"


class PortalPrice(Strict):
    """One product the client may order, at the client's (contract) price."""

    code: Code
    name: Name
    kind: ProductKindName = "goods"
    unit: Text20 = ""
    price_kop: Kop


class PortalWindow(Strict):
    """A delivery window the company offers."""

    start: Hhmm
    end: Hhmm

    @model_validator(mode="after")
    def _ordered(self) -> PortalWindow:
        _window_pair(self.start, self.end)
        return self


class PortalSettlement(Strict):
    """Delivered orders and their amount in one month (invoice companies)."""

    month: Month
    orders: int = Field(ge=0, le=1_000_000)
    delivered_kop: Kop


class PortalClient(Strict):
    """What a signed-in person of the client may see of it; a newer version replaces it."""

    client_id: Id
    version: Id
    name: Name
    kind: ClientKindName
    payment: PaymentMethod
    prices: list[PortalPrice] = Field(default_factory=list, max_length=500)
    windows: list[PortalWindow] = Field(default_factory=list, max_length=48)
    days_ahead: int = Field(default=14, ge=0, le=366)
    bottles: int = Field(default=0, ge=-1_000_000, le=1_000_000)
    settlements: list[PortalSettlement] = Field(default_factory=list, max_length=240)

    @property
    def key(self) -> str:
        """The outbox key of this item."""
        return f"client:{self.client_id}"


class PortalItem(Strict):
    """A line of an order as the client sees it."""

    code: Code
    name: Name
    qty: int = Field(ge=1, le=100_000)
    price_kop: Kop


class PortalOrder(Strict):
    """An order of an invited client as the desk publishes it; a newer version replaces it."""

    order_id: Id
    client_id: Id
    version: Id
    request_id: ClientRef | None = None
    state: PortalOrderState
    date: IsoDate | None = None
    window_start: Hhmm | None = None
    window_end: Hhmm | None = None
    items: list[PortalItem] = Field(default_factory=list, max_length=200)
    total_kop: Kop = 0
    note: Text2000 = ""
    updated_at: AwareDatetime

    @model_validator(mode="after")
    def _window(self) -> PortalOrder:
        _window_pair(self.window_start, self.window_end)
        return self

    @property
    def key(self) -> str:
        """The outbox key of this item."""
        return f"order:{self.order_id}"


class PortalReply(Strict):
    """The desk's answer in the client's messages (message_id: the portal message answered)."""

    reply_id: Id
    client_id: Id
    message_id: ClientRef | None = None
    text: MessageText
    author: Text300 = ""
    at: AwareDatetime

    @property
    def key(self) -> str:
        """The outbox key of this item."""
        return f"reply:{self.reply_id}"


class PortalClaimStatus(Strict):
    """Where the desk's complaint made of a portal claim stands."""

    claim_id: ClientRef
    complaint_id: Id
    client_id: Id
    status: Text100
    result: Text2000 = ""

    @property
    def key(self) -> str:
        """The outbox key of this item."""
        return f"claim:{self.claim_id}"


class InviteItem(Strict):
    """Batch item `portal.invite`."""

    topic: Literal["portal.invite"]
    payload: PortalInvite


class RevokeItem(Strict):
    """Batch item `portal.revoke`."""

    topic: Literal["portal.revoke"]
    payload: PortalRevoke


class ClientItem(Strict):
    """Batch item `portal.client`."""

    topic: Literal["portal.client"]
    payload: PortalClient


class OrderItem(Strict):
    """Batch item `portal.order`."""

    topic: Literal["portal.order"]
    payload: PortalOrder


class ReplyItem(Strict):
    """Batch item `portal.reply`."""

    topic: Literal["portal.reply"]
    payload: PortalReply


class ClaimItem(Strict):
    """Batch item `portal.claim`."""

    topic: Literal["portal.claim"]
    payload: PortalClaimStatus


PortalBatchItem = Annotated[
    InviteItem | RevokeItem | ClientItem | OrderItem | ReplyItem | ClaimItem,
    Field(discriminator="topic"),
]
TOPICS = (
    "portal.invite",
    "portal.revoke",
    "portal.client",
    "portal.order",
    "portal.reply",
    "portal.claim",
)


class PortalBatch(Strict):
    """Portal items applied in order in one transaction (`POST /api/v1/site/portal/batch`)."""

    items: list[PortalBatchItem] = Field(min_length=1, max_length=500)


class PortalItemResult(BaseModel):
    """One item's outcome: applied=False when it changed nothing (a repeat or an older version)."""

    topic: str
    key: str
    applied: bool


class PortalBatchResult(BaseModel):
    """One result per batch item, in the same order."""

    results: list[PortalItemResult]


# ---------------------------------------------------------------- service → desk (feed)
class PortalLine(Strict):
    """A line a person ordered: a product code from the client's prices and a quantity."""

    code: Code
    qty: int = Field(ge=1, le=MAX_QTY)


class PortalOrderRequest(Strict):
    """Feed payload `order`: a person's new order (repeat_of: the desk's order repeated)."""

    request_id: ClientRef
    items: list[PortalLine] = Field(min_length=1, max_length=MAX_LINES)
    date: IsoDate
    window_start: Hhmm
    window_end: Hhmm
    comment: Text2000 = ""
    repeat_of: Id | None = None

    @model_validator(mode="after")
    def _window(self) -> PortalOrderRequest:
        _window_pair(self.window_start, self.window_end)
        return self


class PortalClaimLine(Strict):
    """A discrepancy line: how many were ordered and how many arrived."""

    code: Code
    ordered: int = Field(ge=0, le=100_000)
    received: int = Field(ge=0, le=100_000)


class PortalPhotoRef(Strict):
    """A claim's photo kept by the service (`GET /api/v1/site/portal/photos/{photo_id}`)."""

    photo_id: PhotoId
    content_type: PhotoType
    size: int = Field(ge=1, le=MAX_PHOTO_BYTES)


class PortalClaimPayload(Strict):
    """Feed payload `claim`: a claim on a delivered order (order_id: the desk's order)."""

    claim_id: ClientRef
    order_id: Id
    text: Text2000 = ""
    lines: list[PortalClaimLine] = Field(default_factory=list, max_length=MAX_LINES)
    photos: list[PortalPhotoRef] = Field(default_factory=list, max_length=MAX_PHOTOS)


class PortalMessagePayload(Strict):
    """Feed payload `message`: a person's message to the company."""

    message_id: ClientRef
    text: MessageText


_FEED_PAYLOADS: dict[str, type[Strict]] = {
    "order": PortalOrderRequest,
    "claim": PortalClaimPayload,
    "message": PortalMessagePayload,
}


class PortalFeedEvent(BaseModel):
    """What a person did, as the desk reads it from the feed; cursor orders the feed."""

    cursor: int
    event_id: str
    kind: FeedKind
    client_id: int
    contact_id: int | None = None
    account_id: int
    at: dt.datetime
    payload: PortalOrderRequest | PortalClaimPayload | PortalMessagePayload

    @model_validator(mode="before")
    @classmethod
    def _payload_of_kind(cls, data: Any) -> Any:
        # The kind says which payload it is; a plain union could pick the wrong model.
        if isinstance(data, dict) and isinstance(data.get("payload"), dict):
            model = _FEED_PAYLOADS.get(str(data.get("kind")))
            if model is not None:
                data = {**data, "payload": model.model_validate(data["payload"])}
        return data


class PortalFeed(BaseModel):
    """A page of the portal feed and the cursor to ask from next time."""

    events: list[PortalFeedEvent]
    cursor: int


# ---------------------------------------------------------------- the portal page API
class RedeemRequest(Strict):
    """`POST /redeem`: the invitation code, and the login and password the person chooses."""

    code: InviteCode
    login: Login
    password: Password


class LoginRequest(Strict):
    """`POST /login`."""

    login: GivenLogin
    password: GivenPassword


class PortalMe(BaseModel):
    """`GET /me` (also the answer of redeem and login): who is signed in, for which client."""

    account_id: int
    login: str
    person_name: str
    client_id: int
    contact_id: int | None = None
    client_name: str
    client_kind: ClientKindName | None = None
    payment: PaymentMethod | None = None
    session_expires_at: dt.datetime


class PortalCatalog(BaseModel):
    """`GET /catalog`: what the client may order, in which windows, between which dates."""

    prices: list[PortalPrice]
    windows: list[PortalWindow]
    first_date: IsoDate
    last_date: IsoDate


class OrderCreate(Strict):
    """`POST /orders`: a new order; a retry with the same request_id returns the first one."""

    request_id: ClientRef
    items: list[PortalLine] = Field(min_length=1, max_length=MAX_LINES)
    date: IsoDate
    window_start: Hhmm
    window_end: Hhmm
    comment: Text2000 = ""

    @model_validator(mode="after")
    def _window(self) -> OrderCreate:
        _window_pair(self.window_start, self.window_end)
        return self


class OrderRepeat(Strict):
    """`POST /orders/{id}/repeat`: the same items as that order, for a new date and window."""

    request_id: ClientRef
    date: IsoDate
    window_start: Hhmm
    window_end: Hhmm

    @model_validator(mode="after")
    def _window(self) -> OrderRepeat:
        _window_pair(self.window_start, self.window_end)
        return self


class PortalOrderView(BaseModel):
    """An order as the page shows it (`id`: the service's; `order_id`: the desk's number)."""

    id: int
    order_id: int | None = None
    request_id: str | None = None
    state: PortalOrderState
    date: IsoDate | None = None
    window_start: str | None = None
    window_end: str | None = None
    items: list[PortalItem]
    total_kop: int
    note: str = ""
    comment: str = ""
    created_at: dt.datetime
    updated_at: dt.datetime
    can_repeat: bool = False
    can_claim: bool = False


class PortalOrderList(BaseModel):
    """`GET /deliveries`: the client's live orders, nearest date first."""

    orders: list[PortalOrderView]


class PortalHistoryPage(BaseModel):
    """`GET /orders?before=ID`: up to 20 orders, newest first; next_before asks for more."""

    orders: list[PortalOrderView]
    next_before: int | None = None


class PortalBottles(BaseModel):
    """`GET /bottles`: the client's deposit (returnable bottles) balance as the desk knows it."""

    bottles: int
    updated_at: dt.datetime | None = None


class PortalSettlements(BaseModel):
    """`GET /settlements`: delivered amounts per month (invoice companies only)."""

    months: list[PortalSettlement]


class ClaimForm(Strict):
    """The non-file fields of `POST /claims` (multipart; lines as a JSON array).

    `order_id` is the order's `id` as the page got it; photos come as `photos` file parts.
    """

    claim_id: ClientRef
    order_id: Id
    text: Text2000 = ""
    lines: list[PortalClaimLine] = Field(default_factory=list, max_length=MAX_LINES)


class PortalClaimView(BaseModel):
    """A claim as the page shows it, with the desk's status once it answered."""

    claim_id: str
    order_id: int
    text: str
    lines: list[PortalClaimLine]
    photos: list[PortalPhotoRef]
    status: str = ""
    result: str = ""
    created_at: dt.datetime


class MessagePost(Strict):
    """`POST /messages`: a person's message; a retry with the same message_id changes nothing."""

    message_id: ClientRef
    text: MessageText


class PortalMessageView(BaseModel):
    """One message of the client's conversation: `in` from a person, `out` from the desk."""

    message_id: str
    direction: Literal["in", "out"]
    text: str
    author: str = ""
    reply_to: str | None = None
    at: dt.datetime


class PortalMessages(BaseModel):
    """`GET /messages`: the client's conversation, oldest first."""

    messages: list[PortalMessageView]
