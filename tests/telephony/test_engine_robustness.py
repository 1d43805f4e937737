"""The engine under hostile or careless use: garbage, floods, busy ports, slow listeners, exit."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.telephony.conftest import EventLog, require_pjsua2
from tests.telephony.peers import ROOT, Peers

require_pjsua2()

from telephony.config import EngineConfig  # noqa: E402
from telephony.engine import SipEngine, TelephonyError  # noqa: E402
from telephony.events import CallState, CallStateChanged, IncomingCall  # noqa: E402
from tests.helpers.wait import wait_until  # noqa: E402


@pytest.fixture
def fresh_engine() -> Iterator[tuple[SipEngine, EventLog]]:
    """An engine of its own for one test (tests here also start engines of their own)."""
    log = EventLog()
    # Every hostile INVITE here comes from one socket: let as many ring as the phone can.
    config = EngineConfig(udp_port=0, null_audio=True, max_ringing_per_source=4)
    engine = SipEngine(config, log)
    engine.start()
    yield engine, log
    engine.stop()


def _invite(port: int, call_id: str, branch: str, extra: str = "", body: str = "") -> str:
    return (
        f"INVITE sip:operator@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK{branch}\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:89161234567@127.0.0.1>;tag={branch}\r\n"
        f"To: <sip:operator@127.0.0.1:{port}>\r\n"
        f"Call-ID: {call_id}\r\n"
        "CSeq: 1 INVITE\r\n"
        "Contact: <sip:89161234567@127.0.0.1:9>\r\n"
        f"{extra}"
        f"Content-Length: {len(body.encode())}\r\n\r\n{body}"
    )


def _cancel(port: int, call_id: str, branch: str) -> str:
    return (
        f"CANCEL sip:operator@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK{branch}\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:89161234567@127.0.0.1>;tag={branch}\r\n"
        f"To: <sip:operator@127.0.0.1:{port}>\r\n"
        f"Call-ID: {call_id}\r\n"
        "CSeq: 1 CANCEL\r\n"
        "Content-Length: 0\r\n\r\n"
    )


SDP = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 9 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
)


def _garbage(port: int) -> list[bytes]:
    rng = random.Random(20240607)
    valid = _invite(port, "garbage-1", "g1").encode()
    return [
        valid[:97],  # truncated INVITE
        valid[: len(valid) // 2],
        rng.randbytes(1400),  # random binary
        b"\x00" * 512,
        bytes(range(256)) * 4,
        b"",
        b"\r\n\r\n",  # a keep-alive
        _invite(port, "garbage-2", "g2", extra="X-Huge: " + "a" * 60_000 + "\r\n").encode(),
        _invite(port, "garbage-3", "g3")
        .encode()
        .replace(b"Content-Length: 0", b"Content-Length: 5000"),
        _invite(port, "garbage-4", "g4")
        .encode()
        .replace(b"Content-Length: 0", b"Content-Length: -7"),
        _invite(port, "garbage-5", "g5")
        .encode()
        .replace(b"Content-Length: 0", b"Content-Length: abc"),
        b"HELLO WORLD\r\n\r\n",  # garbage start line
        b"INVITE\r\n\r\n",
        b"SIP/2.0 999999 Whatever\r\nVia: nonsense\r\n\r\n",
        b"INVITE sip:x SIP/9.9\r\n" + b"Via: \xff\xfe\r\n" * 50 + b"\r\n",
        _invite(port, "garbage-6", "g6").encode().replace(b"From: <sip:", b"From: <<<sip:::"),
        # Well-formed SIP, but a display name that is not UTF-8 and a PAI of pure garbage.
        _invite(
            port,
            "garbage-7",
            "g7",
            extra="P-Asserted-Identity: \x01\x02<<>>;;;\r\n",
        )
        .encode()
        .replace(b"From: <sip:", b'From: "\xff\xfe\xc3\x28" <sip:'),
    ]


@pytest.mark.expect_log("telephony.pjsip", "Error parsing")
def test_garbage_datagrams_neither_crash_nor_wedge_the_engine(
    fresh_engine: tuple[SipEngine, EventLog], peers: Peers
) -> None:
    engine, log = fresh_engine
    port = engine.bound_port
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        for datagram in _garbage(port):
            udp.sendto(datagram, ("127.0.0.1", port))
    assert engine.tcp_port is not None
    for chunk in (random.Random(3).randbytes(3000), b"INVITE sip:x SIP/2.0\r\nContent-Length: 9"):
        with socket.create_connection(("127.0.0.1", engine.tcp_port), timeout=5) as tcp:
            tcp.sendall(chunk)
    # pjsip takes three of them as calls (60 KB header, Content-Length past the end, and the
    # undecodable display name); the broken PAI and the non-UTF-8 name must not hurt.
    odd = log.wait_for(
        lambda e: isinstance(e, IncomingCall) and e.headers.get("call-id") == ["garbage-7"],
        what="the INVITE with a non-UTF-8 display name",
    )
    assert odd.caller.number == "89161234567"
    assert odd.caller.source == "from"
    time.sleep(0.3)
    for call_id in engine.active_calls():
        engine.hangup(call_id)
    _wait_idle(engine)
    log.clear()

    caller = peers.dial(f"sip:operator@127.0.0.1:{port}", "89161234567")

    call = log.wait_for(lambda e: isinstance(e, IncomingCall), what="a real call")
    assert call.caller.normalized == "+79161234567"
    caller.wait_state("early")
    engine.reject(call.call_id)
    caller.wait_state("ended")
    _wait_idle(engine)


def test_invite_cancel_flood_leaves_the_engine_working(
    fresh_engine: tuple[SipEngine, EventLog], peers: Peers
) -> None:
    engine, log = fresh_engine
    port = engine.bound_port
    flood = 120
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        udp.bind(("127.0.0.1", 0))
        for n in range(flood):
            call_id, branch = f"flood-{n}", f"f{n}x"
            udp.sendto(_invite(port, call_id, branch, body=SDP).encode(), ("127.0.0.1", port))
            udp.sendto(_cancel(port, call_id, branch).encode(), ("127.0.0.1", port))

    # Each INVITE became a call that its CANCEL ended, or was refused (486) while too many
    # were up, or was dropped by the kernel with the socket buffer full; none may kill the
    # engine. Calls whose CANCEL was dropped keep ringing, as real unanswered calls would.
    _wait_quiet(log)
    assert log.of_type(IncomingCall), "the flood reached the engine"
    for call_id in engine.active_calls():
        engine.hangup(call_id)
    _wait_idle(engine)

    log.clear()
    caller = peers.dial(f"sip:operator@127.0.0.1:{port}", "89161234567")
    call = log.wait_for(lambda e: isinstance(e, IncomingCall), timeout=15, what="a real call")
    engine.reject(call.call_id)
    caller.wait_state("ended")
    _wait_idle(engine)


def _wait_quiet(log: EventLog, quiet_s: float = 1.0, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    seen = -1
    while time.monotonic() < deadline and seen != log.mark():
        seen = log.mark()
        time.sleep(quiet_s)


def _wait_idle(engine: SipEngine) -> None:
    wait_until(lambda: engine.active_calls() == [], 10, what="no active calls")


@pytest.mark.expect_log("telephony.pjsip", "Address already in use")
def test_start_on_a_port_in_use_raises_a_clear_error() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        engine = SipEngine(EngineConfig(udp_port=port, null_audio=True), EventLog())
        with pytest.raises(TelephonyError) as error:
            engine.start()
    message = str(error.value)
    assert f"127.0.0.1:{port}/udp is already in use" in message
    assert "Traceback" not in message
    engine.stop()  # harmless after a failed start

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken_tcp:
        taken_tcp.bind(("127.0.0.1", 0))
        taken_tcp.listen()
        tcp_port = taken_tcp.getsockname()[1]
        engine = SipEngine(EngineConfig(udp_port=0, tcp_port=tcp_port, null_audio=True), EventLog())
        with pytest.raises(TelephonyError, match=f"{tcp_port}/tcp is already in use"):
            engine.start()

    # The failed starts left nothing behind: an engine starts normally afterwards.
    engine = SipEngine(EngineConfig(udp_port=0, null_audio=True), EventLog())
    engine.start()
    assert engine.bound_port > 0
    engine.stop()


def test_one_engine_per_process_and_commands_after_stop(
    fresh_engine: tuple[SipEngine, EventLog],
) -> None:
    engine, _log = fresh_engine
    second = SipEngine(EngineConfig(udp_port=0, null_audio=True), EventLog())
    with pytest.raises(TelephonyError, match="Another SIP engine is already running"):
        second.start()

    engine.stop()
    engine.stop()
    with pytest.raises(TelephonyError, match="not running"):
        engine.answer(1)
    with pytest.raises(TelephonyError, match="not running"):
        engine.active_calls()


class _StallingListener:
    """A listener that blocks on its first event until released, and raises on every event."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.seen: list[Any] = []

    def on_event(self, event: Any) -> None:
        self.release.wait(15)
        self.seen.append(event)
        raise RuntimeError("listener bug")


