"""One run of everything that holds a secret, then every log it wrote is searched for them.

The workspace (offscreen) registers at a real Kamailio with a SIP password from the keyring
and with the SIP trace on; its relay talks to the real sync service with the site key; a
courier's phone pairs with a one-time code and uses its device token. Afterwards neither the
SIP password, nor the site key, nor the device token (nor the desk account's password) may
appear in the desk's log, crash log, SIP trace, the service's log, a captured log record or a repr.
This supersedes the per-package checks (telephony and courier_sync) that came before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
import requests
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.main import build_parser, load_app_settings
from app.settings import secret_key, sip_trace_path, to_engine_config
from courier_sync.client.relay import RelaySettings
from courier_sync.server import auth, pairing
from courier_sync.server.db import make_engine as make_service_engine
from devtools.kamailio import KamailioRegistrar
from dispatcher.db import unit_of_work
from dispatcher.models import CourierTask, TaskStatus, UserRole
from dispatcher.users import add_user
from tests.app.test_crash_handling import log_dir  # noqa: F401  (the fixture)
from tests.app.test_main import (  # noqa: F401  (own_dirs and start_workspace: fixtures)
    ACCOUNT,
    ACCOUNT_PASSWORD,
    own_dirs,
    start_workspace,
)
from tests.app.test_settings import MemoryKeyring
from tests.courier_sync.conftest import Phone, SyncService, deliver, sqlite_service_db
from tests.dispatcher.conftest import World
from tests.telephony.conftest_peers import OPERATOR, OPERATOR_PASSWORD, kamailio

__all__ = ["kamailio"]  # the fixture, imported for pytest to find it

pytestmark = pytest.mark.timeout(180)
TIMEOUT_MS = 20_000


@pytest.fixture
def service(tmp_path: Path) -> Iterator[SyncService]:
    running = SyncService(sqlite_service_db(tmp_path), tmp_path / "sync-service.log")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _written_files(*roots: Path) -> dict[str, str]:
    """Every file under `roots` (logs, rotated logs, crash logs, the trace) by its path."""
    found: dict[str, str] = {}
    for root in roots:
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            found[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    return found


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_no_secret_of_an_end_to_end_run_reaches_any_log(
    qtbot: QtBot,
    start_workspace: Any,  # noqa: F811  (the imported fixture)
    log_dir: Path,  # noqa: F811
    kamailio: KamailioRegistrar,
    service: SyncService,
    memory_keyring: MemoryKeyring,
    world: World,
    sessions: sessionmaker[Session],
    db_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)  # the desk's file log at its most talkative
    service_db = make_service_engine(service.db_url)
    site_key = auth.issue(service_db, auth.KIND_SITE, name="desk")
    home = tmp_path / "desk"
    home.mkdir()
    (home / "config.toml").write_text(
        f'[sip]\nregistrar = "{kamailio.domain}"\nuser = "{OPERATOR}"\n'
        f'domain = "{kamailio.domain}"\n[audio]\nnull_audio = true\n'
        f"[logging]\nsip_trace = true\n"
        f'[sync]\nurl = "{service.url}"\napi_key = "{site_key}"\n',
        encoding="utf-8",
    )
    flags = ["--data-dir", str(home), "--db", db_url, "--sip-listen", "127.0.0.1:0"]
    settings = load_app_settings(build_parser().parse_args(flags))
    memory_keyring.set_password("dispatch-desk", secret_key(settings.sip), OPERATOR_PASSWORD)
    with unit_of_work(sessions) as s:
        add_user(s, ACCOUNT, "Admin", UserRole.ADMIN, ACCOUNT_PASSWORD, actor=None)

    # The desk: signs in, registers with the password, sends tasks with the site key.
    desk = start_workspace(*flags)
    kamailio.wait_registered(OPERATOR, timeout=15)
    deliver(sessions, world, world.courier_a)
    desk.relay.wake()

    # The courier's phone: pairs with a one-time code, then works with its device token.
    code = pairing.issue_code(service_db, world.courier_a, 10).code
    paired = requests.post(f"{service.url}/api/v1/pair", json={"code": code}, timeout=10)
    assert paired.status_code == 200, paired.text
    phone = Phone(service.url, paired.json()["token"])
    qtbot.waitUntil(lambda: len(phone.tasks(world.tomorrow)) == 1, timeout=TIMEOUT_MS)
    [task] = phone.tasks(world.tomorrow)
    assert phone.post_event(task["task_id"], "accepted").status_code == 200

    def accepted() -> bool:
        with sessions() as s:
            return s.scalars(select(CourierTask)).one().status is TaskStatus.ACCEPTED

    qtbot.waitUntil(accepted, timeout=TIMEOUT_MS)
    trace = sip_trace_path(desk.settings)
    desk.stop()
    service.stop()  # its log is complete once it has exited
    service_db.dispose()

    secrets = {
        "SIP password": OPERATOR_PASSWORD,
        "site key": site_key,
        "device token": phone.token,
        "desk password": ACCOUNT_PASSWORD,
    }
    texts = _written_files(log_dir, home / "logs", trace, service.log_path)
    # What is searched holds the run: the desk's records, the REGISTERs, the service's output.
    assert "REGISTER" in texts[str(trace)] and texts[str(service.log_path)]
    assert any(p.endswith("dispatch-desk.log") and t for p, t in texts.items()), texts.keys()
    assert any(path.endswith("crash.log") for path in texts), texts.keys()
    texts["log records"] = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    texts["repr"] = " ".join(
        map(repr, (desk.settings, to_engine_config(desk.settings), RelaySettings("u", site_key)))
    )
    leaked = [
        (what, where)
        for what, value in secrets.items()
        for where, text in texts.items()
        if value in text
    ]
    assert leaked == []
