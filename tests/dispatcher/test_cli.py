"""The `dispatch` command line as admins and scripts use it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dispatcher.cli import main
from dispatcher.db import make_engine, session_factory, unit_of_work
from dispatcher.models import UserRole
from dispatcher.orders import moscow_today
from dispatcher.users import Actor, add_user

ROOT = Path(__file__).resolve().parents[2]


ADMIN, PASSWORD = "boss", "correct horse battery"


class Runner:
    """Runs `dispatch` in-process against one database and keeps what it printed.

    Signed in as ``user`` (with --user) unless it is None.
    """

    def __init__(
        self, db_url: str, capsys: pytest.CaptureFixture[str], user: str | None = ADMIN
    ) -> None:
        self.db_url = db_url
        self.capsys = capsys
        self.user = user

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        signed = ["--user", self.user] if self.user else []
        code = main(["--db", self.db_url, *signed, *argv])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *argv: str) -> object:
        code, out, err = self("--json", *argv)
        assert code == 0, err
        return json.loads(out)


def add_account(db_url: str, login: str, role: UserRole, password: str = PASSWORD) -> None:
    """An account written straight into the database (as `user add` would)."""
    engine = make_engine(db_url)
    try:
        with unit_of_work(session_factory(engine)) as s:
            add_user(s, login, login.title(), role, password, actor=SETUP)
    finally:
        engine.dispose()


SETUP = Actor("setup", "Set-up", UserRole.ADMIN)


@pytest.fixture
def dispatch(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Runner:
    """`dispatch` signed in as the admin ``boss`` (password from DISPATCH_PASSWORD)."""
    add_account(db_url, ADMIN, UserRole.ADMIN)
    monkeypatch.setenv("DISPATCH_PASSWORD", PASSWORD)
    return Runner(db_url, capsys)


def _catalog(dispatch: Runner) -> tuple[int, int, int]:
    dispatch.json("product", "add", "--code", "W19", "--name", "Вода 19 л", "--price", "350")
    dispatch.json("product", "add", "--code", "PUMP", "--name", "Помпа", "--price", "450,50")
    a = dispatch.json("courier", "add", "--name", "Петров Пётр", "--phone", "+7 903 111-22-33")
    b = dispatch.json("courier", "add", "--name", "Сидоров Семён", "--phone", "89034445566")
    client = dispatch.json(
        "client",
        "add",
        "--kind",
        "person",
        "--name",
        "Иванова Мария",
        "--phone",
        "8 (916) 123-45-67",
        "--phone",
        "+7 495 765 43 21",
        "--address",
        "г. Москва, ул. Профсоюзная, д. 12",
        "--flat",
        "45",
    )
    return client["id"], a["id"], b["id"]  # type: ignore[index]


def test_a_script_drives_the_whole_order_life_cycle(dispatch: Runner) -> None:
    client_id, courier_a, courier_b = _catalog(dispatch)
    tomorrow = (moscow_today() + dt.timedelta(days=1)).isoformat()
    order = dispatch.json(
        "order",
        "create",
        "--client",
        str(client_id),
        "--line",
        "W19:2",
        "--line",
        "PUMP:1",
        "--courier",
        str(courier_a),
        "--date",
        tomorrow,
        "--window",
        "10:00-14:00",
    )
    assert order["state"] == "delivery"
    assert order["total_kop"] == 2 * 35000 + 45050
    assert order["task"]["courier_id"] == courier_a
    oid = str(order["id"])

    moved = dispatch.json("order", "reassign", oid, "--courier", str(courier_b), "--why", "болен")
    assert moved["task"]["courier_id"] == courier_b
    assert [t["status"] for t in moved["tasks"]] == ["cancelled", "new"]
    assert moved["window"] == "10:00-14:00"

    failed = dispatch.json("order", "fail", oid, "--reason", "Никого нет дома")
    assert (failed["state"], failed["needs_reschedule"]) == ("interest", True)

    again = dispatch.json(
        "order", "deliver", oid, "--courier", str(courier_a), "--date", "tomorrow"
    )
    assert again["state"] == "delivery" and not again["needs_reschedule"]

    closed = dispatch.json("order", "close", oid, "--collected", "1150.50", "--bottles", "2")
    assert closed["state"] == "closed"
    assert closed["collected_kop"] == 115050
    assert [e["action"] for e in closed["events"]] == [
        "create",
        "deliver",
        "reassign",
        "fail",
        "deliver",
        "close",
    ]

    interest = dispatch.json("order", "create", "--client", str(client_id), "--line", "W19")
    rejected = dispatch.json("order", "reject", str(interest["id"]), "--reason", "дорого")
    assert rejected["reject_reason"] == "Дорого"


def test_lookup_prints_the_client_with_ids(dispatch: Runner) -> None:
    client_id, _, _ = _catalog(dispatch)
    data = dispatch.json("lookup", "9161234567")
    assert data["status"] == "found"  # type: ignore[index]
    assert data["matches"][0]["client"]["id"] == client_id  # type: ignore[index]
    code, out, _ = dispatch("lookup", "+7 (495) 765-43-21")
    assert code == 0
    assert "Иванова Мария" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["lookup", "позвоните мне"], "Not a phone number"),
        (["order", "close", "42"], "Order #42 does not exist"),
        (["client", "add", "--kind", "person", "--name", "X", "--phone", "12ab"], "Not a phone"),
        (["client", "add", "--kind", "company", "--name", "Y", "--inn", "123"], "INN"),
        (["order", "create", "--client", "1", "--line", "W19:two"], "CODE:QTY"),
        (["order", "deliver", "1", "--courier", "1", "--date", "31.02.2026"], "not a date"),
        (["order", "create", "--client", "1"], "at least one --line"),
        (["product", "add", "--code", "X", "--name", "Y", "--price", "abc"], "not an amount"),
        (["order", "reject", "1", "--reason", "луна"], "not in the list"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_mistakes_exit_2_with_a_message_and_no_traceback(
    dispatch: Runner, argv: list[str], message: str
) -> None:
    dispatch.json("client", "add", "--kind", "person", "--name", "Z", "--phone", "+79160000000")
    try:
        code, _, err = dispatch(*argv)
    except SystemExit as exit_:
        code, err = exit_.code, dispatch.capsys.readouterr().err  # type: ignore[assignment]
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_reject_reasons_are_editable(dispatch: Runner) -> None:
    added = dispatch.json("reason", "add", "Слишком далеко")
    names = [r["name"] for r in dispatch.json("reason", "list")]  # type: ignore[union-attr]
    assert "Слишком далеко" in names
    dispatch.json("reason", "remove", str(added["id"]))  # type: ignore[index]
    names = [r["name"] for r in dispatch.json("reason", "list")]  # type: ignore[union-attr]
    assert "Слишком далеко" not in names


def test_db_status_reports_the_schema(dispatch: Runner) -> None:
    status = dispatch.json("db", "status")
    assert status["up_to_date"] is True  # type: ignore[index]


def test_check_says_whether_the_database_is_usable(dispatch: Runner, tmp_path: Path) -> None:
    code, out, _err = dispatch("--check")
    assert code == 0 and out.startswith("ok  database")
    fresh = Runner(str(tmp_path / "fresh.sqlite3"), dispatch.capsys, user=None)
    code, out, _err = fresh("--check")
    assert code == 2 and "FAIL" in out and "dispatch db upgrade" in out


def _run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dispatcher", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_the_embedded_database_is_created_in_the_data_dir(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k != "DISPATCH_DB_URL"}
    environ["DISPATCH_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "dispatcher", "--json", "db", "upgrade"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=environ,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dispatch.sqlite3").exists()
    assert json.loads(result.stdout)["to"] is not None


def test_an_unreachable_database_is_a_clear_error() -> None:
    result = _run("--db", "postgresql://nobody@127.0.0.1:1/none", "lookup", "89161234567")
    assert result.returncode == 2
    assert "cannot use the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_that_is_not_sqlite_is_refused_clearly(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello, this is not a database" * 100)
    result = _run("--db", str(junk), "lookup", "89161234567")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_admin_sees_and_requeues_messages_the_service_refused(
    dispatch: Runner, db_url: str
) -> None:
    from dispatcher import outbox

    client_id, courier_a, _ = _catalog(dispatch)
    tomorrow = (moscow_today() + dt.timedelta(days=1)).isoformat()
    dispatch.json(
        "order", "create", "--client", str(client_id), "--line", "W19:1",
        "--courier", str(courier_a), "--date", tomorrow,
    )  # fmt: skip
    assert dispatch.json("outbox", "status") == {"waiting": 1, "refused": 0}

    engine = make_engine(db_url)
    try:
        with unit_of_work(session_factory(engine)) as s:
            message = outbox.pending(s)[0]
            outbox.mark_failed(s, message.id, "422: courier 99 is unknown to the service")
    finally:
        engine.dispose()

    assert dispatch.json("outbox", "status") == {"waiting": 0, "refused": 1}
    code, out, _ = dispatch("outbox", "status")
    assert code == 0 and "dispatch outbox failed" in out
    refused = dispatch.json("outbox", "failed")
    assert [r["error"] for r in refused] == ["422: courier 99 is unknown to the service"]  # type: ignore[union-attr]

    assert dispatch.json("outbox", "retry") == {"requeued": 1}
    assert dispatch.json("outbox", "status") == {"waiting": 1, "refused": 0}
