"""``python -m telephony``: a headless SIP phone for admins, tests and the demo.

``listen`` waits for calls and prints one JSON line per event; ``dial`` places real calls.
stdout carries only JSON lines: pjsip's own console output is moved to stderr.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import os
import queue
import re
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from telephony.config import (
    DEFAULT_RING_TIMEOUT_S,
    AccountConfig,
    EngineConfig,
    load_accounts,
)
from telephony.errors import TelephonyError
from telephony.events import CallState, CallStateChanged, Event, event_to_dict

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 2
SEQ_HEADER = "X-Dial-Seq"
DTMF_TRY_S = 2.0


class JsonLines:
    """Writes one JSON object per line to the real stdout, flushed, from any thread."""

    def __init__(self, stream: IO[str]) -> None:
        """Write to ``stream``."""
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, data: dict[str, Any]) -> None:
        """Print ``data`` as one line."""
        line = json.dumps(data, ensure_ascii=False, default=str)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()


class PrintingListener:
    """An EngineListener that prints every event and queues it for the main thread."""

    def __init__(self, out: JsonLines) -> None:
        """Print to ``out``."""
        self.out = out
        self.events: queue.SimpleQueue[Event] = queue.SimpleQueue()

    def on_event(self, event: Event) -> None:
        """Print the event as JSON and hand it to the main thread."""
        self.out.write(event_to_dict(event))
        self.events.put(event)


def _claim_stdout() -> JsonLines:
    # pjsip prints its start-up lines with printf before any log setting applies: point
    # fd 1 at stderr and keep a private duplicate of the real stdout for the JSON lines.
    sys.stdout.flush()
    real = os.dup(1)
    os.dup2(2, 1)
    stream = os.fdopen(real, "w", encoding="utf-8", buffering=1)
    return JsonLines(stream)


def _default_crash_log() -> Path:
    try:
        from platformdirs import user_log_dir

        return Path(user_log_dir("dispatch-desk", appauthor=False)) / "telephony-crash.log"
    except Exception:
        return Path.home() / ".dispatch-desk-telephony-crash.log"


def _install_crash_log(path: str | None) -> IO[str] | None:
    target = Path(path) if path else _default_crash_log()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        stream = target.open("a", encoding="utf-8")
    except OSError:
        faulthandler.enable(all_threads=True)  # stderr is better than nothing
        return None
    faulthandler.enable(file=stream, all_threads=True)
    return stream


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _fail(message: str) -> int:
    print(f"telephony: {message}", file=sys.stderr, flush=True)
    return EXIT_FAILED


# --- listen --------------------------------------------------------------------------------


def _listen(args: argparse.Namespace, out: JsonLines) -> int:
    from telephony.engine import SipEngine

    accounts = load_accounts(args.account) if args.account else (AccountConfig(user=args.user),)
    config = EngineConfig(
        listen_host=args.host,
        udp_port=args.port,
        null_audio=args.null_audio,
        accounts=accounts,
        auto_answer=args.auto_answer,
        sip_trace_path=args.trace,
        log_level=args.log_level,
        trusted_hosts=tuple(args.trusted),
        ring_timeout_s=args.ring_timeout,
    )
    stop = threading.Event()
    _stop_on_signals(stop)
    listener = PrintingListener(out)
    engine = SipEngine(config, listener)
    engine.start()
    try:
        out.write({"event": "ready", "port": engine.bound_port, "tcp_port": engine.tcp_port})
        while not stop.wait(0.2):
            pass
    finally:
        engine.stop()
    return EXIT_OK


# --- dial ----------------------------------------------------------------------------------


@dataclass
class _CallProgress:
    """What happened to one dialled call (and the calls it was transferred into)."""

    live: set[int] = field(default_factory=set)
    rang: bool = False
    answered: bool = False
    last_code: int = 0
    last_reason: str = ""
    hangup_at: dict[int, float] = field(default_factory=dict)
    dtmf_pending: dict[int, tuple[str, float]] = field(default_factory=dict)  # digits, until
    timed_out: bool = False


def _parse_headers(values: Sequence[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for value in values:
        name, colon, rest = value.partition(":")
        if not colon or not name.strip():
            raise TelephonyError(f"--header {value!r} must look like 'Name: value'.")
        headers[name.strip()] = rest.strip()
    return headers


_WRITTEN_NUMBER = re.compile(r"\+?[\d\s().\-]+")


def sip_user(number: str) -> str:
    """The SIP user part for --from: a number as people write it loses its spaces and dashes."""
    number = number.strip()
    if _WRITTEN_NUMBER.fullmatch(number):
        return re.sub(r"[^\d+]", "", number)
    return number


def _dial(args: argparse.Namespace, out: JsonLines) -> int:
    from telephony.engine import SipEngine

    headers = _parse_headers(args.header)
    account = AccountConfig(
        id="dial",
        user=sip_user(args.from_number),
        domain=args.host,
        display_name=args.display or "",
    )
    config = EngineConfig(
        listen_host=args.host,
        udp_port=args.port,
        tcp_port=0,
        null_audio=args.null_audio,
        accounts=(account,),
        sip_trace_path=args.trace,
        log_level=args.log_level,
    )
    stop = threading.Event()
    _stop_on_signals(stop)
    listener = PrintingListener(out)
    engine = SipEngine(config, listener)
    engine.start()
    failures: list[str] = []
    try:
        for seq in range(1, args.count + 1):
            if stop.is_set():
                break
            call_headers = dict(headers)
            if args.count > 1:
                call_headers[SEQ_HEADER] = str(seq)
            failure = _one_call(engine, listener, args, call_headers, seq, stop, out)
            if failure:
                failures.append(failure)
            if args.interval and seq < args.count:
                stop.wait(args.interval)
    finally:
        engine.stop()
    if len(failures) == 1:
        return _fail(failures[0])
    if failures:
        return _fail(f"{len(failures)} of {args.count} calls failed; the first: {failures[0]}")
    return EXIT_OK


def _one_call(
    engine: Any,
    listener: PrintingListener,
    args: argparse.Namespace,
    headers: dict[str, str],
    seq: int,
    stop: threading.Event,
    out: JsonLines,
) -> str | None:
    """Place one call and follow it to its end; a failure message, or None if it rang."""
    call_id = engine.dial(args.uri, headers=headers)
    times = engine.call_times(call_id)
    out.write(
        {"event": "invite_sent", "call_id": call_id, "seq": seq, "sent_ns": times.invite_sent_ns}
    )
    progress = _CallProgress(live={call_id})
    give_up_at = time.monotonic() + args.timeout
    hung_up_all = False
    while progress.live:
        now = time.monotonic()
        if not hung_up_all and (stop.is_set() or now >= give_up_at):
            hung_up_all = True
            progress.timed_out = not stop.is_set()
            _hang_up_all(engine, progress)
            give_up_at = now + 5.0  # the hang-ups get their own time to complete
        elif hung_up_all and now >= give_up_at:
            break
        for live_id, when in list(progress.hangup_at.items()):
            if now >= when:
                del progress.hangup_at[live_id]
                _hang_up(engine, live_id)
        _send_pending_dtmf(engine, progress)
        try:
            event = listener.events.get(timeout=0.02)
        except queue.Empty:
            continue
        if isinstance(event, CallStateChanged):
            _track(event, progress, args, call_id)
    if progress.rang or progress.answered:
        return None
    if progress.last_code and not progress.timed_out:
        return f"call to {args.uri} failed: {progress.last_code} {progress.last_reason}".rstrip()
    return (
        f"call to {args.uri} failed: no SIP response within {args.timeout:g} s "
        "(is a SIP phone listening there?)"
    )


def _track(
    event: CallStateChanged, progress: _CallProgress, args: argparse.Namespace, first_id: int
) -> None:
    now = time.monotonic()
    if event.call_id not in progress.live and event.state is not CallState.ENDED:
        # A REFER from the far end made pjsua place a new call: follow it too.
        progress.live.add(event.call_id)
    if event.state is CallState.EARLY:
        progress.rang = True
        if args.cancel_after_ring is not None and not progress.answered:
            progress.hangup_at.setdefault(event.call_id, now + args.cancel_after_ring)
    elif event.state is CallState.ANSWERED:
        progress.answered = True
        progress.hangup_at.pop(event.call_id, None)
        if args.hangup_after is not None:
            progress.hangup_at.setdefault(event.call_id, now + args.hangup_after)
        if args.dtmf and event.call_id == first_id:
            progress.dtmf_pending.setdefault(event.call_id, (args.dtmf, now + DTMF_TRY_S))
    elif event.state is CallState.ENDED:
        progress.live.discard(event.call_id)
        progress.hangup_at.pop(event.call_id, None)
        progress.dtmf_pending.pop(event.call_id, None)
        progress.last_code = event.code
        progress.last_reason = event.reason


def _send_pending_dtmf(engine: Any, progress: _CallProgress) -> None:
    # Right after the answer the media stream may not be up yet: retry for a moment.
    for call_id, (digits, until) in list(progress.dtmf_pending.items()):
        try:
            engine.send_dtmf(call_id, digits)
        except TelephonyError as exc:
            if time.monotonic() < until:
                continue
            print(f"telephony: DTMF not sent: {exc}", file=sys.stderr, flush=True)
        del progress.dtmf_pending[call_id]


def _hang_up(engine: Any, call_id: int) -> None:
    try:
        engine.hangup(call_id)
    except TelephonyError as exc:
        logger.debug("Hangup of call %d: %s", call_id, exc)


def _hang_up_all(engine: Any, progress: _CallProgress) -> None:
    for call_id in list(progress.live):
        _hang_up(engine, call_id)


# --- main ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m telephony``."""
    parser = argparse.ArgumentParser(
        prog="python -m telephony", description="Headless SIP phone: JSON lines on stdout."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1", help="address to listen on")
        p.add_argument(
            "--null-audio",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="use no sound device (default on)",
        )
        p.add_argument("--trace", metavar="FILE", help="write SIP messages to a rotating log")
        p.add_argument("--log-level", type=int, default=1, help="pjsip log level (0-6)")
        p.add_argument("--crash-log", metavar="FILE", help="where a native crash is dumped")

    listen = sub.add_parser("listen", help="wait for calls, print events")
    listen.add_argument("--port", type=int, default=5060, help="SIP port (0 = any free port)")
    listen.add_argument("--auto-answer", action="store_true", help="answer calls at once")
    listen.add_argument("--account", metavar="CONFIG.toml", help="SIP account(s) to register")
    listen.add_argument("--user", default="operator", help="user of the local account")
    listen.add_argument(
        "--trusted",
        action="append",
        default=[],
        metavar="HOST",
        help="a host, HOST:PORT or network that may ring the line and assert caller ids",
    )
    listen.add_argument(
        "--ring-timeout",
        type=float,
        default=DEFAULT_RING_TIMEOUT_S,
        metavar="S",
        help="end an unanswered call after S seconds (default 120)",
    )
    common(listen)

    dial = sub.add_parser("dial", help="place a call, print events")
    dial.add_argument("uri", metavar="URI", help="sip:user@host:port")
    dial.add_argument("--from", dest="from_number", required=True, metavar="NUMBER")
    dial.add_argument("--display", metavar="NAME", help="display name in From")
    dial.add_argument(
        "--hangup-after", type=float, metavar="S", help="hang up S seconds after the answer"
    )
    dial.add_argument(
        "--cancel-after-ring", type=float, metavar="S", help="cancel S seconds after ringing"
    )
    dial.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="give up on a call after S seconds (default 30)",
    )
    dial.add_argument("--port", type=int, default=0, help="local SIP port (default any)")
    dial.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'Name: value'",
        help="extra header on the INVITE (repeatable)",
    )
    dial.add_argument("--dtmf", metavar="DIGITS", help="send these DTMF digits after answer")
    dial.add_argument("--count", type=int, default=1, help="place N calls one after another")
    dial.add_argument(
        "--interval", type=float, default=0.0, metavar="S", help="pause between calls of --count"
    )
    common(dial)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    crash_log = _install_crash_log(args.crash_log)
    out = _claim_stdout()
    try:
        if args.command == "listen":
            return _listen(args, out)
        return _dial(args, out)
    except TelephonyError as exc:
        return _fail(str(exc))
    finally:
        if crash_log is not None:
            faulthandler.disable()
            crash_log.close()
