"""The shift lead's board, driven with keys and drags over a real SQLite day.

The phone is a FakePhone behind the real PhoneLine and intake (calling a client is a logged
outbound call); the moves go through the board operations on the real database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.board import BoardViewModel
from app.board_presenter import QUEUE_ORDER
from app.bridge import PhoneLine, TelephonyBridge
from app.calls_model import CallLog
from app.identity import Identity
from app.intake import IntakeViewModel
from app.widgets.board_dialogs import ReassignDialog, RescheduleDialog
from app.widgets.board_window import BoardWindow, ItemList
from app.widgets.main_window import MainWindow
from dispatcher import orders, portal_events
from dispatcher.board import ProblemKind
from dispatcher.db import unit_of_work
from dispatcher.models import (
    Client,
    Direction,
    Interaction,
    Order,
    OrderState,
    PortalRequest,
    UserRole,
    utcnow,
)
from dispatcher.operations import board as board_ops
from dispatcher.operations import orders as order_ops
from dispatcher.orders import LineInput, Slot
from dispatcher.portal_events import IncomingPortalEvent
from dispatcher.users import Actor
from tests.app.fake_phone import FakePhone
from tests.app.keys import CTRL, Keyboard
from tests.app.widgets.board_desks import drag
from tests.dispatcher.conftest import World

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
OTHER_LEAD = Actor("lead2", "Другой старший", UserRole.LEAD)
TIMEOUT_MS = 5_000
T = TypeVar("T")
TEN, TWO, SIX = dt.time(10), dt.time(14), dt.time(18)


@dataclass(frozen=True)
class Day:
    """Tomorrow on the board: two deliveries for Petrov, one for Sidorov, one failed."""

    world: World
    day: dt.date
    morning: int  # Petrov, 10–14, the person
    afternoon: int  # Sidorov, 14–18, the person
    failed: int  # the company's, failed on Petrov


@pytest.fixture
def day(world: World, sessions: sessionmaker[Session]) -> Day:
    """The day the board shows."""
    tomorrow = world.tomorrow
    with unit_of_work(sessions) as s:

        def send(client_id: int, courier: int, start: dt.time, end: dt.time, qty: int) -> int:
            address = s.get(Client, client_id).addresses[0].id  # type: ignore[union-attr]
            order = orders.create_order(
                s, client_id, [LineInput("W19", qty)], actor="op", address_id=address
            )
            orders.send_to_delivery(s, order.id, Slot(courier, tomorrow, start, end), actor="op")
            return order.id

        morning = send(world.person_id, world.courier_a, TEN, TWO, 2)
        afternoon = send(world.person_id, world.courier_b, TWO, SIX, 3)
        failed = send(world.company_id, world.courier_a, TWO, SIX, 5)
        orders.fail(s, failed, reason="Никого нет дома", actor="courier")
    return Day(world, tomorrow, morning, afternoon, failed)


@pytest.fixture
def bridge(qapp: Any) -> TelephonyBridge:
    """A TelephonyBridge of its own (no pjsua2 needed)."""
    return TelephonyBridge()


@pytest.fixture
def fake_phone(bridge: TelephonyBridge) -> FakePhone:
    """The SIP engine's stand-in."""
    return FakePhone(bridge)


@pytest.fixture
def phone(fake_phone: FakePhone, qapp: Any) -> Iterator[PhoneLine]:
    """The real PhoneLine over the FakePhone."""
    line = PhoneLine(fake_phone)
    yield line
    line.wait_idle()


@pytest.fixture
def board(qtbot: QtBot, worker: Any, intake: IntakeViewModel, day: Day) -> BoardWindow:
    """The board of tomorrow, shown, for a shift lead; the intake dials."""
    vm = BoardViewModel(worker, Identity(LEAD), intake.place_call, today=lambda: day.day)
    window = BoardWindow(vm)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: vm.board is not None, timeout=TIMEOUT_MS)
    return window


def column(board: BoardWindow, name: str) -> Any:
    """The shown column of the courier called ``name``."""
    return next(c for c in board.columns if not c.isHidden() and c.name.text() == name)


def order_ids(lst: ItemList) -> list[int]:
    """The orders of a list's items, top to bottom."""
    return [lst.item(row).data(Qt.ItemDataRole.UserRole).order_id for row in range(lst.count())]


