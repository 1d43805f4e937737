"""The couriers who deliver: who they are, when they work, and whether they can take a slot."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.errors import DomainText, NotFoundError, ValidationError, translatable
from dispatcher.models import ALL_WEEK, Courier
from dispatcher.phones import parse_phone

# Far above any van; bounds a typing slip ("4000" for "40").
MAX_CAPACITY = 1000
NAME_MAX = 200  # the column size of Courier.name

# Monday first, as date.weekday() counts: bit i of Courier.work_days is DAY_CODES[i].
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RUSSIAN_CODES = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
DAY_NAMES = (
    DomainText(translatable("Monday")),
    DomainText(translatable("Tuesday")),
    DomainText(translatable("Wednesday")),
    DomainText(translatable("Thursday")),
    DomainText(translatable("Friday")),
    DomainText(translatable("Saturday")),
    DomainText(translatable("Sunday")),
)


class Availability(enum.StrEnum):
    """Whether a courier can take a slot, and if not, why."""

    OK = "ok"
    INACTIVE = "inactive"
    OFF_DAY = "off_day"
    OUTSIDE_HOURS = "outside_hours"


@dataclass(frozen=True, slots=True)
class Schedule:
    """A courier's name, active flag, working days (bit mask) and hours (None: any time)."""

    name: str
    active: bool = True
    work_days: int = ALL_WEEK
    work_start: dt.time | None = None
    work_end: dt.time | None = None

    @classmethod
    def of(cls, courier: Courier) -> Schedule:
        """The schedule of a courier row."""
        return cls(
            courier.name, courier.active, courier.work_days, courier.work_start, courier.work_end
        )


@dataclass(frozen=True, slots=True)
class SlotCheck:
    """The answer of `check_slot`: ``status`` and, unless OK, the reason in words."""

    status: Availability
    reason: DomainText | None = None

    @property
    def ok(self) -> bool:
        """The courier can take the slot without a remark."""
        return self.status is Availability.OK

    @property
    def refused(self) -> bool:
        """Not to be suggested nor offered (inactive, or off that day); hours only warn."""
        return self.status in (Availability.INACTIVE, Availability.OFF_DAY)

    def __str__(self) -> str:
        return str(self.reason) if self.reason is not None else ""


def works_on(work_days: int, day: dt.date) -> bool:
    """Whether the mask ``work_days`` has the weekday of ``day``."""
    return bool(work_days & (1 << day.weekday()))


def check_slot(
    schedule: Schedule, day: dt.date, window: tuple[dt.time | None, dt.time | None] = (None, None)
) -> SlotCheck:
    """Whether the courier can take ``window`` on ``day``; hours outside theirs only warn."""
    if not schedule.active:
        return SlotCheck(
            Availability.INACTIVE,
            DomainText(
                translatable("{name} is deactivated and takes no deliveries."),
                {"name": schedule.name},
            ),
        )
    if not works_on(schedule.work_days, day):
        return SlotCheck(
            Availability.OFF_DAY,
            DomainText(
                translatable("{name} does not work on {weekday} ({day:%d.%m})."),
                {"name": schedule.name, "weekday": DAY_NAMES[day.weekday()], "day": day},
            ),
        )
    start, end = window
    ws, we = schedule.work_start, schedule.work_end
    if start is None or end is None or ws is None or we is None:
        return SlotCheck(Availability.OK)  # no window chosen yet, or the courier works any time
    if start < ws or end > we:
        return SlotCheck(
            Availability.OUTSIDE_HOURS,
            DomainText(
                translatable(
                    "{start:%H:%M}–{end:%H:%M} is outside {name}'s hours "
                    "({work_start:%H:%M}–{work_end:%H:%M})."
                ),
                {"name": schedule.name, "start": start, "end": end}
                | {"work_start": ws, "work_end": we},
            ),
        )
    return SlotCheck(Availability.OK)


def courier_availability(
    session: Session,
    courier_id: int,
    day: dt.date,
    window: tuple[dt.time | None, dt.time | None] = (None, None),
) -> SlotCheck:
    """Whether this courier can take ``window`` on ``day``: ok, inactive, off, outside hours."""
    return check_slot(Schedule.of(get_courier(session, courier_id)), day, window)


