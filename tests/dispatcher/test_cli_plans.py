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


def test_plan_note_review_and_journals(dispatch: Runner, db_url: str) -> None:  # noqa: F811
    add_account(db_url, "ira", UserRole.OPERATOR)
    add_account(db_url, "olga", UserRole.OPERATOR)
    client = _client(dispatch)
    ira = Runner(db_url, dispatch.capsys, user="ira")
    note = ira.json(
        "plan", "note", "--client", str(client), "--kind", "sms", "--text", "Окно 10-12"
    )
    assert note == note | {"kind": "sms", "operator": "ira", "notes": "Окно 10-12"}  # type: ignore[operator]
    args = ["plan", "add", "--client", str(client), "--at", "2030-05-10 10:00"]
    plan = ira.json(*args, "--subject", "про кулер")
    later = ira.json("plan", "review", str(note["id"]), "--after", "2030-05-20")  # type: ignore[index]
    after = dt.datetime.fromisoformat(later["review_after"])  # type: ignore[index]
    assert after == dt.datetime(2030, 5, 19, 21, tzinfo=dt.UTC)  # the Moscow day's start
    assert ira.json("plan", "review", str(note["id"]), "--reviewed")["reviewed"] is True  # type: ignore[index]
    # The client's journal: the plan (due in 2030) above the note, with its flags in text.
    code, out, _ = ira("plan", "journal", "--client", str(client))
    first, second = out.splitlines()
    assert (
        first.startswith(f"#{plan['id']:<5} 2030-05-10 10:00  call") and "[planned, open]" in first
    )  # type: ignore[index]
    assert "sms" in second and "[review after 2030-05-20, reviewed]" in second
    # One's own journal for an operator; another's only for a lead.
    assert [e["id"] for e in ira.json("plan", "journal", "--operator", "ira")] == [  # type: ignore[index,union-attr]
        plan["id"],  # type: ignore[index]
        note["id"],  # type: ignore[index]
    ]
    olga = Runner(db_url, dispatch.capsys, user="olga")
    code, _, err = olga("plan", "journal", "--operator", "ira")
    assert code == 2 and "another operator's journal" in err
    assert len(dispatch.json("plan", "journal", "--operator", "ira")) == 2  # type: ignore[arg-type]
    code, _, err = ira("plan", "review", str(note["id"]), "--after", "завтра")  # type: ignore[index]
    assert code == 2 and "YYYY-MM-DD" in err and "Traceback" not in err
