"""Client operations: register a caller, fold duplicates into one client."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dispatcher import clients, merge
from dispatcher.clients import NewClient
from dispatcher.models import UserRole
from dispatcher.records import client_record
from dispatcher.users import Actor, require_role

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClientResult:
    """A client after an operation: its id and name."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The client kept and the duplicates folded into it."""

    kept_id: int
    merged_ids: tuple[int, ...]


def create_client(
    session: Session, data: NewClient, *, actor: Actor, region: str = "RU"
) -> ClientResult:
    """Register a client with phones and addresses; nothing is written if any part is bad."""
    client = clients.add_client(session, data, region)
    logger.info("client created", extra={"client_id": client.id, "actor": actor.login})
    return ClientResult(client.id, client.name)


def merge_clients(
    session: Session, keep_id: int, other_ids: Sequence[int], *, actor: Actor
) -> MergeResult:
    """Fold duplicates into the kept client, their history with them (shift leads, admins)."""
    require_role(actor, UserRole.LEAD, action="merge clients")
    kept = merge.merge_clients(session, keep_id, other_ids, actor=actor.login)
    session.flush()
    return MergeResult(kept.id, tuple(dict.fromkeys(other_ids)))


def client_details(session: Session, client_id: int) -> dict[str, Any]:
    """The client with phones, addresses and contacts, as `dispatch client` prints it."""
    return client_record(clients.get_client(session, client_id))
