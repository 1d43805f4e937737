"""What the desk publishes to the client portal (docs/portal.md): clients, orders, replies.

Every payload goes through the outbox (`dispatcher.outbox.enqueue`) in the transaction of the
change it announces; the relay sends ``portal.*`` topics to the service's portal batch. An
order of an invited client is published whenever it changes: `publish_changes` reads the
board's change log (``order_changes``) from the position it saved in ``relay_state``; a
cursor the log was pruned past republishes every invited client's live orders.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from dispatcher import outbox, planning
from dispatcher.board_live import changed_since
from dispatcher.changes import change_stamp
from dispatcher.config import read_config_file
from dispatcher.models import (
    Client,
    ClientKind,
    Order,
    OrderLine,
    OrderState,
    PaymentTerms,
    PortalInvitation,
    PortalRequest,
    RelayState,
    ReportClientBottles,
    TaskStatus,
    utcnow,
)
from dispatcher.moscow import MOSCOW

logger = logging.getLogger(__name__)

TOPIC_INVITE = "portal.invite"
TOPIC_REVOKE = "portal.revoke"
TOPIC_CLIENT = "portal.client"
TOPIC_ORDER = "portal.order"
TOPIC_REPLY = "portal.reply"
TOPIC_CLAIM = "portal.claim"
TOPIC_PREFIX = "portal."

ORDERS_CURSOR = "portal_orders_cursor"
PORTAL_URL_ENV = "DISPATCH_PORTAL_URL"
DAYS_AHEAD = 14  # how far ahead the portal lets a client order
SETTLEMENT_MONTHS = 12


def portal_url(sync_url: str | None = None) -> str:
    """The portal address of invitation links: env, [sync] portal_url, else sync url + /portal/."""
    env = os.environ.get(PORTAL_URL_ENV, "").strip()
    if env:
        return env
    sync = read_config_file().get("sync", {})
    configured = sync.get("portal_url") if isinstance(sync, dict) else None
    if isinstance(configured, str) and configured.strip():
        return configured.strip()
    base = sync_url or (sync.get("url", "") if isinstance(sync, dict) else "")
    base = base.strip().rstrip("/") if isinstance(base, str) else ""
    return f"{base}/portal/" if base else "/portal/"


_EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _client_version() -> int:
    # Tenths of a second since 2025 (the contract's ids are 31-bit: good until 2031): a later
    # publication of a client's prices and balances carries a larger version.
    return int((utcnow() - _EPOCH).total_seconds() * 10)


def _hhmm(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def is_invited(session: Session, client_id: int) -> bool:
    """Whether anyone of the client may use the portal (an invitation not revoked)."""
    return client_id in invited_among(session, [client_id])


def invited_among(session: Session, client_ids: Iterable[int]) -> set[int]:
    """The clients of ``client_ids`` that have portal access (an invitation not revoked)."""
    ids = set(client_ids)
    if not ids:
        return set()
    rows = session.scalars(
        select(PortalInvitation.client_id)
        .where(PortalInvitation.client_id.in_(ids), PortalInvitation.revoked_at.is_(None))
        .distinct()
    )
    return set(rows)


# ---- portal.client -----------------------------------------------------------------------


def bottle_balance(session: Session, client_id: int) -> int:
    """Bottles the client holds: delivered minus empties returned, from the report roll-up."""
    b = ReportClientBottles
    held = session.scalar(
        select(func.sum(b.delivered - b.returned)).where(b.client_id == client_id)
    )
    return int(held or 0)


def settlements(session: Session, client_id: int) -> list[dict[str, Any]]:
    """Delivered orders and amounts per Moscow month of the last year, newest first."""
    since = (dt.datetime.now(MOSCOW).date().replace(day=1) - dt.timedelta(days=366)).replace(day=1)
    rows = session.execute(
        select(Order.id, Order.delivery_date, func.sum(OrderLine.qty * OrderLine.price_kop))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            Order.client_id == client_id,
            Order.state == OrderState.CLOSED,
            Order.delivery_date >= since,
        )
        .group_by(Order.id, Order.delivery_date)
    )
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _order_id, day, amount in rows:
        month = months[f"{day:%Y-%m}"]
        month[0] += 1
        month[1] += int(amount or 0)
    return [
        {"month": m, "orders": n, "delivered_kop": kop}
        for m, (n, kop) in sorted(months.items(), reverse=True)
    ]


def client_payload(session: Session, client: Client) -> dict[str, Any]:
    """`PortalClient`: what the portal shows a client's people besides their orders."""
    invoice = client.kind is ClientKind.COMPANY and client.payment_terms is PaymentTerms.INVOICE
    return {
        "client_id": client.id,
        "version": _client_version(),
        "name": client.name,
        "kind": "company" if client.kind is ClientKind.COMPANY else "person",
        "payment": "invoice" if client.payment_terms is PaymentTerms.INVOICE else "cash",
        "prices": [
            {
                "code": item.code,
                "name": item.name,
                "kind": str(item.kind),
                "unit": "шт",
                "price_kop": item.price_kop,
            }
            for item in planning.price_items(session, client)
        ],
        "windows": [
            {"start": _hhmm(start), "end": _hhmm(end)} for start, end in planning.DELIVERY_WINDOWS
        ],
        "days_ahead": DAYS_AHEAD,
        "bottles": bottle_balance(session, client.id),
        "settlements": settlements(session, client.id) if invoice else [],
    }


