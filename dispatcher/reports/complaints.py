"""Complaints: those registered in the period, by reason, by guilty department, by guilty person.

Each row counts the complaints of one reason (or department, or person) registered in the
period: how many, how many are resolved, the average hours from registration to resolution
of the resolved ones, and how many were (or still are) overdue — resolved after their
deadline, or open past it now — with that share. A complaint appears once in each group.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import Complaint, ComplaintReason, ComplaintStatus
from dispatcher.reports.common import period_bounds
from dispatcher.reports.model import Chart, Column, ColumnKind, Report, ReportParams
from storage.timestamps import utcnow

NAME = "complaints"

COLUMNS = (
    Column("by", translatable("Grouped by")),
    Column("name", translatable("Name")),
    Column("complaints", translatable("Complaints"), ColumnKind.QTY),
    Column("resolved", translatable("Resolved"), ColumnKind.QTY),
    Column("not_satisfied", translatable("Not satisfied"), ColumnKind.QTY),
    Column("hours_to_resolve", translatable("Hours to resolve (average)"), ColumnKind.QTY),
    Column("overdue", translatable("Overdue"), ColumnKind.QTY),
    Column("overdue_pct", translatable("Overdue, %"), ColumnKind.PERCENT),
)
CHART = Chart("bar", "name", ("complaints", "overdue"))
# Row group codes; the Reports window names them in the operator's language.
BY_REASON, BY_DEPARTMENT, BY_GUILTY = "reason", "department", "guilty"


def _late(
    status: Any, deadline: dt.datetime, resolved: dt.datetime | None, now: dt.datetime
) -> bool:
    if ComplaintStatus(status) is ComplaintStatus.RESOLVED and resolved is not None:
        return resolved > deadline
    return deadline < now


def build(session: Session, params: ReportParams, now: dt.datetime | None = None) -> Report:
    """The complaints registered in the period, grouped three ways."""
    now = now or utcnow()
    start, end = period_bounds(params)
    found = session.execute(
        select(
            ComplaintReason.name,
            Complaint.guilty_department,
            Complaint.guilty_person,
            Complaint.status,
            Complaint.deadline,
            Complaint.registered_at,
            Complaint.resolved_at,
            Complaint.satisfied,
        )
        .join(ComplaintReason, ComplaintReason.id == Complaint.reason_id)
        .where(Complaint.registered_at >= start, Complaint.registered_at < end)
    ).all()
    groups: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"complaints": 0, "resolved": 0, "not_satisfied": 0, "hours": 0.0, "overdue": 0}
    )
    hours_all, late_all, resolved_all = 0.0, 0, 0
    for reason, department, guilty, status, deadline, registered, resolved, satisfied in found:
        late = _late(status, deadline, resolved, now)
        hours = (resolved - registered).total_seconds() / 3600 if resolved else None
        late_all += late
        if hours is not None:
            hours_all += hours
            resolved_all += 1
        for key in ((BY_REASON, reason), (BY_DEPARTMENT, department), (BY_GUILTY, guilty)):
            if not key[1]:
                continue  # no department or person named: counted under the reason only
            g = groups[key]
            g["complaints"] += 1
            g["overdue"] += late
            g["not_satisfied"] += satisfied is False
            if hours is not None:
                g["resolved"] += 1
                g["hours"] += hours
    order = {BY_REASON: 0, BY_DEPARTMENT: 1, BY_GUILTY: 2}
    rows = [
        {
            "by": by,
            "name": name,
            "complaints": g["complaints"],
            "resolved": g["resolved"],
            "not_satisfied": g["not_satisfied"],
            "hours_to_resolve": round(g["hours"] / g["resolved"]) if g["resolved"] else 0,
            "overdue": g["overdue"],
            "overdue_pct": round(100 * g["overdue"] / g["complaints"], 1),
        }
        for (by, name), g in sorted(
            groups.items(), key=lambda item: (order[item[0][0]], -item[1]["complaints"], item[0][1])
        )
    ]
    total = len(found)
    totals: dict[str, Any] = {
        "complaints": total,
        "resolved": resolved_all,
        "not_satisfied": sum(1 for row in found if row.satisfied is False),
        "hours_to_resolve": round(hours_all / resolved_all) if resolved_all else 0,
        "overdue": late_all,
        "overdue_pct": round(100 * late_all / total, 1) if total else 0.0,
    }
    return Report(NAME, params, COLUMNS, tuple(rows), totals, CHART)
