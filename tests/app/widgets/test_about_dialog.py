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


def test_about_shows_the_versions_and_the_config_files_in_use(qtbot: QtBot, tmp_path: Path) -> None:
    from app.versions import DatabaseVersions, Versions

    machine, user = tmp_path / "etc.toml", tmp_path / "config.toml"
    settings = AppSettings(config_path=user, config_files=(machine, user))
    dialog = AboutDialog(
        settings,
        log_file=tmp_path / "desk.log",
        versions=Versions("1.2.0", "2.15.1", "6.11.3", "6.11.3", "3.11.7"),
    )
    qtbot.addWidget(dialog)
    assert dialog.version_value.text() == "1.2.0"
    assert dialog.pjsip_value.text() == "2.15.1"
    assert dialog.qt_value.text() == "6.11.3 (PySide6 6.11.3)"
    assert dialog.python_value.text() == "3.11.7"
    assert dialog.config_value.text() == f"{machine}\n{user}"
    assert dialog.db_server_value.text() == "…"  # until the worker answers
    dialog.set_database(DatabaseVersions("PostgreSQL", "15.18", "0005", "0006"))
    assert dialog.db_server_value.text() == "PostgreSQL 15.18"
    assert dialog.schema_value.text() == "0005 (this version needs 0006)"
