"""`python -m bench reports` runs end to end on a tiny database and prints one JSON object."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dispatcher.reports import REPORT_NAMES

ROOT = Path(__file__).resolve().parents[2]


def test_reports_benchmark_prints_one_json_object() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "reports",
            "--clients",
            "1500",
            "--runs",
            "1",
            "--backends",
            "sqlite",
            "--baseline-clients",
            "50",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    result = json.loads(lines[0])
    assert result["benchmark"] == "reports"
    figures = result["backends"]["sqlite"]
    assert set(figures["reports"]) == {"month", "year"}
    for span in ("month", "year"):
        assert set(figures["reports"][span]) == set(REPORT_NAMES)
    # A year of history was seeded: the month has deliveries in it.
    assert figures["reports"]["month"]["delivered"]["rows"] > 0
    assert figures["baseline"]["timed_clients"] == 50
    assert len(figures["index_build_seconds"]) == 3
    # The roll-ups were filled by the seeder, and the window's run was watched for stalls.
    assert figures["report_day_lines_rows"] > 0 and figures["seeded"]["rollup_seconds"] >= 0
    stall = figures["gui_stall"]
    assert stall["ticks"] > 0 and stall["max_lag_ms"] >= 0 and "Cancelled" not in stall["message"]
