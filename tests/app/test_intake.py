"""IntakeViewModel with a real SQLite database and real SIP calls from a second process."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.intake import IntakeViewModel, LiveCall, ScreenPop
from dispatcher import interactions
from dispatcher.interactions import CallResult
from dispatcher.lookup import DuplicateReason, LookupResult, LookupStatus
from dispatcher.models import Interaction
from telephony.events import CallState
from tests.app.conftest import (
    COMPANY_PHONE,
    FAIL_REASON,
    OPERATOR,
    PERSON_PHONE,
    UNKNOWN_PHONE,
    Caller,
    Desk,
)

TIMEOUT_MS = 15_000


def calls(sessions: sessionmaker[Session]) -> list[Interaction]:
    """Every logged call, oldest first."""
    with sessions() as s:
        return list(s.scalars(select(Interaction).order_by(Interaction.id)))


def wait_pop(qtbot: QtBot, intake: IntakeViewModel) -> tuple[ScreenPop, LookupResult | None]:
    """Wait for the screen pop of the next call; its record and the lookup shown."""
    shown: list[LookupResult] = []
    intake.lookup_ready.connect(shown.append)
    try:
        with qtbot.waitSignal(intake.popped, timeout=TIMEOUT_MS) as blocker:
            pass
    finally:
        intake.lookup_ready.disconnect(shown.append)
    pop = blocker.args[0]
    return pop, (shown[-1] if shown else None)


def test_known_caller_pops_with_clients_duplicates_deliveries_and_is_logged(
    qtbot: QtBot,
    intake: IntakeViewModel,
    desk: Desk,
    call_in: Caller,
    sessions: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="app.screen_pop")
    with qtbot.waitSignal(intake.ringing, timeout=TIMEOUT_MS) as ringing:
        call_in(PERSON_PHONE)
    call: LiveCall = ringing.args[0]
    assert call.state is CallState.RINGING and call.number == "+79161234567"
    pop, result = wait_pop(qtbot, intake)

    assert result is not None and result.status is LookupStatus.FOUND
    ids = {match.client.id for match in result.matches}
    assert ids == {desk.world.person_id, desk.duplicate_id}
    (group,) = result.duplicate_groups
    assert group.reason is DuplicateReason.SAME_PHONE
    person = next(m for m in result.matches if m.client.id == desk.world.person_id)
    assert [o.id for o in person.active_deliveries] == [desk.delivery_order_id]
    assert person.last_order is not None and person.last_order.id == desk.last_order_id
    assert person.active_deliveries[0].courier_name == "Петров Пётр"

    assert set(pop.client_ids) == ids and pop.status == "found"
    assert 0 < pop.ms < 5_000
    record = next(r for r in caplog.records if r.name == "app.screen_pop")
    assert record.number == "+79161234567"  # type: ignore[attr-defined]
    assert set(record.client_ids) == ids  # type: ignore[attr-defined]

    # The call's log row follows the pop (the pop does not wait for its commit).
    qtbot.waitUntil(lambda: len(calls(sessions)) == 1, timeout=TIMEOUT_MS)
    (logged,) = calls(sessions)
    assert logged.number == "+79161234567" and logged.operator == OPERATOR
    assert logged.answered_at is None and logged.ended_at is None


def test_answer_confirm_and_hang_up_write_the_interaction(
    qtbot: QtBot,
    intake: IntakeViewModel,
    desk: Desk,
    call_in: Caller,
    sessions: sessionmaker[Session],
) -> None:
    peer = call_in(PERSON_PHONE)
    wait_pop(qtbot, intake)
    with qtbot.waitSignal(intake.calls_changed, timeout=TIMEOUT_MS):
        intake.answer()
    qtbot.waitUntil(lambda: intake.focused is not None and intake.focused.answered_at is not None)
    peer.wait_state("answered")
    with qtbot.waitSignal(intake.client_confirmed) as confirmed:
        intake.confirm_client(desk.world.person_id)
    assert confirmed.args == [desk.world.person_id, None]
    with qtbot.waitSignal(intake.call_finished, timeout=TIMEOUT_MS):
        intake.hangup()
    (logged,) = calls(sessions)
    assert logged.client_id == desk.world.person_id
    assert logged.answered_at is not None and logged.ended_at is not None
    assert logged.result == CallResult.ANSWERED
    with sessions() as s:
        assert interactions.callback_list(s) == []


def test_missed_call_lands_on_the_callback_list(
    qtbot: QtBot,
    intake: IntakeViewModel,
    desk: Desk,
    call_in: Caller,
    sessions: sessionmaker[Session],
) -> None:
    with qtbot.waitSignal(intake.call_finished, timeout=TIMEOUT_MS) as finished:
        call_in(COMPANY_PHONE, "--cancel-after-ring", "0.5", "--timeout", "20")
    call: LiveCall = finished.args[0]
    assert call.answered_at is None
    with sessions() as s:
        (waiting,) = interactions.callback_list(s)
    assert waiting.number == "+74951234567" and waiting.result is CallResult.MISSED
    assert waiting.client_id == desk.world.company_id  # one owner: named at once


def test_failed_delivery_comes_with_the_pop_flagged(
    qtbot: QtBot, intake: IntakeViewModel, desk: Desk, call_in: Caller
) -> None:
    call_in(COMPANY_PHONE)
    _pop, result = wait_pop(qtbot, intake)
    assert result is not None
    (match,) = [m for m in result.matches if m.client.id == desk.world.company_id]
    (flagged,) = match.to_reschedule
    assert flagged.id == desk.failed_order_id and flagged.fail_reason == FAIL_REASON


def test_unknown_caller_asks_for_a_new_client_with_the_number(
    qtbot: QtBot, intake: IntakeViewModel, desk: Desk, call_in: Caller
) -> None:
    with qtbot.waitSignal(intake.new_client_requested, timeout=TIMEOUT_MS) as requested:
        call_in(UNKNOWN_PHONE)
    assert requested.args == ["+79037770011"]
    assert intake.last_pop is not None and intake.last_pop.status == "unknown"


def test_withheld_caller_switches_to_search_as_you_type(
    qtbot: QtBot,
    intake: IntakeViewModel,
    desk: Desk,
    call_in: Caller,
    sessions: sessionmaker[Session],
) -> None:
    with qtbot.waitSignal(intake.search_requested, timeout=TIMEOUT_MS) as requested:
        call_in("anonymous")
    assert requested.args == ["Withheld number"]
    qtbot.waitUntil(lambda: bool(calls(sessions)))
    assert calls(sessions)[0].number == ""

    answers: list[Any] = []
    intake.search_results.connect(answers.append)
    # Typed fast: only the last text is searched, earlier answers never reach the panel.
    for text in ("Ив", "Ива", "Иванова", 'ООО "Ром'):
        intake.search(text)
    qtbot.waitUntil(lambda: bool(answers), timeout=TIMEOUT_MS)
    qtbot.wait(400)
    assert len(answers) == 1
    assert [hit.client.id for hit in answers[0]] == [desk.world.company_id]


def test_a_second_call_waits_while_on_the_first(
    qtbot: QtBot, intake: IntakeViewModel, desk: Desk, call_in: Caller
) -> None:
    call_in(PERSON_PHONE)
    wait_pop(qtbot, intake)
    intake.answer()
    qtbot.waitUntil(lambda: intake.focused is not None and intake.focused.answered_at is not None)
    with qtbot.waitSignal(intake.ringing, timeout=TIMEOUT_MS) as second:
        call_in(COMPANY_PHONE)
    waiting: LiveCall = second.args[0]
    assert waiting.waiting
    assert [c.waiting for c in intake.live_calls()] == [False, True]
    assert intake.focused is not None and intake.focused.number == "+79161234567"
    # The first caller hangs up: the waiting call takes over the caller panel.
    with qtbot.waitSignal(intake.lookup_ready, timeout=TIMEOUT_MS) as shown:
        intake.hangup()
    assert shown.args[0].e164 == "+74951234567"
    assert intake.focused is not None and not intake.focused.waiting
