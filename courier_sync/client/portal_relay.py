"""The relay's portal part (docs/portal.md): portal.* outbox items, published order changes,
and the portal feed applied through `dispatcher.portal_events`.

The sender (`courier_sync.client.relay`) routes ``portal.*`` messages here in the same round as
courier tasks; `ChangePublisher` queues the invited clients' changed orders before each round
(a cheap read of the change stamp first, so an idle desk writes nothing); `pull_portal` reads
one page of the portal feed, fetches claim photos, and applies the page with its cursor in one
transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from courier_sync.client.api import RejectedError, SyncApi, TransientError
from courier_sync.portal_contract import PortalBatchItem, PortalClaimPayload, PortalFeedEvent
from dispatcher import outbox, portal, portal_events
from dispatcher.changes import change_stamp
from dispatcher.db import unit_of_work

logger = logging.getLogger(__name__)

_ITEM: TypeAdapter[Any] = TypeAdapter(PortalBatchItem)


def is_portal(message: outbox.Claimed) -> bool:
    """Whether an outbox message goes to the portal batch rather than the tasks batch."""
    return message.topic.startswith(portal.TOPIC_PREFIX)


def portal_item(message: outbox.Claimed) -> dict[str, Any]:
    """The portal batch item for a message, validated (ValidationError if the contract refuses)."""
    item = _ITEM.validate_python({"topic": message.topic, "payload": message.payload})
    dumped: dict[str, Any] = item.model_dump(mode="json")
    return dumped


def send_portal(
    api: SyncApi, items: list[tuple[int, dict[str, Any]]]
) -> tuple[list[int], list[tuple[int, str]]]:
    """Send portal items; (sent ids, refused (id, reason)). TransientError when unreachable."""
    try:
        api.portal_batch([item for _, item in items])
        return [i for i, _ in items], []
    except RejectedError as exc:
        if len(items) == 1:
            return [], [(items[0][0], f"refused by the sync service: {exc}")]
    sent: list[int] = []
    refused: list[tuple[int, str]] = []
    for message_id, item in items:  # one by one, to find the refused one
        try:
            api.portal_batch([item])
            sent.append(message_id)
        except RejectedError as exc:
            refused.append((message_id, f"refused by the sync service: {exc}"))
    return sent, refused


class ChangePublisher:
    """Queues invited clients' changed orders when the change stamp moved since last time."""

    def __init__(self) -> None:
        """A publisher that looks at the change log on its first call."""
        self._stamp: int | None = None

    def publish(self, sessions: sessionmaker[Session]) -> int:
        """Queue the changed orders; returns how many were queued."""
        with sessions() as session:
            stamp = change_stamp(session)
        if stamp == self._stamp:
            return 0
        try:
            with unit_of_work(sessions) as session:
                count = portal.publish_changes(session)
        except IntegrityError:
            # Another relay saved the first cursor at the same moment: its round publishes.
            logger.info("portal changes published by another relay")
            return 0
        self._stamp = stamp
        return count


def _incoming(api: SyncApi, entry: PortalFeedEvent) -> portal_events.IncomingPortalEvent:
    photos: dict[str, bytes] = {}
    if isinstance(entry.payload, PortalClaimPayload):
        for photo in entry.payload.photos:
            photos[photo.photo_id] = api.portal_photo(photo.photo_id)
    return portal_events.IncomingPortalEvent(
        cursor=entry.cursor,
        event_id=entry.event_id,
        kind=entry.kind,
        client_id=entry.client_id,
        contact_id=entry.contact_id,
        account_id=entry.account_id,
        at=entry.at.astimezone(dt.UTC),
        payload=entry.payload.model_dump(mode="json"),
        photos=photos,
    )


def pull_portal(
    api: SyncApi, sessions: sessionmaker[Session], limit: int = 200, wait: float = 0.0
) -> int:
    """Read one page of the portal feed and apply it; returns how many items it held."""
    with sessions() as session:
        after = portal_events.feed_cursor(session)
    try:
        feed = api.portal_feed(after, limit, wait)
    except ValidationError as exc:
        raise TransientError(f"the portal feed is malformed: {exc}") from exc
    if not feed.events:
        return 0
    # Photos are fetched before the transaction: no database lock is held over the network.
    incoming = [_incoming(api, entry) for entry in feed.events]
    with unit_of_work(sessions) as session:
        portal_events.apply_events(session, incoming)
    return len(incoming)
