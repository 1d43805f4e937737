"""IntakeViewModel over a FakePhone: the call's life without a second SIP process.

The database is real (SQLite); the SIP engine is a FakePhone behind the real PhoneLine and
TelephonyBridge. test_intake.py runs the same view model against real SIP calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.bridge import PhoneLine, TelephonyBridge
from app.intake import IntakeViewModel, LiveCall, ScreenPop
from dispatcher import interactions
from dispatcher.interactions import CallResult
from dispatcher.lookup import LookupStatus
from dispatcher.models import Direction, Interaction
from telephony.events import CallState
from tests.app.conftest import COMPANY_PHONE, OPERATOR, PERSON_PHONE, UNKNOWN_PHONE, Desk
from tests.app.fake_phone import FakePhone

TIMEOUT_MS = 5_000


@pytest.fixture
def bridge(qapp: Any) -> TelephonyBridge:
    """A TelephonyBridge of its own (no pjsua2 needed)."""
    return TelephonyBridge()


@pytest.fixture
def fake_phone(bridge: TelephonyBridge) -> FakePhone:
    """The SIP engine's stand-in, reporting to the bridge."""
    return FakePhone(bridge)


@pytest.fixture
def phone(fake_phone: FakePhone, qapp: Any) -> Iterator[PhoneLine]:
    """The real PhoneLine over the FakePhone (commands still run off the GUI thread)."""
    line = PhoneLine(fake_phone)
    yield line
    line.wait_idle()


def calls(sessions: sessionmaker[Session]) -> list[Interaction]:
    """Every logged call, oldest first."""
    with sessions() as s:
        return list(s.scalars(select(Interaction).order_by(Interaction.id)))


def ring_and_pop(qtbot: QtBot, intake: IntakeViewModel, fake_phone: FakePhone, number: str) -> int:
    """``number`` calls; returns the call id once popped and its log row is committed.

    Waiting for the row matters: a call that ends before it exists is never marked ended
    (see the xfail test below).
    """
    with qtbot.waitSignal(intake.popped, timeout=TIMEOUT_MS):
        event = fake_phone.ring(number)
    qtbot.waitUntil(lambda: intake.calls[event.call_id].interaction_id is not None)
    return event.call_id


def answer(qtbot: QtBot, intake: IntakeViewModel) -> LiveCall:
    """The operator answers; returns the call once the phone reported it answered."""
    intake.answer()
    qtbot.waitUntil(
        lambda: intake.focused is not None and intake.focused.answered_at is not None,
        timeout=TIMEOUT_MS,
    )
    assert intake.focused is not None
    return intake.focused


def test_a_ringing_known_caller_is_looked_up_and_popped(
    qtbot: QtBot,
    intake: IntakeViewModel,
    fake_phone: FakePhone,
    desk: Desk,
    sessions: sessionmaker[Session],
) -> None:
    shown: list[Any] = []
    intake.lookup_ready.connect(shown.append)
    with (
        qtbot.waitSignal(intake.ringing, timeout=TIMEOUT_MS) as ringing,
        qtbot.waitSignal(intake.popped, timeout=TIMEOUT_MS) as popped,
    ):
        fake_phone.ring(PERSON_PHONE)
    call: LiveCall = ringing.args[0]
    assert call.state is CallState.RINGING and call.number == "+79161234567"
    assert call.label == "+7 916 123-45-67"

    pop: ScreenPop = popped.args[0]
    (result,) = shown
    assert result.status is LookupStatus.FOUND and pop.status == "found"
    assert set(pop.client_ids) == {desk.world.person_id, desk.duplicate_id}
    assert intake.focused is not None and intake.focused.call_id == call.call_id
    assert fake_phone.commands == []  # ringing asks nothing of the phone

    qtbot.waitUntil(lambda: len(calls(sessions)) == 1, timeout=TIMEOUT_MS)
    (logged,) = calls(sessions)
    assert logged.number == "+79161234567" and logged.operator == OPERATOR
    assert logged.direction is Direction.IN and logged.answered_at is None


