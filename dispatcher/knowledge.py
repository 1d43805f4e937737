"""The knowledge base's search: Russian words stemmed into an index table, found by prefix.

Every article's question, keywords and answer are cut into words (lower case, ё as е) and
each word is reduced to its Snowball stem (`snowballstemmer`, the Snowball project's own
Russian stemmer: "кулера", "кулеров", "кулером" all become "кулер"). `kb_terms` holds one row
per (stem, article) with the best weight the stem has in it (keyword 3, question 2, answer 1).
A typed word is stemmed too and found as a *prefix* range of the primary key, so the word the
operator is still typing ("кул") finds "кулер" as well; the same range query runs on SQLite
and PostgreSQL (the term column is C-collated there).

What the client's situation adds to a search (a failed delivery, an open complaint)
comes from `situation_keywords`, which asks every function in `SITUATION_SOURCES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache
from typing import Any

import snowballstemmer
from sqlalchemy import Connection, and_, bindparam, delete, func, insert, select, union, union_all
from sqlalchemy.orm import Session

from dispatcher.complaints import open_complaints
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
# A prefix covering fewer index rows than this is "rare": all its articles are ranked. A
# common one ("вод…" in a water company's base) adds only its best-weighted _CANDIDATES.
_WHOLE = 500
_CANDIDATES = 300


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


def _in_range(column: Any, name: str) -> Any:
    # A prefix as a key range: bound as name_lo (the prefix) and name_hi (see _upper).
    return and_(column >= bindparam(f"{name}_lo"), column < bindparam(f"{name}_hi"))


def _bounds(name: str, term: str) -> dict[str, str]:
    return {f"{name}_lo": term, f"{name}_hi": _upper(term)}


# The statements are built once per shape (number of words, …) and bound per search: building
# and compiling a statement costs more than SQLite takes to run it.
@lru_cache(maxsize=64)
def _sizes_statement(count: int) -> Any:
    table = KbTerm.__table__.c
    probes = []
    for i in range(count):
        probe = select(table.article_id).where(_in_range(table.term, f"t{i}")).limit(_WHOLE)
        probes.append(select(func.count()).select_from(probe.subquery()).scalar_subquery())
    return select(*probes)


def _sizes(session: Session, terms: list[str]) -> list[int]:
    # How many index rows each prefix covers, counted only up to _WHOLE (index-only range
    # reads that stop early, one statement): a common word costs no more than a rare one.
    bound: dict[str, str] = {}
    for i, term in enumerate(terms):
        bound |= _bounds(f"t{i}", term)
    return list(session.execute(_sizes_statement(len(terms)), bound).one())


def _candidates(rare: int, common: bool) -> Any:
    """The articles worth ranking (a CTE): all of the rare prefixes r0…, few of c.

    A rare prefix (fewer than _WHOLE rows) contributes all its articles, so every article
    matching all typed words is among them. When no prefix is rare, or the rare ones hold
    too few, the rarest common prefix adds its _CANDIDATES best-weighted articles.
    """
    table = KbTerm.__table__.c
    parts: list[Any] = [
        select(table.article_id).where(_in_range(table.term, f"r{i}")) for i in range(rare)
    ]
    if common:
        best = (
            select(table.article_id)
            .where(_in_range(table.term, "c"))
            .order_by(table.weight.desc(), table.article_id)
            .limit(_CANDIDATES)
            .subquery()
        )
        parts.append(select(best.c.article_id))
    # A CTE: every word's seek reads the same materialised list.
    return (union(*parts) if len(parts) > 1 else parts[0]).cte("candidates")


@lru_cache(maxsize=256)
def _rank_statement(terms: int, rare: int, common: bool) -> Any:
    # rare == -1: the candidates are bound as the expanding parameter "among".
    table = KbTerm.__table__.c
    if rare < 0:
        candidates: Any = bindparam("among", expanding=True)
    else:
        candidates = select(_candidates(rare, common).c.article_id)
    per_term = [
        select(table.article_id, func.max(table.weight).label("w"))
        .where(table.article_id.in_(candidates), _in_range(table.term, f"t{i}"))
        .group_by(table.article_id)
        for i in range(terms)
    ]
    both = union_all(*per_term).subquery() if terms > 1 else per_term[0].subquery()
    matched, score = func.count().label("m"), func.sum(both.c.w).label("s")
    return (
        select(both.c.article_id, matched, score)
        .group_by(both.c.article_id)
        .order_by(matched.desc(), score.desc(), both.c.article_id)
        .limit(bindparam("limit"))
    )


def rank(
    session: Session,
    terms: Iterable[str],
    limit: int,
    among: Collection[int] | None = None,
) -> list[tuple[int, int, int]]:
    """(article id, words matched, score) of the best articles for these prefixes, best first.

    An article's score for a prefix is the best weight among the stems it covers; more
    matched words beat higher weights. Only candidates are ranked (``among``, or those
    `_candidates` picks starting from the rarest prefix), each checked by an index seek per
    prefix on (article, term, weight); the database sums, orders and returns the best.
    """
    terms = list(terms)
    if not terms or (among is not None and not among):
        return []
    bound: dict[str, Any] = {"limit": limit}
    for i, term in enumerate(terms):
        bound |= _bounds(f"t{i}", term)
    if among is not None:
        bound["among"] = list(among)
        statement = _rank_statement(len(terms), -1, False)
    else:
        sizes = dict(zip(terms, _sizes(session, terms), strict=True))
        present = sorted((t for t in terms if sizes[t]), key=lambda t: sizes[t])
        rare = [t for t in present if sizes[t] < _WHOLE]
        common = [t for t in present if sizes[t] >= _WHOLE]
        use_common = bool(common) and sum(sizes[t] for t in rare) < limit
        if not rare and not use_common:
            return []
        for i, term in enumerate(rare):
            bound |= _bounds(f"r{i}", term)
        if use_common:
            bound |= _bounds("c", common[0])
        statement = _rank_statement(len(terms), len(rare), use_common)
    return [(a, int(m), int(s)) for a, m, s in session.execute(statement, bound)]


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


def open_complaint_keywords(session: Session, client_id: int) -> list[str]:
    """ "complaint" and the reasons' words while one of the client's complaints is open."""
    reasons = [row.reason for row in open_complaints(session, client_id)[:3]]
    return ["жалоба", "претензия", *reasons] if reasons else []


# Each source names words describing the client's situation now.
SITUATION_SOURCES: list[SituationSource] = [failed_delivery_keywords, open_complaint_keywords]


def situation_keywords(session: Session, client_id: int) -> list[str]:
    """Words describing the client's situation now (a failed delivery, …), from every source."""
    out: dict[str, None] = {}
    for source in SITUATION_SOURCES:
        for word in source(session, client_id):
            out[word] = None
    return list(out)
