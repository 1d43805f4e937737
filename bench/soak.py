"""A long run of real calls through one workspace: memory, threads, descriptors and pop time.

The workspace runs offscreen in this process as in `pop_to_screen` (same machinery); --calls
real SIP calls (one `python -m telephony dial` process each) ring it from known clients'
numbers. Each pop is the lookup and a logged call; every --order-every-th call an order is
taken for the caller through the workspace's database worker (`take_order`, as the order form
sends it). The process's RSS, thread count and open descriptors are sampled after each call.

Targets: RSS growth ≤ 30 MB from call 100 to the end, no growth in threads or descriptors,
pop p99 of the last 100 calls no worse than that of the first 100 (within 20 %, or 5 ms).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench import machine
from bench.pop_to_screen import _numbers, _Probe, ring_all, start_workspace
from bench.service import rss_mb
from bench.stats import summary

TARGETS = {"rss_growth_mb": 30.0, "pop_p99_slack_ms": 5.0, "pop_p99_slack_ratio": 1.2}
WINDOW = 100  # calls at the start and the end that are compared


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m bench soak`."""
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db-dir", help="keep the seeded SQLite file here and reuse it")
    parser.add_argument("--ring-s", type=float, default=0.3, help="caller cancels after ringing")
    parser.add_argument("--pause-s", type=float, default=0.05, help="pause between calls")
    parser.add_argument("--order-every", type=int, default=3, help="take an order every N calls")
    parser.add_argument(
        "--tracemalloc",
        type=int,
        default=0,
        metavar="FRAMES",
        help="trace Python allocations (FRAMES deep) and report what grew after the first"
        " calls (slows the run)",
    )


class _Heap:
    """tracemalloc snapshots after the first window and at the end: what the run kept."""

    def __init__(self, frames: int) -> None:
        self.frames = frames
        self.first: Any = None
        if frames:
            tracemalloc.start(frames)

    def mark(self) -> None:
        """The baseline snapshot (after the first window of calls)."""
        if self.frames and self.first is None:
            self.first = tracemalloc.take_snapshot()

    def report(self, top: int = 15) -> dict[str, Any] | None:
        """The biggest growth by allocation site, before and after a full collection."""
        if not self.frames or self.first is None:
            return None
        ours = [tracemalloc.Filter(False, tracemalloc.__file__)]
        first = self.first.filter_traces(ours)
        grown = tracemalloc.take_snapshot().filter_traces(ours)
        unreachable = gc.collect()  # growth gone after it was garbage waiting, not kept
        collected = tracemalloc.take_snapshot().filter_traces(ours)
        tracemalloc.stop()

        def diff(later: Any) -> list[dict[str, Any]]:
            stats = later.compare_to(first, "traceback")[:top]
            return [
                {
                    "kb": round(s.size_diff / 1024, 1),
                    "count": s.count_diff,
                    "at": [f"{f.filename}:{f.lineno}" for f in s.traceback][-self.frames :],
                }
                for s in stats
            ]

        def total(snap: Any) -> float:
            return round(sum(s.size for s in snap.statistics("filename")) / 2**20, 2)

        return {
            "traced_mb": {"after_window": total(first), "end": total(grown)},
            "traced_mb_after_full_collect": total(collected),
            "unreachable_collected": unreachable,
            "top_growth": diff(grown),
            "top_growth_after_full_collect": diff(collected),
        }


def _threads_and_fds() -> tuple[int, int]:
    threads = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("Threads:"):
            threads = int(line.split()[1])
    return threads, len(os.listdir("/proc/self/fd"))


def _await_warm_up(app: Any, workspace: Any, timeout_s: float = 60.0) -> None:
    """Ring only once the workspace's warm-up is done: a call cancelled after 0.3 s while the
    start-up still held the database worker ended before its lookup answered, and the desk
    (rightly) logs such a call as missed without popping it, which the soak counted as a
    call never painted."""
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout_s
    while workspace.warm_up.report is None and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _native_counts(window: Any) -> dict[str, int]:
    """What Python's heap does not show: Qt objects under the window, top-level widgets, and
    pjsua2 call objects still alive (each holds C++ memory of its own)."""
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    from telephony.calls import EngineCall

    return {
        "qobjects_in_window": len(window.findChildren(QObject)),
        "top_level_widgets": len(QApplication.topLevelWidgets()),
        "engine_calls": sum(isinstance(o, EngineCall) for o in gc.get_objects()),
    }


