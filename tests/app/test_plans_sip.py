"""A planned callback done from its reminder over the desk's real SIP line.

The desk's line is a real pjsua2 engine whose account domain is a second process (a
listening, auto-answering `python -m telephony listen` peer on loopback), as a PBX would
be: a bare number dialled by the desk goes there. The clock is injected; the reminder's
time comes by moving it, never by sleeping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from app.calls_model import CallLog
from app.intake import IntakeViewModel
from app.plans_wiring import DeskPlans
from app.widgets.main_window import MainWindow
from dispatcher.db import unit_of_work
from dispatcher.models import Direction, UserRole
from dispatcher.moscow import MOSCOW
from dispatcher.operations import plans
from dispatcher.users import Actor, add_user
from tests.app.conftest import OPERATOR, Desk, desk_identity
from tests.app.keys import Keyboard
from tests.app.test_plans import FakeClock, logged, reminder_pops_at
from tests.telephony.peers import Peer, Peers

ADMIN = Actor("boss", "Админ", UserRole.ADMIN)
AT_10 = dt.datetime(2030, 5, 10, 10, 0, tzinfo=MOSCOW)
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def callee(pj: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    """The client's phone: a real SIP peer on loopback that answers by itself."""
    started = Peers(tmp_path_factory.mktemp("callee"))
    yield started.listen(auto_answer=True)
    started.close()


@pytest.fixture(scope="module")
def sip_engine(bridge: Any, callee: Peer) -> Iterator[Any]:
    """The desk's engine; its account's domain is the callee, so numbers route there."""
    from telephony.config import AccountConfig, EngineConfig
    from telephony.engine import SipEngine

    account = AccountConfig(domain=f"127.0.0.1:{callee.port}")
    engine = SipEngine(EngineConfig(udp_port=0, null_audio=True, accounts=(account,)), bridge)
    engine.start()
    yield engine
    engine.stop()


def test_a_planned_callback_reminds_at_ten_and_return_calls_the_client_for_real(
    qtbot: QtBot,
    desk: Desk,
    worker: Any,
    phone: Any,
    intake: IntakeViewModel,
    callee: Peer,
    sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(sessions) as s:
        add_user(s, OPERATOR, "Оператор Ольга", UserRole.OPERATOR, "password-123", actor=ADMIN)
        plan = plans.plan_interaction(
            s, desk.world.person_id, AT_10, "про кулер", actor=desk_identity().require()
        )
    identity = desk_identity()
    window = MainWindow(intake, CallLog(worker, phone, identity=identity, dial=intake.place_call))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    clock = FakeClock(AT_10 - dt.timedelta(minutes=5))
    desk_plans = DeskPlans(window, worker, identity, intake, clock=clock)
    # Five minutes early it is armed for 10:00; at 10:00 the reminder pops.
    reminder = reminder_pops_at(qtbot, desk_plans, clock, AT_10)
    assert reminder.list.item(0).text() == "10:00  Иванова Мария Петровна — про кулер"
    # Return dials the client through the real line; the peer rings and answers.
    reminder.list.setFocus()
    mark = callee.mark()
    with qtbot.waitSignal(desk_plans.reminders.done, timeout=TIMEOUT_MS):
        Keyboard(qtbot, window).press(Qt.Key.Key_Return)
    seen = callee.wait_for(lambda line: line.get("event") == "incoming_call", since=mark)
    assert seen["called"] == "+79161234567"
    qtbot.waitUntil(
        lambda: intake.focused is not None and intake.focused.answered_at is not None,
        timeout=TIMEOUT_MS,
    )
    # The plan is done and linked to that call's log row.
    done, call = logged(sessions, plan.id)
    focused = intake.focused
    assert focused is not None and focused.interaction_id == call.id
    assert done.done_at is not None
    assert (call.direction, call.client_id, call.planned_from_id, call.number) == (
        Direction.OUT,
        desk.world.person_id,
        plan.id,
        "+79161234567",
    )
    with sessions() as s:
        assert plans.next_due(s, OPERATOR) is None
    # The reminder is gone and the window has the keys again: F4 hangs up, the callee sees it.
    assert not reminder.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    with qtbot.waitSignal(intake.call_finished, timeout=TIMEOUT_MS):
        Keyboard(qtbot, window).press(Qt.Key.Key_F4)
    callee.wait_state("ended", since=mark)
    worker.wait_idle()
