"""The configuration files: where they are, reading them with checks, writing atomically.

The machine-wide file an admin deploys, then the user's own ``config.toml`` over it
(`app.settings.layers`); both are the files `dispatcher.config` reads too (`[database] url`,
`[phones] default_region`). Files of older versions are read in today's layout
(`app.settings.config_upgrade`). See docs/config.example.toml.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import platformdirs

from app.settings.config_upgrade import CONFIG_VERSION, VERSION_KEY, upgrade_file
from app.settings.layers import machine_config_path, merge_layers, read_layer
from app.settings.model import (
    APP_NAME,
    DEFAULT_LISTEN_HOST,
    DEFAULT_LISTEN_PORT,
    LANGUAGES,
    SRTP_MODES,
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
    "sync": {"url": (str,), "api_key": (str,), "insecure": (bool,), "ca_file": (str,)},
    "sip": {
        "registrar": (str,),
        "domain": (str,),
        "user": (str,),
        "auth_user": (str,),
        "transport": (str,),
        "listen": (str,),
        "auto_answer": (bool,),
        "trusted_hosts": (list,),
        "ring_timeout": (int,),
        "srtp": (str,),
        "tls_ca_file": (str,),
        "complaint_numbers": (list,),
        "ivr_header": (str,),
        "complaint_ivr_values": (list,),
    },
    "audio": {"capture_device": (int, str), "playback_device": (int, str), "null_audio": (bool,)},
    "logging": {"sip_trace": (bool,)},
}
SECTIONS = tuple(_SCHEMA)
_TYPE_NAMES = {
    str: "a string",
    int: "a whole number",
    bool: "true or false",
    list: "a list of strings",
}


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
    log = data.get("logging", {})

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

    trusted = sip.get("trusted_hosts", [])
    if not all(isinstance(entry, str) and entry.strip() for entry in trusted):
        raise SettingsError(f"{where}: sip.trusted_hosts must list host names or networks.")
    for key in ("complaint_numbers", "complaint_ivr_values"):
        if not all(isinstance(entry, str) and entry.strip() for entry in sip.get(key, [])):
            raise SettingsError(f"{where}: sip.{key} must list non-empty strings.")
    ring_timeout = sip.get("ring_timeout", 120)
    if ring_timeout <= 0:
        raise SettingsError(f"{where}: sip.ring_timeout must be a positive number of seconds.")

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
        sync_insecure=sync.get("insecure", False),
        sync_ca_file=sync.get("ca_file", "").strip(),
        sip=SipSettings(
            registrar=sip.get("registrar", "").strip(),
            domain=sip.get("domain", "").strip(),
            user=sip.get("user", "").strip(),
            auth_user=sip.get("auth_user", "").strip(),
            transport=_choice(sip.get("transport", "udp"), TRANSPORTS, "sip.transport", where),
            trusted_hosts=tuple(entry.strip() for entry in trusted),
            ring_timeout_s=ring_timeout,
            srtp=_choice(sip.get("srtp", "off"), SRTP_MODES, "sip.srtp", where),
            tls_ca_file=sip.get("tls_ca_file", "").strip(),
            complaint_numbers=tuple(e.strip() for e in sip.get("complaint_numbers", [])),
            ivr_header=sip.get("ivr_header", "").strip(),
            complaint_ivr_values=tuple(e.strip() for e in sip.get("complaint_ivr_values", [])),
        ),
        sip_listen_host=listen_host,
        sip_listen_port=listen_port,
        capture_device=_device(audio.get("capture_device", "default"), "capture_device", where),
        playback_device=_device(audio.get("playback_device", "default"), "playback_device", where),
        null_audio=audio.get("null_audio", False),
        auto_answer=sip.get("auto_answer", False),
        sip_trace=log.get("sip_trace", False),
        region=region,
        config_path=where,
    )


def load_settings(
    path: Path | str | None = None,
    *,
    data_dir: Path | None = None,
    machine: Path | None = None,
) -> AppSettings:
    """Settings from the machine-wide file and ``path`` over it; missing files give defaults.

    ``path`` defaults to `settings_path()`, ``machine`` to `machine_config_path()`;
    ``data_dir`` is where the embedded database lives (default `default_data_dir()`).
    Raises SettingsError, with the file and the key in the message, for anything unusable.
    """
    where = Path(path) if path is not None else settings_path()
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    machine = machine if machine is not None else machine_config_path()
    layers = [layer for layer in (read_layer(machine), read_layer(where)) if layer is not None]
    for layer in layers:  # a wrong value is reported with the file that holds it
        _from_mapping(layer.data, layer.path, data_dir)
    data, sources = merge_layers(layers)
    settings = _from_mapping(data, where, data_dir)
    return replace(
        settings,
        sources=tuple(sorted(sources.items())),
        config_files=tuple(layer.path for layer in layers),
    )


def machine_settings(data_dir: Path | None = None) -> AppSettings:
    """What the machine-wide file alone gives (the base the user's file is written over)."""
    layer = read_layer(machine_config_path())
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    return _from_mapping(layer.data if layer else {}, machine_config_path(), data_dir)


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
        "trusted_hosts": list(settings.sip.trusted_hosts),
        "ring_timeout": settings.sip.ring_timeout_s,
        "srtp": settings.sip.srtp,
        "tls_ca_file": settings.sip.tls_ca_file,
        "complaint_numbers": list(settings.sip.complaint_numbers),
        "ivr_header": settings.sip.ivr_header,
        "complaint_ivr_values": list(settings.sip.complaint_ivr_values),
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
        VERSION_KEY: CONFIG_VERSION,
        "ui": {"language": settings.language, "operator": settings.operator},
        "database": database,
        "phones": {"default_region": settings.region},
        "sync": {
            "url": settings.sync_url,
            "api_key": settings.sync_api_key,
            "insecure": settings.sync_insecure,
            "ca_file": settings.sync_ca_file,
        },
        "sip": sip,
        "audio": audio,
        "logging": {"sip_trace": settings.sip_trace},
    }


