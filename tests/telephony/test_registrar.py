"""The operator's line against a real registrar: Debian's Kamailio with digest auth.

Kamailio runs in the foreground on a loopback port (devtools.kamailio); the engine runs in
process and reports to an EventLog; callers are baresip or `python -m telephony dial`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from devtools.baresip import BaresipPeer
from devtools.kamailio import KamailioRegistrar, options_ping
from telephony.config import AccountConfig, EngineConfig
from telephony.events import (
    CallState,
    CallStateChanged,
    IncomingCall,
    RegistrationChanged,
    RegState,
)
from tests.telephony import conftest_peers
from tests.telephony.conftest_peers import (
    EXTENSION,
    EXTENSION_PASSWORD,
    OPERATOR,
    OPERATOR_PASSWORD,
    EventLog,
    baresip_peers,
    kamailio,
    running_engine,
)

if TYPE_CHECKING:
    from telephony.engine import SipEngine

__all__ = ["baresip_peers", "kamailio"]  # fixtures, imported for pytest to find them

LINE = "line1"
# The promise to the operator: the line is back within 30 s of the registrar's return.
RECOVERY_LIMIT_S = 30.0
# A crash and restart by a service manager, short enough to keep the test quick.
OUTAGE_S = 5.0


def line_account(registrar: KamailioRegistrar, **overrides: object) -> AccountConfig:
    """The operator's line at the registrar, with the contract's defaults unless overridden."""
    settings: dict[str, object] = {
        "id": LINE,
        "user": OPERATOR,
        "domain": registrar.domain,
        "registrar": registrar.registrar_uri,
        "password": OPERATOR_PASSWORD,
    }
    settings.update(overrides)
    return AccountConfig(**settings)  # type: ignore[arg-type]


def engine_config(*accounts: AccountConfig) -> EngineConfig:
    """An engine on a free loopback port with null audio (no sound card in tests)."""
    return EngineConfig(udp_port=0, null_audio=True, accounts=accounts)


def registered(event: RegistrationChanged) -> bool:
    """The operator's line is registered."""
    return event.account == LINE and event.state is RegState.REGISTERED


@pytest.fixture
def registered_line(
    kamailio: KamailioRegistrar,
) -> Iterator[tuple[KamailioRegistrar, SipEngine, EventLog]]:
    """An engine whose line is registered at the Kamailio fixture."""
    with running_engine(engine_config(line_account(kamailio))) as (engine, log):
        log.wait_for(RegistrationChanged, registered, timeout=10)
        yield kamailio, engine, log


def test_missing_sip_peer_fails_the_run_under_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(conftest_peers, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="kamailio is not installed"):
        conftest_peers.missing_component("kamailio is not installed")

    monkeypatch.setattr(conftest_peers, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="kamailio is not installed"):
        conftest_peers.missing_component("kamailio is not installed")


def test_registrar_answers_and_returns_on_the_same_port_after_a_crash(
    kamailio: KamailioRegistrar,
) -> None:
    port = kamailio.port
    assert options_ping(kamailio.host, port) == 200

    kamailio.kill()
    assert options_ping(kamailio.host, port, timeout=0.3) is None
    kamailio.start()

    assert kamailio.port == port
    assert options_ping(kamailio.host, port) == 200


def test_operator_line_registers_with_digest_auth(kamailio: KamailioRegistrar) -> None:
    with running_engine(engine_config(line_account(kamailio))) as (_engine, log):
        event = log.wait_for(RegistrationChanged, registered, timeout=10)

        assert event.code == 200
        assert event.expires > 0
        assert kamailio.is_registered(OPERATOR)
    # The first REGISTER had no credentials: Kamailio challenged it, then accepted the answer.
    log_text = kamailio.log_text()
    assert f"challenging REGISTER of {OPERATOR}" in log_text
    assert f"registered sip:{OPERATOR}@" in log_text


def test_operator_line_registers_over_tcp(kamailio: KamailioRegistrar) -> None:
    config = engine_config(line_account(kamailio, transport="tcp"))
    with running_engine(config) as (_engine, log):
        event = log.wait_for(RegistrationChanged, registered, timeout=10)

        assert event.code == 200
        assert kamailio.is_registered(OPERATOR)


