"""What a signed-in person reads and does: catalog, orders, repeat, claims, messages.

Every lookup is within the session's client: an id of another client is 404, never 403. A
write (an order, a claim, a message) and its feed event for the desk go in one transaction,
and each is idempotent by the id the page made (request_id, claim_id, message_id).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError

from courier_sync.portal_contract import (
    HISTORY_PAGE,
    LIVE_STATES,
    ClaimForm,
    MessagePost,
    OrderCreate,
    OrderRepeat,
    PortalBottles,
    PortalCatalog,
    PortalClaimView,
    PortalClient,
    PortalHistoryPage,
    PortalLine,
    PortalMessages,
    PortalMessageView,
    PortalOrderList,
    PortalOrderView,
    PortalPhotoRef,
    PortalSettlements,
)
from courier_sync.server.db import reading, writing
from courier_sync.server.models import COUNTER_PORTAL_FEED, utcnow
from courier_sync.server.portal_auth import PortalError, Who, not_found
from courier_sync.server.portal_site import (
    claims,
    clients,
    feed,
    messages,
    order_payload,
    orders,
    photos,
)
from courier_sync.server.store import bump

try:
    MOSCOW: dt.tzinfo = ZoneInfo("Europe/Moscow")
except ZoneInfoNotFoundError:  # no tz database: Moscow keeps UTC+3 all year since 2014
    MOSCOW = dt.timezone(dt.timedelta(hours=3), "MSK")
MESSAGES_SHOWN = 200
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo of a claim form, checked already: its type by magic bytes, its size."""

    content_type: str
    data: bytes


def today() -> dt.date:
    """The date in Moscow, where the company delivers."""
    return dt.datetime.now(MOSCOW).date()


def _client(conn: Connection, who: Who) -> PortalClient:
    row = conn.execute(select(clients.c.payload).where(clients.c.client_id == who.client_id))
    payload = row.scalar()
    if payload is None:
        raise PortalError(404, "your company's prices are not published yet: try again later")
    return PortalClient.model_validate_json(payload)


def catalog(engine: Engine, who: Who) -> PortalCatalog:
    """The client's prices and windows and the dates an order may ask for."""
    with reading(engine) as conn:
        client = _client(conn, who)
    first = today()
    return PortalCatalog(
        prices=client.prices,
        windows=client.windows,
        first_date=first,
        last_date=first + dt.timedelta(days=client.days_ahead),
    )


def _view(row: Any) -> PortalOrderView:
    data = json.loads(row.payload)
    return PortalOrderView(
        id=row.id,
        order_id=row.order_id,
        request_id=row.request_id,
        state=row.state,
        date=row.order_date,
        window_start=data.get("window_start"),
        window_end=data.get("window_end"),
        items=data.get("items", []),
        total_kop=data.get("total_kop", 0),
        note=data.get("note", ""),
        comment=data.get("comment", ""),
        created_at=row.created_at,
        updated_at=row.updated_at,
        can_repeat=bool(data.get("items")),
        can_claim=row.state == "delivered" and row.order_id is not None,
    )


def _order_row(conn: Connection, who: Who, portal_id: int) -> Any:
    row = conn.execute(
        select(orders).where(orders.c.id == portal_id, orders.c.client_id == who.client_id)
    ).first()
    if row is None:
        raise not_found(f"no order {portal_id}")
    return row


def order(engine: Engine, who: Who, portal_id: int) -> PortalOrderView:
    """One of the client's orders."""
    with reading(engine) as conn:
        return _view(_order_row(conn, who, portal_id))


def deliveries(engine: Engine, who: Who) -> PortalOrderList:
    """The client's live orders, nearest date first."""
    with reading(engine) as conn:
        rows = conn.execute(
            select(orders)
            .where(orders.c.client_id == who.client_id, orders.c.state.in_(LIVE_STATES))
            .order_by(orders.c.order_date.is_(None), orders.c.order_date, orders.c.id)
            .limit(200)
        ).all()
    return PortalOrderList(orders=[_view(r) for r in rows])


def history(engine: Engine, who: Who, before: int | None) -> PortalHistoryPage:
    """The client's orders newest first, 20 a page."""
    query = select(orders).where(orders.c.client_id == who.client_id)
    if before is not None:
        query = query.where(orders.c.id < before)
    with reading(engine) as conn:
        rows = conn.execute(query.order_by(orders.c.id.desc()).limit(HISTORY_PAGE + 1)).all()
    more = len(rows) > HISTORY_PAGE
    rows = rows[:HISTORY_PAGE]
    return PortalHistoryPage(
        orders=[_view(r) for r in rows], next_before=rows[-1].id if more else None
    )


def bottles(engine: Engine, who: Who) -> PortalBottles:
    """The client's deposit balance."""
    with reading(engine) as conn:
        row = conn.execute(
            select(clients.c.payload, clients.c.updated_at).where(
                clients.c.client_id == who.client_id
            )
        ).first()
    if row is None:
        return PortalBottles(bottles=0)
    return PortalBottles(
        bottles=PortalClient.model_validate_json(row.payload).bottles, updated_at=row.updated_at
    )


