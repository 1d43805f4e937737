"""The desktop's relay: sends the outbox to the sync service and applies courier events back.

Three loops, each on its own thread with its own HTTP session:

* the sender claims outbox messages (a lease in the dispatcher database, so several relays
  never send one message twice), sends them in one batch request, and marks them sent only
  after the service confirmed them. A refused message (400/422) is marked failed with the
  reason and kept for the admin; no connection, a timeout or a 5xx releases the claims and
  retries after an exponential backoff with jitter. When idle it looks at the outbox every
  `poll_interval` seconds (50 ms by default), or at once when the desktop calls `wake()`
  after a commit that wrote outbox messages.
* the puller long-polls the events feed after the cursor saved in the dispatcher database
  and applies each page through `dispatcher.courier_events` in one transaction together
  with the new cursor, so every event is applied exactly once even across crashes. Only the
  relay holding the feed lease (`dispatcher.feed_lease`) pulls: with many desks on one
  database the others stand by and take over within seconds when it stops or dies.
* the portal puller does the same, under the same lease, with the client portal's feed
  (`portal_relay`); ``portal.*`` messages go to the portal batch in the sender's rounds,
  and each round first queues the invited clients' changed orders.

The desktop reads `status()` or passes `on_status`, called from the relay's threads.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

import courier_sync.client.portal_relay as portal_relay
from courier_sync.client.api import (
    NotServedError,
    RejectedError,
    SyncApi,
    SyncError,
    TransientError,
)
from courier_sync.client.backoff import Backoff
from courier_sync.client.status import RelayStatus
from courier_sync.contract import FeedEvent, Task, TaskCancel
from dispatcher import courier_events, feed_lease, outbox
from dispatcher.db import unit_of_work
from dispatcher.errors import DomainError
from dispatcher.models import OutboxMessage, utcnow

logger = logging.getLogger(__name__)

# A service without the portal (an older one) is asked again this rarely, and quietly.
PORTAL_NOT_SERVED_RETRY = 60.0


@dataclass(frozen=True)
class RelaySettings:
    """How the relay reaches the service and paces itself."""

    sync_url: str
    api_key: str = field(repr=False)  # the site key: never in a repr, hence in no log
    batch_size: int = 200
    poll_interval: float = 0.05
    lease: float = 30.0
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    feed_wait: float = 20.0
    feed_limit: int = 200
    backoff_base: float = 0.25
    backoff_cap: float = 5.0
    # The feed lease: a holder silent this long is taken over by a standing-by relay, which
    # looks at the lease every `standby_interval` seconds.
    feed_lease: float = 10.0
    standby_interval: float = 1.0
    # How often an idle sender recounts the queue for the status display.
    status_interval: float = 1.0
    # Allow an http:// URL to another machine (clear text; see courier_sync.client.api).
    insecure: bool = False
    # A PEM file of the CA that signed the service's certificate; "" = the system's store.
    ca_file: str = ""
    # Relay the client portal too (a service without the portal answers 404 to its feed).
    portal: bool = True
    owner: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    )


@dataclass
class RoundResult:
    """What one send round did."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0


def _operation(message: outbox.Claimed) -> dict[str, Any]:
    """The batch item for a message, validated against the contract (ValueError if not)."""
    if message.topic == outbox.TOPIC_TASK_UPSERT:
        return {
            "op": "upsert",
            "task": Task.model_validate(message.payload).model_dump(mode="json"),
        }
    if message.topic == outbox.TOPIC_TASK_CANCEL:
        cancel = TaskCancel.model_validate(message.payload)
        return {"op": "cancel", "cancel": cancel.model_dump(mode="json")}
    raise ValueError(f"unknown outbox topic {message.topic!r}")


def _incoming(entry: FeedEvent) -> courier_events.IncomingEvent:
    event = entry.event
    return courier_events.IncomingEvent(
        cursor=entry.cursor,
        courier_id=entry.courier_id,
        event_id=event.event_id,
        task_uid=event.task_id,
        kind=event.kind,
        at=event.at.astimezone(dt.UTC),
        collected_kop=event.collected_kop,
        bottles_returned=event.bottles_returned,
        reason=event.reason,
        proposed_time=event.proposed_time,
        complaint=event.complaint,
        payload=event.model_dump(mode="json"),
    )


