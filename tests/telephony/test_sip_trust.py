"""Only the PBX rings a registered line; asserted caller ids are believed only from it.

A real Kamailio registrar, the operator's line registered there, and rogue senders (a
pjsua2 peer and baresip) calling the line's port directly from another port.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from devtools.baresip import BaresipPeer
from devtools.kamailio import KamailioRegistrar
from telephony.caller_id import CallerSource, identify
from telephony.config import AccountConfig, EngineConfig
from telephony.events import IncomingCall, RegistrationChanged
from telephony.sip_log import mask_credentials
from telephony.trust import SenderTrust, parse_trusted, signalling_peers
from tests.telephony.conftest_peers import (
    OPERATOR,
    OPERATOR_PASSWORD,
    baresip_peers,
    kamailio,
    running_engine,
)
from tests.telephony.peers import Peers
from tests.telephony.test_registrar import engine_config, line_account, registered

__all__ = ["baresip_peers", "kamailio"]  # fixtures, imported for pytest to find them

PAI = 'P-Asserted-Identity: "Директор" <tel:+74950000001>'
REFUSED = ("telephony.calls", "Refused an INVITE from 127.0.0.1")


@pytest.fixture
def peers(tmp_path: Path) -> Peers:
    """`python -m telephony` peers, stopped after the test."""
    started = Peers(tmp_path)
    yield started  # type: ignore[misc]
    started.close()


@pytest.mark.expect_log(*REFUSED)
def test_registered_line_refuses_a_stranger_and_rings_for_the_pbx(
    kamailio: KamailioRegistrar,
    baresip_peers: Callable[..., BaresipPeer],
    peers: Peers,
) -> None:
    with running_engine(engine_config(line_account(kamailio))) as (engine, log):
        log.wait_for(RegistrationChanged, registered, timeout=10)
        direct = f"sip:{OPERATOR}@127.0.0.1:{engine.bound_port}"

        rogue = peers.dial(direct, "89160000000", "--header", PAI)
        refused = rogue.wait_state("ended", timeout=10)
        assert refused["code"] == 403
        rogue_baresip = baresip_peers(user="89160000001", display_name="Rogue")
        rogue_baresip.dial(direct)
        closed = rogue_baresip.wait_event("CALL_CLOSED", timeout=10)
        assert "403" in str(closed.get("param", "")), closed
        assert log.of_kind(IncomingCall) == []  # no pop for either

        # The same INVITE through the PBX rings, and the PBX's assertion is believed.
        peers.dial(f"sip:{OPERATOR}@{kamailio.domain}", "89160000000", "--header", PAI)
        call = log.wait_for(IncomingCall, timeout=10)
        assert call.caller.normalized == "+74950000001"
        assert call.caller.source is CallerSource.PAI
        assert call.caller.verified
        engine.reject(call.call_id)


def test_asserted_identity_from_an_untrusted_sender_is_ignored(peers: Peers) -> None:
    account = AccountConfig(id="desk", user="operator", domain="127.0.0.1")
    config = EngineConfig(udp_port=0, null_audio=True, accounts=(account,))
    with running_engine(config) as (engine, log):
        peers.dial(f"sip:operator@127.0.0.1:{engine.bound_port}", "89161234567", "--header", PAI)
        call = log.wait_for(IncomingCall, timeout=10)

        assert call.caller.normalized == "+79161234567"  # From, not the forged PAI
        assert call.caller.source is CallerSource.FROM
        assert not call.caller.verified
        engine.reject(call.call_id)


def test_sip_trace_keeps_no_digest_response_of_the_registration(
    kamailio: KamailioRegistrar, tmp_path: Path
) -> None:
    trace = tmp_path / "sip-trace.log"
    config = replace(engine_config(line_account(kamailio)), sip_trace_path=str(trace))
    with running_engine(config) as (_engine, log):
        log.wait_for(RegistrationChanged, registered, timeout=10)
    text = trace.read_text(encoding="utf-8")

    assert "REGISTER sip:" in text
    assert "Authorization: Digest <masked>" in text
    assert "response=" not in text
    assert OPERATOR_PASSWORD not in text


def test_credentials_folded_over_lines_are_masked_whole() -> None:
    message = (
        'REGISTER sip:pbx SIP/2.0\r\nproxy-authorization: Digest username="a",\r\n'
        ' response="0f"\r\nVia: x'
    )

    masked = mask_credentials(message)

    assert masked == "REGISTER sip:pbx SIP/2.0\r\nproxy-authorization: Digest <masked>\r\nVia: x"


def test_trusted_network_and_registrar_port_decide_who_may_ring() -> None:
    trust = SenderTrust(
        signalling_peers("sip:127.0.0.1:5070", "udp"),
        parse_trusted("10.1.0.0/16") + parse_trusted("192.0.2.7:5060"),
        enforce=True,
    )

    assert trust.judge("127.0.0.1:5070").accept
    assert trust.judge("127.0.0.1:5070").from_signalling_peer
    assert not trust.judge("127.0.0.1:5071").accept  # same host, another program
    assert trust.judge("10.1.2.3:40000").asserted_trusted
    assert not trust.judge("192.0.2.7:5062").accept
    assert not trust.judge("garbage").accept
    # Over TCP/TLS the PBX may connect from any port of its address.
    assert (
        SenderTrust(signalling_peers("sip:127.0.0.1:5070", "tcp"), (), enforce=True)
        .judge("127.0.0.1:33000")
        .accept
    )


def test_untrusted_caller_id_falls_back_to_from_and_is_marked_unverified() -> None:
    headers = {
        "From": ["<sip:89161234567@pbx>;tag=1"],
        "P-Asserted-Identity": ["<tel:+74950000001>"],
    }

    trusted = identify(headers)
    untrusted = identify(headers, trust_asserted=False)

    assert (trusted.normalized, trusted.verified) == ("+74950000001", True)
    assert (untrusted.normalized, untrusted.verified) == ("+79161234567", False)
