"""`dispatch courier …`: add and list as before, edit days, hours, capacity and the active flag."""

from __future__ import annotations

import pytest

from dispatcher.models import UserRole
from tests.dispatcher.test_cli import Runner, add_account, dispatch  # noqa: F401  (the fixture)


@pytest.fixture
def petrov(dispatch: Runner) -> int:  # noqa: F811
    added = dispatch.json("courier", "add", "--name", "Петров Пётр", "--phone", "+7 903 111-22-33")
    return int(added["id"])  # type: ignore[index]


def test_add_and_list_print_as_before(dispatch: Runner, petrov: int) -> None:  # noqa: F811
    code, out, _ = dispatch("courier", "add", "--name", "Сидоров Семён", "--capacity", "30")
    assert (code, out) == (0, "Courier #2 Сидоров Семён\n")
    code, out, _ = dispatch("courier", "list")
    assert out == "#1    Петров Пётр +79031112233\n#2    Сидоров Семён \n"


def test_edit_sets_days_hours_capacity_and_deactivates(dispatch: Runner, petrov: int) -> None:  # noqa: F811
    code, out, _ = dispatch(
        "courier",
        "edit",
        str(petrov),
        "--days",
        "mon,tue,wed,thu,fri",
        "--hours",
        "09:00-18:00",
        "--capacity",
        "30",
    )
    assert code == 0
    assert out == "Courier #1 Петров Пётр: active, 30 bottles, mon,tue,wed,thu,fri, 09:00-18:00\n"
    edited = dispatch.json("courier", "edit", str(petrov), "--inactive", "--hours", "any")
    assert edited == edited | {"active": False, "hours": "", "days": "mon,tue,wed,thu,fri"}  # type: ignore[operator]
    back = dispatch.json("courier", "edit", str(petrov), "--active", "--name", "Петров Иван")
    assert back == back | {"active": True, "name": "Петров Иван", "capacity": 30}  # type: ignore[operator]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--capacity", "-1"], "capacity must be at least one bottle"),
        (["--hours", "18:00-09:00"], "18:00-09:00: the end must be after the start"),
        (["--days", "mon,fun"], "'fun' is not a day of the week"),
        (["--phone", "12"], "Courier's phone '12'"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    dispatch: Runner,  # noqa: F811
    petrov: int,
    args: list[str],
    message: str,
) -> None:
    try:
        code, out, err = dispatch("courier", "edit", str(petrov), *args)
    except SystemExit as exit_:  # argparse refuses the --days and --hours it cannot read
        code, (out, err) = exit_.code, dispatch.capsys.readouterr()  # type: ignore[assignment]
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert "30 bottles" not in dispatch("courier", "edit", str(petrov))[1]


def test_an_operator_is_refused(dispatch: Runner, db_url: str, petrov: int) -> None:  # noqa: F811
    add_account(db_url, "op", UserRole.OPERATOR)
    op = Runner(db_url, dispatch.capsys, user="op")
    code, _, err = op("courier", "edit", str(petrov), "--inactive")
    assert code == 2
    assert "You may not deactivate couriers: only a shift lead or an admin" in err
    code, _, err = op("courier", "add", "--name", "Новиков Ной")
    assert code == 2 and "You may not add couriers" in err
    listed = dispatch.json("courier", "list")
    assert [c["active"] for c in listed] == [True]  # type: ignore[index,union-attr]