def test_answer_sends_the_command_and_writes_the_answer(
    qtbot: QtBot,
    intake: IntakeViewModel,
    fake_phone: FakePhone,
    desk: Desk,
    sessions: sessionmaker[Session],
) -> None:
    call_id = ring_and_pop(qtbot, intake, fake_phone, PERSON_PHONE)
    call = answer(qtbot, intake)
    assert fake_phone.sent("answer") == [(call_id,)]
    assert call.state is CallState.ANSWERED and not call.waiting
    qtbot.waitUntil(lambda: calls(sessions)[0].answered_at is not None, timeout=TIMEOUT_MS)


def test_a_call_ending_before_its_log_row_is_committed_still_ends_as_missed(
    qtbot: QtBot,
    intake: IntakeViewModel,
    fake_phone: FakePhone,
    desk: Desk,
    sessions: sessionmaker[Session],
) -> None:
    with qtbot.waitSignal(intake.popped, timeout=TIMEOUT_MS):
        call_id = fake_phone.ring(COMPANY_PHONE).call_id
    with qtbot.waitSignal(intake.call_finished, timeout=TIMEOUT_MS):
        fake_phone.far_end_hangs_up(call_id)  # at once: the log row is not committed yet
    with sessions() as s:
        (waiting,) = interactions.callback_list(s)
    assert waiting.result is CallResult.MISSED


def test_a_call_ending_before_its_number_was_looked_up_is_still_logged_as_missed(
    qtbot: QtBot,
    intake: IntakeViewModel,
    fake_phone: FakePhone,
    desk: Desk,
    sessions: sessionmaker[Session],
) -> None:
    with qtbot.waitSignal(intake.call_finished, timeout=TIMEOUT_MS):
        call_id = fake_phone.ring(COMPANY_PHONE).call_id
        fake_phone.far_end_hangs_up(call_id)  # before the lookup job has answered
    with sessions() as s:
        (waiting,) = interactions.callback_list(s)
    assert waiting.result is CallResult.MISSED and waiting.ended_at is not None


def test_hang_up_sends_the_command_and_logs_the_end_of_the_call(
    qtbot: QtBot,
    intake: IntakeViewModel,
    fake_phone: FakePhone,
    desk: Desk,
    sessions: sessionmaker[Session],
) -> None:
    call_id = ring_and_pop(qtbot, intake, fake_phone, PERSON_PHONE)
    answer(qtbot, intake)
    intake.confirm_client(desk.world.person_id)
    with qtbot.waitSignal(intake.call_finished, timeout=TIMEOUT_MS) as finished:
        intake.hangup()
    assert fake_phone.sent("hangup") == [(call_id,)]
    assert finished.args[0].call_id == call_id and intake.focused is None
    (logged,) = calls(sessions)
    assert logged.client_id == desk.world.person_id
    assert logged.answered_at is not None and logged.ended_at is not None
    assert logged.result == CallResult.ANSWERED


def test_a_caller_hanging_up_before_the_answer_is_a_missed_call(
    qtbot: QtBot,
    intake: IntakeViewModel,
    fake_phone: FakePhone,
    desk: Desk,
    sessions: sessionmaker[Session],
) -> None:
    call_id = ring_and_pop(qtbot, intake, fake_phone, COMPANY_PHONE)
    with qtbot.waitSignal(intake.call_finished, timeout=TIMEOUT_MS):
        fake_phone.far_end_hangs_up(call_id)
    assert fake_phone.commands == []
    with sessions() as s:
        (waiting,) = interactions.callback_list(s)
    assert waiting.number == "+74951234567" and waiting.result is CallResult.MISSED
    assert waiting.client_id == desk.world.company_id


def test_hold_transfer_dtmf_and_mute_go_to_the_focused_call(
    qtbot: QtBot, intake: IntakeViewModel, fake_phone: FakePhone, desk: Desk, phone: PhoneLine
) -> None:
    call_id = ring_and_pop(qtbot, intake, fake_phone, PERSON_PHONE)
    answer(qtbot, intake)
    intake.toggle_hold()
    qtbot.waitUntil(lambda: intake.focused is not None and intake.focused.held)
    intake.toggle_hold()
    qtbot.waitUntil(lambda: intake.focused is not None and not intake.focused.held)
    intake.send_dtmf(" 12# ")
    intake.send_dtmf("   ")  # nothing to send: no command
    intake.toggle_mute()
    intake.transfer(" 102 ")
    phone.wait_idle()
    assert [(c.name, c.args) for c in fake_phone.commands] == [
        ("answer", (call_id,)),
        ("hold", (call_id,)),
        ("unhold", (call_id,)),
        ("send_dtmf", (call_id, "12#")),
        ("mute", (call_id, True)),
        ("transfer", (call_id, "102")),
    ]
    assert intake.focused is not None and intake.focused.muted


