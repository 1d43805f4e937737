"""`python -m bench lookup` runs end to end and prints one JSON object with its figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_lookup_benchmark_prints_one_json_object() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "lookup",
            "--clients",
            "2000",
            "--queries",
            "200",
            "--unknown",
            "20",
            "--backends",
            "sqlite",
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
    assert result["benchmark"] == "lookup"
    assert result["clients"] == 2000
    assert result["phones"] > 2000
    assert {"nproc", "cpu_model", "python", "sqlite"} <= set(result["machine"])
    assert result["targets"] == {"sqlite_p99_ms": 1.0}
    sqlite = result["backends"]["sqlite"]
    for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms"):
        assert isinstance(sqlite[key], float) and sqlite[key] > 0, key
    assert sqlite["p50_ms"] <= sqlite["p90_ms"] <= sqlite["p99_ms"] <= sqlite["max_ms"]
    assert sqlite["count"] == 220
    assert (sqlite["found"], sqlite["unknown"]) == (200, 20)
    assert sqlite["seed_seconds"] > 0 and sqlite["reused"] is False
    assert 50 <= sqlite["baseline"]["count"] <= 200
    assert sqlite["baseline"]["p50_ms"] > 0 and sqlite["baseline"]["ratio"] > 0
    assert result["met"] == {"sqlite": sqlite["p99_ms"] <= 1.0}


def test_unknown_benchmark_is_a_usage_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "no-such-benchmark"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "lookup" in proc.stderr


def test_pop_to_screen_times_real_calls_into_the_workspace() -> None:
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "pop_to_screen", "--clients", "500", "--calls", "3"),
            "--no-cold-cache",  # dropping the page cache would slow everything else running
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert result["benchmark"] == "pop_to_screen"
    assert (result["sent"], result["painted"], result["found_client"]) == (3, 3, 3)
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert result["event_loop_lag"]["ticks"] > 0
    assert result["targets"] == {"p99_ms": 100.0, "max_lag_ms": 50.0}
    # The first call into a freshly started workspace process, read from its own log.
    assert result["first_call"]["status"] == "found" and result["first_call_ms"] > 0
    assert result["first_call"]["warm_up"]["lookups"] == 4
    assert "first_call_cold_cache_ms" not in result
