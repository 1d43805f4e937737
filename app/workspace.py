"""The running workspace: everything one operator's window owns, started and stopped in order.

`Workspace.start` opens and migrates the database, starts the SIP engine with the Qt bridge
as its listener, the view models, the window and the courier-sync relay when a sync URL is
configured; `apply_settings` takes new settings without a restart; `stop` shuts down in
order. ``--demo`` seeds the embedded database and adds the demo caller (`app.demo`).

Nothing but the database opens before someone signs in (`app.desk_session`): the sign-in
dialog comes first, then the SIP line and the window. The demo signs its shift lead in by
itself; a real database without accounts says how an admin creates the first one.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine

from app import heap
from app.app_logging import current_log_file
from app.board import BoardViewModel
from app.bridge import PhoneLine, TelephonyBridge
from app.calls_model import CallLog
from app.catalogue import CatalogueViewModel
from app.change_watcher import CardRefresher, ChangeWatcher
from app.client_card import card_editors
from app.complaint_line import ComplaintLine
from app.complaints import ComplaintFormViewModel, ComplaintsViewModel
from app.couriers import CouriersViewModel
from app.demo import DEMO_SIP_PORT, DemoCaller, seed_demo_if_empty
from app.desk_session import DeskSession
from app.drafts import DraftStore
from app.intake import IntakeViewModel
from app.new_client import NewClientViewModel
from app.order_entry import OrderEntryViewModel
from app.phone_presenter import describe_registration
from app.plans_wiring import DeskPlans
from app.portal_wiring import wire_portal
from app.reports import ReportsViewModel
from app.settings import AppSettings, SecretStore, SettingsError, changed_parts, to_engine_config
from app.sign_in import LAST_LOGIN_FILE, FileLoginMemory
from app.startup_problem import database_problem
from app.versions import database_versions
from app.warm_up import WarmUp
from app.widgets.about_dialog import AboutDialog
from app.widgets.catalogue_window import open_catalogue
from app.widgets.complaints_window import ComplaintsDesk
from app.widgets.main_window import MainWindow
from app.widgets.settings_dialog import AudioDevice, SettingsDialog
from app.worker import DbWorker
from dispatcher.db import make_engine, session_factory
from dispatcher.demo.accounts import ensure_demo_lead
from dispatcher.demo.status import sample_numbers
from dispatcher.migrate import current_revision, head_revision, upgrade_with_backup
from dispatcher.models import UserRole
from dispatcher.phones import parse_phone
from dispatcher.users import first_user_needed
from telephony.errors import TelephonyError
from telephony.events import RegistrationChanged, RegState

logger = logging.getLogger(__name__)


# --- database ------------------------------------------------------------------------------


def open_database(url: str) -> Engine:
    """An engine on ``url``; the embedded SQLite file is migrated, other databases checked."""
    engine = make_engine(url)
    current, head = current_revision(engine), head_revision()
    if current != head:
        if engine.dialect.name == "sqlite":
            upgrade_with_backup(engine)  # backed up first; restored and raised on failure
        else:
            engine.dispose()
            raise RuntimeError(
                f"The database is at schema {current or 'none'}, this version needs {head}: "
                "ask the admin to run `dispatch --db URL db upgrade`."
            )
    return engine


class NoAccountsError(RuntimeError):
    """The database has no operator account yet: nobody can sign in."""


class Workspace:
    """Everything one running workspace owns, started and stopped in order."""

    def __init__(self, args: argparse.Namespace, settings: AppSettings) -> None:
        """Prepare (nothing starts before start())."""
        self.args = args
        self.settings = settings
        self.engine: Any = None  # SipEngine
        self.db: Engine | None = None
        self.worker: DbWorker | None = None
        self.relay: Any = None
        self.window: Any = None
        self.demo: DemoCaller | None = None
        self.sip_error = ""
        self._stopped = False
        # One store for the session: without a system keyring the password lives only here.
        self.secrets = SecretStore()

    def start(self) -> Any:
        """Open the database and sign in; the window follows (returned when already open).

        The demo signs its shift lead in at once and returns the window; otherwise the
        sign-in dialog is shown and the window opens once someone signed in (None here).
        """
        # The SIP password is kept in the keyring, never in the file.
        settings = self.settings = self.secrets.fill(self.settings)
        try:
            self.db = open_database(settings.db_url)
        except Exception as exc:  # said in words by the caller: what to change, where
            raise database_problem(settings, exc) from exc
        if self.args.demo:
            seed_demo_if_empty(self.db)
        sessions = session_factory(self.db)
        self.worker = DbWorker(sessions)
        memory = FileLoginMemory(Path(settings.data_dir) / LAST_LOGIN_FILE)
        self.session = DeskSession(self.worker, memory)
        self.session.signed_in.connect(self._on_session_signed_in)
        self.session.cancelled.connect(self._on_session_cancelled)
        if self.args.demo:
            self.session.sign_in_as(self.worker.run_now(ensure_demo_lead))
            return self.window
        if self.worker.run_now(first_user_needed):
            raise NoAccountsError(
                self.tr(
                    "There is no operator account in this database yet. An admin creates "
                    'the first one with\n\n  dispatch --db URL user add LOGIN --name "NAME" '
                    "--role admin\n\nand then starts Dispatch Desk again."
                )
            )
        self.session.ask()
        return None

    def _on_session_signed_in(self, _actor: object) -> None:
        if self.window is None:
            self._open_desk()
        self.window.set_session(self.session.status_text())
        self.window.caller_panel.set_lead(self.session.identity.may(UserRole.LEAD))
        self.call_log.refresh()  # the calls of the day are the signed-in operator's

    def _on_session_cancelled(self) -> None:
        # Nobody works at this desk: leave, as closing the window would.
        if self.window is not None:
            self.window.close()
        else:
            self.stop()
            QApplication.quit()

    def switch_operator(self) -> None:
        """File → Switch operator: sign out; the window stays while the dialog asks."""
        self.window.set_session(self.tr("Signed out"))
        self.session.switch(self.window)

    def _open_desk(self) -> Any:
        """Start SIP, the view models, the window and the relay for the signed-in person."""
        settings = self.settings
        assert self.worker is not None
        identity = self.session.identity
        self.bridge = TelephonyBridge()
        self.engine, self.sip_error = self._start_sip()
        self.phone = PhoneLine(self.engine)
        region = settings.region
        self.intake = IntakeViewModel(
            self.worker,
            self.phone,
            identity=identity,
            region=region,
            complaint_line=ComplaintLine.from_settings(settings.sip),
        )
        self.bridge.incoming_call.connect(self.intake.on_incoming_call)
        self.bridge.call_state_changed.connect(self.intake.on_call_state_changed)
        self.call_log = CallLog(
            self.worker, self.phone, identity=identity, dial=self.intake.place_call
        )
        # Input of a save that failed (database down) is kept here until it can be written.
        self.drafts = DraftStore(Path(settings.data_dir) / "drafts")
        self.order_vm = self._order_vm()
        self.new_client_vm = self._new_client_vm()
        if self.args.demo:
            numbers = self.worker.run_now(sample_numbers)
            port = self.engine.bound_port if self.engine is not None else DEMO_SIP_PORT
            self.demo = DemoCaller(port, numbers)

        self.window = MainWindow(
            self.intake,
            self.call_log,
            order_vm=self.order_vm,
            new_client_vm=self.new_client_vm,
            lead=identity.may(UserRole.LEAD),
            demo_call=self.demo.place_call if self.demo is not None else None,
        )
        self.window.closing = self.stop
        self.window.caller_panel.set_card_editor(  # Ctrl+E, and attaching unknown callers
            *card_editors(self.worker, identity, region=region)
        )
        self.window.couriers_vm = CouriersViewModel(self.worker, identity, self._sync)
        self.window.reports_vm = ReportsViewModel(
            self.worker,
            identity,
            show_client=self.intake.show_client,
            call_back=self.intake.place_call,
        )
        self._restore_drafts()
        self.window.settings_requested = self.open_settings
        self.window.catalogue_requested = lambda: open_catalogue(
            CatalogueViewModel(self.worker, identity), self.window
        )
        self.window.about_requested = self.open_about
        self.window.switch_operator_requested = self.switch_operator
        self.bridge.registration_changed.connect(self._on_registration)
        self.intake.call_finished.connect(self._after_call)
        self._show_sip_status()
        self._start_relay()
        # A sent order wrote outbox messages: send them now, not at the next poll.
        self.order_vm.sent.connect(lambda _order_id: self.relay and self.relay.wake())
        # Live changes from other desks and couriers' phones: the open client card follows.
        self.changes = ChangeWatcher(self.db.url, session_factory(self.db), self.window)
        cards = CardRefresher(
            self.worker,
            lambda: (self.window.caller_panel.selected_ids() or (None,))[0],
            self.intake.refresh_caller,
            self.intake.lookup_ready,
            self.window,
        )
        self.changes.changed.connect(cards.on_changed)
        self.window.board_vm = BoardViewModel(  # the board follows every desk and phone too
            self.worker, identity, self.intake.place_call, watcher=self.changes.changed
        )
        self.window.complaints = ComplaintsDesk(  # the form on Ctrl+K, the lead's escalation
            self.window,
            ComplaintFormViewModel(self.worker, identity),
            ComplaintsViewModel(self.worker, identity),
        )
        self.window.complaints.vm.start()
        wire_portal(self.window, self.worker, identity, self.intake.place_call, self.changes)
        # Planned calls' reminders and the knowledge base's suggestions (app.plans_wiring).
        self.plans = DeskPlans(
            self.window, self.worker, identity, self.intake, changed=self.changes.changed
        )
        self.changes.start()
        self.call_log.refresh()
        title = self.window.windowTitle()
        if self.args.demo:
            self.window.setWindowTitle(f"{title} — {self.tr('demo')}")
        self.window.show()
        _settle_the_heap(settings.region)
        # After show(): the first pop's costs are paid in the background, not by the window.
        self.warm_up = WarmUp(self.worker, self.intake, settings.region)
        self.warm_up.start()
        return self.window

    @staticmethod
    def tr(text: str) -> str:
        """Translate in the "Workspace" context."""
        return QApplication.translate("Workspace", text)

    def _start_sip(self) -> tuple[Any, str]:
        from telephony.engine import SipEngine

        try:
            config = to_engine_config(self.settings)
        except SettingsError as exc:  # a bad account in the file
            return None, str(exc)
        engine = SipEngine(config, self.bridge)
        try:
            engine.start()
        except TelephonyError as exc:
            # The port may be taken (another workspace); the window still opens.
            logger.warning("SIP engine did not start: %s", exc)
            return None, str(exc)
        except Exception as exc:  # pjsua2 missing or broken: still no traceback for the operator
            logger.exception("SIP engine did not start")
            return None, str(exc) or type(exc).__name__
        return engine, ""

    def _sync(self) -> tuple[str, str, str]:
        """The sync service's URL, site key and CA file as the settings hold them now."""
        return self.settings.sync_url, self.settings.sync_api_key, self.settings.sync_ca_file

    def _order_vm(self) -> OrderEntryViewModel:
        assert self.worker is not None
        return OrderEntryViewModel(
            self.worker,
            identity=self.session.identity,
            region=self.settings.region,
            drafts=self.drafts,
        )

    def _new_client_vm(self) -> NewClientViewModel:
        assert self.worker is not None
        return NewClientViewModel(
            self.worker,
            identity=self.session.identity,
            region=self.settings.region,
            drafts=self.drafts,
        )

    def _restore_drafts(self) -> None:
        # What a failed save kept on this computer comes back on screen, with a banner.
        self.order_vm.restore_draft()
        if self.new_client_vm.restore_draft():
            self.window.right.setCurrentWidget(self.window.new_client_form)

    def _start_relay(self) -> None:
        settings = self.settings
        if not settings.sync_url:
            return
        from courier_sync.client.api import SyncError
        from courier_sync.client.relay import Relay, RelaySettings
        from courier_sync.client.status import RelayStatus

        label = self.window.relay_label
        post: Callable[[Any], None] | None = getattr(label, "post_status", None)
        assert self.worker is not None
        try:
            self.relay = Relay(
                self.worker.factory,
                RelaySettings(
                    settings.sync_url,
                    settings.sync_api_key,
                    insecure=settings.sync_insecure,
                    ca_file=settings.sync_ca_file,
                ),
                on_status=post,
            )
        except SyncError as exc:  # an http:// URL to another machine: the admin must decide
            logger.error("courier sync not started: %s", exc)
            if post is not None:
                post(RelayStatus(last_error=str(exc)))
            return
        self.relay.start()

    def _on_registration(self, event: RegistrationChanged) -> None:
        ok = event.state is RegState.REGISTERED
        text = self.tr("SIP %1: %2").replace("%1", event.account).replace("%2", str(event.state))
        if event.certificate_refused:
            text += f" ({event.reason})"  # the desk refused the PBX: no SIP code to show
        elif not ok and event.reason:
            text += f" ({event.code} {event.reason})"
        self.window.set_sip_status(text, ok)

    def _show_sip_status(self) -> None:
        if self.engine is not None:
            where = f"{self.settings.sip_listen_host}:{self.engine.bound_port}"
            self.window.set_sip_status(self.tr("SIP: listening on %1").replace("%1", where), True)
        else:
            self.window.set_sip_status(
                self.tr("SIP unavailable: %1").replace("%1", self.sip_error), False
            )

    def _audio_devices(self) -> list[AudioDevice]:
        if self.engine is None:
            return []
        try:
            return [
                AudioDevice(d.index, d.name, d.input_count, d.output_count)
                for d in self.engine.audio_devices()
            ]
        except TelephonyError:
            return []

    def open_settings(self) -> None:
        """The settings dialog; what it changes takes effect at once (see apply_settings)."""
        dialog = SettingsDialog(
            self.settings, self.secrets, self.window, list_devices=self._audio_devices
        )
        dialog.applied.connect(self.apply_settings)

        def show_registration(event: RegistrationChanged) -> None:
            dialog.set_registration_state(*describe_registration(event))

        self.bridge.registration_changed.connect(show_registration)
        dialog.finished.connect(
            lambda _result: self.bridge.registration_changed.disconnect(show_registration)
        )
        self.settings_dialog = dialog
        dialog.open()

    def apply_settings(self, settings: AppSettings) -> list[str]:
        """Take new settings without a restart; returns what could not apply yet (for tests)."""
        parts = changed_parts(self.settings, settings)
        old, self.settings = self.settings, settings
        postponed: list[str] = []
        if "ui" in parts:
            self.intake.region = settings.region
            self.order_vm.set_region(settings.region)
            self.new_client_vm.set_region(settings.region)
        if "database" in parts and not self._switch_database(settings.db_url):
            self.settings = replace(self.settings, db_url=old.db_url)
            postponed.append("database")
        if "sip" in parts:
            self.intake.complaint_line = ComplaintLine.from_settings(settings.sip)
            if any(not call.ended for call in self.intake.calls.values()):
                # Never cut the operator's call: the new line comes up when the calls end.
                self._sip_pending = True
                postponed.append("sip")
            else:
                self._restart_sip()
        if "sync" in parts:
            if self.relay is not None:
                self.relay.stop()
                self.relay = None
            self.window.relay_label.setText(self.tr("Sync: off"))
            self._start_relay()
        if "language" in parts:
            postponed.append("language")
        message = self.tr("Settings saved and applied.")
        if "language" in postponed:
            message = self.tr("Settings saved and applied; the language changes at the next start.")
        if "sip" in postponed:
            message += " " + self.tr("The new SIP line comes up when the current call ends.")
        if "database" in postponed:
            message = self.tr("The new database could not be opened; the old one stays in use.")
        self.window.show_error(message)
        return postponed

    def _switch_database(self, url: str) -> bool:
        try:
            engine = open_database(url)
        except Exception as exc:
            logger.warning("Cannot switch to the database %s: %s", url, exc)
            self.window.show_error(str(exc))
            return False
        assert self.worker is not None and self.db is not None
        self.worker.wait_idle()
        old, self.db = self.db, engine
        # Jobs read the factory when they start: the next one uses the new database.
        self.worker.factory = session_factory(engine)
        old.dispose()
        self.order_vm.clear()
        self.call_log.refresh()
        return True

    _sip_pending = False

    def _restart_sip(self) -> None:
        self._sip_pending = False
        if self.engine is not None:
            self.phone.wait_idle(6_000)
            self.engine.stop()
        self.engine, self.sip_error = self._start_sip()
        self.phone.phone = self.engine
        self._show_sip_status()

    def _after_call(self, _call: object) -> None:
        if self._sip_pending and all(call.ended for call in self.intake.calls.values()):
            self._restart_sip()

    def open_about(self) -> None:
        """Help → About; the database's server and schema arrive from the worker."""
        self.about_dialog = AboutDialog(self.settings, current_log_file(), self.window)
        assert self.worker is not None
        self.worker.submit(database_versions, self.about_dialog.set_database)
        self.about_dialog.open()

    def stop(self) -> None:
        """Clean shutdown: relay, then SIP, then the database jobs; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        if self.demo is not None:
            self.demo.stop()
        if self.relay is not None:
            self.relay.stop()
        if getattr(self, "changes", None) is not None:
            self.changes.stop()
        if getattr(self, "warm_up", None) is not None:
            self.warm_up.stop()
        if self.engine is not None:
            self.phone.wait_idle(6_000)
            self.engine.stop()
        if self.worker is not None:
            self.worker.wait_idle()
        if self.db is not None:
            self.db.dispose()


def _settle_the_heap(region: str) -> None:
    """Keep the garbage collector from pausing the window during calls.

    Start-up leaves a large heap (Qt wrappers, SQLAlchemy, pjsua2, phone metadata); a full
    collection walked all of it for ~100 ms, holding the GIL, several times an hour of
    calls (measured by bench pop_to_screen). Loading the phone metadata now and freezing
    what start-up built leaves later collections only the objects made since; full collections
    are made rare (app.heap: the board's re-reads would set them off every few reads).
    """
    parse_phone("+7 916 123-45-67", region)
    heap.settle()
