"""`dispatch order edit` and `order cancel`: a script changes a sent order the way a desk does."""

from __future__ import annotations

import datetime as dt

from dispatcher.orders import moscow_today
from tests.dispatcher.test_cli import Runner, _catalog
from tests.dispatcher.test_cli import dispatch as dispatch  # the fixture, re-exported


def _sent(dispatch: Runner) -> tuple[str, int]:
    client_id, courier_a, _ = _catalog(dispatch)
    tomorrow = (moscow_today() + dt.timedelta(days=1)).isoformat()
    order = dispatch.json(
        "order", "create", "--client", str(client_id), "--line", "W19:2",
        "--courier", str(courier_a), "--date", tomorrow,
    )  # fmt: skip
    return str(order["id"]), order["version"]  # type: ignore[index]


def test_one_more_bottle_and_a_comment_keep_the_same_task(dispatch: Runner) -> None:
    oid, version = _sent(dispatch)
    before = dispatch.json("order", "show", oid)
    edited = dispatch.json(
        "order", "edit", oid, "--line", "W19:3", "--line", "PUMP:1",
        "--comment", "Позвонить за час", "--payment", "invoice",
        "--expected-version", str(version),
    )  # fmt: skip
    assert [(x["product_code"], x["qty"]) for x in edited["lines"]] == [("W19", 3), ("PUMP", 1)]
    assert edited["comment"] == "Позвонить за час" and edited["payment_method"] == "invoice"
    assert edited["task"]["uid"] == before["task"]["uid"]  # type: ignore[index]
    assert edited["events"][-1]["action"] == "edit"
    removed = dispatch.json("order", "edit", oid, "--line", "PUMP:0")
    assert [x["product_code"] for x in removed["lines"]] == ["W19"]


def test_a_stale_version_and_an_empty_edit_exit_2_with_a_message(dispatch: Runner) -> None:
    oid, _ = _sent(dispatch)
    dispatch.json("order", "edit", oid, "--comment", "Домофон 45")
    code, _, err = dispatch("order", "edit", oid, "--line", "W19:5", "--expected-version", "1")
    assert code == 2 and "changed by someone else" in err
    code, _, err = dispatch("order", "edit", oid)
    assert code == 2 and "Say what to change" in err


def test_cancel_with_a_reason_takes_the_task_off(dispatch: Runner) -> None:
    oid, _ = _sent(dispatch)
    cancelled = dispatch.json("order", "cancel", oid, "--reason", "Клиент передумал")
    assert cancelled["state"] == "cancelled" and cancelled["task"] is None
    assert [t["status"] for t in cancelled["tasks"]] == ["cancelled"]
    code, _, err = dispatch("order", "edit", oid, "--line", "W19:3")
    assert code == 2 and "cannot be changed" in err
