"""`dispatch courier …`: who delivers, their capacity, working days and hours."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import asdict

from sqlalchemy.orm import Session

from dispatcher import couriers
from dispatcher.cli.base import Cli, Command, Subparsers
from dispatcher.db import unit_of_work
from dispatcher.errors import ValidationError
from dispatcher.operations import couriers as courier_ops


def _days_arg(text: str) -> int:
    try:
        return couriers.parse_days(text)
    except ValidationError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _hours_arg(text: str) -> tuple[dt.time, dt.time] | None:
    if text.strip().casefold() == "any":
        return None
    try:
        return couriers.parse_hours(text)
    except ValidationError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_courier_parser(sub: Subparsers) -> None:
    """Add `courier` and its subcommands."""
    courier = sub.add_parser("courier", help="couriers").add_subparsers(dest="sub", required=True)
    cra = courier.add_parser("add", help="register a courier")
    cra.add_argument("--name", required=True)
    cra.add_argument("--phone", default="")
    cra.add_argument("--capacity", type=int, default=40)
    courier.add_parser("list", help="list couriers")
    ce = courier.add_parser("edit", help="change a courier, their working days and hours")
    ce.add_argument("id", type=int, metavar="ID")
    active = ce.add_mutually_exclusive_group()
    active.add_argument("--active", dest="active", action="store_true", default=None)
    active.add_argument("--inactive", dest="active", action="store_false")
    ce.add_argument("--days", type=_days_arg, help="working days: mon,tue,wed,thu,fri,sat,sun")
    ce.add_argument(
        "--hours",
        type=_hours_arg,
        default=argparse.SUPPRESS,
        help="working hours HH:MM-HH:MM, or 'any'",
    )
    ce.add_argument("--capacity", type=int, help="bottles per trip")
    ce.add_argument("--name")
    ce.add_argument("--phone")


def run_courier(cli: Cli) -> int:
    """`dispatch courier add|list|edit`."""
    a = cli.args
    with unit_of_work(cli.sessions) as s:
        if a.sub == "add":
            added = courier_ops.add_courier(
                s, a.name, a.phone, a.capacity, region=cli.region, actor=cli.require_actor()
            )
            cli.emit(asdict(added), f"Courier #{added.id} {added.name}")
            return 0
        if a.sub == "edit":
            return _edit(cli, s)
        rows = [asdict(c) for c in courier_ops.list_couriers(s)]
    cli.emit(rows, "\n".join(f"#{c['id']:<4} {c['name']} {c['phone']}" for c in rows))
    return 0


def _edit(cli: Cli, s: Session) -> int:
    a = cli.args
    actor = cli.require_actor()
    hours = getattr(a, "hours", False)  # absent: unchanged; None: any time
    edit = courier_ops.CourierEdit(
        name=a.name,
        phone=a.phone,
        capacity=a.capacity,
        work_days=a.days,
        hours=hours or None,
        any_hours=hours is None,
    )
    if edit != courier_ops.CourierEdit():
        changed = courier_ops.edit_courier(s, a.id, edit, region=cli.region, actor=actor)
    else:  # only --active/--inactive, or nothing: the courier as they are
        changed = courier_ops.courier_details(s, a.id)
    if a.active is True and not changed.active:
        changed = courier_ops.activate_courier(s, a.id, actor=actor)
    elif a.active is False and changed.active:
        changed = courier_ops.deactivate_courier(s, a.id, actor=actor)
    state = "active" if changed.active else "inactive"
    hours_text = changed.hours or "any time"
    cli.emit(
        asdict(changed),
        f"Courier #{changed.id} {changed.name}: {state}, {changed.capacity} bottles, "
        f"{changed.days}, {hours_text}",
    )
    return 0


COURIER = Command("courier", add_courier_parser, run_courier)
