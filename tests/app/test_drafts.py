"""Drafts survive a database that fails mid-work: real SQLite files, a real lock, a restart.

The failure is what operators meet on the embedded database: another process (a backup, the
``dispatch`` CLI, a second workspace) holds the write lock. Reads still work (WAL), so the
form loads; the write times out. The worker runs over an engine with a short busy timeout so
the test does not wait the production 10 s.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.drafts import NEW_CLIENT, ORDER, DraftStore
from app.new_client import NewClientViewModel
from app.order_entry import OrderEntryViewModel
from app.widgets.new_client_form import NewClientForm
from app.widgets.order_panel import OrderPanel
from app.worker import DbWorker
from dispatcher import outbox
from dispatcher.db import make_engine, session_factory
from dispatcher.models import Client, CourierTask, Order, OrderState, OutboxMessage
from tests.app.conftest import desk_identity
from tests.app.keys import type_text
from tests.dispatcher.conftest import World
from tests.dispatcher.conftest import world as world_fixture  # noqa: F401 (registers `world`)

BUSY_MS = 200


@pytest.fixture
def db_path(sqlite_template: Path, tmp_path: Path) -> Path:
    """The SQLite file the workspace works on."""
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
def db_url(db_path: Path) -> str:
    """SQLite only: the lock is the failure under test."""
    return f"sqlite:///{db_path}"


@pytest.fixture
def impatient_engine(db_url: str) -> Iterator[Engine]:
    """The app's engine (WAL, pragmas) but giving up on a locked file after 200 ms."""
    engine = make_engine(db_url)

    def short_busy(dbapi_conn: Any, _record: Any) -> None:
        # Runs after make_engine's own connect hook, which sets the 10 s production value.
        dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")

    event.listen(engine, "connect", short_busy)
    yield engine
    engine.dispose()


@pytest.fixture
def worker(impatient_engine: Engine, qtbot: QtBot) -> Iterator[DbWorker]:
    """The DbWorker the view models save through."""
    w = DbWorker(session_factory(impatient_engine))
    yield w
    w.wait_idle()


@pytest.fixture
def drafts_dir(tmp_path: Path) -> Path:
    """Where the workspace keeps drafts (``data_dir / "drafts"`` in the app)."""
    return tmp_path / "data" / "drafts"


class WriteLock:
    """Another process's exclusive transaction on the database file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None

    def take(self) -> None:
        """BEGIN EXCLUSIVE on a second connection: nobody else can write now."""
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=5)
        self.conn.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        """End the other transaction: the database takes writes again."""
        if self.conn is not None:
            self.conn.execute("ROLLBACK")
            self.conn.close()
            self.conn = None


@pytest.fixture
def lock(db_path: Path) -> Iterator[WriteLock]:
    """A write lock the test takes and releases (released at the end in any case)."""
    held = WriteLock(db_path)
    yield held
    held.release()


def count(sessions: sessionmaker[Session], model: type, *where: object) -> int:
    """Rows of ``model`` matching ``where``."""
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def settle(qtbot: QtBot, vm: OrderEntryViewModel) -> None:
    """Wait until the view model's jobs came back."""
    qtbot.waitUntil(lambda: not vm.busy, timeout=5000)


def draft_file(directory: Path, kind: str) -> dict[str, Any]:
    """The draft as written on disk."""
    return json.loads((directory / f"{kind}.json").read_text(encoding="utf-8"))


def make_panel(worker: DbWorker, drafts_dir: Path, qtbot: QtBot) -> OrderPanel:
    """A workspace's order panel with its own DraftStore on ``drafts_dir``, shown."""
    vm = OrderEntryViewModel(worker, identity=desk_identity(), drafts=DraftStore(drafts_dir))
    panel = OrderPanel(vm)
    qtbot.addWidget(panel)
    with qtbot.waitActive(panel):
        panel.show()
        panel.activateWindow()
    return panel


