"""Complaints in the window: registered from a real call in a few keys, flagged at the next
pop of that client, and escalated to a signed-in lead (clock injected, no sleeping)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.complaints import ComplaintFormViewModel, ComplaintsViewModel
from app.widgets.complaints_window import ComplaintsDesk
from app.widgets.main_window import MainWindow
from dispatcher.db import unit_of_work
from dispatcher.models import Complaint, ComplaintStatus
from dispatcher.operations import complaints as ops
from tests.app.conftest import LEAD, PERSON_PHONE, Caller, Desk, desk_identity
from tests.app.keys import CTRL, Keyboard
from tests.app.test_workspace_e2e import TIMEOUT_MS, answered, ring, window  # noqa: F401

NOW = dt.datetime.now(dt.UTC)


def _desk(window: MainWindow, worker: Any, identity: Any, clock: Any = None) -> ComplaintsDesk:  # noqa: F811
    vm = ComplaintsViewModel(worker, identity, clock or (lambda: NOW))
    window.complaints = ComplaintsDesk(window, ComplaintFormViewModel(worker, identity), vm)
    return window.complaints


def test_a_complaint_from_the_call_is_flagged_at_the_next_pop(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    worker: Any,
    desk: Desk,
    call_in: Caller,
    sessions: sessionmaker[Session],
) -> None:
    complaints = _desk(window, worker, desk_identity())
    ring(qtbot, window, call_in, PERSON_PHONE)
    assert "Open complaint" not in window.caller_panel.notes_label.text()
    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: answered(window), timeout=TIMEOUT_MS)
    keys.press(Qt.Key.Key_Return)  # this is the client
    qtbot.waitUntil(lambda: window.order_vm.client_id == desk.world.person_id, timeout=TIMEOUT_MS)  # type: ignore[union-attr]
    keys.press(Qt.Key.Key_K, CTRL)  # the complaint form, prefilled
    qtbot.waitUntil(lambda: complaints.form is not None and complaints.form.isVisible())
    form = complaints.form
    assert form is not None
    assert "Иванова Мария Петровна" in form.heading.text()
    assert f"№{desk.delivery_order_id}" in form.heading.text()  # the delivery under way
    assert form.reason.hasFocus()
    keys.press(Qt.Key.Key_Down)  # the second reason of the list
    keys.press(Qt.Key.Key_Tab)
    keys.type("Привезли мутную воду")
    with qtbot.waitSignal(complaints.form_vm.registered, timeout=TIMEOUT_MS):
        keys.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: complaints.form is None or not complaints.form.isVisible())
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    with sessions() as s:
        saved = s.scalars(select(Complaint)).one()
        assert saved.description == "Привезли мутную воду" and saved.registered_by == "operator-1"
        assert [o.id for o in saved.orders] == [desk.delivery_order_id]
        assert saved.source_interaction_id == window.intake.focused.interaction_id  # type: ignore[union-attr]
    with qtbot.waitSignal(window.intake.call_finished, timeout=TIMEOUT_MS):
        keys.press(Qt.Key.Key_F4)  # hang up

    ring(qtbot, window, call_in, PERSON_PHONE)  # the same client calls again
    flag = window.caller_panel.notes_label
    qtbot.waitUntil(lambda: "Open complaint" in flag.text())
    assert f"#{saved.id}" in flag.text() and flag.isVisible()


def test_an_overdue_complaint_escalates_to_the_signed_in_lead(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    worker: Any,
    desk: Desk,
    sessions: sessionmaker[Session],
) -> None:
    clock = [NOW]
    complaints = _desk(window, worker, desk_identity(LEAD), lambda: clock[0])
    with unit_of_work(sessions) as s:
        late = ops.register_complaint(
            s, desk.world.company_id, "Поломка кулера", "Кулер течёт", actor=LEAD, now=NOW
        )
        ops.register_complaint(
            s, desk.world.person_id, "Качество воды", "Запах", actor=LEAD, now=NOW,
            deadline=(NOW + dt.timedelta(days=10)).date(),
        )  # fmt: skip
    with qtbot.assertNotEmitted(complaints.vm.escalated, wait=50):
        complaints.vm.check()
        worker.wait_idle()
    assert not complaints.badge.isVisible()

    clock[0] = NOW + dt.timedelta(hours=73)  # past the reason's 72 hours, no sleeping
    with qtbot.waitSignal(complaints.vm.escalated, timeout=TIMEOUT_MS) as told:
        complaints.vm.check()
    assert [c.id for c in told.args[0].complaints] == [late.id]
    qtbot.waitUntil(complaints.badge.isVisible)
    assert complaints.badge.text() == "Complaints: 1 overdue"
    with qtbot.assertNotEmitted(complaints.vm.escalated, wait=50):  # told once, not each minute
        complaints.vm.check()
        worker.wait_idle()

    Keyboard(qtbot, window).press(Qt.Key.Key_K, CTRL | Qt.KeyboardModifier.ShiftModifier)
    listed = complaints.list_window
    assert listed is not None
    qtbot.waitUntil(lambda: listed.table.rowCount() == 2, timeout=TIMEOUT_MS)
    assert listed.table.item(0, 0).text() == str(late.id)  # overdue first
    assert "overdue" in listed.table.item(0, 1).text()
    assert listed.badge.text() == "Complaints: 1 overdue"
    with sessions() as s:
        assert s.get(Complaint, late.id).status is ComplaintStatus.REGISTERED  # type: ignore[union-attr]


def test_the_client_card_shows_the_complaint_history(
    qtbot: QtBot, worker: Any, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    from app.client_card import ClientCardViewModel
    from app.widgets.client_card_dialog import ClientCardDialog

    with unit_of_work(sessions) as s:
        done = ops.register_complaint(
            s, desk.world.person_id, "Опоздание курьера", "Опоздал на 3 часа", actor=LEAD
        )
        ops.resolve_complaint(s, done.id, "Скидка 10%", False, actor=LEAD)
        still = ops.register_complaint(
            s, desk.world.person_id, "Качество воды", "Мутная вода", actor=LEAD
        )
    vm = ClientCardViewModel(worker, desk_identity())
    dialog = ClientCardDialog(vm)
    qtbot.addWidget(dialog)
    vm.open(desk.world.person_id)
    qtbot.waitUntil(lambda: dialog.complaints.count() == 2, timeout=TIMEOUT_MS)
    newest, oldest = dialog.complaints.item(0).text(), dialog.complaints.item(1).text()
    assert f"№{still.id}" in newest and "Registered" in newest and "Мутная вода" in newest
    assert "Resolved, not satisfied" in oldest and "→ Скидка 10%" in oldest
