"""The configuration file: where config.toml is, reading it with checks, writing it atomically.

The file is the one `dispatcher.config` reads too (`[database] url`, `[phones]
default_region`), so the admin keeps one file per operator PC. See docs/config.example.toml.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs

from app.settings.model import (
    APP_NAME,
    DEFAULT_LISTEN_HOST,
    DEFAULT_LISTEN_PORT,
    LANGUAGES,
    TRANSPORTS,
    AppSettings,
    SettingsError,
    SipSettings,
    check_db_url,
    default_data_dir,
    parse_listen,
    sqlite_url,
)

CONFIG_FILE = "config.toml"
CONFIG_ENV = "DISPATCH_DESK_CONFIG"
LEGACY_CONFIG_ENV = "DISPATCH_CONFIG"  # the name dispatcher.config reads


def settings_path(data_dir: Path | str | None = None) -> Path:
    """The configuration file: DIR/config.toml with --data-dir, else env, else user config."""
    if data_dir is not None:
        return Path(data_dir) / CONFIG_FILE
    for name in (CONFIG_ENV, LEGACY_CONFIG_ENV):
        override = os.environ.get(name)
        if override:
            return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_FILE


# --- reading ---------------------------------------------------------------------------------

# section -> key -> expected Python type(s); anything else is a SettingsError.
_SCHEMA: dict[str, dict[str, tuple[type, ...]]] = {
    "ui": {"language": (str,), "operator": (str,)},
    "database": {"url": (str,)},
    "phones": {"default_region": (str,)},
    "sync": {"url": (str,), "api_key": (str,)},
    "sip": {
        "registrar": (str,),
        "domain": (str,),
        "user": (str,),
        "auth_user": (str,),
        "transport": (str,),
        "listen": (str,),
        "auto_answer": (bool,),
        "trace": (bool,),
    },
    "audio": {"capture_device": (int, str), "playback_device": (int, str), "null_audio": (bool,)},
}
SECTIONS = tuple(_SCHEMA)
_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false"}


def _check_shape(data: Mapping[str, Any], where: Path) -> None:
    for section, table in data.items():
        if section not in _SCHEMA:
            raise SettingsError(
                f"{where}: unknown section [{section}]; known sections: "
                f"{', '.join(f'[{name}]' for name in SECTIONS)}."
            )
        if not isinstance(table, Mapping):
            raise SettingsError(f"{where}: {section} must be a [{section}] table.")
        known = _SCHEMA[section]
        for key, value in table.items():
            if key not in known:
                raise SettingsError(
                    f"{where}: unknown setting {section}.{key}; known in [{section}]: "
                    f"{', '.join(known)}."
                )
            types = known[key]
            # bool is an int in Python: a device number must not accept `true`.
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                expected = " or ".join(_TYPE_NAMES[t] for t in types)
                raise SettingsError(f"{where}: {section}.{key} must be {expected}, not {value!r}.")


def _device(value: int | str, key: str, where: Path) -> int | None:
    if isinstance(value, str):
        if value.strip().lower() in ("", "default", "system"):
            return None
        raise SettingsError(
            f'{where}: audio.{key} must be a device number or "default", not {value!r}.'
        )
    if value < 0:
        return None  # pjsua2's own "default device" numbers are negative
    return value


def _choice(value: str, allowed: tuple[str, ...], what: str, where: Path) -> str:
    value = value.strip().lower()
    if value not in allowed:
        raise SettingsError(f"{where}: {what} must be one of {', '.join(allowed)}, not {value!r}.")
    return value


def _from_mapping(data: Mapping[str, Any], where: Path, data_dir: Path) -> AppSettings:
    _check_shape(data, where)
    ui = data.get("ui", {})
    database = data.get("database", {})
    phones = data.get("phones", {})
    sync = data.get("sync", {})
    sip = data.get("sip", {})
    audio = data.get("audio", {})

    db_url = database.get("url", "").strip()
    if db_url:
        try:
            db_url = check_db_url(db_url)
        except SettingsError as exc:
            raise SettingsError(f"{where}: database.url: {exc}") from None
    else:
        db_url = sqlite_url(data_dir)

    listen_host, listen_port = DEFAULT_LISTEN_HOST, DEFAULT_LISTEN_PORT
    if "listen" in sip:
        try:
            listen_host, listen_port = parse_listen(sip["listen"])
        except SettingsError as exc:
            raise SettingsError(f"{where}: sip.listen: {exc}") from None

    region = phones.get("default_region", "RU").strip().upper() or "RU"
    if len(region) != 2 or not region.isalpha():
        raise SettingsError(
            f"{where}: phones.default_region must be a two-letter country code, not {region!r}."
        )

    return AppSettings(
        db_url=db_url,
        data_dir=data_dir,
        language=_choice(ui.get("language", "ru"), LANGUAGES, "ui.language", where),
        operator=ui.get("operator", "").strip(),
        sync_url=sync.get("url", "").strip(),
        sync_api_key=sync.get("api_key", "").strip(),
        sip=SipSettings(
            registrar=sip.get("registrar", "").strip(),
            domain=sip.get("domain", "").strip(),
            user=sip.get("user", "").strip(),
            auth_user=sip.get("auth_user", "").strip(),
            transport=_choice(sip.get("transport", "udp"), TRANSPORTS, "sip.transport", where),
        ),
        sip_listen_host=listen_host,
        sip_listen_port=listen_port,
        capture_device=_device(audio.get("capture_device", "default"), "capture_device", where),
        playback_device=_device(audio.get("playback_device", "default"), "playback_device", where),
        null_audio=audio.get("null_audio", False),
        auto_answer=sip.get("auto_answer", False),
        sip_trace=sip.get("trace", False),
        region=region,
        config_path=where,
    )


def load_settings(path: Path | str | None = None, *, data_dir: Path | None = None) -> AppSettings:
    """Settings from ``path`` (default `settings_path()`); a missing file gives the defaults.

    ``data_dir`` is where the embedded database lives (default `default_data_dir()`).
    Raises SettingsError, with the file and the key in the message, for anything unusable.
    """
    where = Path(path) if path is not None else settings_path()
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    try:
        with where.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        data = {}
    except OSError as exc:
        raise SettingsError(f"Cannot read {where}: {exc.strerror or exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{where} is not valid TOML: {exc}.") from None
    return _from_mapping(data, where, data_dir)


# --- writing ---------------------------------------------------------------------------------


def to_toml_dict(settings: AppSettings) -> dict[str, Any]:
    """The file's content for ``settings``: no password, no defaults-only noise."""
    sip: dict[str, Any] = {
        "registrar": settings.sip.registrar,
        "domain": settings.sip.domain,
        "user": settings.sip.user,
        "auth_user": settings.sip.auth_user,
        "transport": settings.sip.transport,
        "listen": f"{settings.sip_listen_host}:{settings.sip_listen_port}",
        "auto_answer": settings.auto_answer,
        "trace": settings.sip_trace,
    }
    audio: dict[str, Any] = {"null_audio": settings.null_audio}
    # TOML has no null: "default" reads better for an admin than a missing key.
    audio["capture_device"] = (
        "default" if settings.capture_device is None else settings.capture_device
    )
    audio["playback_device"] = (
        "default" if settings.playback_device is None else settings.playback_device
    )
    database: dict[str, Any] = {}
    # The embedded database follows the data directory, so its URL is not pinned in the file.
    if settings.db_url and settings.db_url != settings.embedded_db_url:
        database["url"] = settings.db_url
    return {
        "ui": {"language": settings.language, "operator": settings.operator},
        "database": database,
        "phones": {"default_region": settings.region},
        "sync": {"url": settings.sync_url, "api_key": settings.sync_api_key},
        "sip": sip,
        "audio": audio,
    }


_HEADER = """\
# Dispatch Desk settings, written by the Settings dialog (see docs/config.example.toml).
# The SIP password is kept in the system keyring, never in this file.
"""


def save_settings(settings: AppSettings, path: Path | str | None = None) -> Path:
    """Write ``settings`` atomically (temp file + rename) to ``path`` and return the path.

    The default path is ``settings.config_path``, else `settings_path()`. The file is made
    readable by its owner only, because it holds the sync API key.
    """
    import tomli_w

    where = Path(path or settings.config_path or settings_path())
    text = _HEADER + "\n" + tomli_w.dumps(to_toml_dict(settings))
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=where.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, where)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SettingsError(f"Cannot write {where}: {exc.strerror or exc}.") from None
    return where