def user_part(settings: AppSettings) -> dict[str, Any]:
    """What the user's file must hold: the values that differ from the machine-wide file's.

    A value equal to the admin's is left out, so a later change of the machine-wide file
    reaches this user too (only values set by the machine-wide file are compared).
    """
    machine_path = machine_config_path()
    mine = to_toml_dict(settings)
    layer = read_layer(machine_path)
    if layer is None:
        return mine
    base = to_toml_dict(_from_mapping(layer.data, machine_path, settings.data_dir))
    for section, table in layer.data.items():
        if section not in mine or not isinstance(table, Mapping):
            continue
        for key in table:
            if key in mine[section] and mine[section][key] == base[section].get(key):
                del mine[section][key]
    return mine


_HEADER = """\
# Dispatch Desk settings, written by the Settings dialog (see docs/config.example.toml).
# The SIP password is kept in the system keyring, never in this file.
"""


def save_settings(settings: AppSettings, path: Path | str | None = None) -> Path:
    """Write ``settings`` atomically (temp file + rename) to ``path`` and return the path.

    The default path is ``settings.config_path``, else `settings_path()`. The file is made
    readable by its owner only, because it holds the sync API key.
    """
    where = Path(path or settings.config_path or settings_path())
    _write(_HEADER, user_part(settings), where)
    return where


def _write(header: str, data: dict[str, Any], where: Path) -> None:
    import tomli_w

    text = header + "\n" + tomli_w.dumps(data)
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


_UPGRADED = """\
# Dispatch Desk settings, upgraded to this version's layout (the old file was kept as
# config.toml.bak-DATE beside this one; see docs/config.example.toml).
"""


def upgrade_config_files(path: Path | str | None = None) -> list[Path]:
    """Rewrite configuration files of older versions in today's layout; returns the backups.

    The user's file (``path``, default `settings_path()`) and the machine-wide one when this
    user may write it (an admin starting the desk once); files nobody may write are read in
    the new layout anyway.
    """
    user = Path(path) if path is not None else settings_path()

    def write(data: dict[str, Any], where: Path) -> None:
        try:
            _write(_UPGRADED, data, where)
        except SettingsError as exc:
            raise OSError(str(exc)) from None

    backups = []
    for where in (machine_config_path(), user):
        if where.exists() and os.access(where, os.W_OK) and os.access(where.parent, os.W_OK):
            backup = upgrade_file(where, write)
            if backup is not None:
                backups.append(backup)
    return backups
