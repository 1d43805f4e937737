"""The expected figures of each report, from the generated world alone (no database)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from tests.dispatcher.reports.worlds import (
    CLIENT_KINDS,
    END,
    LOST_FIRST,
    LOST_LAST,
    MOMENTS,
    OPERATORS,
    PRICE,
    PRODUCTS,
    Catalogue,
    OrderSpec,
    WorldSpec,
    delivered,
    in_period,
    owner,
    total,
)
from tests.dispatcher.reports.worlds import _payment as payment


def sales(spec: WorldSpec) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Per product code: qty and sum per client kind, and in all."""
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for o in spec.orders:
        if not delivered(o) or not in_period(MOMENTS[o.closed]):
            continue
        kind = CLIENT_KINDS[o.client].value
        for code, qty in o.lines:
            for target in (rows[code], totals):
                target[f"{kind}_qty"] += qty
                target[f"{kind}_sum_kop"] += qty * PRICE[code]
                target["qty"] += qty
                target["sum_kop"] += qty * PRICE[code]
    return {k: dict(v) for k, v in rows.items()}, dict(totals)


_OUTCOME = {
    "closed": "delivered",
    "failed_closed": "delivered",
    "failed": "open",
    "cancelled": "cancelled",
    "cancelled_delivery": "cancelled",
    "rejected": "rejected",
    "open": "open",
    "delivery": "open",
}


def orders(spec: WorldSpec) -> dict[str, dict[str, int]]:
    """Per operator: orders taken, their outcomes, failures, and calls."""
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for o in spec.orders:
        if not in_period(MOMENTS[o.created]):
            continue
        r = rows[OPERATORS[o.operator]]
        r["taken"] += 1
        r[_OUTCOME[o.outcome]] += 1
        r["failed"] += o.outcome in ("failed", "failed_closed")
        if o.outcome == "rejected":
            r["rejected_1"] += 1
    made = [c for c in spec.calls if not c.planned]  # a planned call back is not a call
    for c in made:
        if not in_period(MOMENTS[c.at]):
            continue
        r = rows[OPERATORS[c.operator]]
        r["calls_answered"] += c.answered
        r["calls_missed"] += c.inbound and not c.answered
        missed_before = any(
            e.inbound and not e.answered and e.number == c.number and MOMENTS[e.at] < MOMENTS[c.at]
            for e in made
        )
        r["called_back"] += (not c.inbound) and missed_before
    return {k: {key: int(v) for key, v in r.items()} for k, r in rows.items()}


def lost_clients(spec: WorldSpec, cat: Catalogue, phones: list[str]) -> dict[int, dict[str, Any]]:
    """Per client index: the row of a client whose last order fell in December 2024."""
    counted = [
        o
        for o in spec.orders
        if o.outcome not in ("rejected", "cancelled", "cancelled_delivery")
        and MOMENTS[o.created] < END
    ]
    by_client: dict[int, list[OrderSpec]] = defaultdict(list)
    for o in counted:
        by_client[owner(spec, o.client)].append(o)
    out = {}
    for client, own in by_client.items():
        last = max(MOMENTS[o.created] for o in own).date()  # the moments are Moscow times
        if not LOST_FIRST <= last <= LOST_LAST:
            continue
        per_product: dict[str, list[int]] = defaultdict(list)
        for o in own:
            for code, qty in o.lines:
                per_product[code].append(qty)
        order_of = {code: i for i, (code, *_rest) in enumerate(PRODUCTS)}
        best = max(per_product, key=lambda c: (len(per_product[c]), -order_of[c]))
        out[client] = {
            "kind": CLIENT_KINDS[client].value,
            "phone": phones[client],
            "last_order": last,
            "orders": len(own),
            "usual_product_code": best,
            "usual_qty": round(sum(per_product[best]) / len(per_product[best])),
            "sum_kop": sum(total(o) for o in own),
        }
    return out


def cash(spec: WorldSpec, cat: Catalogue) -> dict[tuple[dt.date, str], dict[str, int]]:
    """Per (Moscow day, courier name): deliveries, to collect, collected."""
    rows: dict[tuple[dt.date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for o in spec.orders:
        closed = MOMENTS[o.closed]
        if not delivered(o) or not in_period(closed):
            continue
        r = rows[(closed.date(), cat.courier_names[o.courier])]
        due = total(o) if payment(o).value == "cash" else 0
        r["orders"] += 1
        r["to_collect_kop"] += due
        r["collected_kop"] += {"none": 0, "exact": due, "short": max(0, due - 1000)}[o.collected]
    for r in rows.values():
        r["difference_kop"] = r["collected_kop"] - r["to_collect_kop"]
    return {k: dict(v) for k, v in rows.items()}


def bottles(spec: WorldSpec) -> dict[int, dict[str, int]]:
    """Per client index with bottles moving in March: delivered, returned, held at the end."""
    rows: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for o in spec.orders:
        closed = MOMENTS[o.closed]
        if not delivered(o) or closed >= END:
            continue
        r = rows[owner(spec, o.client)]
        water = sum(qty for code, qty in o.lines if code == "W19")
        r["qty"] += water - o.returned
        if in_period(closed):
            r["delivered"] += water
            r["returned"] += o.returned
    return {
        k: {**dict(v), "kind": CLIENT_KINDS[k].value}
        for k, v in rows.items()
        if v["delivered"] or v["returned"]
    }
