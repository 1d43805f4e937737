"""`dispatch kb …`: the knowledge base operators read during calls (leads write it)."""

from __future__ import annotations

from dataclasses import asdict

from dispatcher.cli.base import Cli, Command, Subparsers
from dispatcher.db import unit_of_work
from dispatcher.operations import knowledge


def add_kb_parser(sub: Subparsers) -> None:
    """Add `kb` and its subcommands."""
    kb = sub.add_parser("kb", help="knowledge base").add_subparsers(dest="sub", required=True)
    ka = kb.add_parser("add", help="add an article (shift lead)")
    ka.add_argument("--question", required=True, metavar="TEXT")
    ka.add_argument("--answer", required=True, metavar="TEXT")
    ka.add_argument("--keywords", default="", metavar="TEXT")
    ke = kb.add_parser("edit", help="change an article (shift lead)")
    ke.add_argument("id", type=int, metavar="ID")
    ke.add_argument("--question", required=True, metavar="TEXT")
    ke.add_argument("--answer", required=True, metavar="TEXT")
    ke.add_argument("--keywords", default="", metavar="TEXT")
    ks = kb.add_parser("search", help="find articles (any word form, ё or е)")
    ks.add_argument("text", metavar="TEXT")
    ks.add_argument("--limit", type=int, default=10)


def run_kb(cli: Cli) -> int:
    """`dispatch kb add|edit|search`."""
    a = cli.args
    actor = cli.require_actor()
    with unit_of_work(cli.sessions) as s:
        if a.sub in ("add", "edit"):
            if a.sub == "add":
                article = knowledge.add_article(s, a.question, a.answer, a.keywords, actor=actor)
            else:
                article = knowledge.edit_article(
                    s, a.id, a.question, a.answer, a.keywords, actor=actor
                )
            cli.emit(asdict(article), f"Article #{article.id}: {article.question}")
            return 0
        found = knowledge.search_articles(s, a.text, limit=a.limit)
    rows = [{**asdict(f.article), "matched": f.matched, "score": f.score} for f in found]
    text = "\n".join(f"#{r['id']:<5} {r['question']}\n       {r['answer']}" for r in rows)
    cli.emit(rows, text or "Nothing found.")
    return 0


KB = Command("kb", add_kb_parser, run_kb)
