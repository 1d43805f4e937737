"""The board's state: the day, what the database says about it, the selected card, the moves.

The board is read through `DbWorker` (never on the GUI thread), at most one read in flight:
a change announced while a read runs asks for one more read when it is back. Changes come
from the change watcher's ``changed`` signal (any desk, any courier's phone) and are
debounced, so a burst of changes costs one read. Moves go through the board operations
with the signed-in actor and the version the board showed (optimistic lock): a refusal is
shown as the operation's message and the board is read again, so the lead sees the current
state. Calling a client dials through the workspace's line (the intake's ``place_call``,
which logs the call).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, SignalInstance
from sqlalchemy.orm import Session

from app.identity import Identity
from app.portal_presenter import confirmed_text
from app.worker import DbWorker
from dispatcher.board import BoardDay, BoardTask, Problem, ProblemKind
from dispatcher.board_live import LiveBoard
from dispatcher.moscow import moscow_today
from dispatcher.operations import board as board_ops
from dispatcher.operations import portal as portal_ops

logger = logging.getLogger(__name__)

REFRESH_DEBOUNCE_MS = 100
Window = tuple[dt.time | None, dt.time | None]
Dial = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Selected:
    """The selected item: a problem in a queue, or a delivery in a courier's column."""

    order_id: int
    kind: ProblemKind | None = None  # set for a queue line
    courier_id: int | None = None  # set for a card

    def to_text(self) -> str:
        """The item as a drag carries it: "order;kind;courier"."""
        kind = self.kind.value if self.kind is not None else ""
        courier = "" if self.courier_id is None else str(self.courier_id)
        return f"{self.order_id};{kind};{courier}"

    @classmethod
    def from_text(cls, text: str) -> Selected | None:
        """The item a drag carried, or None for anything else."""
        try:
            order, kind, courier = text.split(";")
            return cls(
                int(order), ProblemKind(kind) if kind else None, int(courier) if courier else None
            )
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Target:
    """What a move names: the order, its version, and what it was (interest or delivery)."""

    order_id: int
    version: int
    interest: bool  # a failed or not-sent interest: sent out again rather than moved
    courier_id: int | None
    day: dt.date | None
    window: Window


