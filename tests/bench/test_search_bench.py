"""`python -m bench search` runs end to end and prints one JSON object with its figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_search_benchmark_prints_one_json_object() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "search",
            "--clients",
            "2000",
            "--queries",
            "300",
            "--baseline-queries",
            "5",
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
    assert result["benchmark"] == "search"
    assert result["clients"] == 2000
    assert result["search_terms"] > 2000
    kinds = result["sqlite"]["kinds"]
    assert {"name_1_word", "name_2_words", "address", "order"} <= set(kinds)
    # Typed from real names and streets: nearly every word query finds someone.
    assert kinds["name_1_word"]["no_hits"] == 0
    assert result["sqlite"]["baseline"]["old_p50_ms"] > 0
