"""SignInViewModel without a window: the remembered login, stale answers, a database down."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from app.sign_in import FileLoginMemory, MemoryLoginMemory, SignInViewModel
from app.worker import DbWorker
from dispatcher import users
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.models import UserRole
from dispatcher.users import Actor, add_user

PASSWORD = "correct horse"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost: these tests are about the form, not the hash."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(users, "_dummy_hash", None)


@pytest.fixture
def accounts(sessions: sessionmaker[Session]) -> None:
    """One shift lead, Svetlana."""
    with unit_of_work(sessions) as s:
        add_user(s, "sveta", "Старшая Светлана", UserRole.LEAD, PASSWORD, actor=None)


# ---- the remembered login ---------------------------------------------------------------


def test_the_file_remembers_the_last_login(tmp_path: Path) -> None:
    path = tmp_path / "data" / "last_login"
    memory = FileLoginMemory(path)
    assert memory.load() == ""  # nothing yet, and no folder either
    memory.save("ivanova")
    assert FileLoginMemory(path).load() == "ivanova"
    memory.save("sveta")
    assert FileLoginMemory(path).load() == "sveta"
    assert [p.name for p in path.parent.iterdir()] == ["last_login"]  # no temporary left


@pytest.mark.expect_log("app.sign_in", "the last login")
def test_a_disk_that_refuses_costs_only_the_convenience(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    memory = FileLoginMemory(blocker / "last_login")
    with caplog.at_level(logging.WARNING, logger="app.sign_in"):
        memory.save("ivanova")
        assert memory.load() == ""
    assert "cannot remember the last login" in caplog.text


# ---- signing in ---------------------------------------------------------------------------


def test_a_sign_in_remembers_the_login_and_forgets_the_password(
    worker: Any, accounts: None, qtbot: QtBot, tmp_path: Path
) -> None:
    memory = FileLoginMemory(tmp_path / "last_login")
    vm = SignInViewModel(worker, memory)
    assert (vm.login, vm.password_first) == ("", False)
    vm.set_login(" SVETA ")
    vm.set_password(PASSWORD)
    assert vm.can_sign_in
    with qtbot.waitSignal(vm.signed_in, timeout=10_000) as signed:
        vm.sign_in()
        assert vm.busy and not vm.can_sign_in
        assert vm.password == ""  # not kept on the form while it is checked
    assert signed.args == [Actor("sveta", "Старшая Светлана", UserRole.LEAD)]
    assert (vm.busy, vm.message, vm.login) == (False, "", "sveta")
    assert vm.actor_text() == "Старшая Светлана (shift lead)"
    assert vm.role_text("operator") == "operator"
    # The next start offers the login and puts the cursor in the password.
    again = SignInViewModel(worker, FileLoginMemory(tmp_path / "last_login"))
    assert (again.login, again.password_first) == ("sveta", True)


def test_a_refusal_keeps_the_login_and_clears_the_password(
    worker: Any, accounts: None, qtbot: QtBot
) -> None:
    memory = MemoryLoginMemory()
    vm = SignInViewModel(worker, memory)
    vm.set_login("sveta")
    vm.set_password("wrong password")
    with qtbot.waitSignal(vm.error, timeout=10_000) as refused:
        vm.sign_in()
    assert refused.args == ["Wrong login or password."]
    assert (vm.login, vm.password, vm.message) == ("sveta", "", "Wrong login or password.")
    assert (vm.actor, memory.login) == (None, "")


def test_an_answer_to_a_form_shown_before_is_dropped(
    worker: Any, accounts: None, qtbot: QtBot
) -> None:
    vm = SignInViewModel(worker, MemoryLoginMemory())
    answers: list[object] = []
    vm.signed_in.connect(answers.append)
    vm.error.connect(answers.append)
    vm.set_login("sveta")
    vm.set_password(PASSWORD)
    vm.sign_in()
    vm.start()  # the operator closed and reopened the form meanwhile
    assert not vm.busy
    assert worker.wait_idle()
    # Answers reach the GUI thread in the order they were sent: once a later job's answer
    # arrived, the dropped one has been delivered too.
    later: list[object] = []
    worker.submit(lambda _session: None, later.append)
    qtbot.waitUntil(lambda: bool(later))
    assert answers == []
    assert vm.actor is None


@pytest.mark.expect_log("app.worker", "check_password", level="ERROR")
def test_a_database_that_does_not_answer_is_said_so(
    tmp_path: Path, qtbot: QtBot, qapp: Any, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'dispatch.sqlite3'}")
    worker = DbWorker(session_factory(engine))
    vm = SignInViewModel(worker, MemoryLoginMemory("sveta"))
    vm.set_password(PASSWORD)
    with caplog.at_level(logging.ERROR), qtbot.waitSignal(vm.error, timeout=10_000) as refused:
        vm.sign_in()
    assert refused.args[0].startswith("The password cannot be checked")
    assert PASSWORD not in caplog.text  # the failed job is logged by name, never its password
    worker.wait_idle()
    engine.dispose()
