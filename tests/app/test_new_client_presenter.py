"""The new-client form's presenter: kinds, the INN row, Save and the duplicate warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from app.new_client_presenter import WarningRow, kind_choices, present_new_client, warning_rows
from dispatcher.models import ClientKind


@dataclass(frozen=True)
class FakeClientForm:
    """The public state of a NewClientViewModel, set by hand."""

    kind: ClientKind = ClientKind.PERSON
    missing: list[str] = field(default_factory=list)
    busy: bool = False


def test_a_person_first_and_the_inn_only_for_companies() -> None:
    assert [(c.label, c.value) for c in kind_choices()] == [
        ("Private person", "person"),
        ("Company", "company"),
    ]
    person = present_new_client(FakeClientForm())
    assert person.kind == "person" and not person.shows_inn
    assert present_new_client(FakeClientForm(kind=ClientKind.COMPANY)).shows_inn


def test_save_stays_pressable_while_fields_are_missing_but_not_while_saving() -> None:
    view = present_new_client(FakeClientForm(missing=["a name", "a phone"]))
    assert view.missing == "Still needed: a name, a phone" and view.save_enabled
    assert not present_new_client(FakeClientForm(busy=True)).save_enabled
    assert present_new_client(FakeClientForm()).missing == ""


def test_warnings_name_the_existing_client_and_why() -> None:
    warning = SimpleNamespace(
        client=SimpleNamespace(id=3, name='ООО "Ромашка"'),
        reason="same_inn",
        detail="ИНН 7707083893",
    )
    assert warning_rows([warning]) == [WarningRow(3, '⚠ ООО "Ромашка" — same INN: ИНН 7707083893')]
