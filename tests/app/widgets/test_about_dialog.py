"""Help -> About: version, license, log, config and database (password masked)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.settings import AppSettings
from app.widgets.about_dialog import AboutDialog, mask_db_url


def test_about_shows_paths_and_masks_the_db_password(qtbot: QtBot, tmp_path: Path) -> None:
    settings = AppSettings(
        db_url="postgresql+psycopg://desk:topsecret@db.local/dispatch",
        config_path=tmp_path / "config.toml",
    )
    dialog = AboutDialog(settings, log_file=tmp_path / "logs" / "dispatch-desk.log")
    qtbot.addWidget(dialog)
    assert dialog.license_value.text() == "GPL-3.0-or-later"
    assert dialog.log_value.text() == str(tmp_path / "logs" / "dispatch-desk.log")
    assert dialog.config_value.text() == str(tmp_path / "config.toml")
    assert dialog.db_value.text() == "postgresql+psycopg://desk:***@db.local/dispatch"
    assert dialog.version_value.text()


def test_mask_db_url_leaves_sqlite_alone() -> None:
    assert mask_db_url("sqlite:////data/dispatch.sqlite3") == "sqlite:////data/dispatch.sqlite3"
