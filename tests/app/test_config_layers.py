"""Configuration for many PCs: the admin's machine-wide file, the user's file over it, the
command line over both; files of older versions upgraded with a backup."""

from __future__ import annotations

import argparse
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from app.selfcheck import setting_lines
from app.settings import (
    SettingsError,
    add_arguments,
    apply_overrides,
    load_settings,
    save_settings,
    source_of,
    upgrade_config_files,
)
from app.settings.config_upgrade import CONFIG_VERSION
from dispatcher.config import default_db_url

MACHINE = """\
[database]
url = "postgresql+psycopg://desk@db.office.local/dispatch"
[sync]
url = "https://sync.office.local"
[ui]
language = "en"
"""


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The admin's machine-wide file (DISPATCH_DESK_MACHINE_CONFIG points at it)."""
    path = tmp_path / "etc" / "config.toml"
    path.parent.mkdir()
    path.write_text(MACHINE, encoding="utf-8")
    monkeypatch.setenv("DISPATCH_DESK_MACHINE_CONFIG", str(path))
    return path


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_the_user_file_overrides_the_machine_file_and_the_command_line_both(
    tmp_path: Path, machine: Path
) -> None:
    user = tmp_path / "user.toml"
    user.write_text('[ui]\nlanguage = "ru"\noperator = "Анна"\n', encoding="utf-8")

    settings = apply_overrides(
        load_settings(user, data_dir=tmp_path), parse("--sync-url", "http://127.0.0.1:9")
    )

    assert settings.db_url == "postgresql+psycopg://desk@db.office.local/dispatch"
    assert settings.language == "ru" and settings.operator == "Анна"
    assert settings.sync_url == "http://127.0.0.1:9"
    assert source_of(settings, "database.url") == str(machine)
    assert source_of(settings, "ui.language") == str(user)
    assert source_of(settings, "sync.url") == "command line (--sync-url)"
    assert source_of(settings, "sip.transport") == "default"
    assert settings.config_files == (machine, user)
    lines = {line.split()[0]: line for line in setting_lines(settings)}
    assert lines["database.url"].endswith(f"({machine})")
    assert lines["ui.operator"].endswith(f"({user})")
    assert lines["sync.url"].endswith("(command line (--sync-url))")


def test_dispatch_reads_the_machine_file_too(
    tmp_path: Path, machine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPATCH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("DISPATCH_DB_URL", raising=False)
    assert default_db_url() == "postgresql+psycopg://desk@db.office.local/dispatch"


def test_a_wrong_value_names_the_file_that_holds_it(tmp_path: Path, machine: Path) -> None:
    machine.write_text('[sip]\ntransport = "carrier-pigeon"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=f"{machine}: sip.transport"):
        load_settings(tmp_path / "user.toml", data_dir=tmp_path)


def test_saving_from_settings_leaves_the_admins_values_to_the_admin(
    tmp_path: Path, machine: Path
) -> None:
    user = tmp_path / "user.toml"
    settings = load_settings(user, data_dir=tmp_path)
    save_settings(replace(settings, operator="Ольга"), user)

    written = tomllib.loads(user.read_text(encoding="utf-8"))
    assert written["ui"]["operator"] == "Ольга"
    assert "url" not in written["database"] and "language" not in written["ui"]
    # The admin points every PC at a new server: this user follows.
    machine.write_text(MACHINE.replace("db.office.local", "db2.office.local"), encoding="utf-8")
    assert "db2.office.local" in load_settings(user, data_dir=tmp_path).db_url


def test_a_file_with_an_old_key_is_upgraded_with_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPATCH_DESK_MACHINE_CONFIG", str(tmp_path / "no-machine.toml"))
    user = tmp_path / "config.toml"
    old = '# written by 0.1\n[ui]\noperator = "Анна"\n[sip]\nuser = "101"\ntrace = true\n'
    user.write_text(old, encoding="utf-8")

    assert load_settings(user, data_dir=tmp_path).sip_trace  # read right before the rewrite
    backups = upgrade_config_files(user)

    assert len(backups) == 1 and backups[0].name.startswith("config.toml.bak-")
    assert backups[0].read_text(encoding="utf-8") == old
    new = tomllib.loads(user.read_text(encoding="utf-8"))
    assert new["config_version"] == CONFIG_VERSION
    assert new["logging"] == {"sip_trace": True} and "trace" not in new["sip"]
    assert new["sip"]["user"] == "101" and new["ui"]["operator"] == "Анна"
    settings = load_settings(user, data_dir=tmp_path)
    assert settings.sip_trace and source_of(settings, "logging.sip_trace") == str(user)
    assert upgrade_config_files(user) == []  # current now: no second backup


def test_a_file_from_a_newer_version_is_refused_readably(tmp_path: Path, machine: Path) -> None:
    user = tmp_path / "config.toml"
    user.write_text("config_version = 99\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="newer Dispatch Desk"):
        load_settings(user, data_dir=tmp_path)
