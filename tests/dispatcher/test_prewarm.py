"""PostgreSQL's pages are pre-warmed with pg_prewarm, and a desk without the right goes on."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from dispatcher.db import make_engine
from dispatcher.prewarm import prewarm_database
from tests.dispatcher.conftest import World

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def test_pg_prewarm_loads_the_lookups_relations(engine: Engine, world: World) -> None:
    report = prewarm_database(engine)
    assert report.how == "pg_prewarm", report
    assert report.relations[0] == "ix_phones_e164" and "order_lines" in report.relations


@pytest.mark.expect_log("dispatcher.prewarm", "pg_prewarm is not available")
def test_without_the_right_to_create_the_extension_nothing_is_warmed(
    engine: Engine, world: World
) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP EXTENSION IF EXISTS pg_prewarm"))
        conn.execute(text("DROP ROLE IF EXISTS desk_user"))
        conn.execute(text("CREATE ROLE desk_user LOGIN"))
        conn.execute(text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO desk_user"))
    desk = make_engine(make_url(str(engine.url)).set(username="desk_user").render_as_string())
    try:
        report = prewarm_database(desk)
    finally:
        desk.dispose()
        with engine.begin() as conn:
            conn.execute(text("DROP OWNED BY desk_user"))
            conn.execute(text("DROP ROLE desk_user"))
    assert report.how == "skipped" and "pg_prewarm" in report.note
