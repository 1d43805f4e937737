"""The desk's side of the portal: published items applied in order, the feed, claims' photos.

Every item is idempotent: a repeat changes nothing and an older `version` never overwrites a
newer one, so the relay may resend a batch after a lost answer.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, insert, or_, select, update

from courier_sync.portal_contract import (
    ClaimItem,
    ClientItem,
    InviteItem,
    OrderItem,
    PortalBatch,
    PortalBatchResult,
    PortalItemResult,
    ReplyItem,
    RevokeItem,
)
from courier_sync.server.db import reading, writing
from courier_sync.server.models import (
    PortalAccount,
    PortalClaim,
    PortalClientRow,
    PortalFeedRow,
    PortalInvitation,
    PortalMessage,
    PortalOrderRow,
    PortalPhoto,
    PortalSession,
    utcnow,
)

logger = logging.getLogger(__name__)

invitations = PortalInvitation.__table__
accounts = PortalAccount.__table__
sessions = PortalSession.__table__
clients = PortalClientRow.__table__
orders = PortalOrderRow.__table__
feed = PortalFeedRow.__table__
claims = PortalClaim.__table__
photos = PortalPhoto.__table__
messages = PortalMessage.__table__


def _person(table: Any, client_id: int, contact_id: int | None) -> Any:
    return and_(
        table.c.client_id == client_id,
        table.c.contact_id.is_(None) if contact_id is None else table.c.contact_id == contact_id,
    )


def _invite(conn: Connection, item: InviteItem) -> bool:
    p = item.payload
    if conn.execute(select(invitations.c.id).where(invitations.c.id == p.invitation_id)).first():
        return False
    now = utcnow()
    newer = conn.execute(
        select(invitations.c.id).where(
            _person(invitations, p.client_id, p.contact_id), invitations.c.id > p.invitation_id
        )
    ).first()
    conn.execute(
        insert(invitations).values(
            id=p.invitation_id,
            client_id=p.client_id,
            contact_id=p.contact_id,
            person_name=p.person_name,
            code_sha256=p.code_sha256,
            expires_at=p.expires_at,
            created_at=now,
            # An invitation that arrives after a newer one for the same person is void at once.
            voided_at=now if newer else None,
        )
    )
    conn.execute(
        update(invitations)
        .where(
            _person(invitations, p.client_id, p.contact_id),
            invitations.c.id < p.invitation_id,
            invitations.c.used_at.is_(None),
            invitations.c.voided_at.is_(None),
        )
        .values(voided_at=now)
    )
    return True


def _revoke(conn: Connection, item: RevokeItem) -> bool:
    """Void invitations, disable accounts and end sessions of the person (no contact: all)."""
    p = item.payload
    now = utcnow()

    def of_person(table: Any) -> Any:
        if p.contact_id is None:
            return table.c.client_id == p.client_id
        return _person(table, p.client_id, p.contact_id)

    voided = conn.execute(
        update(invitations)
        .where(of_person(invitations), invitations.c.voided_at.is_(None))
        .values(voided_at=now)
    ).rowcount
    ids = list(conn.execute(select(accounts.c.id).where(of_person(accounts))).scalars())
    disabled = ended = 0
    if ids:
        disabled = conn.execute(
            update(accounts)
            .where(accounts.c.id.in_(ids), accounts.c.disabled_at.is_(None))
            .values(disabled_at=now)
        ).rowcount
        ended = conn.execute(delete(sessions).where(sessions.c.account_id.in_(ids))).rowcount
    logger.info(
        "portal access of client %d revoked: %d invitation(s), %d account(s), %d session(s)",
        p.client_id,
        voided,
        disabled,
        ended,
    )
    return bool(voided or disabled or ended)


def _client(conn: Connection, item: ClientItem) -> bool:
    p = item.payload
    current = conn.execute(
        select(clients.c.version).where(clients.c.client_id == p.client_id)
    ).scalar()
    values = {"version": p.version, "payload": p.model_dump_json(), "updated_at": utcnow()}
    if current is None:
        conn.execute(insert(clients).values(client_id=p.client_id, **values))
        return True
    if current >= p.version:
        return False
    conn.execute(update(clients).where(clients.c.client_id == p.client_id).values(**values))
    return True


def order_payload(
    items: list[dict[str, Any]],
    window_start: str | None,
    window_end: str | None,
    total_kop: int,
    note: str = "",
    comment: str = "",
    repeat_of: int | None = None,
) -> str:
    """The JSON kept with an order row: what the page shows besides the columns."""
    return json.dumps(
        {
            "items": items,
            "window_start": window_start,
            "window_end": window_end,
            "total_kop": total_kop,
            "note": note,
            "comment": comment,
            "repeat_of": repeat_of,
        },
        ensure_ascii=False,
    )


def _order(conn: Connection, item: OrderItem) -> bool:
    p = item.payload
    found = [orders.c.order_id == p.order_id]
    if p.request_id is not None:
        # The desk's first publication of a portal order links the row the page made.
        found.append(and_(orders.c.request_id == p.request_id, orders.c.order_id.is_(None)))
    row = conn.execute(select(orders).where(orders.c.client_id == p.client_id, or_(*found))).first()
    if row is not None and row.version >= p.version:
        return False
    kept = json.loads(row.payload) if row is not None else {}
    values = {
        "order_id": p.order_id,
        "version": p.version,
        "state": p.state,
        "order_date": p.date,
        "payload": order_payload(
            [i.model_dump() for i in p.items],
            p.window_start,
            p.window_end,
            p.total_kop,
            p.note,
            kept.get("comment", ""),
            kept.get("repeat_of"),
        ),
        "updated_at": p.updated_at,
    }
    if row is None:
        conn.execute(
            insert(orders).values(
                client_id=p.client_id, request_id=p.request_id, created_at=p.updated_at, **values
            )
        )
    else:
        conn.execute(update(orders).where(orders.c.id == row.id).values(**values))
    return True


def _reply(conn: Connection, item: ReplyItem) -> bool:
    p = item.payload
    message_id = f"reply:{p.reply_id}"
    if conn.execute(select(messages.c.id).where(messages.c.message_id == message_id)).first():
        return False
    conn.execute(
        insert(messages).values(
            message_id=message_id,
            client_id=p.client_id,
            direction="out",
            author=p.author,
            text=p.text,
            reply_to=p.message_id,
            at=p.at,
        )
    )
    return True


def _claim(conn: Connection, item: ClaimItem) -> bool:
    p = item.payload
    changed = conn.execute(
        update(claims)
        .where(
            claims.c.claim_id == p.claim_id,
            claims.c.client_id == p.client_id,
            or_(
                claims.c.complaint_id.is_(None),
                claims.c.complaint_id != p.complaint_id,
                claims.c.status != p.status,
                claims.c.result != p.result,
            ),
        )
        .values(complaint_id=p.complaint_id, status=p.status, result=p.result)
    ).rowcount
    return bool(changed)


_APPLY = {
    "portal.invite": _invite,
    "portal.revoke": _revoke,
    "portal.client": _client,
    "portal.order": _order,
    "portal.reply": _reply,
    "portal.claim": _claim,
}


def apply_batch(engine: Engine, batch: PortalBatch) -> PortalBatchResult:
    """Apply the items in order in one transaction; one result per item."""
    results = []
    with writing(engine) as conn:
        for item in batch.items:
            applied = _APPLY[item.topic](conn, item)  # type: ignore[operator]
            results.append(
                PortalItemResult(topic=item.topic, key=item.payload.key, applied=applied)
            )
    return PortalBatchResult(results=results)


def feed_page(engine: Engine, after: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Feed events after the cursor, oldest first, and the cursor to ask from next."""
    with reading(engine) as conn:
        rows = conn.execute(
            select(feed).where(feed.c.cursor > after).order_by(feed.c.cursor).limit(limit)
        ).all()
    events = [
        {
            "cursor": r.cursor,
            "event_id": r.event_id,
            "kind": r.kind,
            "client_id": r.client_id,
            "contact_id": r.contact_id,
            "account_id": r.account_id,
            "at": r.at.isoformat(),
            "payload": json.loads(r.payload),
        }
        for r in rows
    ]
    return events, (rows[-1].cursor if rows else after)


def photo(engine: Engine, photo_id: str) -> tuple[str, bytes] | None:
    """A claim photo's content type and bytes, for the desk."""
    with reading(engine) as conn:
        row = conn.execute(
            select(photos.c.content_type, photos.c.data).where(photos.c.photo_id == photo_id)
        ).first()
    return None if row is None else (row.content_type, bytes(row.data))
