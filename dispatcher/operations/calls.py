"""The caller pop-up's operations: who is calling, a client picked by hand, a merge on the call."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.lookup import LookupResult, lookup, lookup_caller
from dispatcher.models import OPEN_COMPLAINT_STATUSES, Client, Complaint, ComplaintReason
from dispatcher.operations.clients import merge_clients
from dispatcher.users import Actor

logger = logging.getLogger(__name__)


def look_up_caller(session: Session, number: str, region: str = "RU") -> LookupResult | None:
    """The caller's clients, duplicates and deliveries; None for a withheld number.

    ``number`` is telephony's normalised caller id: read as it is, not parsed a second time.
    """
    return with_complaints(session, lookup_caller(session, number, region)) if number else None


def with_complaints(session: Session, result: LookupResult | None) -> LookupResult | None:
    """The result with each matched client's open complaints, to flag them at the pop.

    One statement over the (client_id, id) index for the few matched clients.
    """
    if result is None or not result.matches:
        return result
    ids = {match.client.id for match in result.matches}
    found: dict[int, list[str]] = {}
    rows = session.execute(
        select(Complaint.client_id, Complaint.id, ComplaintReason.name)
        .join(ComplaintReason, ComplaintReason.id == Complaint.reason_id)
        .where(Complaint.client_id.in_(ids), Complaint.status.in_(OPEN_COMPLAINT_STATUSES))
        .order_by(Complaint.id)
    )
    for client_id, complaint_id, reason in rows:
        found.setdefault(client_id, []).append(f"{reason} (#{complaint_id})")
    if not found:
        return result
    matches = tuple(
        dataclasses.replace(m, open_complaints=tuple(found.get(m.client.id, ())))
        for m in result.matches
    )
    return dataclasses.replace(result, matches=matches)


def show_client(
    session: Session, client_id: int, number: str | None = None, region: str = "RU"
) -> LookupResult | None:
    """A client picked from search results, shown as if its number had called.

    None when the client has no phone to look up by.
    """
    client = session.get(Client, client_id)
    if client is None or not client.phones:
        return None
    return with_complaints(session, lookup(session, number or client.phones[0].raw, region))


def merge_callers(
    session: Session,
    keep_id: int,
    other_ids: Sequence[int],
    number: str,
    *,
    actor: Actor,
    region: str = "RU",
) -> LookupResult:
    """Fold the duplicates shown for a caller into one client, and show the caller again.

    Shift leads and admins only (see `merge_clients`).
    """
    merge_clients(session, keep_id, other_ids, actor=actor)
    return lookup(session, number, region)
