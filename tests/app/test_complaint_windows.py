"""The complaint's own window (departments' threads, reopen, review), the lead's waiting list
and the reasons editor, driven from the keyboard over the real view models and database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from app.complaint_details import ComplaintDetailsViewModel, ComplaintReasonsViewModel
from app.complaints import ComplaintsViewModel
from app.widgets.complaint_details import ComplaintDetailsWindow, ComplaintReasonsWindow
from app.widgets.complaints_window import ComplaintsWindow
from dispatcher.db import unit_of_work
from dispatcher.models import Complaint, ComplaintReason, ComplaintStatus, ComplaintThread
from dispatcher.operations import complaints as ops
from tests.app.conftest import LEAD, Desk, desk_identity
from tests.app.keys import CTRL, SHIFT, Keyboard

TIMEOUT_MS = 10_000
NOW = dt.datetime.now(dt.UTC)


def _active(qtbot: QtBot, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=TIMEOUT_MS)


class Opened:
    """What the Complaints window opened: the complaint windows, as the desk would."""

    def __init__(self, qtbot: QtBot, worker: Any, identity: Any) -> None:
        self.qtbot, self.worker, self.identity = qtbot, worker, identity
        self.window: ComplaintDetailsWindow | None = None
        self.listed: ComplaintsViewModel | None = None

    def __call__(self, complaint_id: int) -> None:
        vm = ComplaintDetailsViewModel(self.worker, self.identity, complaint_id)
        listed = self.listed
        if listed is not None:  # as ComplaintsDesk does: the list and the badge follow
            vm.changed.connect(lambda: (listed.refresh(), listed.check()))
        self.window = ComplaintDetailsWindow(vm)
        self.qtbot.addWidget(self.window)
        _active(self.qtbot, self.window)


def _list(qtbot: QtBot, worker: Any, identity: Any, clock: Any = None) -> tuple[Any, Opened]:
    opened = Opened(qtbot, worker, identity)
    vm = ComplaintsViewModel(worker, identity, clock or (lambda: NOW))
    opened.listed = vm
    window = ComplaintsWindow(vm, None, opened)
    qtbot.addWidget(window)
    _active(qtbot, window)
    return window, opened


def test_a_department_is_drawn_in_writes_and_closes_its_thread(
    qtbot: QtBot, worker: Any, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        done = ops.register_complaint(
            s, desk.world.person_id, "Опоздание курьера", "Опоздал на 3 часа", actor=LEAD
        )
    listed, opened = _list(qtbot, worker, desk_identity())
    qtbot.waitUntil(lambda: listed.table.rowCount() == 1, timeout=TIMEOUT_MS)
    listed.table.setFocus()
    keys = Keyboard(qtbot, listed)
    keys.press(Qt.Key.Key_Return)  # open the selected complaint
    qtbot.waitUntil(lambda: opened.window is not None and opened.window.heading.text() != "")
    win = opened.window
    assert win is not None and f"№{done.id}" in win.heading.text()
    keys = Keyboard(qtbot, win)
    keys.press(Qt.Key.Key_D, CTRL)
    assert win.department.hasFocus()
    keys.type("Логистика")
    keys.press(Qt.Key.Key_Return)  # drawn in, by the offered planned date
    qtbot.waitUntil(lambda: win.threads.count() == 1 and win.message.hasFocus(), timeout=TIMEOUT_MS)
    assert "Логистика" in win.threads.item(0).text() and "open" in win.threads.item(0).text()
    keys.type("Курьер стоял в пробке")
    keys.press(Qt.Key.Key_Return)
    sent = "Курьер стоял в пробке"
    qtbot.waitUntil(lambda: sent in win.messages.toPlainText(), timeout=TIMEOUT_MS)
    assert win.message.text() == ""  # sent, so cleared
    keys.press(Qt.Key.Key_L, CTRL)  # the department has done its part
    qtbot.waitUntil(lambda: "closed" in win.threads.item(0).text(), timeout=TIMEOUT_MS)
    with sessions() as s:
        thread = s.query(ComplaintThread).one()
        assert (thread.department, thread.open) == ("Логистика", False)
        assert thread.due == (dt.date.today() + dt.timedelta(days=3))
        assert s.get(Complaint, done.id).status is ComplaintStatus.IN_WORK  # type: ignore[union-attr]
    assert not win.lead_row.isVisible()  # an operator neither reopens nor reviews


def test_the_lead_reviews_and_reopens_from_the_waiting_list(
    qtbot: QtBot, worker: Any, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as s:
        unhappy = ops.register_complaint(
            s, desk.world.person_id, "Качество воды", "Мутная вода", actor=LEAD, now=NOW
        )
        ops.resolve_complaint(s, unhappy.id, "Скидка 10%", False, actor=LEAD, now=NOW)
        late = ops.register_complaint(
            s, desk.world.company_id, "Поломка кулера", "Кулер течёт", actor=LEAD, now=NOW
        )
        ops.add_department(s, late.id, "Сервис", NOW.date() + dt.timedelta(days=1), actor=LEAD)
    later = NOW + dt.timedelta(days=2)  # the thread's date has passed: no sleeping
    listed, opened = _list(qtbot, worker, desk_identity(LEAD), lambda: later)
    listed.vm.check()
    qtbot.waitUntil(lambda: listed.waiting.count() == 2, timeout=TIMEOUT_MS)
    lines = [listed.waiting.item(i).text() for i in range(2)]
    assert "the Сервис thread was due" in lines[0] and f"№{late.id}" in lines[0]
    assert "not satisfied (Скидка 10%), review it" in lines[1]

    listed.waiting.setFocus()
    listed.waiting.setCurrentRow(1)
    Keyboard(qtbot, listed).press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: opened.window is not None and opened.window.review_button.isEnabled())
    win = opened.window
    assert win is not None and win.lead_row.isVisible() and win.reopen_button.isEnabled()
    assert not win.message.isEnabled()  # resolved: no more discussion
    win.note.setFocus()
    keys = Keyboard(qtbot, win)
    keys.type("Разобрали с курьером")
    keys.press(Qt.Key.Key_R, CTRL | SHIFT)  # reviewed
    qtbot.waitUntil(lambda: not win.review_button.isEnabled(), timeout=TIMEOUT_MS)
    assert win.note.text() == ""
    keys.type("Клиент позвонил снова")
    keys.press(Qt.Key.Key_R, CTRL)  # reopened
    qtbot.waitUntil(lambda: win.message.isEnabled(), timeout=TIMEOUT_MS)
    with sessions() as s:
        saved = s.get(Complaint, unhappy.id)
        assert saved is not None and saved.status is ComplaintStatus.IN_WORK
        assert saved.review_due is None
        assert [e.action for e in saved.events][-2:] == ["reviewed", "reopened"]
    qtbot.waitUntil(lambda: listed.waiting.count() == 1, timeout=TIMEOUT_MS)  # review done


@pytest.mark.parametrize("lead", [True, False], ids=["lead", "operator"])
def test_the_reasons_list_is_the_leads(
    qtbot: QtBot, worker: Any, desk: Desk, sessions: sessionmaker[Session], lead: bool
) -> None:
    identity = desk_identity(LEAD) if lead else desk_identity()
    win = ComplaintReasonsWindow(ComplaintReasonsViewModel(worker, identity))
    qtbot.addWidget(win)
    _active(qtbot, win)
    qtbot.waitUntil(lambda: win.reasons.count() > 0, timeout=TIMEOUT_MS)
    before = win.reasons.count()
    keys = Keyboard(qtbot, win)
    assert win.name.hasFocus()
    keys.type("Не тот кулер")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_A, CTRL)
    keys.type("24")
    keys.press(Qt.Key.Key_Tab, SHIFT)
    keys.press(Qt.Key.Key_Return)
    if not lead:
        qtbot.waitUntil(win.problem.isVisible, timeout=TIMEOUT_MS)
        assert "shift lead" in win.problem.text().lower()
        assert win.name.text() == "Не тот кулер"  # nothing typed is lost
        return
    qtbot.waitUntil(lambda: win.reasons.count() == before + 1, timeout=TIMEOUT_MS)
    assert win.reasons.item(before).text() == "Не тот кулер — 24 h"
    assert win.name.text() == ""
    win.reasons.setFocus()
    win.reasons.setCurrentRow(before)
    keys.press(Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "no longer offered" in win.reasons.item(before).text())
    with sessions() as s:
        reason = s.query(ComplaintReason).filter_by(name="Не тот кулер").one()
        assert (reason.hours, reason.active) == (24, False)
