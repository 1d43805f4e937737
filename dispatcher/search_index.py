"""The word index behind search-as-you-type: every word of a client's names and addresses.

`search_terms` holds one row per (kind, word, client): the words of the client's name, of
the names of its contacts and of the clients merged into it (kind "name"), and of the
delivery addresses it owns, its contacts' included (kind "address"). Words are normalised
by `dispatcher.similarity` (lower case, ё as е, no punctuation, no legal forms, no "ул."
or "д."), so a typed word is found with a range of the primary key on SQLite and on
PostgreSQL alike. A client's rows are rebuilt as a whole (`index_client`) after every flush
that touches its name, contacts or addresses, by the after-flush hook this module registers
when imported (`dispatcher.db` imports it, so every unit of work keeps the index; the models
know nothing of it, which keeps the import one-way). Bulk loaders (`dispatcher.seed`,
migration 0005) write the same rows with `client_terms`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from dispatcher.models import Address, Client, Contact, SearchTerm
from dispatcher.similarity import address_words, name_label, name_words

logger = logging.getLogger(__name__)

NAME = "name"
ADDRESS = "address"
TermRow = tuple[str, str, str, int]  # (kind, term, label, client_id): the key order
_TABLE = SearchTerm.__table__
_BATCH = 500
_ROWS_PER_INSERT = 2000  # 8,000 parameters: well within both databases' limits


# Names and addresses repeat a lot (streets, first names): bulk loads tokenise each once.
@lru_cache(maxsize=1 << 16)
def _name_words(text: str) -> tuple[str, ...]:
    return tuple(name_words(text))


@lru_cache(maxsize=1 << 17)
def _address_words(text: str) -> tuple[str, ...]:
    return tuple(address_words(text))


_label = lru_cache(maxsize=1 << 16)(name_label)


def client_terms(
    client_id: int, name: str, other_names: Iterable[str], addresses: Iterable[str]
) -> list[TermRow]:
    """The index rows of one live client: its name and other names, then its addresses."""
    label = _label(name)
    rows: dict[TermRow, None] = {}
    for text in (name, *other_names):
        for word in _name_words(text):
            rows[(NAME, word, label, client_id)] = None
    for text in addresses:
        for word in _address_words(text):
            rows[(ADDRESS, word, label, client_id)] = None
    return list(rows)


def index_client(session: Session, client_id: int) -> None:
    """Rebuild the search words of one client (none when it was merged into another)."""
    index_clients(session.connection(), [client_id])


def index_clients(conn: Connection, client_ids: Iterable[int]) -> None:
    """Rebuild the search words of these clients, in batches, on the given connection."""
    ids = sorted(set(client_ids))
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        conn.execute(delete(_TABLE).where(_TABLE.c.client_id.in_(batch)))
        rows = [
            {"kind": k, "term": t, "label": lbl, "client_id": c}
            for k, t, lbl, c in terms_of_clients(conn, batch)
        ]
        # One multi-row INSERT, not executemany: psycopg may prepare statements for an
        # executemany, and a later rollback then drops the lookup's prepared statements.
        for first in range(0, len(rows), _ROWS_PER_INSERT):
            conn.execute(insert(_TABLE).values(rows[first : first + _ROWS_PER_INSERT]))


def terms_of_clients(conn: Connection, client_ids: list[int]) -> Iterator[TermRow]:
    """The index rows of these clients as the database holds them now."""
    live: dict[int, str] = {}
    for cid, name, merged_into in conn.execute(
        select(Client.id, Client.name, Client.merged_into_id).where(Client.id.in_(client_ids))
    ):
        if merged_into is None:
            live[cid] = name
    if not live:
        return
    ids = list(live)
    others: dict[int, list[str]] = defaultdict(list)
    # The kept client is still found by the names its duplicates were entered under.
    for cid, name in conn.execute(
        select(Client.merged_into_id, Client.name).where(Client.merged_into_id.in_(ids))
    ):
        others[cid].append(name)
    for cid, name in conn.execute(
        select(Contact.client_id, Contact.name).where(Contact.client_id.in_(ids))
    ):
        others[cid].append(name)
    addresses: dict[int, list[str]] = defaultdict(list)
    for cid, text in conn.execute(
        select(Address.client_id, Address.text).where(Address.client_id.in_(ids))
    ):
        addresses[cid].append(text)
    for cid, name in live.items():
        yield from client_terms(cid, name, others[cid], addresses[cid])


def _old_values(obj: Any, *attrs: str) -> set[Any] | None:
    """The replaced values of these attributes, or None when this flush changed none of them."""
    state = inspect(obj)
    old: set[Any] | None = None
    for attr in attrs:
        history = state.attrs[attr].history
        if history.has_changes():
            old = (old or set()) | set(history.deleted)
    return old


# What a flush must change for a row's client to need new words, and where the client is.
_WATCHED: dict[type, tuple[str, ...]] = {
    Client: ("name", "merged_into_id"),
    Contact: ("name", "client_id"),
    Address: ("text", "client_id"),
}


def reindex_flushed(session: Session) -> None:
    """After a flush: rebuild the words of the clients whose names or addresses it changed."""
    affected: set[Any] = set()
    dirty = session.dirty
    for obj in (*session.new, *session.deleted, *dirty):
        attrs = _WATCHED.get(type(obj))
        if attrs is None:
            continue
        if obj in dirty:
            old = _old_values(obj, *attrs)
            if old is None:
                continue
            affected.update(old)
        if isinstance(obj, Client):
            # A merge changes the kept client's words too (it takes the merged names).
            affected.update((obj.id, obj.merged_into_id))
        else:
            affected.add(obj.client_id)
    ids = [i for i in affected if isinstance(i, int)]
    if ids:
        index_clients(session.connection(), ids)


@event.listens_for(Session, "after_flush")
def _keep_search_index(session: Session, _context: Any) -> None:
    """Rebuild the search words of every client whose name, contacts or addresses changed."""
    reindex_flushed(session)


def backfill(conn: Connection, chunk: int = 20_000) -> int:
    """Fill an empty search_terms from the clients table; returns the number of rows.

    Clients are read in id ranges through the client_id indexes. On SQLite the rows go to a
    scratch table first and are copied over in key order (appending to the b-tree is much
    cheaper than inserting at random places); PostgreSQL takes them with COPY.
    """
    merged: dict[int, list[str]] = defaultdict(list)
    for cid, name in conn.execute(
        select(Client.merged_into_id, Client.name).where(Client.merged_into_id.is_not(None))
    ):
        merged[cid].append(name)
    top = conn.execute(select(Client.id).order_by(Client.id.desc()).limit(1)).scalar() or 0
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    else:
        conn.exec_driver_sql(
            "CREATE TEMP TABLE search_terms_load (kind TEXT, term TEXT, label TEXT, client_id INT)"
        )
    total = 0
    for low in range(1, top + 1, chunk):
        high = low + chunk
        others: dict[int, list[str]] = defaultdict(list)
        addresses: dict[int, list[str]] = defaultdict(list)
        for cid, name in conn.execute(
            select(Contact.client_id, Contact.name).where(
                Contact.client_id >= low, Contact.client_id < high
            )
        ):
            others[cid].append(name)
        for cid, text_ in conn.execute(
            select(Address.client_id, Address.text).where(
                Address.client_id >= low, Address.client_id < high
            )
        ):
            addresses[cid].append(text_)
        rows: list[TermRow] = []
        for cid, name in conn.execute(
            select(Client.id, Client.name).where(
                Client.id >= low, Client.id < high, Client.merged_into_id.is_(None)
            )
        ):
            rows += client_terms(cid, name, [*merged.get(cid, ()), *others[cid]], addresses[cid])
        total += len(rows)
        if postgres:
            with cursor.copy("COPY search_terms (kind, term, label, client_id) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif rows:
            conn.exec_driver_sql("INSERT INTO search_terms_load VALUES (?, ?, ?, ?)", rows)
    if not postgres:
        conn.exec_driver_sql(
            "INSERT INTO search_terms (kind, term, label, client_id)"
            " SELECT kind, term, label, client_id FROM search_terms_load"
            " ORDER BY kind, term, label, client_id"
        )
        conn.exec_driver_sql("DROP TABLE search_terms_load")
    logger.info("search index filled", extra={"rows": total})
    return total
