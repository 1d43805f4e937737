"""dispatch-desk's command line and the --demo workspace started and stopped in-process."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.demo import DEMO_CLIENTS, DEMO_SIP_PORT, seed_demo_if_empty
from app.main import EXIT_CONFIG, Workspace, build_parser, load_app_settings, main
from app.workspace import open_database
from dispatcher.db import make_engine
from dispatcher.models import Client, Interaction
from tests.app.conftest import pj  # noqa: F401 (the pjsua2 fixture)
from tests.helpers.wait import wait_for_log_line

TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def own_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's real config, data and logs out of the tests."""
    monkeypatch.setenv("DISPATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DISPATCH_DESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


def free_udp_port() -> int:
    """A loopback port nobody listens on right now, over UDP and TCP (the engine takes both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue  # taken over TCP by another program: try another
                return port


def test_flags_override_the_configuration_file(tmp_path: Path) -> None:
    home = tmp_path / "desk"
    home.mkdir()
    (home / "config.toml").write_text(
        '[ui]\nlanguage = "ru"\noperator = "file-operator"\n[sync]\nurl = "http://file:1"\n',
        encoding="utf-8",
    )
    args = build_parser().parse_args(
        [
            "--data-dir",
            str(home),
            "--db",
            "sqlite:///other.sqlite3",
            "--sip-listen",
            "127.0.0.1:5077",
            "--sync-url",
            "http://sync.local:8080",
            "--lang",
            "en",
            "--operator",
            "Анна",
        ]
    )
    settings = load_app_settings(args)
    assert settings.db_url == "sqlite:///other.sqlite3"
    assert (settings.sip_listen_host, settings.sip_listen_port) == ("127.0.0.1", 5077)
    assert settings.sync_url == "http://sync.local:8080"
    assert settings.language == "en" and settings.operator == "Анна"
    assert not args.demo


def test_demo_uses_the_embedded_database_and_the_loopback_demo_port(tmp_path: Path) -> None:
    args = build_parser().parse_args(["--demo", "--data-dir", str(tmp_path / "d")])
    settings = load_app_settings(args)
    assert settings.db_url == f"sqlite:///{(tmp_path / 'd').resolve() / 'dispatch.sqlite3'}"
    assert (settings.sip_listen_host, settings.sip_listen_port) == ("127.0.0.1", DEMO_SIP_PORT)
    assert settings.null_audio and settings.operator


def test_a_bad_flag_value_exits_with_a_message_not_a_traceback(
    tmp_path: Path, qapp: QApplication, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--data-dir", str(tmp_path), "--sip-listen", "127.0.0.1:notaport"])
    assert code == EXIT_CONFIG
    err = capsys.readouterr().err
    assert err.startswith("dispatch-desk: ") and "Traceback" not in err


ACCOUNT, ACCOUNT_PASSWORD = "desk-admin", "desk admin password"


def with_account(data_dir: Path) -> None:
    """The embedded database of ``data_dir``, migrated, with one admin account."""
    from dispatcher.db import session_factory, unit_of_work
    from dispatcher.models import UserRole
    from dispatcher.users import add_user

    data_dir.mkdir(parents=True, exist_ok=True)
    engine = open_database(f"sqlite:///{data_dir.resolve() / 'dispatch.sqlite3'}")
    try:
        with unit_of_work(session_factory(engine)) as s:
            add_user(s, ACCOUNT, "Admin", UserRole.ADMIN, ACCOUNT_PASSWORD, actor=None)
    finally:
        engine.dispose()


@pytest.fixture
def start_workspace(qtbot: QtBot, pj: Any) -> Iterator[Any]:  # noqa: F811
    """``start_workspace(*flags)``: a Workspace started in-process; always stopped."""
    started: list[Workspace] = []

    def start(*flags: str) -> Workspace:
        args = build_parser().parse_args(list(flags))
        workspace = Workspace(args, load_app_settings(args))
        started.append(workspace)
        window = workspace.start()
        if window is None:  # not the demo: sign in as the account `with_account` made
            vm = workspace.session.sign_in_vm
            vm.set_login(ACCOUNT)
            vm.set_password(ACCOUNT_PASSWORD)
            with qtbot.waitSignal(workspace.session.signed_in, timeout=TIMEOUT_MS):
                vm.sign_in()
            window = workspace.window
        qtbot.addWidget(window)
        qtbot.waitExposed(window)
        return workspace

    yield start
    for workspace in started:
        workspace.stop()


def test_demo_starts_seeded_takes_a_test_call_and_stops_cleanly(
    qtbot: QtBot, start_workspace: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    port = free_udp_port()
    data = tmp_path / "demo"
    desk = start_workspace("--demo", "--data-dir", str(data), "--sip-listen", f"127.0.0.1:{port}")
    window = desk.window
    assert desk.engine is not None and desk.engine.bound_port == port
    assert window.sip_label.text() == f"SIP: listening on 127.0.0.1:{port}"
    # The demo signs its shift lead in by itself: no password, the lead's tools offered.
    assert window.caller_panel.lead
    assert desk.session.identity.actor.login == "demo"
    assert window.session_label.text() == "Демо Старший смены (shift lead)"
    engine = make_engine(f"sqlite:///{data.resolve() / 'dispatch.sqlite3'}")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Client)) == DEMO_CLIENTS
    assert desk.demo is not None and desk.demo.numbers

    # Demo → Place a test call (Ctrl+Shift+T): a real call from a second process pops.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    with qtbot.waitSignal(desk.intake.popped, timeout=TIMEOUT_MS) as popped:
        qtbot.keyClick(
            window,
            Qt.Key.Key_T,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert popped.args[0].status == "found" and popped.args[0].client_ids
    assert window.caller_panel.matches.topLevelItemCount() >= 1

    window.close()  # hangs up the test call, stops SIP, waits for the database
    assert desk.engine is not None and not desk.engine.running
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Interaction)) == 1
    engine.dispose()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_second_start_does_not_seed_again(start_workspace: Any, tmp_path: Path) -> None:
    data = str(tmp_path / "again")
    first = start_workspace("--demo", "--data-dir", data, "--sip-listen", "127.0.0.1:0")
    first.window.close()
    second = start_workspace("--demo", "--data-dir", data, "--sip-listen", "127.0.0.1:0")
    engine = make_engine(f"sqlite:///{Path(data).resolve() / 'dispatch.sqlite3'}")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Client)) == DEMO_CLIENTS
    engine.dispose()
    second.window.close()


@pytest.mark.expect_log("telephony.pjsip", "Address already in use")
@pytest.mark.expect_log("app.workspace", "SIP engine did not start")
def test_the_window_opens_when_the_sip_port_is_taken(start_workspace: Any, tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        port = squatter.getsockname()[1]
        desk = start_workspace(
            "--demo", "--data-dir", str(tmp_path / "taken"), "--sip-listen", f"127.0.0.1:{port}"
        )
        window = desk.window
        assert desk.engine is None
        assert window.isVisible()
        assert window.sip_label.text().startswith("SIP unavailable: ")
        # The phone commands say why instead of failing silently.
        window.intake.phone.answer(1)
        assert "not available" in window.statusBar().currentMessage()
        window.close()


def test_the_relay_runs_when_a_sync_url_is_configured_and_stops_first(
    qtbot: QtBot, start_workspace: Any, tmp_path: Path
) -> None:
    from tests.courier_sync.conftest import SyncService, issue_site_key, sqlite_service_db

    service = SyncService(sqlite_service_db(tmp_path), tmp_path / "sync.log")
    service.start()
    try:
        home = tmp_path / "synced"
        home.mkdir()
        key = issue_site_key(service.db_url)
        (home / "config.toml").write_text(f'[sync]\napi_key = "{key}"\n', encoding="utf-8")
        desk = start_workspace(
            "--demo",
            "--data-dir",
            str(home),
            "--sip-listen",
            "127.0.0.1:0",
            "--sync-url",
            service.url,
        )
        label = desk.window.relay_label
        qtbot.waitUntil(lambda: label.text().startswith("Sync: connected"), timeout=TIMEOUT_MS)
        desk.window.close()
        assert desk.relay is not None  # stopped by close(): the test would hang otherwise
    finally:
        service.stop()


def test_without_a_display_the_demo_runs_headless_and_stops_on_sigterm(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    data = tmp_path / "headless"
    port = free_udp_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "--demo",
            "--data-dir",
            str(data),
            "--sip-listen",
            f"127.0.0.1:{port}",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_log_line(process, data / "logs", "SIP engine up", timeout=60)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "no display here" in stderr
    assert f"screen pops are logged to {data / 'logs'}" in stderr
    assert "This plugin does not support" not in stderr
    assert "Traceback" not in stderr


@pytest.mark.expect_log("app.workspace", "Cannot switch to the database")
def test_settings_take_effect_without_a_restart(
    qtbot: QtBot, start_workspace: Any, tmp_path: Path
) -> None:
    from dataclasses import replace as changed

    port = free_udp_port()
    desk = start_workspace(
        "--demo", "--data-dir", str(tmp_path / "live"), "--sip-listen", f"127.0.0.1:{port}"
    )
    first_engine = desk.engine

    # A new SIP listen port: the line moves at once, and a real call reaches it there.
    new_port = free_udp_port()
    assert desk.apply_settings(changed(desk.settings, sip_listen_port=new_port)) == []
    assert desk.engine is not first_engine and desk.engine.bound_port == new_port
    assert desk.window.sip_label.text() == f"SIP: listening on 127.0.0.1:{new_port}"
    with qtbot.waitSignal(desk.intake.popped, timeout=TIMEOUT_MS) as popped:
        desk.demo.port = new_port
        desk.demo.place_call()
    assert popped.args[0].status == "found"

    # During a call the line is not pulled away: the change waits for the call to end
    # (the operator's name is also the line's display name); the name is used at once.
    assert desk.apply_settings(changed(desk.settings, operator="Смена 2")) == ["sip"]
    # The name is what SIP peers see; calls are still written as the signed-in login.
    assert desk.settings.operator == "Смена 2" and desk.intake.operator == "demo"
    moved = free_udp_port()
    assert desk.apply_settings(changed(desk.settings, sip_listen_port=moved)) == ["sip"]
    assert desk.engine.bound_port == new_port
    desk.demo.stop()  # the caller hangs up
    qtbot.waitUntil(
        lambda: desk.engine is not None and desk.engine.bound_port == moved, timeout=TIMEOUT_MS
    )

    # Another database: the next lookups read it; a database that cannot open changes nothing.
    other = tmp_path / "other.sqlite3"
    engine = open_database(f"sqlite:///{other}")
    seed_demo_if_empty(engine, clients=7)
    engine.dispose()
    assert desk.apply_settings(changed(desk.settings, db_url=f"sqlite:///{other}")) == []
    assert desk.worker.run_now(lambda s: s.scalar(select(func.count()).select_from(Client))) == 7
    broken = changed(desk.settings, db_url="postgresql://nobody@127.0.0.1:1/none")
    assert desk.apply_settings(broken) == ["database"]
    assert desk.settings.db_url == f"sqlite:///{other}"
    assert desk.worker.run_now(lambda s: s.scalar(select(func.count()).select_from(Client))) == 7
    # The dialog itself opens from the workspace, with the engine's sound devices listed.
    desk.open_settings()
    qtbot.waitUntil(desk.settings_dialog.isVisible)
    desk.settings_dialog.reject()


# Reported: closing while the first REGISTER to a silent registrar is in flight makes
# pjsip log "Object is busy" at ERROR (the engine re-registers/unregisters a busy account).
@pytest.mark.expect_log("telephony.pjsip", "Object is busy")
def test_the_sip_password_comes_from_the_keyring_not_the_file(
    start_workspace: Any, tmp_path: Path
) -> None:
    import keyring

    from app.settings import secret_key, to_engine_config
    from tests.app.test_settings import MemoryKeyring

    home = tmp_path / "pbx"
    home.mkdir()
    (home / "config.toml").write_text(
        '[sip]\nregistrar = "127.0.0.1:9"\nuser = "101"\n[audio]\nnull_audio = true\n',
        encoding="utf-8",
    )
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        with_account(home)
        desk = start_workspace("--data-dir", str(home), "--sip-listen", "127.0.0.1:0")
        backend.set_password("dispatch-desk", secret_key(desk.settings.sip), "s3cret")
        desk.window.close()
        desk = start_workspace("--data-dir", str(home), "--sip-listen", "127.0.0.1:0")
        assert to_engine_config(desk.settings).accounts[0].password == "s3cret"
        assert desk.engine is not None and desk.engine.config.accounts[0].password == "s3cret"
        assert "s3cret" not in (home / "config.toml").read_text(encoding="utf-8")
    finally:
        keyring.set_keyring(previous)


def test_an_admin_switches_the_sip_trace_on_without_a_restart(
    qtbot: QtBot, start_workspace: Any, tmp_path: Path
) -> None:
    from dataclasses import replace as changed

    from app.settings import load_settings, sip_trace_path

    home = tmp_path / "traced"
    desk = start_workspace("--demo", "--data-dir", str(home), "--sip-listen", "127.0.0.1:0")
    assert desk.apply_settings(changed(desk.settings, sip_trace=True)) == []
    trace = sip_trace_path(desk.settings)
    assert trace == home / "logs" / "sip-trace.log"
    with qtbot.waitSignal(desk.intake.popped, timeout=TIMEOUT_MS):
        desk.demo.port = desk.engine.bound_port
        desk.demo.place_call()
    qtbot.waitUntil(lambda: trace.exists() and "INVITE sip:" in trace.read_text(), timeout=5000)
    # The switch is a setting like any other: the file keeps it for the next start.
    from app.settings import save_settings

    save_settings(desk.settings, home / "config.toml")
    assert load_settings(home / "config.toml").sip_trace is True


def test_help_about_shows_the_database_and_its_schema(
    qtbot: QtBot, start_workspace: Any, tmp_path: Path
) -> None:
    from dispatcher.migrate import head_revision

    desk = start_workspace(
        "--demo", "--data-dir", str(tmp_path / "about"), "--sip-listen", "127.0.0.1:0"
    )
    desk.open_about()
    about = desk.about_dialog
    qtbot.waitUntil(lambda: about.schema_value.text() == head_revision(), timeout=TIMEOUT_MS)
    assert about.db_server_value.text().startswith("SQLite 3.")
    assert about.pjsip_value.text().startswith("2.") and about.qt_value.text().startswith("6.")
    about.close()
    desk.window.close()
