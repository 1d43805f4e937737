"""Domain rows as plain JSON-ready dicts, for `dispatch --json` and other machine readers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dispatcher.models import Address, Client, Courier, Order, Phone, Product, RejectReason


def _iso(value: dt.date | dt.time | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value.isoformat()


def phone_record(phone: Phone) -> dict[str, Any]:
    """A phone number with its normalised and written forms."""
    return {
        "id": phone.id,
        "e164": phone.e164,
        "raw": phone.raw,
        "kind": phone.kind,
        "extension": phone.extension,
        "contact_id": phone.contact_id,
    }


def address_record(address: Address) -> dict[str, Any]:
    """A delivery point."""
    return {
        "id": address.id,
        "text": address.text,
        "entrance": address.entrance,
        "floor": address.floor,
        "flat": address.flat,
        "courier_notes": address.courier_notes,
        "contact_id": address.contact_id,
    }


def client_record(client: Client) -> dict[str, Any]:
    """A client with its phones and delivery points."""
    return {
        "id": client.id,
        "kind": str(client.kind),
        "name": client.name,
        "inn": client.inn,
        "payment_terms": str(client.payment_terms),
        "merged_into_id": client.merged_into_id,
        "phones": [phone_record(p) for p in client.phones],
        "addresses": [address_record(a) for a in client.addresses],
        "contacts": [{"id": c.id, "name": c.name, "role": c.role} for c in client.contacts],
    }


def courier_record(courier: Courier) -> dict[str, Any]:
    """A courier."""
    return {
        "id": courier.id,
        "name": courier.name,
        "phone": courier.phone,
        "active": courier.active,
        "capacity": courier.capacity,
    }


def product_record(product: Product, price_kop: int | None = None) -> dict[str, Any]:
    """A product, with its standard price when known."""
    return {
        "id": product.id,
        "code": product.code,
        "name": product.name,
        "kind": str(product.kind),
        "unit": product.unit,
        "active": product.active,
        "price_kop": price_kop,
    }


def reason_record(reason: RejectReason) -> dict[str, Any]:
    """A reject reason."""
    return {"id": reason.id, "name": reason.name, "active": reason.active}


def order_record(order: Order) -> dict[str, Any]:
    """An order with its lines, live task and audit trail."""
    live = [t for t in order.tasks if t.status in ("new", "sent", "accepted")]
    return {
        "id": order.id,
        "client_id": order.client_id,
        "contact_id": order.contact_id,
        "address_id": order.address_id,
        "state": str(order.state),
        "courier_id": order.courier_id,
        "date": _iso(order.delivery_date),
        "window": (
            f"{_iso(order.window_start)}-{_iso(order.window_end)}" if order.window_start else None
        ),
        "payment_method": str(order.payment_method),
        "total_kop": order.total_kop,
        "needs_reschedule": order.needs_reschedule,
        "fail_reason": order.fail_reason,
        "reject_reason": order.reject_reason.name if order.reject_reason else None,
        "collected_kop": order.collected_kop,
        "bottles_returned": order.bottles_returned,
        "comment": order.comment,
        "version": order.version,
        "idempotency_key": order.idempotency_key,
        "lines": [
            {
                "product_code": line.product.code,
                "product_name": line.product.name,
                "qty": line.qty,
                "price_kop": line.price_kop,
            }
            for line in order.lines
        ],
        "task": (
            {
                "id": live[0].id,
                "uid": live[0].uid,
                "courier_id": live[0].courier_id,
                "status": str(live[0].status),
                "amount_kop": live[0].amount_kop,
            }
            if live
            else None
        ),
        "tasks": [
            {"id": t.id, "uid": t.uid, "courier_id": t.courier_id, "status": str(t.status)}
            for t in order.tasks
        ],
        "events": [
            {
                "at": _iso(e.at),
                "actor": e.actor,
                "action": e.action,
                "from": str(e.from_state) if e.from_state else None,
                "to": str(e.to_state),
                "why": e.why,
            }
            for e in order.events
        ],
    }
