"""OrderEntryViewModel: one order on the operator's screen, from the client card to the courier.

The view model is the order sheet (``OrderEditing``: the draft, its edits, ``rules``) plus the
database: each command is ONE ``dispatcher.operations`` call on the DbWorker. A new order is
created, sent and linked to its call in one operation, so a failed send leaves nothing
half-written. An order in delivery opens in reassign mode, where its products, address,
comment and payment change along with courier, date and window (one save: what and where
update the courier's task, who and when move it), or it is cancelled with a reason; a failed
delivery opens in resend mode.

Signals:
    changed(): anything the panel shows changed.
    sent(int): the order is with a courier (sent to delivery, or reassigned).
    reassigned(int): the order in delivery was changed or moved (after ``sent``).
    cancelled(int): the order was cancelled (its task taken off the courier's phone).
    rejected(int): the interest was closed as lost.
    error(str): a readable message; nothing was written.
    suggestion(str): the courier suggestion for the chosen address and day, as text.

When a send fails the draft stays on screen and, given a DraftStore, on disk until a send
succeeds (``restore_draft()`` reopens it after a restart). Retrying is pressing Send again: no
timer re-sends behind the operator's back (the client agreed to a slot on the phone).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

import app.order_entry.rules as rules
from app.drafts import ORDER, DraftStore, KeptDraft
from app.formatting import to_moscow
from app.identity import Identity
from app.order_entry.draft import OrderDraft, OrderMode, state_name
from app.order_entry.editing import OrderEditing
from app.shortcuts import Key, sequence
from app.worker import UNEXPECTED, DbWorker
from dispatcher import planning
from dispatcher.models import OrderState
from dispatcher.operations import order_form
from dispatcher.operations import orders as order_ops
from dispatcher.operations.order_form import OrderForm
from dispatcher.operations.orders import OrderResult, OrderTerms

logger = logging.getLogger(__name__)


class OrderEntryViewModel(QObject, OrderEditing):
    """The order panel's state and commands; every database call runs on the worker."""

    changed = Signal()
    sent = Signal(int)
    reassigned = Signal(int)
    cancelled = Signal(int)
    rejected = Signal(int)
    error = Signal(str)
    suggestion = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        *,
        identity: Identity,
        region: str = "RU",
        drafts: DraftStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        """A view model saving through ``worker`` on behalf of whoever ``identity`` signed in.

        With ``drafts``, an order whose send failed is kept on disk until a send succeeds.
        """
        # Set before the sheet resets itself; QObject.__init__ runs the sheet's __init__ too
        # (PySide6's cooperative multiple inheritance).
        self._kept = KeptDraft(drafts, ORDER, self.draft)
        super().__init__(parent)
        self._worker = worker
        self._identity = identity
        self._region = region
        # A restored draft waits for its client card before it is put on screen.
        self._pending_restore: tuple[OrderDraft, dt.datetime] | None = None
        # Each load/suggestion bumps its generation; answers to an older one are dropped.
        self._load_gen = 0
        self._suggest_gen = 0
        self._loading = 0
        self._suggesting = 0
        self._send_when_ready = False
        # While a failed send's draft is on disk, every change goes there too.
        self.changed.connect(self._keep_draft)

    def _reset_client(self) -> None:
        super()._reset_client()
        # Another client's order: a pending draft stays on disk (restored at the next start).
        self._kept.forget()

    def _reset_draft(self) -> None:
        super()._reset_draft()
        self._send_when_ready = False

    # ---- the sheet's hooks ------------------------------------------------------------

    def _changed(self) -> None:
        self.changed.emit()

    def _complain(self, message: str) -> None:
        self.error.emit(message)

    def _suggested(self, text: str) -> None:
        self.suggestion.emit(text)

    @property
    def busy(self) -> bool:
        """A load, suggestion or save is running."""
        return bool(self._loading or self._suggesting or self._saving)

    @property
    def draft_pending(self) -> bool:
        """The order on screen is kept on disk because a send did not go through."""
        return self._kept.pending

    @property
    def restored_text(self) -> str:
        """'An unsaved order from … was restored', after ``restore_draft()``; else ''."""
        when = self._kept.restored_at
        if when is None:
            return ""
        text = self.tr("An unsaved order from {0} was restored.")
        return text.format(f"{to_moscow(when):%d.%m.%Y %H:%M}")

    def set_region(self, region: str) -> None:
        """The default phone region (Settings changed)."""
        self._region = region

    # ---- loading ----------------------------------------------------------------------

    def load_client(
        self, client_id: int, contact_id: int | None = None, interaction_id: int | None = None
    ) -> None:
        """Load the client card (addresses, price list, last order, deliveries) for a new order."""
        job = lambda s: order_form.load_order_form(s, client_id, contact_id)  # noqa: E731
        self._start_load(job, interaction_id, client_id, contact_id)

    def attach_call(self, interaction_id: int) -> None:
        """The call this order is taken on got its log row: the order sent later links to it.

        The operator may confirm the client before the call's row is written; the link is
        made by the take/reject operation, so it needs the id before the order is saved.
        """
        if self._interaction_id is None:
            self._interaction_id = interaction_id

    def open_order(self, order_id: int) -> None:
        """Open a saved order: in delivery to change it, a failed delivery to send it again."""

        def job(session: Session) -> tuple[OrderForm, OrderTerms]:
            form = order_form.open_order_form(session, order_id)
            return form, order_ops.order_terms(session, order_id)

        self._start_load(job, self._interaction_id)

    def _start_load(
        self,
        job: Callable[[Session], OrderForm | tuple[OrderForm, OrderTerms]],
        interaction_id: int | None,
        client_id: int | None = None,
        contact_id: int | None = None,
    ) -> None:
        self._pending_restore = None
        self._load_gen += 1
        gen = self._load_gen
        self._reset_client()
        self._client_id, self._contact_id = client_id, contact_id
        self._interaction_id = interaction_id
        self._status = ""
        self._loading += 1
        self.changed.emit()
        self._worker.submit(
            job,
            lambda form: self._on_loaded(gen, form, interaction_id),
            lambda message: self._on_load_failed(gen, message),
        )

    def _on_load_failed(self, gen: int, message: str) -> None:
        self._loading -= 1
        if gen == self._load_gen:
            self._send_when_ready = False
            if self._pending_restore is not None:
                # The draft stays on disk: the next start (or restore_draft()) tries again.
                self._pending_restore = None
                message = self.tr(
                    "The unsaved order could not be reopened: {0} It stays saved on this computer."
                ).format(message)
            self.error.emit(message)
        self.changed.emit()

    def _on_loaded(
        self, gen: int, loaded: OrderForm | tuple[OrderForm, OrderTerms], interaction_id: int | None
    ) -> None:
        form, terms = loaded if isinstance(loaded, tuple) else (loaded, None)
        self._loading -= 1
        if gen != self._load_gen:
            self.changed.emit()
            return
        order = form.order
        if order is not None and order.state not in (OrderState.DELIVERY, OrderState.INTEREST):
            if self._pending_restore is not None and self._kept.store is not None:
                # Someone finished the order meanwhile: its draft has nothing left to change.
                logger.info("dropping the draft of order #%s: it is %s", order.id, order.state)
                self._kept.store.clear(ORDER)
            self._pending_restore = None
            self._reset_client()
            self.error.emit(
                self.tr("Order #{0} is {1}: it cannot be changed any more.").format(
                    order.id, state_name(order.state)
                )
            )
            self.changed.emit()
            return
        self._fill(form, interaction_id)
        self._take_terms(terms)
        if self._pending_restore is not None:
            draft, saved_at = self._pending_restore
            self._pending_restore = None
            self._apply_draft(draft)
            self._kept.restored(saved_at)  # only on disk still: a successful send removes it
        self.changed.emit()
        self._run_pending_send()

    def clear(self) -> None:
        """Forget the client and the draft (the call ended or another client was chosen)."""
        self._pending_restore = None
        self._load_gen += 1
        self._suggest_gen += 1
        self._reset_client()
        self._status = ""
        self.changed.emit()

    # ---- courier suggestion -----------------------------------------------------------

    def _request_suggestion(self) -> None:
        if self._mode is OrderMode.REASSIGN or self._address_id is None or self._day is None:
            return
        self._suggest_gen += 1
        gen = self._suggest_gen
        address_id, day = self._address_id, self._day
        self._suggesting += 1
        self.changed.emit()
        self._worker.submit(
            lambda session: planning.suggest_courier(session, address_id, day),
            lambda found: self._on_suggested(gen, found),
            lambda message: self._on_suggest_failed(gen, message),
        )

    def _on_suggested(self, gen: int, found: Any) -> None:
        self._suggesting -= 1
        if gen == self._suggest_gen:
            self._apply_suggestion(found)
        self.changed.emit()
        self._run_pending_send()

    def _on_suggest_failed(self, gen: int, message: str) -> None:
        # A suggestion is a convenience: the operator can still choose a courier.
        self._suggesting -= 1
        logger.warning("courier suggestion failed: %s", message)
        self.changed.emit()
        self._run_pending_send()

    # ---- saving: one operation per command ----------------------------------------------

    def send_to_delivery(self) -> None:
        """Take the order (create, send, link the call) in one job, or save a reassignment."""
        if self._saving:
            return  # a second Ctrl+Return must not create a second order
        if self._loading or self._suggesting:
            # The operator is faster than the database: send once the card/suggestion is in.
            self._send_when_ready = True
            return
        if self._mode is OrderMode.REASSIGN:
            self.save_reassignment()
            return
        if not self._ready(self.tr("To send the order, add {0}.")):
            return
        self._save(
            self._send_operation(self._identity.require()), self._on_sent, Key.SEND_TO_DELIVERY
        )

    def save_reassignment(self) -> None:
        """Save the order in delivery as on screen: changes update its task, a new slot moves it."""
        if self._saving:
            return
        if self._mode is not OrderMode.REASSIGN or self._order is None:
            self.error.emit(self.tr("Open an order that is out for delivery first."))
            return
        if not self._ready(self.tr("To save the order, add {0}.")):
            return
        self._save(
            self._send_operation(self._identity.require()),
            self._on_reassigned,
            Key.SEND_TO_DELIVERY,
        )

    def cancel_order(self, reason: str) -> None:
        """Cancel the saved order on screen with a reason; its task leaves the courier's phone."""
        if self._saving:
            return
        if self._order is None or self._mode not in (OrderMode.REASSIGN, OrderMode.RESEND):
            self.error.emit(self.tr("Open the order to cancel first (its number, or a delivery)."))
            return
        reason = " ".join(reason.split())
        if not reason:
            self.error.emit(self.tr("Say why the order is cancelled."))
            return
        order_id, version, actor = self._order.id, self._order.version, self._identity.require()
        job = lambda s: order_ops.cancel_order(  # noqa: E731
            s, order_id, reason=reason, actor=actor, expected_version=version
        )
        self._save(job, self._on_cancelled, Key.CANCEL_ORDER)

    def reject(self, reason_id: int, why: str = "") -> None:
        """Close the interest as lost with a reason; a draft is saved as a rejected interest."""
        if self._saving:
            return
        if self._card is None:
            self.error.emit(self.tr("Choose the client first."))
            return
        # A draft is saved before it is rejected: reports count why callers did not order.
        job = self._reject_operation(reason_id, why, self._identity.require())
        self._save(job, self._on_rejected, Key.REJECT_ORDER)

    def _ready(self, missing_text: str) -> bool:
        """Whether the order can be written; else the fields point at what stops it."""
        self._send_pressed = True
        facts = self.facts()
        missing = rules.missing(facts)
        problems = [missing_text.format(", ".join(missing))] if missing else []
        problems = problems or (
            rules.malformed(facts) if self._mode is not OrderMode.REASSIGN else []
        )
        if problems:
            self.changed.emit()  # the fields now point at what they lack
            self.error.emit(" ".join(problems))
        return not problems

    def _save(
        self,
        job: Callable[[Session], OrderResult],
        on_done: Callable[[int], None],
        retry: Key,
    ) -> None:
        self._saving = True
        self._send_when_ready = False
        self.changed.emit()
        self._worker.submit(
            job,
            lambda result: on_done(result.id),
            lambda message: self._on_save_failed(message, retry),
        )

    def _on_save_failed(self, message: str, retry: Key) -> None:
        # The job rolled back as a whole; the draft stays on screen and, if we can, on disk.
        self._saving = False
        kept = self._kept.save_failed()
        if message == UNEXPECTED:
            # The worker's generic text is for unexpected errors: a locked or absent database.
            reason = self.tr("the database could not be written (details are in the log)")
        else:
            reason = message.rstrip(". ")
        if kept:
            text = self.tr(
                "Not saved: {0}. Your input is kept and saved on this computer; "
                "press {1} to try again."
            )
        else:
            text = self.tr("Not saved: {0}. Your input is kept; press {1} to try again.")
        self.error.emit(text.format(reason, sequence(retry)))
        self.changed.emit()

    def _finish(self, status: str) -> None:
        self._saving = False
        self._kept.saved()  # written to the database: nothing is pending any more
        client_id, contact_id, interaction_id = (
            self._client_id,
            self._contact_id,
            self._interaction_id,
        )
        # Reload the card: the new order is now the last one and among active deliveries.
        if client_id is not None:
            self.load_client(client_id, contact_id, interaction_id)
        self._status = status
        self.changed.emit()

    def _on_sent(self, order_id: int) -> None:
        status = self.tr("Order #{0} sent to delivery: {1}.").format(order_id, self.slot_text)
        self.sent.emit(order_id)
        self._finish(status)

    def _on_reassigned(self, order_id: int) -> None:
        status = self.tr("Order #{0} saved: {1}.").format(order_id, self.slot_text)
        self.sent.emit(order_id)
        self.reassigned.emit(order_id)
        self._finish(status)

    def _on_cancelled(self, order_id: int) -> None:
        status = self.tr("Order #{0} cancelled: the courier's task was withdrawn.").format(order_id)
        self.cancelled.emit(order_id)
        self._finish(status)

    def _on_rejected(self, order_id: int) -> None:
        status = self.tr("Order #{0} rejected.").format(order_id)
        self.rejected.emit(order_id)
        self._finish(status)

    def _run_pending_send(self) -> None:
        if self._send_when_ready and not (self._loading or self._suggesting):
            self._send_when_ready = False
            self.send_to_delivery()

    # ---- drafts -----------------------------------------------------------------------

    def _keep_draft(self) -> None:
        if not self._loading and not self._saving:
            self._kept.keep()

    def restore_draft(self) -> bool:
        """Reopen an order kept on disk (its client card loads first); False when there is none."""
        saved = self._kept.load()
        if saved is None:
            return False
        try:
            draft = OrderDraft.from_json(saved.data)
        except (KeyError, TypeError, ValueError):
            logger.exception("The order draft cannot be used: %r", saved.data)
            return False
        if draft.order_id is not None:
            self._interaction_id = draft.interaction_id
            self.open_order(draft.order_id)
        else:
            self.load_client(draft.client_id, draft.contact_id, draft.interaction_id)
        # Set after the load started: starting a load forgets any older pending restore.
        self._pending_restore = (draft, saved.saved_at)
        return True

    def discard_draft(self) -> None:
        """Forget the order draft on disk (the operator does not want it); the panel stays."""
        self._kept.discard()
        self.changed.emit()
