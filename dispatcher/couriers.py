"""The couriers who deliver."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.errors import DomainText, NotFoundError, ValidationError, translatable
from dispatcher.models import Courier
from dispatcher.phones import parse_phone


def add_courier(
    session: Session, name: str, phone: str = "", capacity: int = 40, region: str = "RU"
) -> Courier:
    """Register a courier; the phone is stored in E.164 so the courier can be called back."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError.of("The courier's name is empty.")
    e164 = ""
    if phone.strip():
        parsed = parse_phone(phone, region)
        if not parsed.ok or parsed.e164 is None:
            raise ValidationError.of(
                "Courier's phone {phone!r}: {problem}",
                phone=phone,
                problem=DomainText(parsed.message or translatable("not usable")),
            )
        e164 = parsed.e164
    if capacity <= 0:
        raise ValidationError.of("A courier's capacity must be at least one bottle.")
    courier = Courier(name=name, phone=e164, capacity=capacity)
    session.add(courier)
    session.flush()
    return courier


def get_courier(session: Session, courier_id: int) -> Courier:
    """The courier with this id, or a NotFoundError an operator can read."""
    courier = session.get(Courier, courier_id)
    if courier is None:
        raise NotFoundError.of("Courier #{courier_id} does not exist.", courier_id=courier_id)
    return courier


def active_couriers(session: Session) -> list[Courier]:
    """Couriers who can be given deliveries, by name."""
    return list(session.scalars(select(Courier).where(Courier.active).order_by(Courier.name)))
