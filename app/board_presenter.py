"""What the board shows: column headers, load bars, cards and the problem queues, as plain text.

`app.widgets.board_window` lays these out; `app.board` holds the state. Every text is plain
(no rich text): names and addresses come from the database as typed. Texts live in the
"Board" translation context.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from app.domain_text import translate_error, translate_text
from app.formatting import format_date, format_money, format_time
from dispatcher.board import BoardDay, BoardTask, CourierColumn, Problem, ProblemKind
from dispatcher.courier_events import split_failure_text
from dispatcher.errors import DomainError, DomainText
from dispatcher.orders import Slot

# The queues in the order they stand above the columns: what needs a decision first.
QUEUE_ORDER: tuple[ProblemKind, ...] = (
    ProblemKind.FAILED,
    ProblemKind.NOT_ACCEPTED,
    ProblemKind.COURIER_UNAVAILABLE,
    ProblemKind.NOT_SENT,
    ProblemKind.PORTAL,  # not a problem: clients' orders from the portal, to confirm
)

# Card backgrounds per task status, as the courier's phone last reported it.
STATUS_COLOURS: dict[str, str] = {
    "new": "#ffffff",
    "sent": "#f3f6fb",
    "accepted": "#e8f0fe",
    "done": "#e6f4ea",
    "failed": "#fce8e6",
    "cancelled": "#eeeeee",
}
WARNING_COLOUR = "#b3261e"


def money(kop: int) -> str:
    """Roubles as the board shows them: whole roubles without kopecks ("3 500 ₽")."""
    text = format_money(kop)
    return text.replace(",00 ₽", " ₽")


def window_text(start: dt.time | None, end: dt.time | None) -> str:
    """A time window "10:00–14:00", or "any time"."""
    if start is None or end is None:
        return QCoreApplication.translate("Board", "any time")
    return f"{start:%H:%M}–{end:%H:%M}"


def status_text(status: str) -> str:
    """A task status in the interface language."""
    texts = {
        "new": QCoreApplication.translate("Board", "new"),
        "sent": QCoreApplication.translate("Board", "sent"),
        "accepted": QCoreApplication.translate("Board", "accepted"),
        "done": QCoreApplication.translate("Board", "done"),
        "failed": QCoreApplication.translate("Board", "failed"),
        "cancelled": QCoreApplication.translate("Board", "cancelled"),
    }
    return texts.get(status, status)


def queue_title(kind: ProblemKind) -> str:
    """The heading of a problem queue."""
    titles = {
        ProblemKind.FAILED: QCoreApplication.translate("Board", "Failed: to reschedule"),
        ProblemKind.NOT_SENT: QCoreApplication.translate("Board", "Taken, not sent"),
        ProblemKind.NOT_ACCEPTED: QCoreApplication.translate(
            "Board", "Not accepted by the courier"
        ),
        ProblemKind.COURIER_UNAVAILABLE: QCoreApplication.translate("Board", "Courier unavailable"),
        ProblemKind.PORTAL: QCoreApplication.translate("Board", "Portal: to confirm"),
    }
    return titles[kind]


@dataclass(frozen=True, slots=True)
class CardView:
    """One delivery card in a courier's column."""

    order_id: int
    version: int
    text: str  # several plain lines
    status: str
    colour: str
    warning: bool  # outside the courier's hours
    window: tuple[dt.time | None, dt.time | None]


@dataclass(frozen=True, slots=True)
class ColumnView:
    """A courier's column: the header lines, the load bar and the cards."""

    courier_id: int
    name: str
    marks: str  # "over capacity · off that day", or ""
    load: str  # "18/24 бут."
    load_value: int
    load_maximum: int
    over_capacity: bool
    windows: str  # "10:00–14:00: 4 · 14:00–18:00: 2"
    progress: str  # "done 5 · failed 1 · left 8, 3 500 ₽ of 7 000 ₽, last 14:32"
    phone: str
    cards: tuple[CardView, ...]


@dataclass(frozen=True, slots=True)
class ProblemRow:
    """One line of a problem queue."""

    kind: ProblemKind
    order_id: int
    text: str


@dataclass(frozen=True, slots=True)
class QueueView:
    """A problem queue: its heading (with the count) and its rows."""

    kind: ProblemKind
    title: str
    rows: tuple[ProblemRow, ...]


def card(task: BoardTask) -> CardView:
    """The card of one delivery: slot and client, address, items and money, status."""
    status = status_text(task.status)
    if task.status == "failed" and task.failure_reason:
        # The task keeps the phone's text: the client's proposed time said as on the queue line.
        status = f"{status}: {' · '.join(_reason_parts(*split_failure_text(task.failure_reason)))}"
    third = f"{task.items} · {money(task.amount_kop)}" if task.items else money(task.amount_kop)
    lines = [
        f"{window_text(task.window_start, task.window_end)}  {task.client_name}  №{task.order_id}",
        task.address,
        third,
        status,
    ]
    if task.outside_hours:
        lines.append(QCoreApplication.translate("Board", "⚠ outside the courier's hours"))
    return CardView(
        order_id=task.order_id,
        version=task.version,
        text="\n".join(line for line in lines if line),
        status=task.status,
        colour=STATUS_COLOURS.get(task.status, "#ffffff"),
        warning=task.outside_hours,
        window=(task.window_start, task.window_end),
    )


