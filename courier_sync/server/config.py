"""Where the sync service keeps its database when no URL is given."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "dispatch-desk"
DB_URL_ENV = "COURIER_SYNC_DB_URL"
DB_FILE = "courier-sync.sqlite3"


def default_db_url() -> str:
    """COURIER_SYNC_DB_URL, else an SQLite file in the user data directory."""
    env = os.environ.get(DB_URL_ENV, "").strip()
    if env:
        return env
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / DB_FILE}"