def settlements(engine: Engine, who: Who) -> PortalSettlements:
    """Delivered amounts per month; 404 for anyone but an invoice company."""
    with reading(engine) as conn:
        client = _client(conn, who)
    if client.kind != "company" or client.payment != "invoice":
        raise not_found("settlements are kept for companies paying by invoice")
    return PortalSettlements(months=client.settlements)


def _add_event(conn: Connection, who: Who, kind: str, event_id: str, payload: str) -> None:
    # The counter's row lock orders concurrent writers, so cursors appear in commit order.
    cursor = bump(conn, COUNTER_PORTAL_FEED)
    conn.execute(
        insert(feed).values(
            cursor=cursor,
            event_id=event_id,
            kind=kind,
            client_id=who.client_id,
            contact_id=who.contact_id,
            account_id=who.account_id,
            payload=payload,
            at=utcnow(),
        )
    )


def _existing(conn: Connection, table: Any, column: Any, key: str, who: Who) -> Any:
    """The row a repeated POST made before (same client), or None; 422 for another client's."""
    row = conn.execute(select(table).where(column == key)).first()
    if row is not None and row.client_id != who.client_id:
        raise PortalError(422, "this request id was used already: reload the page")
    return row


def _checked_items(client: PortalClient, lines: list[PortalLine]) -> list[dict[str, Any]]:
    prices = {p.code: p for p in client.prices}
    seen: set[str] = set()
    items = []
    for line in lines:
        price = prices.get(line.code)
        if price is None:
            raise PortalError(422, f"product {line.code} is not in your price list")
        if line.code in seen:
            raise PortalError(422, f"product {line.code} is listed twice: give one quantity")
        seen.add(line.code)
        items.append(
            {"code": price.code, "name": price.name, "qty": line.qty, "price_kop": price.price_kop}
        )
    return items


def _check_slot(client: PortalClient, date: dt.date, start: str, end: str) -> None:
    first = today()
    last = first + dt.timedelta(days=client.days_ahead)
    if date < first:
        raise PortalError(422, f"the date {date.isoformat()} is in the past")
    if date > last:
        raise PortalError(422, f"orders are taken up to {last.isoformat()}")
    if not any(w.start == start and w.end == end for w in client.windows):
        offered = ", ".join(f"{w.start}–{w.end}" for w in client.windows) or "none"
        raise PortalError(422, f"the window {start}–{end} is not offered (offered: {offered})")


def _place(
    conn: Connection,
    who: Who,
    body: OrderCreate,
    repeat_of: tuple[int, int | None] | None = None,
) -> tuple[PortalOrderView, bool]:
    existing = _existing(conn, orders, orders.c.request_id, body.request_id, who)
    if existing is not None:
        return _view(existing), False
    client = _client(conn, who)
    items = _checked_items(client, body.items)
    _check_slot(client, body.date, body.window_start, body.window_end)
    now = utcnow()
    total = sum(i["qty"] * i["price_kop"] for i in items)
    _add_event(
        conn,
        who,
        "order",
        f"order:{body.request_id}",
        json.dumps(
            {
                **body.model_dump(mode="json"),
                "repeat_of": repeat_of[1] if repeat_of else None,
            },
            ensure_ascii=False,
        ),
    )
    new_id = conn.execute(
        insert(orders)
        .values(
            request_id=body.request_id,
            client_id=who.client_id,
            account_id=who.account_id,
            version=0,
            state="to_confirm",
            order_date=body.date,
            payload=order_payload(
                items,
                body.window_start,
                body.window_end,
                total,
                comment=body.comment,
                repeat_of=repeat_of[0] if repeat_of else None,
            ),
            created_at=now,
            updated_at=now,
        )
        .returning(orders.c.id)
    ).scalar_one()
    return _view(_order_row(conn, who, new_id)), True


def _once(fn: Callable[[], T]) -> T:
    """Run a write; a twin request that committed first makes it read that one's result."""
    try:
        return fn()
    except IntegrityError:
        return fn()


def place_order(engine: Engine, who: Who, body: OrderCreate) -> tuple[PortalOrderView, bool]:
    """A new order waiting for the desk's confirmation; True when it is new (not a retry)."""

    def write() -> tuple[PortalOrderView, bool]:
        with writing(engine) as conn:
            return _place(conn, who, body)

    return _once(write)


def repeat_order(
    engine: Engine, who: Who, portal_id: int, body: OrderRepeat
) -> tuple[PortalOrderView, bool]:
    """A new order with the items of one of the client's orders."""
    with writing(engine) as conn:
        source = _order_row(conn, who, portal_id)
        items = json.loads(source.payload).get("items", [])
        if not items:
            raise PortalError(422, "this order has no items to repeat")
        too_many = [i["code"] for i in items if i["qty"] > 1000]
        if too_many:
            raise PortalError(422, "this order is too large to repeat here: call the company")
        new = OrderCreate(
            request_id=body.request_id,
            items=[PortalLine(code=i["code"], qty=i["qty"]) for i in items],
            date=body.date,
            window_start=body.window_start,
            window_end=body.window_end,
        )
        return _place(conn, who, new, (source.id, source.order_id))


