"""Messages for the sync service, written in the same transaction as the change they announce."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.models import CourierTask, Order, OutboxMessage

TOPIC_TASK_UPSERT = "task.upsert"
TOPIC_TASK_CANCEL = "task.cancel"


def _hhmm(value: Any) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def task_payload(task: CourierTask, order: Order) -> dict[str, Any]:
    """The task as the courier's phone needs it, with everything copied (no lookups later)."""
    client = order.client
    phones = [p.e164 for p in client.phones if order.contact_id in (None, p.contact_id)]
    return {
        "task_id": task.uid,
        "version": task.version,
        "order_id": order.id,
        "courier_id": task.courier_id,
        "date": task.delivery_date.isoformat(),
        "window_start": _hhmm(task.window_start),
        "window_end": _hhmm(task.window_end),
        "address": task.address_snapshot,
        "client_name": client.name,
        "contact_name": order.contact.name if order.contact else None,
        "contact_phones": phones,
        "items": task.items,
        "amount_kop": task.amount_kop,
        "payment_method": str(task.payment_method),
        "comment": order.comment,
    }


def enqueue(session: Session, topic: str, key: str, payload: dict[str, Any]) -> OutboxMessage:
    """Add a message to the outbox; it is sent only if the surrounding transaction commits."""
    message = OutboxMessage(topic=topic, key=key, payload=payload)
    session.add(message)
    return message


def pending(session: Session, limit: int = 100) -> list[OutboxMessage]:
    """Messages not yet confirmed by the sync service, oldest first."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))
