"""The knowledge base: leads write it, word forms and ё/е find it, the situation suggests it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from dispatcher.errors import PermissionDenied, ValidationError
from dispatcher.models import UserRole
from dispatcher.operations import knowledge
from dispatcher.orders import LineInput, Slot, create_order, fail, send_to_delivery
from dispatcher.users import Actor
from tests.dispatcher.conftest import World

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
OPERATOR = Actor("olga", "Оператор Ольга", UserRole.OPERATOR)


@pytest.fixture
def articles(session: Session) -> dict[str, int]:
    rows = {
        "leak": ("Кулер течёт снизу", "Отключите кулер от сети и снимите бутыль.", "протечка"),
        "pump": ("Помпа не качает воду", "Проверьте, плотно ли помпа сидит на горлышке.", ""),
        "late": (
            "Доставка не пришла вовремя",
            "Извинитесь, назовите новое окно доставки и предложите перенос.",
            "опоздание курьер перенос",
        ),
        "deposit": ("Как вернуть залог за бутыль", "Залог возвращает курьер при возврате.", ""),
    }
    ids = {}
    for key, (q, a, k) in rows.items():
        ids[key] = knowledge.add_article(session, q, a, k, actor=LEAD).id
    return ids


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("кулер течет", "leak"),  # е for ё
        ("КУЛЕРА ТЕЧЁТ", "leak"),  # another form, upper case
        ("протечк", "leak"),  # a keyword still being typed
        ("помпу", "pump"),  # accusative
        ("залога за бутыли", "deposit"),
        ("опоздал курьер", "late"),
    ],
)
def test_typed_words_find_the_right_article_first(
    session: Session, articles: dict[str, int], typed: str, expected: str
) -> None:
    found = knowledge.search_articles(session, typed)
    assert found and found[0].article.id == articles[expected]


def test_a_failed_delivery_suggests_the_delivery_article_before_anything_is_typed(
    session: Session, world: World, articles: dict[str, int]
) -> None:
    assert knowledge.suggest_articles(session, "", world.person_id) == []
    order = create_order(session, world.person_id, [LineInput("W19", 2)], actor="op")
    slot = Slot(world.courier_a, world.tomorrow, None, None)
    send_to_delivery(session, order.id, slot, actor="op")
    fail(session, order.id, reason="не было дома", actor="courier")
    suggested = knowledge.suggest_articles(session, "", world.person_id)
    assert suggested[0].article.id == articles["late"]
    # Typed words still decide: the situation only adds to their score.
    typed = knowledge.suggest_articles(session, "помпа", world.person_id)
    assert typed[0].article.id == articles["pump"]


def test_an_open_complaint_suggests_the_complaint_article(
    session: Session, world: World, articles: dict[str, int]
) -> None:
    from dispatcher.operations.complaints import register_complaint

    answer = "Выслушайте, запишите претензию, назовите срок ответа."
    complaint = knowledge.add_article(session, "Клиент жалуется", answer, "жалоба", actor=LEAD)
    assert knowledge.suggest_articles(session, "", world.person_id) == []
    register_complaint(session, world.person_id, "Качество воды", "Вода с осадком", actor=LEAD)
    suggested = knowledge.suggest_articles(session, "", world.person_id)
    assert suggested[0].article.id == complaint.id


def test_only_leads_write_articles_and_empty_ones_are_refused(
    session: Session, articles: dict[str, int]
) -> None:
    with pytest.raises(PermissionDenied, match="add knowledge-base articles"):
        knowledge.add_article(session, "Q", "A", actor=OPERATOR)
    with pytest.raises(PermissionDenied, match="edit knowledge-base articles"):
        knowledge.edit_article(session, articles["pump"], "Q", "A", actor=OPERATOR)
    with pytest.raises(ValidationError, match="needs an answer"):
        knowledge.add_article(session, "Вопрос", "  ", actor=LEAD)
    edited = knowledge.edit_article(
        session, articles["pump"], "Помпа сломалась", "Заменим помпу.", "замена", actor=LEAD
    )
    assert edited.updated_by == "lead"
    assert knowledge.search_articles(session, "качает") == []
    assert knowledge.search_articles(session, "замену")[0].article.id == articles["pump"]


@pytest.fixture
def small_ranges(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A word covering 3 index rows counts as common here (10,000 articles in production
    # terms): the rarest-first candidate path runs on a handful of articles.
    from dispatcher import knowledge as index

    monkeypatch.setattr(index, "_WHOLE", 3)
    monkeypatch.setattr(index, "_CANDIDATES", 2)
    for statement in (index._sizes_statement, index._rank_statement):
        statement.cache_clear()
    yield
    for statement in (index._sizes_statement, index._rank_statement):
        statement.cache_clear()


def test_common_words_are_ranked_from_the_rarest_one_first(
    session: Session, small_ranges: None
) -> None:
    for i in range(6):
        knowledge.add_article(session, f"Вода в бутыли {i}", "Вода питьевая.", actor=LEAD)
    cooler = knowledge.add_article(session, "Вода из кулера пахнет", "Почистите кулер.", actor=LEAD)
    # "вода" is common, "кулер" rare: every article with both words is a candidate.
    found = knowledge.search_articles(session, "вода кулер")
    assert found[0].article.id == cooler.id and found[0].matched == 2
    # Only common words: the best-weighted few are ranked, and something is always found.
    assert len(knowledge.search_articles(session, "вода")) == 2
    # A word nothing has does not hide the articles the other words find.
    assert knowledge.search_articles(session, "кулер абракадабра")[0].article.id == cooler.id
