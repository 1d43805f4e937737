"""No command line ends in a traceback: `dispatch`, `courier-sync` and `python -m telephony`.

Hypothesis throws argv built from each CLI's real subcommands and option names plus junk
values at its main function, in this process. Whatever it is, the run ends with 0, 1 or 2
and says what was wrong in words. Nothing is served: the service and the SIP phone stop at
the point where they would bind (their arguments are checked before), and `seed-demo`
(which would fill the database for minutes with a big --clients) is left out.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings

from courier_sync import cli as sync_cli
from dispatcher.cli import commands as dispatch_cli
from telephony import cli as phone_cli
from tests.helpers.argv_fuzz import Outcome, argv_for, run_main

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _assert_clean(argv: list[str], outcome: Outcome) -> None:
    assert outcome.code in (0, 1, 2), (argv, outcome)
    assert "Traceback" not in outcome.stderr, (argv, outcome.stderr)


@pytest.fixture(scope="module")
def dispatch_db(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A throwaway migrated SQLite file every example may write to."""
    path = tmp_path_factory.mktemp("argv") / "dispatch.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return str(path)


@given(argv=argv_for(dispatch_cli.build_parser(), skip_commands=[("seed-demo",)]))
@EXAMPLES
def test_dispatch_never_ends_in_a_traceback(argv: list[str], dispatch_db: str) -> None:
    env = {"DISPATCH_PASSWORD": "wrong", "DISPATCH_NEW_PASSWORD": "Secret-123"}
    with mock.patch.dict(os.environ, env):
        outcome = run_main(dispatch_cli.main, [*argv, "--db", dispatch_db])
    _assert_clean(argv, outcome)


@pytest.fixture(scope="module")
def sync_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A throwaway SQLite file for the service's credentials."""
    return str(tmp_path_factory.mktemp("argv") / "sync.sqlite3")


@given(argv=argv_for(sync_cli._parser()))
@EXAMPLES
def test_courier_sync_never_ends_in_a_traceback(argv: list[str], sync_db: str) -> None:
    # Serving stops where uvicorn would bind, the relay where it would connect.
    with (
        mock.patch("uvicorn.run"),
        mock.patch("courier_sync.client.cli.run_relay", return_value=0),
    ):
        db = [] if argv[0] == "relay" else ["--db", sync_db]
        outcome = run_main(sync_cli.main, [*argv, *db])
    _assert_clean(argv, outcome)


@given(argv=argv_for(phone_cli.build_parser(), skip_options=("--help", "--crash-log", "--trace")))
@EXAMPLES
def test_telephony_never_ends_in_a_traceback(argv: list[str]) -> None:
    # The phone stops where pjsua2 would start (and take over stdout and faulthandler).
    with (
        mock.patch.object(phone_cli, "_listen", return_value=0),
        mock.patch.object(phone_cli, "_dial", return_value=0),
        mock.patch.object(phone_cli, "_claim_stdout"),
        mock.patch.object(phone_cli, "_install_crash_log", return_value=None),
    ):
        outcome = run_main(phone_cli.main, argv)
    _assert_clean(argv, outcome)


@pytest.mark.parametrize(
    ("main", "argv", "says"),
    [
        (sync_cli.main, ["token", "issue", "99999999999999999999"], "an id must be positive"),
        (sync_cli.main, ["serve", "--port", "99999"], "a port must be from 0 to 65535"),
        (sync_cli.main, ["pairing", "issue", "1", "--name", "я" * 300], "at most 200 characters"),
        (dispatch_cli.main, ["order", "show", "99999999999999999999"], "must be from"),
        (phone_cli.main, ["listen", "--port", "70000"], "a port must be from 0 to 65535"),
        (phone_cli.main, ["dial", "sip:a@b", "--from", "1", "--timeout", "nan"], "seconds must"),
    ],
)
def test_known_bad_values_are_one_line_and_exit_2(
    main: object, argv: list[str], says: str, tmp_path: Path
) -> None:
    db = [] if main is phone_cli.main else ["--db", str(tmp_path / "x.sqlite3")]
    outcome = run_main(main, [*argv, *db])  # type: ignore[arg-type]
    assert outcome.code == 2
    [message] = [line for line in outcome.stderr.splitlines() if "error:" in line]
    assert says in message and len(message) < 200
