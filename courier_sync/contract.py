"""The courier-sync contract: task and event payloads shared by the relay and the sync service.

Request models are strict (unknown fields are refused) and validated on both sides: the relay
checks an outbox payload before sending it, the service checks it again before storing it.
Every string is refused if it holds a NUL or an unpaired surrogate, because neither database
can store those and the service must answer 422, never 5xx.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

SCHEMA_VERSION = 1
# Ids and counters fit a signed 32-bit column on PostgreSQL; amounts fit a 64-bit one.
MAX_ID = 2**31 - 1
MAX_KOP = 10**12
TASK_ID_PATTERN = r"^[0-9a-f]{32}$"
EVENT_ID_PATTERN = r"^[\x21-\x7e]{8,64}$"
HHMM_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
# Event times outside this range are typos or attacks; refusing them keeps datetime math safe.
EARLIEST_EVENT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST_EVENT = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no unpaired surrogates)") from None
    return value


def text_field(max_length: int, min_length: int = 0) -> Any:
    """A string type of bounded length that both databases can store."""
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length),
        AfterValidator(_storable),
    ]


Text20 = text_field(20)
Text100 = text_field(100)
Text300 = text_field(300)
Text500 = text_field(500)
Text2000 = text_field(2000)
Code = text_field(40, 1)
Name = text_field(300, 1)
Line = text_field(500, 1)
TaskId = Annotated[str, Field(pattern=TASK_ID_PATTERN, description="32 lowercase hex digits")]
EventId = Annotated[
    str, Field(pattern=EVENT_ID_PATTERN, description="client-generated id, 8..64 printable chars")
]
Hhmm = Annotated[str, Field(pattern=HHMM_PATTERN, description="HH:MM")]
E164 = Annotated[str, Field(pattern=E164_PATTERN, description="phone number in E.164")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Kop = Annotated[int, Field(ge=0, le=MAX_KOP)]
PaymentMethod = Literal["cash", "invoice"]
EventKind = Literal["accepted", "done", "failed"]
TaskStatus = Literal["new", "accepted", "done", "failed", "cancelled"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date written as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date", "example": "2026-11-24"}),
]


def parse_iso_date(value: str) -> dt.date:
    """A YYYY-MM-DD string as a date; ValueError with a readable message otherwise."""
    return _iso_date(value)


class Strict(BaseModel):
    """Base of request models: unknown fields are errors, NaN and infinities too."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Address(Strict):
    """The delivery point as it was when the task was made (a snapshot, not a reference)."""

    text: Line
    entrance: Text20 = ""
    floor: Text20 = ""
    flat: Text20 = ""
    notes: Text2000 = ""
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class Item(Strict):
    """One line of the delivery: a product and how many."""

    code: Code
    name: Name
    qty: int = Field(ge=1, le=100_000)
    price_kop: Kop


class ItemChange(Strict):
    """One line an edit changed: its quantity before and after (0: added or removed)."""

    code: Code
    name: Name
    was: int = Field(ge=0, le=100_000)
    now: int = Field(ge=0, le=100_000)


class TaskChanges(Strict):
    """What an edit of the order changed in this version, for the notice on the phone.

    Optional in `Task` (older desks send none): items by quantity, the rest as flags whose
    new values the task itself holds.
    """

    items: list[ItemChange] = Field(default_factory=list, max_length=400)
    address: bool = False
    comment: bool = False
    payment: bool = False


class Task(Strict):
    """A courier task as the desktop publishes it; (task_id, version) identifies one state."""

    schema_version: Literal[1] = SCHEMA_VERSION
    task_id: TaskId
    version: Id
    order_id: Id
    courier_id: Id
    date: IsoDate
    window_start: Hhmm | None = None
    window_end: Hhmm | None = None
    address: Address
    client_name: Name
    contact_name: Text300 | None = None
    contact_phones: list[E164] = Field(default_factory=list, max_length=20)
    items: list[Item] = Field(default_factory=list, max_length=200)
    amount_kop: Kop
    payment_method: PaymentMethod
    comment: Text2000 = ""
    changes: TaskChanges | None = None

    @model_validator(mode="after")
    def _window(self) -> Task:
        if (self.window_start is None) != (self.window_end is None):
            raise ValueError("window_start and window_end must be given together")
        if self.window_start and self.window_end and self.window_start >= self.window_end:
            raise ValueError("window_end must be later than window_start")
        return self


