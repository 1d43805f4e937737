"""Planned calls on the desk: plan one, be reminded when it is due, do it through the line.

`ReminderScheduler` never reads whole tables: it asks the database for the signed-in
operator's next due moment (`plans.next_due`, one index probe) and arms a single-shot QTimer
for it. When it fires, the plans due by then are read and `due` is emitted; the scheduler
then arms for the next one after them. It re-arms when someone signs in, when this desk plans
a call, when the change watcher reports a change, and at the latest every minute (a plan
another desk made for us is found by the same probe). The clock is injected, so tests move
time instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.identity import Identity
from app.worker import DbWorker
from dispatcher.models import utcnow
from dispatcher.operations import plans
from dispatcher.operations.plans import Plan

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
# The longest the timer sleeps before probing again: plans other desks make for us.
MAX_WAIT_MS = 60_000


class ReminderScheduler(QObject):
    """Reminds the signed-in operator of their planned calls when they fall due.

    Signals:
        due(list): the plans (`Plan`) that fell due since the last reminder, earliest first.
        planned(object): a plan this desk made (`Plan`).
        done(object): a plan this desk completed (`Plan`).
        error(str): a database problem in words.
    """

    due = Signal(list)
    planned = Signal(object)
    done = Signal(object)
    error = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        identity: Identity,
        clock: Clock = utcnow,
        parent: QObject | None = None,
    ) -> None:
        """A scheduler for whoever signs in at ``identity``; call `arm` to start."""
        super().__init__(parent)
        self.worker, self.identity, self.clock = worker, identity, clock
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._on_timer_timeout)
        # Everything due up to this moment has been shown: the next probe looks after it.
        self.shown_until: dt.datetime | None = None
        self.next_due: dt.datetime | None = None
        identity.changed.connect(self._on_identity_changed)

    def arm(self) -> None:
        """Ask for the next due moment and set the timer for it."""
        actor = self.identity.actor
        if actor is None:
            self.timer.stop()
            return
        login, after = actor.login, self.shown_until
        self.worker.submit(
            lambda s: plans.next_due(s, login, after), self._set_timer, self.error.emit
        )

    def on_changed(self, _stamp: int = 0) -> None:
        """Slot for `ChangeWatcher.changed`: something changed, look again."""
        self.arm()

    def check_now(self) -> None:
        """Show what is due by the clock's now (the timer's work; tests call it too)."""
        actor = self.identity.actor
        if actor is None:
            return
        login, now = actor.login, self.clock()

        def read(session: object) -> list[Plan]:
            return plans.open_plans(session, responsible=login, due_by=now)  # type: ignore[arg-type]

        def shown(found: list[Plan]) -> None:
            since = self.shown_until
            fresh = [p for p in found if since is None or p.due_at > since]
            self.shown_until = now
            if fresh:
                self.due.emit(fresh)
            self.arm()

        self.worker.submit(read, shown, self.error.emit)

    def _set_timer(self, due_at: dt.datetime | None) -> None:
        self.next_due = due_at
        if due_at is None:
            self.timer.start(MAX_WAIT_MS)
            return
        wait_ms = max(0, int((due_at - self.clock()).total_seconds() * 1000))
        self.timer.start(min(wait_ms, MAX_WAIT_MS))

    def _on_timer_timeout(self) -> None:
        if self.next_due is not None and self.next_due <= self.clock():
            self.check_now()
        else:
            self.arm()

    def _on_identity_changed(self, _actor: object) -> None:
        # Another person at the desk: their overdue plans show at once.
        self.shown_until = None
        self.arm()

    # --- planning and doing -------------------------------------------------------------------

    def plan(
        self,
        client_id: int,
        due_at: dt.datetime,
        subject: str,
        responsible: str | None,
        planned_from: int | None = None,
    ) -> None:
        """Plan a call with a client (the responsible defaults to whoever is signed in).

        ``planned_from`` is the logged call (interaction) the plan follows from.
        """
        actor = self.identity.require()

        def write(session: object) -> Plan:
            return plans.plan_interaction(
                session,  # type: ignore[arg-type]
                client_id,
                due_at,
                subject,
                actor=actor,
                responsible=responsible or None,
                planned_from=planned_from,
            )

        def planned(plan: Plan) -> None:
            self.planned.emit(plan)
            self.arm()

        self.worker.submit(write, planned, self.error.emit)

    def call(self, plan: Plan, place_call: Callable[..., None]) -> None:
        """Do a plan: dial its client through the desk's line; the logged call completes it."""
        actor = self.identity.require()

        def logged(interaction_id: int) -> None:
            self.worker.submit(
                lambda s: plans.complete_plan(s, plan.id, actor=actor, call_id=interaction_id),
                self.done.emit,
                self.error.emit,
            )

        place_call(plan.number, logged=logged)
