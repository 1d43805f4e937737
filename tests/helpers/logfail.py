"""Fail a test that logs an unexpected WARNING or ERROR (after qutebrowser's helpers/logfail.py).

Every record of level WARNING or above that reaches the root logger while a test runs (its
fixtures' setup and teardown included, from any thread) fails the test unless the test
declared it. A declaration names the logger (its children match too) and a piece of the
message (or of the logged exception); ``level`` narrows it to one level:

    @pytest.mark.expect_log("app.order_entry", "courier suggestion failed")
    def test_a_broken_suggestion_leaves_the_courier_empty(...): ...

    def test_...(expect_log: ExpectLog) -> None:
        expect_log("app.worker", "does not exist", level="ERROR")

Qt's own warnings are failed by pytest-qt (``qt_log_level_fail`` in pyproject.toml).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass

import pytest

# Loggers whose WARNINGs are not about our code and which no test can avoid provoking.
IGNORED_LOGGERS: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Expected:
    """A record a test provokes on purpose: logger (or a parent of it), text, level."""

    logger: str
    text: str = ""
    level: int | None = None  # None: WARNING and above

    def matches(self, record: logging.LogRecord) -> bool:
        """True when ``record`` is the one declared."""
        name_ok = (
            not self.logger
            or record.name == self.logger
            or record.name.startswith(self.logger + ".")
        )
        level_ok = self.level is None or record.levelno == self.level
        return name_ok and level_ok and self.text in _text(record)


def _text(record: logging.LogRecord) -> str:
    """The message, with the logged exception's type and text when there is one."""
    text = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        text += f" ({type(exc).__name__}: {exc})"
    return text


class LogFailHandler(logging.Handler):
    """Collects the WARNING-and-above records of one test, from whatever thread logs them."""

    def __init__(self) -> None:
        """A handler at WARNING with an empty list of records."""
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self.checked = 0
        self._records_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record for the check at the end of the phase."""
        with self._records_lock:
            self.records.append(record)

    def unchecked(self) -> list[logging.LogRecord]:
        """Records that arrived since the last call."""
        with self._records_lock:
            new = self.records[self.checked :]
            self.checked = len(self.records)
        return new


ExpectLog = Callable[..., None]

_handler_key = pytest.StashKey[LogFailHandler]()
_expected_key = pytest.StashKey[list[Expected]]()


def _level(level: int | str | None) -> int | None:
    if level is None or isinstance(level, int):
        return level
    return logging.getLevelNamesMapping()[level.upper()]


def _declared(item: pytest.Item) -> list[Expected]:
    found = item.stash.setdefault(_expected_key, [])
    marked = [
        Expected(*mark.args, **{**mark.kwargs, "level": _level(mark.kwargs.get("level"))})
        for mark in item.iter_markers("expect_log")
    ]
    return marked + found


# Records any test may meet through no fault of its own, each with why.
EXPECTED_EVERYWHERE: tuple[Expected, ...] = (
    # An engine on a random UDP port finds that port's TCP twin taken now and then (another
    # program's connection): pjsip logs the refused listener, the engine takes another port.
    Expected("telephony.pjsip", "Address already in use", logging.ERROR),
)


def _ignored(record: logging.LogRecord) -> bool:
    if any(e.matches(record) for e in EXPECTED_EVERYWHERE):
        return True
    return any(record.name == n or record.name.startswith(n + ".") for n in IGNORED_LOGGERS)


def _describe(record: logging.LogRecord) -> str:
    return f"{record.levelname} {record.name} [{record.threadName}]: {_text(record)}"


def _check(item: pytest.Item, phase: str) -> None:
    handler = item.stash.get(_handler_key, None)
    if handler is None:
        return
    expected = _declared(item)
    unexpected = [
        r
        for r in handler.unchecked()
        if not _ignored(r) and not any(e.matches(r) for e in expected)
    ]
    if unexpected:
        lines = "\n  ".join(_describe(r) for r in unexpected)
        pytest.fail(
            f"unexpected log records during {phase} (declare the ones provoked on purpose "
            f"with @pytest.mark.expect_log(logger, text)):\n  {lines}",
            pytrace=False,
        )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (the suite runs with --strict-markers)."""
    config.addinivalue_line(
        "markers",
        "expect_log(logger, text='', level=None): the test logs this WARNING/ERROR on purpose",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """Start collecting before the fixtures are set up."""
    handler = LogFailHandler()
    item.stash[_handler_key] = handler
    logging.getLogger().addHandler(handler)
    result = yield
    _check(item, "setup")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Fail the test on what it logged (a test that failed already keeps its own failure)."""
    result = yield
    _check(item, "the test")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """Check what the fixtures' teardown logged, then stop collecting."""
    try:
        result = yield
        _check(item, "teardown")
        return result
    finally:
        handler = item.stash.get(_handler_key, None)
        if handler is not None:
            logging.getLogger().removeHandler(handler)


@pytest.fixture
def expect_log(request: pytest.FixtureRequest) -> ExpectLog:
    """``expect_log(logger, text="", level=None)``: declare a record this test logs on purpose."""

    def declare(logger: str, text: str = "", level: int | str | None = None) -> None:
        request.node.stash.setdefault(_expected_key, []).append(
            Expected(logger, text, _level(level))
        )

    return declare
