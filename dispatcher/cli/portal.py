"""`dispatch client invite|revoke-portal` and `dispatch portal queue|confirm`: the client portal."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from dispatcher import portal
from dispatcher.catalog import format_money
from dispatcher.cli.base import Cli, Command, Subparsers
from dispatcher.db import unit_of_work
from dispatcher.moscow import MOSCOW
from dispatcher.operations import portal as ops

CLIENT_SUBCOMMANDS = ("invite", "revoke-portal")


def add_client_portal_parsers(client: Subparsers) -> None:
    """`client invite` and `client revoke-portal` (added to the `client` group)."""
    ci = client.add_parser("invite", help="invite a client's person to the portal (prints a code)")
    ci.add_argument("client_id", type=int)
    ci.add_argument("--contact", type=int, metavar="ID", help="the company's contact person")
    cr = client.add_parser("revoke-portal", help="end a client's (person's) portal access")
    cr.add_argument("client_id", type=int)
    cr.add_argument("--contact", type=int, metavar="ID", help="only this contact person")


def run_client_portal(cli: Cli) -> int:
    """`dispatch client invite|revoke-portal`."""
    a = cli.args
    with unit_of_work(cli.sessions) as s:
        actor = cli.require_actor()
        if a.sub == "invite":
            found = ops.invite_to_portal(
                s, a.client_id, contact_id=a.contact, actor=actor, portal_url=portal.portal_url()
            )
        else:
            revoked = ops.revoke_portal(s, a.client_id, contact_id=a.contact, actor=actor)
    if a.sub == "invite":
        record = {
            "invitation_id": found.invitation_id,
            "client_id": found.client_id,
            "contact_id": found.contact_id,
            "code": found.code,
            "link": found.link,
            "expires_at": found.expires_at.isoformat(),
        }
        until = found.expires_at.astimezone(MOSCOW)
        text = (
            f"Invitation #{found.invitation_id} for {found.person_name} "
            f"(valid until {until:%d.%m.%Y %H:%M}):\n{found.link}\ncode: {found.code}"
        )
        cli.emit(record, text)
    else:
        people = ", ".join(f"contact #{c}" if c else "the client" for c in revoked.contact_ids)
        cli.emit(
            {"client_id": revoked.client_id, "contact_ids": list(revoked.contact_ids)},
            f"Portal access of client #{revoked.client_id} revoked: {people}",
        )
    return 0


def add_portal_parser(sub: Subparsers) -> None:
    """Add `portal` and its subcommands."""
    group = sub.add_parser("portal", help="orders from the client portal").add_subparsers(
        dest="sub", required=True
    )
    group.add_parser("queue", help="portal orders waiting for confirmation, oldest first")
    pc = group.add_parser("confirm", help="confirm a portal order (to delivery when possible)")
    pc.add_argument("order_id", type=int)
    pc.add_argument("--interest", action="store_true", help="keep it an interest")


def _queue_record(row: ops.QueueRow) -> dict[str, Any]:
    return asdict(row)


def _queue_line(row: ops.QueueRow) -> str:
    window = (
        f" {row.window_start:%H:%M}-{row.window_end:%H:%M}"
        if row.window_start and row.window_end
        else ""
    )
    day = f"{row.date:%d.%m.%Y}{window}" if row.date else "?"
    return (
        f"#{row.order_id} {row.client_name} {row.phone} на {day}: {row.items} "
        f"= {format_money(row.total_kop, ' ')}"
    )


def run_portal(cli: Cli) -> int:
    """`dispatch portal queue|confirm`."""
    a = cli.args
    with unit_of_work(cli.sessions) as s:
        actor = cli.require_actor()
        if a.sub == "queue":
            rows = ops.portal_queue(s, actor=actor)
            text = "\n".join(_queue_line(r) for r in rows) or "No portal orders wait."
            cli.emit([_queue_record(r) for r in rows], text)
            return 0
        done = ops.confirm_portal_order(s, a.order_id, actor=actor, deliver=not a.interest)
    record = asdict(done) | {"state": done.state.value}
    if done.courier_name:
        text = f"Order #{done.order_id} sent to {done.courier_name} for {done.date:%d.%m.%Y}"
    else:
        text = f"Order #{done.order_id} confirmed as an interest ({done.why_interest})"
    cli.emit(record, text)
    return 0


PORTAL = Command("portal", add_portal_parser, run_portal)
