"""The couriers as a shift lead runs them: add, edit, deactivate, working days and hours.

Every change is for a lead or an admin (`require_role`); the list is for anyone. A courier
is never deleted: deactivating keeps the deliveries they made and stops them being
suggested or offered (dispatcher.planning.suggest_courier, operations.order_form).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import couriers
from dispatcher.couriers import SlotCheck, check_capacity, check_days, check_hours
from dispatcher.models import ALL_WEEK, Courier, UserRole
from dispatcher.users import Actor, require_role

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CourierDetails:
    """A courier as the Couriers window and `dispatch courier` show it.

    ``days`` is the mask as "mon,tue,…" and ``hours`` as "09:00-18:00" ("" for any time),
    the forms `dispatch courier edit` reads back.
    """

    id: int
    name: str
    phone: str
    active: bool
    capacity: int
    work_days: int
    work_start: dt.time | None
    work_end: dt.time | None
    days: str
    hours: str


@dataclass(frozen=True, slots=True)
class CourierEdit:
    """What to change on a courier; None leaves a field as it is.

    ``hours`` sets the working hours; ``any_hours`` clears them (the courier works any time).
    """

    name: str | None = None
    phone: str | None = None
    capacity: int | None = None
    work_days: int | None = None
    hours: tuple[dt.time, dt.time] | None = None
    any_hours: bool = False


def details(courier: Courier) -> CourierDetails:
    """The plain form of a courier row."""
    start, end = courier.work_start, courier.work_end
    return CourierDetails(
        id=courier.id,
        name=courier.name,
        phone=courier.phone,
        active=courier.active,
        capacity=courier.capacity,
        work_days=courier.work_days,
        work_start=start,
        work_end=end,
        days=couriers.days_codes(courier.work_days),
        hours=f"{start:%H:%M}-{end:%H:%M}" if start is not None and end is not None else "",
    )


def list_couriers(session: Session) -> list[CourierDetails]:
    """Every courier, active or not, in the order they were registered."""
    return [details(c) for c in session.scalars(select(Courier).order_by(Courier.id))]


def courier_details(session: Session, courier_id: int) -> CourierDetails:
    """One courier by id (NotFoundError when there is none)."""
    return details(couriers.get_courier(session, courier_id))


def add_courier(
    session: Session,
    name: str,
    phone: str = "",
    capacity: int = 40,
    *,
    work_days: int = ALL_WEEK,
    hours: tuple[dt.time, dt.time] | None = None,
    region: str = "RU",
    actor: Actor,
) -> CourierDetails:
    """Register a courier with their working days and hours (None: any time)."""
    require_role(actor, UserRole.LEAD, action="add couriers")
    work_days = check_days(work_days)
    if hours is not None:
        hours = check_hours(*hours)
    courier = couriers.add_courier(session, name, phone, capacity, region=region)
    courier.work_days = work_days
    courier.work_start, courier.work_end = hours if hours is not None else (None, None)
    session.flush()
    logger.info("courier added", extra={"courier_id": courier.id, "actor": actor.login})
    return details(courier)


def edit_courier(
    session: Session, courier_id: int, edit: CourierEdit, *, region: str = "RU", actor: Actor
) -> CourierDetails:
    """Change a courier's name, phone, capacity, working days or hours; all checked first."""
    require_role(actor, UserRole.LEAD, action="edit couriers")
    courier = couriers.get_courier(session, courier_id)
    # Every value is checked before any is set: a refused edit changes nothing.
    name = couriers.check_name(edit.name) if edit.name is not None else courier.name
    phone = couriers.check_phone(edit.phone, region) if edit.phone is not None else courier.phone
    capacity = check_capacity(edit.capacity) if edit.capacity is not None else courier.capacity
    work_days = check_days(edit.work_days) if edit.work_days is not None else courier.work_days
    hours: tuple[dt.time | None, dt.time | None] = (courier.work_start, courier.work_end)
    if edit.hours is not None:
        hours = check_hours(*edit.hours)
    elif edit.any_hours:
        hours = (None, None)
    courier.name, courier.phone, courier.capacity = name, phone, capacity
    courier.work_days = work_days
    courier.work_start, courier.work_end = hours
    session.flush()
    logger.info("courier edited", extra={"courier_id": courier.id, "actor": actor.login})
    return details(courier)


def deactivate_courier(session: Session, courier_id: int, *, actor: Actor) -> CourierDetails:
    """The courier takes no new deliveries (not suggested, not offered); history is kept."""
    require_role(actor, UserRole.LEAD, action="deactivate couriers")
    return _set_active(session, courier_id, False, actor)


def activate_courier(session: Session, courier_id: int, *, actor: Actor) -> CourierDetails:
    """A deactivated courier takes deliveries again."""
    require_role(actor, UserRole.LEAD, action="activate couriers")
    return _set_active(session, courier_id, True, actor)


def _set_active(session: Session, courier_id: int, active: bool, actor: Actor) -> CourierDetails:
    courier = couriers.get_courier(session, courier_id)
    courier.active = active
    session.flush()
    logger.info(
        "courier %s",
        "activated" if active else "deactivated",
        extra={"courier_id": courier.id, "actor": actor.login},
    )
    return details(courier)


def courier_availability(
    session: Session,
    courier_id: int,
    day: dt.date,
    window: tuple[dt.time | None, dt.time | None] = (None, None),
) -> SlotCheck:
    """Whether the courier can take the slot (see dispatcher.couriers.courier_availability)."""
    return couriers.courier_availability(session, courier_id, day, window)