# ---- what people type -------------------------------------------------------------------


def parse_days(text: str) -> int:
    """A mask from day names typed as "mon,tue,fri" (or "пн,вт,пт"); "all" is every day."""
    words = [w.strip().casefold() for w in text.replace(" ", ",").split(",") if w.strip()]
    if words in (["all"], ["все"]):
        return ALL_WEEK
    mask = 0
    for word in words:
        key = word[:3] if word[:3] in DAY_CODES else word[:2]
        if key in DAY_CODES:
            mask |= 1 << DAY_CODES.index(key)
        elif key in _RUSSIAN_CODES:
            mask |= 1 << _RUSSIAN_CODES.index(key)
        else:
            raise ValidationError.of(
                "{word!r} is not a day of the week: use mon, tue, wed, thu, fri, sat, sun.",
                word=word,
            )
    return check_days(mask)


def days_codes(work_days: int) -> str:
    """The mask as "mon,tue,wed" (what `parse_days` reads back)."""
    return ",".join(code for i, code in enumerate(DAY_CODES) if work_days & (1 << i))


def check_days(work_days: int) -> int:
    """The mask itself, refused when it names no day or bits beyond Sunday."""
    if not 0 < work_days <= ALL_WEEK:
        raise ValidationError.of("A courier must work at least one day of the week.")
    return work_days


def parse_hours(text: str) -> tuple[dt.time, dt.time]:
    """Working hours typed as HH:MM-HH:MM, the end after the start."""
    try:
        start_s, end_s = (part.strip() for part in text.replace("–", "-").split("-"))
        start = dt.datetime.strptime(start_s, "%H:%M").time()
        end = dt.datetime.strptime(end_s, "%H:%M").time()
    except ValueError:
        raise ValidationError.of(
            "Working hours {text!r} are not in the form HH:MM-HH:MM, e.g. 09:00-18:00.", text=text
        ) from None
    return check_hours(start, end)


def check_hours(start: dt.time, end: dt.time) -> tuple[dt.time, dt.time]:
    """The hours themselves, refused when the end is not after the start."""
    if end <= start:
        raise ValidationError.of(
            "Working hours {start:%H:%M}-{end:%H:%M}: the end must be after the start.",
            start=start,
            end=end,
        )
    return start, end


def parse_capacity(text: str) -> int:
    """A capacity typed as a whole number of bottles."""
    try:
        capacity = int(text.strip())
    except ValueError:
        raise ValidationError.of(
            "The capacity {text!r} is not a whole number of bottles.", text=text
        ) from None
    return check_capacity(capacity)


def check_capacity(capacity: int) -> int:
    """The capacity itself, refused below one bottle or above MAX_CAPACITY."""
    if capacity <= 0:
        raise ValidationError.of("A courier's capacity must be at least one bottle.")
    if capacity > MAX_CAPACITY:
        raise ValidationError.of(
            "A courier's capacity of {capacity} bottles is more than {limit}: a typing slip?",
            capacity=capacity,
            limit=MAX_CAPACITY,
        )
    return capacity


def check_name(name: str) -> str:
    """The name with its spaces tidied, refused when empty or too long."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError.of("The courier's name is empty.")
    if len(name) > NAME_MAX:
        raise ValidationError.of(
            "The courier's name is longer than {limit} characters.", limit=NAME_MAX
        )
    return name


def check_phone(phone: str, region: str = "RU") -> str:
    """The phone in E.164 ("" when none is typed), refused when it is not a phone."""
    if not phone.strip():
        return ""
    parsed = parse_phone(phone, region)
    if not parsed.ok or parsed.e164 is None:
        raise ValidationError.of(
            "Courier's phone {phone!r}: {problem}",
            phone=phone,
            problem=DomainText(parsed.message or translatable("not usable")),
        )
    return parsed.e164


# ---- rows -------------------------------------------------------------------------------


def add_courier(
    session: Session, name: str, phone: str = "", capacity: int = 40, region: str = "RU"
) -> Courier:
    """Register a courier; the phone is stored in E.164 so the courier can be called back."""
    name = check_name(name)
    e164 = check_phone(phone, region)
    courier = Courier(name=name, phone=e164, capacity=check_capacity(capacity))
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
