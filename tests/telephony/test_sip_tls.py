"""SIP over TLS against Kamailio's TLS module with a throwaway CA; SRTP off/optional/mandatory.

The desk registers at "localhost" (the host name its certificate must carry). pjsip verifies
chain and name itself; these tests pin that down and the readable reasons we give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devtools.baresip import BaresipPeer
from devtools.kamailio import KamailioRegistrar, KamailioUnavailable
from devtools.test_ca import KeyPair, TestCA
from telephony.config import AccountConfig, EngineConfig
from telephony.errors import TelephonyError
from telephony.events import CallState, CallStateChanged, RegistrationChanged, RegState
from tests.telephony.conftest_peers import (
    EXTENSION,
    EXTENSION_PASSWORD,
    OPERATOR,
    OPERATOR_PASSWORD,
    USERS,
    baresip_peers,
    missing_component,
    running_engine,
)

__all__ = ["baresip_peers"]  # a fixture, imported for pytest to find it


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    """A throwaway CA for the whole module (certificates take milliseconds)."""
    return TestCA(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def tls_pbx(tmp_path: Path) -> Iterator[Callable[[KeyPair], KamailioRegistrar]]:
    """Start Kamailio with TLS serving the given certificate; stopped after the test."""
    started: list[KamailioRegistrar] = []

    def start(pair: KeyPair) -> KamailioRegistrar:
        try:
            pbx = KamailioRegistrar(
                users=USERS, root=tmp_path / "kamailio", tls_files=(pair.cert, pair.key)
            )
        except KamailioUnavailable as exc:
            missing_component(str(exc))
            raise
        started.append(pbx)
        pbx.start()
        return pbx

    yield start
    for pbx in started:
        pbx.close()


def tls_line(pbx: KamailioRegistrar, ca_file: Path | None, srtp: str = "off") -> EngineConfig:
    """The operator's line registering over TLS at sip:localhost:<tls port>."""
    where = f"localhost:{pbx.tls_port}"
    account = AccountConfig(
        id="desk",
        user=OPERATOR,
        password=OPERATOR_PASSWORD,
        domain=where,
        registrar=f"sip:{where}",
        transport="tls",
        srtp=srtp,
    )
    return EngineConfig(
        udp_port=0,
        tls=True,
        null_audio=True,
        accounts=(account,),
        tls_ca_file=str(ca_file) if ca_file else None,
    )


def registration(config: EngineConfig, pbx: KamailioRegistrar) -> tuple[RegistrationChanged, bool]:
    """The first final registration outcome of a line, and whether the PBX has it then."""
    with running_engine(config) as (_engine, log):
        outcome = log.wait_for(
            RegistrationChanged, lambda e: e.state in (RegState.REGISTERED, RegState.FAILED)
        )
        return outcome, pbx.is_registered(OPERATOR)


def test_a_certificate_from_the_admins_ca_for_the_host_registers(
    ca: TestCA, tls_pbx: Callable[[KeyPair], KamailioRegistrar]
) -> None:
    pbx = tls_pbx(ca.issue("good", "localhost", "127.0.0.1"))
    outcome, on_pbx = registration(tls_line(pbx, ca.ca_file), pbx)
    assert outcome.state is RegState.REGISTERED and on_pbx
    assert not outcome.certificate_refused


@pytest.mark.expect_log("telephony.pjsip", "SIP registration failed")
@pytest.mark.expect_log("telephony.calls", "refused the PBX")
# After a failed REGISTER the un-REGISTER at shutdown is an invalid operation.
@pytest.mark.expect_log("telephony.pjsip", "Invalid operation")
@pytest.mark.parametrize(
    ("certificate", "given_ca", "reason"),
    [
        (
            lambda ca: ca.issue("wrong", "pbx.example.org"),
            True,
            "The PBX's certificate does not match host localhost (it is for pbx.example.org).",
        ),
        (
            lambda ca: ca.self_signed("self", "localhost"),
            True,
            "The PBX's certificate is not trusted: it is self-signed, not by a CA in the CA file",
        ),
        (
            lambda ca: ca.issue("unknown", "localhost"),
            False,
            "The PBX's certificate is not trusted: it is signed by Dispatch Test CA, not by a CA "
            "in the system's CA store.",
        ),
    ],
    ids=["wrong-host", "self-signed", "ca-not-given"],
)
def test_a_certificate_the_desk_cannot_trust_fails_registration_with_the_reason(
    ca: TestCA,
    tls_pbx: Callable[[KeyPair], KamailioRegistrar],
    certificate: Callable[[TestCA], KeyPair],
    given_ca: bool,
    reason: str,
) -> None:
    pbx = tls_pbx(certificate(ca))
    outcome, on_pbx = registration(tls_line(pbx, ca.ca_file if given_ca else None), pbx)
    assert outcome.state is RegState.FAILED and not on_pbx
    assert outcome.certificate_refused
    assert outcome.reason.startswith(reason)


def test_srtp_optional_connects_and_mandatory_says_the_peer_lacks_it(
    ca: TestCA,
    tls_pbx: Callable[[KeyPair], KamailioRegistrar],
    baresip_peers: Callable[..., BaresipPeer],
) -> None:
    pbx = tls_pbx(ca.issue("pbx", "localhost"))
    # baresip without its srtp module: a peer that only speaks plain RTP.
    baresip_peers(
        user=EXTENSION,
        password=EXTENSION_PASSWORD,
        registrar=pbx.registrar_uri,
        answer_mode="auto",
    )
    pbx.wait_registered(EXTENSION)
    for srtp, final in (("optional", CallState.ANSWERED), ("mandatory", CallState.ENDED)):
        with running_engine(tls_line(pbx, ca.ca_file, srtp)) as (engine, log):
            log.wait_for(RegistrationChanged, lambda e: e.state is RegState.REGISTERED)
            call_id = engine.dial(EXTENSION)
            outcome = log.wait_for(
                CallStateChanged,
                lambda e, call_id=call_id: (
                    e.call_id == call_id and e.state in (CallState.ANSWERED, CallState.ENDED)
                ),
            )
            assert outcome.state is final, (srtp, outcome)
            if srtp == "mandatory":
                assert outcome.reason.startswith(
                    "The other side does not accept encrypted audio (SRTP), which this line "
                    "requires (488"
                )
            else:
                engine.hangup(call_id)


@pytest.mark.expect_log("telephony.pjsip", "PJSIP_ESESSIONINSECURE")
def test_mandatory_srtp_without_tls_refuses_to_send_the_keys_in_clear() -> None:
    account = AccountConfig(id="desk", user=OPERATOR, domain="127.0.0.1", srtp="mandatory")
    config = EngineConfig(udp_port=0, null_audio=True, accounts=(account,))
    with running_engine(config) as (engine, _log):
        with pytest.raises(TelephonyError, match="needs SIP over TLS"):
            engine.dial("sip:102@127.0.0.1:9")
        assert engine.active_calls() == []
