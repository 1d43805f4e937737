"""A desk that cannot start says why in one readable message and exits 2, never a traceback."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.main import build_parser, load_app_settings
from app.settings import AppSettings
from app.startup_problem import StartupProblem, database_problem, report
from app.versions import version_text
from app.workspace import Workspace
from dispatcher import migrate
from dispatcher.db import make_engine
from dispatcher.migrate import current_revision, upgrade

ROOT = Path(__file__).resolve().parents[2]


def desk(tmp_path: Path, *flags: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`dispatch-desk FLAGS` in a subprocess with its own data dir, offscreen."""
    environ = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "DISPATCH_DESK_MACHINE_CONFIG": str(tmp_path / "no-machine.toml"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "desk"), "--lang", "en", *flags],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_readable(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for words in expected:
        assert words in done.stderr, done.stderr


def test_a_damaged_sqlite_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    broken = tmp_path / "dispatch.sqlite3"
    broken.write_bytes(b"this is no database, it was overwritten by a copy gone wrong" * 20)
    done = desk(tmp_path, "--db", f"sqlite:///{broken}", "--sip-listen", "127.0.0.1:0")
    assert_readable(done, "is damaged", "Restore it from a backup", "change --db URL")


def test_a_postgresql_server_that_does_not_answer(tmp_path: Path) -> None:
    config = tmp_path / "desk" / "config.toml"
    config.parent.mkdir()
    config.write_text('[database]\nurl = "postgresql+psycopg://desk@127.0.0.1:1/x"\n', "utf-8")
    done = desk(tmp_path, "--sip-listen", "127.0.0.1:0")
    assert_readable(
        done, "does not answer", "Start the PostgreSQL server", f"[database] url in {config}"
    )


def test_a_sip_port_in_use(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        port = squatter.getsockname()[1]
        done = desk(tmp_path, "--sip-listen", f"127.0.0.1:{port}")
    assert_readable(done, f"SIP port 127.0.0.1:{port} (UDP) is in use", "--sip-listen")


def test_a_read_only_sqlite_file_says_to_give_write_access() -> None:
    conn = sqlite3.connect(":memory:")
    # The error SQLite gives for a file this user may read but not write.
    conn.execute("PRAGMA query_only = ON")
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("CREATE TABLE t (x)")
    problem = database_problem(
        AppSettings(db_url="sqlite:////srv/desk/dispatch.sqlite3"), caught.value
    )
    assert "read-only" in problem.summary and "write access" in problem.remedy


@pytest.mark.expect_log("dispatcher.migrate", "restored from", level="ERROR")
@pytest.mark.expect_log("app.startup_problem", "did not start", level="ERROR")
def test_a_failed_migration_at_start_restores_the_file_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, "0005")
    engine.dispose()

    def broken(engine: object, revision: str = "head") -> None:
        raise RuntimeError("migration 0006 failed")

    monkeypatch.setattr(migrate, "upgrade", broken)
    args = build_parser().parse_args(["--db", f"sqlite:///{path}", "--data-dir", str(tmp_path)])
    workspace = Workspace(args, load_app_settings(args))
    with pytest.raises(StartupProblem) as failed:
        workspace.start()
    workspace.stop()
    report(failed.value, window=False)

    err = capsys.readouterr().err
    assert "could not be upgraded" in err and "restored from the backup" in err
    engine = make_engine(f"sqlite:///{path}")
    assert current_revision(engine) == "0005"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM clients")).scalar_one() == 0
    engine.dispose()


def test_version_prints_the_parts_and_opens_nothing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "--version"],
        cwd=ROOT,
        env={**os.environ, "DISPLAY": "", "QT_QPA_PLATFORM": "xcb", "DISPATCH_DB_URL": "x"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first.startswith("Dispatch Desk ")
    assert "pjsip 2." in second and "Qt 6." in second and "Python 3." in second
    assert done.stdout.strip() == version_text()


def test_dispatch_version(capsys: pytest.CaptureFixture[str]) -> None:
    from dispatcher.cli import main

    with pytest.raises(SystemExit) as ended:
        main(["--version"])
    assert ended.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Dispatch Desk ") and "pjsip 2." in out and "Python 3." in out