# Reported: stopping an engine whose REGISTER was refused unregisters anyway, an invalid
# operation pjsip logs at ERROR.
@pytest.mark.expect_log("telephony.pjsip", "Invalid operation")
def test_wrong_password_shows_the_operator_a_clear_failed_registration(
    kamailio: KamailioRegistrar,
) -> None:
    config = engine_config(line_account(kamailio, password="not-the-password"))
    with running_engine(config) as (_engine, log):
        event = log.wait_for(
            RegistrationChanged,
            lambda e: e.account == LINE and e.state is RegState.FAILED,
            timeout=10,
        )

        assert event.code == 403
        assert event.reason.strip()
        assert any(word in event.reason.lower() for word in ("password", "forbidden"))
        assert not any(e.state is RegState.REGISTERED for e in log.of_kind(RegistrationChanged))
        assert not kamailio.is_registered(OPERATOR)


# Reported: stopping an engine whose REGISTER was refused unregisters anyway, an invalid
# operation pjsip logs at ERROR.
@pytest.mark.expect_log("telephony.pjsip", "Invalid operation")
def test_unknown_user_is_refused_and_never_shown_as_registered(
    kamailio: KamailioRegistrar,
) -> None:
    config = engine_config(line_account(kamailio, user="nobody", password="x"))
    with running_engine(config) as (_engine, log):
        event = log.wait_for(
            RegistrationChanged,
            lambda e: e.account == LINE and e.state is RegState.FAILED,
            timeout=10,
        )

        assert event.code in (401, 403)
        assert not any(e.state is RegState.REGISTERED for e in log.of_kind(RegistrationChanged))


@pytest.mark.slow
@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_line_registers_again_within_30_s_after_the_registrar_crashes_and_returns(
    kamailio: KamailioRegistrar, transport: str
) -> None:
    # Over UDP the line only learns of the outage when it next refreshes its registration
    # (every keepalive_s); a refresh period shorter than the outage makes the drop visible.
    overrides = {"keepalive_s": 3} if transport == "udp" else {}
    config = engine_config(line_account(kamailio, transport=transport, **overrides))
    with running_engine(config) as (_engine, log):
        log.wait_for(RegistrationChanged, registered, timeout=10)
        crashed_at = log.mark()

        kamailio.kill()  # SIGKILL: every registration Kamailio held in memory is gone
        time.sleep(OUTAGE_S)
        kamailio.start()
        returned = time.monotonic()

        while not kamailio.is_registered(OPERATOR, timeout=0.5):
            waited = time.monotonic() - returned
            if waited > RECOVERY_LIMIT_S:
                pytest.fail(
                    f"over {transport}, the line was not registered again {waited:.0f} s after "
                    f"the registrar returned; events since the crash: "
                    f"{log.of_kind(RegistrationChanged, after=crashed_at)}",
                    pytrace=False,
                )
            time.sleep(0.5)
        recovered_s = time.monotonic() - returned

        changes = log.of_kind(RegistrationChanged, after=crashed_at)
        # The operator saw the line go down, then come back.
        assert any(e.state is not RegState.REGISTERED for e in changes), changes
        remaining = max(0.5, RECOVERY_LIMIT_S - recovered_s)
        back = log.wait_for(RegistrationChanged, registered, timeout=remaining, after=crashed_at)
        assert back.code == 200
    print(f"{transport}: registered again {recovered_s:.1f} s after the registrar returned")


