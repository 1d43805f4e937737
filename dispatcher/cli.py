"""`dispatch`: the admin and scripting command line over the domain services."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any, NoReturn

from sqlalchemy import Engine, exc
from sqlalchemy.orm import Session

from dispatcher import orders, outbox
from dispatcher.catalog import format_money, parse_money
from dispatcher.clients import AddressInput, NewClient
from dispatcher.config import DomainSettings, default_db_url
from dispatcher.db import make_engine, normalize_url, session_factory, unit_of_work
from dispatcher.errors import DomainError, ValidationError
from dispatcher.lookup import LookupResult, lookup
from dispatcher.migrate import current_revision, head_revision, upgrade
from dispatcher.models import ClientKind, PaymentTerms, ProductKind
from dispatcher.operations import catalog as catalog_ops
from dispatcher.operations import clients as client_ops
from dispatcher.operations import orders as order_ops

logger = logging.getLogger(__name__)

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A mistake in the command line or its environment, reported without a traceback."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER_ERROR, f"error: {message}\n")


def _date(text: str) -> dt.date:
    today = orders.moscow_today()
    words = {"today": 0, "сегодня": 0, "tomorrow": 1, "завтра": 1}
    if text.lower() in words:
        return today + dt.timedelta(days=words[text.lower()])
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD, dd.mm.yyyy, today)")


def _line(text: str) -> orders.LineInput:
    code, sep, qty = text.rpartition(":")
    if not sep or not code:
        code, qty = text, "1"
    try:
        return orders.LineInput(code, int(qty))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not CODE:QTY (e.g. W19:2)") from None


def _money(text: str) -> int:
    try:
        return parse_money(text)
    except ValidationError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _window(text: str) -> tuple[dt.time, dt.time]:
    try:
        return orders.Slot.parse_window(text)
    except ValidationError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def build_parser() -> argparse.ArgumentParser:
    """The command line grammar."""
    p = _Parser(prog="dispatch", description="Dispatch Desk administration and scripting.")
    p.add_argument("--db", help="database URL or SQLite file (default: the embedded database)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--actor", default=None, help="name written to the audit trail")
    p.add_argument("--region", default=None, help="default phone region (RU)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_cmd", required=True)
    db.add_parser("upgrade", help="apply migrations up to the newest schema")
    db.add_parser("status", help="show the schema revision and where the database is")

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

    courier = sub.add_parser("courier", help="couriers").add_subparsers(dest="sub", required=True)
    cra = courier.add_parser("add", help="register a courier")
    cra.add_argument("--name", required=True)
    cra.add_argument("--phone", default="")
    cra.add_argument("--capacity", type=int, default=40)
    courier.add_parser("list", help="list couriers")

    product = sub.add_parser("product", help="products").add_subparsers(dest="sub", required=True)
    pa = product.add_parser("add", help="add a product with its standard price")
    pa.add_argument("--code", required=True)
    pa.add_argument("--name", required=True)
    pa.add_argument("--price", type=_money, required=True, help="roubles, e.g. 350 or 350.50")
    pa.add_argument("--kind", choices=[k.value for k in ProductKind], default="goods")
    pa.add_argument("--unit", default="шт")
    product.add_parser("list", help="list products with standard prices")

    reason = sub.add_parser("reason", help="reject reasons").add_subparsers(
        dest="sub", required=True
    )
    reason.add_parser("list", help="list reject reasons")
    ra = reason.add_parser("add", help="add a reject reason")
    ra.add_argument("name")
    rr = reason.add_parser("remove", help="stop offering a reject reason")
    rr.add_argument("id", type=int)

    seed = sub.add_parser("seed-demo", help="fill an empty database with demo data")
    seed.add_argument("--clients", type=int, default=300)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database has clients"
    )

    lk = sub.add_parser("lookup", help="who owns a phone number")
    lk.add_argument("phone")

    order = sub.add_parser("order", help="orders").add_subparsers(dest="sub", required=True)
    oc = order.add_parser("create", help="capture an order (and send it when a slot is given)")
    oc.add_argument("--client", type=int, required=True)
    oc.add_argument("--line", type=_line, action="append", default=[], help="CODE:QTY")
    oc.add_argument("--address", type=int)
    oc.add_argument("--contact", type=int)
    oc.add_argument("--comment", default="")
    _slot_args(oc, required=False)
    od = order.add_parser("deliver", help="send an interest to delivery")
    _order_id_args(od)
    od.add_argument("--address", type=int)
    _slot_args(od, required=True)
    ocl = order.add_parser("close", help="close a delivered order")
    _order_id_args(ocl)
    ocl.add_argument("--collected", type=_money, help="roubles collected by the courier")
    ocl.add_argument("--bottles", type=int, help="empty bottles returned")
    orj = order.add_parser("reject", help="reject an interest")
    _order_id_args(orj)
    orj.add_argument("--reason", required=True, help="reason id or its exact text")
    orj.add_argument("--why", default="")
    of = order.add_parser("fail", help="a delivery failed: back to interest, flagged")
    _order_id_args(of)
    of.add_argument("--reason", required=True)
    ore = order.add_parser("reassign", help="move a delivery to another courier or slot")
    _order_id_args(ore)
    ore.add_argument("--courier", type=int)
    ore.add_argument("--date", type=_date)
    ore.add_argument("--window", type=_window)
    ore.add_argument("--why", default="")
    osh = order.add_parser("show", help="show an order with its audit trail")
    osh.add_argument("id", type=int)

    sub.add_parser("demo", help="show what the demo database holds and try lookups")

    ob = sub.add_parser("outbox", help="messages for the courier sync service").add_subparsers(
        dest="sub", required=True
    )
    ob.add_parser("status", help="how many messages wait, and how many the service refused")
    obf = ob.add_parser("failed", help="list the messages the service refused, with its reason")
    obf.add_argument("--limit", type=int, default=100)
    obr = ob.add_parser("retry", help="put refused messages back in the queue (all, or by id)")
    obr.add_argument("ids", type=int, nargs="*", help="message ids; none = every refused one")
    _accept_globals_anywhere(p)
    return p


def _accept_globals_anywhere(parser: argparse.ArgumentParser, top: bool = True) -> None:
    """Let `--json`/`--db` also follow the subcommand (`dispatch lookup N --json`)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _accept_globals_anywhere(child, top=False)
    if not top and not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
        parser.add_argument("--db", default=argparse.SUPPRESS)


