"""One puller of the courier feed per database: a lease row in `relay_state`.

Every desk runs a relay, and all desks of a site share one database; were every relay to
pull the service's feed, each would try to apply the same events (refused as duplicates at
best). The relay holding this lease pulls; the others stand by and look at it every second
or so. The holder renews it before each long poll and in the very transaction that applies a
page, so a relay whose lease lapsed (a frozen process, a lost network) finds out before it
applies anything; a relay that stops gives the lease up, one that dies lets it expire.

The lease's age is measured with the desks' clocks (as the outbox claims are): keep the
desks' clocks synchronised to well under the lease (seconds).
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dispatcher.models import RelayState, utcnow

logger = logging.getLogger(__name__)

FEED_LEASE = "courier_feed_lease"
_FREE = ""


def _ensure_row(session: Session) -> None:
    """Create the lease row once; two relays creating it together is harmless."""
    dialect = session.get_bind().dialect.name
    values = {"name": FEED_LEASE, "value": _FREE, "updated_at": utcnow()}
    if dialect == "postgresql":
        statement = postgresql.insert(RelayState).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(RelayState).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - the project runs on these two
        raise NotImplementedError(dialect)
    session.execute(statement)


def take(session: Session, owner: str, lease: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """Take or renew the feed lease for `owner`; True when it holds it. Commit right after."""
    now = now or utcnow()
    row = session.execute(
        select(RelayState.value, RelayState.updated_at).where(RelayState.name == FEED_LEASE)
    ).first()
    if row is None:
        _ensure_row(session)
    elif row.value not in (owner, _FREE) and row.updated_at >= now - lease:
        # Held by another relay and alive: a plain read, so standing by never takes
        # SQLite's write lock from the operators.
        return False
    result = session.execute(
        update(RelayState)
        .where(
            RelayState.name == FEED_LEASE,
            or_(
                RelayState.value == owner,
                RelayState.value == _FREE,
                RelayState.updated_at < now - lease,
            ),
        )
        .values(value=owner, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def renew(session: Session, owner: str, now: dt.datetime | None = None) -> bool:
    """Inside the applying transaction: True if `owner` still holds the lease.

    Call it first in the transaction: the UPDATE locks the lease row (PostgreSQL) or takes
    the write lock (SQLite) until commit, so no other relay can take the lease over while
    this one applies its page.
    """
    result = session.execute(
        update(RelayState)
        .where(RelayState.name == FEED_LEASE, RelayState.value == owner)
        .values(updated_at=now or utcnow()),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release(session: Session, owner: str) -> None:
    """Give the lease up (when the relay stops) so a standing-by relay takes over at once."""
    session.execute(
        update(RelayState)
        .where(RelayState.name == FEED_LEASE, RelayState.value == owner)
        .values(value=_FREE, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


def holder(session: Session) -> str | None:
    """Who holds the lease now (None when free), for status displays and tests."""
    value = session.scalar(select(RelayState.value).where(RelayState.name == FEED_LEASE))
    return value or None
