"""What a --db value means: a SQLAlchemy URL, a bare SQLite file path, or the default."""

from __future__ import annotations

from pathlib import Path


def database_url(value: str | None, default: str) -> str:
    """The SQLAlchemy URL for a user's --db value (``default`` when none is given)."""
    url = value or default
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