def _orders(workspace: Any, every: int, taken: list[int], failed: list[str]) -> Any:
    """A slot for `popped`: every N-th found caller gets an order through the worker."""
    from sqlalchemy import select

    from dispatcher.models import Address
    from dispatcher.operations.orders import NewOrder, take_order
    from dispatcher.orders import LineInput, Slot, moscow_today

    seen = [0]
    actor = workspace.session.identity.require()

    def on_popped(pop: Any) -> None:
        seen[0] += 1
        if seen[0] % every or not pop.client_ids:
            return
        client_id = pop.client_ids[0]
        slot = Slot(1, moscow_today())

        def take(s: Any) -> int:
            # The order form defaults to the client's first address.
            address = s.scalar(select(Address.id).where(Address.client_id == client_id).limit(1))
            new = NewOrder(client_id, [LineInput("W19", 1)], address_id=address)
            return take_order(s, new, slot, actor=actor).id

        workspace.worker.submit(
            take,
            taken.append,
            lambda error: failed.append(str(error)),
        )

    return on_popped


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Ring the workspace --calls times and compare the start of the run with its end."""

    from bench.lookup import _sqlite

    seed_args = argparse.Namespace(clients=args.clients, seed=args.seed, db_dir=args.db_dir)
    scratch = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    samples: list[tuple[int, float, int, int]] = []  # (painted calls, RSS MB, threads, fds)
    taken: list[int] = []
    failed: list[str] = []
    started = time.monotonic()
    heap = _Heap(args.tracemalloc)
    native: list[dict[str, int]] = []  # after the first window, at the end
    try:
        with _sqlite(seed_args) as (engine, _seeded):
            numbers = _numbers(engine, args.calls, args.seed)
            db_url = str(engine.url)
            engine.dispose()
            app, workspace, window = start_workspace(db_url, scratch)
            _await_warm_up(app, workspace)
            probe = _Probe(window, workspace.intake, workspace.bridge)
            workspace.intake.popped.connect(_orders(workspace, args.order_every, taken, failed))

            def sample() -> None:
                if not samples or samples[-1][0] != len(probe.painted_ns):
                    samples.append(
                        (len(probe.painted_ns), rss_mb(os.getpid()), *_threads_and_fds())
                    )
                    if len(probe.painted_ns) >= min(WINDOW, args.calls // 2) and not native:
                        heap.mark()
                        native.append(_native_counts(window))

            sent = ring_all(app, workspace, numbers, args, sample)
            sample()
            heap_growth = heap.report()
            native.append(_native_counts(window))
            probe.stop()
            workspace.stop()
            window.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    matched = sorted(s for s in sent if s in probe.painted_ns)
    pops = [(probe.painted_ns[s] - sent[s]) / 1e6 for s in matched]
    window_n = min(WINDOW, max(1, len(pops) // 2))
    first, last = summary(pops[:window_n], 2), summary(pops[-window_n:], 2)
    after = [x for x in samples if x[0] >= window_n] or samples[-1:]
    base, end = after[0], samples[-1]
    result: dict[str, Any] = {
        "benchmark": "soak",
        "machine": machine.describe(),
        "clients": args.clients,
        "calls": args.calls,
        "sent": len(sent),
        "painted": len(matched),
        "orders_taken": len(taken),
        "order_errors": failed[:5],
        "minutes": round((time.monotonic() - started) / 60, 1),
        "window": window_n,
        "pop_first": first,
        "pop_last": last,
        "rss_mb": {"start": samples[0][1], "after_window": base[1], "end": end[1]},
        "rss_growth_mb": round(end[1] - base[1], 1),
        "threads": {"after_window": base[2], "end": end[2], "max": max(x[2] for x in samples)},
        "fds": {"after_window": base[3], "end": end[3], "max": max(x[3] for x in samples)},
        "targets": TARGETS,
    }
    slack = max(TARGETS["pop_p99_slack_ms"], first["p99_ms"] * (TARGETS["pop_p99_slack_ratio"] - 1))
    result["met"] = {
        "rss_growth_mb": result["rss_growth_mb"] <= TARGETS["rss_growth_mb"],
        "threads": end[2] <= base[2],
        "fds": end[3] <= base[3],
        "pop_p99_unchanged": last["p99_ms"] <= first["p99_ms"] + slack,
        "all_painted": len(matched) == args.calls,
    }
    # A call that did not paint: did the INVITE go out, did the pop come, what it said (a
    # call that ended before its lookup answered is logged as missed, never popped).
    result["unpainted"] = [
        {
            "call": seq,
            "invite_sent": seq in sent,
            "popped": seq in probe.popped_ns,
            "status": probe.status.get(seq),
        }
        for seq in range(1, args.calls + 1)
        if seq not in probe.painted_ns
    ][:10]
    result["native"] = dict(zip(("after_window", "end"), native, strict=False))
    if heap_growth is not None:
        result["tracemalloc"] = heap_growth
    return result