def _order_id_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", type=int, help="order number")
    p.add_argument(
        "--expected-version", type=int, help="refuse if the order changed since this version"
    )


def _slot_args(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--courier", type=int, required=required)
    p.add_argument("--date", type=_date, required=required, help="YYYY-MM-DD, or today/tomorrow")
    p.add_argument("--window", type=_window, help="HH:MM-HH:MM")


def _slot(args: argparse.Namespace) -> orders.Slot:
    start, end = args.window if args.window else (None, None)
    return orders.Slot(args.courier, args.date, start, end)


class Cli:
    """One invocation: the parsed arguments, the engine and the output format."""

    def __init__(self, args: argparse.Namespace, engine: Engine, out: Callable[[str], None]):
        self.args = args
        self.engine = engine
        self.sessions = session_factory(engine)
        self.out = out
        self.region = (args.region or DomainSettings.from_env().phone_region).upper()
        self.actor = args.actor or f"cli:{_user()}"

    def emit(self, data: Any, text: str) -> None:
        """Print the result as JSON or as a line for people."""
        if self.args.json:
            self.out(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            self.out(text)

    def run(self) -> int:
        """Dispatch to the handler of the subcommand."""
        cmd = self.args.command
        if cmd == "db":
            return self.db()
        self.ensure_schema()
        handler = {
            "client": self.client,
            "courier": self.courier,
            "product": self.product,
            "reason": self.reason,
            "seed-demo": self.seed_demo,
            "lookup": self.lookup,
            "order": self.order,
            "demo": self.demo,
            "outbox": self.outbox_cmd,
        }[cmd]
        return handler()

    def ensure_schema(self) -> None:
        """Migrate the embedded SQLite file silently; ask for `db upgrade` elsewhere."""
        current, head = current_revision(self.engine), head_revision()
        if current == head:
            return
        if self.engine.dialect.name == "sqlite":
            upgrade(self.engine)
            return
        raise UserError(
            f"The database is at schema {current or 'none'}, the program needs {head}: "
            "run `dispatch --db URL db upgrade` first."
        )

    def db(self) -> int:
        """`dispatch db upgrade|status`: apply or report the schema."""
        if self.args.db_cmd == "upgrade":
            before = current_revision(self.engine)
            upgrade(self.engine)
            after = current_revision(self.engine)
            self.emit(
                {"url": _safe_url(self.engine), "from": before, "to": after},
                f"Database {_safe_url(self.engine)} upgraded: {before or 'empty'} → {after}",
            )
            return 0
        current, head = current_revision(self.engine), head_revision()
        self.emit(
            {
                "url": _safe_url(self.engine),
                "revision": current,
                "head": head,
                "up_to_date": current == head,
            },
            f"{_safe_url(self.engine)}: schema {current or 'none'} (newest {head})",
        )
        return 0

    def outbox_cmd(self) -> int:
        """`dispatch outbox status|failed|retry`: what waits to be sent, what was refused."""
        a = self.args
        with unit_of_work(self.sessions) as s:
            if a.sub == "status":
                waiting, refused = outbox.queue_length(s), outbox.failed_count(s)
                self.emit(
                    {"waiting": waiting, "refused": refused},
                    f"{waiting} message(s) waiting to be sent, {refused} refused by the service"
                    + (" (see `dispatch outbox failed`)" if refused else ""),
                )
            elif a.sub == "failed":
                rows = [
                    {
                        "id": m.id,
                        "topic": m.topic,
                        "key": m.key,
                        "attempts": m.attempts,
                        "failed_at": m.failed_at.isoformat() if m.failed_at else None,
                        "error": m.last_error,
                    }
                    for m in outbox.failed(s, a.limit)
                ]
                text = "\n".join(f"#{r['id']} {r['topic']} {r['key']}: {r['error']}" for r in rows)
                self.emit(rows, text or "No refused messages.")
            else:
                count = outbox.retry_failed(s, a.ids or None)
                self.emit(
                    {"requeued": count},
                    f"{count} message(s) put back in the queue; the relay sends them next.",
                )
        return 0

    def client(self) -> int:
        """`dispatch client add|show`."""
        a = self.args
        with unit_of_work(self.sessions) as s:
            if a.sub == "show":
                client_id = a.id
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
                    region=self.region,
                ).id
            record = client_ops.client_details(s, client_id)
        phones = ", ".join(p["e164"] for p in record["phones"]) or "no phone"
        self.emit(record, f"Client #{record['id']} {record['name']} ({phones})")
        return 0

    def courier(self) -> int:
        """`dispatch courier add|list`."""
        a = self.args
        with unit_of_work(self.sessions) as s:
            if a.sub == "add":
                courier = catalog_ops.add_courier(
                    s, a.name, a.phone, a.capacity, region=self.region
                )
                self.emit(asdict(courier), f"Courier #{courier.id} {courier.name}")
                return 0
            rows = [asdict(c) for c in catalog_ops.list_couriers(s)]
        self.emit(rows, "\n".join(f"#{c['id']:<4} {c['name']} {c['phone']}" for c in rows))
        return 0

    def product(self) -> int:
        """`dispatch product add|list`."""
        a = self.args
        with unit_of_work(self.sessions) as s:
            if a.sub == "add":
                product = catalog_ops.add_product(
                    s, a.code, a.name, a.price, ProductKind(a.kind), a.unit
                )
                self.emit(
                    asdict(product),
                    f"Product #{product.id} {product.code} {product.name} {format_money(a.price)}",
                )
                return 0
            records = [asdict(p) for p in catalog_ops.list_products(s)]
        self.emit(
            records,
            "\n".join(
                f"{r['code']:<8} {r['name']:<32} "
                f"{format_money(r['price_kop']) if r['price_kop'] is not None else '-'}"
                for r in records
            ),
        )
        return 0

    def reason(self) -> int:
        """`dispatch reason list|add|remove`: the editable reject reasons."""
        a = self.args
        with unit_of_work(self.sessions) as s:
            if a.sub == "add":
                rows = [asdict(order_ops.add_reject_reason(s, a.name))]
            elif a.sub == "remove":
                rows = [asdict(order_ops.remove_reject_reason(s, a.id))]
            else:
                rows = [asdict(r) for r in order_ops.list_reject_reasons(s)]
        data: Any = rows if a.sub == "list" else rows[0]
        self.emit(data, "\n".join(f"#{r['id']:<3} {r['name']}" for r in rows))
        return 0

    def seed_demo(self) -> int:
        """`dispatch seed-demo`: fill an empty database with demo data."""
        from dispatcher.demo import seed_demo
        from dispatcher.demo.status import is_empty

        if self.args.clients <= 0:
            raise UserError("--clients must be a positive number.")
        if self.args.if_empty:
            with self.sessions() as s:
                empty = is_empty(s)
            if not empty:
                self.emit(
                    {"skipped": True},
                    "The database already holds clients: not seeding again.",
                )
                return 0
        report = seed_demo(self.engine, clients=self.args.clients, seed=self.args.seed)
        data = asdict(report)
        self.emit(
            data,
            f"Seeded {report.clients} clients, {report.phones} phones, {report.orders} orders "
            f"in {report.seconds:.1f} s. Try: dispatch lookup '{report.sample_numbers[0]}'"
            if report.sample_numbers
            else f"Seeded {report.clients} clients in {report.seconds:.1f} s.",
        )
        return 0

    def lookup(self) -> int:
        """`dispatch lookup PHONE`: who owns a number, as the screen pop sees it."""
        with self.sessions() as s:
            result = lookup(s, self.args.phone, self.region)
        if result.status == "invalid":
            if self.args.json:
                self.emit(result.to_dict(), "")
            print(f"error: {result.query!r}: {result.message}", file=sys.stderr)
            return EXIT_USER_ERROR
        self.emit(result.to_dict(), describe_lookup(result))
        return 0

    def order(self) -> int:
        """`dispatch order create|deliver|close|reject|fail|reassign|show`."""
        a = self.args
        with unit_of_work(self.sessions) as s:
            order_id = self._order_operation(s, a)
            record = order_ops.order_details(s, order_id)
        task = record["task"]
        text = (
            f"Order #{record['id']} is {record['state']} (version {record['version']}), "
            f"total {format_money(record['total_kop'])}"
            + (f", task {task['uid']} for courier #{task['courier_id']}" if task else "")
        )
        self.emit(record, text)
        return 0

    def _order_operation(self, s: Session, a: argparse.Namespace) -> int:
        """Run the one operation the subcommand names; the number of the order it acted on."""
        actor, version = self.actor, getattr(a, "expected_version", None)
        if a.sub == "show":
            return int(a.id)
        if a.sub == "create":
            if not a.line:
                raise UserError("An order needs at least one --line CODE:QTY.")
            if (a.courier is None) != (a.date is None):
                raise UserError("To send the order to delivery give both --courier and --date.")
            new = order_ops.NewOrder(
                a.client, a.line, address_id=a.address, contact_id=a.contact, comment=a.comment
            )
            if a.courier is None:
                return order_ops.save_interest(s, new, actor=actor).id
            return order_ops.take_order(s, new, _slot(a), actor=actor).id
        if a.sub == "deliver":
            return order_ops.deliver(
                s, a.id, _slot(a), actor=actor, expected_version=version, address_id=a.address
            ).id
        if a.sub == "close":
            return order_ops.close(
                s,
                a.id,
                actor=actor,
                collected_kop=a.collected,
                bottles_returned=a.bottles,
                expected_version=version,
            ).id
        if a.sub == "reject":
            return order_ops.reject(
                s, a.id, reason=a.reason, actor=actor, why=a.why, expected_version=version
            ).id
        if a.sub == "fail":
            return order_ops.fail(
                s, a.id, reason=a.reason, actor=actor, expected_version=version
            ).id
        return order_ops.reassign(
            s,
            a.id,
            actor=actor,
            courier_id=a.courier,
            date=a.date,
            window=a.window,
            why=a.why,
            expected_version=version,
        ).id

    def demo(self) -> int:
        """`dispatch demo`: what the demo database holds, with a few lookups."""
        with self.sessions() as s:
            overview = catalog_ops.database_overview(s)
        self.out(
            f"Demo database {_safe_url(self.engine)}: {overview.clients} clients, "
            f"{overview.orders} orders, {overview.couriers} couriers."
        )
        for number in overview.sample_numbers:
            with self.sessions() as s:
                self.out(f"\n$ dispatch lookup '{number}'\n" + describe_lookup(lookup(s, number)))
        if sys.stdin.isatty():
            self.out("\nType a phone number to look it up (empty line to quit).")
            while True:
                try:
                    line = input("phone> ").strip()
                except EOFError:
                    break
                if not line:
                    break
                with self.sessions() as s:
                    self.out(describe_lookup(lookup(s, line, self.region)))
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


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    """Entry point of `dispatch` / `python -m dispatcher`; returns the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    engine: Engine | None = None
    try:
        url = normalize_url(args.db or default_db_url())
        engine = make_engine(url)
        return Cli(args, engine, out).run()
    except (DomainError, UserError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except exc.ArgumentError as err:
        print(f"error: {args.db!r} is not a database URL or file: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except exc.DBAPIError as err:
        logger.debug("database error", exc_info=True)
        print(f"error: cannot use the database: {err.orig}", file=sys.stderr)
        return EXIT_USER_ERROR
    except exc.NoSuchModuleError as err:
        print(f"error: unsupported database URL {args.db!r}: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    finally:
        if engine is not None:
            engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
