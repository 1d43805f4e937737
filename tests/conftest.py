"""Fixtures that start real databases: an SQLite file and a throwaway PostgreSQL cluster."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from devtools.postgres import PG_URL_ENV, PostgresUnavailable, ThrowawayPostgres
from dispatcher.db import make_engine, session_factory
from dispatcher.migrate import upgrade

pytest_plugins = ["tests.helpers.logfail", "pytester"]

IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"]


def missing_component(message: str) -> None:
    """Fail under CI (a missing real component is a broken machine), skip elsewhere."""
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _throwaway_cluster() -> Iterator[ThrowawayPostgres]:
    """A started throwaway cluster, stopped after use (skipped or failed if none can start)."""
    try:
        cluster = ThrowawayPostgres()
        cluster.start()
    except (PostgresUnavailable, OSError, Exception) as exc:
        missing_component(f"PostgreSQL is not available: {exc}")
        return
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayPostgres | str]:
    """A real PostgreSQL server for the session: DISPATCH_TEST_PG_URL or a throwaway cluster."""
    given = os.environ.get(PG_URL_ENV)
    if given:
        yield given
        return
    yield from _throwaway_cluster()


@pytest.fixture
def own_cluster() -> Iterator[ThrowawayPostgres]:
    """A PostgreSQL cluster of this test alone: it is stopped and started again."""
    yield from _throwaway_cluster()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once, copied for each test (migrations are tested on it too)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(str(path))
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_cluster: ThrowawayPostgres | str) -> str:
    """A PostgreSQL database migrated once; tests get copies made from it as a template."""
    if isinstance(pg_cluster, str):
        engine = make_engine(pg_cluster)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
        engine.dispose()
        return pg_cluster
    url = pg_cluster.create_database("dispatch_template")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


_counter = iter(range(1_000_000))


def _fresh_pg(pg_cluster: ThrowawayPostgres | str, template_url: str) -> tuple[str, bool]:
    if isinstance(pg_cluster, str):
        # A given server: reuse its one database, rebuilt between tests.
        engine = make_engine(template_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
        engine.dispose()
        return template_url, False
    import psycopg

    name = f"dispatch_t{next(_counter)}"
    with psycopg.connect(pg_cluster.dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE dispatch_template')
    return pg_cluster.url(name), True


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a freshly migrated, empty database on each backend."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "dispatch.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    template_url = request.getfixturevalue("pg_template")
    url, created = _fresh_pg(cluster, template_url)
    yield url
    if created:
        import psycopg

        assert isinstance(cluster, ThrowawayPostgres)
        with psycopg.connect(cluster.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the fresh database, disposed after the test."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory services are driven with."""
    return session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One session for a test that commits explicitly."""
    with sessions() as s:
        yield s
