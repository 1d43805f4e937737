"""What the report queries share: Moscow periods in UTC, the Moscow day of a moment, filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from dispatcher.errors import ValidationError
from dispatcher.models import Client, ClientKind, Courier, Phone
from dispatcher.moscow import MOSCOW
from dispatcher.reports.model import ReportParams

# A period longer than this is a typing slip (2204 for 2024), not a report anyone waits for.
MAX_PERIOD_DAYS = 3 * 366


def check_params(params: ReportParams) -> None:
    """Refuse a period that ends before it starts, or one of several years, or a bad filter."""
    if params.date_to < params.date_from:
        raise ValidationError.of(
            "The period ends ({end:%d.%m.%Y}) before it starts ({start:%d.%m.%Y}).",
            start=params.date_from,
            end=params.date_to,
        )
    if (params.date_to - params.date_from).days >= MAX_PERIOD_DAYS:
        raise ValidationError.of(
            "A report covers at most three years; the period {start:%d.%m.%Y}–{end:%d.%m.%Y} "
            "is longer.",
            start=params.date_from,
            end=params.date_to,
        )
    if params.client_kind is not None and params.client_kind not in set(ClientKind):
        raise ValidationError.of(
            "The client kind is person or company, not {kind!r}.", kind=params.client_kind
        )
    if params.months < 1 or params.months > 120:
        raise ValidationError.of(
            "The number of months without orders must be between 1 and 120, not {months}.",
            months=params.months,
        )


def moscow_midnight(day: dt.date) -> dt.datetime:
    """The moment a Moscow day starts, in UTC (how timestamps are stored and compared)."""
    return dt.datetime.combine(day, dt.time(0), MOSCOW).astimezone(dt.UTC)


def period_bounds(params: ReportParams) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the period in UTC: Moscow midnight of the first day and of the day after."""
    return moscow_midnight(params.date_from), moscow_midnight(params.date_to + dt.timedelta(1))


def moscow_day(session: Session, moment: Any) -> ColumnElement[Any]:
    """The Moscow date of a stored UTC moment, computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("Europe/Moscow", moment))
    # SQLite stores naive UTC text. Moscow has kept UTC+3 all year since October 2014, the
    # earliest data this program holds; SQLite has no zone database to ask.
    return func.date(moment, "+3 hours")


def as_date(value: Any) -> dt.date:
    """A date as the driver returns it (SQLite: 'YYYY-MM-DD' text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def canonical_client(client: Any = Client) -> ColumnElement[int]:
    """The client a row counts for: the one a merged duplicate was merged into, or itself."""
    return func.coalesce(client.merged_into_id, client.id)


def chunks(ids: Sequence[int], size: int = 5000) -> Iterator[list[int]]:
    """The ids in lists short enough for one statement's parameters on every backend."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def with_duplicates(session: Session, chunk: list[int]) -> list[int]:
    """The clients and the duplicates merged into them (whose history counts as theirs)."""
    merged = session.scalars(select(Client.id).where(Client.merged_into_id.in_(chunk)))
    return [*chunk, *merged]


def courier_names(session: Session) -> dict[int | None, str]:
    """Every courier's name by id (a handful of rows)."""
    names: dict[int | None, str] = {
        cid: name for cid, name in session.execute(select(Courier.id, Courier.name))
    }
    names[None] = ""
    return names


def first_phones(session: Session, client_ids: Any) -> dict[int, str]:
    """The first phone (E.164) of each of the clients: its own before its contacts'."""
    best: dict[int, tuple[bool, int, str]] = {}
    rows = session.execute(
        select(Phone.client_id, Phone.contact_id, Phone.id, Phone.e164).where(
            Phone.client_id.in_(client_ids)
        )
    )
    # Picked here rather than by a grouped query: a client has two or three phones, and a
    # plain look-up by the client index is what the database does fastest.
    for client_id, contact_id, phone_id, e164 in rows:
        key = (contact_id is not None, phone_id, e164)
        if client_id not in best or key < best[client_id]:
            best[client_id] = key
    return {client_id: key[2] for client_id, key in best.items()}
