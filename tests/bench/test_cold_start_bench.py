"""`python -m bench cold_start` evicts the file, times lookups with and without the pre-warm."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cold_start_benchmark_prints_both_phases() -> None:
    argv = ["--clients", "1500", "--seconds", "1", "--interval-ms", "10"]
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "cold_start", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stdout.strip().splitlines()
    result = json.loads(line)
    assert result["benchmark"] == "cold_start"
    for phase in ("without_prewarm", "with_prewarm"):
        assert result[phase]["first_30_s"]["count"] > 10, phase
    assert result["with_prewarm"]["prewarm"]["relations"] > 5
