"""Where the embedded database lives and which settings the domain reads."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "dispatch-desk"
DB_URL_ENV = "DISPATCH_DB_URL"
DATA_DIR_ENV = "DISPATCH_DATA_DIR"
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


def default_db_url() -> str:
    """The database URL to use when none is given: DISPATCH_DB_URL or the embedded SQLite file."""
    env = os.environ.get(DB_URL_ENV)
    if env:
        return env
    return f"sqlite:///{data_dir() / 'dispatch.sqlite3'}"


@dataclass(frozen=True, slots=True)
class DomainSettings:
    """Settings the domain needs: the default phone region for numbers without a country code."""

    phone_region: str = DEFAULT_REGION

    @classmethod
    def from_env(cls) -> DomainSettings:
        """Settings taken from the environment, defaults otherwise."""
        return cls(phone_region=os.environ.get(REGION_ENV, DEFAULT_REGION).upper())