@pytest.mark.expect_log("telephony.sip_thread", "listener bug")
def test_a_stuck_or_failing_listener_does_not_stall_pjsip(peers: Peers) -> None:
    listener = _StallingListener()
    engine = SipEngine(EngineConfig(udp_port=0, null_audio=True), listener)
    engine.start()
    try:
        caller = peers.dial(f"sip:operator@127.0.0.1:{engine.bound_port}", "89161234567")
        # The listener has not returned from its first event, yet the caller hears ringing.
        caller.wait_state("early")
        assert listener.seen == []
        listener.release.set()
        wait_until(lambda: listener.seen, 10, what="the first event")
        incoming = listener.seen[0]
        assert isinstance(incoming, IncomingCall)
        engine.reject(incoming.call_id)
        caller.wait_state("ended")
        wait_until(
            lambda: any(
                isinstance(e, CallStateChanged) and e.state is CallState.ENDED
                for e in listener.seen
            ),
            10,
            what="the call's end",
        )
        assert any(isinstance(e, CallStateChanged) for e in listener.seen)
    finally:
        engine.stop()


STOP_SCRIPT = textwrap.dedent(
    """
    import queue, sys
    from telephony.config import EngineConfig
    from telephony.engine import SipEngine, TelephonyError
    from telephony.events import CallState, CallStateChanged, IncomingCall

    events = queue.SimpleQueue()

    class Listener:
        def on_event(self, event):
            events.put(event)

    engine = SipEngine(EngineConfig(udp_port=0, null_audio=True), Listener())
    engine.start()
    print("PORT", engine.bound_port, flush=True)
    while True:
        event = events.get(timeout=20)
        if isinstance(event, IncomingCall):
            engine.answer(event.call_id)
        if isinstance(event, CallStateChanged) and event.state is CallState.ANSWERED:
            break
    print("answered", flush=True)
    engine.stop()
    engine.stop()
    try:
        engine.hangup(event.call_id)
    except TelephonyError as exc:
        print("after stop:", exc, flush=True)
    print("stopped", flush=True)
    """
)


def test_stop_with_a_call_up_exits_the_process_cleanly(peers: Peers) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", STOP_SCRIPT],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = ""
        while not line.startswith("PORT "):  # skip anything else a library might print
            line = process.stdout.readline()
            assert line, "the engine script ended early"
        port = int(line.split()[1])
        caller = peers.dial(f"sip:operator@127.0.0.1:{port}", "89161234567")
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "answered" in stdout
    assert "after stop: The SIP engine is not running." in stdout
    assert "stopped" in stdout
    assert "Assertion" not in stderr
    assert "Traceback" not in stderr
    caller.wait_state("ended")  # stop() hung the call up properly (BYE)
    assert caller.wait_exit() == 0


def test_process_exits_cleanly_even_without_stop() -> None:
    script = (
        "from telephony.config import EngineConfig\n"
        "from telephony.engine import SipEngine\n"
        "class Listener:\n"
        "    def on_event(self, event): pass\n"
        "SipEngine(EngineConfig(udp_port=0, null_audio=True), Listener()).start()\n"
        "print('leaving without stop()', flush=True)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 0, result.stderr
    assert "leaving without stop()" in result.stdout
    assert "Assertion" not in result.stderr
    assert "Traceback" not in result.stderr
