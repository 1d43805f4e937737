"""The engine against real pjsua2 peers over loopback: incoming and outgoing call handling."""

from __future__ import annotations

from typing import Any

import pytest

from tests.telephony.conftest import EventLog, require_pjsua2
from tests.telephony.peers import Peers

require_pjsua2()

from telephony.engine import CallGoneError, TelephonyError  # noqa: E402
from telephony.events import (  # noqa: E402
    CallState,
    CallStateChanged,
    DtmfReceived,
    IncomingCall,
)


def incoming(log: EventLog, timeout: float = 10, **headers: str) -> IncomingCall:
    """The first IncomingCall (with these header values, if given)."""

    def match(event: Any) -> bool:
        if not isinstance(event, IncomingCall):
            return False
        return all(event.headers.get(name, [None])[0] == v for name, v in headers.items())

    return log.wait_for(match, timeout, what=f"incoming call {headers or ''}".strip())


def state(
    log: EventLog, call_id: int, wanted: CallState, timeout: float = 10, since: int = 0
) -> CallStateChanged:
    """The first CallStateChanged of ``call_id`` to ``wanted`` (from ``since`` on)."""
    return log.wait_for(
        lambda e: isinstance(e, CallStateChanged) and e.call_id == call_id and e.state is wanted,
        timeout,
        what=f"call {call_id} {wanted}",
        since=since,
    )


def test_incoming_call_reports_normalized_number_and_cyrillic_name(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers
) -> None:
    caller = peers.dial(engine_uri, "89161234567", "--display", "Иван Петров")

    call = incoming(engine_log)
    assert call.caller.number == "89161234567"
    assert call.caller.normalized == "+79161234567"
    assert call.caller.display_name == "Иван Петров"
    assert call.called == "operator"
    assert call.line == "default"
    assert "89161234567" in call.headers["from"][0]
    assert call.received_ns > 0
    ringing = state(engine_log, call.call_id, CallState.RINGING)
    assert (ringing.direction, ringing.code) == ("in", 180)
    caller.wait_state("early")
    assert call.call_id in engine.active_calls()

    engine.hangup(call.call_id)  # local hang-up of a ringing call

    ended = state(engine_log, call.call_id, CallState.ENDED)
    assert ended.talk_s == 0
    caller.wait_state("ended")
    assert caller.wait_exit() == 0


def test_p_asserted_identity_wins_over_from(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers
) -> None:
    peers.dial(engine_uri, "101", "--header", 'P-Asserted-Identity: "Мария" <tel:+7-903-555-66-77>')

    call = incoming(engine_log)

    assert call.caller.normalized == "+79035556677"
    assert call.caller.display_name == "Мария"
    assert str(call.caller.source) == "p-asserted-identity"
    engine.reject(call.call_id)


def test_answer_hold_unhold_mute_and_remote_hangup(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers
) -> None:
    caller = peers.dial(engine_uri)
    call_id = incoming(engine_log).call_id

    engine.answer(call_id)
    state(engine_log, call_id, CallState.ANSWERED)
    caller.wait_state("answered")

    engine.hold(call_id)
    state(engine_log, call_id, CallState.HELD)
    caller.wait_state("remote_held")

    since, peer_since = engine_log.mark(), caller.mark()
    engine.unhold(call_id)
    resumed = state(engine_log, call_id, CallState.ANSWERED, since=since)
    assert resumed.direction == "in"
    caller.wait_state("answered", since=peer_since)

    engine.mute(call_id, True)
    engine.mute(call_id, False)

    caller.terminate()  # the caller hangs up (BYE)

    ended = state(engine_log, call_id, CallState.ENDED)
    assert ended.code == 200
    assert ended.talk_s > 0
    assert ended.duration_s >= ended.talk_s


def test_caller_hangs_up_after_answer(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers
) -> None:
    caller = peers.dial(engine_uri, "89161234567", "--hangup-after", "0.3")
    call_id = incoming(engine_log).call_id

    engine.answer(call_id)

    ended = state(engine_log, call_id, CallState.ENDED)
    assert ended.code == 200
    assert caller.wait_exit() == 0


def test_dtmf_received_from_caller_then_local_hangup(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers
) -> None:
    caller = peers.dial(engine_uri, "89161234567", "--dtmf", "12*#9")
    call_id = incoming(engine_log).call_id

    engine.answer(call_id)

    digits = engine_log.wait_count(
        lambda e: isinstance(e, DtmfReceived) and e.call_id == call_id, 5, timeout=10
    )
    assert "".join(d.digit for d in digits) == "12*#9"
    engine.hangup(call_id)
    state(engine_log, call_id, CallState.ENDED)
    ended = caller.wait_state("ended")
    assert ended["code"] == 200
    assert caller.wait_exit() == 0


def test_dtmf_sent_to_caller(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers
) -> None:
    caller = peers.dial(engine_uri)
    call_id = incoming(engine_log).call_id
    engine.answer(call_id)
    state(engine_log, call_id, CallState.ANSWERED)
    caller.wait_state("answered")

    engine.send_dtmf(call_id, "59*")

    caller.wait_for(lambda line: len(caller.events("dtmf_received")) >= 3, what="3 digits")
    assert "".join(line["digit"] for line in caller.events("dtmf_received")) == "59*"
    with pytest.raises(TelephonyError, match="DTMF"):
        engine.send_dtmf(call_id, "12x")
    engine.hangup(call_id)


