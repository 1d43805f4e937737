"""Texts of the planned-call reminders and the knowledge-base suggestions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from dispatcher.models import Direction
from dispatcher.moscow import MOSCOW
from dispatcher.operations.knowledge import Article, Suggestion
from dispatcher.operations.plans import Person, Plan


def reminder_line(plan: Plan, now: dt.datetime) -> str:
    """One due plan: "10:00  Иванова Мария — про кулер", overdue ones with the day and a mark."""
    due = plan.due_at.astimezone(MOSCOW)
    today = now.astimezone(MOSCOW).date()
    when = f"{due:%H:%M}" if due.date() == today else f"{due:%d.%m %H:%M}"
    line = f"{when}  {plan.client_name or plan.number} — {plan.subject}"
    if now - plan.due_at > dt.timedelta(minutes=15):
        line += "  " + QCoreApplication.translate("Plans", "(overdue)")
    return line


def reminder_title(count: int) -> str:
    """The reminder window's title."""
    if count == 1:
        return QCoreApplication.translate("Plans", "A planned call is due")
    return QCoreApplication.translate("Plans", "%n planned calls are due").replace("%n", str(count))


@dataclass(frozen=True, slots=True)
class SuggestionRow:
    """One suggested article as the knowledge panel lists it."""

    article_id: int
    title: str
    preview: str


def suggestion_rows(found: list[Suggestion]) -> list[SuggestionRow]:
    """The suggestions as rows: the question, and the answer's first line as a preview."""
    rows = []
    for suggestion in found:
        article = suggestion.article
        preview = article.answer.strip().splitlines()[0] if article.answer.strip() else ""
        if len(preview) > 90:
            preview = preview[:89] + "…"
        rows.append(SuggestionRow(article.id, article.question, preview))
    return rows


def article_html(article: Article) -> str:
    """An article in full, as rich text (the answer keeps its line breaks)."""
    from html import escape

    answer = "<br>".join(escape(line) for line in article.answer.splitlines())
    keywords = escape(article.keywords)
    tail = f"<p style='color:#666'>{keywords}</p>" if keywords else ""
    return f"<h3>{escape(article.question)}</h3><p>{answer}</p>{tail}"


def suggestions_hint(call_on: bool, count: int) -> str:
    """What the knowledge panel says above its list."""
    if not call_on:
        return QCoreApplication.translate("Plans", "Suggestions appear during a call.")
    if count == 0:
        return QCoreApplication.translate(
            "Plans", "No article fits yet: type the client's question in the search."
        )
    return QCoreApplication.translate("Plans", "Ctrl+I opens the first article.")


def person_choices(people: list[Person]) -> list[tuple[str, str]]:
    """(label, login) of the people a plan can be given to: "Ольга Петрова (olga)"."""
    return [(f"{p.name} ({p.login})" if p.name else p.login, p.login) for p in people]


def plan_from_call_label(number_label: str, direction: Direction) -> str:
    """What the plan dialog says about the call the plan follows from."""
    if direction is Direction.OUT:
        text = QCoreApplication.translate("Plans", "outgoing call to %1")
    else:
        text = QCoreApplication.translate("Plans", "incoming call from %1")
    return text.replace("%1", number_label)


def article_form_mode(article: Article | None) -> str:
    """What the articles window says above its form."""
    if article is None:
        return QCoreApplication.translate("Plans", "New article")
    return (
        QCoreApplication.translate("Plans", "Article #%1 (by %2)")
        .replace("%1", str(article.id))
        .replace("%2", article.updated_by)
    )
