"""The workspace's settings: one TOML file an admin can read, the SIP password in the keyring.

Precedence: command-line options (`apply_overrides`), then the configuration file, then
defaults. The file is the one `dispatcher.config` reads too (`[database] url`,
`[phones] default_region`), so the admin keeps one file per operator PC:
`config.toml` in the platformdirs user config dir of "dispatch-desk", or the path in
DISPATCH_DESK_CONFIG (DISPATCH_CONFIG is honoured as well), or DIR/config.toml with
``--data-dir DIR``. See docs/config.example.toml.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

logger = logging.getLogger(__name__)

APP_NAME = "dispatch-desk"
CONFIG_FILE = "config.toml"
DB_FILE = "dispatch.sqlite3"
CONFIG_ENV = "DISPATCH_DESK_CONFIG"
LEGACY_CONFIG_ENV = "DISPATCH_CONFIG"  # the name dispatcher.config reads
DATA_DIR_ENV = "DISPATCH_DATA_DIR"
LANGUAGES = ("ru", "en")
TRANSPORTS = ("udp", "tcp", "tls")
DB_SCHEMES = ("sqlite", "postgresql")
DEFAULT_LISTEN_HOST = "0.0.0.0"
DEFAULT_LISTEN_PORT = 5060
KEYRING_SERVICE = "dispatch-desk"
NO_KEYRING_MESSAGE = (
    "No system keyring is available: the SIP password will be asked again at next start"
)


class SettingsError(ValueError):
    """A configuration value the app cannot use; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class SipSettings:
    """The operator's SIP account, mirroring telephony.config.AccountConfig."""

    registrar: str = ""  # "pbx.example.com:5060" or "sip:..."; empty = no registration
    domain: str = ""  # defaults to the registrar's host[:port]
    user: str = ""
    auth_user: str = ""  # defaults to user
    password: str = field(default="", repr=False)  # never written to the file
    transport: str = "udp"


@dataclass(frozen=True, slots=True)
class AppSettings:
    """Everything the workspace reads at start and the Settings dialog edits."""

    db_url: str = ""  # "" until resolved: load_settings fills the embedded SQLite URL
    data_dir: Path = field(default_factory=lambda: default_data_dir())
    language: str = "ru"
    sync_url: str = ""
    sync_api_key: str = field(default="", repr=False)
    operator: str = ""
    sip: SipSettings = field(default_factory=SipSettings)
    sip_listen_host: str = DEFAULT_LISTEN_HOST
    sip_listen_port: int = DEFAULT_LISTEN_PORT
    capture_device: int | None = None  # None = the system default device
    playback_device: int | None = None
    null_audio: bool = False
    auto_answer: bool = False
    sip_trace: bool = False  # SIP messages to sip-trace.log in the log directory, for admins
    region: str = "RU"
    # Where these settings were read from and will be saved to (not stored in the file).
    config_path: Path | None = None
    # Set by --data-dir (DIR/logs); None = the platformdirs user log dir.
    log_dir: Path | None = None

    @property
    def embedded_db_url(self) -> str:
        """The URL of the embedded SQLite database in the data directory."""
        return sqlite_url(self.data_dir)


def default_data_dir() -> Path:
    """The user data directory: DISPATCH_DATA_DIR or the platformdirs one (not created)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def sqlite_url(data_dir: Path) -> str:
    """The SQLAlchemy URL of the SQLite file in ``data_dir``."""
    return f"sqlite:///{Path(data_dir) / DB_FILE}"


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


def parse_listen(text: str) -> tuple[str, int]:
    """A listen address "ADDR:PORT", ":PORT" or "PORT" as (host, port); SettingsError if bad."""
    text = text.strip()
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host, port_text = "", text
    host = host.strip("[]") or DEFAULT_LISTEN_HOST
    try:
        port = int(port_text)
    except ValueError:
        raise SettingsError(
            f"SIP listen address {text!r} must look like ADDRESS:PORT, e.g. 0.0.0.0:5060."
        ) from None
    if not 0 <= port <= 65535:
        raise SettingsError(f"SIP listen port {port} is out of range 0-65535.")
    return host, port


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


def check_db_url(url: str) -> str:
    """The URL stripped, or SettingsError when SQLAlchemy cannot parse it or it is unsupported."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = url.strip()
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise SettingsError(
            f"Database URL {url!r} is not a database URL; expected e.g. "
            "postgresql+psycopg://user@host/dispatch or sqlite:///path/to/file.sqlite3."
        ) from None
    if parsed.get_backend_name() not in DB_SCHEMES:
        raise SettingsError(
            f"Database URL {url!r}: only {' and '.join(DB_SCHEMES)} databases are supported."
        )
    return url


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


