"""`dispatch plan …` and `dispatch kb …`: plan, list, do a call; add and search articles."""

from __future__ import annotations

import datetime as dt

from dispatcher.models import UserRole
from tests.dispatcher.test_cli import Runner, add_account, dispatch  # noqa: F401  (the fixture)


def _client(dispatch: Runner) -> int:  # noqa: F811
    added = dispatch.json(
        "client", "add", "--kind", "person", "--name", "Иванова Мария", "--phone", "89161234567"
    )
    return int(added["id"])  # type: ignore[index]


def test_plan_add_list_done(dispatch: Runner, db_url: str) -> None:  # noqa: F811
    add_account(db_url, "ira", UserRole.OPERATOR)
    client = _client(dispatch)
    args = ["plan", "add", "--client", str(client), "--at", "2030-05-10 10:00"]
    plan = dispatch.json(*args, "--subject", "про кулер", "--responsible", "ira")
    assert plan == plan | {"responsible": "ira", "planned_by": "boss", "subject": "про кулер"}  # type: ignore[operator]
    due = dt.datetime.fromisoformat(plan["due_at"])  # type: ignore[index]
    assert due == dt.datetime(2030, 5, 10, 7, tzinfo=dt.UTC)  # 10:00 in Moscow
    code, out, _ = dispatch("plan", "list")
    assert code == 0
    line = f"#{plan['id']:<5} 2030-05-10 10:00  ira          #{client} Иванова Мария"  # type: ignore[index]
    assert out == f"{line}: про кулер (open)\n"
    assert dispatch.json("plan", "list", "--due") == []
    ira = Runner(db_url, dispatch.capsys, user="ira")
    done = ira.json("plan", "done", str(plan["id"]), "--notes", "перезвонила")  # type: ignore[index]
    assert done["done_at"] is not None  # type: ignore[index]
    assert dispatch("plan", "list")[1] == "No planned calls.\n"


def test_plan_bad_input_says_what_is_wrong(dispatch: Runner) -> None:  # noqa: F811
    client = _client(dispatch)
    code, out, err = dispatch(
        "plan", "add", "--client", str(client), "--at", "пятница", "--subject", "x"
    )
    assert (code, out) == (2, "") and "YYYY-MM-DD HH:MM" in err and "Traceback" not in err
    code, _, err = dispatch(
        "plan",
        "add",
        "--client",
        str(client),
        "--at",
        "2030-05-10 10:00",
        "--subject",
        "x",
        "--responsible",
        "ghost",
    )
    assert code == 2 and "no active user 'ghost'" in err


def test_kb_add_by_a_lead_and_search_by_anyone(dispatch: Runner, db_url: str) -> None:  # noqa: F811
    add_account(db_url, "op", UserRole.OPERATOR)
    op = Runner(db_url, dispatch.capsys, user="op")
    code, _, err = op("kb", "add", "--question", "Q", "--answer", "A")
    assert code == 2 and "You may not add knowledge-base articles" in err
    article = dispatch.json(
        "kb",
        "add",
        "--question",
        "Кулер течёт",
        "--answer",
        "Снимите бутыль.",
        "--keywords",
        "протечка",
    )
    found = op.json("kb", "search", "кулера течет")
    assert [f["id"] for f in found] == [article["id"]]  # type: ignore[index,union-attr]
    code, out, _ = op("kb", "search", "протечку")
    assert out == f"#{article['id']:<5} Кулер течёт\n       Снимите бутыль.\n"  # type: ignore[index]
    assert op("kb", "search", "залог")[1] == "Nothing found.\n"
