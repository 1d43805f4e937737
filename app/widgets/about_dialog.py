"""Help -> About: the versions an admin quotes (app, pjsip, Qt, PySide6, Python, database and
schema) and where the log, the configuration files and the data are."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.app_logging import current_log_file
from app.settings import AppSettings, log_dir_for, settings_path
from app.versions import DatabaseVersions, Versions, app_version, runtime_versions

LICENSE = "GPL-3.0-or-later"

__all__ = ["LICENSE", "AboutDialog", "app_version", "mask_db_url"]


def mask_db_url(url: str) -> str:
    """``url`` with its password replaced by ***, safe to show and to paste into a ticket."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url if "@" not in url else "***"


class AboutDialog(QDialog):
    """Versions, license, log file, configuration files and database (password masked)."""

    def __init__(
        self,
        settings: AppSettings,
        log_file: Path | None = None,
        parent: QWidget | None = None,
        *,
        versions: Versions | None = None,
        database: DatabaseVersions | None = None,
    ) -> None:
        """Show ``settings``' paths, the ``versions`` and the ``database`` (None: unknown)."""
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        versions = versions or runtime_versions()
        self.log_file = log_file or current_log_file() or log_dir_for(settings)
        # The files read (machine-wide, then the user's); the user's file even when absent,
        # because Settings will write it there.
        files = list(settings.config_files)
        user = settings.config_path or settings_path()
        if user not in files:
            files.append(user)
        self.config_file = user
        self.db_url = mask_db_url(settings.db_url or settings.embedded_db_url)
        self.title = QLabel(self)
        self.version_value = self._value(versions.app)
        self.pjsip_value = self._value(versions.pjsip)
        self.qt_value = self._value(f"{versions.qt} (PySide6 {versions.pyside})")
        self.python_value = self._value(versions.python)
        self.license_value = self._value(LICENSE)
        self.log_value = self._value(str(self.log_file))
        self.config_value = self._value("\n".join(str(f) for f in files))
        self.db_value = self._value(self.db_url)
        self.db_server_value = self._value("")
        self.schema_value = self._value("")
        self.set_database(database)
        rows = (
            self.version_value,
            self.pjsip_value,
            self.qt_value,
            self.python_value,
            self.db_value,
            self.db_server_value,
            self.schema_value,
            self.config_value,
            self.log_value,
            self.license_value,
        )
        self.form = QFormLayout()
        self._labels = [QLabel(self) for _ in rows]
        for label, value in zip(self._labels, rows, strict=True):
            self.form.addRow(label, value)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.retranslate()

    def _value(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        # Admins copy these paths into a terminal or a support ticket.
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        return label

    def retranslate(self) -> None:
        """Set every text in the current interface language."""
        self.setWindowTitle(self.tr("About Dispatch Desk"))
        self.title.setText(
            self.tr("Dispatch Desk - the operator workspace of a delivery call-center")
        )
        texts = (
            self.tr("Version:"),
            self.tr("pjsip:"),
            self.tr("Qt:"),
            self.tr("Python:"),
            self.tr("Database:"),
            self.tr("Database server:"),
            self.tr("Schema revision:"),
            self.tr("Configuration files:"),
            self.tr("Log file:"),
            self.tr("License:"),
        )
        for label, text in zip(self._labels, texts, strict=True):
            label.setText(text)

    def set_database(self, database: DatabaseVersions | None) -> None:
        """Show the database's server and schema (they arrive from the database worker)."""
        self._database = database
        if database is None:
            self.db_server_value.setText("…")
            self.schema_value.setText("")
            return
        self.db_server_value.setText(f"{database.dialect} {database.server}")
        schema = database.revision
        if database.revision != database.head:
            schema += f" (this version needs {database.head})"
        self.schema_value.setText(schema)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a language switch made in Settings."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
