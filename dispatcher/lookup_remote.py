"""The caller lookup on PostgreSQL in one round trip: one prepared statement, one answer.

Over a network each round trip costs more than the queries themselves (a pop-up must come
up within a millisecond), so on PostgreSQL everything the pop needs — the number's owners,
the clients they were merged into, their addresses, live orders and lines, and the
candidates for duplicates — comes from one statement returning one row of JSON arrays, in
the same column order as the statements `dispatcher.lookup` runs step by step on SQLite.

The statement is prepared once per connection (PREPARE travels with the first EXECUTE, in
the same message). It runs outside a transaction block when the session has not started
one (a single statement sees one snapshot anyway), which saves the BEGIN; the session's
ROLLBACK at the end then costs nothing either, since psycopg skips it on an idle connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dispatcher.models import ClientKind, OrderState

# The owners and the clients found from them ("ids": the merged-into client when there is
# one, else the owner), then what the pop shows of those clients and their duplicates.
_STATEMENT = f"""
WITH owners AS (
  SELECT phones.id AS phone_id, phones.client_id, phones.contact_id, phones.raw, clients.kind,
         clients.name, clients.name_key, clients.inn, clients.merged_into_id,
         contacts.name AS contact_name, contacts.role, clients.notes
  FROM phones JOIN clients ON clients.id = phones.client_id
  LEFT OUTER JOIN contacts ON contacts.id = phones.contact_id
  WHERE phones.e164 = $1
), targets AS (
  SELECT c.id, c.kind, c.name, c.name_key, c.inn, c.merged_into_id, c.notes FROM clients c
  WHERE c.id IN (SELECT merged_into_id FROM owners)
), ids AS (
  SELECT DISTINCT coalesce(t.id, o.client_id) AS id
  FROM owners o LEFT OUTER JOIN targets t ON t.id = o.merged_into_id
), companies AS (
  SELECT c.name_key, c.inn FROM clients c
  WHERE c.id IN (SELECT id FROM ids) AND c.kind = '{ClientKind.COMPANY.value}'
), addr AS (
  SELECT a.id, a.client_id, a.contact_id, a.text, a.entrance, a.floor, a.flat,
         a.courier_notes, a.address_key
  FROM addresses a WHERE a.client_id IN (SELECT id FROM ids)
), ord AS (
  SELECT o.id, o.client_id, o.state, o.created_at, o.delivery_date, o.window_start,
         o.window_end, o.courier_id, couriers.name AS courier_name, o.address_id,
         o.needs_reschedule, o.fail_reason, o.version, couriers.phone
  FROM orders o LEFT OUTER JOIN couriers ON couriers.id = o.courier_id
  WHERE o.client_id IN (SELECT id FROM ids)
    AND (o.state = '{OrderState.DELIVERY.value}'
         OR o.state = '{OrderState.INTEREST.value}' AND o.needs_reschedule IS true
         OR o.id IN (SELECT max(m.id) FROM orders m
                     WHERE m.client_id IN (SELECT id FROM ids) GROUP BY m.client_id))
), lines AS (
  SELECT l.id, l.order_id, p.code, p.name, l.qty, l.price_kop
  FROM order_lines l JOIN products p ON p.id = l.product_id
  WHERE l.order_id IN (SELECT id FROM ord)
), same_address AS (
  SELECT c.id, c.kind, c.name, c.name_key, c.inn
  FROM clients c JOIN addresses a ON a.client_id = c.id
  WHERE a.address_key IN (SELECT address_key FROM addr)
    AND c.id NOT IN (SELECT id FROM ids) AND c.merged_into_id IS NULL LIMIT 50
), same_company AS (
  -- Two index look-ups (by name, by INN) rather than one OR, which would scan the clients.
  SELECT c.id, c.kind, c.name, c.name_key, c.inn FROM (
    SELECT c.* FROM companies k JOIN clients c ON c.name_key = k.name_key
    WHERE k.name_key <> '' AND c.kind = '{ClientKind.COMPANY.value}'
    UNION
    SELECT c.* FROM companies k JOIN clients c ON c.inn = k.inn WHERE k.inn <> ''
  ) AS c
  WHERE c.id NOT IN (SELECT id FROM ids) AND c.merged_into_id IS NULL LIMIT 50
)
SELECT
  (SELECT json_agg(json_build_array(client_id, contact_id, raw, kind, name, name_key, inn,
          merged_into_id, contact_name, role, notes) ORDER BY phone_id) FROM owners),
  (SELECT json_agg(json_build_array(id, kind, name, name_key, inn, merged_into_id, notes))
     FROM targets),
  (SELECT json_agg(json_build_array(id, client_id, contact_id, text, entrance, floor, flat,
          courier_notes, address_key) ORDER BY id) FROM addr),
  (SELECT json_agg(json_build_array(id, client_id, state, created_at, delivery_date,
          window_start, window_end, courier_id, courier_name, address_id, needs_reschedule,
          fail_reason, version, phone) ORDER BY id) FROM ord),
  (SELECT json_agg(json_build_array(order_id, code, name, qty, price_kop) ORDER BY id)
     FROM lines),
  (SELECT json_agg(json_build_array(id, kind, name, name_key, inn)) FROM same_address),
  (SELECT json_agg(json_build_array(id, kind, name, name_key, inn)) FROM same_company)
