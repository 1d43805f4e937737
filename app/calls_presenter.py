"""What the calls list shows: today's calls and the callback list as rows of text.

`app.calls_model` binds these rows to Qt table models and `app.widgets.calls_list` lays
them out; the texts (Moscow time, direction arrow, result, talk time), the missed-call
flag and the tab titles are decided here, without a window. Texts keep the "CallsModel"
and "CallsList" translation contexts they had before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.formatting import to_moscow
from dispatcher.interactions import CallRecord, CallResult
from dispatcher.models import Direction

logger = logging.getLogger(__name__)

# Marked for lupdate here, translated where shown.
_RESULT_TEXT = {
    CallResult.ANSWERED: QT_TRANSLATE_NOOP("CallsModel", "answered"),
    CallResult.MISSED: QT_TRANSLATE_NOOP("CallsModel", "missed"),
    CallResult.REJECTED: QT_TRANSLATE_NOOP("CallsModel", "rejected"),
    CallResult.ORDER_TAKEN: QT_TRANSLATE_NOOP("CallsModel", "order taken"),
    CallResult.ORDER_REJECTED: QT_TRANSLATE_NOOP("CallsModel", "order rejected"),
    CallResult.NO_ORDER: QT_TRANSLATE_NOOP("CallsModel", "no order"),
}

HEADERS = (
    QT_TRANSLATE_NOOP("CallsModel", "Time"),
    QT_TRANSLATE_NOOP("CallsModel", "Dir."),
    QT_TRANSLATE_NOOP("CallsModel", "Number"),
    QT_TRANSLATE_NOOP("CallsModel", "Client"),
    QT_TRANSLATE_NOOP("CallsModel", "Result"),
    QT_TRANSLATE_NOOP("CallsModel", "Order"),
    QT_TRANSLATE_NOOP("CallsModel", "Talk"),
)


@dataclass(frozen=True, slots=True)
class CallRow:
    """One call as a table row: its cells, whether it was missed, and what to dial back."""

    interaction_id: int
    number: str  # what a call-back dials; "" when the caller withheld it
    cells: tuple[str, str, str, str, str, str, str]  # the columns of HEADERS
    missed: bool


def header(column: int) -> str:
    """The title of ``column`` in the interface language."""
    return QCoreApplication.translate("CallsModel", HEADERS[column])


def present_call(record: CallRecord) -> CallRow:
    """A CallRecord as the operator reads it."""
    if record.result is not None:
        result = QCoreApplication.translate("CallsModel", _RESULT_TEXT[record.result])
    else:
        result = QCoreApplication.translate("CallsModel", "in progress")
    cells = (
        # Moscow time, as every time in the workspace, whatever the PC's own zone.
        to_moscow(record.started_at).strftime("%H:%M:%S"),
        "←" if record.direction is Direction.IN else "→",
        record.number or QCoreApplication.translate("CallsModel", "Withheld"),
        record.client_name or "",
        result,
        f"№{record.order_id}" if record.order_id else "",
        _talk_time(record),
    )
    return CallRow(record.id, record.number, cells, record.result is CallResult.MISSED)


def present_calls(records: Iterable[CallRecord]) -> list[CallRow]:
    """Rows for a list of calls, in the same order."""
    return [present_call(record) for record in records]


def callbacks_title(count: int) -> str:
    """The callback tab's title: 'Call back (N)'."""
    return QCoreApplication.translate("CallsList", "Call back (%1)").replace("%1", str(count))


def withheld_message() -> str:
    """Why a withheld caller cannot be called back."""
    return QCoreApplication.translate(
        "CallsModel", "This caller withheld the number: there is nothing to dial."
    )


def _talk_time(record: CallRecord) -> str:
    if record.answered_at is None or record.ended_at is None:
        return ""
    seconds = int((record.ended_at - record.answered_at).total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}"
