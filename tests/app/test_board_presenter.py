"""What the board says about a courier's day and its problems, in English and Russian."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from app.board_presenter import card, column, parse_window, problem_row, queues
from app.i18n import install_translator
from dispatcher.board import BoardDay, BoardTask, CourierColumn, Problem, ProblemKind
from dispatcher.errors import DomainText

DAY = dt.date(2026, 3, 2)
LAST = dt.datetime(2026, 3, 2, 11, 32, tzinfo=dt.UTC)  # 14:32 in Moscow


def task(**changes: object) -> BoardTask:
    """A delivery card's data, changed as given."""
    values: dict[str, object] = {
        "order_id": 12,
        "version": 3,
        "client_id": 1,
        "client_name": "Иванова Мария",
        "client_phone": "+79161234567",
        "address": "ул. Профсоюзная, д. 12, кв. 45",
        "items": "Вода 19 л × 2",
        "bottles": 2,
        "amount_kop": 70000,
        "window_start": dt.time(10),
        "window_end": dt.time(14),
        "status": "accepted",
        "failure_reason": "",
        "collected_kop": None,
        "last_event_at": None,
        "outside_hours": False,
    }
    values.update(changes)
    return BoardTask(**values)  # type: ignore[arg-type]


def courier(**changes: object) -> CourierColumn:
    """A courier's column, changed as given."""
    values: dict[str, object] = {
        "courier_id": 1,
        "name": "Петров Пётр",
        "phone": "+79031112233",
        "active": True,
        "works_that_day": True,
        "capacity": 24,
        "tasks": (task(),),
        "bottles_planned": 18,
        "over_capacity": False,
        "per_window": (("09:00–12:00", 4), ("12:00–15:00", 3)),
        "done": 5,
        "failed": 1,
        "left": 8,
        "collected_kop": 350000,
        "to_collect_kop": 700000,
        "last_action_at": LAST,
    }
    values.update(changes)
    return CourierColumn(**values)  # type: ignore[arg-type]


def problem(kind: ProblemKind, **changes: object) -> Problem:
    """A queue line's data."""
    values: dict[str, object] = {
        "kind": kind,
        "order_id": 7,
        "version": 2,
        "client_id": 2,
        "client_name": 'ООО "Ромашка"',
        "client_phone": "+74951234567",
        "courier_id": 1,
        "courier_name": "Петров Пётр",
        "day": DAY,
        "window_start": dt.time(14),
        "window_end": dt.time(18),
        "reason": "Никого нет дома",
        "proposed": "завтра после 18",
        "since": None,
    }
    values.update(changes)
    return Problem(**values)  # type: ignore[arg-type]


@pytest.fixture
def russian(qapp: QApplication) -> Iterator[None]:
    """The interface in Russian for one test."""
    install_translator(qapp, "ru")
    yield
    install_translator(qapp, "en")


def test_the_column_header_tells_load_windows_and_progress(qapp: QApplication) -> None:
    view = column(courier())
    assert view.load == "18/24 bottles" and (view.load_value, view.load_maximum) == (18, 24)
    assert view.windows == "09:00–12:00: 4 · 12:00–15:00: 3"
    assert view.progress == "done 5 · failed 1 · left 8, 3 500 ₽ of 7 000 ₽, last 14:32"
    assert view.marks == ""


def test_over_capacity_and_slots_the_courier_cannot_make_are_marked(qapp: QApplication) -> None:
    late = task(window_start=dt.time(19), window_end=dt.time(21), outside_hours=True)
    view = column(courier(tasks=(late,), bottles_planned=30, over_capacity=True))
    assert view.marks == "⚠ over capacity · ⚠ slots outside hours"
    assert view.load_value == view.load_maximum == 24  # the bar is full, the text says 30
    assert view.load == "30/24 bottles"
    assert view.cards[0].warning and "outside the courier's hours" in view.cards[0].text
    off = column(courier(works_that_day=False))
    assert off.marks == "⚠ off that day"
    assert column(courier(active=False, works_that_day=False)).marks == "⚠ deactivated"


def test_a_card_says_slot_client_address_items_money_and_state(qapp: QApplication) -> None:
    view = card(task(status="failed", failure_reason="Не открыли дверь"))
    assert view.text.splitlines() == [
        "10:00–14:00  Иванова Мария  №12",
        "ул. Профсоюзная, д. 12, кв. 45",
        "Вода 19 л × 2 · 700 ₽",
        "failed: Не открыли дверь",
    ]
    assert view.colour != card(task()).colour


def test_problem_rows_carry_the_reason_and_the_time_proposed(qapp: QApplication) -> None:
    row = problem_row(problem(ProblemKind.FAILED))
    assert row.text == (
        '№7 ООО "Ромашка" · Петров Пётр, 02.03.2026 14:00–18:00 · Никого нет дома'
        " · client proposes завтра после 18"
    )
    board = BoardDay(
        DAY,
        (
            problem(ProblemKind.NOT_SENT, order_id=8, courier_id=None, courier_name="", day=None),
            problem(ProblemKind.FAILED),
            problem(ProblemKind.COURIER_UNAVAILABLE, order_id=9, reason="off that day"),
        ),
        (),
        0,
    )
    titles = [q.title for q in queues(board)]
    assert titles == [
        "Failed: to reschedule (1)",
        "Not accepted by the courier (0)",
        "Courier unavailable (1)",
        "Taken, not sent (1)",
        "Portal: to confirm (0)",
    ]
    assert queues(board)[3].rows[0].text.startswith('№8 ООО "Ромашка" · Никого нет дома')


def test_a_mistyped_window_gets_the_domain_message(qapp: QApplication) -> None:
    assert parse_window("10:00-14:00") == ((dt.time(10), dt.time(14)), "")
    assert parse_window(" ") == ((None, None), "")
    window, message = parse_window("утром")
    assert window is None and "HH:MM-HH:MM" in message


def test_in_russian(russian: None) -> None:
    view = column(courier())
    assert view.load == "18/24 бут."
    assert view.progress == (
        "доставлено 5 · не доставлено 1 · осталось 8, 3 500 ₽ из 7 000 ₽, последнее 14:32"
    )
    assert queues(BoardDay(DAY, (), (), 0))[0].title == "Не доставлены: перенести (0)"
    gone = DomainText("{name} is deactivated and takes no deliveries.", {"name": "Петров Пётр"})
    row = problem_row(problem(ProblemKind.COURIER_UNAVAILABLE, reason=gone, proposed=""))
    assert row.text.endswith(" · Петров Пётр отключён и не принимает доставки."), row.text