class BoardViewModel(QObject):
    """One day of deliveries per courier with the problem queues, and the lead's moves.

    Signals:
        changed(): the board, the day, the selection, the message or the busy state changed.
        open_order_requested(int): Enter on an item: open the order in the order panel.
    """

    changed = Signal()
    open_order_requested = Signal(int)

    def __init__(
        self,
        worker: DbWorker,
        identity: Identity,
        dial: Dial,
        *,
        watcher: SignalInstance | None = None,
        today: Callable[[], dt.date] = moscow_today,
        parent: QObject | None = None,
    ) -> None:
        """A board over ``worker`` acting as ``identity``; ``dial`` places a logged call.

        ``watcher`` is a change signal (the change watcher's ``changed``): the board re-reads
        after it, debounced.
        """
        super().__init__(parent)
        self.worker = worker
        self.identity = identity
        self.dial = dial
        self.today = today
        self.day: dt.date = today()
        self.board: BoardDay | None = None
        # The day's cards between reads: a change re-reads only the orders it touched.
        self.live = LiveBoard(self.day)
        self.selected: Selected | None = None
        self.message = ""
        self.message_ok = True
        self.moving = 0
        self.reads = 0  # reads done (tests and the benchmark wait on it)
        self._reading = False
        self._again = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(REFRESH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        if watcher is not None:
            watcher.connect(self.on_data_changed)

    # ---- reading ----------------------------------------------------------------------------

    def on_data_changed(self, stamp: int = 0, *_args: Any) -> None:
        """Something changed somewhere: read again shortly (a burst costs one read).

        Stamp -1 (the watcher reconnected: changes may have gone unheard) reads the whole day.
        """
        if stamp == -1:
            self.live.reset()  # the next read (or the one after the read in flight) is whole
        self._debounce.start()

    def refresh(self) -> None:
        """Read the day's board; with a read already in flight, one more follows it."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        day, live = self.day, self.live
        self.worker.submit(
            lambda s: live.read(s), lambda b: self._on_read(day, b), self._on_read_failed
        )

    def _on_read(self, day: dt.date, board: BoardDay) -> None:
        self._reading = False
        self.reads += 1
        if day == self.day:
            self.board = board
            self._keep_selection()
            self.changed.emit()
        self._read_again()

    def _on_read_failed(self, message: str) -> None:
        self._reading = False
        self._say(message, False)
        self._read_again()

    def _read_again(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def _keep_selection(self) -> None:
        """The same order stays selected when it moved (another queue, another courier)."""
        selected = self.selected
        if selected is None or self.board is None:
            return
        places = self._places(selected.order_id)
        if selected in places or not places:
            self.selected = selected if selected in places else None
            return
        self.selected = places[0]

    def _places(self, order_id: int) -> list[Selected]:
        board = self.board
        if board is None:
            return []
        places = [
            Selected(p.order_id, kind=p.kind) for p in board.problems if p.order_id == order_id
        ]
        for column in board.columns:
            for task in column.tasks:
                if task.order_id == order_id:
                    places.append(Selected(order_id, courier_id=column.courier_id))
        return places

    # ---- the day and the selection -------------------------------------------------------------

    def set_day(self, day: dt.date) -> None:
        """Show another day (the selection goes: it was on the other day)."""
        if day == self.day:
            return
        self.day = day
        self.live = LiveBoard(day)
        self.board = None
        self.selected = None
        self.changed.emit()
        self.refresh()

    def next_day(self) -> None:
        """The day after."""
        self.set_day(self.day + dt.timedelta(days=1))

    def previous_day(self) -> None:
        """The day before."""
        self.set_day(self.day - dt.timedelta(days=1))

    def go_today(self) -> None:
        """Back to today."""
        self.set_day(self.today())

    def select(self, selected: Selected | None) -> None:
        """Select a queue line or a card (None: nothing)."""
        if selected != self.selected:
            self.selected = selected
            self.changed.emit()

    def problem(self, order_id: int, kind: ProblemKind | None = None) -> Problem | None:
        """The queue line of ``order_id`` (in queue ``kind`` when given)."""
        for p in self.board.problems if self.board else ():
            if p.order_id == order_id and (kind is None or p.kind is kind):
                return p
        return None

    def task(self, order_id: int) -> tuple[int, BoardTask] | None:
        """The card of ``order_id`` and its courier."""
        for column in self.board.columns if self.board else ():
            for task in column.tasks:
                if task.order_id == order_id:
                    return column.courier_id, task
        return None

    def target(self, selected: Selected | None = None) -> Target | None:
        """What a move of the selected item (or ``selected``) names."""
        selected = selected or self.selected
        if selected is None:
            return None
        if selected.kind is ProblemKind.PORTAL:
            return None  # not taken yet: confirming it (Enter) is the only move
        if selected.kind is not None:
            p = self.problem(selected.order_id, selected.kind)
            if p is not None:
                interest = p.kind in (ProblemKind.FAILED, ProblemKind.NOT_SENT)
                return Target(
                    p.order_id, p.version, interest, p.courier_id, p.day,
                    (p.window_start, p.window_end),
                )  # fmt: skip
        found = self.task(selected.order_id)
        if found is None:
            return None
        courier_id, t = found
        return Target(
            t.order_id, t.version, False, courier_id, self.day, (t.window_start, t.window_end)
        )

    # ---- the lead's moves ------------------------------------------------------------------

    def reschedule(
        self,
        day: dt.date,
        window: Window,
        *,
        courier_id: int | None = None,
        selected: Selected | None = None,
    ) -> None:
        """A new date and window (and courier, when given) for the selected item."""
        target = self.target(selected)
        if target is None:
            return
        self._move(target, courier_id=courier_id, day=day, window=window)

    def reassign(self, courier_id: int, *, selected: Selected | None = None) -> None:
        """Another courier for the selected item, same slot (a failed one goes out today)."""
        target = self.target(selected)
        if target is None:
            return
        day = target.day
        if target.interest:
            day = max(day or self.day, self.day, self.today())
        self._move(target, courier_id=courier_id, day=day, window=target.window)

    def _move(
        self,
        target: Target,
        *,
        courier_id: int | None,
        day: dt.date | None,
        window: Window,
    ) -> None:
        actor = self.identity.require()
        order_id, version = target.order_id, target.version
        send_day = day or self.day

        def job(session: Session) -> Any:
            if target.interest:
                return board_ops.reschedule_failed(
                    session, order_id, courier_id=courier_id, day=send_day,
                    window=window, actor=actor, expected_version=version,
                )  # fmt: skip
            return board_ops.move_delivery(
                session, order_id, courier_id=courier_id, day=day, window=window,
                actor=actor, expected_version=version,
            )  # fmt: skip

        self.moving += 1
        self.changed.emit()
        self.worker.submit(job, lambda _r: self._on_moved(order_id), self._on_move_refused)

    def _on_moved(self, order_id: int) -> None:
        self.moving -= 1
        self._say(
            QCoreApplication.translate("Board", "Order №%1 moved.").replace("%1", str(order_id)),
            True,
        )
        self.refresh()

    def _on_move_refused(self, message: str) -> None:
        # Someone else's change won (or the move was not allowed): show the board as it is.
        self.moving -= 1
        self._say(message, False)
        self.refresh()

    def call_client(self, selected: Selected | None = None) -> None:
        """Dial the selected item's client through the workspace's line (the call is logged)."""
        selected = selected or self.selected
        if selected is None:
            return
        phone = ""
        p = self.problem(selected.order_id, selected.kind) if selected.kind else None
        if p is not None:
            phone, name = p.client_phone, p.client_name
        else:
            found = self.task(selected.order_id)
            if found is None:
                return
            phone, name = found[1].client_phone, found[1].client_name
        if not phone:
            self._say(
                QCoreApplication.translate("Board", "%1 has no phone number to call.").replace(
                    "%1", name
                ),
                False,
            )
            return
        self.dial(phone)
        self._say(
            QCoreApplication.translate("Board", "Calling %1, %2…")
            .replace("%1", name)
            .replace("%2", phone),
            True,
        )

    def enter(self, selected: Selected | None = None) -> None:
        """Enter: confirm a portal order, open any other item's order in the order panel."""
        selected = selected or self.selected
        if selected is not None and selected.kind is ProblemKind.PORTAL:
            self.confirm_portal(selected.order_id)
        else:
            self.open_order(selected)

    def confirm_portal(self, order_id: int) -> None:
        """Confirm a portal order: a delivery when the client's defaults allow, else an interest."""
        actor = self.identity.require()

        def job(session: Session) -> portal_ops.Confirmed:
            return portal_ops.confirm_portal_order(session, order_id, actor=actor)

        self.moving += 1
        self.changed.emit()
        self.worker.submit(job, self._on_confirmed, self._on_move_refused)

    def _on_confirmed(self, result: portal_ops.Confirmed) -> None:
        self.moving -= 1
        self._say(confirmed_text(result), True)
        self.refresh()

    def open_order(self, selected: Selected | None = None) -> None:
        """Open the selected item's order in the order panel."""
        selected = selected or self.selected
        if selected is not None:
            self.open_order_requested.emit(selected.order_id)

    def couriers(self) -> list[tuple[int, str]]:
        """The couriers on the board (id, name): whom an item can go to."""
        return [(c.courier_id, c.name) for c in self.board.columns] if self.board else []

    def _say(self, text: str, ok: bool) -> None:
        self.message, self.message_ok = text, ok
        self.changed.emit()
