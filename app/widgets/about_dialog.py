"""Help -> About: version, license, and where the log, the configuration and the data are."""

from __future__ import annotations

from importlib import metadata
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

LICENSE = "GPL-3.0-or-later"


def app_version() -> str:
    """The installed package's version, or "dev" when running from an uninstalled tree."""
    try:
        return metadata.version("dispatch-desk")
    except metadata.PackageNotFoundError:
        return "dev"


def mask_db_url(url: str) -> str:
    """``url`` with its password replaced by ***, safe to show and to paste into a ticket."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url if "@" not in url else "***"


class AboutDialog(QDialog):
    """Version, license, log file, configuration file and database URL (password masked)."""

    def __init__(
        self,
        settings: AppSettings,
        log_file: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """Show the paths of ``settings``; ``log_file`` defaults to the file being written."""
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.log_file = log_file or current_log_file() or log_dir_for(settings)
        self.config_file = settings.config_path or settings_path()
        self.db_url = mask_db_url(settings.db_url or settings.embedded_db_url)
        self.title = QLabel(self)
        self.version_value = self._value(app_version())
        self.license_value = self._value(LICENSE)
        self.log_value = self._value(str(self.log_file))
        self.config_value = self._value(str(self.config_file))
        self.db_value = self._value(self.db_url)
        self.form = QFormLayout()
        self._labels = [QLabel(self) for _ in range(5)]
        for label, value in zip(
            self._labels,
            (
                self.version_value,
                self.license_value,
                self.log_value,
                self.config_value,
                self.db_value,
            ),
            strict=True,
        ):
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
            self.tr("License:"),
            self.tr("Log file:"),
            self.tr("Configuration file:"),
            self.tr("Database:"),
        )
        for label, text in zip(self._labels, texts, strict=True):
            label.setText(text)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a language switch made in Settings."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
