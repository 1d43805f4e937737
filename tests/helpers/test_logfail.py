"""The log check itself: unexpected warnings fail, declared ones pass, wherever they come from."""

from __future__ import annotations

import pytest

INNER = """
import logging
import threading

import pytest

log = logging.getLogger("inner.module")


def test_quiet():
    log.info("only information")


def test_unexpected_warning():
    log.warning("the disk is on fire")


def test_unexpected_error_from_another_thread():
    t = threading.Thread(target=lambda: log.error("worker died"))
    t.start()
    t.join()


@pytest.mark.expect_log("inner", "on fire")
def test_declared_by_marker():
    log.warning("the disk is on fire")


def test_declared_by_fixture(expect_log):
    expect_log("inner.module", "boom", level="ERROR")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("job failed")


@pytest.mark.expect_log("inner", "on fire", level="ERROR")
def test_declared_level_is_exact():
    log.warning("the disk is on fire")


@pytest.fixture
def noisy():
    yield
    log.warning("teardown complained")


def test_teardown_warning_is_an_error(noisy):
    pass
"""


# In-process: the outer check sees the inner tests' records too, hence the declaration.
@pytest.mark.expect_log("inner")
def test_unexpected_records_fail_and_declared_ones_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_inprocess("-p", "tests.helpers.logfail", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, failed=3, errors=1)
    result.stdout.fnmatch_lines(["*unexpected log records during teardown*"])
    result.stdout.fnmatch_lines(["*WARNING inner.module [[]MainThread[]]: the disk is on fire*"])
    result.stdout.fnmatch_lines(["*ERROR inner.module [[]Thread-*: worker died*"])
