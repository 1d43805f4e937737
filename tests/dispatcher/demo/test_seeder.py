"""The demo seeder: counts, phone normalization, live deliveries, duplicates, determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

import pytest
from sqlalchemy import Engine, text

from dispatcher.clients import inn_is_valid
from dispatcher.db import session_factory
from dispatcher.demo import SeedReport, seed_demo, written_forms
from dispatcher.demo import fork as fork_module
from dispatcher.demo.sink import COLUMNS
from dispatcher.errors import ValidationError
from dispatcher.lookup import DuplicateReason, LookupStatus, lookup
from dispatcher.phones import to_e164
from dispatcher.similarity import address_key, name_key

TODAY = dt.date(2026, 11, 23)
CLIENTS = 500


@pytest.fixture
def seeded(engine: Engine) -> SeedReport:
    """A database seeded with a few hundred clients."""
    return seed_demo(engine, clients=CLIENTS, seed=3, today=TODAY)


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_report_counts_what_is_in_the_database(engine: Engine, seeded: SeedReport) -> None:
    assert seeded.clients == CLIENTS
    for table, field in [
        ("clients", "clients"),
        ("contacts", "contacts"),
        ("phones", "phones"),
        ("addresses", "addresses"),
        ("orders", "orders"),
        ("order_lines", "order_lines"),
        ("couriers", "couriers"),
        ("products", "products"),
    ]:
        assert _count(engine, f"SELECT count(*) FROM {table}") == getattr(seeded, field), table
    assert seeded.companies == _count(engine, "SELECT count(*) FROM clients WHERE kind = 'company'")
    assert 0.08 * CLIENTS < seeded.companies < 0.25 * CLIENTS
    assert 2.1 < seeded.phones / seeded.clients < 2.9
    assert seeded.couriers == 5
    assert seeded.duplicates >= 1
    assert seeded.orders == 2 * CLIENTS
    assert seeded.sample_numbers
    assert _count(engine, "SELECT count(*) FROM products WHERE code IN ('W19', 'W5', 'PUMP')") == 3


def test_phones_are_stored_normalized_as_the_lookup_normalizes_them(
    engine: Engine, seeded: SeedReport
) -> None:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT raw, e164, kind FROM phones ORDER BY id")).all()
    forms = Counter()
    for raw, e164, kind in rows:
        assert to_e164(raw) == e164, raw
        assert kind == ("landline" if e164.startswith(("+7495", "+7499")) else "mobile")
        forms[raw[:2]] += 1
    # Mixed written forms, not one canonical spelling.
    assert len(forms) >= 5
    for number in seeded.sample_numbers:
        assert to_e164(number) is not None
    assert all(to_e164(form) == "+79161234567" for form in written_forms("+79161234567"))


def test_keys_and_inns_match_the_domain_rules(engine: Engine, seeded: SeedReport) -> None:
    with engine.connect() as conn:
        clients = conn.execute(text("SELECT kind, name, name_key, inn FROM clients")).all()
        addresses = conn.execute(text("SELECT text, flat, address_key FROM addresses")).all()
    for kind, name, key, inn in clients:
        assert key == name_key(name)
        if kind == "company":
            assert inn is not None and inn_is_valid(inn), (name, inn)
            assert len(inn) == (12 if name.startswith("ИП ") else 10)
        else:
            assert inn is None
            # Гендерное согласование: Иванова Мария Петровна, Иванов Иван Петрович.
            words = name.split()
            patronymic = [w for w in words if w.endswith(("вич", "вна", "ична", "Ильич"))]
            if patronymic and words[0].endswith(("ов", "ев", "ёв", "ин")):
                assert patronymic[0].endswith(("вич", "Ильич"))
            if patronymic and words[0].endswith(("ова", "ева", "ёва", "ина")):
                assert patronymic[0].endswith(("вна", "ична"))
    for text_, flat, key in addresses:
        assert key == address_key(text_, flat)
        assert text_.startswith("г. Москва, ")


def test_every_delivery_has_one_live_task_and_one_outbox_message(
    engine: Engine, seeded: SeedReport
) -> None:
    with engine.connect() as conn:
        deliveries = conn.execute(
            text("SELECT id, delivery_date FROM orders WHERE state = 'delivery'")
        ).all()
        tasks = conn.execute(
            text(
                "SELECT order_id, uid, status FROM courier_tasks"
                " WHERE status IN ('new', 'sent', 'accepted')"
            )
        ).all()
        messages = conn.execute(text("SELECT topic, key FROM outbox")).all()
        rescheduled = conn.execute(
            text(
                "SELECT count(*) FROM orders WHERE state = 'interest' AND needs_reschedule"
                " AND fail_reason <> ''"
            )
        ).scalar_one()
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM orders o WHERE NOT EXISTS"
                " (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.action = 'create')"
            )
        ).scalar_one()
    assert len(deliveries) >= 6
    assert {str(d) for _, d in deliveries} == {str(TODAY), str(TODAY + dt.timedelta(days=1))}
    assert Counter(order_id for order_id, _, _ in tasks) == Counter(o for o, _ in deliveries)
    by_uid = Counter(key for topic, key in messages if topic == "task.upsert")
    assert all(by_uid[uid] == 1 for _, uid, _ in tasks)
    assert len(messages) == len(tasks)
    assert rescheduled >= 1
    assert orphans == 0


def test_outbox_payload_matches_the_task_it_announces(engine: Engine, seeded: SeedReport) -> None:
    import json

    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.uid, t.order_id, t.courier_id, t.amount_kop, t.items, m.payload,"
                " c.name FROM courier_tasks t JOIN outbox m ON m.key = t.uid"
                " JOIN orders o ON o.id = t.order_id JOIN clients c ON c.id = o.client_id"
            )
        ).all()
    assert rows
    for uid, order_id, courier_id, amount, items, payload, client_name in rows:
        data = payload if isinstance(payload, dict) else json.loads(payload)
        items = items if isinstance(items, list) else json.loads(items)
        assert data["task_id"] == uid
        assert (data["order_id"], data["courier_id"]) == (order_id, courier_id)
        assert data["amount_kop"] == amount
        assert data["items"] == items
        assert data["client_name"] == client_name
        assert data["contact_phones"]


def test_seeded_duplicates_are_found_by_the_lookup(engine: Engine, seeded: SeedReport) -> None:
    with engine.connect() as conn:
        # The second record of a person entered twice shares the address key and flat.
        pairs = conn.execute(
            text(
                "SELECT min(p.raw), count(DISTINCT a.client_id) FROM addresses a"
                " JOIN phones p ON p.client_id = a.client_id AND p.contact_id IS NULL"
                " WHERE a.contact_id IS NULL GROUP BY a.address_key"
                " HAVING count(DISTINCT a.client_id) > 1"
            )
        ).all()
        shared = conn.execute(
            text("SELECT min(raw) FROM phones GROUP BY e164 HAVING count(DISTINCT client_id) > 1")
        ).all()
    assert pairs and shared
    sessions = session_factory(engine)
    with sessions() as s:
        found = [lookup(s, raw) for raw, _ in pairs]
        assert any(
            g.reason in (DuplicateReason.SIMILAR_NAME, DuplicateReason.SAME_PHONE)
            for r in found
            for g in r.duplicate_groups
        )
        for (raw,) in shared:
            result = lookup(s, raw)
            assert result.status is LookupStatus.FOUND
            assert any(g.reason is DuplicateReason.SAME_PHONE for g in result.duplicate_groups)
        duplicate = lookup(s, seeded.sample_numbers[-2])
        assert duplicate.status is LookupStatus.FOUND
        assert duplicate.duplicate_groups


def test_seeding_a_database_with_clients_is_refused(engine: Engine, seeded: SeedReport) -> None:
    with pytest.raises(ValidationError) as err:
        seed_demo(engine, clients=10, seed=3, today=TODAY)
    assert str(err.value) == (
        "The database already has clients: seed-demo only fills an empty database."
    )
    assert _count(engine, "SELECT count(*) FROM clients") == CLIENTS


def _fingerprint(engine: Engine) -> dict[str, str]:
    out = {}
    with engine.connect() as conn:
        for table, columns in COLUMNS.items():
            cols = ", ".join(f'"{c}"' for c in columns)
            # search_terms has no id: its rows are ordered by all their columns.
            order = "id" if "id" in columns else cols
            rows = conn.execute(text(f"SELECT {cols} FROM {table} ORDER BY {order}")).all()
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def test_same_seed_gives_the_same_data(engine: Engine, tmp_path: object) -> None:
    from dispatcher.db import make_engine
    from dispatcher.migrate import upgrade

    first = seed_demo(engine, clients=200, seed=11, today=TODAY)
    other = make_engine(f"sqlite:///{tmp_path}/other.sqlite3")
    try:
        upgrade(other)
        second = seed_demo(other, clients=200, seed=11, today=TODAY)
        assert first.sample_numbers == second.sample_numbers
        if engine.dialect.name == "sqlite":
            assert _fingerprint(engine) == _fingerprint(other)
        else:
            # Timestamps and booleans read back as other types; compare what both store alike.
            with engine.connect() as a, other.connect() as b:
                sql = text("SELECT id, name, name_key, inn FROM clients ORDER BY id")
                assert a.execute(sql).all() == b.execute(sql).all()
                sql = text("SELECT id, client_id, e164, raw FROM phones ORDER BY id")
                assert a.execute(sql).all() == b.execute(sql).all()
    finally:
        other.dispose()


def test_forked_history_writes_the_same_rows(
    engine: Engine, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dispatcher.db import make_engine
    from dispatcher.migrate import upgrade

    if not fork_module.fork_is_safe():
        pytest.skip("this platform seeds in one process")
    monkeypatch.setattr(fork_module, "PARALLEL_MIN_CLIENTS", 0)
    forked = seed_demo(engine, clients=300, seed=5, today=TODAY)
    monkeypatch.setattr(fork_module, "PARALLEL_MIN_CLIENTS", 10**9)
    other = make_engine(f"sqlite:///{tmp_path}/inproc.sqlite3")
    try:
        upgrade(other)
        single = seed_demo(other, clients=300, seed=5, today=TODAY)
        assert (forked.orders, forked.order_lines) == (single.orders, single.order_lines)
        if engine.dialect.name == "sqlite":
            assert _fingerprint(engine) == _fingerprint(other)
        with engine.connect() as a, other.connect() as b:
            sql = text(
                "SELECT id, client_id, address_id, state, collected_kop FROM orders ORDER BY id"
            )
            assert a.execute(sql).all() == b.execute(sql).all()
    finally:
        other.dispose()


def test_sqlite_is_left_with_its_durability_settings(engine: Engine, seeded: SeedReport) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        indexes = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%'"
        ).scalar()
    assert indexes and indexes >= 20


def test_postgres_sequences_continue_after_the_seeded_ids(
    engine: Engine, seeded: SeedReport
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL sequences")
    with engine.begin() as conn:
        new_id = conn.execute(
            text(
                "INSERT INTO couriers (name, phone, active, capacity)"
                " VALUES ('Новый', '', true, 40) RETURNING id"
            )
        ).scalar_one()
        indexes = conn.execute(
            text("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'ix_%'")
        ).scalar_one()
    assert new_id == seeded.couriers + 1
    assert indexes >= 20


def test_a_small_demo_reports_what_it_seeded(engine: Engine) -> None:
    # Its speed is bench/lookup's seeding figure, not a timed test on a shared machine.
    report = seed_demo(engine, clients=300, seed=1, today=TODAY)
    assert report.clients == 300
    assert report.seconds > 0


def test_lookup_answers_the_same_across_sessions_and_rollbacks(
    engine: Engine, seeded: SeedReport
) -> None:
    # The lookup keeps prepared statements on PostgreSQL connections; they must survive
    # the rollback that ends every session and other work done on the same connection.
    from dispatcher.phones import parse_phone

    sessions = session_factory(engine)
    numbers = [*seeded.sample_numbers, "+7 999 000-00-00", "8 (800) 555-35-35"]
    with sessions() as s:
        first = [lookup(s, n) for n in numbers]
    with sessions() as s:
        for _ in range(8):
            s.execute(text("SELECT count(*) FROM clients WHERE id = :id"), {"id": 1}).all()
        s.rollback()
        assert [lookup(s, n) for n in numbers] == first
    for _ in range(3):
        with sessions() as s:
            assert [lookup(s, n) for n in numbers] == first
    for number, result in zip(numbers, first, strict=True):
        assert result.display == parse_phone(number).display()


def test_a_seed_keeps_giving_the_demo_database_it_gave(engine: Engine) -> None:
    # Benchmark results and bug reports quote what a seed produced: the same seed must keep
    # producing it on both backends, whatever the code inside the seeder becomes.
    report = seed_demo(engine, clients=200, seed=11, today=TODAY)
    assert (
        report.companies,
        report.contacts,
        report.phones,
        report.addresses,
        report.orders,
        report.order_lines,
        report.couriers,
        report.duplicates,
    ) == (33, 56, 480, 232, 400, 470, 5, 2)
    assert report.sample_numbers == [
        "89110051004",
        "7 (915) 636 99 74",
        "9160445337",
        "8-495-527-86-27",
        "8 (910) 779-70-68",
        "8-926-777-83-32",
        "9267778332",
        "9661255436",
    ]


def test_the_demo_database_has_a_shift_lead_who_signs_in(
    engine: Engine, seeded: SeedReport
) -> None:
    from dispatcher.demo.accounts import DEMO_LOGIN, DEMO_PASSWORD, ensure_demo_lead
    from dispatcher.models import UserRole
    from dispatcher.users import authenticate

    with session_factory(engine)() as s:
        actor = authenticate(s, DEMO_LOGIN, DEMO_PASSWORD)
        assert (actor.login, actor.role) == (DEMO_LOGIN, UserRole.LEAD)
        # A second call (the workspace's first run) finds the account, never adds another.
        assert ensure_demo_lead(s) == actor


def test_the_demo_has_sample_complaints_one_overdue(engine: Engine, seeded: SeedReport) -> None:
    from dispatcher.complaints import overdue

    with session_factory(engine)() as s:
        assert _count(engine, "SELECT count(*) FROM complaints") == 3
        waiting = overdue(s, dt.datetime.now(dt.UTC))
        assert [c.reason for c in waiting.complaints] == ["Опоздание курьера"]
        assert [c.reason for c in waiting.reviews] == []  # its review is due tomorrow
        assert _count(engine, "SELECT count(*) FROM complaint_threads") == 1


def test_the_demo_knowledge_base_answers_the_usual_questions(
    engine: Engine, seeded: SeedReport
) -> None:
    from dispatcher.operations.knowledge import search_articles

    with session_factory(engine)() as s:
        for typed, expected in (
            ("когда привезут", "Сроки доставки"),
            ("залог за бутыли", "Залог за бутыль"),
            ("почистить кулер", "Как почистить кулер"),
            ("перенести доставку", "Доставка не состоялась"),
            ("оплата по счету", "Оплата по счёту"),
        ):
            found = search_articles(s, typed)
            assert found and expected in found[0].article.question, typed


def test_seeded_report_rollups_match_the_orders_and_keep_up_with_a_close(
    engine: Engine, seeded: SeedReport
) -> None:
    closed_sum = (
        "SELECT coalesce(sum(l.qty * l.price_kop), 0) FROM order_lines l"
        " JOIN order_events e ON e.order_id = l.order_id AND e.action = 'close'"
    )
    rolled_sum = "SELECT coalesce(sum(sum_kop), 0) FROM report_day_lines"
    closed = "SELECT count(*) FROM order_events WHERE action = 'close'"
    assert _count(engine, closed) > 0
    assert _count(engine, rolled_sum) == _count(engine, closed_sum)
    assert _count(engine, "SELECT sum(orders) FROM report_day_orders") == _count(engine, closed)

    # The triggers are back: a delivery the courier closes now counts at once.
    from dispatcher import orders

    with session_factory(engine)() as s, s.begin():
        order_id = s.execute(
            text("SELECT id FROM orders WHERE state = 'delivery' LIMIT 1")
        ).scalar()
        orders.close(s, order_id, actor="courier", collected_kop=0)
    assert _count(engine, rolled_sum) == _count(engine, closed_sum)
    assert _count(engine, "SELECT sum(orders) FROM report_day_orders") == _count(engine, closed)
