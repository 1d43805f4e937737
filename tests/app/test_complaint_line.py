"""The complaint line: a real call to the complaint number, or with the PBX's IVR choice in a
header, opens the complaint form for the known caller when answered; an ordinary call does not."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.complaint_line import ComplaintLine
from app.complaints import ComplaintFormViewModel, ComplaintsViewModel
from app.widgets.complaints_window import ComplaintsDesk
from app.widgets.main_window import MainWindow
from tests.app.conftest import PERSON_PHONE, Caller, Desk, desk_identity
from tests.app.keys import Keyboard
from tests.app.test_workspace_e2e import TIMEOUT_MS, answered, window  # noqa: F401
from tests.telephony.peers import Peers

COMPLAINT_NUMBER = "88001002030"
LINE = ComplaintLine((COMPLAINT_NUMBER, "complaints"), "X-IVR-Choice", ("3",))
KEEP_RINGING = ("--hangup-after", "60", "--timeout", "60")


@pytest.mark.parametrize(
    ("called", "headers", "complaint"),
    [
        ("88001002030", {}, True),
        ("+78001002030", {}, True),  # the same trunk number, another form
        ("Complaints", {}, True),
        ("operator", {}, False),
        ("operator", {"x-ivr-choice": ["3"]}, True),
        ("operator", {"x-ivr-choice": ["1"]}, False),
        ("3", {}, False),  # a called number is not an IVR choice
    ],
)
def test_what_makes_a_call_a_complaint(called: str, headers: Any, complaint: bool) -> None:
    assert LINE.matches(called, headers) is complaint
    assert ComplaintLine().matches(called, headers) is False  # no line configured


def _complaints(window: MainWindow, worker: Any) -> ComplaintsDesk:  # noqa: F811
    identity = desk_identity()
    window.intake.complaint_line = LINE
    window.complaints = ComplaintsDesk(
        window, ComplaintFormViewModel(worker, identity), ComplaintsViewModel(worker, identity)
    )
    return window.complaints


def _ring_and_answer(qtbot: QtBot, window: MainWindow, dial: Any) -> None:  # noqa: F811
    with qtbot.waitSignal(window.intake.popped, timeout=TIMEOUT_MS):
        dial()
    Keyboard(qtbot, window).press(Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: answered(window), timeout=TIMEOUT_MS)


def _form_opens_for_the_caller(qtbot: QtBot, complaints: ComplaintsDesk, desk: Desk) -> None:
    qtbot.waitUntil(
        lambda: complaints.form is not None and complaints.form.isVisible(), timeout=TIMEOUT_MS
    )
    form = complaints.form
    assert form is not None
    assert form.prefill.client_id == desk.world.person_id
    assert "Иванова Мария Петровна" in form.heading.text()
    assert form.reason.hasFocus()  # the operator picks the reason at once
    form.reject()


def test_a_call_to_the_complaint_number_opens_the_form(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    worker: Any,
    desk: Desk,
    sip: Any,
    peers: Peers,
) -> None:
    complaints = _complaints(window, worker)
    uri = f"sip:{COMPLAINT_NUMBER}@127.0.0.1:{sip.bound_port}"
    with qtbot.waitSignal(window.intake.popped, timeout=TIMEOUT_MS):
        peers.dial(uri, PERSON_PHONE, *KEEP_RINGING)
    assert window.intake.focused is not None and window.intake.focused.complaint
    assert "[complaint line]" in window.call_bar.number_label.text()
    assert complaints.form is None  # F2 must still answer: the form waits for the answer
    Keyboard(qtbot, window).press(Qt.Key.Key_F2)
    _form_opens_for_the_caller(qtbot, complaints, desk)


def test_the_ivr_choice_in_a_header_opens_the_form(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    worker: Any,
    desk: Desk,
    call_in: Caller,
) -> None:
    complaints = _complaints(window, worker)
    _ring_and_answer(
        qtbot, window, lambda: call_in(PERSON_PHONE, "--header", "X-IVR-Choice: 3", *KEEP_RINGING)
    )
    _form_opens_for_the_caller(qtbot, complaints, desk)


def test_an_ordinary_call_does_not_open_the_form(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    worker: Any,
    desk: Desk,
    call_in: Caller,
) -> None:
    complaints = _complaints(window, worker)
    with qtbot.assertNotEmitted(window.intake.complaint_form_requested, wait=100):
        menu_one = ("--header", "X-IVR-Choice: 1", *KEEP_RINGING)
        _ring_and_answer(qtbot, window, lambda: call_in(PERSON_PHONE, *menu_one))
        worker.wait_idle()
    assert "[complaint line]" not in window.call_bar.number_label.text()
    assert complaints.form is None