class TaskCancel(Strict):
    """The desktop took a task off the courier's phone; version is the task's new version."""

    task_id: TaskId
    version: Id
    courier_id: Id
    reason: Text500 = ""


class TaskEvent(Strict):
    """What the courier did with a task, posted by the phone; idempotent by event_id."""

    event_id: EventId
    task_id: TaskId
    kind: EventKind
    at: AwareDatetime
    collected_kop: Kop | None = None
    bottles_returned: int | None = Field(default=None, ge=0, le=10_000)
    reason: Text500 | None = None
    proposed_time: Text100 | None = None
    complaint: Text500 | None = None  # what the client complained of (a failed delivery)

    @model_validator(mode="after")
    def _fields_of_kind(self) -> TaskEvent:
        if not EARLIEST_EVENT <= self.at <= LATEST_EVENT:
            raise ValueError("at must be a moment between the years 2000 and 2200")
        if self.kind == "failed":
            if not (self.reason or "").strip():
                raise ValueError("a failed delivery needs a non-empty reason")
        elif self.reason or self.proposed_time or self.complaint:
            raise ValueError("reason, proposed_time and complaint belong to a failed delivery only")
        if self.kind != "done" and (
            self.collected_kop is not None or self.bottles_returned is not None
        ):
            raise ValueError("collected_kop and bottles_returned belong to a done delivery only")
        return self


class FeedEvent(BaseModel):
    """A courier event as the desktop reads it from the feed; cursor orders the feed."""

    cursor: int
    courier_id: int
    event: TaskEvent


class Feed(BaseModel):
    """A page of the events feed and the cursor to ask from next time."""

    events: list[FeedEvent]
    cursor: int


class UpsertResult(BaseModel):
    """The service's answer to an upsert or a cancel: applied=False means it changed nothing."""

    task_id: str
    version: int
    applied: bool


class BatchUpsert(Strict):
    """One operation of a batch: an upsert (task) or a cancel (cancel), exactly one of them."""

    op: Literal["upsert", "cancel"]
    task: Task | None = None
    cancel: TaskCancel | None = None

    @model_validator(mode="after")
    def _one_body(self) -> BatchUpsert:
        if self.op == "upsert" and (self.task is None or self.cancel is not None):
            raise ValueError("an upsert carries `task` and no `cancel`")
        if self.op == "cancel" and (self.cancel is None or self.task is not None):
            raise ValueError("a cancel carries `cancel` and no `task`")
        return self

    @property
    def task_id(self) -> str:
        """The id of the task the operation is about."""
        body = self.task if self.task is not None else self.cancel
        assert body is not None
        return body.task_id


class Batch(Strict):
    """Operations applied in order in one transaction (a relay's extension of the contract)."""

    items: list[BatchUpsert] = Field(min_length=1, max_length=500)


class BatchResult(BaseModel):
    """One result per batch item, in the same order."""

    results: list[UpsertResult]


class EventResult(BaseModel):
    """The answer to a posted event: applied=False for a repeat of a known event_id."""

    event_id: str
    applied: bool


class TaskView(Task):
    """A task as the courier's phone lists it: the task plus what happened to it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    status: TaskStatus
    updated_at: dt.datetime
    cancel_reason: str = ""


class TaskList(BaseModel):
    """A courier's tasks for one day in route order, with the revision they reflect."""

    date: IsoDate
    revision: int
    tasks: list[TaskView]


class Changes(BaseModel):
    """The courier's current revision: a change in it means the task list changed."""

    revision: int


class Me(BaseModel):
    """Who the device token belongs to."""

    courier_id: int
    name: str | None = None
    # When the token stops working, and from when the phone should renew it (None: never).
    expires_at: dt.datetime | None = None
    renew_after: dt.datetime | None = None


class Renewal(BaseModel):
    """A fresh device token replacing the one that asked (which ends a few minutes later)."""

    token: str
    courier_id: int
    expires_at: dt.datetime


class Problem(BaseModel):
    """An error answer with a readable detail."""

    detail: Any
    # Refused credentials: "expired" (pair the phone again), "revoked" or "unknown".
    reason: str | None = None
