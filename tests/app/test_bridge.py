"""TelephonyBridge and PhoneLine against a real SIP engine and a real caller process."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt, QThread
from pytestqt.qtbot import QtBot

from app.bridge import PhoneLine, TelephonyBridge
from telephony.events import CallState, CallStateChanged, IncomingCall
from tests.app.conftest import PERSON_PHONE, Caller

TIMEOUT_MS = 15_000


def test_events_arrive_as_signals_on_the_gui_thread(
    qtbot: QtBot, bridge: TelephonyBridge, call_in: Caller
) -> None:
    seen: list[tuple[Any, bool]] = []

    def record(event: Any) -> None:
        seen.append((event, QThread.currentThread() is qtbot_thread))

    qtbot_thread = QThread.currentThread()
    emitted_on: list[int] = []

    def where(_event: Any) -> None:
        emitted_on.append(threading.get_ident())

    bridge.incoming_call.connect(where, Qt.ConnectionType.DirectConnection)
    bridge.incoming_call.connect(record)
    bridge.call_state_changed.connect(record)
    try:
        with qtbot.waitSignal(bridge.incoming_call, timeout=TIMEOUT_MS) as incoming:
            peer = call_in(PERSON_PHONE, "--cancel-after-ring", "0.3", "--timeout", "20")
        event = incoming.args[0]
        assert isinstance(event, IncomingCall)
        assert event.caller.normalized == "+79161234567" and event.received_ns > 0
        qtbot.waitUntil(
            lambda: any(
                isinstance(e, CallStateChanged) and e.state is CallState.ENDED for e, _ in seen
            ),
            timeout=TIMEOUT_MS,
        )
        peer.wait_exit()
    finally:
        bridge.incoming_call.disconnect(record)
        bridge.incoming_call.disconnect(where)
        bridge.call_state_changed.disconnect(record)
    assert seen and all(on_gui for _event, on_gui in seen)
    # on_event itself ran on the engine's dispatch thread, never on the GUI thread.
    assert emitted_on and threading.main_thread().ident not in emitted_on


def test_phone_line_answers_off_the_gui_thread_and_reports_gone_calls(
    qtbot: QtBot, bridge: TelephonyBridge, sip: Any, call_in: Caller
) -> None:
    line = PhoneLine(sip)
    with qtbot.waitSignal(bridge.incoming_call, timeout=TIMEOUT_MS) as incoming:
        peer = call_in(PERSON_PHONE, "--hangup-after", "0.5", "--timeout", "20")
    call_id = incoming.args[0].call_id
    line.answer(call_id)
    peer.wait_state("answered", timeout=10)
    peer.wait_exit()  # the caller hung up after half a second
    qtbot.waitUntil(lambda: sip.active_calls() == [], timeout=TIMEOUT_MS)
    with qtbot.waitSignal(line.error, timeout=TIMEOUT_MS) as failed:
        line.hangup(call_id)
    assert failed.args == ["The call has already ended."]
    line.wait_idle()


def test_phone_line_without_an_engine_says_so(qtbot: QtBot) -> None:
    line = PhoneLine(None)
    assert not line.available
    with qtbot.waitSignal(line.error) as failed:
        line.answer(1)
    assert "not available" in failed.args[0]
