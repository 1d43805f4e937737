"""What the complaint form, the Complaints window and the client card say about complaints."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

from app.formatting import format_date, format_datetime, to_moscow
from dispatcher.complaints import ComplaintRow, Escalation
from dispatcher.models import ComplaintStatus


def remedy_choices() -> tuple[tuple[str, str], ...]:
    """The remedies the client may ask for: (value, label)."""
    return (
        ("none", QCoreApplication.translate("Complaints", "Not named")),
        ("redelivery", QCoreApplication.translate("Complaints", "Redelivery")),
        ("replacement", QCoreApplication.translate("Complaints", "Replacement")),
        ("refund", QCoreApplication.translate("Complaints", "Refund")),
    )


def priority_choices() -> tuple[tuple[str, str], ...]:
    """The priorities: (value, label), normal first."""
    return (
        ("normal", QCoreApplication.translate("Complaints", "Normal")),
        ("high", QCoreApplication.translate("Complaints", "High")),
        ("low", QCoreApplication.translate("Complaints", "Low")),
    )


def status_text(row: ComplaintRow) -> str:
    """Registered / in work / resolved (satisfied or not)."""
    if row.status is ComplaintStatus.REGISTERED:
        return QCoreApplication.translate("Complaints", "Registered")
    if row.status is ComplaintStatus.IN_WORK:
        return QCoreApplication.translate("Complaints", "In work")
    if row.satisfied:
        return QCoreApplication.translate("Complaints", "Resolved, satisfied")
    return QCoreApplication.translate("Complaints", "Resolved, not satisfied")


def form_title(client_name: str, order_id: int | None) -> str:
    """The form's heading: whose complaint, about which order."""
    if order_id is None:
        return QCoreApplication.translate("Complaints", "Complaint of %1").replace(
            "%1", client_name
        )
    return (
        QCoreApplication.translate("Complaints", "Complaint of %1 about order №%2")
        .replace("%1", client_name)
        .replace("%2", str(order_id))
    )


def headers() -> tuple[str, ...]:
    """The Complaints window's columns."""
    return (
        QCoreApplication.translate("Complaints", "No."),
        QCoreApplication.translate("Complaints", "Deadline"),
        QCoreApplication.translate("Complaints", "Status"),
        QCoreApplication.translate("Complaints", "Client"),
        QCoreApplication.translate("Complaints", "Reason"),
        QCoreApplication.translate("Complaints", "Description"),
        QCoreApplication.translate("Complaints", "Responsible"),
    )


def deadline_text(row: ComplaintRow) -> str:
    """The deadline in Moscow time, marked when overdue."""
    moscow = to_moscow(row.deadline)
    # A deadline set as a date is stored as the next midnight: "by 01.01" reads better than
    # "02.01 00:00", which looked like a day more than the lead gave.
    if moscow.time() == dt.time(0):
        text = format_date(moscow - dt.timedelta(days=1))
    else:
        text = format_datetime(row.deadline)
    if row.overdue:
        return "⚠ " + QCoreApplication.translate("Complaints", "%1 overdue").replace("%1", text)
    return text


def cells(row: ComplaintRow) -> tuple[str, ...]:
    """One complaint's cells in the window."""
    return (
        str(row.id),
        deadline_text(row),
        status_text(row),
        row.client_name,
        row.reason,
        row.description,
        row.responsible or "—",
    )


def badge_text(escalation: Escalation) -> str:
    """The Complaints badge: how many wait for the lead ("" when none)."""
    if not escalation.count:
        return ""
    return QCoreApplication.translate("Complaints", "Complaints: %1 overdue").replace(
        "%1", str(escalation.count)
    )


def escalation_message(escalation: Escalation) -> str:
    """The tray message: what became overdue, the first few named."""
    lines = [
        QCoreApplication.translate("Complaints", "№%1 %2: %3 — overdue")
        .replace("%1", str(c.id))
        .replace("%2", c.client_name)
        .replace("%3", c.reason)
        for c in escalation.complaints[:3]
    ]
    lines += [
        QCoreApplication.translate("Complaints", "№%1 %2: the %3 thread is overdue")
        .replace("%1", str(t.complaint_id))
        .replace("%2", t.client_name)
        .replace("%3", t.department)
        for t in escalation.threads[:2]
    ]
    lines += [
        QCoreApplication.translate("Complaints", "№%1 %2: not satisfied, review it")
        .replace("%1", str(c.id))
        .replace("%2", c.client_name)
        for c in escalation.reviews[:2]
    ]
    return "\n".join(lines)


def history_line(row: ComplaintRow) -> str:
    """One complaint in the client card's history."""
    text = (
        f"№{row.id} {format_date(row.registered_at)} · {row.reason} · {status_text(row)}"
        f" — {row.description}"
    )
    if row.result:
        text += f" → {row.result}"
    if row.overdue:
        text = "⚠ " + text
    return text


def message_rows(escalation: Escalation) -> list[tuple[int, str]]:
    """Portal messages nobody answered in time: (message id, line)."""
    return [
        (
            m.id,
            QCoreApplication.translate("Complaints", "Portal message from %1, due %2: %3")
            .replace("%1", m.client_name)
            .replace("%2", format_datetime(m.due))
            .replace("%3", " ".join(m.text.split())),
        )
        for m in escalation.messages
    ]
