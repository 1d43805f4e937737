"""What the complaint window, the lead's waiting list and the reasons editor say and allow."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from app.complaints_presenter import deadline_text, status_text
from app.formatting import format_date, format_datetime
from dispatcher.complaints import Escalation
from dispatcher.operations.complaints import ComplaintDetails, ReasonRow, ThreadRow
from dispatcher.operations.portal_reads import AttachmentRow


@dataclass(frozen=True, slots=True)
class DetailsView:
    """The complaint window's texts and which actions it offers."""

    heading: str
    description: str
    may_discuss: bool  # open: departments may be drawn in and write
    may_reopen: bool  # a lead, and the complaint is resolved
    may_review: bool  # a lead, and a "not satisfied" result waits for review


def present_details(details: ComplaintDetails, lead: bool) -> DetailsView:
    """The heading, the text and the enabled actions for ``details``."""
    row = details.complaint
    deadline = QCoreApplication.translate("ComplaintDetails", "deadline %1")
    heading = f"№{row.id} {row.client_name} — {row.reason} · {status_text(row)} · " + (
        deadline.replace("%1", deadline_text(row))
    )
    text = row.description + (f"\n→ {row.result}" if row.result else "")
    return DetailsView(
        heading=heading,
        description=text,
        may_discuss=row.is_open,
        may_reopen=lead and not row.is_open,
        may_review=lead and row.review_due is not None,
    )


def thread_text(thread: ThreadRow) -> str:
    """One department's thread in the list: "⚠ Логистика — by 12.12.2026 · open (2)"."""
    state = (
        QCoreApplication.translate("ComplaintDetails", "open")
        if thread.open
        else QCoreApplication.translate("ComplaintDetails", "closed")
    )
    text = (
        QCoreApplication.translate("ComplaintDetails", "%1 — by %2")
        .replace("%1", thread.department)
        .replace("%2", format_date(thread.due))
        + f" · {state} ({len(thread.messages)})"
    )
    return "⚠ " + text if thread.overdue else text


def messages_text(thread: ThreadRow | None) -> str:
    """The thread's messages, oldest first, one paragraph each."""
    if thread is None:
        return ""
    return "\n".join(f"{format_datetime(m.at)} {m.author}: {m.text}" for m in thread.messages)


def waiting_rows(escalation: Escalation) -> list[tuple[int, str]]:
    """What waits for the lead besides overdue complaints: (complaint id, line)."""
    rows = [
        (
            t.complaint_id,
            QCoreApplication.translate("ComplaintDetails", "№%1 %2: the %3 thread was due %4")
            .replace("%1", str(t.complaint_id))
            .replace("%2", t.client_name)
            .replace("%3", t.department)
            .replace("%4", format_date(t.due)),
        )
        for t in escalation.threads
    ]
    rows += [
        (
            c.id,
            QCoreApplication.translate("ComplaintDetails", "№%1 %2: not satisfied (%3), review it")
            .replace("%1", str(c.id))
            .replace("%2", c.client_name)
            .replace("%3", c.result),
        )
        for c in escalation.reviews
    ]
    return rows


def reason_text(reason: ReasonRow) -> str:
    """A reason in the editor: name, standard time, whether it is still offered."""
    text = f"{reason.name} — " + QCoreApplication.translate("ComplaintDetails", "%1 h").replace(
        "%1", str(reason.hours)
    )
    return (
        text
        if reason.active
        else text + " · " + QCoreApplication.translate("ComplaintDetails", "no longer offered")
    )


def attachment_text(row: AttachmentRow) -> str:
    """A photo in the complaint's list: "crack.png · 12 KB · 12.03.2026 10:15"."""
    size = f"{max(1, round(row.size / 1024))} KB"
    return f"{row.name} · {size} · {format_datetime(row.created_at)}"
