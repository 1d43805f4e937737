"""Engine and SIP account settings, and loading accounts from a TOML file."""

from __future__ import annotations

import dataclasses
import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telephony.errors import ConfigError

logger = logging.getLogger(__name__)

TRANSPORTS = ("udp", "tcp", "tls")
SRTP_MODES = ("off", "optional", "mandatory")
# An unanswered incoming call ends after this long (logged as missed): a call that never
# ends must not hold a line for the rest of the day.
DEFAULT_RING_TIMEOUT_S = 120.0
# Calls ringing at once from one sender (not the registrar): a flood from one host must
# leave lines free for the PBX's real calls (of sip_stack.MAX_CALLS = 4).
DEFAULT_MAX_RINGING_PER_SOURCE = 2


@dataclass(frozen=True, slots=True)
class AccountConfig:
    """One SIP identity: a registering PBX account, or a local account for direct calls."""

    id: str = "default"
    user: str = "operator"  # SIP user part
    domain: str = "127.0.0.1"  # SIP domain/registrar host[:port]
    registrar: str | None = None  # "sip:127.0.0.1:5070"; None = local account, no REGISTER
    proxy: str | None = None
    password: str = ""
    auth_user: str | None = None  # defaults to user
    realm: str = "*"
    transport: str = "udp"  # udp | tcp | tls
    reg_expires_s: int = 300
    retry_interval_s: int = 10  # pjsua2's default would be ~300 s: too slow for an operator
    first_retry_interval_s: int = 2
    keepalive_s: int = 15
    display_name: str = ""
    srtp: str = "off"  # off | optional | mandatory (SDES keys; use with TLS)

    def __post_init__(self) -> None:
        """Reject values pjsua2 would fail on later with a less readable message."""
        if not self.id:
            raise ConfigError("A SIP account needs a non-empty id.")
        if not self.user:
            raise ConfigError(f"SIP account {self.id!r} needs a user name.")
        if self.transport not in TRANSPORTS:
            raise ConfigError(
                f"SIP account {self.id!r}: transport must be one of {', '.join(TRANSPORTS)}, "
                f"not {self.transport!r}."
            )
        if self.srtp not in SRTP_MODES:
            raise ConfigError(
                f"SIP account {self.id!r}: srtp must be one of {', '.join(SRTP_MODES)}, "
                f"not {self.srtp!r}."
            )
        for name in ("reg_expires_s", "retry_interval_s", "first_retry_interval_s"):
            if getattr(self, name) < 0:
                raise ConfigError(f"SIP account {self.id!r}: {name} must not be negative.")

    @property
    def registers(self) -> bool:
        """True when the account registers at a registrar (a PBX account)."""
        return bool(self.registrar)


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Transports, audio and accounts of one SIP engine."""

    listen_host: str = "127.0.0.1"
    udp_port: int = 5060  # 0 = any free port; the engine reports the bound port
    tcp_port: int | None = None  # None = same as the UDP port when TCP is enabled
    enable_tcp: bool = True
    tls: bool = False
    null_audio: bool = False
    capture_device: int | None = None
    playback_device: int | None = None
    accounts: tuple[AccountConfig, ...] = (AccountConfig(),)
    auto_answer: bool = False
    sip_trace_path: str | None = None  # rotating log of SIP messages for admins
    user_agent: str = "DispatchDesk"
    region: str = "RU"
    log_level: int = 1  # pjsip console log level
    # Hosts ("pbx.lan", "10.0.0.5:5060") and networks ("10.0.0.0/24") besides the registrar
    # and proxy that may ring a registered line and whose P-Asserted-Identity is believed.
    trusted_hosts: tuple[str, ...] = ()
    ring_timeout_s: float = DEFAULT_RING_TIMEOUT_S
    max_ringing_per_source: int = DEFAULT_MAX_RINGING_PER_SOURCE
    # CA certificates (PEM) the PBX's TLS certificate must chain to; None = the system store.
    tls_ca_file: str | None = None

    def __post_init__(self) -> None:
        """Reject an engine without accounts or with duplicate account ids."""
        if not self.accounts:
            raise ConfigError("The SIP engine needs at least one account.")
        ids = [account.id for account in self.accounts]
        if len(set(ids)) != len(ids):
            raise ConfigError(f"SIP account ids must be unique, got {ids}.")
        if not 0 <= self.udp_port <= 65535:
            raise ConfigError(f"SIP port {self.udp_port} is out of range 0-65535.")
        if not self.ring_timeout_s > 0:
            raise ConfigError(f"The ring timeout must be positive, not {self.ring_timeout_s}.")
        if self.max_ringing_per_source < 1:
            raise ConfigError("At least one call per sender must be allowed to ring.")

    @property
    def registers(self) -> bool:
        """True when some account registers at a PBX (then only the PBX may ring the desk)."""
        return any(account.registers for account in self.accounts)


def account_from_mapping(data: Mapping[str, Any], *, where: str = "account") -> AccountConfig:
    """An AccountConfig from a TOML table; unknown keys are an error, not silently ignored."""
    known = {field.name for field in dataclasses.fields(AccountConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}."
        )
    try:
        return AccountConfig(**dict(data))
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def load_accounts(path: str | Path) -> tuple[AccountConfig, ...]:
    """Accounts from a TOML file holding ``[account]`` or ``[[accounts]]`` tables."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read SIP account file {file}: {exc.strerror or exc}.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"SIP account file {file} is not valid TOML: {exc}.") from exc
    tables: list[Mapping[str, Any]] = []
    if isinstance(data.get("account"), Mapping):
        tables.append(data["account"])
    accounts = data.get("accounts", [])
    if isinstance(accounts, list):
        tables.extend(table for table in accounts if isinstance(table, Mapping))
    if not tables:
        raise ConfigError(f"SIP account file {file} has no [account] or [[accounts]] table.")
    return tuple(
        account_from_mapping(table, where=f"{file} account #{n}")
        for n, table in enumerate(tables, 1)
    )
