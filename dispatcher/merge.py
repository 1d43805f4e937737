"""Merging duplicate clients into one, keeping every phone, address, order and call."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dispatcher.errors import NotFoundError, ValidationError
from dispatcher.models import Address, Client, Contact, Interaction, Order, Phone, utcnow
from dispatcher.orders import MOSCOW
from dispatcher.search_index import index_clients

logger = logging.getLogger(__name__)


def merge_clients(
    session: Session, keep_id: int, other_ids: Sequence[int], *, actor: str
) -> Client:
    """Fold duplicates into the kept client: their history moves over, they point to it.

    Phones, contacts, addresses, orders and calls are re-pointed to the kept client (courier
    tasks refer to orders, so they follow). A client-level phone the kept client already has
    is not copied a second time. The merged clients stay in the table with merged_into_id
    set, so old references still resolve; the kept client's notes record who merged what.
    """
    others = list(dict.fromkeys(other_ids))
    if not others:
        raise ValidationError.of("Choose at least one duplicate to merge.")
    if keep_id in others:
        raise ValidationError.of(
            "Client #{client_id} cannot be merged into itself.", client_id=keep_id
        )
    keep = session.get(Client, keep_id)
    if keep is None:
        raise NotFoundError.of("Client #{client_id} does not exist.", client_id=keep_id)
    if keep.merged_into_id is not None:
        raise ValidationError.of(
            "Client #{client_id} was already merged into #{target_id}: keep that one.",
            client_id=keep_id,
            target_id=keep.merged_into_id,
        )
    duplicates: list[Client] = []
    for other_id in others:
        other = session.get(Client, other_id)
        if other is None:
            raise NotFoundError.of("Client #{client_id} does not exist.", client_id=other_id)
        if other.merged_into_id is not None:
            raise ValidationError.of(
                "Client #{client_id} ({name}) was already merged into #{target_id}.",
                client_id=other_id,
                name=other.name,
                target_id=other.merged_into_id,
            )
        duplicates.append(other)

    # Client-level numbers the kept client has: the same number is not stored twice on it.
    have = set(
        session.scalars(
            select(Phone.e164).where(Phone.client_id == keep.id, Phone.contact_id.is_(None))
        )
    )
    for phone in session.scalars(
        select(Phone)
        .where(Phone.client_id.in_(others), Phone.contact_id.is_(None))
        .order_by(Phone.id)
    ):
        if phone.e164 in have:
            session.delete(phone)
        else:
            have.add(phone.e164)
    session.flush()

    # Contacts keep their own phones and delivery points (contact_id stays); only the
    # owning client changes.
    for model in (Phone, Contact, Address, Order, Interaction):
        session.execute(
            update(model)
            .where(model.client_id.in_(others))  # type: ignore[attr-defined]
            .values(client_id=keep.id)
            .execution_options(synchronize_session="fetch")
        )
    # Clients merged earlier into one of the duplicates now point at the kept client.
    session.execute(
        update(Client)
        .where(Client.merged_into_id.in_(others))
        .values(merged_into_id=keep.id)
        .execution_options(synchronize_session="fetch")
    )

    when = utcnow().astimezone(MOSCOW)
    who = actor or "unknown"
    lines = []
    for other in duplicates:
        other.merged_into_id = keep.id
        other.notes = (
            f"{other.notes}\nMerged into #{keep.id} ({keep.name}) by {who} "
            f"on {when:%d.%m.%Y %H:%M}."
        ).strip()
        # The kept client inherits what it lacks, never overwrites what it has.
        if keep.inn is None and other.inn:
            keep.inn = other.inn
        if keep.price_list_id is None and other.price_list_id is not None:
            keep.price_list_id = other.price_list_id
        inn = f", INN {other.inn}" if other.inn else ""
        lines.append(f"#{other.id} {other.name}{inn}")
    keep.notes = (
        f"{keep.notes}\n{when:%d.%m.%Y %H:%M} {who} merged duplicates into this client: "
        + "; ".join(lines)
        + "."
    ).strip()
    session.flush()
    # The bulk UPDATEs above bypass the flush hook that keeps the search words: the kept
    # client now answers to its duplicates' names, contacts and addresses, they to none.
    index_clients(session.connection(), [keep.id, *others])
    # The collections loaded before the bulk updates are stale.
    session.expire(keep, ["phones", "addresses", "contacts"])
    for other in duplicates:
        session.expire(other, ["phones", "addresses", "contacts"])
    logger.info("clients merged", extra={"client_id": keep.id, "merged": others, "actor": who})
    return keep
