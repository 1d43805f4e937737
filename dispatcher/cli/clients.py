"""`dispatch client …`, `dispatch lookup` and `dispatch demo`: clients and who owns a number."""

from __future__ import annotations

import sys

from dispatcher.catalog import format_money
from dispatcher.cli.base import EXIT_USER_ERROR, Cli, Command, Subparsers, always, safe_url
from dispatcher.clients import AddressInput, NewClient
from dispatcher.db import unit_of_work
from dispatcher.lookup import LookupResult, lookup
from dispatcher.models import ClientKind, PaymentTerms
from dispatcher.operations import catalog as catalog_ops
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


def run_client(cli: Cli) -> int:
    """`dispatch client add|show|merge`."""
    a = cli.args
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
