"""`dispatch plan …`: planned calls (call the client back on Friday at 10:00 about the cooler)."""

from __future__ import annotations

from dataclasses import asdict

from dispatcher.cli.base import Cli, Command, Subparsers
from dispatcher.db import unit_of_work
from dispatcher.models import utcnow
from dispatcher.moscow import MOSCOW
from dispatcher.operations import plans


def add_plan_parser(sub: Subparsers) -> None:
    """Add `plan` and its subcommands."""
    plan = sub.add_parser("plan", help="planned calls").add_subparsers(dest="sub", required=True)
    pa = plan.add_parser("add", help="plan a call to a client")
    pa.add_argument("--client", type=int, required=True, metavar="ID")
    pa.add_argument("--at", required=True, help='"YYYY-MM-DD HH:MM", Moscow time')
    pa.add_argument("--subject", required=True, metavar="TEXT")
    pa.add_argument("--responsible", metavar="LOGIN", help="who calls (default: you)")
    pl = plan.add_parser("list", help="open planned calls, the earliest first")
    pl.add_argument("--due", action="store_true", help="only those due now")
    pl.add_argument("--responsible", metavar="LOGIN", help="one operator's (default: all)")
    pd = plan.add_parser("done", help="mark a planned call done")
    pd.add_argument("id", type=int, metavar="ID")
    pd.add_argument("--notes", default="", metavar="TEXT")


def _line(p: plans.Plan) -> str:
    state = "done" if p.done_at else "open"
    return (
        f"#{p.id:<5} {p.due_at.astimezone(MOSCOW):%Y-%m-%d %H:%M}  {p.responsible:<12} "
        f"#{p.client_id} {p.client_name}: {p.subject} ({state})"
    )


def run_plan(cli: Cli) -> int:
    """`dispatch plan add|list|done`."""
    a = cli.args
    actor = cli.require_actor()
    with unit_of_work(cli.sessions) as s:
        if a.sub == "add":
            added = plans.plan_interaction(
                s,
                a.client,
                plans.parse_due(a.at),
                a.subject,
                actor=actor,
                responsible=a.responsible,
            )
            cli.emit(asdict(added), f"Planned {_line(added)}")
            return 0
        if a.sub == "done":
            done = plans.complete_plan(s, a.id, actor=actor, notes=a.notes)
            cli.emit(asdict(done), f"Done {_line(done)}")
            return 0
        found = plans.open_plans(s, responsible=a.responsible, due_by=utcnow() if a.due else None)
    cli.emit([asdict(p) for p in found], "\n".join(_line(p) for p in found) or "No planned calls.")
    return 0


PLAN = Command("plan", add_plan_parser, run_plan)
