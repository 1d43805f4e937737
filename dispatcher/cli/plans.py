"""`dispatch plan …`: planned calls (call the client back on Friday at 10:00 about the cooler)."""

from __future__ import annotations

from dataclasses import asdict

from dispatcher.cli.base import Cli, Command, Subparsers
from dispatcher.db import unit_of_work
from dispatcher.models import InteractionKind, utcnow
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
    pn = plan.add_parser("note", help="record an SMS, e-mail or meeting typed by hand")
    pn.add_argument("--client", type=int, required=True, metavar="ID")
    pn.add_argument("--kind", required=True, choices=_NOTE_KINDS)
    pn.add_argument("--text", required=True, metavar="TEXT")
    pr = plan.add_parser("review", help="review an interaction after a day, or mark it reviewed")
    pr.add_argument("id", type=int, metavar="ID")
    when = pr.add_mutually_exclusive_group(required=True)
    when.add_argument("--after", metavar="YYYY-MM-DD", help="review it after this day")
    when.add_argument("--reviewed", action="store_true", help="it has been reviewed")
    pj = plan.add_parser("journal", help="a client's or an operator's interactions")
    who = pj.add_mutually_exclusive_group(required=True)
    who.add_argument("--client", type=int, metavar="ID")
    who.add_argument("--operator", metavar="LOGIN")


_NOTE_KINDS = [
    k.value for k in (InteractionKind.SMS, InteractionKind.EMAIL, InteractionKind.MEETING)
]


def _entry_line(e: plans.JournalEntry) -> str:
    flags = []
    if e.planned:
        flags.append("planned" if e.done else "planned, open")
    if e.review_after is not None:
        flags.append(f"review after {e.review_after.astimezone(MOSCOW):%Y-%m-%d}")
    if e.reviewed:
        flags.append("reviewed")
    text = " / ".join((e.subject or e.notes or e.result).splitlines())  # one line per entry
    return (
        f"#{e.id:<5} {e.at.astimezone(MOSCOW):%Y-%m-%d %H:%M}  {e.kind.value:<7} "
        f"{e.operator:<12} #{e.client_id} {e.client_name}: {text}"
        + (f" [{', '.join(flags)}]" if flags else "")
    )


def _line(p: plans.Plan) -> str:
    state = "done" if p.done_at else "open"
    return (
        f"#{p.id:<5} {p.due_at.astimezone(MOSCOW):%Y-%m-%d %H:%M}  {p.responsible:<12} "
        f"#{p.client_id} {p.client_name}: {p.subject} ({state})"
    )


def run_plan(cli: Cli) -> int:
    """`dispatch plan add|list|done|note|review|journal`."""
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
        if a.sub == "note":
            note = plans.add_note(s, a.client, InteractionKind(a.kind), a.text, actor=actor)
            cli.emit(asdict(note), f"Noted {_entry_line(note)}")
            return 0
        if a.sub == "review":
            after = plans.parse_day(a.after) if a.after else None
            entry = plans.set_review(
                s, a.id, actor=actor, review_after=after, reviewed=True if a.reviewed else None
            )
            cli.emit(asdict(entry), _entry_line(entry))
            return 0
        if a.sub == "journal":
            if a.client is not None:
                lines = plans.journal(s, client_id=a.client)
            else:
                lines = plans.operator_journal(s, a.operator, actor=actor)
            cli.emit(
                [asdict(e) for e in lines],
                "\n".join(_entry_line(e) for e in lines) or "No interactions.",
            )
            return 0
        found = plans.open_plans(s, responsible=a.responsible, due_by=utcnow() if a.due else None)
    cli.emit([asdict(p) for p in found], "\n".join(_line(p) for p in found) or "No planned calls.")
    return 0


PLAN = Command("plan", add_plan_parser, run_plan)
