"""Latency summaries shared by the benchmarks: nearest-rank percentiles in milliseconds."""

from __future__ import annotations

import math


def percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values (NaN when there are none)."""
    if not ordered:
        return math.nan
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def summary(values: list[float], digits: int = 3) -> dict[str, float]:
    """p50/p90/p99/max of ``values`` (ms) under the keys the results use."""
    ordered = sorted(values)
    return {
        "p50_ms": round(percentile(ordered, 50), digits),
        "p90_ms": round(percentile(ordered, 90), digits),
        "p99_ms": round(percentile(ordered, 99), digits),
        "max_ms": round(ordered[-1], digits) if ordered else math.nan,
    }
