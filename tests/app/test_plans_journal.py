"""The journal on the client card and per operator, a plan made from the call on screen,
and the knowledge base's articles window: all driven by keys over the real widgets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.client_card import ClientCardViewModel
from app.desk_references import DeskReferences
from app.plans_wiring import DeskPlans
from app.shortcuts import Key
from app.widgets.client_card_dialog import ClientCardDialog
from app.widgets.main_window import MainWindow
from dispatcher.db import unit_of_work
from dispatcher.models import Interaction, InteractionKind, KbArticle, UserRole
from dispatcher.operations import knowledge, plans
from dispatcher.users import Actor, add_user
from tests.app.conftest import LEAD, OPERATOR, Desk, desk_identity
from tests.app.fake_phone import FakePhone
from tests.app.keys import Keyboard, type_into
from tests.app.test_plans import (  # noqa: F401  (fixtures)
    ADMIN,
    FRIDAY_10,
    clock,
    desk_window,
    fake_phone,
    line,
)

CTRL = Qt.KeyboardModifier.ControlModifier


def _add_ira(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        add_user(s, "ira", "Ира Смирнова", UserRole.OPERATOR, "password-123", actor=ADMIN)


def test_a_call_back_planned_from_the_call_on_screen_names_the_call_and_a_picked_operator(
    qtbot: QtBot,
    desk: Desk,
    desk_window: tuple[MainWindow, DeskPlans],  # noqa: F811
    sessions: sessionmaker[Session],
    fake_phone: FakePhone,  # noqa: F811
) -> None:
    window, desk_plans = desk_window
    _add_ira(sessions)
    fake_phone.ring("89161234567")
    qtbot.waitUntil(
        lambda: (c := window.intake.focused) is not None and c.interaction_id is not None,
        timeout=5_000,
    )
    call = window.intake.focused
    assert call is not None
    keys = Keyboard(qtbot, window)
    keys.shortcut(Key.PLAN_CALL)
    qtbot.waitUntil(
        lambda: desk_plans.plan_dialog is not None and desk_plans.plan_dialog.isVisible()
    )
    dialog = desk_plans.plan_dialog
    assert dialog is not None
    # The responsible is picked from the active users (sorted by name), not typed.
    labels = [dialog.responsible.itemText(i) for i in range(dialog.responsible.count())]
    assert labels == ["Ира Смирнова (ira)", f"Оператор Ольга ({OPERATOR})"]
    assert dialog.responsible.currentData() == OPERATOR
    type_into(qtbot, dialog.subject, "про кулер")
    dialog.responsible.setFocus()
    keys.press(Qt.Key.Key_Up)
    with qtbot.waitSignal(desk_plans.reminders.planned) as planned:
        keys.press(Qt.Key.Key_Return)
    plan = planned.args[0]  # type: ignore[index]
    assert plan.responsible == "ira"
    with sessions() as s:
        row = s.get(Interaction, plan.id)
        assert row is not None and row.planned_from_id == call.interaction_id


def test_the_client_card_shows_the_journal_and_takes_notes_and_review_flags(
    qtbot: QtBot, desk: Desk, worker: Any, sessions: sessionmaker[Session]
) -> None:
    person = desk.world.person_id
    with unit_of_work(sessions) as s:
        actor = Actor(OPERATOR, "Оператор Ольга", UserRole.OPERATOR)
        add_user(s, OPERATOR, "Оператор Ольга", UserRole.OPERATOR, "password-123", actor=ADMIN)
        plans.plan_interaction(s, person, FRIDAY_10, "про кулер", actor=actor)
    vm = ClientCardViewModel(worker, desk_identity())
    dialog = ClientCardDialog(vm)
    qtbot.addWidget(dialog)
    dialog.show()
    vm.open(person)
    journal = dialog.journal
    qtbot.waitUntil(lambda: journal.list.count() >= 1)
    first = journal.list.item(0).text()
    assert "про кулер" in first and "[planned, open]" in first
    # A hand-typed SMS: kind chosen, text typed, Return adds it; the line is cleared after.
    journal.note.setFocus()
    keys = Keyboard(qtbot, dialog)
    type_into(qtbot, journal.note, "Окно 10-12 подтвердили")
    count = journal.list.count()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: journal.list.count() == count + 1)
    assert journal.note.text() == ""
    with sessions() as s:
        note = s.scalar(select(Interaction).where(Interaction.kind == InteractionKind.SMS))
        assert note is not None and note.notes == "Окно 10-12 подтвердили"
        note_id = note.id
    # Review flags by keys on the selected entry: Ctrl+D puts it off, Ctrl+R marks it done.
    row = next(
        i for i in range(journal.list.count()) if "Окно 10-12" in journal.list.item(i).text()
    )
    journal.list.setFocus()
    journal.list.setCurrentRow(row)
    keys.press(Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: "review after" in journal.list.currentItem().text())
    keys.press(Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: "reviewed" in journal.list.currentItem().text())
    with sessions() as s:
        note = s.get(Interaction, note_id)
        assert note is not None and note.reviewed and note.review_after is not None
    worker.wait_idle()


def test_the_operator_journal_is_ones_own_and_a_lead_picks_any_operator(
    qtbot: QtBot,
    desk: Desk,
    desk_window: tuple[MainWindow, DeskPlans],  # noqa: F811
    worker: Any,
    sessions: sessionmaker[Session],
) -> None:
    window, desk_plans = desk_window
    _add_ira(sessions)
    with unit_of_work(sessions) as s:
        ira = Actor("ira", "Ира Смирнова", UserRole.OPERATOR)
        plans.plan_interaction(s, desk.world.company_id, FRIDAY_10, "сверка", actor=ira)
        plans.add_note(s, desk.world.person_id, InteractionKind.EMAIL, "счёт", actor=ira)
    desk_plans.references.open_journal()
    own = desk_plans.references.journal_dialog
    assert own is not None and not own.operator.isEnabled()
    qtbot.waitUntil(lambda: "Interactions of operator-1" in own.view.heading.text())
    assert own.view.list.count() == 0
    lead = DeskReferences(window, worker, desk_identity(LEAD))
    lead.open_journal()
    dialog = lead.journal_dialog
    assert dialog is not None and dialog.operator.isEnabled()
    qtbot.waitUntil(lambda: dialog.operator.count() == 2)
    dialog.operator.setFocus()
    index = dialog.operator.findData("ira")
    dialog.operator.setCurrentIndex(index)
    dialog.operator.activated.emit(index)
    qtbot.waitUntil(lambda: dialog.view.list.count() == 2)
    texts = [dialog.view.list.item(i).text() for i in range(2)]
    assert "сверка" in texts[0] and "E-mail" in texts[1]
    worker.wait_idle()


def test_leads_write_articles_in_the_articles_window_and_operators_are_refused(
    qtbot: QtBot,
    desk: Desk,
    desk_window: tuple[MainWindow, DeskPlans],  # noqa: F811
    worker: Any,
    sessions: sessionmaker[Session],
) -> None:
    window, _ = desk_window
    lead = DeskReferences(window, worker, desk_identity(LEAD))
    lead.open_articles()
    articles = lead.articles_window
    assert articles is not None
    articles.activateWindow()  # a new top-level window gets the keys, as on a desk
    qtbot.waitUntil(articles.isActiveWindow)
    keys = Keyboard(qtbot, articles)
    keys.press(Qt.Key.Key_N, CTRL)
    type_into(qtbot, articles.question, "Кулер течёт снизу")
    articles.answer.setFocus()
    keys.type("Отключите кулер от сети.")
    type_into(qtbot, articles.keywords, "протечка")
    assert lead.articles_vm is not None
    with qtbot.waitSignal(lead.articles_vm.saved):
        keys.press(Qt.Key.Key_S, CTRL)
    # Found by another word form, Return puts it in the form; an edit saves over it.
    type_into(qtbot, articles.search, "протечку")
    qtbot.waitUntil(lambda: articles.list.count() == 1)
    articles.search.setFocus()
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    assert articles.question.text() == "Кулер течёт снизу"
    articles.answer.setFocus()
    keys.press(Qt.Key.Key_End, CTRL)
    keys.type(" Снимите бутыль.")
    with qtbot.waitSignal(lead.articles_vm.saved):
        keys.press(Qt.Key.Key_S, CTRL)
    with sessions() as s:
        (row,) = s.scalars(select(KbArticle)).all()
        assert row.answer.endswith("Снимите бутыль.") and row.updated_by == "lead"
        assert knowledge.search_articles(s, "бутыли")[0].article.id == row.id
    # The operator's desk: the same window, the operation says no, the form keeps its text.
    desk_plans_refs = DeskReferences(window, worker, desk_identity())
    desk_plans_refs.open_articles()
    mine = desk_plans_refs.articles_window
    assert mine is not None
    mine.activateWindow()
    qtbot.waitUntil(mine.isActiveWindow)
    type_into(qtbot, mine.question, "Помпа")
    mine.answer.setPlainText("Проверьте горлышко.")
    Keyboard(qtbot, mine).press(Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: mine.message.isVisible())
    assert "may not add knowledge-base articles" in mine.message.text()
    assert mine.question.text() == "Помпа"
    worker.wait_idle()
