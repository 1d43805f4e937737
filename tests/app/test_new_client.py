"""The new-client view model and form: duplicate warnings while typing, and saving."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.new_client import NewClientViewModel, split_phones
from app.widgets.new_client_form import NewClientForm
from app.worker import DbWorker
from dispatcher.models import Address, Client, ClientKind, Phone
from tests.app.conftest import desk_identity
from tests.dispatcher.conftest import World
from tests.dispatcher.conftest import world as world_fixture  # noqa: F401 (registers `world`)


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only: the workspace logic does not depend on the backend (dispatcher tests do)."""
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def worker(sessions: sessionmaker[Session], qtbot: QtBot) -> Iterator[DbWorker]:
    """The DbWorker the view model saves through."""
    w = DbWorker(sessions)
    yield w
    w.wait_idle()


@pytest.fixture
def vm(worker: DbWorker, world: World, qtbot: QtBot) -> NewClientViewModel:
    """A form model over the sample world, its errors collected in ``vm.errors``."""
    model = NewClientViewModel(worker, identity=desk_identity())
    model.errors = []  # type: ignore[attr-defined]
    model.error.connect(model.errors.append)  # type: ignore[attr-defined]
    return model


def wait_checked(qtbot: QtBot, vm: NewClientViewModel) -> None:
    """Wait for the debounced duplicate check to come back."""
    qtbot.waitUntil(lambda: not vm.checking, timeout=5000)


def test_several_numbers_in_one_field_are_split_but_extensions_stay() -> None:
    assert split_phones("+7 916 111-22-33; 8 495 123 45 67") == [
        "+7 916 111-22-33",
        "8 495 123 45 67",
    ]
    assert split_phones("8 (495) 123-45-67, доб. 12, 89160001122") == [
        "8 (495) 123-45-67, доб. 12",
        "89160001122",
    ]


