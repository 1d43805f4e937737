"""Moscow time, the one time zone deliveries are planned and shown in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    MOSCOW: dt.tzinfo = ZoneInfo("Europe/Moscow")
except ZoneInfoNotFoundError:  # Windows without the tzdata package
    # Moscow has kept UTC+3 without daylight saving since 2014.
    MOSCOW = dt.timezone(dt.timedelta(hours=3), "MSK")


def moscow_now() -> dt.datetime:
    """The current moment in Moscow time."""
    return dt.datetime.now(MOSCOW)


def moscow_today() -> dt.date:
    """Today's date in Moscow, the day deliveries are planned in."""
    return moscow_now().date()
