"""How the workspace shows money, dates and times: roubles, dd.MM.yyyy, Moscow time.

Money and the time zone come from the domain (dispatcher.catalog, dispatcher.moscow): one
implementation each, so the workspace, the CLI and the reports show the same text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dispatcher import catalog
from dispatcher.moscow import MOSCOW

DATE_FORMAT = "%d.%m.%Y"  # Qt: dd.MM.yyyy
TIME_FORMAT = "%H:%M"


def format_money(kop: int | Decimal) -> str:
    """Kopecks as roubles with ordinary spaces: 125000 -> '1 250,00 ₽'."""
    return catalog.format_money(int(kop), space=" ")


def to_moscow(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Moscow time; a naive datetime is taken as UTC (how the database keeps it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(MOSCOW)


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
