"""Debian's baresip calls the operator directly: the pop-up shows the right caller.

baresip is a different SIP stack from pjsip, so these tests catch what a pjsua2-to-pjsua2
test cannot: its own From header spelling, SDP and in-dialog requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from devtools.baresip import BaresipPeer
from telephony.caller_id import CallerSource
from telephony.config import AccountConfig, EngineConfig
from telephony.events import CallState, CallStateChanged, DtmfReceived, IncomingCall
from tests.telephony.conftest_peers import EventLog, baresip_peers, running_engine

if TYPE_CHECKING:
    from telephony.engine import SipEngine

__all__ = ["baresip_peers"]  # a fixture, imported for pytest to find it

LINE = "desk"


@pytest.fixture
def operator() -> Iterator[tuple[SipEngine, EventLog]]:
    """An engine with a local account (no registrar) on a free loopback port."""
    account = AccountConfig(id=LINE, user="operator", domain="127.0.0.1")
    config = EngineConfig(udp_port=0, null_audio=True, accounts=(account,))
    with running_engine(config) as (engine, log):
        yield engine, log


def operator_uri(engine: SipEngine) -> str:
    """Where a peer calls the operator."""
    return f"sip:operator@127.0.0.1:{engine.bound_port}"


def ended(call_id: int) -> Callable[[CallStateChanged], bool]:
    """The call has ended."""
    return lambda e: e.call_id == call_id and e.state is CallState.ENDED


@pytest.mark.parametrize(
    ("user", "display_name", "number", "normalized", "shown_name", "label"),
    [
        ("89161234567", "Иван Петров", "89161234567", "+79161234567", "Иван Петров", None),
        ("+74951234567", 'ООО "Ромашка"', "+74951234567", "+74951234567", 'ООО "Ромашка"', None),
        ("101", None, "101", "101", None, "101"),
        ("9161234567", "Anna", "9161234567", "+79161234567", "Anna", "+7 916 123-45-67"),
    ],
)
def test_baresip_caller_pops_up_with_number_and_name(
    operator: tuple[SipEngine, EventLog],
    baresip_peers: Callable[..., BaresipPeer],
    user: str,
    display_name: str | None,
    number: str,
    normalized: str,
    shown_name: str | None,
    label: str | None,
) -> None:
    engine, log = operator
    caller = baresip_peers(user=user, display_name=display_name)

    caller.dial(operator_uri(engine))
    call = log.wait_for(IncomingCall, timeout=10)

    assert call.caller.number == number
    assert call.caller.normalized == normalized
    assert call.caller.display_name == shown_name
    assert not call.caller.withheld
    assert call.caller.source is CallerSource.FROM
    assert call.line == LINE
    assert "operator" in call.called
    assert call.headers["from"]
    if label is not None:
        assert call.caller.label() == label
    caller.wait_event("CALL_RINGING", timeout=5)


def test_anonymous_baresip_caller_is_shown_as_withheld(
    operator: tuple[SipEngine, EventLog],
    baresip_peers: Callable[..., BaresipPeer],
) -> None:
    engine, log = operator
    caller = baresip_peers(user="anonymous", display_name="Anonymous")

    caller.dial(operator_uri(engine))
    call = log.wait_for(IncomingCall, timeout=10)

    assert call.caller.withheld
    assert call.caller.number is None
    assert call.caller.label() == "Withheld number"


def test_operator_answers_baresip_and_the_caller_hangs_up(
    operator: tuple[SipEngine, EventLog],
    baresip_peers: Callable[..., BaresipPeer],
) -> None:
    engine, log = operator
    caller = baresip_peers(user="89161234567")
    caller.dial(operator_uri(engine))
    call = log.wait_for(IncomingCall, timeout=10)

    engine.answer(call.call_id)
    caller.wait_event("CALL_ESTABLISHED", timeout=10)
    log.wait_for(
        CallStateChanged,
        lambda e: e.call_id == call.call_id and e.state is CallState.ANSWERED,
        timeout=5,
    )
    caller.hangup()

    end = log.wait_for(CallStateChanged, ended(call.call_id), timeout=10)
    assert end.direction == "in"
    assert end.talk_s >= 0
    assert engine.active_calls() == []


def test_busy_operator_rejects_baresip_with_busy_here(
    operator: tuple[SipEngine, EventLog],
    baresip_peers: Callable[..., BaresipPeer],
) -> None:
    engine, log = operator
    caller = baresip_peers(user="89161234567")
    caller.dial(operator_uri(engine))
    call = log.wait_for(IncomingCall, timeout=10)

    engine.reject(call.call_id, busy=True)

    closed = caller.wait_event("CALL_CLOSED", timeout=10)
    assert "486" in str(closed.get("param")) or "busy" in str(closed.get("param")).lower()
    log.wait_for(CallStateChanged, ended(call.call_id), timeout=10)


def test_keys_pressed_on_baresip_reach_the_operator_as_dtmf(
    operator: tuple[SipEngine, EventLog],
    baresip_peers: Callable[..., BaresipPeer],
) -> None:
    engine, log = operator
    caller = baresip_peers(user="89161234567")
    caller.dial(operator_uri(engine))
    call = log.wait_for(IncomingCall, timeout=10)
    engine.answer(call.call_id)
    caller.wait_event("CALL_ESTABLISHED", timeout=10)

    caller.command("sndcode", "5")

    digit = log.wait_for(DtmfReceived, lambda e: e.call_id == call.call_id, timeout=10)
    assert digit.digit == "5"


def test_operator_calls_baresip_and_hangs_up(
    operator: tuple[SipEngine, EventLog],
    baresip_peers: Callable[..., BaresipPeer],
) -> None:
    engine, log = operator
    callee = baresip_peers(user="102", answer_mode="auto")

    call_id = engine.dial(callee.aor)
    log.wait_for(
        CallStateChanged,
        lambda e: e.call_id == call_id and e.state is CallState.ANSWERED,
        timeout=10,
    )
    engine.hangup(call_id)

    callee.wait_event("CALL_CLOSED", timeout=10)
    end = log.wait_for(CallStateChanged, ended(call_id), timeout=10)
    assert end.direction == "out"
