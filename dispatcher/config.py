"""Where the embedded database lives and which settings the domain reads.

Precedence: command-line options (handled by callers), then environment variables, then
the configuration file (`config.toml` in the user config dir), then defaults.
"""

from __future__ import annotations

import logging
import os
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


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    """The configuration file's content; an unreadable file is logged and treated as empty."""
    path = path or config_path()
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
