"""What the desk shows about the portal: people's access on the card, a complaint's photos;
and who may cut a whole company off."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dispatcher import portal_events
from dispatcher.db import unit_of_work
from dispatcher.errors import NotFoundError, PermissionDenied
from dispatcher.models import UserRole, utcnow
from dispatcher.operations import portal as ops
from dispatcher.operations.portal_reads import (
    AccessState,
    attachment_file,
    complaint_attachments,
    portal_access,
)
from dispatcher.portal_events import IncomingPortalEvent
from dispatcher.users import Actor
from tests.dispatcher.conftest import World

OPERATOR = Actor("olga", "Ольга", UserRole.OPERATOR)
LEAD = Actor("lead", "Старший смены", UserRole.LEAD)


def test_the_card_tells_who_may_sign_in_pending_expired_and_revoked(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        [person] = portal_access(s, world.person_id, actor=OPERATOR)
        assert (person.contact_id, person.state) == (None, AccessState.NONE)
        [contact] = portal_access(s, world.company_id, actor=OPERATOR)
        assert contact.name == "Смирнов Олег" and contact.state is AccessState.NONE
        invitation = ops.invite_to_portal(
            s, world.company_id, contact_id=world.company_contact_id, actor=OPERATOR
        )
    with unit_of_work(sessions) as s:
        [contact] = portal_access(s, world.company_id, actor=OPERATOR)
        assert contact.state is AccessState.PENDING and contact.expires_at == invitation.expires_at
        later = invitation.expires_at + dt.timedelta(minutes=1)
        [contact] = portal_access(s, world.company_id, actor=OPERATOR, now=later)
        assert contact.state is AccessState.INVITED  # the code expired; an account stays
        ops.revoke_portal(s, world.company_id, contact_id=world.company_contact_id, actor=OPERATOR)
    with unit_of_work(sessions) as s:
        [contact] = portal_access(s, world.company_id, actor=OPERATOR)
        assert contact.state is AccessState.REVOKED and contact.revoked_at is not None


def test_only_a_lead_cuts_off_all_of_a_companys_people_at_once(
    sessions: sessionmaker[Session], world: World
) -> None:
    with unit_of_work(sessions) as s:
        ops.invite_to_portal(
            s, world.company_id, contact_id=world.company_contact_id, actor=OPERATOR
        )
    with unit_of_work(sessions) as s, pytest.raises(PermissionDenied, match="company's people"):
        ops.revoke_portal(s, world.company_id, actor=OPERATOR)
    with unit_of_work(sessions) as s:
        revoked = ops.revoke_portal(s, world.company_id, actor=LEAD)
        assert revoked.contact_ids == (world.company_contact_id,)


def test_a_claims_photos_are_listed_without_bytes_and_opened_one_by_one(
    sessions: sessionmaker[Session], world: World
) -> None:
    claim = {
        "claim_id": "claim-0002",
        "order_id": None,
        "text": "Бутыль с трещиной",
        "lines": [],
        "photos": [{"photo_id": "p1", "content_type": "image/png", "size": 4}],
    }
    event = IncomingPortalEvent(
        cursor=1,
        event_id=uuid.uuid4().hex,
        kind="claim",
        client_id=world.person_id,
        contact_id=None,
        at=utcnow(),
        payload=claim,
        account_id=7,
        photos={"p1": b"\x89PNG"},
    )
    with unit_of_work(sessions) as s:
        complaint_id = portal_events.apply_event(s, event).target_id or 0
    with sessions() as s:
        [row] = complaint_attachments(s, complaint_id, actor=OPERATOR)
        assert (row.content_type, row.size) == ("image/png", 4)
        assert attachment_file(s, row.id, actor=OPERATOR).data == b"\x89PNG"
        with pytest.raises(NotFoundError):
            attachment_file(s, row.id + 100, actor=OPERATOR)
