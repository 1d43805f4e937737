"""The demo's knowledge base: the handful of answers every water-delivery operator needs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher.models import KbArticle
from dispatcher.operations.knowledge import add_article
from dispatcher.users import Actor

# (question, answer, keywords): written as a shift lead would, in Russian.
ARTICLES: tuple[tuple[str, str, str], ...] = (
    (
        "Когда привезут заказ? Сроки доставки",
        "Заказ, принятый до 18:00, везём на следующий день в выбранное окно (9–12, 12–15, "
        "15–18, 18–21). В день заказа — только при свободном курьере в районе, уточните на доске.",
        "доставка срок окно время завтра",
    ),
    (
        "Залог за бутыль: сколько и как вернуть",
        "Залог за 19-литровую бутыль — 300 ₽, берётся при первой доставке. Вернуть залог можно, "
        "отдав пустую бутыль курьеру: деньги возвращает курьер наличными или переводом.",
        "залог тара бутыль возврат",
    ),
    (
        "Как почистить кулер (санобработка)",
        "Санобработку кулера советуем раз в 3–6 месяцев. Её делает наш мастер на дому, "
        "оформите как услугу «Санобработка кулера». Клиенту: отключить кулер от сети "
        "и снять бутыль.",
        "санобработка чистка кулер мастер",
    ),
    (
        "Доставка не состоялась: как перенести",
        "Извинитесь, уточните причину (не было дома, не пустили, нет пропуска) и предложите "
        "ближайшее окно. Заказ после неудачной доставки уже помечен для переноса — "
        "выберите новую дату и окно и отправьте в доставку.",
        "перенос не доставлена неудачная доставка курьер опоздал",
    ),
    (
        "Оплата по счёту для организаций",
        "Организациям на безналичном расчёте выставляем счёт после подтверждения заказа; "
        "в карточке клиента должны быть ИНН и условие оплаты «по счёту». Накладную курьер "
        "привозит с водой.",
        "счет оплата безнал организация накладная ИНН",
    ),
)


def seed_articles(session: Session, lead: Actor) -> int:
    """Add the demo articles to an empty knowledge base (as the demo lead); how many were added."""
    if session.scalar(select(KbArticle.id).limit(1)) is not None:
        return 0
    for question, answer, keywords in ARTICLES:
        add_article(session, question, answer, keywords, actor=lead)
    return len(ARTICLES)
