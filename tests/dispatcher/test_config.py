"""Configuration an admin writes once per operator PC."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatcher.config import DomainSettings, default_db_url


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("DISPATCH_CONFIG", str(path))
    monkeypatch.setenv("DISPATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DISPATCH_DB_URL", raising=False)
    monkeypatch.delenv("DISPATCH_PHONE_REGION", raising=False)
    return path


def test_without_configuration_the_embedded_database_and_russia_are_used(
    config_file: Path, tmp_path: Path
) -> None:
    assert default_db_url() == f"sqlite:///{tmp_path / 'data' / 'dispatch.sqlite3'}"
    assert DomainSettings.from_env().phone_region == "RU"


def test_the_configuration_file_sets_database_and_region(config_file: Path) -> None:
    config_file.write_text(
        '[database]\nurl = "postgresql://desk@db.local/dispatch"\n'
        '[phones]\ndefault_region = "kz"\n',
        encoding="utf-8",
    )
    assert default_db_url() == "postgresql://desk@db.local/dispatch"
    assert DomainSettings.from_env().phone_region == "KZ"


def test_the_environment_overrides_the_file(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file.write_text('[phones]\ndefault_region = "KZ"\n', encoding="utf-8")
    monkeypatch.setenv("DISPATCH_PHONE_REGION", "by")
    monkeypatch.setenv("DISPATCH_DB_URL", "sqlite:////tmp/other.sqlite3")
    assert DomainSettings.from_env().phone_region == "BY"
    assert default_db_url() == "sqlite:////tmp/other.sqlite3"


@pytest.mark.expect_log("dispatcher.config", "ignoring configuration file")
def test_a_broken_configuration_file_does_not_stop_the_program(config_file: Path) -> None:
    config_file.write_text("[database\nurl = ", encoding="utf-8")
    assert default_db_url().startswith("sqlite:///")
