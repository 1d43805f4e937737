"""The embedded SQLite file is backed up before a migration and put back when one fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from dispatcher import migrate
from dispatcher.cli import main
from dispatcher.db import make_engine
from dispatcher.migrate import (
    MigrationFailed,
    backup_sqlite,
    backups_of,
    current_revision,
    head_revision,
    upgrade,
    upgrade_with_backup,
)

OLDER = "0005"  # the revision before the newest: an operator PC one release behind


def _old_database(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, OLDER)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE marker (note TEXT)"))
        conn.execute(text("INSERT INTO marker VALUES ('the operator''s data')"))
    return engine


def _broken_upgrade(engine: Engine, revision: str = "head") -> None:
    # A migration that got half-way: it dropped a table, then failed.
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE marker"))
    raise RuntimeError("migration 0006 failed half-way")


def test_an_upgrade_backs_the_file_up_first(tmp_path: Path) -> None:
    path = tmp_path / "dispatch.sqlite3"
    engine = _old_database(path)

    done = upgrade_with_backup(engine)

    assert (done.before, done.after) == (OLDER, head_revision())
    assert done.backup is not None and done.backup.name.startswith("dispatch.sqlite3.bak-")
    old = make_engine(f"sqlite:///{done.backup}")
    assert current_revision(old) == OLDER  # the copy is the file as it was before
    old.dispose()
    assert upgrade_with_backup(engine).backup is None  # up to date: nothing copied
    engine.dispose()


@pytest.mark.expect_log("dispatcher.migrate", "restored from", level="ERROR")
def test_a_failed_migration_restores_the_backup_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "dispatch.sqlite3"
    engine = _old_database(path)
    monkeypatch.setattr(migrate, "upgrade", _broken_upgrade)

    with pytest.raises(MigrationFailed, match="restored from the backup") as failed:
        upgrade_with_backup(engine)

    assert "migration 0006 failed half-way" in str(failed.value)
    assert current_revision(engine) == OLDER
    with engine.connect() as conn:
        assert conn.execute(text("SELECT note FROM marker")).scalar_one() == "the operator's data"
    engine.dispose()


@pytest.mark.expect_log("dispatcher.migrate", "restored from", level="ERROR")
def test_dispatch_db_upgrade_restores_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dispatch.sqlite3"
    _old_database(path).dispose()
    monkeypatch.setattr(migrate, "upgrade", _broken_upgrade)

    code = main(["--db", f"sqlite:///{path}", "db", "upgrade"])

    err = capsys.readouterr().err
    assert code == 2
    assert "restored from the backup" in err and "Traceback" not in err
    engine = make_engine(f"sqlite:///{path}")
    assert current_revision(engine) == OLDER
    engine.dispose()


def test_dispatch_db_upgrade_names_the_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dispatch.sqlite3"
    _old_database(path).dispose()

    assert main(["--db", f"sqlite:///{path}", "db", "upgrade"]) == 0

    assert "backup: " in capsys.readouterr().out
    assert len(backups_of(path)) == 1


def test_only_the_newest_backups_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "dispatch.sqlite3"
    _old_database(path).dispose()
    made = [backup_sqlite(path, keep=2) for _ in range(4)]
    assert backups_of(path) == made[-2:]