def modal(qtbot: QtBot, kind: type[T]) -> T:
    """The dialog of ``kind`` once it is open and has the keyboard (waiting costs no key)."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, kind)
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
    return dialog


def test_the_board_shows_the_couriers_and_the_problems_first(
    qtbot: QtBot, board: BoardWindow, day: Day
) -> None:
    petrov, sidorov = column(board, "Петров Пётр"), column(board, "Сидоров Семён")
    assert order_ids(petrov.cards) == [day.morning, day.failed]
    assert order_ids(sidorov.cards) == [day.afternoon]
    assert petrov.load.format() == "2/40 bottles"  # the failed one no longer loads the van
    assert petrov.windows.text() == "10:00–14:00: 1 · 14:00–18:00: 1"
    assert petrov.progress.text().startswith("done 0 · failed 1 · left 1, ")
    card = petrov.cards.item(0).text()
    assert card.splitlines()[0] == f"10:00–14:00  Иванова Мария Петровна  №{day.morning}"
    assert "Вода 19 л × 2 · 700 ₽" in card and card.endswith("new")
    failed_queue = board.queues[0]
    assert board.queue_titles[0].text() == "Failed: to reschedule (1)"
    assert failed_queue.item(0).text().startswith(f'№{day.failed} ООО "Ромашка"')
    assert "Никого нет дома" in failed_queue.item(0).text()
    # Problems first: the keyboard starts on the failed delivery.
    assert QApplication.focusWidget() is failed_queue and failed_queue.currentRow() == 0


def test_dragging_a_card_to_another_courier_moves_it_with_the_version_seen(
    qtbot: QtBot,
    board: BoardWindow,
    day: Day,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    moves: list[dict[str, Any]] = []
    real_move = board_ops.move_delivery

    def spy(session: Session, order_id: int, **kwargs: Any) -> Any:
        moves.append({"order_id": order_id, **kwargs})
        return real_move(session, order_id, **kwargs)

    monkeypatch.setattr(board_ops, "move_delivery", spy)
    petrov, sidorov = column(board, "Петров Пётр"), column(board, "Сидоров Семён")
    with sessions() as s:
        version = s.get(Order, day.morning).version  # type: ignore[union-attr]
    reads = board.vm.reads
    drag(petrov.cards, petrov.cards.item(0), sidorov.cards, QPoint(5, 200))  # below the cards

    qtbot.waitUntil(lambda: day.morning in order_ids(sidorov.cards), timeout=TIMEOUT_MS)
    assert board.vm.reads > reads  # the board was read again after the move
    (move,) = moves
    assert move["order_id"] == day.morning and move["expected_version"] == version
    assert move["courier_id"] == day.world.courier_b and move["actor"] == LEAD
    assert order_ids(petrov.cards) == [day.failed]
    with sessions() as s:
        order = s.get(Order, day.morning)
        assert order is not None and order.courier_id == day.world.courier_b
        assert order.events[-1].actor == "lead"
    assert board.message.text() == f"Order №{day.morning} moved."


def test_dropping_a_card_on_another_window_reschedules_it(
    qtbot: QtBot, board: BoardWindow, day: Day, sessions: sessionmaker[Session]
) -> None:
    petrov, sidorov = column(board, "Петров Пётр"), column(board, "Сидоров Семён")
    afternoon_card = sidorov.cards.visualItemRect(sidorov.cards.item(0)).center()
    drag(petrov.cards, petrov.cards.item(0), sidorov.cards, afternoon_card)
    qtbot.waitUntil(lambda: day.morning in order_ids(sidorov.cards), timeout=TIMEOUT_MS)
    with sessions() as s:
        order = s.get(Order, day.morning)
        assert order is not None
        assert (order.courier_id, order.window_start, order.window_end) == (
            day.world.courier_b,
            TWO,
            SIX,
        )


def test_a_failed_delivery_is_rescheduled_from_the_queue_in_at_most_six_keys(
    qtbot: QtBot,
    worker: Any,
    intake: IntakeViewModel,
    phone: PhoneLine,
    day: Day,
    sessions: sessionmaker[Session],
) -> None:
    lead = Identity(LEAD)
    window = MainWindow(intake, CallLog(worker, phone, identity=lead), lead=True)
    window.board_vm = BoardViewModel(worker, lead, intake.place_call, today=lambda: day.day)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_B, CTRL)  # the board
    board = window.board_window
    assert board is not None
    qtbot.waitUntil(lambda: board.queues[0].count() == 1, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is board)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is board.queues[0])
    keys.press(Qt.Key.Key_R)  # reschedule the selected (the failed) delivery
    dialog = modal(qtbot, RescheduleDialog)
    assert dialog.window.currentText() == "14:00–18:00"  # the old window is offered first
    keys.press(Qt.Key.Key_Up)  # the day after
    keys.press(Qt.Key.Key_Return)  # confirm
    qtbot.waitUntil(lambda: board.queues[0].count() == 0, timeout=TIMEOUT_MS)
    assert keys.count <= 6, keys.count

    with sessions() as s:
        order = s.get(Order, day.failed)
        assert order is not None and order.state is OrderState.DELIVERY
        assert order.delivery_date == day.day + dt.timedelta(days=1)
        assert (order.window_start, order.window_end) == (TWO, SIX)
        assert not order.needs_reschedule


def test_a_mistyped_window_is_said_and_nothing_moves(
    qtbot: QtBot, board: BoardWindow, day: Day, sessions: sessionmaker[Session]
) -> None:
    qtbot.keyClick(board.queues[0], Qt.Key.Key_R)
    dialog = modal(qtbot, RescheduleDialog)
    dialog.window.setFocus()
    dialog.window.lineEdit().setText("после обеда")
    qtbot.keyClick(dialog.window, Qt.Key.Key_Return)
    assert dialog.isVisible() and "HH:MM-HH:MM" in dialog.error.text()
    assert dialog.window.currentText() == "после обеда"  # what was typed stays
    qtbot.keyClick(dialog.window, Qt.Key.Key_Escape)
    with sessions() as s:
        assert s.get(Order, day.failed).state is OrderState.INTEREST  # type: ignore[union-attr]


def test_reassign_with_a_and_arrows_through_the_columns(
    qtbot: QtBot, board: BoardWindow, day: Day, sessions: sessionmaker[Session]
) -> None:
    keys = Keyboard(qtbot, board)
    keys.press(Qt.Key.Key_Down)  # from the queue down to Petrov's first card
    petrov = column(board, "Петров Пётр")
    assert QApplication.focusWidget() is petrov.cards
    assert board.vm.selected is not None and board.vm.selected.order_id == day.morning
    keys.press(Qt.Key.Key_A)
    dialog = modal(qtbot, ReassignDialog)
    assert dialog.list.currentItem().text() == "Сидоров Семён"  # the other courier offered
    keys.press(Qt.Key.Key_Return)
    sidorov = column(board, "Сидоров Семён")
    qtbot.waitUntil(lambda: day.morning in order_ids(sidorov.cards), timeout=TIMEOUT_MS)
    # The selection follows the order to its new column.
    assert board.vm.selected is not None and board.vm.selected.order_id == day.morning
    assert sidorov.cards.currentItem().data(Qt.ItemDataRole.UserRole).order_id == day.morning
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sidorov.cards)
    keys.press(Qt.Key.Key_Left)
    assert QApplication.focusWidget() is petrov.cards


def test_c_calls_the_client_through_the_line_and_logs_the_call(
    qtbot: QtBot, board: BoardWindow, day: Day, fake_phone: FakePhone, worker: Any, sessions: Any
) -> None:
    qtbot.keyClick(board.queues[0], Qt.Key.Key_C)
    qtbot.waitUntil(lambda: fake_phone.sent("dial") == [("+74951234567",)], timeout=TIMEOUT_MS)

    def logged() -> bool:
        with sessions() as s:
            rows = list(s.scalars(select(Interaction)))
            return len(rows) == 1 and rows[0].direction is Direction.OUT

    qtbot.waitUntil(logged, timeout=TIMEOUT_MS)
    assert board.message.text() == 'Calling ООО "Ромашка", +74951234567…'


def test_a_move_refused_by_another_desks_change_says_so_and_shows_the_current_state(
    qtbot: QtBot, board: BoardWindow, day: Day, sessions: sessionmaker[Session]
) -> None:
    petrov, sidorov = column(board, "Петров Пётр"), column(board, "Сидоров Семён")
    # Another lead moves the morning delivery to another window while this board shows it.
    with unit_of_work(sessions) as s:
        order_ops.reassign(s, day.morning, actor=OTHER_LEAD, window=(dt.time(9), dt.time(12)))
    drag(petrov.cards, petrov.cards.item(0), sidorov.cards, QPoint(5, 200))

    qtbot.waitUntil(lambda: "changed by someone else" in board.message.text(), timeout=5000)
    assert board.message.styleSheet() != ""  # shown as an error
    # The board now shows the other desk's change: still Petrov's, in the new window.
    qtbot.waitUntil(lambda: "09:00–12:00" in petrov.cards.item(0).text(), timeout=TIMEOUT_MS)
    assert order_ids(sidorov.cards) == [day.afternoon]
    with sessions() as s:
        assert s.get(Order, day.morning).courier_id == day.world.courier_a  # type: ignore[union-attr]


def test_an_operator_is_refused_by_the_operation(
    qtbot: QtBot, worker: Any, intake: IntakeViewModel, day: Day
) -> None:
    operator = Actor("op", "Оператор", UserRole.OPERATOR)
    vm = BoardViewModel(worker, Identity(operator), intake.place_call, today=lambda: day.day)
    window = BoardWindow(vm)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: vm.board is not None, timeout=TIMEOUT_MS)
    petrov, sidorov = column(window, "Петров Пётр"), column(window, "Сидоров Семён")
    drag(petrov.cards, petrov.cards.item(0), sidorov.cards, QPoint(5, 200))
    qtbot.waitUntil(lambda: "only a shift lead" in window.message.text(), timeout=TIMEOUT_MS)


def test_next_and_previous_day_keys(qtbot: QtBot, board: BoardWindow, day: Day) -> None:
    qtbot.keyClick(board.queues[0], Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: board.vm.board is not None and board.vm.board.day != day.day)
    assert board.date.date().toPython() == day.day + dt.timedelta(days=1)
    assert all(c.cards.count() == 0 for c in board.columns)
    board.setFocus()
    qtbot.keyClick(board, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: board.vm.board is not None and board.vm.board.day == day.day)
    assert board.day_caption.text() == "today"


def test_another_desks_change_redraws_only_what_changed_and_a_reconnect_reads_all(
    qtbot: QtBot, board: BoardWindow, day: Day, sessions: sessionmaker[Session]
) -> None:
    vm = board.vm
    with unit_of_work(sessions) as s:  # another desk: the client calls the morning one off
        orders.cancel(s, day.morning, reason="Передумал", actor="op")
    reads = vm.reads
    vm.on_data_changed(1)
    qtbot.waitUntil(lambda: vm.reads > reads, timeout=TIMEOUT_MS)
    petrov = column(board, "Петров Пётр")
    assert petrov.cards.item(0).text().endswith("cancelled")
    assert (vm.live.full_reads, vm.live.partial_reads) == (1, 1)  # only the changed order read
    vm.on_data_changed(-1)  # the watcher lost the server: whatever happened is read whole
    qtbot.waitUntil(lambda: vm.live.full_reads == 2, timeout=TIMEOUT_MS)


def _portal_order(sessions: sessionmaker[Session], world: World, day: dt.date) -> int:
    """A client's order from the portal, as the relay applies it: waiting for a desk."""
    event = IncomingPortalEvent(
        cursor=1,
        event_id=uuid.uuid4().hex,
        kind="order",
        client_id=world.company_id,
        contact_id=None,
        at=utcnow(),
        payload={
            "request_id": uuid.uuid4().hex,
            "items": [{"code": "W19", "qty": 3}],
            "date": day.isoformat(),
            "window_start": "09:00",
            "window_end": "12:00",
            "comment": "Позвонить за час",
        },
    )
    with unit_of_work(sessions) as s:
        return portal_events.apply_event(s, event).target_id or 0


