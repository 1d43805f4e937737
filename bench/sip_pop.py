"""Benchmark ``sip_pop``: from the INVITE leaving a caller process to IncomingCall in the listener.

The engine under test runs in this process with a listener that stamps ``time.time_ns()``
when ``on_event`` receives the IncomingCall (on the engine's dispatch thread, i.e. after the
SIP thread parsed the INVITE, identified the caller and queued the event).

The caller is a second process, ``python -m telephony dial --count N``, another pjsua2 UA.
Its send time is ``time.time_ns()`` taken in the caller's onCallState when pjsip reports the
CALLING state - pjsip enters it right after handing the INVITE to the UDP transport, so the
INVITE has just left the process (``invite_sent`` lines, ``sent_ns``). Both clocks are the same
machine's wall clock. Calls are matched by the ``X-Dial-Seq`` header the caller adds.

Calls are placed one after another (each is cancelled as soon as it rings) with a short pause,
an operator's call rate many times over, but below the engine's burst guard (see
``telephony.sip_stack.CALL_SOCKET_BUDGET``), which would otherwise pause polling on purpose.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.stats import percentile, summary

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
TARGET_P99_MS = 20


class _Stamps:
    """Listener of the engine under test: when each IncomingCall reached it, by caller seq."""

    def __init__(self) -> None:
        self.received: dict[int, int] = {}
        self.callback_ns: dict[int, int] = {}
        self.lock = threading.Lock()

    def on_event(self, event: Any) -> None:
        now = time.time_ns()
        from telephony.events import IncomingCall

        if not isinstance(event, IncomingCall):
            return
        try:
            seq = int(event.headers.get("x-dial-seq", ["0"])[0])
        except ValueError:
            return
        with self.lock:
            self.received[seq] = now
            self.callback_ns[seq] = event.received_ns


def run(argv: list[str]) -> dict[str, object]:
    """Run the benchmark; returns the JSON-ready result (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m bench sip_pop")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.04, help="pause between calls (s)")
    parser.add_argument("--target-p99-ms", type=float, default=TARGET_P99_MS)
    args = parser.parse_args(argv)

    from telephony.config import EngineConfig
    from telephony.engine import SipEngine

    stamps = _Stamps()
    engine = SipEngine(EngineConfig(udp_port=0, null_audio=True), stamps)
    engine.start()
    sent: dict[int, int] = {}
    try:
        caller = subprocess.run(
            [
                sys.executable,
                "-m",
                "telephony",
                "dial",
                f"sip:operator@127.0.0.1:{engine.bound_port}",
                "--from",
                "89161234567",
                "--count",
                str(args.calls),
                "--cancel-after-ring",
                "0",
                "--interval",
                str(args.interval),
                "--timeout",
                "10",
            ],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            capture_output=True,
            text=True,
            timeout=60 + args.calls * (args.interval + 0.5),
        )
        for line in caller.stdout.splitlines():
            data = json.loads(line)
            if data.get("event") == "invite_sent" and data.get("sent_ns"):
                sent[int(data["seq"])] = int(data["sent_ns"])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(stamps.received) < len(sent):
            time.sleep(0.05)
    finally:
        engine.stop()

    with stamps.lock:
        matched = sorted(seq for seq in sent if seq in stamps.received)
        pop_ms = [(stamps.received[seq] - sent[seq]) / 1e6 for seq in matched]
        wire_ms = [(stamps.callback_ns[seq] - sent[seq]) / 1e6 for seq in matched]
    result: dict[str, object] = {
        "benchmark": "sip_pop",
        "calls": args.calls,
        "received": len(matched),
        **summary(pop_ms),
        "target_p99_ms": args.target_p99_ms,
        "met": bool(pop_ms)
        and len(matched) == args.calls
        and percentile(sorted(pop_ms), 99) <= args.target_p99_ms,
        "invite_to_callback": summary(wire_ms),
        "interval_s": args.interval,
        "caller_exit": caller.returncode,
        "sent_at": "caller onCallState(CALLING): INVITE handed to the UDP transport",
        "received_at": "listener.on_event(IncomingCall) on the engine's dispatch thread",
    }
    if caller.returncode != 0:
        result["caller_stderr"] = caller.stderr.strip().splitlines()[-3:]
    return result


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1:]), ensure_ascii=False))
