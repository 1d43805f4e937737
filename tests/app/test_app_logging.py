"""The JSON-lines log: one record per screen pop, readable by jq."""

from __future__ import annotations

import ast
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import app_logging
from app.app_logging import (
    LOG_FILE,
    current_log_file,
    log_screen_pop,
    setup_logging,
)
from app.settings import AppSettings, log_dir_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    level = root.level
    path = setup_logging(tmp_path / "logs")
    yield path
    if app_logging._handler is not None:
        root.removeHandler(app_logging._handler)
        app_logging._handler.close()
        app_logging._handler = None
    root.setLevel(level)


def records(path: Path) -> list[dict[str, object]]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_screen_pop_is_one_json_line(log_file: Path) -> None:
    log_screen_pop("+79161234567", [12, 40], 183.456, "found")
    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["event"] == "screen_pop"
    assert record["number"] == "+79161234567"
    assert record["client_ids"] == [12, 40]
    assert record["ms"] == 183.5
    assert record["status"] == "found"
    assert record["level"] == "INFO"
    assert record["logger"] == "app.screen_pop"
    assert record["msg"] == "screen pop"
    assert "T" in str(record["ts"])


@pytest.mark.expect_log("app.test")
def test_extra_fields_non_ascii_and_exceptions(log_file: Path) -> None:
    log = logging.getLogger("app.test")
    log.warning("клиент %s", "Иванов", extra={"order_id": 7, "where": Path("/x")})
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("failed")
    first, second = records(log_file)
    assert first["msg"] == "клиент Иванов"
    assert first["order_id"] == 7
    assert first["where"] == "/x"
    assert "клиент" in log_file.read_text(encoding="utf-8")  # not \u-escaped
    assert "RuntimeError: boom" in str(second["exc"])


def test_setup_twice_moves_the_log(tmp_path: Path, log_file: Path) -> None:
    other = setup_logging(tmp_path / "other")
    log_screen_pop("", [], 1.0, "withheld")
    assert current_log_file() == other
    assert not log_file.read_text(encoding="utf-8")
    assert len(records(other)) == 1
    assert (tmp_path / "other" / "crash.log").exists()


def test_log_dir_follows_data_dir(tmp_path: Path) -> None:
    assert log_dir_for(AppSettings(log_dir=tmp_path / "logs")) == tmp_path / "logs"
    assert log_dir_for(AppSettings()).name  # the platform's user log dir
    assert LOG_FILE == "dispatch-desk.log"


def _app_imports(path: Path) -> set[str]:
    """The app.* modules ``path`` imports, at its top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.startswith("app.")}


def test_logging_and_settings_do_not_import_each_other() -> None:
    # The log takes a plain directory; the settings name the directory. No circle.
    assert _app_imports(ROOT / "app" / "app_logging.py") == set()
    settings_files = sorted((ROOT / "app" / "settings").glob("*.py"))
    assert settings_files
    for path in settings_files:
        assert "app.app_logging" not in _app_imports(path), path.name


def test_log_files_are_readable_by_their_owner_only(log_file: Path) -> None:
    """The log names clients and callers: other accounts on the PC may not read it."""
    import stat

    logging.getLogger("test").info("a client's number")
    for file in (log_file, log_file.with_name("crash.log")):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