# --- command line ----------------------------------------------------------------------------


def add_arguments(parser: Any) -> None:
    """Add the overriding options of `dispatch-desk` to an argparse parser."""
    parser.add_argument("--db", metavar="URL", help="database URL (overrides the config file)")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep the embedded database, the logs (DIR/logs) and config.toml in DIR",
    )
    parser.add_argument("--sip-listen", metavar="ADDR:PORT", help="SIP listen address")
    parser.add_argument("--sync-url", metavar="URL", help="courier sync service URL")
    parser.add_argument("--lang", choices=LANGUAGES, help="interface language")


def apply_overrides(settings: AppSettings, args: Any) -> AppSettings:
    """``settings`` with the command-line options of ``args`` (an argparse Namespace) applied.

    ``--data-dir DIR`` makes a self-contained instance: the configuration is read from
    DIR/config.toml (not the user config dir), the embedded database is DIR/dispatch.sqlite3
    and the logs go to DIR/logs. Raises SettingsError for malformed values.
    """
    data_dir = getattr(args, "data_dir", None)
    if data_dir:
        home = Path(data_dir).expanduser().resolve()
        settings = replace(load_settings(settings_path(home), data_dir=home), log_dir=home / "logs")
    db = getattr(args, "db", None)
    if db:
        settings = replace(settings, db_url=check_db_url(db))
    listen = getattr(args, "sip_listen", None)
    if listen:
        host, port = parse_listen(listen)
        settings = replace(settings, sip_listen_host=host, sip_listen_port=port)
    sync_url = getattr(args, "sync_url", None)
    if sync_url:
        settings = replace(settings, sync_url=sync_url.strip())
    lang = getattr(args, "lang", None)
    if lang:
        if lang not in LANGUAGES:
            raise SettingsError(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}.")
        settings = replace(settings, language=lang)
    return settings


def settings_from_args(args: Any) -> AppSettings:
    """Load the configuration file the options point at, then apply the options."""
    if getattr(args, "data_dir", None):
        # The user's own file is not read at all: a broken one must not stop DIR's instance.
        return apply_overrides(AppSettings(), args)
    return apply_overrides(load_settings(), args)


def changed_parts(old: AppSettings, new: AppSettings) -> frozenset[str]:
    """What the window must redo after Settings: "language", "sip", "database", "sync", "ui".

    "sip" covers the account, the password, the listen address and the audio devices (the
    SIP engine is re-created); "ui" is the operator name and the phone region.
    """
    parts: set[str] = set()
    if old.language != new.language:
        parts.add("language")
    if to_toml_dict(old)["sip"] != to_toml_dict(new)["sip"] or (
        old.sip.password != new.sip.password
        or old.operator != new.operator  # the SIP display name
        or (old.capture_device, old.playback_device, old.null_audio)
        != (new.capture_device, new.playback_device, new.null_audio)
    ):
        parts.add("sip")
    if old.db_url != new.db_url:
        parts.add("database")
    if (old.sync_url, old.sync_api_key) != (new.sync_url, new.sync_api_key):
        parts.add("sync")
    if (old.operator, old.region) != (new.operator, new.region):
        parts.add("ui")
    return frozenset(parts)


# --- telephony -------------------------------------------------------------------------------


def registrar_uri(registrar: str) -> str | None:
    """A registrar as a SIP URI ("pbx:5060" -> "sip:pbx:5060"); None when empty."""
    registrar = registrar.strip()
    if not registrar:
        return None
    if registrar.lower().startswith(("sip:", "sips:")):
        return registrar
    return f"sip:{registrar}"


def _host_of(uri: str) -> str:
    rest = uri.split(":", 1)[1] if uri.lower().startswith(("sip:", "sips:")) else uri
    rest = rest.split(";", 1)[0]
    return rest.rsplit("@", 1)[-1]


def sip_trace_path(settings: AppSettings) -> Path:
    """Where the SIP trace goes when switched on: sip-trace.log beside the workspace's log."""
    from app.app_logging import log_dir_for  # app_logging imports this module

    return log_dir_for(settings) / "sip-trace.log"


