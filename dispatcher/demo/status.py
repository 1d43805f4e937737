"""What the demo data looks like from outside: is the database empty, whom to call."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.models import Client, Order, OrderState, Phone


def is_empty(session: Session) -> bool:
    """True when the database holds no client yet (the only state the seeder fills)."""
    return session.scalar(select(Client.id).limit(1)) is None


def sample_numbers(session: Session, limit: int = 5) -> list[str]:
    """Numbers of demo clients worth calling: those with a delivery under way first."""
    with_delivery = session.scalars(
        select(Phone.raw)
        .join(Client, Client.id == Phone.client_id)
        .join(Order, Order.client_id == Client.id)
        .where(Order.state == OrderState.DELIVERY, Client.merged_into_id.is_(None))
        .order_by(Phone.id)
        .limit(limit)
    ).all()
    numbers = list(dict.fromkeys(with_delivery))
    if len(numbers) < limit:
        more = session.scalars(select(Phone.raw).order_by(Phone.id).limit(limit)).all()
        numbers += [n for n in more if n not in numbers]
    return numbers[:limit]
