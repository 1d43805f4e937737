"""The systemd unit of the sync service runs commands `courier-sync` really accepts."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from courier_sync.cli import _parser

UNIT = Path(__file__).resolve().parents[2] / "installer" / "courier-sync.service"


def _service() -> configparser.SectionProxy:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  (systemd keys are CamelCase)
    unit.read(UNIT, encoding="utf-8")
    return unit["Service"]


def _args(command_line: str) -> list[str]:
    program, *args = shlex.split(command_line)
    assert program == "/opt/courier-sync/bin/courier-sync"
    return args


def test_the_database_is_migrated_before_the_workers_start() -> None:
    args = _parser().parse_args(_args(_service()["ExecStartPre"]))
    assert (args.command, args.db_command) == ("db", "upgrade")
    assert args.db is None  # COURIER_SYNC_DB_URL from the EnvironmentFile


def test_the_service_serves_on_all_addresses_with_several_workers() -> None:
    service = _service()
    args = _parser().parse_args(_args(service["ExecStart"]))
    assert args.command == "serve" and args.host == "0.0.0.0" and args.workers > 1
    assert service["EnvironmentFile"] == "/etc/courier-sync/env"
    assert service["User"] == "courier-sync" and service["Restart"] == "on-failure"
    env = (UNIT.parent / "courier-sync.env").read_text(encoding="utf-8")
    assert "COURIER_SYNC_DB_URL=postgresql://" in env
