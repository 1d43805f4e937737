"""`dispatch client phone|address|contact|note …`: editing a known client from scripts."""

from __future__ import annotations

from dispatcher.models import UserRole
from tests.dispatcher.test_cli import Runner, add_account
from tests.dispatcher.test_cli import dispatch as dispatch  # the fixture, re-exported


def test_a_client_card_is_edited_from_the_command_line(dispatch: Runner) -> None:
    client = dispatch.json(
        "client",
        "add",
        "--kind",
        "company",
        "--name",
        "Ромашка",
        "--phone",
        "84951234567",
        "--address",
        "Тверская 1",
    )
    cid = str(client["id"])  # type: ignore[index]
    card = dispatch.json("client", "phone", "add", cid, "+7 916 123-45-67")
    assert [p["e164"] for p in card["phones"]] == ["+74951234567", "+79161234567"]  # type: ignore[index]
    code, _out, err = dispatch("client", "phone", "add", cid, "89161234567")
    assert code == 2 and "already on this client's card" in err
    code, _out, err = dispatch("client", "address", "add", cid, "--text", "ул. Ленина")
    assert code == 2 and "has no house number" in err
    card = dispatch.json(
        "client",
        "address",
        "add",
        cid,
        "--text",
        "ул. Ленина, 5",
        "--intercom",
        "5К",
        "--flat",
        "3",
    )
    new = card["addresses"][-1]  # type: ignore[index]
    assert (new["text"], new["intercom"], new["flat"]) == ("ул. Ленина, 5", "5К", "3")
    card = dispatch.json("client", "address", "retire", cid, str(card["addresses"][0]["id"]))  # type: ignore[index]
    assert [a["retired"] for a in card["addresses"]] == [True, False]  # type: ignore[index]
    card = dispatch.json(
        "client",
        "contact",
        "add",
        cid,
        "--name",
        "Смирнов Олег",
        "--phone",
        "89260001122",
        "--address",
        "Ленинский пр-т, 30",
    )
    assert card["contacts"][0]["name"] == "Смирнов Олег"  # type: ignore[index]
    add_account(dispatch.db_url, "anna", UserRole.OPERATOR)
    anna = Runner(dispatch.db_url, dispatch.capsys, user="anna")
    card = anna.json("client", "note", cid, "не звонить после 21:00")
    assert card["notes"] == "не звонить после 21:00"  # type: ignore[index]
    card = dispatch.json("client", "phone", "remove", cid, "9161234567")
    assert "+79161234567" not in [p["e164"] for p in card["phones"]]  # type: ignore[index]
    found = dispatch.json("lookup", "89260001122")
    assert found["matches"][0]["contact"]["name"] == "Смирнов Олег"  # type: ignore[index]
    history = dispatch.json("client", "history", cid)
    events = [(h["actor"], h["action"]) for h in history["history"]]  # type: ignore[index]
    assert events[0][1] == "phone_removed" and ("anna", "notes_set") in events
    assert events[-1][1] == "phone_added"  # the first change comes last


def test_another_clients_number_is_reported_as_a_possible_duplicate(dispatch: Runner) -> None:
    for name in ("Иванова", "Петрова"):
        dispatch.json(
            "client", "add", "--kind", "person", "--name", name, "--address", "Тверская 1"
        )
    card = dispatch.json("client", "phone", "add", "1", "89161234567")
    assert card["possible_duplicates"] == []  # type: ignore[index]
    card = dispatch.json("client", "phone", "add", "2", "+7 916 123 45 67")
    assert [c["id"] for c in card["possible_duplicates"]] == [1]  # type: ignore[index]