@pytest.mark.parametrize(("busy", "code"), [(True, 486), (False, 603)])
def test_reject_busy_or_decline(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers, busy: bool, code: int
) -> None:
    caller = peers.dial(engine_uri)
    call_id = incoming(engine_log).call_id
    state(engine_log, call_id, CallState.RINGING)

    engine.reject(call_id, busy=busy)

    assert state(engine_log, call_id, CallState.ENDED).code == code
    assert caller.wait_state("ended")["code"] == code
    assert caller.wait_exit() == 0  # it rang, so the dial itself worked


def test_blind_transfer_reaches_third_party(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers
) -> None:
    third = peers.listen(auto_answer=True)
    caller = peers.dial(engine_uri, "89161234567", "--display", "Клиент")
    call_id = incoming(engine_log).call_id
    engine.answer(call_id)
    caller.wait_state("answered")

    engine.transfer(call_id, f"sip:courier@127.0.0.1:{third.port}")

    transferred = third.wait_for(lambda line: line.get("event") == "incoming_call")
    assert transferred["caller"] == "+79161234567"
    assert transferred["called"] == "courier"
    third.wait_state("answered")
    state(engine_log, call_id, CallState.ENDED)  # we leave once the transfer succeeded
    assert engine.active_calls() == []
    caller.terminate()
    third.wait_state("ended")


def test_dial_out_to_auto_answering_peer(engine: Any, engine_log: EventLog, peers: Peers) -> None:
    callee = peers.listen(auto_answer=True)

    call_id = engine.dial(f"sip:1000@127.0.0.1:{callee.port}")

    assert state(engine_log, call_id, CallState.CALLING).direction == "out"
    state(engine_log, call_id, CallState.ANSWERED)
    seen = callee.wait_for(lambda line: line.get("event") == "incoming_call")
    assert seen["called"] == "1000"
    assert seen["caller_raw"] == "operator"
    assert engine.active_calls() == [call_id]
    times = engine.call_times(call_id)
    assert times.invite_sent_ns is not None and times.answered_ns is not None

    engine.hangup(call_id)

    state(engine_log, call_id, CallState.ENDED)
    callee.wait_state("ended")


def test_dial_rejects_nonsense_target(engine: Any) -> None:
    with pytest.raises(TelephonyError, match="neither a SIP address nor a number"):
        engine.dial("not a number")


def test_second_call_waits_while_on_the_first(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers
) -> None:
    first_caller = peers.dial(engine_uri, "89161234567")
    first = incoming(engine_log).call_id
    engine.answer(first)
    first_caller.wait_state("answered")

    second_caller = peers.dial(engine_uri, "+79037778899")
    second = engine_log.wait_for(
        lambda e: isinstance(e, IncomingCall) and e.call_id != first, what="second call"
    )
    assert second.caller.normalized == "+79037778899"
    state(engine_log, second.call_id, CallState.RINGING)
    assert sorted(engine.active_calls()) == sorted([first, second.call_id])

    engine.hold(first)
    state(engine_log, first, CallState.HELD)
    engine.answer(second.call_id)
    state(engine_log, second.call_id, CallState.ANSWERED)
    second_caller.wait_state("answered")

    engine.hangup(second.call_id)
    engine.unhold(first)
    engine.hangup(first)
    state(engine_log, first, CallState.ENDED)
    state(engine_log, second.call_id, CallState.ENDED)
    first_caller.wait_state("ended")


def test_command_on_ended_call_raises_call_gone(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers
) -> None:
    peers.dial(engine_uri)
    call_id = incoming(engine_log).call_id
    engine.reject(call_id)
    state(engine_log, call_id, CallState.ENDED)

    with pytest.raises(CallGoneError) as gone:
        engine.answer(call_id)
    assert str(gone.value) == f"Call {call_id} has already ended."
    for command in (engine.hangup, engine.hold, engine.unhold):
        with pytest.raises(CallGoneError):
            command(call_id)
    with pytest.raises(CallGoneError, match="There is no call 99999"):
        engine.hangup(99999)


def test_fifty_back_to_back_incoming_calls_leak_nothing(
    engine: Any, engine_log: EventLog, engine_uri: str, peers: Peers
) -> None:
    caller = peers.dial(
        engine_uri, "89161234567", "--count", "50", "--cancel-after-ring", "0", "--timeout", "10"
    )

    calls = engine_log.wait_count(lambda e: isinstance(e, IncomingCall), 50, timeout=60)

    assert caller.wait_exit(60) == 0
    assert len(calls) == 50
    assert len({c.call_id for c in calls}) == 50
    assert sorted(int(c.headers["x-dial-seq"][0]) for c in calls) == list(range(1, 51))
    assert {c.caller.normalized for c in calls} == {"+79161234567"}
    engine_log.wait_count(
        lambda e: isinstance(e, CallStateChanged) and e.state is CallState.ENDED, 50, timeout=10
    )
    assert engine.active_calls() == []
