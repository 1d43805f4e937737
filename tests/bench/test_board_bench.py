"""`python -m bench board` runs end to end on a tiny database and prints one JSON object."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_board_benchmark_prints_one_json_object(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "bench", "board", "--clients", "500", "--couriers", "10"]
    argv += ["--per-courier", "5", "--opens", "5", "--changes", "3", "--backends", "sqlite"]
    proc = subprocess.run(
        [*argv, "--db-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        # Set inside pytest's process (after PySide6 was imported there) and inherited: in a
        # fresh process it switches PySide6's enum flavour and the change watcher's relay to
        # the GUI thread never fires, so no change would reach the board.
        env={k: v for k, v in os.environ.items() if k != "PYSIDE6_OPTION_PYTHON_ENUM"},
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    figures = json.loads(lines[0])["backends"]["sqlite"]
    assert figures["open"]["columns"] == 10 and figures["open"]["tasks"] == 50
    assert figures["change_to_board"]["count"] == 3 and figures["change_to_board"]["missed"] == 0
    assert {"open_p99_ms", "change_to_board_p99_ms", "max_lag_ms"} <= set(figures)
