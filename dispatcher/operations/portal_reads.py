"""What the desk shows about the portal: who of a client may sign in, a complaint's photos.

Reads only; the portal's actions are in `dispatcher.operations.portal`. What the desk knows
of access is its invitations: the portal itself decides whether a code was redeemed, so an
unrevoked invitation means "may sign in" (its code valid until it expires or is used).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.errors import NotFoundError
from dispatcher.models import (
    Client,
    ClientKind,
    ComplaintAttachment,
    Contact,
    PortalInvitation,
    utcnow,
)
from dispatcher.users import Actor


class AccessState(StrEnum):
    """Where a person stands with the portal, as far as the desk knows."""

    NONE = "none"  # never invited
    PENDING = "pending"  # invited; the code still works (until used or expired)
    INVITED = "invited"  # invited; the code expired: an account made with it still works
    REVOKED = "revoked"  # access ended from the desk


@dataclass(frozen=True, slots=True)
class PortalPerson:
    """One person of a client (the client itself for a private one) and their portal access."""

    contact_id: int | None
    name: str
    state: AccessState
    invited_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    """A file attached to a complaint, without its bytes."""

    id: int
    name: str
    content_type: str
    size: int
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    """A complaint's file with its bytes (for the viewer)."""

    id: int
    name: str
    content_type: str
    data: bytes


def _state(latest: PortalInvitation | None, now: dt.datetime) -> AccessState:
    if latest is None:
        return AccessState.NONE
    if latest.revoked_at is not None:
        return AccessState.REVOKED
    return AccessState.PENDING if latest.expires_at > now else AccessState.INVITED


def portal_access(
    session: Session, client_id: int, *, actor: Actor, now: dt.datetime | None = None
) -> list[PortalPerson]:
    """The client's people who could be invited, each with their latest invitation's state."""
    del actor  # any signed-in user sees it on the card
    now = now or utcnow()
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError.of("Client #{client_id} does not exist.", client_id=client_id)
    latest: dict[int | None, PortalInvitation] = {}
    for row in session.scalars(
        select(PortalInvitation)
        .where(PortalInvitation.client_id == client.id)
        .order_by(PortalInvitation.created_at, PortalInvitation.id)
    ):
        latest[row.contact_id] = row  # the newest invitation of each person wins
    if client.kind is ClientKind.COMPANY:
        contacts = session.scalars(
            select(Contact).where(Contact.client_id == client.id).order_by(Contact.name)
        )
        people = [(c.id, c.name) for c in contacts]
    else:
        people = [(None, client.name)]
    out = []
    for contact_id, name in people:
        row = latest.get(contact_id)
        out.append(
            PortalPerson(
                contact_id,
                name,
                _state(row, now),
                row.created_at if row else None,
                row.expires_at if row else None,
                row.revoked_at if row else None,
            )
        )
    return out


def complaint_attachments(
    session: Session, complaint_id: int, *, actor: Actor
) -> list[AttachmentRow]:
    """A complaint's files (portal claims' photos), oldest first, without their bytes."""
    del actor  # whoever may open the complaint may see its photos
    rows = session.execute(
        select(
            ComplaintAttachment.id,
            ComplaintAttachment.name,
            ComplaintAttachment.content_type,
            ComplaintAttachment.size,
            ComplaintAttachment.created_at,
        )
        .where(ComplaintAttachment.complaint_id == complaint_id)
        .order_by(ComplaintAttachment.id)
    )
    return [AttachmentRow(*row) for row in rows]


def attachment_file(session: Session, attachment_id: int, *, actor: Actor) -> AttachmentFile:
    """One attached file with its bytes."""
    del actor
    row = session.get(ComplaintAttachment, attachment_id)
    if row is None:
        raise NotFoundError.of(
            "Attachment #{attachment_id} does not exist.", attachment_id=attachment_id
        )
    return AttachmentFile(row.id, row.name, row.content_type, bytes(row.data))