def publish_client(session: Session, client_id: int) -> None:
    """Queue the client's portal data (prices, windows, bottles, settlements) for the service."""
    client = session.get(Client, client_id)
    if client is None:
        return
    outbox.enqueue(session, TOPIC_CLIENT, f"client:{client.id}", client_payload(session, client))


# ---- portal.order ------------------------------------------------------------------------


def order_state(order: Order, request: PortalRequest | None) -> tuple[str, str]:
    """The client's word for where the order is, and the note that goes with it."""
    if request is not None and request.rejected:
        return "rejected", request.rejected
    state = order.state
    if state is OrderState.INTEREST:
        if order.needs_reschedule:
            return "failed", order.fail_reason
        if request is not None and request.confirmed_at is None:
            return "to_confirm", ""
        return "taken", ""
    if state is OrderState.DELIVERY:
        live = [
            t
            for t in order.tasks
            if t.status in (TaskStatus.NEW, TaskStatus.SENT, TaskStatus.ACCEPTED)
        ]
        status = live[-1].status if live else TaskStatus.NEW
        return {
            TaskStatus.NEW: "sent",
            TaskStatus.SENT: "on_phone",
            TaskStatus.ACCEPTED: "accepted",
        }.get(status, "sent"), ""
    if state is OrderState.CLOSED:
        return "delivered", ""
    if state is OrderState.REJECTED:
        return "cancelled", order.reject_reason.name if order.reject_reason else ""
    return "cancelled", order.fail_reason


def order_payload(session: Session, order: Order) -> dict[str, Any]:
    """`PortalOrder`: one order as the client's people see it."""
    request = session.scalar(select(PortalRequest).where(PortalRequest.order_id == order.id))
    state, note = order_state(order, request)
    day, start, end = order.delivery_date, order.window_start, order.window_end
    if day is None and request is not None:  # not planned yet: the date the client asked for
        day, start, end = request.wanted_date, request.window_start, request.window_end
    return {
        "order_id": order.id,
        "client_id": order.client_id,
        # The change stamp moves with every write to orders and tasks (dispatcher.changes),
        # and publish_order flushes first: a later state always has a larger version.
        "version": max(change_stamp(session), 1),
        "request_id": request.request_id if request is not None else None,
        "state": state,
        "date": day.isoformat() if day is not None else None,
        "window_start": _hhmm(start),
        "window_end": _hhmm(end),
        "items": [
            {
                "code": line.product.code,
                "name": line.product.name,
                "qty": line.qty,
                "price_kop": line.price_kop,
            }
            for line in order.lines
        ],
        "total_kop": order.total_kop,
        "note": note,
        "updated_at": order.updated_at.isoformat(),
    }


def publish_order(session: Session, order: Order) -> None:
    """Queue an order's state for the portal (only for invited clients)."""
    session.flush()
    outbox.enqueue(session, TOPIC_ORDER, f"order:{order.id}", order_payload(session, order))


def _live_orders(session: Session, client_ids: set[int]) -> list[int]:
    live = (OrderState.INTEREST, OrderState.DELIVERY)
    return list(
        session.scalars(
            select(Order.id).where(Order.client_id.in_(client_ids), Order.state.in_(live))
        )
    )


def publish_changes(session: Session) -> int:
    """Publish the invited clients' orders changed since the saved cursor; returns how many.

    Call it on a fresh session and commit: the messages and the new cursor go together.
    Clients whose orders changed get their `portal.client` again (bottles, settlements).
    """
    row = session.get(RelayState, ORDERS_CURSOR)
    cursor = int(row.value) if row is not None else None
    changes = changed_since(session, cursor)
    if changes.order_ids is None:
        # Never read, or the log was pruned past the cursor: every invited client's live orders.
        invited = set(
            session.scalars(
                select(PortalInvitation.client_id)
                .where(PortalInvitation.revoked_at.is_(None))
                .distinct()
            )
        )
        order_ids = _live_orders(session, invited) if invited else []
    else:
        order_ids = sorted(changes.order_ids)
    published = 0
    if order_ids:
        found = list(
            session.scalars(
                select(Order)
                .where(Order.id.in_(order_ids))
                .options(selectinload(Order.lines), selectinload(Order.tasks))
                .order_by(Order.id)
            )
        )
        invited = invited_among(session, {o.client_id for o in found})
        for order in found:
            if order.client_id in invited:
                publish_order(session, order)
                published += 1
        for client_id in sorted({o.client_id for o in found} & invited):
            publish_client(session, client_id)
    if row is None:
        session.add(RelayState(name=ORDERS_CURSOR, value=str(changes.cursor)))
    elif str(changes.cursor) != row.value:
        row.value = str(changes.cursor)
    if published:
        logger.info("portal orders published", extra={"count": published})
    return published
