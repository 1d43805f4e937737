"""What the workspace's settings are: the dataclasses, their defaults and the value checks.

Also where things live by default (data directory, embedded database, logs), because the
defaults of `AppSettings` are those places, and what changed between two settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "dispatch-desk"
DB_FILE = "dispatch.sqlite3"
DATA_DIR_ENV = "DISPATCH_DATA_DIR"
LANGUAGES = ("ru", "en")
TRANSPORTS = ("udp", "tcp", "tls")
SRTP_MODES = ("off", "optional", "mandatory")
DB_SCHEMES = ("sqlite", "postgresql")
DEFAULT_LISTEN_HOST = "0.0.0.0"
DEFAULT_LISTEN_PORT = 5060


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
    # Hosts/networks besides the registrar that may ring the line and assert caller ids.
    trusted_hosts: tuple[str, ...] = ()
    ring_timeout_s: int = 120  # an unanswered call ends (as missed) after this long
    srtp: str = "off"  # off | optional | mandatory
    tls_ca_file: str = ""  # CA file for the PBX's TLS certificate; "" = the system store
    # The complaint line: calls to these called numbers (the INVITE's To / Request-URI user),
    # or whose ivr_header holds one of complaint_ivr_values (the PBX's menu choice), are
    # complaints; the desk opens the complaint form for the caller.
    complaint_numbers: tuple[str, ...] = ()
    ivr_header: str = ""
    complaint_ivr_values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AppSettings:
    """Everything the workspace reads at start and the Settings dialog edits."""

    db_url: str = ""  # "" until resolved: load_settings fills the embedded SQLite URL
    data_dir: Path = field(default_factory=lambda: default_data_dir())
    language: str = "ru"
    sync_url: str = ""
    sync_api_key: str = field(default="", repr=False)
    # The admin allows an http:// sync URL to another machine (clear text on the network).
    sync_insecure: bool = False
    # A private CA's PEM file for the service's certificate; "" = the system's CA store.
    sync_ca_file: str = ""
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
    # Who set each value ("section.key" -> a file's path or "command line (--opt)"); a key
    # not listed has its default. Not a setting: two settings with other sources are equal.
    sources: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # The configuration files that exist and were read: the machine-wide one, then the user's.
    config_files: tuple[Path, ...] = field(default=(), compare=False)

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


def log_dir_for(settings: AppSettings) -> Path:
    """Where the logs of ``settings`` go: DIR/logs with --data-dir, else the user log dir."""
    if settings.log_dir is not None:
        return Path(settings.log_dir)
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


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


def registrar_uri(registrar: str) -> str | None:
    """A registrar as a SIP URI ("pbx:5060" -> "sip:pbx:5060"); None when empty."""
    registrar = registrar.strip()
    if not registrar:
        return None
    if registrar.lower().startswith(("sip:", "sips:")):
        return registrar
    return f"sip:{registrar}"


def host_of(uri: str) -> str:
    """The host[:port] of a SIP URI or of a bare "user@host:port" ("" for "")."""
    rest = uri.split(":", 1)[1] if uri.lower().startswith(("sip:", "sips:")) else uri
    rest = rest.split(";", 1)[0]
    return rest.rsplit("@", 1)[-1]


def _sip_line(settings: AppSettings) -> tuple[object, ...]:
    # Everything the SIP engine is built from: a change to any of it re-creates the engine.
    return (
        settings.sip,  # the account, the password included
        settings.sip_listen_host,
        settings.sip_listen_port,
        settings.auto_answer,
        settings.sip_trace,
        settings.operator,  # the SIP display name
        settings.capture_device,
        settings.playback_device,
        settings.null_audio,
    )


def changed_parts(old: AppSettings, new: AppSettings) -> frozenset[str]:
    """What the window must redo after Settings: "language", "sip", "database", "sync", "ui".

    "sip" covers the account, the password, the listen address and the audio devices (the
    SIP engine is re-created); "ui" is the operator name and the phone region.
    """
    parts: set[str] = set()
    if old.language != new.language:
        parts.add("language")
    if _sip_line(old) != _sip_line(new):
        parts.add("sip")
    if old.db_url != new.db_url:
        parts.add("database")
    sync_fields = ("sync_url", "sync_api_key", "sync_insecure", "sync_ca_file")
    if any(getattr(old, name) != getattr(new, name) for name in sync_fields):
        parts.add("sync")
    if (old.operator, old.region) != (new.operator, new.region):
        parts.add("ui")
    return frozenset(parts)
