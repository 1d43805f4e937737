"""The knowledge base's search: Russian words stemmed into an index table, found by prefix.

Every article's question, keywords and answer are cut into words (lower case, ё as е) and
each word is reduced to its Snowball stem (`snowballstemmer`, the Snowball project's own
Russian stemmer: "кулера", "кулеров", "кулером" all become "кулер"). `kb_terms` holds one row
per (stem, article) with the best weight the stem has in it (keyword 3, question 2, answer 1).
A typed word is stemmed too and found as a *prefix* range of the primary key, so the word the
operator is still typing ("кул") finds "кулер" as well; the same range query runs on SQLite
and PostgreSQL (the term column is C-collated there).

What the client's situation adds to a search (a failed delivery, later an open complaint)
comes from `situation_keywords`, which asks every function in `SITUATION_SOURCES`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

import snowballstemmer
from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from dispatcher.models import KbTerm, Order, OrderState

KEYWORD, QUESTION, ANSWER = 3, 2, 1
_WORD = re.compile(r"[0-9a-zа-я]+")
_TERM_LENGTH = 40  # the column's width
# Words that carry no meaning in a question: they would match every article.
_STOP_WORDS = (
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее "
    "мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть "
    "был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть "
    "надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда "
    "кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас "
    "были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот "
    "через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед "
    "иногда лучше чуть том нельзя такой им более всегда конечно всю между"
)
_STOP = frozenset(_STOP_WORDS.split())
_stemmer = snowballstemmer.stemmer("russian")
# A prefix range may span many articles ("до…"): each query word reads at most this many rows.
_ROWS_PER_WORD = 5_000


@lru_cache(maxsize=1 << 15)
def stem(word: str) -> str:
    """The Snowball stem of one normalised word (cut to the index column's width)."""
    return str(_stemmer.stemWord(word))[:_TERM_LENGTH]


def words(text: str) -> list[str]:
    """The meaningful words of ``text``: lower case, ё as е, no punctuation, no stop words."""
    lowered = text.casefold().replace("ё", "е")
    return [w for w in _WORD.findall(lowered) if w not in _STOP]


def article_terms(question: str, answer: str, keywords: str) -> dict[str, int]:
    """An article's stems, each with the best weight it has in the article."""
    terms: dict[str, int] = {}
    for text, weight in ((answer, ANSWER), (question, QUESTION), (keywords, KEYWORD)):
        for word in words(text):
            term = stem(word)
            if term and terms.get(term, 0) < weight:
                terms[term] = weight
    return terms


def index_article(conn: Connection, article_id: int, question: str, answer: str, kw: str) -> None:
    """Write an article's index rows anew (after it was added or edited)."""
    conn.execute(delete(KbTerm.__table__).where(KbTerm.__table__.c.article_id == article_id))
    rows = [
        {"term": t, "article_id": article_id, "weight": w}
        for t, w in article_terms(question, answer, kw).items()
    ]
    if rows:
        conn.execute(insert(KbTerm.__table__).values(rows))


def query_terms(text: str) -> list[str]:
    """The prefixes a typed text is searched by: each word's stem, in the order typed."""
    seen: dict[str, None] = {}
    for word in words(text):
        # A one-letter word is a word still being typed: too short to narrow anything.
        if len(word) >= 2:
            seen[stem(word)] = None
    return list(seen)


def _upper(prefix: str) -> str:
    # The smallest string greater than every string starting with the prefix.
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def rank(session: Session, terms: Iterable[str], limit: int) -> list[tuple[int, int, int]]:
    """(article id, words matched, score) of the best articles for these prefixes, best first.

    Each term is one range of kb_terms' primary key; an article's score for a term is the
    best weight among the stems the prefix covers. More matched words beat higher weights.
    """
    matched: dict[int, int] = defaultdict(int)
    score: dict[int, int] = defaultdict(int)
    table = KbTerm.__table__.c
    for term in terms:
        best: dict[int, int] = {}
        rows = session.execute(
            select(table.article_id, table.weight)
            .where(table.term >= term, table.term < _upper(term))
            .limit(_ROWS_PER_WORD)
        )
        for article_id, weight in rows:
            if best.get(article_id, 0) < weight:
                best[article_id] = weight
        for article_id, weight in best.items():
            matched[article_id] += 1
            score[article_id] += weight
    order = sorted(matched, key=lambda a: (-matched[a], -score[a], a))
    return [(a, matched[a], score[a]) for a in order[:limit]]


# --- the client's situation ---------------------------------------------------------------

SituationSource = Callable[[Session, int], list[str]]


def failed_delivery_keywords(session: Session, client_id: int) -> list[str]:
    """ "failed delivery" words when one of the client's orders came back from a courier."""
    failed = session.scalar(
        select(Order.id)
        .where(
            Order.client_id == client_id,
            Order.state == OrderState.INTEREST,
            Order.needs_reschedule.is_(True),
        )
        .limit(1)
    )
    return ["доставка", "не доставлена", "перенос"] if failed is not None else []


# The hook for other parts of the desk: each source names words describing the client's
# situation now. The complaints part appends its "open complaint" source here.
SITUATION_SOURCES: list[SituationSource] = [failed_delivery_keywords]


def situation_keywords(session: Session, client_id: int) -> list[str]:
    """Words describing the client's situation now (a failed delivery, …), from every source."""
    out: dict[str, None] = {}
    for source in SITUATION_SOURCES:
        for word in source(session, client_id):
            out[word] = None
    return list(out)
