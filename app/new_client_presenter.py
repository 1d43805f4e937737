"""What the new-client form shows: the kinds offered, what the kind hides, Save, the warnings.

`app.widgets.new_client_form` lays these out over `app.new_client.NewClientViewModel`;
the decisions (the INN only for a company, Save's enabled state, how a probable duplicate
reads) are made here, without a window. Texts keep the "NewClientForm" context.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication

from dispatcher.models import ClientKind

logger = logging.getLogger(__name__)


class ClientFormState(Protocol):
    """The public properties of NewClientViewModel this module reads."""

    @property
    def kind(self) -> ClientKind: ...
    @property
    def missing(self) -> list[str]: ...
    @property
    def busy(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class KindChoice:
    """One entry of the kind picker: its label and the value handed back to the view model."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class NewClientFormView:
    """The form's conditional parts for one state of the view model."""

    kind: str  # the value of the chosen KindChoice
    shows_inn: bool  # companies only
    missing: str  # "Still needed: …", or ""
    save_enabled: bool


@dataclass(frozen=True, slots=True)
class WarningRow:
    """A probable existing client: its id (to use it instead) and the line that says why."""

    client_id: int
    text: str


def kind_choices() -> list[KindChoice]:
    """The kinds the operator picks from, a private person first (the usual caller)."""
    return [
        KindChoice(
            QCoreApplication.translate("NewClientForm", "Private person"), ClientKind.PERSON.value
        ),
        KindChoice(
            QCoreApplication.translate("NewClientForm", "Company"), ClientKind.COMPANY.value
        ),
    ]


def present_new_client(vm: ClientFormState) -> NewClientFormView:
    """The form's INN row, missing line and Save button for ``vm``."""
    missing = vm.missing
    return NewClientFormView(
        kind=ClientKind(vm.kind).value,
        shows_inn=vm.kind is ClientKind.COMPANY,
        missing=(
            QCoreApplication.translate("NewClientForm", "Still needed: {0}").format(
                ", ".join(missing)
            )
            if missing
            else ""
        ),
        # Save stays pressable while anything is wrong: it answers with the field messages.
        save_enabled=not vm.busy,
    )


def warning_rows(warnings: Iterable[Any]) -> list[WarningRow]:
    """Probable duplicates of the client being typed, as '⚠ name — why: detail'."""
    reasons = {
        "same_phone": QCoreApplication.translate("NewClientForm", "same phone"),
        "same_inn": QCoreApplication.translate("NewClientForm", "same INN"),
        "similar_name_address": QCoreApplication.translate(
            "NewClientForm", "similar name at this address"
        ),
    }
    return [
        WarningRow(
            warning.client.id,
            f"⚠ {warning.client.name} — {reasons.get(warning.reason, warning.reason)}: "
            f"{warning.detail}",
        )
        for warning in warnings
    ]
