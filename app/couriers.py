"""The Couriers window's state: the list, adding and editing, and the phone sign-in.

Database work goes through `DbWorker` with the signed-in actor (the operations check the
role). Issuing or revoking a phone sign-in is an HTTP call to the sync service, not a
database operation, so the role is checked here with `require_role` before the call, which
runs on its own pool thread and comes back through a `GuiThreadRelay`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal
from sqlalchemy.orm import Session

from app.couriers_presenter import sync_error_text
from app.domain_text import translate_error
from app.gui_thread import GuiThreadRelay
from app.identity import Identity
from app.worker import DbWorker
from courier_sync.client.api import SyncError
from courier_sync.client.devices import (
    DevicesRevoked,
    PairingCode,
    issue_pairing_code,
    revoke_devices,
)
from courier_sync.client.qr import qr_png
from dispatcher import couriers
from dispatcher.errors import DomainError
from dispatcher.models import UserRole
from dispatcher.operations import couriers as courier_ops
from dispatcher.operations.couriers import CourierDetails, CourierEdit
from dispatcher.users import Actor, require_role

logger = logging.getLogger(__name__)

# (sync URL, site key, CA file or "") as the desk's settings hold them now.
SyncTarget = Callable[[], tuple[str, str, str]]


@dataclass(frozen=True, slots=True)
class CourierForm:
    """What is typed in the form; ``courier_id`` None adds a new courier."""

    courier_id: int | None
    name: str
    phone: str
    capacity: str
    work_days: int
    hours: str  # "HH:MM-HH:MM", or "" for any time


@dataclass(frozen=True, slots=True)
class SignIn:
    """A pairing code issued for a courier's phone, with its QR code as PNG bytes."""

    courier_name: str
    code: PairingCode
    qr_png: bytes


def _save(session: Session, form: CourierForm, region: str, actor: Actor) -> CourierDetails:
    # Parsed here, in the job, so a typing mistake arrives as a translated domain message.
    capacity = couriers.parse_capacity(form.capacity)
    hours = couriers.parse_hours(form.hours) if form.hours.strip() else None
    if form.courier_id is None:
        return courier_ops.add_courier(
            session,
            form.name,
            form.phone,
            capacity,
            work_days=form.work_days,
            hours=hours,
            region=region,
            actor=actor,
        )
    edit = CourierEdit(form.name, form.phone, capacity, form.work_days, hours, hours is None)
    return courier_ops.edit_courier(session, form.courier_id, edit, region=region, actor=actor)


class _HttpJob(QRunnable):
    def __init__(
        self, fn: Callable[[], Any], relay: GuiThreadRelay, done: Callable[[Any], None]
    ) -> None:
        super().__init__()
        self._fn, self._relay, self._done = fn, relay, done

    def run(self) -> None:
        try:
            value: Any = self._fn()
        except SyncError as exc:
            logger.info("courier device request refused: %s", exc)
            value = exc
        except Exception as exc:  # never a traceback for the lead: the message and the log
            logger.exception("courier device request failed")
            value = exc
        self._relay.deliver(self._done, value)


