"""What a courier task may hold: the limits of the courier-sync contract, stated by the domain.

``dispatcher`` must not import ``courier_sync`` (tests/test_architecture.py), so the limits of
``courier_sync/contract.py`` are restated here, once; tests/dispatcher/test_task_contract.py
fails when the two drift apart. ``check_task`` and ``check_cancel`` run on the outbox payload
inside the transaction that writes it: a task the courier's phone would refuse is refused
with a message the operator reads, and nothing is committed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from dispatcher.catalog import format_money
from dispatcher.errors import DomainText, ValidationError, translatable

# Texts (contract: Text2000, Name, Line, Text20, Text300, Code, Text500).
COMMENT_MAX = 2000
CLIENT_NAME_MAX = 300
CONTACT_NAME_MAX = 300
ADDRESS_TEXT_MAX = 500
ADDRESS_PART_MAX = 20  # entrance, floor, flat
ADDRESS_NOTES_MAX = 2000
PRODUCT_CODE_MAX = 40
PRODUCT_NAME_MAX = 300
CANCEL_REASON_MAX = 500
# Lists (contract: Task.items, Task.contact_phones).
LINES_MAX = 200
PHONES_MAX = 20
# An edit's notice (contract: TaskChanges.items) lists every line removed and every line added.
CHANGED_LINES_MAX = 2 * LINES_MAX
# Numbers. The domain is stricter than the contract where its own columns are smaller:
# quantities are capped where an operator's typo is caught (the contract takes 100 000), and
# amounts are 32-bit integer columns on PostgreSQL (the contract takes up to 10^12 kopecks).
QTY_MAX = 10_000
KOP_MAX = 2**31 - 1
LAT_RANGE = (-90.0, 90.0)
LON_RANGE = (-180.0, 180.0)
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"

_E164 = re.compile(E164_PATTERN)

# What each text of the payload is called in a message: (payload path, name, limit, required).
_COMMENT = translatable("The comment")
_CLIENT_NAME = translatable("The client's name")
_CONTACT_NAME = translatable("The contact's name")
_ADDRESS = translatable("The delivery address")
_ENTRANCE = translatable("The entrance")
_FLOOR = translatable("The floor")
_FLAT = translatable("The flat")
_NOTES = translatable("The note for the courier")
_PRODUCT_CODE = translatable("The code of product {code!r}")
_PRODUCT_NAME = translatable("The name of product {code!r}")
_CANCEL_REASON = translatable("The reason")

_TOO_LONG = translatable("{field} is {length} characters long; the courier's phone takes {limit}.")
_EMPTY = translatable("{field} is empty; the courier's phone needs it.")
_UNREADABLE = translatable(
    "{field} holds a character the courier's phone cannot take (a NUL or a broken character)."
)


def _text(value: object, field: DomainText, limit: int, *, required: bool = False) -> None:
    text = value if isinstance(value, str) else ""
    if required and not text:
        raise ValidationError.of(_EMPTY, field=field)
    if len(text) > limit:
        raise ValidationError.of(_TOO_LONG, field=field, length=len(text), limit=limit)
    if not storable(text):
        raise ValidationError.of(_UNREADABLE, field=field)


def storable(text: str) -> bool:
    """Whether both databases and the phone can keep ``text``: no NUL, no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_comment(comment: str) -> None:
    """Refuse a comment the courier's phone could not receive."""
    _text(comment, DomainText(_COMMENT), COMMENT_MAX)


def check_quantity(code: str, qty: int) -> None:
    """Refuse a quantity outside 1..QTY_MAX."""
    if qty <= 0:
        raise ValidationError.of("Quantity of {code!r} must be at least 1.", code=code)
    if qty > QTY_MAX:
        raise ValidationError.of("Quantity {qty} of {code!r} is too large.", qty=qty, code=code)


def courier_phones(e164s: list[str]) -> list[str]:
    """The numbers the courier can call, without repeats, at most PHONES_MAX of them.

    A client may have more numbers on file than the phone lists, and an old row may hold a
    number that is not E.164; the courier needs a few numbers to dial, not all of them, so
    these are left out rather than keeping the delivery from the courier.
    """
    kept = [n for n in dict.fromkeys(e164s) if isinstance(n, str) and _E164.match(n)]
    return kept[:PHONES_MAX]


def _kop(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def check_task(payload: Mapping[str, Any]) -> None:
    """Refuse a task payload (dispatcher.outbox.task_payload) the sync contract would refuse."""
    _text(payload.get("comment", ""), DomainText(_COMMENT), COMMENT_MAX)
    _text(payload.get("client_name"), DomainText(_CLIENT_NAME), CLIENT_NAME_MAX, required=True)
    if payload.get("contact_name") is not None:
        _text(payload["contact_name"], DomainText(_CONTACT_NAME), CONTACT_NAME_MAX)
    address = payload.get("address") or {}
    _text(address.get("text"), DomainText(_ADDRESS), ADDRESS_TEXT_MAX, required=True)
    for key, name in (("entrance", _ENTRANCE), ("floor", _FLOOR), ("flat", _FLAT)):
        _text(address.get(key) or "", DomainText(name), ADDRESS_PART_MAX)
    _text(address.get("notes") or "", DomainText(_NOTES), ADDRESS_NOTES_MAX)
    lat, lon = address.get("lat"), address.get("lon")
    if not _on_the_map(lat, LAT_RANGE) or not _on_the_map(lon, LON_RANGE):
        raise ValidationError.of(
            "The coordinates of the delivery address ({lat}, {lon}) are not on the map.",
            lat=lat,
            lon=lon,
        )
    items = payload.get("items") or []
    if len(items) > LINES_MAX:
        raise ValidationError.of(
            "The order has {count} lines; the courier's phone takes {limit}.",
            count=len(items),
            limit=LINES_MAX,
        )
    for item in items:
        code = str(item.get("code", ""))
        _text(
            item.get("code"),
            DomainText(_PRODUCT_CODE, {"code": code}),
            PRODUCT_CODE_MAX,
            required=True,
        )
        _text(
            item.get("name"),
            DomainText(_PRODUCT_NAME, {"code": code}),
            PRODUCT_NAME_MAX,
            required=True,
        )
        check_quantity(code, item.get("qty", 0))
        price = _kop(item.get("price_kop"))
        if not 0 <= price <= KOP_MAX:
            raise ValidationError.of(
                "The price of {product}, {amount}, is outside what the courier's phone takes "
                "(0 to {limit}).",
                product=item.get("name", code),
                amount=format_money(price),
                limit=format_money(KOP_MAX),
            )
    changed = (payload.get("changes") or {}).get("items") or []
    if len(changed) > CHANGED_LINES_MAX:
        raise ValidationError.of(
            "The change touches {count} lines; the courier's phone takes {limit}.",
            count=len(changed),
            limit=CHANGED_LINES_MAX,
        )
    amount = _kop(payload.get("amount_kop"))
    if not 0 <= amount <= KOP_MAX:
        raise ValidationError.of(
            "The amount to collect, {amount}, is outside what the courier's phone takes "
            "(0 to {limit}).",
            amount=format_money(amount),
            limit=format_money(KOP_MAX),
        )


def check_cancel(payload: Mapping[str, Any]) -> None:
    """Refuse a task cancel payload the sync contract would refuse (the reason's length)."""
    _text(payload.get("reason", ""), DomainText(_CANCEL_REASON), CANCEL_REASON_MAX)


def _on_the_map(value: object, bounds: tuple[float, float]) -> bool:
    if value is None:
        return True
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return False
    return bounds[0] <= value <= bounds[1]
