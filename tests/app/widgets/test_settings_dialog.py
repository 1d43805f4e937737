"""The Settings dialog, driven by keyboard on the offscreen platform."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.phone_presenter import describe_registration
from app.settings import AppSettings, SecretStore, SipSettings, load_settings, sqlite_url
from app.widgets.settings_dialog import AudioDevice, SettingsDialog
from telephony.events import RegistrationChanged, RegState
from tests.app.keys import type_into
from tests.app.test_settings import MemoryKeyring

DEVICES = [
    AudioDevice(0, "Built-in microphone", 1, 0),
    AudioDevice(1, "Built-in speakers", 0, 2),
    AudioDevice(2, "USB headset", 1, 2),
]


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(
        db_url=sqlite_url(tmp_path),
        data_dir=tmp_path,
        config_path=tmp_path / "conf" / "config.toml",
    )


@pytest.fixture
def backend() -> MemoryKeyring:
    return MemoryKeyring()


def open_dialog(
    qtbot: QtBot, settings: AppSettings, store: SecretStore
) -> tuple[SettingsDialog, list[AppSettings]]:
    dialog = SettingsDialog(settings, store, list_devices=lambda: DEVICES)
    qtbot.addWidget(dialog)
    applied: list[AppSettings] = []
    dialog.applied.connect(applied.append)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, applied


def test_ok_by_keyboard_writes_the_file_and_the_keyring(
    qtbot: QtBot, settings: AppSettings, backend: MemoryKeyring
) -> None:
    dialog, applied = open_dialog(qtbot, settings, SecretStore(backend))
    type_into(qtbot, dialog.operator_edit, "Anna")  # QTest types ASCII only
    type_into(qtbot, dialog.registrar_edit, "pbx.local:5070")
    type_into(qtbot, dialog.user_edit, "101")
    type_into(qtbot, dialog.password_edit, "s3cret")
    dialog.transport_combo.setFocus()
    qtbot.keyClick(dialog.transport_combo, Qt.Key.Key_Down)  # UDP -> TCP
    type_into(qtbot, dialog.listen_edit, "0.0.0.0:5070")
    dialog.playback_combo.setFocus()
    qtbot.keyClick(dialog.playback_combo, Qt.Key.Key_End)  # the USB headset
    dialog.language_combo.setFocus()
    qtbot.keyClick(dialog.language_combo, Qt.Key.Key_Down)  # English
    type_into(qtbot, dialog.sync_url_edit, "https://sync.example.ru")
    qtbot.keyClick(dialog.sync_url_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert len(applied) == 1
    saved = load_settings(settings.config_path, data_dir=settings.data_dir)
    assert saved.operator == "Anna"
    assert saved.sip.registrar == "pbx.local:5070"
    assert saved.sip.user == "101"
    assert saved.sip.transport == "tcp"
    assert saved.sip_listen_port == 5070
    assert saved.playback_device == 2
    assert saved.capture_device is None
    assert saved.language == "en"
    assert saved.sync_url == "https://sync.example.ru"
    assert saved.db_url == settings.db_url
    assert "s3cret" not in settings.config_path.read_text(encoding="utf-8")
    assert backend.store == {("dispatch-desk", "101@pbx.local:5070"): "s3cret"}
    assert applied[0].sip.password == "s3cret"  # the window restarts the engine with it
    assert applied[0].config_path == settings.config_path


def test_invalid_values_show_messages_and_write_nothing(
    qtbot: QtBot, settings: AppSettings, backend: MemoryKeyring
) -> None:
    dialog, applied = open_dialog(qtbot, settings, SecretStore(backend))
    type_into(qtbot, dialog.registrar_edit, "pbx.local")
    type_into(qtbot, dialog.listen_edit, "0.0.0.0:70000")
    type_into(qtbot, dialog.db_edit, "not a url")
    type_into(qtbot, dialog.sync_url_edit, "sync.example.ru")
    qtbot.keyClick(dialog.sync_url_edit, Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert dialog.field_error("user") == "A registrar needs a SIP user name."
    assert "65535" in dialog.field_error("listen")
    assert "Not a database URL" in dialog.field_error("db_url")
    assert "http://" in dialog.field_error("sync_url")
    assert dialog.field_error("registrar") == ""
    assert dialog.tabs.currentWidget() is dialog.sip_tab  # the first bad field is shown
    assert dialog.focusWidget() is dialog.user_edit
    assert not settings.config_path.exists()
    assert applied == []
    assert backend.store == {}

    # Fixing the fields clears their messages on the next try.
    type_into(qtbot, dialog.user_edit, "101")
    type_into(qtbot, dialog.listen_edit, "5062")
    type_into(qtbot, dialog.db_edit, "")
    type_into(qtbot, dialog.sync_url_edit, "")
    dialog.buttons.button(dialog.buttons.StandardButton.Apply).click()
    assert dialog.field_error("user") == ""
    assert dialog.isVisible()  # Apply keeps the dialog open
    assert len(applied) == 1
    assert applied[0].sip_listen_port == 5062
    assert load_settings(settings.config_path, data_dir=settings.data_dir).sip.user == "101"


def test_without_keyring_the_dialog_says_so(qtbot: QtBot, settings: AppSettings) -> None:
    store = SecretStore(keyring.backends.fail.Keyring())
    dialog, applied = open_dialog(qtbot, settings, store)
    assert not dialog.keyring_label.isHidden()  # on the SIP tab
    assert "asked again at next start" in dialog.keyring_label.text()
    type_into(qtbot, dialog.user_edit, "101")
    type_into(qtbot, dialog.password_edit, "pw")
    dialog.buttons.button(dialog.buttons.StandardButton.Apply).click()
    assert len(applied) == 1
    assert dialog.notice.isVisible()
    assert "asked again at next start" in dialog.notice.text()
    assert store.get("101@local") == "pw"  # kept for this session
    assert '"pw"' not in settings.config_path.read_text(encoding="utf-8")


def test_registration_state_is_shown_live(
    qtbot: QtBot, settings: AppSettings, backend: MemoryKeyring
) -> None:
    dialog, _ = open_dialog(qtbot, settings, SecretStore(backend))
    assert dialog.registration_label.text() == "unknown"
    dialog.set_registration_state("Registered (200 OK)", True)
    assert dialog.registration_label.text() == "Registered (200 OK)"
    assert "#1b7f3b" in dialog.registration_label.styleSheet()
    dialog.set_registration_state("Failed: 403 Forbidden", False)
    assert "#c0392b" in dialog.registration_label.styleSheet()


def test_devices_and_password_are_prefilled(
    qtbot: QtBot, settings: AppSettings, backend: MemoryKeyring
) -> None:
    backend.store[("dispatch-desk", "101@pbx")] = "from-keyring"
    configured = replace(settings, sip=SipSettings(registrar="pbx", user="101"), capture_device=7)
    dialog, _ = open_dialog(qtbot, configured, SecretStore(backend))
    assert dialog.password_edit.text() == "from-keyring"
    captures = [dialog.capture_combo.itemText(i) for i in range(dialog.capture_combo.count())]
    assert captures == ["System default", "0: Built-in microphone", "2: USB headset", "7: ?"]
    assert dialog.capture_combo.currentData() == 7
    assert dialog.playback_combo.count() == 3


@pytest.mark.expect_log("app.widgets.settings_dialog", "cannot enumerate sound devices")
def test_a_failing_device_list_leaves_the_system_default(
    qtbot: QtBot, settings: AppSettings, backend: MemoryKeyring
) -> None:
    def broken() -> list[AudioDevice]:
        raise RuntimeError("no audio subsystem")

    dialog = SettingsDialog(settings, SecretStore(backend), list_devices=broken)
    qtbot.addWidget(dialog)
    assert dialog.capture_combo.count() == 1
    assert dialog.capture_combo.currentData() is None


def test_describe_registration() -> None:
    ok = RegistrationChanged("default", RegState.REGISTERED, 200, "OK", 300)
    failed = RegistrationChanged("default", RegState.FAILED, 403, "Forbidden", 0)
    assert describe_registration(ok) == ("Registered (200 OK)", True)
    assert describe_registration(failed) == ("Registration failed (403 Forbidden)", False)