def test_a_portal_order_waits_in_its_queue_enter_confirms_it_and_ctrl_d_calls(
    qtbot: QtBot,
    board: BoardWindow,
    day: Day,
    fake_phone: FakePhone,
    sessions: sessionmaker[Session],
) -> None:
    order_id = _portal_order(sessions, day.world, day.day)
    board.vm.refresh()
    portal = board.queues[QUEUE_ORDER.index(ProblemKind.PORTAL)]
    qtbot.waitUntil(lambda: order_ids(portal) == [order_id], timeout=TIMEOUT_MS)
    title = board.queue_titles[QUEUE_ORDER.index(ProblemKind.PORTAL)].text()
    assert title == "Portal: to confirm (1)" and "Позвонить за час" in portal.item(0).text()
    not_sent = board.queues[QUEUE_ORDER.index(ProblemKind.NOT_SENT)]
    assert order_id not in order_ids(not_sent)  # nobody took it yet: it is not "taken"
    portal.setFocus()
    portal.setCurrentRow(0)
    qtbot.keyClick(portal, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: fake_phone.sent("dial") == [("+74951234567",)], timeout=TIMEOUT_MS)
    modal = QApplication.activeModalWidget()  # an earlier test's may linger offscreen
    qtbot.keyClick(portal, Qt.Key.Key_R)  # not taken yet: no reschedule dialog opens
    assert QApplication.activeModalWidget() is modal
    qtbot.keyClick(portal, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: f"#{order_id}" in board.message.text(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: portal.count() == 0, timeout=TIMEOUT_MS)
    with sessions() as s:
        request = s.scalar(select(PortalRequest).where(PortalRequest.order_id == order_id))
        assert request is not None and request.confirmed_by == "lead"
