"""INVITEs that never end cannot jam the line: ring timeout, per-sender limit, real calls ring.

A flooder sends raw INVITEs over UDP and never CANCELs them (it only ACKs final replies,
as any UA must); a real baresip caller then calls through the Kamailio registrar.
"""

from __future__ import annotations

import re
import secrets
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from devtools.baresip import BaresipPeer
from devtools.kamailio import KamailioRegistrar
from telephony.config import AccountConfig, EngineConfig
from telephony.events import CallState, CallStateChanged, IncomingCall, RegistrationChanged
from tests.helpers.wait import wait_until
from tests.telephony.conftest_peers import OPERATOR, baresip_peers, kamailio, running_engine
from tests.telephony.test_registrar import line_account, registered

__all__ = ["baresip_peers", "kamailio"]  # fixtures, imported for pytest to find them

FLOOD = 12
RING_TIMEOUT_S = 1.5
PER_SOURCE = 2


class Flooder:
    """A UDP socket sending INVITEs that never end; it ACKs final replies and counts them."""

    def __init__(self) -> None:
        """Bind a loopback port and start reading replies."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.finals: dict[str, int] = {}  # Call-ID -> final status code
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def invite(self, target_port: int, n: int) -> str:
        """Send one INVITE to the line; its Call-ID."""
        call_id = f"flood-{n}-{secrets.token_hex(4)}"
        self.sock.sendto(
            self._request("INVITE", target_port, call_id, n).encode(), _to(target_port)
        )
        return call_id

    def _request(
        self, method: str, target_port: int, call_id: str, n: int, to_tag: str = ""
    ) -> str:
        to = f"<sip:{OPERATOR}@127.0.0.1:{target_port}>" + (f";tag={to_tag}" if to_tag else "")
        return (
            f"{method} sip:{OPERATOR}@127.0.0.1:{target_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bKflood{n}x{call_id[-8:]}\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:8916000{n:04d}@127.0.0.1:{self.port}>;tag=f{n}\r\n"
            f"To: {to}\r\n"
            f"Call-ID: {call_id}\r\n"
            f"CSeq: 1 {method}\r\n"
            f"Contact: <sip:flood@127.0.0.1:{self.port}>\r\n"
            "Content-Length: 0\r\n\r\n"
        )

    def final_codes(self) -> list[int]:
        """The final status codes received so far."""
        with self._lock:
            return list(self.finals.values())

    def _read(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(65535)
            except OSError:
                return
            text = data.decode("utf-8", "replace")
            status = re.match(r"SIP/2\.0 (\d{3})", text)
            call_id = re.search(r"(?im)^call-id:\s*(\S+)", text)
            if status is None or call_id is None or int(status.group(1)) < 300:
                continue
            to_tag = re.search(r"(?im)^to:.*;tag=([^;\s]+)", text)
            n = int(call_id.group(1).split("-")[1])
            with self._lock:
                self.finals[call_id.group(1)] = int(status.group(1))
            ack = self._request(
                "ACK", peer[1], call_id.group(1), n, to_tag.group(1) if to_tag else ""
            )
            self.sock.sendto(ack.encode(), peer)

    def close(self) -> None:
        """Close the socket (the reader ends)."""
        self.sock.close()


def _to(port: int) -> tuple[str, int]:
    return ("127.0.0.1", port)


@pytest.fixture
def flooder() -> Iterator[Flooder]:
    """A flooder, closed after the test."""
    sender = Flooder()
    yield sender
    sender.close()


def _ended(event: CallStateChanged) -> bool:
    return event.state is CallState.ENDED


@pytest.mark.expect_log("telephony.calls", "calls from it already ring")
def test_flood_from_a_trusted_host_leaves_the_line_to_the_pbx_and_ends_by_the_ring_timeout(
    kamailio: KamailioRegistrar,
    baresip_peers: Callable[..., BaresipPeer],
    flooder: Flooder,
) -> None:
    config = EngineConfig(
        udp_port=0,
        null_audio=True,
        accounts=(line_account(kamailio),),
        trusted_hosts=("127.0.0.1",),  # the flood comes from a host the admin trusts
        ring_timeout_s=RING_TIMEOUT_S,
        max_ringing_per_source=PER_SOURCE,
    )
    with running_engine(config) as (engine, log):
        log.wait_for(RegistrationChanged, registered, timeout=10)
        for n in range(FLOOD):
            flooder.invite(engine.bound_port, n)
        wait_until(lambda: len(flooder.final_codes()) >= FLOOD - PER_SOURCE, 10, what="486s")
        assert set(flooder.final_codes()) == {486}
        flood_calls = {e.call_id for e in log.of_kind(IncomingCall)}
        assert len(flood_calls) == PER_SOURCE

        caller = baresip_peers(user="89161234567", display_name="Real client")
        caller.dial(f"sip:{OPERATOR}@{kamailio.domain}")
        real = log.wait_for(
            IncomingCall, lambda e: e.caller.normalized == "+79161234567", timeout=10
        )
        caller.wait_event("CALL_RINGING", timeout=5)
        engine.answer(real.call_id)
        caller.wait_event("CALL_ESTABLISHED", timeout=10)

        # The flood's ringing calls end by themselves, unanswered (missed).
        for call_id in flood_calls:
            ended = log.wait_for(
                CallStateChanged, lambda e, c=call_id: e.call_id == c and _ended(e), timeout=10
            )
            assert ended.talk_s == 0
        wait_until(lambda: len(flooder.final_codes()) == FLOOD, 5, what="480s")
        assert flooder.final_codes().count(480) == PER_SOURCE
        assert engine.active_calls() == [real.call_id]  # the real call is still on the line


@pytest.mark.expect_log("telephony.pjsip", "too many calls")
def test_the_phone_rings_as_many_calls_at_once_as_it_promises(flooder: Flooder) -> None:
    from telephony.sip_stack import MAX_CALLS

    account = AccountConfig(id="desk", user=OPERATOR, domain="127.0.0.1")
    config = EngineConfig(
        udp_port=0,
        null_audio=True,
        accounts=(account,),
        ring_timeout_s=RING_TIMEOUT_S,
        max_ringing_per_source=FLOOD,
    )
    with running_engine(config) as (engine, log):
        for n in range(FLOOD):
            flooder.invite(engine.bound_port, n)
        wait_until(lambda: len(flooder.final_codes()) >= FLOOD - MAX_CALLS, 10, what="486s")
        wait_until(lambda: len(log.of_kind(IncomingCall)) >= MAX_CALLS, 10, what="calls")

        assert len(log.of_kind(IncomingCall)) == MAX_CALLS  # pjsua's maxCalls matches ours
        wait_until(lambda: len(flooder.final_codes()) == FLOOD, 10, what="the ring timeout")
