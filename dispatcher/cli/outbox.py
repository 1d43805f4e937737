"""`dispatch outbox status|failed|retry`: messages for the courier sync service."""

from __future__ import annotations

from dispatcher import outbox
from dispatcher.cli.base import Cli, Command, Subparsers
from dispatcher.db import unit_of_work


def add_outbox_parser(sub: Subparsers) -> None:
    """Add `outbox` and its subcommands."""
    ob = sub.add_parser("outbox", help="messages for the courier sync service").add_subparsers(
        dest="sub", required=True
    )
    ob.add_parser("status", help="how many messages wait, and how many the service refused")
    obf = ob.add_parser("failed", help="list the messages the service refused, with its reason")
    obf.add_argument("--limit", type=int, default=100)
    obr = ob.add_parser("retry", help="put refused messages back in the queue (all, or by id)")
    obr.add_argument("ids", type=int, nargs="*", help="message ids; none = every refused one")


def run_outbox(cli: Cli) -> int:
    """`dispatch outbox status|failed|retry`: what waits to be sent, what was refused."""
    a = cli.args
    with unit_of_work(cli.sessions) as s:
        if a.sub == "status":
            waiting, refused = outbox.queue_length(s), outbox.failed_count(s)
            cli.emit(
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
            cli.emit(rows, text or "No refused messages.")
        else:
            count = outbox.retry_failed(s, a.ids or None)
            cli.emit(
                {"requeued": count},
                f"{count} message(s) put back in the queue; the relay sends them next.",
            )
    return 0


OUTBOX = Command("outbox", add_outbox_parser, run_outbox)
