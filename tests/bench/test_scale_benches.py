"""The scale benchmarks (`desks`, `service`, `soak`) are wired into `python -m bench`.

Their real runs need a PostgreSQL cluster, the sync service or SIP calls for minutes: they
live in bench/ and `make bench`; these checks keep their options and helpers working.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import names
from bench.service import rss_mb

ROOT = Path(__file__).resolve().parents[2]


def test_the_scale_benchmarks_are_listed() -> None:
    assert {"desks", "service", "soak", "portal"} <= set(names())


@pytest.mark.parametrize(
    ("name", "option"),
    [("desks", "--minutes"), ("service", "--polls"), ("soak", "--calls"), ("portal", "--clients")],
)
def test_each_scale_benchmark_explains_its_options(name: str, option: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bench", name, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert option in proc.stdout


def test_memory_is_read_for_a_live_process_and_zero_for_a_gone_one() -> None:
    assert rss_mb(os.getpid()) > 10
    assert rss_mb(2**22 + 12345) == 0.0
