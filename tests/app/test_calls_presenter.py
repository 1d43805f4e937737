"""The calls list's presenter: Moscow times, arrows, results, talk time, the callback tab."""

from __future__ import annotations

import datetime as dt

from app.calls_presenter import callbacks_title, header, present_call, withheld_message
from dispatcher.interactions import CallRecord, CallResult
from dispatcher.models import Direction

STARTED = dt.datetime(2025, 3, 7, 6, 30, 5, tzinfo=dt.UTC)  # 09:30:05 in Moscow


def record(**changes: object) -> CallRecord:
    """An answered inbound call of two and a half minutes that took order №42."""
    fields: dict[str, object] = {
        "id": 7,
        "number": "+74951234567",
        "direction": Direction.IN,
        "started_at": STARTED,
        "answered_at": STARTED + dt.timedelta(seconds=5),
        "ended_at": STARTED + dt.timedelta(seconds=155),
        "result": CallResult.ORDER_TAKEN,
        "client_id": 3,
        "client_name": 'ООО "Ромашка"',
        "order_id": 42,
        "reviewed": False,
        "operator": "operator-1",
    }
    fields.update(changes)
    return CallRecord(**fields)  # type: ignore[arg-type]


def test_a_call_reads_as_the_operator_expects() -> None:
    row = present_call(record())
    assert row.cells == (
        "09:30:05",
        "←",
        "+74951234567",
        'ООО "Ромашка"',
        "order taken",
        "№42",
        "2:30",
    )
    assert not row.missed
    assert (row.interaction_id, row.number) == (7, "+74951234567")
    assert [header(column) for column in range(7)] == [
        "Time",
        "Dir.",
        "Number",
        "Client",
        "Result",
        "Order",
        "Talk",
    ]


def test_missed_withheld_outbound_and_running_calls() -> None:
    missed = present_call(
        record(result=CallResult.MISSED, answered_at=None, order_id=None, client_name=None)
    )
    assert missed.missed
    assert missed.cells[3:] == ("", "missed", "", "")
    withheld = present_call(record(number="", result=None, ended_at=None))
    assert withheld.cells[2] == "Withheld" and withheld.number == ""
    assert withheld.cells[4] == "in progress" and withheld.cells[6] == ""
    assert present_call(record(direction=Direction.OUT)).cells[1] == "→"
    assert withheld_message() == "This caller withheld the number: there is nothing to dial."


def test_the_callback_tab_counts_the_calls_to_return() -> None:
    assert callbacks_title(0) == "Call back (0)"
    assert callbacks_title(3) == "Call back (3)"
