"""The `dispatch` runner signed in as an admin, for the report command tests."""

from tests.dispatcher.test_cli import dispatch  # noqa: F401  (the fixture)
