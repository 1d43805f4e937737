"""The `dispatch` runner signed in as an admin, and the catalogue the report worlds share."""

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.dispatcher.reports.worlds import Catalogue, make_catalogue
from tests.dispatcher.test_cli import dispatch  # noqa: F401  (the fixture)


@pytest.fixture
def catalogue(sessions: sessionmaker[Session]) -> Iterator[Catalogue]:
    """Products and couriers shared by the examples of one test."""
    yield make_catalogue(sessions)
