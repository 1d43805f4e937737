"""Configuration files written by older versions, brought to today's layout.

Admins upgrade operator PCs in place (as Picard's `config_upgrade.py` does for its users):
a file names its layout with a top-level ``config_version``; a file without one is version 1.
Each step moves or renames keys; reading applies the steps in memory, and at the
workspace's start a writable file is rewritten in the new layout after a copy of it was kept
as ``config.toml.bak-YYYYmmdd-HHMMSS`` beside it.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CONFIG_VERSION = 2
VERSION_KEY = "config_version"


def _v1_to_v2(data: dict[str, Any]) -> list[str]:
    # Version 2 moved the SIP trace switch from the operator's line ([sip]) to [logging],
    # the admin's part of the file, beside the other log settings.
    notes = []
    sip = data.get("sip")
    if isinstance(sip, dict) and "trace" in sip:
        logging_table = data.setdefault("logging", {})
        if isinstance(logging_table, dict):
            logging_table.setdefault("sip_trace", sip.pop("trace"))
            notes.append("sip.trace moved to logging.sip_trace")
    return notes


# version N -> the step that makes it N + 1
_STEPS: dict[int, Callable[[dict[str, Any]], list[str]]] = {1: _v1_to_v2}


@dataclass(frozen=True, slots=True)
class Upgraded:
    """A file's content in today's layout, the version it was written in, what moved."""

    data: dict[str, Any]
    from_version: int
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the file was written by an older version."""
        return self.from_version < CONFIG_VERSION


class ConfigVersionError(ValueError):
    """The file says it is newer than this program, or its version is not a number."""


def upgrade_data(data: dict[str, Any], where: Path | str = "config.toml") -> Upgraded:
    """``data`` (a parsed file, not modified) in today's layout, with ``config_version`` set."""
    version = data.get(VERSION_KEY, 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConfigVersionError(
            f"{where}: config_version must be a whole number, not {version!r}."
        )
    if version > CONFIG_VERSION:
        raise ConfigVersionError(
            f"{where} is written for a newer Dispatch Desk (config_version {version}; this one "
            f"reads up to {CONFIG_VERSION}): install the newer version or remove the file."
        )
    out = copy.deepcopy(data)
    notes: list[str] = []
    for step in range(version, CONFIG_VERSION):
        notes += _STEPS[step](out)
    out[VERSION_KEY] = CONFIG_VERSION
    return Upgraded(out, version, tuple(notes))


def backup_path(path: Path, now: dt.datetime | None = None) -> Path:
    """Where the copy of ``path`` goes before it is rewritten: ``NAME.bak-YYYYmmdd-HHMMSS``."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bak-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bak-{stamp}-{n}")
    return target


def upgrade_file(path: Path, write: Callable[[dict[str, Any], Path], None]) -> Path | None:
    """Rewrite an older file at ``path`` in today's layout; returns the backup, None if current.

    ``write(data, path)`` writes the new content (the caller's atomic writer). A file that
    cannot be written (a machine-wide file read by a user) is left alone and read upgraded.
    """
    import tomllib

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return None  # reading the settings reports it with the file's name
    upgraded = upgrade_data(data, path)
    if not upgraded.changed:
        return None
    backup = backup_path(path)
    try:
        shutil.copy2(path, backup)
        write(upgraded.data, path)
    except OSError as exc:
        backup.unlink(missing_ok=True)
        logger.info("Configuration %s is read in the new layout but not rewritten: %s", path, exc)
        return None
    logger.info(
        "Configuration %s upgraded from version %d to %d (%s); the old file is %s",
        path,
        upgraded.from_version,
        CONFIG_VERSION,
        "; ".join(upgraded.notes) or "no key moved",
        backup,
    )
    return backup
