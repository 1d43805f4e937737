"""The knowledge base's operations: leads add and edit articles, everyone searches them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import knowledge
from dispatcher.errors import NotFoundError, ValidationError
from dispatcher.models import KbArticle, UserRole, utcnow
from dispatcher.users import Actor, require_role

SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class Article:
    """One article as the desk and `dispatch kb` show it."""

    id: int
    question: str
    answer: str
    keywords: str
    updated_by: str
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An article found for a text: how many of the typed words it matched, and its score."""

    article: Article
    matched: int
    score: int


def _article(row: KbArticle) -> Article:
    return Article(row.id, row.question, row.answer, row.keywords, row.updated_by, row.updated_at)


def _clean(question: str, answer: str, keywords: str) -> tuple[str, str, str]:
    question, answer, keywords = question.strip(), answer.strip(), keywords.strip()
    if not question:
        raise ValidationError.of("An article needs a question.")
    if not answer:
        raise ValidationError.of("An article needs an answer.")
    if len(question) > 500 or len(keywords) > 500:
        raise ValidationError.of("A question and its keywords fit in 500 characters each.")
    return question, answer, keywords


def add_article(
    session: Session, question: str, answer: str, keywords: str = "", *, actor: Actor
) -> Article:
    """A new article (shift leads and admins)."""
    require_role(actor, UserRole.LEAD, action="add knowledge-base articles")
    question, answer, keywords = _clean(question, answer, keywords)
    row = KbArticle(question=question, answer=answer, keywords=keywords, updated_by=actor.login)
    session.add(row)
    session.flush()
    knowledge.index_article(session.connection(), row.id, question, answer, keywords)
    return _article(row)


def edit_article(
    session: Session,
    article_id: int,
    question: str,
    answer: str,
    keywords: str = "",
    *,
    actor: Actor,
) -> Article:
    """Change an article's question, answer and keywords (shift leads and admins)."""
    require_role(actor, UserRole.LEAD, action="edit knowledge-base articles")
    row = session.get(KbArticle, article_id)
    if row is None:
        raise NotFoundError.of("Article #{article_id} does not exist.", article_id=article_id)
    row.question, row.answer, row.keywords = _clean(question, answer, keywords)
    row.updated_by, row.updated_at = actor.login, utcnow()
    session.flush()
    knowledge.index_article(session.connection(), row.id, row.question, row.answer, row.keywords)
    return _article(row)


def _found(session: Session, ranked: list[tuple[int, int, int]]) -> list[Suggestion]:
    if not ranked:
        return []
    rows = {
        r.id: r
        for r in session.scalars(
            select(KbArticle).where(KbArticle.id.in_([a for a, _, _ in ranked]))
        )
    }
    return [Suggestion(_article(rows[a]), m, s) for a, m, s in ranked if a in rows]


def search_articles(session: Session, text: str, limit: int = 10) -> list[Suggestion]:
    """The articles that answer ``text`` best: word forms and ё/е do not matter."""
    return _found(session, knowledge.rank(session, knowledge.query_terms(text), limit))


def suggest_articles(
    session: Session, typed: str, client_id: int | None, limit: int = SUGGESTIONS
) -> list[Suggestion]:
    """Articles for a call: what the operator typed first, then the client's situation.

    Typed words decide the order; the situation's words (a failed delivery, …) add to the
    score, and alone they still suggest something before anything is typed.
    """
    typed_terms = knowledge.query_terms(typed)
    situation = knowledge.situation_keywords(session, client_id) if client_id else []
    extra = [t for t in knowledge.query_terms(" ".join(situation)) if t not in typed_terms]
    if typed_terms:
        typed_rank = knowledge.rank(session, typed_terms, limit * 4)
        # The situation's words only reorder what the typed words found: rank them among those.
        among = [a for a, _, _ in typed_rank]
        bonus = {a: s for a, _, s in knowledge.rank(session, extra, len(among), among)}
        ranked = sorted(typed_rank, key=lambda r: (-r[1], -(r[2] + bonus.get(r[0], 0)), r[0]))
        return _found(session, ranked[:limit])
    return _found(session, knowledge.rank(session, extra, limit)) if extra else []


def recent_articles(session: Session, limit: int = 100) -> list[Article]:
    """The articles changed last, newest first (the articles window before a search)."""
    rows = session.scalars(
        select(KbArticle).order_by(KbArticle.updated_at.desc(), KbArticle.id.desc()).limit(limit)
    )
    return [_article(row) for row in rows]
