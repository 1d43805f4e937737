"""A few sample complaints for the demo: one overdue, one with a department drawn in, one
resolved with the client not satisfied (waiting for the lead's review)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.models import Complaint, Order
from dispatcher.operations import complaints as ops
from dispatcher.users import Actor
from storage.timestamps import utcnow

# (reason, description, days ago): the first is past its reason's 24 hours.
SAMPLES = (
    ("Опоздание курьера", "Ждали до вечера, курьер приехал на следующий день", 3),
    ("Качество воды", "Вода с осадком, просят заменить бутыли", 0),
    ("Грубость курьера", "Курьер нагрубил, отказался поднять бутыли на этаж", 1),
)


def seed_demo_complaints(session: Session, lead: Actor, now: dt.datetime | None = None) -> int:
    """Register the sample complaints on the first clients with orders; how many were added."""
    if session.scalar(select(Complaint.id).limit(1)) is not None:
        return 0
    now = now or utcnow()
    orders = list(
        session.execute(
            select(Order.id, Order.client_id).order_by(Order.id).limit(len(SAMPLES) * 20)
        )
    )
    picked: dict[int, int] = {}  # client -> one of its orders, distinct clients
    for order_id, client_id in orders:
        picked.setdefault(client_id, order_id)
    rows = []
    for (reason, text, days), (client_id, order_id) in zip(SAMPLES, picked.items(), strict=False):
        rows.append(
            ops.register_complaint(
                session,
                client_id,
                reason,
                text,
                actor=lead,
                order_ids=[order_id],
                now=now - dt.timedelta(days=days),
            )
        )
    if len(rows) >= 2:
        thread = ops.add_department(
            session, rows[1].id, "Производство", (now + dt.timedelta(days=2)).date(), actor=lead
        )
        ops.post_message(session, thread.id, "Проверьте партию от 5-го числа", actor=lead)
    if len(rows) >= 3:
        ops.resolve_complaint(
            session, rows[2].id, "Извинились, скидка 10% на заказ", False, actor=lead, now=now
        )
    return len(rows)
