"""`dispatch complaint add|list|resolve` and `dispatch report complaints`, acting as a user."""

from __future__ import annotations

import datetime as dt

import pytest

from dispatcher.models import UserRole
from dispatcher.moscow import moscow_today
from tests.dispatcher.test_cli import Runner, add_account, dispatch  # noqa: F401  (the fixture)


@pytest.fixture
def client_id(dispatch: Runner) -> int:  # noqa: F811
    added = dispatch.json(
        "client", "add", "--kind", "person", "--name", "Иванова Мария", "--phone", "89161234567"
    )
    return int(added["id"])  # type: ignore[index]


def test_a_script_registers_lists_and_resolves_a_complaint(
    dispatch: Runner,  # noqa: F811
    client_id: int,
) -> None:
    deadline = (moscow_today() + dt.timedelta(days=3)).isoformat()
    added = dispatch.json(
        "complaint",
        "add",
        "--client",
        str(client_id),
        "--reason",
        "качество воды",
        "--text",
        "Вода с запахом",
        "--guilty-dept",
        "Склад",
        "--responsible",
        "boss",
        "--deadline",
        deadline,
    )
    assert added == added | {  # type: ignore[operator]
        "client": "Иванова Мария",
        "reason": "Качество воды",
        "status": "registered",
        "responsible": "boss",
        "guilty_department": "Склад",
        "registered_by": "boss",
    }
    listed = dispatch.json("complaint", "list", "--client", str(client_id))
    assert [c["id"] for c in listed] == [added["id"]]  # type: ignore[index]
    assert dispatch.json("complaint", "list", "--overdue") == []
    with pytest.raises(SystemExit) as refused:  # argparse: one of the two is required
        dispatch("complaint", "resolve", str(added["id"]), "--result", "Заменили")  # type: ignore[index]
    assert refused.value.code == 2
    done = dispatch.json(
        "complaint",
        "resolve",
        str(added["id"]),
        "--result",
        "Заменили",
        "--not-satisfied",  # type: ignore[index]
    )
    assert done["status"] == "resolved" and done["satisfied"] is False  # type: ignore[index]
    today = moscow_today().isoformat()
    report = dispatch.json("report", "complaints", "--from", today, "--to", today)
    rows = {(r["by"], r["name"]): r for r in report["rows"]}  # type: ignore[index]
    assert rows[("reason", "Качество воды")]["complaints"] == 1
    assert rows[("department", "Склад")]["not_satisfied"] == 1
    assert report["totals"]["overdue_pct"] == 0.0  # type: ignore[index]


def test_mistakes_get_a_message_and_no_traceback(
    dispatch: Runner,  # noqa: F811
    client_id: int,
    db_url: str,
) -> None:
    code, _, err = dispatch(
        "complaint", "add", "--client", str(client_id), "--reason", "Жираф", "--text", "x"
    )
    assert code == 2 and "no complaint reason 'Жираф'" in err and "Traceback" not in err
    add_account(db_url, "olga", UserRole.OPERATOR)
    olga = Runner(db_url, dispatch.capsys, user="olga")
    code, _, err = olga(
        "complaint",
        "add",
        "--client",
        str(client_id),
        "--reason",
        "Опоздание курьера",
        "--text",
        "Опоздала я",
        "--guilty",
        "olga",
        "--responsible",
        "olga",
    )
    assert code == 2 and "ask a shift lead to confirm" in err
    code, _, err = olga("report", "complaints", "--from", "2026-01-01", "--to", "2026-01-31")
    assert code == 2 and "shift lead" in err


def test_an_operator_registers_and_plans_with_json_and_an_empty_list_says_so(
    dispatch: Runner,  # noqa: F811
    client_id: int,
    db_url: str,
) -> None:
    add_account(db_url, "olga", UserRole.OPERATOR)
    olga = Runner(db_url, dispatch.capsys, user="olga")
    added = olga.json(
        "complaint", "add", "--client", str(client_id), "--reason", "Опоздание курьера",
        "--text", "Ждали до вечера",
    )  # fmt: skip
    assert added["registered_by"] == "olga" and added["status"] == "registered"  # type: ignore[index]
    assert olga.json("complaint", "list", "--overdue", "--client", str(client_id)) == []
    code, out, _ = olga("complaint", "list", "--overdue", "--client", str(client_id))
    assert (code, out.strip()) == (0, "No complaints.")
    plan = olga.json(
        "plan", "add", "--client", str(client_id), "--at", "2030-05-10 10:00", "--subject", "кулер"
    )
    assert plan["responsible"] == "olga" and plan["due_at"].startswith("2030-05-10 10:00")  # type: ignore[index]
