"""A year of closed and rejected orders before today, generated from client shapes alone.

It needs neither the names nor the phones of the clients, so a forked process can write it
while the parent writes the clients (see `dispatcher.demo.fork`).
"""

from __future__ import annotations

from bisect import bisect_right

from dispatcher.demo.generate.world import ACTOR, CHUNK, DAY, REJECTED_SHARE, UTC_OPEN_HOUR, World
from dispatcher.demo.pools import COMMENTS, WINDOWS
from dispatcher.demo.sink import Row, Sink


def write_history(world: World, sink: Sink) -> tuple[int, int, int]:
    """Write the past orders, oldest first; returns the last order, line and event ids."""
    rnd = world.stream("history").random
    kind, invoice = world.kind, world.invoice
    addr_first, addr_count, contact_first = world.addr_first, world.addr_count, world.contact_first
    price_rows, price_table = world.prices, world.price_table
    person_ids, company_ids = world.person_ids, world.company_ids
    stamps, base = world.stamps, world.stamp_base
    windows, n_windows = world.windows, len(world.windows)
    window_hours = WINDOWS
    reasons, n_reasons = world.reasons, len(world.reasons)
    comments, n_comments = COMMENTS, len(COMMENTS)
    n_couriers = world.n_couriers
    orders: list[Row] = []
    lines: list[Row] = []
    events: list[Row] = []
    oid = lid = eid = 0

    # Fewer orders at the weekend; the per-day counts add up to history_n exactly.
    history = range(world.history_start, world.today_day)
    weights = {d: 0.8 if world.weekday[d] >= 5 else 1.06 for d in history}
    total_w = sum(weights.values())
    span = world.history_start + world.history_days
    done = 0.0
    issued = 0
    for d in history:
        done += world.history_n * weights[d] / total_w
        count = round(done) - issued
        issued += count
        # Only clients who had joined by that day can order.
        joined = min(world.n, ((d + 1) * world.n - 1) // span + 1)
        persons = bisect_right(person_ids, joined)
        companies = bisect_right(company_ids, joined)
        day = world.iso[d]
        slots = [
            f"{courier}, {world.ru[d]} {w[2]}"
            for courier in world.courier_names[1:]
            for w in windows
        ]
        day_t = d * DAY - base
        for _ in range(count):
            if companies and (rnd() < 0.25 or not persons):
                cid = company_ids[int(rnd() * companies)]
            else:
                cid = person_ids[int(rnd() * persons)]
            oid += 1
            company = kind[cid]
            points = addr_count[cid]
            if company:
                j = int(rnd() * points)
                address_id = addr_first[cid] + j
                contact_id: int | None = contact_first[cid] + j
            else:
                # A second home (a dacha, parents) is used now and then.
                address_id = addr_first[cid] + (points > 1 and rnd() < 0.15)
                contact_id = None

            prices = price_rows[price_table[cid]]
            water = 2 + int(rnd() * 9) if company else (1, 2, 2, 2, 3, 3, 4, 5, 6)[int(rnd() * 9)]
            lid += 1
            lines.append((lid, oid, 1, water, prices[0]))
            total = water * prices[0]
            if rnd() < 0.15:
                # Now and then something besides 19 l water.
                r = rnd()
                product, qty = (
                    (2, 1 + int(rnd() * 4))
                    if r < 0.45
                    else (5, water)
                    if r < 0.75
                    else (3, 1)
                    if r < 0.88
                    else (4, 1)
                    if r < 0.96 or not company
                    else (6, 1)
                )
                lid += 1
                lines.append((lid, oid, product, qty, prices[product - 1]))
                total += qty * prices[product - 1]
            payment = "invoice" if invoice[cid] else "cash"
            comment = comments[int(rnd() * n_comments)]

            if rnd() < REJECTED_SHARE:
                t0 = day_t + int(rnd() * (DAY - 60))
                t1 = t0 + 1 + int(rnd() * 50)
                reason_id, reason = reasons[int(rnd() * n_reasons)]
                created, updated = stamps[t0], stamps[t1]
                orders.append(
                    (oid, cid, contact_id, address_id, None, None, None, None, "rejected",
                     reason_id or None, "", 0, payment, None, comment, None, None, None,
                     created, updated, 2, None)
                )  # fmt: skip
                events.append((eid + 1, oid, created, ACTOR, "create", None, "interest", ""))
                events.append(
                    (eid + 2, oid, updated, ACTOR, "reject", "interest", "rejected", reason)
                )
                eid += 2
                continue

            w = int(rnd() * n_windows)
            start_h, end_h = window_hours[w]
            opens = (start_h - 3 - UTC_OPEN_HOUR) * 60  # Moscow is UTC+3
            # Captured the day before, or in the morning before the window opens.
            t0 = day_t - DAY + int(rnd() * DAY) if rnd() < 0.8 else day_t + int(rnd() * opens)
            t1 = t0 + 1 + int(rnd() * 5)
            accepted = max(t1 + 1, day_t + int(rnd() * 30))
            t2 = max(accepted + 1, day_t + opens + int(rnd() * (end_h - start_h) * 60))
            courier = int(rnd() * n_couriers)
            created, delivered, closed = stamps[t0], stamps[t1], stamps[t2]
            ws, we, _ = windows[w]
            orders.append(
                (oid, cid, contact_id, address_id, courier + 1, day, ws, we, "closed", None,
                 "", 0, payment, None, comment, 0 if payment == "invoice" else total,
                 water if rnd() < 0.9 else water - 1, stamps[accepted], created,
                 closed, 3, None)
            )  # fmt: skip
            events.append((eid + 1, oid, created, ACTOR, "create", None, "interest", ""))
            events.append(
                (eid + 2, oid, delivered, ACTOR, "deliver", "interest", "delivery",
                 slots[courier * n_windows + w])
            )  # fmt: skip
            events.append((eid + 3, oid, closed, ACTOR, "close", "delivery", "closed", ""))
            eid += 3
        if len(orders) >= CHUNK or d == world.today_day - 1:
            sink.write("orders", orders)
            sink.write("order_lines", lines)
            sink.write("order_events", events)
            orders, lines, events = [], [], []
    return oid, lid, eid
