"""AppSettings: the TOML file, command-line overrides, engine config and the password store."""

from __future__ import annotations

import argparse
import stat
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest

from app.settings import (
    NO_KEYRING_MESSAGE,
    AppSettings,
    SecretStore,
    SettingsError,
    SipSettings,
    add_arguments,
    apply_overrides,
    changed_parts,
    load_settings,
    save_settings,
    secret_key,
    settings_from_args,
    settings_path,
    sqlite_url,
    to_engine_config,
)
from dispatcher.config import read_config_file


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A working keyring backend (keyring's own base class) that keeps passwords in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


# keyring registers every backend class for auto-detection; keep the test doubles out of
# it so no other test's default keyring becomes one of them.
keyring.backend.KeyringBackend._classes.discard(MemoryKeyring)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def full_settings(tmp_path: Path) -> AppSettings:
    return AppSettings(
        db_url="postgresql+psycopg://desk:secret@db.local/dispatch",
        data_dir=tmp_path / "data",
        language="en",
        sync_url="https://sync.example.ru",
        sync_api_key="k-123",
        operator="Анна",
        sip=SipSettings(
            registrar="pbx.local:5070",
            domain="",
            user="101",
            auth_user="a101",
            password="not-in-the-file",
            transport="tcp",
        ),
        sip_listen_host="10.0.0.5",
        sip_listen_port=5080,
        capture_device=2,
        playback_device=None,
        null_audio=True,
        auto_answer=True,
        region="BY",
    )


def test_missing_file_gives_defaults_with_the_embedded_database(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.toml", data_dir=tmp_path)
    assert settings.language == "ru"
    assert settings.db_url == sqlite_url(tmp_path)
    assert settings.sip.transport == "udp"
    assert settings.capture_device is None
    assert settings.region == "RU"


def test_save_and_load_roundtrip_keeps_everything_but_the_password(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "config.toml"
    original = full_settings(tmp_path)
    assert save_settings(original, path) == path
    text = path.read_text(encoding="utf-8")
    assert "not-in-the-file" not in text
    assert text.startswith("#")  # an admin reading it learns where the password is
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the API key
    loaded = load_settings(path, data_dir=original.data_dir)
    expected = AppSettings(
        **{
            **{name: getattr(original, name) for name in original.__slots__},
            "sip": SipSettings(**{**_sip_dict(original.sip), "password": ""}),
            "config_path": path,
        }
    )
    assert loaded == expected
    assert list(tmp_path.joinpath("conf").iterdir()) == [path]  # no temp file left behind


def _sip_dict(sip: SipSettings) -> dict[str, object]:
    return {name: getattr(sip, name) for name in sip.__slots__}


def test_the_embedded_database_is_not_pinned_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_settings(AppSettings(db_url=sqlite_url(tmp_path), data_dir=tmp_path), path)
    assert "url" not in read_config_file(path).get("database", {})


def test_dispatcher_reads_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_settings(full_settings(tmp_path), path)
    data = read_config_file(path)
    assert data["database"]["url"] == "postgresql+psycopg://desk:secret@db.local/dispatch"
    assert data["phones"]["default_region"] == "BY"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[ui\nlanguage = 'ru'", "is not valid TOML"),
        ("[ui]\nlanguage = 'de'", "ui.language must be one of ru, en, not 'de'"),
        ("[ui]\ncolour = 'red'", "unknown setting ui.colour"),
        ("[databse]\nurl = 'x'", "unknown section [databse]"),
        ("[sip]\ntransport = 'sctp'", "sip.transport must be one of udp, tcp, tls"),
        ("[sip]\nlisten = '0.0.0.0:99999'", "out of range"),
        ("[sip]\nlisten = 'here'", "ADDRESS:PORT"),
        ("[sip]\nauto_answer = 'yes'", "sip.auto_answer must be true or false"),
        ("[audio]\ncapture_device = true", "audio.capture_device must be"),
        ("[audio]\ncapture_device = 'usb'", 'a device number or "default"'),
        ("[database]\nurl = 'not a url'", "database.url"),
        ("[database]\nurl = 'mysql://x@y/z'", "only sqlite and postgresql"),
        ("[phones]\ndefault_region = 'RUS'", "two-letter country code"),
        ("sip = 5", "sip must be a [sip] table"),
    ],
)
def test_bad_values_give_a_readable_error_naming_the_file(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path, data_dir=tmp_path)
    message = str(caught.value)
    assert expected in message
    assert str(path) in message
    assert "Traceback" not in message


def test_default_device_spelled_out(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[audio]\ncapture_device = 'default'\nplayback_device = 3\n")
    settings = load_settings(path, data_dir=tmp_path)
    assert settings.capture_device is None
    assert settings.playback_device == 3


def test_settings_path_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPATCH_CONFIG", raising=False)
    monkeypatch.setenv("DISPATCH_DESK_CONFIG", str(tmp_path / "desk.toml"))
    assert settings_path() == tmp_path / "desk.toml"
    assert settings_path(tmp_path / "d") == tmp_path / "d" / "config.toml"


def test_command_line_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_settings(full_settings(tmp_path), path)
    settings = load_settings(path, data_dir=tmp_path)
    args = parse(
        "--db",
        "sqlite:////tmp/other.sqlite3",
        "--sip-listen",
        "127.0.0.1:5999",
        "--sync-url",
        "http://127.0.0.1:8800",
        "--lang",
        "ru",
    )
    out = apply_overrides(settings, args)
    assert out.db_url == "sqlite:////tmp/other.sqlite3"
    assert (out.sip_listen_host, out.sip_listen_port) == ("127.0.0.1", 5999)
    assert out.sync_url == "http://127.0.0.1:8800"
    assert out.language == "ru"
    assert out.sip == settings.sip  # untouched where no option was given
    assert apply_overrides(settings, parse()) == settings


def test_data_dir_moves_database_logs_and_config(tmp_path: Path) -> None:
    user_config = tmp_path / "user" / "config.toml"
    save_settings(full_settings(tmp_path), user_config)
    settings = load_settings(user_config, data_dir=tmp_path / "user-data")
    home = tmp_path / "instance"
    home.mkdir()
    (home / "config.toml").write_text("[ui]\noperator = 'Ольга'\n", encoding="utf-8")

    out = apply_overrides(settings, parse("--data-dir", str(home)))

    assert out.data_dir == home.resolve()
    assert out.db_url == f"sqlite:///{home.resolve() / 'dispatch.sqlite3'}"
    assert out.log_dir == home.resolve() / "logs"
    assert out.config_path == home.resolve() / "config.toml"
    assert out.operator == "Ольга"  # read from DIR/config.toml, not the user config
    assert out.sip.registrar == ""


def test_data_dir_and_db_together(tmp_path: Path) -> None:
    out = apply_overrides(
        AppSettings(), parse("--data-dir", str(tmp_path), "--db", "sqlite:///x.sqlite3")
    )
    assert out.db_url == "sqlite:///x.sqlite3"
    assert out.log_dir == tmp_path.resolve() / "logs"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(("--db", "nonsense"), "not a database URL"), (("--sip-listen", "a:b"), "ADDRESS:PORT")],
)
def test_bad_command_line_values_are_readable(argv: tuple[str, ...], expected: str) -> None:
    with pytest.raises(SettingsError, match=expected):
        apply_overrides(AppSettings(), parse(*argv))


def test_engine_config_for_a_pbx_account() -> None:
    settings = AppSettings(
        operator="Анна",
        sip=SipSettings(registrar="pbx.local:5070", user="101", password="pw", transport="tcp"),
        sip_listen_port=5062,
        capture_device=1,
    )
    config = to_engine_config(settings)
    (account,) = config.accounts
    assert account.registrar == "sip:pbx.local:5070"
    assert account.domain == "pbx.local:5070"
    assert account.user == "101"
    assert account.password == "pw"
    assert account.transport == "tcp"
    assert account.display_name == "Анна"
    assert config.udp_port == 5062
    assert config.capture_device == 1


def test_engine_config_without_registrar_is_a_local_account() -> None:
    config = to_engine_config(AppSettings(sip_listen_host="127.0.0.1", sip_listen_port=0))
    (account,) = config.accounts
    assert account.registrar is None
    assert not account.registers
    assert account.domain == "127.0.0.1"
    assert account.user == "operator"


# --- the password store, with keyring's own backends ---------------------------------------


@pytest.mark.parametrize(
    "backend", [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()]
)
def test_without_a_keyring_the_password_stays_in_memory_with_a_message(
    backend: keyring.backend.KeyringBackend,
) -> None:
    store = SecretStore(backend)
    assert not store.available
    assert store.message == NO_KEYRING_MESSAGE
    assert store.set("101@pbx", "pw") == NO_KEYRING_MESSAGE
    assert store.get("101@pbx") == "pw"  # for this session
    assert SecretStore(backend).get("101@pbx") == ""  # the next start asks again


class BrokenKeyring(MemoryKeyring):
    """Looks usable, then fails on write (a locked or vanished Secret Service)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("the collection is locked")


keyring.backend.KeyringBackend._classes.discard(BrokenKeyring)


@pytest.mark.expect_log("app.settings", "keyring write failed")
def test_a_keyring_failing_on_write_falls_back_to_memory() -> None:
    store = SecretStore(BrokenKeyring())
    assert store.set("101@pbx", "pw") == NO_KEYRING_MESSAGE
    assert store.get("101@pbx") == "pw"
    assert not store.available


def test_a_working_keyring_keeps_the_password_across_sessions() -> None:
    backend = MemoryKeyring()
    settings = AppSettings(sip=SipSettings(registrar="pbx.local", user="101", password="pw"))
    assert SecretStore(backend).save(settings) == ""
    assert backend.store == {("dispatch-desk", "101@pbx.local"): "pw"}
    again = SecretStore(backend).fill(replace_password(settings, ""))
    assert again.sip.password == "pw"
    assert SecretStore(backend).save(replace_password(settings, "")) == ""
    assert backend.store == {}


def replace_password(settings: AppSettings, password: str) -> AppSettings:
    return replace(settings, sip=replace(settings.sip, password=password))


def test_secret_key_uses_auth_user_and_registrar_host() -> None:
    assert secret_key(SipSettings(registrar="sip:pbx:5060;transport=tcp", user="1")) == "1@pbx:5060"
    assert secret_key(SipSettings(user="1", auth_user="a1")) == "a1@local"


def test_the_documented_example_is_a_valid_file(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "docs" / "config.example.toml"
    settings = load_settings(example, data_dir=tmp_path)
    assert settings.sip.registrar == "pbx.office.local:5060"
    assert settings.db_url.startswith("postgresql+psycopg://")
    assert settings.capture_device is None


def test_changed_parts_tell_the_window_what_to_redo() -> None:
    base = AppSettings(sip=SipSettings(user="101"))
    assert changed_parts(base, base) == frozenset()
    assert changed_parts(base, replace(base, language="en")) == {"language"}
    assert changed_parts(base, replace_password(base, "pw")) == {"sip"}
    assert changed_parts(base, replace(base, playback_device=2)) == {"sip"}
    assert changed_parts(base, replace(base, db_url="sqlite:///x")) == {"database"}
    assert changed_parts(base, replace(base, sync_api_key="k")) == {"sync"}
    assert changed_parts(base, replace(base, operator="Анна")) == {"sip", "ui"}


@pytest.mark.parametrize(
    "change",
    [
        {"sip": SipSettings(user="101", registrar="pbx.local")},
        {"sip": SipSettings(user="101", domain="example.com")},
        {"sip": SipSettings(user="102")},
        {"sip": SipSettings(user="101", auth_user="a101")},
        {"sip": SipSettings(user="101", transport="tcp")},
        {"sip_listen_host": "127.0.0.1"},
        {"sip_listen_port": 5070},
        {"auto_answer": True},
        {"sip_trace": True},
        {"capture_device": 1},
        {"null_audio": True},
    ],
    ids=lambda change: next(iter(change)),
)
def test_every_part_of_the_sip_line_restarts_it(change: dict[str, Any]) -> None:
    base = AppSettings(sip=SipSettings(user="101"))
    assert changed_parts(base, replace(base, **change)) == {"sip"}


def test_the_phone_region_is_a_ui_change_only() -> None:
    base = AppSettings()
    assert changed_parts(base, replace(base, region="KZ")) == {"ui"}


def test_settings_from_args_with_data_dir_ignores_a_broken_user_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[nonsense", encoding="utf-8")
    monkeypatch.setenv("DISPATCH_DESK_CONFIG", str(broken))
    with pytest.raises(SettingsError):
        settings_from_args(parse())
    settings = settings_from_args(parse("--data-dir", str(tmp_path / "inst")))
    assert settings.data_dir == (tmp_path / "inst").resolve()
