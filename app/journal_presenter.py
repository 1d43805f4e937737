"""What the interactions journal shows: one line per call, plan or note, with its flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from dispatcher.models import Direction, InteractionKind, utcnow
from dispatcher.moscow import MOSCOW
from dispatcher.operations.plans import JournalEntry


@dataclass(frozen=True, slots=True)
class JournalRow:
    """One journal line: its id, its text, and whether it asks for attention."""

    id: int
    text: str
    attention: bool  # an open plan, or a review that is due


def kind_label(kind: InteractionKind, direction: Direction) -> str:
    """ "Incoming call", "SMS", "E-mail", "Meeting"."""
    if kind is InteractionKind.CALL:
        if direction is Direction.OUT:
            return QCoreApplication.translate("Journal", "Outgoing call")
        return QCoreApplication.translate("Journal", "Incoming call")
    if kind is InteractionKind.SMS:
        return QCoreApplication.translate("Journal", "SMS")
    if kind is InteractionKind.EMAIL:
        return QCoreApplication.translate("Journal", "E-mail")
    if kind is InteractionKind.MESSAGE:
        if direction is Direction.OUT:
            return QCoreApplication.translate("Journal", "Portal reply")
        return QCoreApplication.translate("Journal", "Portal message")
    return QCoreApplication.translate("Journal", "Meeting")


def note_kinds() -> list[tuple[str, InteractionKind]]:
    """The kinds of a note typed by hand, as the kind box offers them."""
    return [
        (kind_label(kind, Direction.OUT), kind)
        for kind in (InteractionKind.SMS, InteractionKind.EMAIL, InteractionKind.MEETING)
    ]


def _flags(entry: JournalEntry, now: dt.datetime) -> tuple[list[str], bool]:
    flags, attention = [], False
    if entry.planned:
        if entry.done:
            flags.append(QCoreApplication.translate("Journal", "planned, done"))
        else:
            attention = True
            flags.append(QCoreApplication.translate("Journal", "planned, open"))
    if entry.reviewed:
        flags.append(QCoreApplication.translate("Journal", "reviewed"))
    elif entry.review_after is not None:
        day = entry.review_after.astimezone(MOSCOW)
        flags.append(
            QCoreApplication.translate("Journal", "review after %1").replace(
                "%1", f"{day:%d.%m.%Y}"
            )
        )
        attention = attention or entry.review_after <= now
    if entry.reply_due is not None:  # a portal message nobody answered yet
        late = entry.reply_due <= now
        flag = (
            QCoreApplication.translate("Journal", "answer overdue since %1")
            if late
            else QCoreApplication.translate("Journal", "answer by %1")
        )
        flags.append(flag.replace("%1", f"{entry.reply_due.astimezone(MOSCOW):%d.%m.%Y %H:%M}"))
        attention = attention or late
    return flags, attention


def may_reply(entry: JournalEntry | None) -> bool:
    """Whether Reply applies: a client's message from the portal."""
    return (
        entry is not None
        and entry.kind is InteractionKind.MESSAGE
        and entry.direction is Direction.IN
    )


def journal_rows(
    entries: list[JournalEntry], now: dt.datetime | None = None, *, with_client: bool
) -> list[JournalRow]:
    """The journal's lines, newest first: "10.05 10:00  Outgoing call  olga  про кулер [...]".

    ``with_client`` adds the client's name (an operator's journal spans many clients).
    """
    now = now or utcnow()
    rows = []
    for e in entries:
        flags, attention = _flags(e, now)
        # A note's first line is what was said; later lines are review stamps (the audit).
        text = e.subject or (e.notes.splitlines() or [""])[0] or e.result
        if e.kind is InteractionKind.MESSAGE:
            text = " ".join(e.notes.split())  # the portal's words, whole, on one line
        parts = [f"{e.at.astimezone(MOSCOW):%d.%m.%Y %H:%M}", kind_label(e.kind, e.direction)]
        parts.append(e.operator)
        if with_client:
            parts.append(e.client_name or e.number)
        line = "  ".join(p for p in parts if p) + (f"  — {text}" if text else "")
        if flags:
            line += f"  [{', '.join(flags)}]"
        rows.append(JournalRow(e.id, line, attention))
    return rows


def journal_title(client_name: str | None, operator: str | None) -> str:
    """The heading above a journal."""
    if operator is not None:
        return QCoreApplication.translate("Journal", "Interactions of %1").replace("%1", operator)
    return QCoreApplication.translate("Journal", "Interactions with %1").replace(
        "%1", client_name or ""
    )


def reply_heading(client_name: str, due: dt.datetime | None) -> str:
    """Above a portal message being answered: whose, and by when the answer is due."""
    if due is None:
        return QCoreApplication.translate("Journal", "Message from %1").replace("%1", client_name)
    return (
        QCoreApplication.translate("Journal", "Message from %1, answer by %2")
        .replace("%1", client_name)
        .replace("%2", f"{due.astimezone(MOSCOW):%d.%m.%Y %H:%M}")
    )
