"""Run a report by name: the one operation the Reports window and `dispatch report` call."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

# Each module by its full name: the package re-exports `run_report`, so importing the
# modules through it would make an import circle.
import dispatcher.reports.bottles as bottles
import dispatcher.reports.cash as cash
import dispatcher.reports.complaints as complaints
import dispatcher.reports.delivered as delivered
import dispatcher.reports.lost_clients as lost_clients
import dispatcher.reports.orders as orders
import dispatcher.reports.sales as sales
from dispatcher.errors import ValidationError
from dispatcher.models import UserRole
from dispatcher.reports.common import check_params
from dispatcher.reports.model import Report, ReportParams
from dispatcher.users import Actor, require_role

logger = logging.getLogger(__name__)

SQLITE_CACHE_KIB = 256 * 1024

BUILDERS: dict[str, Callable[[Session, ReportParams], Report]] = {
    delivered.NAME: delivered.build,
    sales.NAME: sales.build,
    orders.NAME: orders.build,
    lost_clients.NAME: lost_clients.build,
    cash.NAME: cash.build,
    bottles.NAME: bottles.build,
    complaints.NAME: complaints.build,
}
# In the order the seed lists them, then the two the day needs.
REPORT_NAMES: tuple[str, ...] = tuple(BUILDERS)


def run_report(session: Session, name: str, params: ReportParams, *, actor: Actor) -> Report:
    """The report ``name`` for ``params``; leads and admins only (it shows every desk's work)."""
    require_role(actor, UserRole.LEAD, action="see reports")
    build = BUILDERS.get(name)
    if build is None:
        raise ValidationError.of(
            "There is no report {name!r}; the reports are {names}.",
            name=name,
            names=", ".join(REPORT_NAMES),
        )
    check_params(params)
    if session.get_bind().dialect.name == "sqlite":
        # A report reads a large part of the file once: a bigger page cache than the default
        # 2 MB and sorting in memory save most of its time (the connection keeps them).
        session.execute(text(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}"))
        session.execute(text("PRAGMA temp_store=MEMORY"))
    started = time.perf_counter()
    report = build(session, params)
    logger.info(
        "report %s built",
        name,
        extra={"rows": len(report.rows), "seconds": round(time.perf_counter() - started, 3)},
    )
    return report
