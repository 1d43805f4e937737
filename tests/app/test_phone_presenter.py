"""The call bar's presenter: which buttons work in which call state, and what the bar says."""

from __future__ import annotations

from dataclasses import replace

from app.intake import LiveCall
from app.phone_presenter import (
    call_state_text,
    describe_registration,
    present_call_bar,
    timer_text,
)
from dispatcher.models import Direction
from telephony.events import CallState, RegistrationChanged, RegState

RINGING = LiveCall(
    call_id=1,
    number="+79161234567",
    label="+7 916 123-45-67",
    display_name="Мария",
    withheld=False,
    direction=Direction.IN,
    received_ns=1_000_000_000,
    state=CallState.RINGING,
)


def test_no_call_leaves_only_nothing_to_press() -> None:
    view = present_call_bar([])
    assert (view.state, view.number, view.waiting) == ("No call", "", "")
    assert not (view.answer_enabled or view.hangup_enabled or view.talking_enabled)
    assert (view.hold_label, view.mute_label) == ("Hold", "Mute")
    assert view.current is None


def test_a_ringing_call_can_be_answered_or_hung_up_but_not_held() -> None:
    view = present_call_bar([RINGING])
    assert (view.state, view.number) == ("Ringing", "+7 916 123-45-67 — Мария")
    assert view.answer_enabled and view.hangup_enabled and not view.talking_enabled


def test_on_the_line_the_talking_buttons_work_and_name_what_they_undo() -> None:
    talking = replace(RINGING, state=CallState.ANSWERED, answered_at=100.0)
    view = present_call_bar([talking])
    assert view.state == "On the line"
    assert view.talking_enabled and not view.answer_enabled
    held = present_call_bar([replace(talking, state=CallState.HELD, held=True, muted=True)])
    assert held.state == "On hold" and held.talking_enabled
    assert (held.hold_label, held.mute_label) == ("Resume", "Unmute")


def test_a_second_caller_waits_and_can_be_answered() -> None:
    talking = replace(RINGING, state=CallState.ANSWERED, answered_at=100.0)
    second = replace(RINGING, call_id=2, label="+7 495 123-45-67", waiting=True)
    view = present_call_bar([talking, second])
    assert view.waiting == "Waiting: +7 495 123-45-67 — Мария"  # the waiting caller's name
    assert view.answer_enabled and view.current is talking
    only_waiting = present_call_bar([second])
    assert only_waiting.current is None and only_waiting.state == "No call"


def test_the_timer_counts_from_the_ring_then_from_the_answer() -> None:
    assert timer_text(RINGING, wall_ns=RINGING.received_ns + 65_000_000_000) == "01:05"
    answered = replace(RINGING, state=CallState.ANSWERED, answered_at=100.0)
    assert timer_text(answered, monotonic=100.0 + 3_599) == "59:59"
    assert call_state_text(CallState.REMOTE_HELD) == "Held by caller"


def test_describe_registration() -> None:
    ok = RegistrationChanged("desk", RegState.REGISTERED, 200, "OK", 300)
    failed = RegistrationChanged("desk", RegState.FAILED, 403, "Forbidden", 0)
    assert describe_registration(ok) == ("Registered (200 OK)", True)
    assert describe_registration(failed) == ("Registration failed (403 Forbidden)", False)
    registering = RegistrationChanged("desk", RegState.REGISTERING, 0, "", 0)
    assert describe_registration(registering) == ("Registering…", False)
