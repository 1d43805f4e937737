"""The demo's test calls: the dialer's command line for answered and ring-only calls."""

from __future__ import annotations

import sys

from app.demo import DEMO_HANGUP_AFTER_S, RING_ONLY_S, DemoCaller


def test_a_demo_call_dials_the_workspace_and_hangs_up_after_the_answer() -> None:
    command = DemoCaller(5062).command("+79161234567")
    assert command[:4] == [sys.executable, "-m", "telephony", "dial"]
    assert command[4] == "sip:operator@127.0.0.1:5062"
    assert command[5:] == ["--from", "+79161234567", "--hangup-after", str(DEMO_HANGUP_AFTER_S)]


def test_a_ring_only_call_is_cancelled_after_ringing() -> None:
    command = DemoCaller(5070).command("+74959990011", ring_only=True)
    assert command[-2:] == ["--cancel-after-ring", str(RING_ONLY_S)]
    assert "--hangup-after" not in command
