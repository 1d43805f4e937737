"""Where the embedded database lives and which settings the domain reads.

Precedence: command-line options (handled by callers), then environment variables, then
the configuration file (`config.toml` in the user config dir), then the machine-wide file an
admin deploys (`/etc/dispatch-desk/config.toml`, `%PROGRAMDATA%\\Dispatch Desk\\config.toml`),
then defaults.
"""

from __future__ import annotations

import logging
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

logger = logging.getLogger(__name__)

APP_NAME = "dispatch-desk"
DB_URL_ENV = "DISPATCH_DB_URL"
DATA_DIR_ENV = "DISPATCH_DATA_DIR"
CONFIG_ENV = "DISPATCH_CONFIG"
MACHINE_CONFIG_ENV = "DISPATCH_DESK_MACHINE_CONFIG"
REGION_ENV = "DISPATCH_PHONE_REGION"
DEFAULT_REGION = "RU"


def data_dir() -> Path:
    """The user data directory (overridable with DISPATCH_DATA_DIR), created when missing."""
    override = os.environ.get(DATA_DIR_ENV)
    path = (
        Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_path() -> Path:
    """The configuration file: DISPATCH_CONFIG, or config.toml in the user config dir."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def machine_config_path() -> Path:
    """The machine-wide file an admin deploys for every user of the PC.

    DISPATCH_DESK_MACHINE_CONFIG (tests, unusual layouts), else
    %PROGRAMDATA%\\Dispatch Desk\\config.toml on Windows, else /etc/dispatch-desk/config.toml.
    """
    override = os.environ.get(MACHINE_CONFIG_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        return (
            Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "Dispatch Desk" / "config.toml"
        )
    return Path("/etc/dispatch-desk/config.toml")


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    """The configuration's content: the user's file over the machine-wide one.

    An unreadable file is logged and treated as empty. With ``path`` only that file is read.
    """
    if path is None:
        merged: dict[str, Any] = {}
        for layer in (_read(machine_config_path()), _read(config_path())):
            for section, table in layer.items():
                if isinstance(table, dict) and isinstance(merged.get(section), dict):
                    merged[section] = {**merged[section], **table}
                else:
                    merged[section] = table
        return merged
    return _read(path)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as err:
        logger.warning("ignoring configuration file %s: %s", path, err)
        return {}


def default_db_url() -> str:
    """The database URL when none is given: environment, configuration file, embedded SQLite."""
    env = os.environ.get(DB_URL_ENV)
    if env:
        return env
    from_file = read_config_file().get("database", {}).get("url")
    if isinstance(from_file, str) and from_file.strip():
        return from_file.strip()
    return f"sqlite:///{data_dir() / 'dispatch.sqlite3'}"


@dataclass(frozen=True, slots=True)
class DomainSettings:
    """Settings the domain needs: the default phone region for numbers without a country code."""

    phone_region: str = DEFAULT_REGION

    @classmethod
    def from_env(cls) -> DomainSettings:
        """Settings from the environment, then the configuration file, then defaults."""
        region = os.environ.get(REGION_ENV)
        if not region:
            region = read_config_file().get("phones", {}).get("default_region")
        if not isinstance(region, str) or not region.strip():
            region = DEFAULT_REGION
        return cls(phone_region=region.strip().upper())
