"""The portal queue window: a portal order is confirmed with Enter, the client called on Ctrl+D."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from app.portal_queue import PortalQueueViewModel
from app.shortcuts import Key
from app.widgets.portal_window import PortalQueueWindow
from dispatcher import portal_events
from dispatcher.db import unit_of_work
from dispatcher.models import Order, OrderState, utcnow
from dispatcher.portal_events import IncomingPortalEvent
from tests.app.conftest import Desk, desk_identity
from tests.app.keys import Keyboard

TIMEOUT_MS = 10_000


def _portal_order(sessions: sessionmaker[Session], desk: Desk) -> int:
    event = IncomingPortalEvent(
        cursor=1,
        event_id=uuid.uuid4().hex,
        kind="order",
        client_id=desk.world.person_id,
        contact_id=None,
        at=utcnow(),
        payload={
            "request_id": uuid.uuid4().hex,
            "items": [{"code": "W19", "qty": 4}],
            "date": desk.world.tomorrow.isoformat(),
            "window_start": "15:00",
            "window_end": "18:00",
            "comment": "",
        },
    )
    with unit_of_work(sessions) as s:
        return portal_events.apply_event(s, event).target_id or 0


def test_enter_confirms_the_selected_portal_order_and_ctrl_d_calls_the_client(
    qtbot: QtBot, worker: Any, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    order_id = _portal_order(sessions, desk)
    dialled: list[str] = []
    vm = PortalQueueViewModel(worker, desk_identity(), dialled.append)
    window = PortalQueueWindow(vm)
    qtbot.addWidget(window)
    window.open()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=TIMEOUT_MS)
    assert window.windowTitle().endswith("(1)")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT_MS)
    keys = Keyboard(qtbot, window)
    keys.shortcut(Key.PORTAL_CALL)
    assert dialled == ["+7 916 123-45-67"]
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.table.rowCount() == 0, timeout=TIMEOUT_MS)
    assert f"#{order_id}" in window.status.text() and not window.windowTitle().endswith(")")
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None and order.state is OrderState.DELIVERY