def press_send(qtbot: QtBot, panel: OrderPanel) -> None:
    """Ctrl+Return on the Send button, as the operator retries."""
    panel.send_button.setFocus()
    qtbot.keyClick(panel.send_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def type_order(qtbot: QtBot, panel: OrderPanel, world: World) -> None:
    """Two bottles of water with courier B tomorrow, and a comment."""
    vm = panel.vm
    vm.load_client(world.person_id)
    settle(qtbot, vm)
    vm.add_line("W19", 2)
    vm.set_courier(world.courier_b)
    vm.set_date(world.tomorrow)
    vm.set_window(dt.time(9), dt.time(12))
    panel.comment.setFocus()
    type_text(panel.comment, "Домофон 45")
    settle(qtbot, vm)


@pytest.mark.expect_log("app.worker", "database is locked")
def test_a_send_into_a_locked_database_keeps_the_order_and_goes_out_once_later(
    worker: DbWorker,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
    lock: WriteLock,
    drafts_dir: Path,
) -> None:
    panel = make_panel(worker, drafts_dir, qtbot)
    vm = panel.vm
    type_order(qtbot, panel, world)

    lock.take()
    with qtbot.waitSignal(vm.error, timeout=5000) as failed:
        press_send(qtbot, panel)
    assert failed.args[0] == (
        "Not saved: the database could not be written (details are in the log). Your input "
        "is kept and saved on this computer; press Ctrl+Return to try again."
    )
    # Everything typed is still in the widgets, and the panel says what happened.
    assert panel.error_label.text() == failed.args[0] and panel.error_label.isVisible()
    assert panel.lines_table.rowCount() == 1 and panel.lines_table.item(0, 1).text() == "2"
    assert panel.courier.currentData() == world.courier_b
    assert panel.comment.text() == "Домофон 45"
    assert panel.send_button.isEnabled(), "the operator can try again at once"
    # ... and on disk.
    saved = draft_file(drafts_dir, ORDER)["data"]
    assert saved["client_id"] == world.person_id
    assert saved["lines"] == [{"code": "W19", "name": "Вода 19 л", "qty": 2}]
    assert (saved["courier_id"], saved["date"]) == (world.courier_b, world.tomorrow.isoformat())
    assert (saved["window_start"], saved["window_end"]) == ("09:00", "12:00")
    assert saved["comment"] == "Домофон 45"
    assert count(sessions, Order) == 0, "the one-job send rolled back as a whole"

    # What the operator adds while the draft is pending is kept on disk too.
    type_text(panel.comment, ", код 12")
    assert draft_file(drafts_dir, ORDER)["data"]["comment"] == "Домофон 45, код 12"

    # Still locked: a second try fails the same way and writes nothing.
    with qtbot.waitSignal(vm.error, timeout=5000):
        press_send(qtbot, panel)
    assert count(sessions, Order) == 0

    lock.release()
    with qtbot.waitSignal(vm.sent, timeout=5000) as sent:
        press_send(qtbot, panel)
    settle(qtbot, vm)
    order_id = sent.args[0]
    assert count(sessions, Order) == 1
    assert count(sessions, CourierTask) == 1
    assert count(sessions, OutboxMessage, OutboxMessage.topic == outbox.TOPIC_TASK_UPSERT) == 1
    assert count(sessions, OutboxMessage) == 1
    with sessions() as s:
        order = s.get(Order, order_id)
        assert order is not None and order.state is OrderState.DELIVERY
        assert order.comment == "Домофон 45, код 12"
    assert not (drafts_dir / "order.json").exists(), "a written order leaves no draft"
    assert not vm.draft_pending
    assert panel.error_label.text() == ""


@pytest.mark.expect_log("app.worker", "database is locked")
def test_a_restart_restores_the_unsaved_order_and_sends_it_once(
    worker: DbWorker,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
    lock: WriteLock,
    drafts_dir: Path,
) -> None:
    first = make_panel(worker, drafts_dir, qtbot)
    type_order(qtbot, first, world)
    lock.take()
    with qtbot.waitSignal(first.vm.error, timeout=5000):
        press_send(qtbot, first)
    first.close()  # the workspace is closed (or crashed) with the order unsaved
    lock.release()

    panel = make_panel(worker, drafts_dir, qtbot)
    vm = panel.vm
    assert vm.restore_draft()
    settle(qtbot, vm)
    assert vm.client_id == world.person_id
    assert [(line.code, line.qty) for line in vm.lines] == [("W19", 2)]
    assert (vm.courier_id, vm.date, vm.window) == (
        world.courier_b,
        world.tomorrow,
        (dt.time(9), dt.time(12)),
    )
    assert panel.comment.text() == "Домофон 45"
    assert panel.restored_banner.isVisible()
    assert panel.restored_banner.text().startswith("An unsaved order from ")
    assert panel.restored_banner.text().endswith(" was restored.")

    with qtbot.waitSignal(vm.sent, timeout=5000):
        press_send(qtbot, panel)
    settle(qtbot, vm)
    assert (count(sessions, Order), count(sessions, CourierTask)) == (1, 1)
    assert count(sessions, OutboxMessage) == 1
    assert not (drafts_dir / "order.json").exists()
    assert not panel.restored_banner.isVisible()

    again = OrderEntryViewModel(worker, identity=desk_identity(), drafts=DraftStore(drafts_dir))
    assert not again.restore_draft(), "nothing is restored twice"


@pytest.mark.expect_log("app.worker", "database is locked")
def test_without_a_draft_store_the_input_still_stays_on_screen(
    worker: DbWorker, world: World, qtbot: QtBot, sessions: sessionmaker[Session], lock: WriteLock
) -> None:
    vm = OrderEntryViewModel(worker, identity=desk_identity())  # how existing callers build it
    vm.load_client(world.person_id)
    settle(qtbot, vm)
    vm.add_line("PUMP")
    lock.take()
    with qtbot.waitSignal(vm.error, timeout=5000) as failed:
        vm.send_to_delivery()
    assert failed.args[0].endswith("Your input is kept; press Ctrl+Return to try again.")
    assert [line.code for line in vm.lines] == ["PUMP"]
    assert not vm.draft_pending


def type_client(qtbot: QtBot, form: NewClientForm) -> None:
    """A private client with two numbers and an address with a flat, typed into the form."""
    form.vm.start("8 (903) 765-43-21")
    form.focus_first()
    type_text(form.name, "Орлов Иван")
    form.phones.clear()
    type_text(form.phones, "8 (903) 765-43-21; +7 495 222-33-44")
    box = form.address_boxes[0]
    type_text(box.text, "ул. Лесная, д. 5")
    type_text(box.flat, "12")
    qtbot.waitUntil(lambda: not form.vm.checking, timeout=5000)


def make_form(worker: DbWorker, drafts_dir: Path, qtbot: QtBot) -> NewClientForm:
    """A new-client form with its own DraftStore on ``drafts_dir``, shown."""
    form = NewClientForm(
        NewClientViewModel(worker, identity=desk_identity(), drafts=DraftStore(drafts_dir))
    )
    qtbot.addWidget(form)
    with qtbot.waitActive(form):
        form.show()
        form.activateWindow()
    return form


@pytest.mark.expect_log("app.worker", "database is locked")
def test_a_client_saved_into_a_locked_database_is_kept_and_saved_once_later(
    worker: DbWorker,
    world: World,
    qtbot: QtBot,
    sessions: sessionmaker[Session],
    lock: WriteLock,
    drafts_dir: Path,
) -> None:
    form = make_form(worker, drafts_dir, qtbot)
    vm = form.vm
    type_client(qtbot, form)
    before = count(sessions, Client)

    lock.take()
    with qtbot.waitSignal(vm.error, timeout=5000) as failed:
        qtbot.keyClick(form.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert failed.args[0].startswith("Not saved: the database could not be written")
    assert "saved on this computer; press Ctrl+Return to try again." in failed.args[0]
    assert form.error_label.text() == failed.args[0]
    assert form.name.text() == "Орлов Иван"
    assert form.phones.text() == "8 (903) 765-43-21; +7 495 222-33-44"
    assert (form.address_boxes[0].text.text(), form.address_boxes[0].flat.text()) == (
        "ул. Лесная, д. 5",
        "12",
    )
    assert form.save_button.isEnabled()
    saved = draft_file(drafts_dir, NEW_CLIENT)["data"]
    assert saved["name"] == "Орлов Иван"
    assert saved["phones"] == ["8 (903) 765-43-21; +7 495 222-33-44"]
    assert saved["addresses"][0]["text"] == "ул. Лесная, д. 5"
    assert saved["addresses"][0]["flat"] == "12"

    # A restart meanwhile would bring it all back, with a banner.
    restarted = make_form(worker, drafts_dir, qtbot)
    assert restarted.vm.restore_draft()
    assert restarted.name.text() == "Орлов Иван"
    assert restarted.address_boxes[0].flat.text() == "12"
    assert restarted.restored_banner.isVisible()
    assert restarted.restored_banner.text().startswith("An unsaved client from ")
    restarted.close()

    lock.release()
    with qtbot.waitSignal(vm.created, timeout=5000) as created:
        qtbot.keyClick(form.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert count(sessions, Client) == before + 1
    assert count(sessions, Client, Client.name == "Орлов Иван") == 1
    assert created.args[0] > 0
    assert not (drafts_dir / "new_client.json").exists()
    assert form.error_label.text() == ""


@pytest.mark.expect_log("app.worker", "Connection refused")
def test_the_new_client_draft_is_kept_when_postgresql_is_down(
    qtbot: QtBot, drafts_dir: Path
) -> None:
    # Nothing listens on port 9 of this machine: what an operator sees when the server is off.
    engine = make_engine("postgresql://dispatch@127.0.0.1:9/dispatch", pool_pre_ping=False)
    worker = DbWorker(session_factory(engine))
    vm = NewClientViewModel(worker, identity=desk_identity(), drafts=DraftStore(drafts_dir))
    vm.start("+7 903 765-43-21")
    vm.set_name("Орлов Иван")
    vm.set_address(0, text="ул. Лесная, д. 5")
    with qtbot.waitSignal(vm.error, timeout=10_000) as failed:
        vm.save()
    worker.wait_idle()
    engine.dispose()
    assert failed.args[0].startswith("Not saved: the database could not be written")
    assert (vm.name, vm.addresses[0].text) == ("Орлов Иван", "ул. Лесная, д. 5")
    assert draft_file(drafts_dir, NEW_CLIENT)["data"]["name"] == "Орлов Иван"


@pytest.mark.expect_log("app.drafts", "cannot be read; moved aside")
def test_the_store_writes_atomically_and_sets_unreadable_files_aside(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    assert store.load(ORDER) is None
    from app.order_entry import OrderDraft

    assert store.save(ORDER, OrderDraft(client_id=7, lines=[{"code": "W19", "qty": 1}]))
    loaded = store.load(ORDER)
    assert loaded is not None and loaded.data["client_id"] == 7
    assert loaded.saved_at.tzinfo is not None
    assert [p.name for p in (tmp_path / "drafts").iterdir()] == ["order.json"], "no temp left"
    store.clear(ORDER)
    assert not store.exists(ORDER)

    store.path(NEW_CLIENT).write_text("{ half a fi", encoding="utf-8")
    assert store.load(NEW_CLIENT) is None
    assert (tmp_path / "drafts" / "new_client.unreadable").exists(), "kept for the admin"


def test_kept_draft_follows_edits_after_a_failed_save_until_saved(tmp_path: Path) -> None:
    from dataclasses import dataclass as plain

    from app.drafts import KeptDraft

    @plain(frozen=True)
    class Typed:
        name: str

    store = DraftStore(tmp_path)
    typed = {"name": "Орлов"}
    kept = KeptDraft(store, NEW_CLIENT, lambda: Typed(typed["name"]))
    kept.keep()
    assert not store.exists(NEW_CLIENT)  # nothing failed yet: nothing goes to disk
    assert kept.save_failed() and kept.pending
    typed["name"] = "Орлов Иван"
    kept.keep()
    loaded = kept.load()
    assert loaded is not None and loaded.data == {"name": "Орлов Иван"}
    kept.saved()
    assert not store.exists(NEW_CLIENT) and not kept.pending
    assert not KeptDraft(None, ORDER, lambda: Typed("x")).save_failed()  # no store: screen only