def test_taking_a_waiting_call_puts_the_first_on_hold(
    qtbot: QtBot, intake: IntakeViewModel, fake_phone: FakePhone, desk: Desk
) -> None:
    first = ring_and_pop(qtbot, intake, fake_phone, PERSON_PHONE)
    answer(qtbot, intake)
    with qtbot.waitSignal(intake.ringing, timeout=TIMEOUT_MS) as ringing:
        second = fake_phone.ring(COMPANY_PHONE).call_id
    assert ringing.args[0].waiting
    assert [c.call_id for c in intake.live_calls()] == [first, second]

    with qtbot.waitSignal(intake.lookup_ready, timeout=TIMEOUT_MS) as shown:
        intake.answer()
    assert shown.args[0].e164 == "+74951234567"
    qtbot.waitUntil(lambda: intake.calls[first].held, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: intake.calls[second].answered_at is not None, timeout=TIMEOUT_MS)
    assert fake_phone.sent("hold") == [(first,)]
    assert fake_phone.sent("answer") == [(first,), (second,)]
    assert intake.focused is not None and intake.focused.call_id == second
    assert intake.calls[first].waiting


def test_unknown_and_withheld_callers_ask_for_a_new_client_and_a_search(
    qtbot: QtBot, intake: IntakeViewModel, fake_phone: FakePhone, desk: Desk
) -> None:
    with qtbot.waitSignal(intake.new_client_requested, timeout=TIMEOUT_MS) as requested:
        unknown = fake_phone.ring(UNKNOWN_PHONE).call_id
    assert requested.args == ["+79037770011"]
    fake_phone.far_end_hangs_up(unknown)
    qtbot.waitUntil(lambda: unknown not in intake.calls, timeout=TIMEOUT_MS)

    with qtbot.waitSignal(intake.search_requested, timeout=TIMEOUT_MS) as searched:
        fake_phone.ring("anonymous")
    assert searched.args == ["Withheld number"]
    assert intake.last_pop is not None and intake.last_pop.status == "withheld"


def test_a_command_for_a_call_that_ended_reads_as_such(
    qtbot: QtBot, intake: IntakeViewModel, fake_phone: FakePhone, desk: Desk
) -> None:
    call_id = ring_and_pop(qtbot, intake, fake_phone, PERSON_PHONE)
    answer(qtbot, intake)
    intake.hangup()
    # The caller's hang-up crossed ours: the command finds the call gone.
    fake_phone.far_end_hangs_up(call_id)
    with qtbot.waitSignal(intake.error, timeout=TIMEOUT_MS) as error:
        intake.phone.hold(call_id, True)
    assert error.args == ["The call has already ended."]


def test_a_call_back_dials_and_is_logged_as_outbound(
    qtbot: QtBot,
    intake: IntakeViewModel,
    fake_phone: FakePhone,
    desk: Desk,
    sessions: sessionmaker[Session],
) -> None:
    intake.place_call("+74951234567")
    qtbot.waitUntil(lambda: fake_phone.sent("dial") == [("+74951234567",)], timeout=TIMEOUT_MS)
    (call_id,) = fake_phone.active_calls()
    qtbot.waitUntil(lambda: intake.calls[call_id].interaction_id is not None, timeout=TIMEOUT_MS)
    fake_phone.far_end_answers(call_id)
    qtbot.waitUntil(lambda: intake.calls[call_id].answered_at is not None, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(intake.call_finished, timeout=TIMEOUT_MS):
        fake_phone.far_end_hangs_up(call_id)
    (logged,) = calls(sessions)
    assert logged.direction is Direction.OUT and logged.number == "+74951234567"
    assert logged.client_id == desk.world.company_id
    assert logged.answered_at is not None and logged.ended_at is not None
