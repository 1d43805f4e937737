"""Settings: SIP account, audio devices, database, courier sync, language, operator name.

OK/Apply validate every field (a readable message next to a bad one, nothing written),
then write the TOML file and the SIP password (keyring), and emit `applied` so the window
re-creates what changed without a restart. The registration state shown here is pushed in
by the window through `set_registration_state`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.settings import (
    LANGUAGES,
    TRANSPORTS,
    AppSettings,
    SecretStore,
    SettingsError,
    check_db_url,
    parse_listen,
    save_settings,
    secret_key,
)

logger = logging.getLogger(__name__)

ERROR_STYLE = "color: #c0392b;"
OK_COLOUR = "#1b7f3b"
BAD_COLOUR = "#c0392b"
# Language names are shown in their own language, whatever the interface language is.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


class AudioDevice(NamedTuple):
    """One sound device as pjsua2's AudioDevInfo describes it (index = its device id)."""

    index: int
    name: str
    input_count: int = 0
    output_count: int = 0


DeviceLister = Callable[[], Sequence[AudioDevice]]


class _Field:
    """A form row's input with the error label shown under it."""

    def __init__(self, widget: QWidget, error: QLabel) -> None:
        self.widget = widget
        self.error = error

    def show(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


class SettingsDialog(QDialog):
    """Edits an AppSettings; OK/Apply validate, save (TOML + keyring) and emit `applied`."""

    applied = Signal(object)  # AppSettings, with the SIP password filled in

    def __init__(
        self,
        settings: AppSettings,
        secrets: SecretStore,
        parent: QWidget | None = None,
        *,
        list_devices: DeviceLister | None = None,
    ) -> None:
        """Show ``settings``; ``list_devices`` enumerates sound devices (the SIP engine's)."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.settings = settings
        self.secrets = secrets
        self._list_devices = list_devices
        self._reg_text = ""
        self._reg_ok: bool | None = None

        self.tabs = QTabWidget(self)
        self._labels: dict[str, QLabel] = {}
        self._fields: dict[str, _Field] = {}

        # General
        self.operator_edit = QLineEdit(settings.operator)
        self.language_combo = QComboBox()
        for code in LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES[code], code)
        self.language_combo.setCurrentIndex(max(0, LANGUAGES.index(settings.language)))
        self.general_tab = self._tab(
            [("operator", self.operator_edit), ("language", self.language_combo)]
        )

        # SIP
        sip = settings.sip
        self.registrar_edit = QLineEdit(sip.registrar)
        self.registrar_edit.setPlaceholderText("pbx.example.ru:5060")
        self.domain_edit = QLineEdit(sip.domain)
        self.user_edit = QLineEdit(sip.user)
        self.auth_user_edit = QLineEdit(sip.auth_user)
        self.password_edit = QLineEdit(sip.password or secrets.get(secret_key(sip)))
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.transport_combo = QComboBox()
        for transport in TRANSPORTS:
            self.transport_combo.addItem(transport.upper(), transport)
        self.transport_combo.setCurrentIndex(TRANSPORTS.index(sip.transport))
        self.listen_edit = QLineEdit(f"{settings.sip_listen_host}:{settings.sip_listen_port}")
        self.auto_answer_check = QCheckBox()
        self.auto_answer_check.setChecked(settings.auto_answer)
        self.sip_trace_check = QCheckBox()
        self.sip_trace_check.setChecked(settings.sip_trace)
        self.registration_label = QLabel()
        self.registration_label.setObjectName("registrationState")
        self.keyring_label = QLabel()
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setStyleSheet(ERROR_STYLE)
        self.keyring_label.setVisible(False)
        self.sip_tab = self._tab(
            [
                ("registrar", self.registrar_edit),
                ("domain", self.domain_edit),
                ("user", self.user_edit),
                ("auth_user", self.auth_user_edit),
                ("password", self.password_edit),
                ("transport", self.transport_combo),
                ("listen", self.listen_edit),
                ("auto_answer", self.auto_answer_check),
                ("sip_trace", self.sip_trace_check),
                ("registration", self.registration_label),
            ],
            footer=self.keyring_label,
        )

        # Audio
        self.capture_combo = QComboBox()
        self.playback_combo = QComboBox()
        self.null_audio_check = QCheckBox()
        self.null_audio_check.setChecked(settings.null_audio)
        self.audio_tab = self._tab(
            [
                ("capture", self.capture_combo),
                ("playback", self.playback_combo),
                ("null_audio", self.null_audio_check),
            ]
        )

        # Database
        self.db_edit = QLineEdit(
            "" if settings.db_url == settings.embedded_db_url else settings.db_url
        )
        self.db_tab = self._tab([("db_url", self.db_edit)])

        # Courier sync
        self.sync_url_edit = QLineEdit(settings.sync_url)
        self.sync_url_edit.setPlaceholderText("https://sync.example.ru")
        self.api_key_edit = QLineEdit(settings.sync_api_key)
        self.api_key_edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.sync_tab = self._tab(
            [("sync_url", self.sync_url_edit), ("api_key", self.api_key_edit)]
        )

        for tab in (self.general_tab, self.sip_tab, self.audio_tab, self.db_tab, self.sync_tab):
            self.tabs.addTab(tab, "")

        self.form_error = QLabel()
        self.form_error.setObjectName("formError")
        self.form_error.setWordWrap(True)
        self.form_error.setStyleSheet(ERROR_STYLE)
        self.form_error.setVisible(False)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.buttons.clicked.connect(self._clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.form_error)
        layout.addWidget(self.notice)
        layout.addWidget(self.buttons)

        self._fill_devices()
        self.retranslate()
        self.operator_edit.setFocus()

    # --- layout helpers --------------------------------------------------------------------

    def _tab(self, rows: list[tuple[str, QWidget]], footer: QWidget | None = None) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        for name, widget in rows:
            widget.setObjectName(name)
            label = QLabel()
            label.setBuddy(widget)
            error = QLabel()
            error.setObjectName(f"{name}_error")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setVisible(False)
            column = QVBoxLayout()
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(widget)
            column.addWidget(error)
            form.addRow(label, column)
            self._labels[name] = label
            self._fields[name] = _Field(widget, error)
        if footer is not None:
            form.addRow(footer)
        return page

    def _fill_devices(self) -> None:
        devices: Sequence[AudioDevice] = ()
        if self._list_devices is not None:
            try:
                devices = [AudioDevice(*device) for device in self._list_devices()]
            except Exception:
                # Without the list the operator can still keep the system default.
                logger.exception("cannot enumerate sound devices")
        for combo, current, wanted in (
            (self.capture_combo, self.settings.capture_device, "input_count"),
            (self.playback_combo, self.settings.playback_device, "output_count"),
        ):
            combo.clear()
            combo.addItem("", None)  # "System default", text set in retranslate()
            for device in devices:
                if getattr(device, wanted) > 0:
                    combo.addItem(f"{device.index}: {device.name}", device.index)
            if current is not None:
                at = combo.findData(current)
                if at < 0:
                    combo.addItem(f"{current}: ?", current)  # configured but not present now
                    at = combo.count() - 1
                combo.setCurrentIndex(at)

    # --- texts -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current interface language."""
        self.setWindowTitle(self.tr("Settings"))
        for tab, text in (
            (self.general_tab, self.tr("&General")),
            (self.sip_tab, self.tr("&SIP")),
            (self.audio_tab, self.tr("&Audio")),
            (self.db_tab, self.tr("Data&base")),
            (self.sync_tab, self.tr("Courier s&ync")),
        ):
            self.tabs.setTabText(self.tabs.indexOf(tab), text)
        texts = {
            "operator": self.tr("&Operator name:"),
            "language": self.tr("&Language:"),
            "registrar": self.tr("&Registrar:"),
            "domain": self.tr("&Domain:"),
            "user": self.tr("&User:"),
            "auth_user": self.tr("Au&thentication user:"),
            "password": self.tr("&Password:"),
            "transport": self.tr("Tra&nsport:"),
            "listen": self.tr("Listen &address:"),
            "auto_answer": self.tr("Answer &calls automatically"),
            "sip_trace": self.tr("Write a SIP &trace for the admin (sip-trace.log)"),
            "registration": self.tr("Registration:"),
            "capture": self.tr("&Microphone:"),
            "playback": self.tr("&Speaker:"),
            "null_audio": self.tr("&No sound device (test mode)"),
            "db_url": self.tr("Database &URL:"),
            "sync_url": self.tr("Sync service &URL:"),
            "api_key": self.tr("API &key:"),
        }
        for name, text in texts.items():
            self._labels[name].setText(text)
        self.registrar_edit.setToolTip(
            self.tr("Leave empty to take calls directly on this computer, without a PBX.")
        )
        self.domain_edit.setPlaceholderText(self.tr("the registrar's host"))
        self.auth_user_edit.setPlaceholderText(self.tr("same as the user"))
        self.db_edit.setPlaceholderText(
            self.tr("empty: the embedded database in %1").replace("%1", str(self.settings.data_dir))
        )
        for combo in (self.capture_combo, self.playback_combo):
            combo.setItemText(0, self.tr("System default"))
        if not self.secrets.available:
            self.keyring_label.setText(
                self.tr(
                    "No system keyring is available: "
                    "the SIP password will be asked again at next start"
                )
            )
            self.keyring_label.setVisible(True)
        self._render_registration()

    def changeEvent(self, event: QEvent) -> None:
        """Follow a language switch (the dialog's own Apply may have made it)."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- registration ----------------------------------------------------------------------

    @Slot(str, bool)
    def set_registration_state(self, text: str, ok: bool) -> None:
        """Show the SIP registration state live (green when ``ok``)."""
        self._reg_text = text
        self._reg_ok = ok
        self._render_registration()

    def _render_registration(self) -> None:
        if self._reg_ok is None:
            self.registration_label.setText(self.tr("unknown"))
            self.registration_label.setStyleSheet("")
            return
        self.registration_label.setText(self._reg_text)
        colour = OK_COLOUR if self._reg_ok else BAD_COLOUR
        self.registration_label.setStyleSheet(f"color: {colour};")

    # --- reading and checking the form -----------------------------------------------------

    def field_error(self, name: str) -> str:
        """The message shown next to field ``name`` ("" when it is fine)."""
        return self._fields[name].error.text()

    def _collect(self) -> tuple[AppSettings | None, dict[str, str]]:
        """The settings the form describes, or None and a message per bad field."""
        errors: dict[str, str] = {}
        registrar = self.registrar_edit.text().strip()
        user = self.user_edit.text().strip()
        if registrar and not user:
            errors["user"] = self.tr("A registrar needs a SIP user name.")
        if any(ch.isspace() for ch in registrar):
            errors["registrar"] = self.tr("The registrar must not contain spaces.")
        listen_host, listen_port = self.settings.sip_listen_host, self.settings.sip_listen_port
        try:
            listen_host, listen_port = parse_listen(self.listen_edit.text())
        except SettingsError:
            errors["listen"] = self.tr(
                "Use ADDRESS:PORT with a port from 0 to 65535, e.g. 0.0.0.0:5060."
            )
        db_url = self.db_edit.text().strip()
        if db_url:
            try:
                db_url = check_db_url(db_url)
            except SettingsError:
                errors["db_url"] = self.tr(
                    "Not a database URL. Examples: "
                    "postgresql+psycopg://user@host/dispatch, sqlite:///C:/data/dispatch.sqlite3"
                )
        else:
            db_url = self.settings.embedded_db_url
        sync_url = self.sync_url_edit.text().strip()
        if sync_url and not sync_url.lower().startswith(("http://", "https://")):
            errors["sync_url"] = self.tr("The sync URL starts with http:// or https://.")
        if errors:
            return None, errors
        settings = replace(
            self.settings,
            operator=self.operator_edit.text().strip(),
            language=str(self.language_combo.currentData()),
            # What the dialog does not show (trusted hosts, the complaint line...) is kept.
            sip=replace(
                self.settings.sip,
                registrar=registrar,
                domain=self.domain_edit.text().strip(),
                user=user,
                auth_user=self.auth_user_edit.text().strip(),
                password=self.password_edit.text(),
                transport=str(self.transport_combo.currentData()),
            ),
            sip_listen_host=listen_host,
            sip_listen_port=listen_port,
            auto_answer=self.auto_answer_check.isChecked(),
            sip_trace=self.sip_trace_check.isChecked(),
            capture_device=self._device(self.capture_combo),
            playback_device=self._device(self.playback_combo),
            null_audio=self.null_audio_check.isChecked(),
            db_url=db_url,
            sync_url=sync_url,
            sync_api_key=self.api_key_edit.text().strip(),
        )
        return settings, {}

    @staticmethod
    def _device(combo: QComboBox) -> int | None:
        data: Any = combo.currentData()
        return None if data is None else int(data)

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name, field in self._fields.items():
            field.show(errors.get(name, ""))
        if not errors:
            return
        first = next(name for name in self._fields if name in errors)
        widget = self._fields[first].widget
        # Bring the operator to the first bad field: its tab, then the field itself.
        for index in range(self.tabs.count()):
            if self.tabs.widget(index).isAncestorOf(widget):
                self.tabs.setCurrentIndex(index)
        widget.setFocus()

    # --- applying --------------------------------------------------------------------------

    def apply(self) -> bool:
        """Validate, save the file and the password, emit `applied`; False if nothing saved."""
        self.form_error.setVisible(False)
        settings, errors = self._collect()
        self._show_errors(errors)
        if settings is None:
            return False
        try:
            path = save_settings(settings)
        except SettingsError as exc:
            self.form_error.setText(str(exc))
            self.form_error.setVisible(True)
            return False
        settings = replace(settings, config_path=path)
        notice = self.secrets.save(settings)
        if notice:
            self.notice.setText(
                self.tr(
                    "No system keyring is available: "
                    "the SIP password will be asked again at next start"
                )
            )
        self.notice.setVisible(bool(notice))
        self.settings = settings
        logger.info("settings saved to %s", path)
        self.applied.emit(settings)
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()

    def _clicked(self, button: QAbstractButton) -> None:
        role = self.buttons.buttonRole(button)
        if role == QDialogButtonBox.ButtonRole.ApplyRole:
            self.apply()
