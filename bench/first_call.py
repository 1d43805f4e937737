"""The first call after start, for `pop_to_screen`: a real workspace process rung once.

A fresh `python -m app --demo` process is started on the benchmark's database; once its log
says the warm-up is done, one `python -m telephony dial` call rings it, and the pop's ``ms``
(INVITE received → caller panel filled, the workspace's own measure) is read from its JSON
log. Done twice: with the page cache as the benchmark left it (warm), and after dropping
the page cache (`sync; echo 3 > /proc/sys/vm/drop_caches`, root only; without permission,
the closest substitute: `posix_fadvise(DONTNEED)` on the database file, the Python
installation and the project, which evicts every page not mapped by another process).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
TARGET_FIRST_CALL_MS = 100.0
START_TIMEOUT_S = 180.0  # a cold start on a big file on a busy box
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def _free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


def resident_bytes(path: Path) -> int | None:
    """How much of ``path`` is in the page cache (util-linux `fincore`), None if unknown."""
    if not shutil.which("fincore") or not path.exists():
        return None
    done = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--output", "RES", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return int(done.stdout.split()[0])
    except (IndexError, ValueError):
        return None


def drop_page_cache(db_path: Path) -> dict[str, Any]:
    """Empty the page cache as far as this process may; says how and what is left of the file."""
    os.sync()  # dirty pages cannot be dropped
    try:
        DROP_CACHES.write_text("3\n")
        how = "sync; echo 3 > /proc/sys/vm/drop_caches"
    except OSError as exc:
        roots = [db_path.parent, Path(sys.prefix), Path(sys.base_prefix), ROOT]
        files = 0
        for root in roots:
            for path in [root] if root.is_file() else root.rglob("*"):
                if path.is_file() and not path.is_symlink():
                    try:
                        fd = os.open(path, os.O_RDONLY)
                    except OSError:
                        continue
                    try:
                        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                        files += 1
                    finally:
                        os.close(fd)
        how = (
            f"drop_caches not permitted ({exc.strerror}); posix_fadvise(DONTNEED) on {files} "
            "files (database, Python, project): pages other processes map stay cached"
        )
    return {"method": how, "db_resident_bytes_after": resident_bytes(db_path)}


def _records(log: Path) -> list[dict[str, Any]]:
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a line being written
    return out


def _wait_for(
    log: Path,
    wanted: Callable[[dict[str, Any]], bool],
    proc: subprocess.Popen[bytes],
    timeout: float,
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in _records(log):
            if wanted(record):
                return record
        if proc.poll() is not None:
            raise RuntimeError(f"the workspace exited with {proc.returncode}; see {log}")
        time.sleep(0.05)
    raise TimeoutError(f"nothing in {log} after {timeout:g} s")


def first_call(db_path: Path, number: str, *, cold: bool) -> dict[str, Any]:
    """Start a workspace process on ``db_path``, ring it once from ``number``, read the pop."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-first-call-"))
    port = _free_port()
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        DISPATCH_DESK_MACHINE_CONFIG=str(scratch / "no-machine-config.toml"),
    )
    out: dict[str, Any] = {"page_cache": drop_page_cache(db_path) if cold else "warm"}
    started = time.monotonic()
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "app", "--demo", "--db", f"sqlite:///{db_path}"),
            *("--data-dir", str(scratch), "--sip-listen", f"127.0.0.1:{port}"),
            *("--lang", "en", "--operator", "bench"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(scratch / "stderr.txt").open("wb"),
    )
    log = scratch / "logs" / "dispatch-desk.log"
    try:
        warm = _wait_for(log, lambda r: r.get("msg") == "Warm-up done", proc, START_TIMEOUT_S)
        out["start_to_warm_s"] = round(time.monotonic() - started, 2)
        out["warm_up"] = warm.get("warm_up")
        subprocess.run(
            [
                *(sys.executable, "-m", "telephony", "dial", f"sip:operator@127.0.0.1:{port}"),
                *("--from", number, "--cancel-after-ring", "1.0", "--timeout", "10"),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        pop = _wait_for(log, lambda r: r.get("event") == "screen_pop", proc, 30)
        out.update({"ms": pop["ms"], "status": pop["status"]})
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    return out


def first_calls(db_path: Path, numbers: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """``first_call_ms`` (warm page cache) and, with ``--cold-cache``, the cold-cache one."""
    warm = first_call(db_path, numbers[0], cold=False)
    result: dict[str, Any] = {"first_call_ms": warm["ms"], "first_call": warm}
    met = warm["ms"] <= TARGET_FIRST_CALL_MS
    if args.cold_cache:
        cold = first_call(db_path, numbers[-1], cold=True)
        result.update({"first_call_cold_cache_ms": cold["ms"], "first_call_cold_cache": cold})
        met = met and cold["ms"] <= TARGET_FIRST_CALL_MS
    result["first_call_target_ms"] = TARGET_FIRST_CALL_MS
    result["first_call_met"] = met
    return result
