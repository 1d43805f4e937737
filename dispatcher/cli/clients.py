"""`dispatch client …`, `dispatch lookup` and `dispatch demo`: clients and who owns a number."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

from dispatcher.catalog import format_money
from dispatcher.cli.base import EXIT_USER_ERROR, Cli, Command, Subparsers, always, safe_url
from dispatcher.cli.portal import CLIENT_SUBCOMMANDS, add_client_portal_parsers, run_client_portal
from dispatcher.clients import AddressInput, NewClient
from dispatcher.db import unit_of_work
from dispatcher.lookup import LookupResult, lookup
from dispatcher.models import ClientKind, PaymentTerms
from dispatcher.operations import catalog as catalog_ops
from dispatcher.operations import client_card as card_ops
from dispatcher.operations import clients as client_ops


def add_client_parser(sub: Subparsers) -> None:
    """Add `client` and its subcommands."""
    client = sub.add_parser("client", help="clients").add_subparsers(dest="sub", required=True)
    ca = client.add_parser("add", help="register a client")
    ca.add_argument("--kind", choices=["person", "company"], required=True)
    ca.add_argument("--name", required=True)
    ca.add_argument("--phone", action="append", default=[])
    ca.add_argument("--address", action="append", default=[])
    ca.add_argument("--flat", default="")
    ca.add_argument("--entrance", default="")
    ca.add_argument("--floor", default="")
    ca.add_argument("--inn")
    ca.add_argument("--payment", choices=["cash", "invoice"])
    ca.add_argument("--notes", default="")
    cs = client.add_parser("show", help="show a client")
    cs.add_argument("id", type=int)
    cm = client.add_parser("merge", help="fold duplicates into one client (shift leads, admins)")
    cm.add_argument("keep", type=int, help="the client kept")
    cm.add_argument("others", type=int, nargs="+", help="its duplicates")
    _add_card_parsers(client)
    add_client_portal_parsers(client)


def _add_card_parsers(client: Subparsers) -> None:
    """`client phone|address|contact|note|payment|inn|history`: editing a known client."""
    phone = client.add_parser("phone", help="add or remove a phone number")
    phone_sub = phone.add_subparsers(dest="what", required=True)
    pa = phone_sub.add_parser("add", help="add a number (any written form)")
    pa.add_argument("client_id", type=int)
    pa.add_argument("phone")
    pa.add_argument("--contact", type=int, help="the contact person the number belongs to")
    pr = phone_sub.add_parser("remove", help="remove a number")
    pr.add_argument("client_id", type=int)
    pr.add_argument("phone")
    address = client.add_parser("address", help="add, edit or retire a delivery point")
    address_sub = address.add_subparsers(dest="what", required=True)
    for name, text in (("add", "add a delivery point"), ("edit", "change a delivery point")):
        ad = address_sub.add_parser(name, help=text)
        ad.add_argument("client_id", type=int)
        if name == "edit":
            ad.add_argument("address_id", type=int)
        ad.add_argument("--text", required=True, help="street and house")
        for detail in ("entrance", "floor", "flat", "intercom", "notes"):
            ad.add_argument(f"--{detail}", default="")
        if name == "add":
            ad.add_argument("--contact", type=int, help="the contact person's own point")
    ar = address_sub.add_parser("retire", help="no longer offered for new orders")
    ar.add_argument("client_id", type=int)
    ar.add_argument("address_id", type=int)
    contact = client.add_parser("contact", help="add a contact person")
    contact_sub = contact.add_subparsers(dest="what", required=True)
    co = contact_sub.add_parser("add", help="add a contact person")
    co.add_argument("client_id", type=int)
    co.add_argument("--name", required=True)
    co.add_argument("--role", default="")
    co.add_argument("--phone", action="append", default=[])
    co.add_argument("--address", help="the contact's own delivery point")
    note = client.add_parser("note", help="set the client's notes (shown at the pop)")
    note.add_argument("client_id", type=int)
    note.add_argument("text")
    pay = client.add_parser("payment", help="set the payment terms")
    pay.add_argument("client_id", type=int)
    pay.add_argument("terms", choices=["cash", "invoice"])
    inn = client.add_parser("inn", help="set a company's INN")
    inn.add_argument("client_id", type=int)
    inn.add_argument("inn")
    history = client.add_parser("history", help="who changed the card, when, what")
    history.add_argument("client_id", type=int)


def _card_change(cli: Cli) -> card_ops.CardChange | card_ops.ClientCardDetails:
    a, actor, region = cli.args, cli.require_actor(), cli.region
    with unit_of_work(cli.sessions) as s:
        if a.sub == "history":
            return card_ops.card_details(s, a.client_id)
        if a.sub == "phone" and a.what == "add":
            return card_ops.add_phone(
                s, a.client_id, a.phone, actor=actor, contact_id=a.contact, region=region
            )
        if a.sub == "phone":
            return card_ops.remove_phone(s, a.client_id, a.phone, actor=actor, region=region)
        if a.sub == "address" and a.what == "retire":
            return card_ops.retire_address(s, a.client_id, a.address_id, actor=actor)
        if a.sub == "address":
            data = AddressInput(
                a.text,
                entrance=a.entrance,
                floor=a.floor,
                flat=a.flat,
                courier_notes=a.notes,
                intercom=a.intercom,
            )
            if a.what == "edit":
                return card_ops.edit_address(s, a.client_id, a.address_id, data, actor=actor)
            return card_ops.add_address(s, a.client_id, data, actor=actor, contact_id=a.contact)
        if a.sub == "contact":
            return card_ops.add_contact(
                s,
                a.client_id,
                a.name,
                actor=actor,
                role=a.role,
                phones=a.phone,
                address=AddressInput(a.address) if a.address else None,
                region=region,
            )
        if a.sub == "note":
            return card_ops.set_notes(s, a.client_id, a.text, actor=actor)
        if a.sub == "payment":
            return card_ops.set_payment_terms(s, a.client_id, a.terms, actor=actor)
        return card_ops.set_inn(s, a.client_id, a.inn, actor=actor)


def _card_record(change: card_ops.CardChange | card_ops.ClientCardDetails) -> dict[str, Any]:
    if isinstance(change, card_ops.ClientCardDetails):
        return asdict(change)
    record = asdict(change.card)
    record["possible_duplicates"] = [asdict(c) for c in change.also_on]
    return record


def _card_text(change: card_ops.CardChange | card_ops.ClientCardDetails) -> str:
    card = change if isinstance(change, card_ops.ClientCardDetails) else change.card
    lines = [f"Client #{card.id} {card.name} ({card.payment_terms})"]
    if card.inn:
        lines.append(f"  INN {card.inn}")
    if card.notes:
        lines.append(f"  notes: {card.notes}")
    lines += [f"  phone {p.raw} ({p.e164})" for p in card.phones]
    for ad in card.addresses:
        retired = " [retired]" if ad.retired else ""
        lines.append(
            f"  address #{ad.id}: {ad.text}{', кв. ' + ad.flat if ad.flat else ''}{retired}"
        )
    lines += [f"  contact #{c.id}: {c.name} {c.role}".rstrip() for c in card.contacts]
    if isinstance(change, card_ops.CardChange):
        lines += [f"  possible duplicate: #{c.id} {c.name}" for c in change.also_on]
    else:
        lines += [f"  {h.at:%Y-%m-%d %H:%M} {h.actor} {h.action}: {h.detail}" for h in card.history]
    return "\n".join(lines)


def run_client(cli: Cli) -> int:
    """`dispatch client add|show|merge|phone|address|contact|note|payment|inn|history`."""
    a = cli.args
    if a.sub in CLIENT_SUBCOMMANDS:
        return run_client_portal(cli)
    if a.sub not in ("add", "show", "merge"):
        change = _card_change(cli)
        cli.emit(_card_record(change), _card_text(change))
        return 0
    with unit_of_work(cli.sessions) as s:
        if a.sub == "show":
            client_id = a.id
        elif a.sub == "merge":
            client_id = client_ops.merge_clients(
                s, a.keep, a.others, actor=cli.require_actor()
            ).kept_id
        else:
            addresses = [
                AddressInput(text, entrance=a.entrance, floor=a.floor, flat=a.flat)
                for text in a.address
            ]
            client_id = client_ops.create_client(
                s,
                NewClient(
                    kind=ClientKind(a.kind),
                    name=a.name,
                    phones=a.phone,
                    addresses=addresses,
                    inn=a.inn,
                    payment_terms=PaymentTerms(a.payment) if a.payment else None,
                    notes=a.notes,
                ),
                actor=cli.require_actor(),
                region=cli.region,
            ).id
        record = client_ops.client_details(s, client_id)
    phones = ", ".join(p["e164"] for p in record["phones"]) or "no phone"
    cli.emit(record, f"Client #{record['id']} {record['name']} ({phones})")
    return 0


def add_lookup_parser(sub: Subparsers) -> None:
    """Add `lookup PHONE`."""
    lk = sub.add_parser("lookup", help="who owns a phone number")
    lk.add_argument("phone")


def run_lookup(cli: Cli) -> int:
    """`dispatch lookup PHONE`: who owns a number, as the screen pop sees it."""
    with cli.sessions() as s:
        result = lookup(s, cli.args.phone, cli.region)
    if result.status == "invalid":
        if cli.args.json:
            cli.emit(result.to_dict(), "")
        print(f"error: {result.query!r}: {result.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    cli.emit(result.to_dict(), describe_lookup(result))
    return 0


def add_demo_parser(sub: Subparsers) -> None:
    """Add `demo`."""
    sub.add_parser("demo", help="show what the demo database holds and try lookups")


def run_demo(cli: Cli) -> int:
    """`dispatch demo`: what the demo database holds, with a few lookups."""
    with cli.sessions() as s:
        overview = catalog_ops.database_overview(s)
    cli.out(
        f"Demo database {safe_url(cli.engine)}: {overview.clients} clients, "
        f"{overview.orders} orders, {overview.couriers} couriers."
    )
    for number in overview.sample_numbers:
        with cli.sessions() as s:
            cli.out(f"\n$ dispatch lookup '{number}'\n" + describe_lookup(lookup(s, number)))
    if sys.stdin.isatty():
        cli.out("\nType a phone number to look it up (empty line to quit).")
        while True:
            try:
                line = input("phone> ").strip()
            except EOFError:
                break
            if not line:
                break
            with cli.sessions() as s:
                cli.out(describe_lookup(lookup(s, line, cli.region)))
    return 0


def describe_lookup(result: LookupResult) -> str:
    """The lookup result as the operator would read it on a terminal."""
    if result.status in ("invalid", "internal", "unknown"):
        shown = result.display or result.query
        return f"{shown}: {result.message}"
    lines = [f"{result.display}:"]
    for m in result.matches:
        who = f"#{m.client.id} {m.client.name}"
        if m.contact:
            who += f" / {m.contact.name}" + (f" ({m.contact.role})" if m.contact.role else "")
        lines.append(f"  {who}")
        for addr in m.addresses[:3]:
            flat = f", кв. {addr.flat}" if addr.flat else ""
            lines.append(f"    адрес #{addr.id}: {addr.text}{flat}")
        for o in m.active_deliveries:
            lines.append(
                f"    в доставке: заказ #{o.id} на {o.delivery_date:%d.%m.%Y}"
                f" ({o.courier_name}), {format_money(o.total_kop)}"
            )
        for o in m.to_reschedule:
            lines.append(f"    перенести: заказ #{o.id} — {o.fail_reason}")
        if m.last_order:
            items = ", ".join(f"{ln.product_name} × {ln.qty}" for ln in m.last_order.lines)
            lines.append(f"    последний заказ #{m.last_order.id}: {items}")
    for g in result.duplicate_groups:
        ids = ", ".join(f"#{c.id} {c.name}" for c in g.clients)
        lines.append(f"  возможные дубли ({g.reason}): {ids}")
    return "\n".join(lines)


CLIENT = Command("client", add_client_parser, run_client)
LOOKUP = Command("lookup", add_lookup_parser, run_lookup, anonymous=always)
DEMO = Command("demo", add_demo_parser, run_demo, anonymous=always)