"""
_NAME = "dispatch_lookup_all"
_PREPARE = f"PREPARE {_NAME}(text) AS {_STATEMENT}"
_EXECUTE = f"EXECUTE {_NAME}(%s)"
_PREPARED_KEY = "dispatch_lookup_all_prepared"


@dataclass(frozen=True, slots=True)
class Fetched:
    """The rows of one lookup, each list in the column order of `dispatcher.lookup`'s SQL."""

    owners: list[Any]
    targets: list[Any]
    addresses: list[Any]
    orders: list[Any]
    lines: list[Any]
    same_address: list[Any]
    same_company: list[Any]


def fetch(session: Session, e164: str) -> Fetched:
    """Everything the pop needs about ``e164``, in one round trip (and a reconnect when the
    connection turns out dead, as long as the session had done nothing on it yet)."""
    try:
        return _fetch_once(session, e164)
    except Exception as exc:
        if not _is_disconnect(exc) or not getattr(exc, "_dispatch_idle", False):
            raise
        # The server went away (restart, idle timeout, terminated backend): nothing of this
        # session was on that connection, so a new one answers the same question.
        session.connection().invalidate(exc)
        session.rollback()
        return _fetch_once(session, e164)


def _fetch_once(session: Session, e164: str) -> Fetched:
    import psycopg
    from psycopg.pq import TransactionStatus

    conn = session.connection()
    driver: Any = conn.connection.driver_connection
    prepared: bool = conn.connection.info.get(_PREPARED_KEY, False)
    # Without a transaction of its own the statement is its own snapshot: no BEGIN needed.
    idle = driver.info.transaction_status == TransactionStatus.IDLE
    try:
        if idle:
            driver.autocommit = True
        with psycopg.ClientCursor(driver) as cursor:
            # The EXECUTE's argument is bound as a literal by the client-side cursor, so the
            # PREPARE can travel in the same simple-query message.
            cursor.execute(_EXECUTE if prepared else f"{_PREPARE}; {_EXECUTE}", (e164,))
            if not prepared:
                conn.connection.info[_PREPARED_KEY] = True
                cursor.nextset()  # past the PREPARE's empty result
            row = cursor.fetchone()
    except Exception as exc:
        exc._dispatch_idle = idle  # type: ignore[attr-defined]
        raise
    finally:
        if idle and not driver.closed:
            driver.autocommit = False
    assert row is not None
    owners, targets, addresses, orders, lines, same_address, same_company = (
        value or [] for value in row
    )
    return Fetched(
        owners, targets, addresses, [_order(r) for r in orders], lines, same_address, same_company
    )


def _is_disconnect(exc: BaseException) -> bool:
    import psycopg

    return isinstance(exc, psycopg.OperationalError)


def _order(row: list[Any]) -> list[Any]:
    """An order row with its moment, day and window as Python values (JSON gives text)."""
    if row[3] is not None:
        row[3] = dt.datetime.fromisoformat(row[3]).astimezone(dt.UTC)
    if row[4] is not None:
        row[4] = dt.date.fromisoformat(row[4])
    for i in (5, 6):
        if row[i] is not None:
            row[i] = dt.time.fromisoformat(row[i])
    return row
