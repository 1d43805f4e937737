"""`dispatch complaint add|list|resolve|reasons`: clients' complaints, acting as ``--user``."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from dispatcher.cli.base import Cli, Command, Subparsers, date_arg
from dispatcher.complaints import ComplaintRow
from dispatcher.db import unit_of_work
from dispatcher.models import ComplaintPriority, ComplaintRemedy
from dispatcher.moscow import MOSCOW
from dispatcher.operations import complaints as ops


def add_complaint_parser(sub: Subparsers) -> None:
    """Add `complaint` and its subcommands."""
    complaint = sub.add_parser("complaint", help="clients' complaints").add_subparsers(
        dest="sub", required=True
    )
    ca = complaint.add_parser("add", help="register a client's complaint")
    ca.add_argument("--client", type=int, required=True, metavar="ID")
    ca.add_argument("--order", type=int, action="append", default=[], metavar="ID")
    ca.add_argument("--reason", required=True, metavar="TEXT", help="a reason of the list")
    ca.add_argument("--text", required=True, metavar="TEXT", help="what the client says")
    ca.add_argument("--guilty-dept", default="", metavar="NAME")
    ca.add_argument("--guilty", default="", metavar="LOGIN|NAME", help="the guilty person")
    ca.add_argument("--responsible", default="", metavar="LOGIN")
    ca.add_argument("--deadline", type=date_arg, metavar="YYYY-MM-DD")
    ca.add_argument("--priority", choices=[p.value for p in ComplaintPriority], default="normal")
    ca.add_argument("--remedy", choices=[r.value for r in ComplaintRemedy], default="none")
    ca.add_argument("--confirmed-by", metavar="LOGIN", help="the lead confirming (see README)")
    cl = complaint.add_parser("list", help="complaints, overdue ones first")
    cl.add_argument("--overdue", action="store_true", help="only open ones past their deadline")
    cl.add_argument("--client", type=int, metavar="ID")
    cl.add_argument("--open", action="store_true", help="only open ones")
    cl.add_argument("--search", default="", metavar="WORDS", help="client, text or reason words")
    cr = complaint.add_parser("resolve", help="resolve a complaint with its result")
    cr.add_argument("id", type=int)
    cr.add_argument("--result", required=True, metavar="TEXT")
    verdict = cr.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--satisfied", dest="satisfied", action="store_true")
    verdict.add_argument("--not-satisfied", dest="satisfied", action="store_false")
    complaint.add_parser("reasons", help="the complaint reasons and their standard hours")


def _record(row: ComplaintRow) -> dict[str, Any]:
    record = asdict(row)
    record["client"] = record.pop("client_name")
    record["order_ids"] = list(row.order_ids)
    return record


def _line(row: ComplaintRow) -> str:
    flag = " ПРОСРОЧЕНА" if row.overdue else ""
    deadline = row.deadline.astimezone(MOSCOW)
    return (
        f"#{row.id} [{row.status.value}]{flag} до {deadline:%d.%m.%Y %H:%M}  "
        f"{row.client_name}: {row.reason} — {row.description}"
    )


def run_complaint(cli: Cli) -> int:
    """`dispatch complaint add|list|resolve|reasons`."""
    a: argparse.Namespace = cli.args
    with unit_of_work(cli.sessions) as s:
        actor = cli.require_actor()
        if a.sub == "reasons":
            reasons = ops.list_complaint_reasons(s, actor=actor)
            cli.emit(
                [asdict(r) for r in reasons],
                "\n".join(f"{r.id:>3} {r.name} ({r.hours} ч)" for r in reasons),
            )
            return 0
        if a.sub == "list":
            rows = ops.list_complaints(
                s,
                actor=actor,
                text=a.search,
                client_id=a.client,
                open_only=a.open,
                overdue=a.overdue,
            )
            text = "\n".join(_line(r) for r in rows) or "No complaints."
            cli.emit([_record(r) for r in rows], text)
            return 0
        if a.sub == "add":
            row = ops.register_complaint(
                s,
                a.client,
                a.reason,
                a.text,
                actor=actor,
                order_ids=a.order,
                guilty_department=a.guilty_dept,
                guilty_person=a.guilty,
                responsible=a.responsible,
                priority=a.priority,
                remedy=a.remedy,
                deadline=a.deadline,
                confirmed_by=a.confirmed_by,
            )
        else:
            row = ops.resolve_complaint(s, a.id, a.result, a.satisfied, actor=actor)
    cli.emit(_record(row), _line(row))
    return 0


COMPLAINT = Command("complaint", add_complaint_parser, run_complaint)