class CouriersViewModel(QObject):
    """The couriers list, the selected courier, the last message and the phone sign-in.

    Signals:
        changed(): the list, the message, the busy state or the sign-in changed.
        saved(int): a courier was added or changed (its id): the form may start afresh.
    """

    changed = Signal()
    saved = Signal(int)

    def __init__(
        self,
        worker: DbWorker,
        identity: Identity,
        sync: SyncTarget,
        region: str = "RU",
        parent: QObject | None = None,
    ) -> None:
        """A view model over ``worker`` acting as ``identity``; ``sync`` gives URL and key."""
        super().__init__(parent)
        self.worker = worker
        self.identity = identity
        self.sync = sync
        self.region = region
        self.couriers: tuple[CourierDetails, ...] = ()
        self.message = ""
        self.message_ok = True
        self.sign_in: SignIn | None = None
        self.busy = 0
        self._http = QThreadPool()
        self._http.setMaxThreadCount(1)
        self._relay = GuiThreadRelay(self)

    def courier(self, courier_id: int | None) -> CourierDetails | None:
        """The listed courier with this id."""
        return next((c for c in self.couriers if c.id == courier_id), None)

    def _say(self, text: str, ok: bool) -> None:
        self.message, self.message_ok = text, ok
        self.changed.emit()

    def _submit(self, fn: Callable[[Session], Any], done: Callable[[Any], None]) -> None:
        self.busy += 1
        self.changed.emit()

        def finished(value: Any) -> None:
            self.busy -= 1
            done(value)

        def failed(message: str) -> None:
            self.busy -= 1
            self._say(message, False)

        self.worker.submit(fn, finished, failed)

    # ---- the list and the form ----------------------------------------------------------

    def refresh(self) -> None:
        """Load the couriers, active or not."""
        self._submit(courier_ops.list_couriers, self._on_listed)

    def _on_listed(self, rows: list[CourierDetails]) -> None:
        self.couriers = tuple(rows)
        self.changed.emit()

    def save(self, form: CourierForm) -> None:
        """Add or change the courier; a refusal is a message, the form keeps what was typed."""
        actor, region = self.identity.require(), self.region
        self._submit(lambda s: _save(s, form, region, actor), self._on_saved)

    def _on_saved(self, courier: CourierDetails) -> None:
        self._replace(courier)
        self._say(QCoreApplication.translate("Couriers", "Saved: {0}.").format(courier.name), True)
        self.saved.emit(courier.id)

    def set_active(self, courier_id: int, active: bool) -> None:
        """Deactivate (not suggested, not offered, history kept) or activate again."""
        actor = self.identity.require()
        op = courier_ops.activate_courier if active else courier_ops.deactivate_courier
        self._submit(lambda s: op(s, courier_id, actor=actor), self._on_active_set)

    def _on_active_set(self, courier: CourierDetails) -> None:
        self._replace(courier)
        text = (
            QCoreApplication.translate("Couriers", "{0} takes deliveries again.")
            if courier.active
            else QCoreApplication.translate(
                "Couriers",
                "{0} is deactivated: no longer suggested nor offered; past deliveries are kept.",
            )
        )
        self._say(text.format(courier.name), True)

    def _replace(self, courier: CourierDetails) -> None:
        rows = [courier if c.id == courier.id else c for c in self.couriers]
        if courier.id not in {c.id for c in rows}:
            rows.append(courier)
        self.couriers = tuple(rows)

    # ---- the courier's phone --------------------------------------------------------------

    def _device_call(self, courier_id: int) -> tuple[str, str, str] | None:
        """The sync URL, key and CA file if the actor may issue devices and sync is set."""
        try:
            require_role(
                self.identity.actor, UserRole.LEAD, action="issue or revoke couriers' phones"
            )
        except DomainError as exc:
            self._say(translate_error(exc), False)
            return None
        url, key, ca_file = self.sync()
        if not url:
            self._say(
                QCoreApplication.translate(
                    "Couriers",
                    "The courier sync service is not set up at this desk: "
                    "enter its address and site key in Settings (Ctrl+,).",
                ),
                False,
            )
            return None
        return url, key, ca_file

    def issue_sign_in(self, courier_id: int) -> None:
        """A one-time code and QR code for the courier's phone (off the GUI thread)."""
        target = self._device_call(courier_id)
        courier = self.courier(courier_id)
        if target is None or courier is None:
            return
        url, key, ca_file = target
        name = courier.name

        def call() -> SignIn:
            code = issue_pairing_code(url, key, courier_id, name=name, ca_file=ca_file)
            return SignIn(name, code, qr_png(code.pair_url))

        self.sign_in = None
        self._run_http(call, self._on_signed_in)

    def _on_signed_in(self, value: Any) -> None:
        if isinstance(value, SignIn):
            self.sign_in = value
            self._say(
                QCoreApplication.translate(
                    "Couriers",
                    "Sign-in for {0}: type the code on the courier page or scan the QR code.",
                ).format(value.courier_name),
                True,
            )

    def revoke_sign_in(self, courier_id: int) -> None:
        """A lost phone: its sign-in stops working, unused codes die (off the GUI thread)."""
        target = self._device_call(courier_id)
        if target is None:
            return
        url, key, ca_file = target
        self._run_http(
            lambda: revoke_devices(url, key, courier_id, ca_file=ca_file), self._on_revoked
        )

    def _on_revoked(self, value: Any) -> None:
        if isinstance(value, DevicesRevoked):
            self.sign_in = None
            self._say(
                QCoreApplication.translate(
                    "Couriers",
                    "Phone sign-in revoked: {0} phone(s) signed out, {1} unused code(s) voided.",
                ).format(value.revoked_tokens, value.voided_codes),
                True,
            )

    def _run_http(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.busy += 1
        self.changed.emit()

        def finished(value: Any) -> None:
            self.busy -= 1
            if isinstance(value, Exception):
                self._say(sync_error_text(value), False)
            else:
                done(value)

        self._http.start(_HttpJob(fn, self._relay, finished))

    def wait_idle(self, timeout_ms: int = 15_000) -> bool:
        """Block until the phone requests are done (shutdown and tests)."""
        return self._http.waitForDone(timeout_ms)