def to_engine_config(settings: AppSettings) -> Any:
    """A telephony.config.EngineConfig for ``settings`` (a local account without registrar).

    Raises SettingsError with telephony's message when the account is unusable.
    """
    from telephony.config import AccountConfig, EngineConfig
    from telephony.errors import ConfigError

    sip = settings.sip
    registrar = registrar_uri(sip.registrar)
    if registrar:
        domain = sip.domain or _host_of(registrar)
    else:
        # A local account: calls go straight to this PC's address.
        domain = sip.domain or (
            "127.0.0.1"
            if settings.sip_listen_host == DEFAULT_LISTEN_HOST
            else settings.sip_listen_host
        )
    try:
        account = AccountConfig(
            id="default",
            user=sip.user or "operator",
            domain=domain,
            registrar=registrar,
            password=sip.password,
            auth_user=sip.auth_user or None,
            transport=sip.transport,
            display_name=settings.operator,
        )
        return EngineConfig(
            listen_host=settings.sip_listen_host,
            udp_port=settings.sip_listen_port,
            enable_tcp=sip.transport == "tcp" or not registrar,
            tls=sip.transport == "tls",
            null_audio=settings.null_audio,
            capture_device=settings.capture_device,
            playback_device=settings.playback_device,
            accounts=(account,),
            auto_answer=settings.auto_answer,
            sip_trace_path=str(sip_trace_path(settings)) if settings.sip_trace else None,
            region=settings.region,
        )
    except ConfigError as exc:
        raise SettingsError(str(exc)) from None


# --- the SIP password ------------------------------------------------------------------------


def secret_key(sip: SipSettings) -> str:
    """The keyring user name of an account's password: "auth_user@registrar-host"."""
    host = _host_of(registrar_uri(sip.registrar) or "") or sip.domain or "local"
    return f"{sip.auth_user or sip.user}@{host}"


class SecretStore:
    """The SIP password in the OS keyring; in memory only for this session when there is none.

    Without a usable keyring the password is deliberately not written to disk (a plaintext
    file on a shared operator PC is worse than typing it once per start): it is kept in
    memory, and `message` tells the operator it will be asked again at next start.
    """

    def __init__(self, backend: Any | None = None, service: str = KEYRING_SERVICE) -> None:
        """Use ``backend`` (a keyring backend instance) or the system's default keyring."""
        self._backend = backend
        self._service = service
        self._memory: dict[str, str] = {}
        self._failed = False

    def _keyring(self) -> Any | None:
        if self._failed:
            return None
        try:
            if self._backend is None:
                import keyring

                self._backend = keyring.get_keyring()
            backend = self._backend
        except Exception as exc:  # no keyring package or a broken configuration
            logger.warning("no usable keyring: %s", exc)
            self._failed = True
            return None
        # keyring's fail/null backends have a priority of 0 or less: nothing would be kept.
        try:
            priority = float(type(backend).priority)
        except Exception:
            priority = 1.0
        if priority <= 0:
            self._failed = True
            return None
        return backend

    @property
    def available(self) -> bool:
        """True when passwords survive a restart (a real keyring backend answered)."""
        return self._keyring() is not None

    @property
    def message(self) -> str:
        """The fallback notice for the operator, or "" when the keyring works."""
        return "" if self.available else NO_KEYRING_MESSAGE

    def get(self, key: str) -> str:
        """The stored password for ``key``, or "" when there is none."""
        if key in self._memory:
            return self._memory[key]
        backend = self._keyring()
        if backend is None:
            return ""
        try:
            return backend.get_password(self._service, key) or ""
        except Exception as exc:
            logger.warning("keyring read failed: %s", exc)
            self._failed = True
            return ""

    def set(self, key: str, password: str) -> str:
        """Store ``password``; returns "" or the fallback message when kept only in memory."""
        self._memory[key] = password
        backend = self._keyring()
        if backend is None:
            return NO_KEYRING_MESSAGE
        try:
            if password:
                backend.set_password(self._service, key, password)
            else:
                self._delete(backend, key)
        except Exception as exc:
            logger.warning("keyring write failed, keeping the password in memory: %s", exc)
            self._failed = True
            return NO_KEYRING_MESSAGE
        return ""

    def _delete(self, backend: Any, key: str) -> None:
        import keyring.errors

        # Nothing stored is as good as deleted.
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            backend.delete_password(self._service, key)

    def fill(self, settings: AppSettings) -> AppSettings:
        """``settings`` with the SIP password read from the store."""
        return replace(
            settings, sip=replace(settings.sip, password=self.get(secret_key(settings.sip)))
        )

    def save(self, settings: AppSettings) -> str:
        """Store the SIP password of ``settings``; returns "" or the fallback message."""
        return self.set(secret_key(settings.sip), settings.sip.password)
