"""How the workspace shows money, dates and times: roubles, dd.MM.yyyy, Moscow time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        MOSCOW: dt.tzinfo = ZoneInfo("Europe/Moscow")
    except ZoneInfoNotFoundError:  # Windows without the tzdata package
        raise ImportError from None
except ImportError:
    # Moscow has kept UTC+3 without daylight saving since 2014.
    MOSCOW = dt.timezone(dt.timedelta(hours=3), "MSK")

ROUBLE = "₽"
DATE_FORMAT = "%d.%m.%Y"  # Qt: dd.MM.yyyy
TIME_FORMAT = "%H:%M"


def format_money(kop: int | Decimal) -> str:
    """Kopecks as roubles: 125000 -> '1 250,00 ₽' (space groups, comma decimals)."""
    value = int(kop)
    sign = "-" if value < 0 else ""
    roubles, kopecks = divmod(abs(value), 100)
    grouped = f"{roubles:,}".replace(",", " ")
    return f"{sign}{grouped},{kopecks:02d} {ROUBLE}"


def to_moscow(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Moscow time; a naive datetime is taken as UTC (how the database keeps it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(MOSCOW)


def moscow_now() -> dt.datetime:
    """The current moment in Moscow time."""
    return dt.datetime.now(MOSCOW)


def format_date(value: dt.date | dt.datetime) -> str:
    """A date as dd.MM.yyyy; a datetime is shown as its Moscow date."""
    if isinstance(value, dt.datetime):
        value = to_moscow(value)
    return value.strftime(DATE_FORMAT)


def format_time(moment: dt.datetime) -> str:
    """A moment as HH:mm Moscow time."""
    return to_moscow(moment).strftime(TIME_FORMAT)


def format_datetime(moment: dt.datetime) -> str:
    """A moment as 'dd.MM.yyyy HH:mm' Moscow time."""
    return to_moscow(moment).strftime(f"{DATE_FORMAT} {TIME_FORMAT}")