def test_the_callers_number_warns_of_the_client_who_owns_it(
    vm: NewClientViewModel, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(vm.warnings_changed, timeout=5000) as warned:
        vm.start("8 916 123 45 67")  # Иванова's number, written another way
    [warning] = warned.args[0]
    assert warning.client.name == "Иванова Мария Петровна"
    assert warning.reason == "same_phone"


def test_a_similar_name_at_the_same_address_warns_while_typing(
    vm: NewClientViewModel, qtbot: QtBot
) -> None:
    vm.start("+7 999 000-00-01")
    wait_checked(qtbot, vm)
    assert vm.warnings == []
    vm.set_name("Иванова Мария")
    vm.set_address(0, text="Москва, Профсоюзная ул., 12", flat="45")
    wait_checked(qtbot, vm)
    assert [(w.client.name, w.reason) for w in vm.warnings] == [
        ("Иванова Мария Петровна", "similar_name_address")
    ]


def test_typing_fast_checks_once_after_the_pause(
    vm: NewClientViewModel, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import new_client

    calls: list[str] = []
    real = new_client.planning.new_client_warnings

    def counting(session: Session, **kwargs: object) -> list:
        calls.append(str(kwargs["name"]))
        return real(session, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(new_client.planning, "new_client_warnings", counting)
    vm.start()
    for i in range(1, 8):
        vm.set_name("Петров Иван"[: i + 3])
    wait_checked(qtbot, vm)
    assert calls == ["Петров Ива"]


def test_saving_registers_the_client_with_phones_and_addresses(
    vm: NewClientViewModel, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    vm.start("8 (903) 765-43-21")
    vm.set_name("  Орлов   Иван ")
    vm.set_phone(0, "8 (903) 765-43-21; +7 495 222-33-44")
    vm.set_address(0, text="ул. Лесная, д. 5", entrance="2", floor="3", flat="12")
    vm.add_address()
    vm.set_address(1, text="Дача: пос. Внуково, ул. Центральная, 7", courier_notes="Звонить")
    assert vm.can_save
    with qtbot.waitSignal(vm.created) as created:
        vm.save()
    with sessions() as s:
        client = s.get(Client, created.args[0])
        assert client is not None
        assert (client.kind, client.name) == (ClientKind.PERSON, "Орлов Иван")
        phones = s.scalars(select(Phone.e164).where(Phone.client_id == client.id)).all()
        assert sorted(phones) == ["+74952223344", "+79037654321"]
        addresses = s.scalars(
            select(Address).where(Address.client_id == client.id).order_by(Address.id)
        ).all()
        assert [(a.text, a.flat, a.courier_notes) for a in addresses] == [
            ("ул. Лесная, д. 5", "12", ""),
            ("Дача: пос. Внуково, ул. Центральная, 7", "", "Звонить"),
        ]


def test_a_company_needs_a_valid_inn_and_nothing_is_saved_otherwise(
    vm: NewClientViewModel, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    vm.start()
    vm.save()
    assert vm.errors == ["To save the client, add a name, a delivery address."]
    vm.set_kind("company")
    vm.set_name('ООО "Лютик"')
    vm.set_inn("1234567890")
    vm.set_address(0, text="Москва, Тверская ул., 7")
    with qtbot.waitSignal(vm.error) as failed:
        vm.save()
    assert failed.args == ["INN 1234567890 is not valid: its check digit is wrong."]
    assert vm.field_messages == {"inn": failed.args[0]}, "said next to the field, not the DB"
    with sessions() as s:
        assert s.scalars(select(Client).where(Client.name == 'ООО "Лютик"')).first() is None


def test_an_unreadable_phone_is_named_before_saving(vm: NewClientViewModel) -> None:
    vm.start("12")
    vm.set_name("Орлов Иван")
    vm.set_address(0, text="ул. Лесная, 5")
    assert not vm.can_save
    assert vm.phone_problems() == ["12 is an internal extension, not a phone."]


def test_the_form_lists_warnings_and_return_on_one_uses_that_client(
    vm: NewClientViewModel, qtbot: QtBot, world: World
) -> None:
    form = NewClientForm(vm)
    qtbot.addWidget(form)
    form.show()
    with qtbot.waitSignal(vm.warnings_changed, timeout=5000):
        vm.start("+7 916 123-45-67")
    assert form.phones.text() == "+7 916 123-45-67"
    assert form.warnings.isVisible()
    assert "Иванова Мария Петровна" in form.warnings.item(0).text()
    form.warnings.setFocus()
    with qtbot.waitSignal(form.use_existing) as chosen:
        qtbot.keyClick(form.warnings, "\r")
    assert chosen.args == [world.person_id]


def test_the_inn_field_is_there_for_companies_only(vm: NewClientViewModel, qtbot: QtBot) -> None:
    form = NewClientForm(vm)
    qtbot.addWidget(form)
    form.show()
    vm.start()
    assert not form.inn.isVisible()
    form.kind.setCurrentIndex(form.kind.findData(ClientKind.COMPANY))
    assert vm.kind is ClientKind.COMPANY
    assert form.inn.isVisible()


def test_each_field_of_the_form_answers_bad_input_under_itself(
    vm: NewClientViewModel, qtbot: QtBot, sessions: sessionmaker[Session]
) -> None:
    form = NewClientForm(vm)
    qtbot.addWidget(form)
    form.show()
    vm.start()
    assert not form.name_message.isVisible(), "an empty form is not scolded before Save"
    vm.set_kind("company")
    vm.set_inn("77070838")
    assert not form.inn_message.isVisible(), "a short INN while typing is not scolded either"
    vm.set_kind("person")

    form.save_button.click()  # Save stays pressable and answers with the messages
    assert form.name_message.text() == "Type the client's name."
    assert form.address_boxes[0].message.text() == "Type the delivery address."
    assert form.error_label.text() == "To save the client, add a name, a delivery address."

    vm.set_name("Орлов Иван")
    vm.set_address(0, text="ул. Лесная, 5")
    assert not form.name_message.isVisible()
    assert not form.address_boxes[0].message.isVisible()

    vm.set_phones(["8 916 12"])  # updated as the operator types
    assert form.phones_message.text() == "8 916 12 is not a phone number."
    vm.set_phones(["8 916 123 45 67"])
    assert not form.phones_message.isVisible()

    vm.set_address(0, flat="x" * 21)
    assert form.address_boxes[0].message.text() == (
        "Entrance, floor and flat take at most 20 characters each."
    )
    vm.set_address(0, flat="12")
    vm.set_name("Я" * 301)
    assert form.name_message.text() == "The name is 301 characters long; at most 300."
    vm.set_name("ООО Лютик")

    form.kind.setCurrentIndex(form.kind.findData(ClientKind.COMPANY))
    vm.set_inn("77070838")  # short, and Save was pressed before: pointed at
    assert form.inn_message.text() == "An INN has 10 digits (company) or 12 (entrepreneur)."
    vm.set_inn("77070838a")
    assert form.inn_message.text() == "An INN has digits only."
    vm.set_inn("7707083894")
    assert form.inn_message.text() == "INN 7707083894 is not valid: its check digit is wrong."
    assert not vm.can_save
    form.save_button.click()  # nothing goes to the database with a bad INN
    assert form.error_label.text() == form.inn_message.text()
    vm.set_inn("7707083893")  # a valid INN
    assert not form.inn_message.isVisible()
    assert vm.can_save
    with sessions() as s:
        assert s.scalars(select(Client).where(Client.name == "ООО Лютик")).first() is None