def test_call_through_the_registrar_pops_up_on_the_registered_line(
    registered_line: tuple[KamailioRegistrar, SipEngine, EventLog],
    baresip_peers: Callable[..., BaresipPeer],
) -> None:
    registrar, engine, log = registered_line
    caller = baresip_peers(user="89161234567", display_name="Иван Петров")

    caller.dial(f"sip:{OPERATOR}@{registrar.domain}")
    call = log.wait_for(IncomingCall, timeout=10)

    assert call.line == LINE
    assert call.caller.normalized == "+79161234567"
    assert call.caller.display_name == "Иван Петров"
    # It came through Kamailio: the proxy record-routed the dialog.
    assert "record-route" in call.headers
    caller.wait_event("CALL_RINGING", timeout=5)

    engine.answer(call.call_id)
    caller.wait_event("CALL_ESTABLISHED", timeout=10)
    log.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED, timeout=5)

    caller.hangup()  # the BYE follows the Record-Route through Kamailio
    ended = log.wait_for(
        CallStateChanged,
        lambda e: e.call_id == call.call_id and e.state is CallState.ENDED,
        timeout=10,
    )
    assert ended.direction == "in"


def test_caller_giving_up_stops_the_ringing_through_the_registrar(
    registered_line: tuple[KamailioRegistrar, SipEngine, EventLog],
    baresip_peers: Callable[..., BaresipPeer],
) -> None:
    registrar, _engine, log = registered_line
    caller = baresip_peers(user="89161234567")

    caller.dial(f"sip:{OPERATOR}@{registrar.domain}")
    call = log.wait_for(IncomingCall, timeout=10)
    caller.wait_event("CALL_RINGING", timeout=5)
    caller.hangup()  # CANCEL, matched to the INVITE transaction by Kamailio

    ended = log.wait_for(
        CallStateChanged,
        lambda e: e.call_id == call.call_id and e.state is CallState.ENDED,
        timeout=10,
    )
    assert ended.talk_s == 0


def test_operator_hanging_up_ends_the_call_for_the_caller_through_the_registrar(
    registered_line: tuple[KamailioRegistrar, SipEngine, EventLog],
    baresip_peers: Callable[..., BaresipPeer],
) -> None:
    registrar, engine, log = registered_line
    caller = baresip_peers(user="89161234567")

    caller.dial(f"sip:{OPERATOR}@{registrar.domain}")
    call = log.wait_for(IncomingCall, timeout=10)
    engine.answer(call.call_id)
    caller.wait_event("CALL_ESTABLISHED", timeout=10)

    engine.hangup(call.call_id)

    caller.wait_event("CALL_CLOSED", timeout=10)
    log.wait_for(
        CallStateChanged,
        lambda e: e.call_id == call.call_id and e.state is CallState.ENDED,
        timeout=10,
    )


def test_cli_dial_through_the_registrar_reaches_the_registered_line(
    registered_line: tuple[KamailioRegistrar, SipEngine, EventLog],
) -> None:
    registrar, engine, log = registered_line
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    dial = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "telephony",
            "dial",
            f"sip:{OPERATOR}@{registrar.domain}",
            "--from",
            "89161234567",
            "--display",
            "Склад №2",
            "--hangup-after",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        call = log.wait_for(IncomingCall, timeout=15)
        engine.answer(call.call_id)
        stdout, stderr = dial.communicate(timeout=30)
    finally:
        if dial.poll() is None:
            dial.kill()
            dial.wait()

    assert call.caller.normalized == "+79161234567"
    assert call.caller.display_name == "Склад №2"
    assert dial.returncode == 0, stderr
    assert '"answered"' in stdout
    # The caller hung up after a second: its BYE reached the line through Kamailio.
    log.wait_for(
        CallStateChanged,
        lambda e: e.call_id == call.call_id and e.state is CallState.ENDED,
        timeout=10,
    )


def test_operator_dials_an_extension_registered_at_the_same_registrar(
    registered_line: tuple[KamailioRegistrar, SipEngine, EventLog],
    baresip_peers: Callable[..., BaresipPeer],
) -> None:
    registrar, engine, log = registered_line
    extension = baresip_peers(
        user=EXTENSION,
        password=EXTENSION_PASSWORD,
        registrar=registrar.registrar_uri,
        answer_mode="auto",
    )
    registrar.wait_registered(EXTENSION, timeout=10)

    call_id = engine.dial(EXTENSION)

    log.wait_for(
        CallStateChanged,
        lambda e: e.call_id == call_id and e.state is CallState.ANSWERED,
        timeout=10,
    )
    engine.hangup(call_id)
    extension.wait_event("CALL_CLOSED", timeout=10)