def _claim_view(row: Any) -> PortalClaimView:
    data = json.loads(row.payload)
    return PortalClaimView(
        claim_id=row.claim_id,
        order_id=row.portal_order_id,
        text=data.get("text", ""),
        lines=data.get("lines", []),
        photos=data.get("photos", []),
        status=row.status,
        result=row.result,
        created_at=row.created_at,
    )


def file_claim(
    engine: Engine, who: Who, form: ClaimForm, files: list[Photo]
) -> tuple[PortalClaimView, bool]:
    """A claim on a delivered order of the client, with its photos, for the desk."""
    return _once(lambda: _file_claim(engine, who, form, files))


def _file_claim(
    engine: Engine, who: Who, form: ClaimForm, files: list[Photo]
) -> tuple[PortalClaimView, bool]:
    with writing(engine) as conn:
        existing = _existing(conn, claims, claims.c.claim_id, form.claim_id, who)
        if existing is not None:
            return _claim_view(existing), False
        source = _order_row(conn, who, form.order_id)
        if source.state != "delivered" or source.order_id is None:
            raise PortalError(422, "a claim can be made on a delivered order only")
        if not form.text.strip() and not form.lines and not files:
            raise PortalError(422, "describe the problem, list what was missing, or add a photo")
        now = utcnow()
        refs = []
        for f in files:
            ref = PortalPhotoRef(
                photo_id=uuid.uuid4().hex, content_type=f.content_type, size=len(f.data)
            )
            refs.append(ref)
            conn.execute(
                insert(photos).values(
                    photo_id=ref.photo_id,
                    claim_id=form.claim_id,
                    client_id=who.client_id,
                    account_id=who.account_id,
                    content_type=ref.content_type,
                    size=ref.size,
                    data=f.data,
                    created_at=now,
                )
            )
        lines = [line.model_dump() for line in form.lines]
        photo_refs = [r.model_dump() for r in refs]
        _add_event(
            conn,
            who,
            "claim",
            f"claim:{form.claim_id}",
            json.dumps(
                {
                    "claim_id": form.claim_id,
                    "order_id": source.order_id,
                    "text": form.text,
                    "lines": lines,
                    "photos": photo_refs,
                },
                ensure_ascii=False,
            ),
        )
        conn.execute(
            insert(claims).values(
                claim_id=form.claim_id,
                client_id=who.client_id,
                account_id=who.account_id,
                portal_order_id=source.id,
                payload=json.dumps(
                    {"text": form.text, "lines": lines, "photos": photo_refs}, ensure_ascii=False
                ),
                status="",
                result="",
                created_at=now,
            )
        )
        row = conn.execute(select(claims).where(claims.c.claim_id == form.claim_id)).one()
        return _claim_view(row), True


def conversation(engine: Engine, who: Who) -> PortalMessages:
    """The client's messages both ways, oldest first (the latest 200)."""
    with reading(engine) as conn:
        rows = conn.execute(
            select(messages)
            .where(messages.c.client_id == who.client_id)
            .order_by(messages.c.id.desc())
            .limit(MESSAGES_SHOWN)
        ).all()
    return PortalMessages(messages=[_message_view(r) for r in reversed(rows)])


def _message_view(row: Any) -> PortalMessageView:
    return PortalMessageView(
        message_id=row.message_id,
        direction=row.direction,
        text=row.text,
        author=row.author,
        reply_to=row.reply_to,
        at=row.at,
    )


def send_message(engine: Engine, who: Who, body: MessagePost) -> tuple[PortalMessageView, bool]:
    """A person's message to the company; True when it is new (not a retry)."""
    if body.message_id.startswith("reply:"):
        raise PortalError(422, "a message id must not start with 'reply:'")
    return _once(lambda: _send_message(engine, who, body))


def _send_message(engine: Engine, who: Who, body: MessagePost) -> tuple[PortalMessageView, bool]:
    with writing(engine) as conn:
        existing = _existing(conn, messages, messages.c.message_id, body.message_id, who)
        if existing is not None:
            return _message_view(existing), False
        _add_event(
            conn,
            who,
            "message",
            f"message:{body.message_id}",
            body.model_dump_json(),
        )
        conn.execute(
            insert(messages).values(
                message_id=body.message_id,
                client_id=who.client_id,
                direction="in",
                account_id=who.account_id,
                author=who.person_name,
                text=body.text,
                at=utcnow(),
            )
        )
        row = conn.execute(select(messages).where(messages.c.message_id == body.message_id)).one()
        return _message_view(row), True