class Relay:
    """Outbox sender and events puller for one dispatcher database and one sync service."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: RelaySettings,
        on_status: Callable[[RelayStatus], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.on_status = on_status
        self._status = RelayStatus()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sender_api = self._api()
        self._feed_api = self._api()
        self._feed_held = False
        self._portal_api = self._api()
        self._publisher = portal_relay.ChangePublisher()

    def _api(self) -> SyncApi:
        s = self.settings
        return SyncApi(
            s.sync_url,
            s.api_key,
            s.connect_timeout,
            s.read_timeout,
            insecure=s.insecure,
            ca_file=s.ca_file,
        )

    # ------------------------------------------------------------------ status
    def status(self) -> RelayStatus:
        """The state to show on the desktop."""
        with self._lock:
            return self._status

    def _update(self, **changes: Any) -> None:
        with self._lock:
            before = self._status
            self._status = replace(before, **changes)
            after = self._status
        if after != before and self.on_status is not None:
            try:
                self.on_status(after)
            except Exception:  # a broken display must not stop the relay
                logger.exception("relay status callback failed")

    def _ok(self) -> None:
        self._update(connected=True, last_error="", last_success_at=utcnow())

    def _trouble(self, error: str, connected: bool = False) -> None:
        logger.warning("relay: %s", error)
        self._update(connected=connected, last_error=error)

    def refresh_queue(self) -> None:
        """Recount waiting and refused messages for the status."""
        with self.sessions() as session:
            length = outbox.queue_length(session)
            refused = outbox.failed_count(session)
        self._update(queue_length=length, failed_count=refused)

    # ------------------------------------------------------------------ sending
    def wake(self) -> None:
        """Look at the outbox now (call after committing a change that wrote messages)."""
        self._wake.set()

    def send_round(self) -> RoundResult:
        """Claim, send and settle one batch; TransientError if the service is unreachable."""
        s = self.settings
        result = RoundResult()
        if s.portal:
            self._publisher.publish(self.sessions)
        with self.sessions() as session:
            claimed = outbox.claim(session, s.owner, s.batch_size, dt.timedelta(seconds=s.lease))
            session.commit()
        result.claimed = len(claimed)
        if not claimed:
            return result
        sendable: list[tuple[outbox.Claimed, dict[str, Any]]] = []
        to_portal: list[tuple[int, dict[str, Any]]] = []
        refused: list[tuple[int, str]] = []
        for message in claimed:
            try:
                if portal_relay.is_portal(message):
                    to_portal.append((message.id, portal_relay.portal_item(message)))
                else:
                    sendable.append((message, _operation(message)))
            except (ValueError, ValidationError) as exc:
                refused.append((message.id, f"invalid payload, not sent: {exc}"))
        sent: list[int] = []
        pending = [m.id for m, _ in sendable] + [i for i, _ in to_portal]
        try:
            if sendable:
                sent, more_refused = self._send(sendable)
                refused += more_refused
            if to_portal:
                portal_sent, more_refused = portal_relay.send_portal(self._sender_api, to_portal)
                sent += portal_sent
                refused += more_refused
        except TransientError as exc:
            done = set(sent) | {i for i, _ in refused}
            with unit_of_work(self.sessions) as session:
                outbox.mark_sent(session, sent)
                for message_id, error in refused:
                    outbox.mark_failed(session, message_id, error)
                retry = [i for i in pending if i not in done]
                outbox.mark_retry(session, retry, s.owner, str(exc), utcnow())
            raise
        self._settle(claimed, sent, refused)
        result.sent, result.failed = len(sent), len(refused)
        if refused:
            self._update(last_error=f"{len(refused)} message(s) refused: {refused[-1][1]}"[:500])
        return result

    def _send(
        self, sendable: list[tuple[outbox.Claimed, dict[str, Any]]]
    ) -> tuple[list[int], list[tuple[int, str]]]:
        api = self._sender_api
        try:
            api.batch([op for _, op in sendable])
            return [m.id for m, _ in sendable], []
        except RejectedError as exc:
            if len(sendable) == 1:
                return [], [(sendable[0][0].id, f"refused by the sync service: {exc}")]
        # Some item of the batch was refused: send them one by one to find which.
        sent: list[int] = []
        refused: list[tuple[int, str]] = []
        for message, op in sendable:
            try:
                if op["op"] == "upsert":
                    api.upsert(op["task"])
                else:
                    api.cancel(op["cancel"])
                sent.append(message.id)
            except RejectedError as exc:
                refused.append((message.id, f"refused by the sync service: {exc}"))
            except TransientError:
                # Settle what is known before retrying the rest.
                self._settle([m for m, _ in sendable], sent, refused)
                raise
        return sent, refused

    def _settle(
        self, claimed: list[outbox.Claimed], sent: list[int], refused: list[tuple[int, str]]
    ) -> None:
        """Record confirmed and refused messages in one transaction."""
        done = set(sent)
        with unit_of_work(self.sessions) as session:
            outbox.mark_sent(session, sent)
            outbox.mark_tasks_sent(
                session,
                [m.key for m in claimed if m.id in done and m.topic == outbox.TOPIC_TASK_UPSERT],
            )
            for message_id, error in refused:
                outbox.mark_failed(session, message_id, error)

    # ------------------------------------------------------------------ events
    def take_feed(self) -> bool:
        """Take or renew the feed lease; False while another desk's relay pulls the feed."""
        lease = dt.timedelta(seconds=self.settings.feed_lease)
        with unit_of_work(self.sessions) as session:
            held = feed_lease.take(session, self.settings.owner, lease)
        if held != self._feed_held:
            logger.info("relay: %s the courier feed", "pulling" if held else "standing by for")
            self._feed_held = held
        return held

    def release_feed(self) -> None:
        """Give the feed lease up so a standing-by relay takes over at once."""
        with unit_of_work(self.sessions) as session:
            feed_lease.release(session, self.settings.owner)
        self._feed_held = False

    def pull_events(self, wait: float = 0.0) -> int:
        """Read one page of the feed and apply it; returns how many events it applied.

        Call it while holding the feed lease (`take_feed`): the page is applied only if the
        lease is still this relay's when the applying transaction starts.
        """
        with self.sessions() as session:
            after = courier_events.feed_cursor(session)
        try:
            feed = self._feed_api.events(after, self.settings.feed_limit, wait)
        except ValidationError as exc:
            raise TransientError(f"the events feed is malformed: {exc}") from exc
        if not feed.events:
            return 0
        with unit_of_work(self.sessions) as session:
            if not feed_lease.renew(session, self.settings.owner):
                # The lease lapsed during the poll and another relay took over: it applies.
                logger.info("relay: the feed lease moved to another desk; page left to it")
                self._feed_held = False
                return 0
            # Re-read under the lease's lock: a previous holder may have applied past `after`.
            done = courier_events.feed_cursor(session)
            incoming = [_incoming(e) for e in feed.events if e.cursor > done]
            courier_events.apply_events(session, incoming)
        return len(incoming)

    def pull_portal(self, wait: float = 0.0) -> int:
        """Read one page of the portal feed and apply it; returns how many items it held."""
        s = self.settings
        return portal_relay.pull_portal(self._portal_api, self.sessions, s.feed_limit, wait)

    # ------------------------------------------------------------------ one shot
    def run_once(self, attempts: int = 3) -> dict[str, int]:
        """Send everything sendable, then apply every waiting event; TransientError if down."""
        totals = {"sent": 0, "failed": 0, "events": 0}
        backoff = self._backoff()
        errors = 0
        while True:
            try:
                round_ = self.send_round()
            except TransientError as exc:
                errors += 1
                self._trouble(str(exc))
                if errors >= attempts:
                    raise
                self._stop.wait(backoff.next())
                continue
            self._ok()
            totals["sent"] += round_.sent
            totals["failed"] += round_.failed
            if round_.claimed == 0:
                break
        if self.take_feed():
            try:
                while True:
                    count = self.pull_events(0)
                    totals["events"] += count
                    if count == 0:
                        break
                while self.settings.portal:
                    try:
                        count = self.pull_portal(0)
                    except NotServedError:  # a service without the portal: nothing to pull
                        break
                    totals["portal_events"] = totals.get("portal_events", 0) + count
                    if count == 0:
                        break
            finally:
                self.release_feed()  # a one-shot run must not keep the feed from the desks
        self.refresh_queue()
        return totals

    # ------------------------------------------------------------------ threads
    def _backoff(self) -> Backoff:
        return Backoff(self.settings.backoff_base, self.settings.backoff_cap)

    def _sender_loop(self) -> None:
        backoff = self._backoff()
        idle_since_count = 0.0
        while not self._stop.is_set():
            try:
                round_ = self.send_round()
            except TransientError as exc:
                self._trouble(str(exc))
                self._stop.wait(backoff.next())
                continue
            except (SQLAlchemyError, DomainError) as exc:
                self._trouble(f"dispatcher database: {exc}", connected=self.status().connected)
                self._stop.wait(backoff.next())
                continue
            backoff.reset()
            if round_.claimed:
                self._ok()
                self._safe_refresh()
                continue
            idle_since_count += self.settings.poll_interval
            if idle_since_count >= self.settings.status_interval:
                idle_since_count = 0.0
                self._safe_refresh()
            self._wake.wait(self.settings.poll_interval)
            self._wake.clear()

    def _safe_refresh(self) -> None:
        try:
            self.refresh_queue()
        except SQLAlchemyError as exc:
            logger.warning("relay: cannot count the outbox: %s", exc)

    def _portal_loop(self) -> None:
        self._feed_loop(self.pull_portal, "portal item", quiet_missing=True)

    def _courier_loop(self) -> None:
        self._feed_loop(self.pull_events, "courier event")

    def _feed_loop(
        self, pull: Callable[[float], int], what: str, quiet_missing: bool = False
    ) -> None:
        backoff = self._backoff()
        # Renewed before every poll: the poll must end well before the lease would lapse.
        wait = min(self.settings.feed_wait, self.settings.feed_lease / 2)
        while not self._stop.is_set():
            try:
                if not self.take_feed():
                    self._stop.wait(self.settings.standby_interval)
                    continue
                count = pull(wait)
            except SyncError as exc:
                if quiet_missing and isinstance(exc, NotServedError):
                    logger.info("relay: no portal on the sync service: %s", exc)
                    self._stop.wait(PORTAL_NOT_SERVED_RETRY)
                    continue
                if self._stop.is_set():
                    break  # the long poll outlived stop(): its answer is no one's trouble
                self._trouble(str(exc))
                self._stop.wait(backoff.next())
                continue
            except (SQLAlchemyError, DomainError) as exc:
                # The database is busy or away: the transaction was rolled back, so reading
                # the same page again is safe.
                logger.info("relay: applying events failed, retrying: %s", exc)
                self._stop.wait(backoff.next())
                continue
            backoff.reset()
            self._ok()
            if count:
                logger.info("relay: applied %d %s(s)", count, what)

    def start(self) -> None:
        """Run the sender and the puller on background threads until `stop()`."""
        self._stop.clear()
        self._safe_refresh()
        loops = [("relay-sender", self._sender_loop), ("relay-feed", self._courier_loop)]
        if self.settings.portal:
            loops.append(("relay-portal", self._portal_loop))
        for name, target in loops:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loops and give up this relay's claims so another relay can go on at once."""
        self._stop.set()
        self._wake.set()
        self._feed_api.close()
        self._portal_api.close()
        for thread in self._threads:
            # The feed thread may sit in a long poll for up to `feed_wait` seconds: it is a
            # daemon holding nothing uncommitted worth waiting for, so give it a moment only.
            thread.join(timeout if thread.name == "relay-sender" else min(timeout, 1.0))
        self._threads.clear()
        try:
            with unit_of_work(self.sessions) as session:
                outbox.release(session, self.settings.owner)
                feed_lease.release(session, self.settings.owner)
        except SQLAlchemyError as exc:
            logger.warning("relay: could not release claims: %s", exc)
        self._sender_api.close()

    def wait(self) -> None:
        """Block until the loops end (used by the headless `courier-sync relay`)."""
        while any(t.is_alive() for t in self._threads):
            for thread in self._threads:
                thread.join(0.5)


def failed_messages(sessions: sessionmaker[Session], limit: int = 100) -> list[OutboxMessage]:
    """Messages the service refused, for the admin's view."""
    with sessions() as session:
        return outbox.failed(session, limit)
