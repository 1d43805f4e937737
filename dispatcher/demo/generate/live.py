"""Today's and tomorrow's deliveries with their courier tasks and outbox messages, and this
morning's failed deliveries waiting to be rescheduled."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dispatcher.demo.generate.clients import Details
from dispatcher.demo.generate.world import ACTOR, DAY, World
from dispatcher.demo.pools import COMMENTS, FAIL_REASONS, PRODUCTS
from dispatcher.demo.sink import Row, Sink, write_all
from dispatcher.outbox import TOPIC_TASK_UPSERT


@dataclass(frozen=True, slots=True)
class _Live:
    """An order handed to a courier for today or tomorrow, as its task needs it."""

    oid: int
    address_id: int
    contact_id: int | None
    created: int
    delivered: int
    courier: int
    window: int
    items: list[dict[str, Any]]
    amount: int
    payment: str


class LiveWriter:
    """Writes the live orders from the "live" random stream, numbered after the history."""

    def __init__(self, world: World, details: Details, ids: tuple[int, int, int]) -> None:
        self.world = world
        self.details = details
        self.order_id, self.line_id, self.event_id = ids
        self.rng = world.stream("live")
        self.rnd = self.rng.random
        self.task_id = 0
        self.outbox_id = 0

    def write(self, sink: Sink) -> None:
        """Deliveries out today and tomorrow (each with its task and outbox message), and
        this morning's failed deliveries waiting to be rescheduled."""
        world = self.world
        rows: dict[str, list[Row]] = {
            t: [] for t in ("orders", "order_lines", "order_events", "courier_tasks", "outbox")
        }
        picks = iter(world.live_clients)
        for _ in range(world.resched_n):
            self.rescheduled_order(next(picks), rows)
        for _ in range(world.today_n):
            self.delivery_order(next(picks), world.today_day, rows)
        for _ in range(world.tomorrow_n):
            self.delivery_order(next(picks), world.today_day + 1, rows)
        write_all(sink, rows)

    def event(
        self,
        rows: dict[str, list[Row]],
        oid: int,
        t: int,
        action: str,
        before: str | None,
        after: str,
        why: str = "",
    ) -> None:
        """One audit row."""
        self.event_id += 1
        rows["order_events"].append(
            (self.event_id, oid, self.world.ts(t), ACTOR, action, before, after, why)
        )

    def live_order(self, cid: int, day: int, rows: dict[str, list[Row]]) -> _Live:
        """Common part of an order sent to a courier for `day`: lines and the first events."""
        world = self.world
        rnd = self.rnd
        self.order_id += 1
        oid = self.order_id
        count = world.addr_count[cid]
        j = int(rnd() * count)
        address_id = world.addr_first[cid] + j
        contact_id = world.contact_first[cid] + j if world.kind[cid] else None
        prices = world.prices[world.price_table[cid]]
        items = [(1, 2 + int(rnd() * 9) if world.kind[cid] else 1 + int(rnd() * 4))]
        if rnd() < 0.15:
            items.append((2 + int(rnd() * 5), 1))
        lines = []
        for product, qty in items:
            self.line_id += 1
            lines.append((self.line_id, oid, product, qty, prices[product - 1]))
        rows["order_lines"].extend(lines)
        # Captured yesterday or early this morning, before the courier's day starts.
        if rnd() < 0.8:
            t0 = (world.today_day - 1) * DAY + int(rnd() * DAY)
        else:
            t0 = world.today_day * DAY + int(rnd() * 60)
        t1 = t0 + 1 + int(rnd() * 5)
        courier = 1 + int(rnd() * world.n_couriers)
        w = int(rnd() * len(world.windows))
        self.event(rows, oid, t0, "create", None, "interest")
        slot = f"{world.courier_names[courier]}, {world.ru[day]} {world.windows[w][2]}"
        self.event(rows, oid, t1, "deliver", "interest", "delivery", slot)
        payment = "invoice" if world.invoice[cid] else "cash"
        total = sum(line[3] * line[4] for line in lines)
        return _Live(
            oid=oid,
            address_id=address_id,
            contact_id=contact_id,
            created=t0,
            delivered=t1,
            courier=courier,
            window=w,
            items=[
                {
                    "code": PRODUCTS[p - 1][0],
                    "name": PRODUCTS[p - 1][1],
                    "qty": q,
                    "price_kop": c,
                }
                for _, _, p, q, c in lines
            ],
            amount=total if payment == "cash" else 0,
            payment=payment,
        )

    def delivery_order(self, cid: int, day: int, rows: dict[str, list[Row]]) -> None:
        """An order out for delivery today or tomorrow, with its live task and outbox message."""
        world = self.world
        rnd = self.rnd
        o = self.live_order(cid, day, rows)
        r = rnd()
        if day == world.today_day:
            status = "accepted" if r < 0.6 else "sent" if r < 0.9 else "new"
        else:
            status = "sent" if r < 0.5 else "new"
        accepted_at = world.ts(max(o.delivered + 2, world.today_day * DAY + int(rnd() * 30)))
        comment = COMMENTS[int(rnd() * len(COMMENTS))]
        ws, we, _ = world.windows[o.window]
        rows["orders"].append(
            (o.oid, cid, o.contact_id, o.address_id, o.courier, world.iso[day], ws, we,
             "delivery", None, "", 0, o.payment, None, comment, None, None,
             accepted_at if status == "accepted" else None, world.ts(o.created),
             world.ts(o.delivered), 2, None)
        )  # fmt: skip
        snapshot = self.details.addresses[o.address_id]
        created = world.ts(o.delivered)
        uid = self.task(rows, o, day, snapshot, status, "", 1, created, created)
        name, phones = self.details.clients[cid]
        start, end = world.window_hhmm[o.window]
        # The dict dispatcher.outbox.task_payload builds for the same task.
        payload = {
            "task_id": uid,
            "version": 1,
            "order_id": o.oid,
            "courier_id": o.courier,
            "date": world.iso[day],
            "window_start": start,
            "window_end": end,
            "address": snapshot,
            "client_name": name,
            "contact_name": self.details.contact_names[o.contact_id] if o.contact_id else None,
            "contact_phones": [e for e, c in phones if o.contact_id in (None, c)],
            "items": o.items,
            "amount_kop": o.amount,
            "payment_method": o.payment,
            "comment": comment,
        }
        self.outbox_id += 1
        sent = status != "new"
        rows["outbox"].append(
            (self.outbox_id, f"{self.rng.getrandbits(128):032x}", TOPIC_TASK_UPSERT, uid,
             json.dumps(payload), created, created, world.ts(o.delivered + 1) if sent else None,
             1 if sent else 0, "", None, None, None)
        )  # fmt: skip

    def rescheduled_order(self, cid: int, rows: dict[str, list[Row]]) -> None:
        """A delivery that failed this morning: back to interest, flagged for reschedule."""
        world = self.world
        rnd = self.rnd
        day = world.today_day
        o = self.live_order(cid, day, rows)
        reason = FAIL_REASONS[int(rnd() * len(FAIL_REASONS))]
        failed = max(o.delivered + 2, day * DAY + 60 + int(rnd() * 60))
        ws, we, _ = world.windows[o.window]
        rows["orders"].append(
            (o.oid, cid, o.contact_id, o.address_id, o.courier, world.iso[day], ws, we,
             "interest", None, reason, 1, o.payment, None, "", None, None,
             world.ts(o.delivered + 1), world.ts(o.created), world.ts(failed), 3, None)
        )  # fmt: skip
        self.event(rows, o.oid, failed, "fail", "delivery", "interest", reason)
        self.task(
            rows, o, day, self.details.addresses[o.address_id], "failed", reason, 2,
            world.ts(o.delivered), world.ts(failed),
        )  # fmt: skip

    def task(
        self,
        rows: dict[str, list[Row]],
        o: _Live,
        day: int,
        snapshot: dict[str, Any],
        status: str,
        reason: str,
        version: int,
        created: str,
        updated: str,
    ) -> str:
        """A courier task row for the order; returns its uid."""
        world = self.world
        self.task_id += 1
        uid = f"{self.rng.getrandbits(128):032x}"
        ws, we, _ = world.windows[o.window]
        rows["courier_tasks"].append(
            (self.task_id, uid, o.oid, o.courier, world.iso[day], ws, we,
             json.dumps(snapshot), json.dumps(o.items), o.amount, o.payment, status, reason,
             version, created, updated)
        )  # fmt: skip
        return uid
