"""`dispatch order …` and `dispatch reason …`: orders through their life, and reject reasons."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from dispatcher import orders
from dispatcher.catalog import format_money
from dispatcher.cli.base import (
    Cli,
    Command,
    Subparsers,
    UserError,
    date_arg,
    line_arg,
    money_arg,
    window_arg,
)
from dispatcher.db import unit_of_work
from dispatcher.models import new_uid
from dispatcher.operations import orders as order_ops


def add_order_parser(sub: Subparsers) -> None:
    """Add `order` and its subcommands."""
    order = sub.add_parser("order", help="orders").add_subparsers(dest="sub", required=True)
    oc = order.add_parser("create", help="capture an order (and send it when a slot is given)")
    oc.add_argument("--client", type=int, required=True)
    oc.add_argument("--line", type=line_arg, action="append", default=[], help="CODE:QTY")
    oc.add_argument("--address", type=int)
    oc.add_argument("--contact", type=int)
    oc.add_argument("--comment", default="")
    oc.add_argument(
        "--idempotency-key",
        metavar="KEY",
        help="run again with the same KEY after a failure: the order is taken once (default: new)",
    )
    _slot_args(oc, required=False)
    od = order.add_parser("deliver", help="send an interest to delivery")
    _order_id_args(od)
    od.add_argument("--address", type=int)
    _slot_args(od, required=True)
    ocl = order.add_parser("close", help="close a delivered order")
    _order_id_args(ocl)
    ocl.add_argument("--collected", type=money_arg, help="roubles collected by the courier")
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
    ore.add_argument("--date", type=date_arg)
    ore.add_argument("--window", type=window_arg)
    ore.add_argument("--why", default="")
    oe = order.add_parser(
        "edit", help="change lines, address, comment or payment (a delivery keeps its task)"
    )
    _order_id_args(oe)
    oe.add_argument(
        "--line",
        type=line_arg,
        action="append",
        default=[],
        help="CODE:QTY sets that product's quantity (0 removes it); other lines stay",
    )
    oe.add_argument("--address", type=int, help="one of the client's delivery addresses")
    oe.add_argument("--comment", help="the new comment for the courier ('' clears it)")
    oe.add_argument("--payment", choices=["cash", "invoice"])
    ocn = order.add_parser("cancel", help="cancel an interest or a delivery (client's request)")
    _order_id_args(ocn)
    ocn.add_argument("--reason", required=True, help="why, e.g. the client's request")
    osh = order.add_parser("show", help="show an order with its audit trail")
    osh.add_argument("id", type=int)


def _order_id_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", type=int, help="order number")
    p.add_argument(
        "--expected-version", type=int, help="refuse if the order changed since this version"
    )


def _slot_args(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--courier", type=int, required=required)
    p.add_argument("--date", type=date_arg, required=required, help="YYYY-MM-DD, or today/tomorrow")
    p.add_argument("--window", type=window_arg, help="HH:MM-HH:MM")


def _slot(args: argparse.Namespace) -> orders.Slot:
    start, end = args.window if args.window else (None, None)
    return orders.Slot(args.courier, args.date, start, end)


def _edited_lines(
    s: Session, order_id: int, given: list[orders.LineInput]
) -> list[orders.LineInput] | None:
    """The order's lines with the given quantities set (0 removes); None when none given."""
    if not given:
        return None
    record = order_ops.order_details(s, order_id)
    current = {line["product_code"]: int(line["qty"]) for line in record["lines"]}
    for line in given:
        current[line.product_code] = line.qty
    return [orders.LineInput(code, qty) for code, qty in current.items() if qty != 0]


def _edit(cli: Cli, s: Session) -> int:
    a = cli.args
    if not (a.line or a.address is not None or a.comment is not None or a.payment):
        raise UserError("Say what to change: --line CODE:QTY, --address, --comment or --payment.")
    return order_ops.edit_order(
        s,
        a.id,
        lines=_edited_lines(s, a.id, a.line),
        address_id=a.address,
        comment=a.comment,
        payment_method=a.payment,
        actor=cli.require_actor(),
        expected_version=a.expected_version,
    ).id


def run_order(cli: Cli) -> int:
    """`dispatch order create|deliver|close|reject|fail|reassign|edit|cancel|show`."""
    with unit_of_work(cli.sessions) as s:
        order_id = _order_operation(cli, s)
        record = order_ops.order_details(s, order_id)
    task = record["task"]
    text = (
        f"Order #{record['id']} is {record['state']} (version {record['version']}), "
        f"total {format_money(record['total_kop'])}"
        + (f", task {task['uid']} for courier #{task['courier_id']}" if task else "")
    )
    cli.emit(record, text)
    return 0


def _order_operation(cli: Cli, s: Session) -> int:
    """Run the one operation the subcommand names; the number of the order it acted on."""
    a = cli.args
    actor, version = cli.require_actor(), getattr(a, "expected_version", None)
    if a.sub == "show":
        return int(a.id)
    if a.sub == "edit":
        return _edit(cli, s)
    if a.sub == "cancel":
        return order_ops.cancel_order(
            s, a.id, reason=a.reason, actor=cli.require_actor(), expected_version=version
        ).id
    if a.sub == "create":
        if not a.line:
            raise UserError("An order needs at least one --line CODE:QTY.")
        if (a.courier is None) != (a.date is None):
            raise UserError("To send the order to delivery give both --courier and --date.")
        new = order_ops.NewOrder(
            a.client,
            a.line,
            address_id=a.address,
            contact_id=a.contact,
            comment=a.comment,
            idempotency_key=a.idempotency_key or new_uid(),
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
        return order_ops.fail(s, a.id, reason=a.reason, actor=actor, expected_version=version).id
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


def add_reason_parser(sub: Subparsers) -> None:
    """Add `reason` and its subcommands."""
    reason = sub.add_parser("reason", help="reject reasons").add_subparsers(
        dest="sub", required=True
    )
    reason.add_parser("list", help="list reject reasons")
    ra = reason.add_parser("add", help="add a reject reason")
    ra.add_argument("name")
    rr = reason.add_parser("remove", help="stop offering a reject reason")
    rr.add_argument("id", type=int)


def run_reason(cli: Cli) -> int:
    """`dispatch reason list|add|remove`: the editable reject reasons."""
    a = cli.args
    with unit_of_work(cli.sessions) as s:
        if a.sub == "add":
            rows = [asdict(order_ops.add_reject_reason(s, a.name, actor=cli.require_actor()))]
        elif a.sub == "remove":
            rows = [asdict(order_ops.remove_reject_reason(s, a.id, actor=cli.require_actor()))]
        else:
            rows = [asdict(r) for r in order_ops.list_reject_reasons(s)]
    data: Any = rows if a.sub == "list" else rows[0]
    cli.emit(data, "\n".join(f"#{r['id']:<3} {r['name']}" for r in rows))
    return 0


ORDER = Command("order", add_order_parser, run_order)
REASON = Command("reason", add_reason_parser, run_reason)