def progress_text(column: CourierColumn) -> str:
    """Done / failed / left, money collected against money to collect, the phone's last word."""
    text = (
        QCoreApplication.translate("Board", "done %1 · failed %2 · left %3, %4 of %5")
        .replace("%1", str(column.done))
        .replace("%2", str(column.failed))
        .replace("%3", str(column.left))
        .replace("%4", money(column.collected_kop))
        .replace("%5", money(column.to_collect_kop))
    )
    if column.last_action_at is not None:
        text += QCoreApplication.translate("Board", ", last %1").replace(
            "%1", format_time(column.last_action_at)
        )
    return text


def column(courier: CourierColumn) -> ColumnView:
    """A courier's column header, load bar and cards."""
    marks = []
    if courier.over_capacity:
        marks.append(QCoreApplication.translate("Board", "⚠ over capacity"))
    if not courier.active:
        marks.append(QCoreApplication.translate("Board", "⚠ deactivated"))
    elif not courier.works_that_day:
        marks.append(QCoreApplication.translate("Board", "⚠ off that day"))
    if any(task.outside_hours for task in courier.tasks):
        marks.append(QCoreApplication.translate("Board", "⚠ slots outside hours"))
    windows = " · ".join(f"{name}: {count}" for name, count in courier.per_window)
    return ColumnView(
        courier_id=courier.courier_id,
        name=courier.name,
        marks=" · ".join(marks),
        load=QCoreApplication.translate("Board", "%1/%2 bottles")
        .replace("%1", str(courier.bottles_planned))
        .replace("%2", str(courier.capacity)),
        load_value=min(courier.bottles_planned, max(courier.capacity, 1)),
        load_maximum=max(courier.capacity, 1),
        over_capacity=courier.over_capacity,
        windows=windows or QCoreApplication.translate("Board", "no deliveries"),
        progress=progress_text(courier),
        phone=courier.phone,
        cards=tuple(card(task) for task in courier.tasks),
    )


def problem_row(problem: Problem) -> ProblemRow:
    """A queue line: order, client, courier and slot, the reason and the time proposed."""
    parts = [f"№{problem.order_id} {problem.client_name}"]
    if problem.day is not None:
        slot = f"{format_date(problem.day)} {window_text(problem.window_start, problem.window_end)}"
        parts.append(f"{problem.courier_name}, {slot}" if problem.courier_name else slot)
    elif problem.courier_name:
        parts.append(problem.courier_name)
    parts += _reason_parts(problem.reason, problem.proposed)
    return ProblemRow(problem.kind, problem.order_id, " · ".join(parts))


def _reason_parts(reason: str | DomainText, proposed: str) -> list[str]:
    """The courier's reason and the time the client proposed, as the lead reads them."""
    if isinstance(reason, DomainText):
        reason = translate_text(reason)  # why the courier is unavailable, in the lead's words
    parts = [reason] if reason else []
    if proposed:
        parts.append(
            QCoreApplication.translate("Board", "client proposes %1").replace("%1", proposed)
        )
    return parts


def queues(board: BoardDay) -> tuple[QueueView, ...]:
    """The queues, each with its count, in QUEUE_ORDER."""
    out = []
    for kind in QUEUE_ORDER:
        rows = tuple(problem_row(p) for p in board.problems if p.kind is kind)
        out.append(QueueView(kind, f"{queue_title(kind)} ({len(rows)})", rows))
    return tuple(out)


def columns(board: BoardDay) -> tuple[ColumnView, ...]:
    """One column per courier, as the query ordered them."""
    return tuple(column(c) for c in board.columns)


def day_title(day: dt.date, today: dt.date) -> str:
    """The day picker's caption: "today", "tomorrow", "yesterday" or the weekday."""
    if day == today:
        return QCoreApplication.translate("Board", "today")
    if day == today + dt.timedelta(days=1):
        return QCoreApplication.translate("Board", "tomorrow")
    if day == today - dt.timedelta(days=1):
        return QCoreApplication.translate("Board", "yesterday")
    return ""


def parse_window(text: str) -> tuple[tuple[dt.time | None, dt.time | None] | None, str]:
    """A typed window "10:00-14:00" (empty: any time), or None and the message to show."""
    if not text.strip():
        return (None, None), ""
    try:
        return Slot.parse_window(text), ""
    except DomainError as exc:
        return None, translate_error(exc)


def window_choices(board: BoardDay | None, current: str) -> list[str]:
    """The windows offered in the reschedule dialog: the current one, the day's, the usual."""
    usual = ["09:00–12:00", "10:00–14:00", "12:00–15:00", "14:00–18:00", "18:00–21:00"]
    seen = [current] if current else []
    for col in board.columns if board else ():
        seen.extend(name for name, _count in col.per_window)
    seen.extend(usual)
    return list(dict.fromkeys(seen))
