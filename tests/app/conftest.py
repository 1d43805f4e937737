"""Workspace fixtures: offscreen Qt, a real SQLite database, a real SIP engine, real callers.

The SIP engine (one per test module: pjsua2 allows one Endpoint per process) reports to a
TelephonyBridge; callers are separate `python -m telephony dial` processes (tests/telephony
peers) calling it over loopback.
"""

from __future__ import annotations

import os

# Before anything imports Qt: no display on CI machines, and none needed.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.pyside_fix import pin_bools
from dispatcher.clients import AddressInput, NewClient, add_client
from dispatcher.db import unit_of_work
from dispatcher.models import Client, ClientKind, UserRole
from dispatcher.orders import LineInput, Slot, create_order, fail, send_to_delivery
from dispatcher.users import Actor
from tests.dispatcher.conftest import World, world  # noqa: F401 (the shared domain world)
from tests.helpers.wait import wait_until
from tests.telephony.conftest import require_pjsua2
from tests.telephony.peers import Peer, Peers

OPERATOR = "operator-1"
LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
PERSON_PHONE = "89161234567"  # as a caller's phone sends it; stored as +7 916 123-45-67
COMPANY_PHONE = "84951234567"
UNKNOWN_PHONE = "89037770011"
FAIL_REASON = "Client was not at home"


def desk_identity(actor: Actor | None = None) -> Any:
    """The desk's signed-in person for view models under test (an operator by default)."""
    from app.identity import Identity

    return Identity(actor or Actor(OPERATOR, "Оператор Ольга", UserRole.OPERATOR))


def pytest_configure(config: pytest.Config) -> None:
    """PySide6 6.12.0 drops a reference to True per signal emit: see app/pyside_fix.py."""
    pin_bools()


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated SQLite file (the workspace tests run on the embedded database)."""
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "dispatch.sqlite3"
    shutil.copyfile(template, path)
    yield f"sqlite:///{path}"


@dataclass(frozen=True)
class Desk:
    """The world plus what a call-centre day adds: a duplicate, live and failed deliveries."""

    world: World
    duplicate_id: int
    delivery_order_id: int  # the person's order with a courier now
    last_order_id: int  # the person's last order (the one Ctrl+R repeats)
    failed_order_id: int  # the company's failed delivery, waiting for a new slot


@pytest.fixture
def desk(world: World, sessions: sessionmaker[Session]) -> Desk:  # noqa: F811
    """The domain world with a same-phone duplicate, an active delivery and a failed one."""
    with unit_of_work(sessions) as s:
        duplicate = add_client(
            s,
            NewClient(
                ClientKind.PERSON,
                "Иванова Мария",
                phones=["+7 916 123-45-67"],
                addresses=[AddressInput("г. Москва, ул. Профсоюзная, д. 12, кв. 45")],
            ),
        )
        slot = Slot(world.courier_a, world.tomorrow, dt.time(10), dt.time(14))
        live = create_order(s, world.person_id, [LineInput("W19", 2)], actor=OPERATOR)
        send_to_delivery(s, live.id, slot, actor=OPERATOR)
        last = create_order(
            s, world.person_id, [LineInput("W19", 3), LineInput("PUMP", 1)], actor=OPERATOR
        )
        office = s.get(Client, world.company_id).addresses[0]  # type: ignore[union-attr]
        failed = create_order(
            s, world.company_id, [LineInput("W19", 5)], actor=OPERATOR, address_id=office.id
        )
        send_to_delivery(s, failed.id, slot, actor=OPERATOR)
        fail(s, failed.id, reason=FAIL_REASON, actor="courier")
        s.flush()
        return Desk(world, duplicate.id, live.id, last.id, failed.id)


@pytest.fixture(scope="module")
def pj() -> Any:
    """pjsua2 (skips the module when missing, fails under CI)."""
    return require_pjsua2()


@pytest.fixture(scope="module")
def bridge(qapp: Any, pj: Any) -> Any:
    """The module's TelephonyBridge (a GUI-thread QObject), the SIP engine's listener."""
    from app.bridge import TelephonyBridge

    return TelephonyBridge()


@pytest.fixture(scope="module")
def sip_engine(bridge: Any) -> Iterator[Any]:
    """A real SIP engine on a free loopback port, null audio, reporting to the bridge."""
    from telephony.config import EngineConfig
    from telephony.engine import SipEngine

    engine = SipEngine(EngineConfig(udp_port=0, null_audio=True), bridge)
    engine.start()
    yield engine
    engine.stop()


@pytest.fixture
def sip(sip_engine: Any) -> Iterator[Any]:
    """The module's engine; no call outlives a test."""
    yield sip_engine
    for call_id in sip_engine.active_calls():
        try:
            sip_engine.hangup(call_id)
        except Exception:  # it may end by itself meanwhile
            continue
    wait_until(lambda: sip_engine.active_calls() == [], 10, what="a call outlived its test")


@pytest.fixture
def peers(tmp_path: Path) -> Iterator[Peers]:
    """Caller processes; all stopped after the test."""
    started = Peers(tmp_path)
    yield started
    started.close()


Caller = Callable[..., Peer]


@pytest.fixture
def call_in(sip: Any, peers: Peers) -> Caller:
    """``call_in(number, *extra)``: a second process calls the engine from ``number``."""

    def dial(number: str, *extra: str) -> Peer:
        uri = f"sip:operator@127.0.0.1:{sip.bound_port}"
        return peers.dial(uri, number, *(extra or ("--hangup-after", "60", "--timeout", "60")))

    return dial


@pytest.fixture
def worker(sessions: sessionmaker[Session], qapp: Any) -> Iterator[Any]:
    """A DbWorker on the test database; idle before the database goes away."""
    from app.worker import DbWorker

    db_worker = DbWorker(sessions)
    yield db_worker
    db_worker.wait_idle()


@pytest.fixture
def phone(sip: Any, qapp: Any) -> Iterator[Any]:
    """A PhoneLine on the engine."""
    from app.bridge import PhoneLine

    line = PhoneLine(sip)
    yield line
    line.wait_idle()


@pytest.fixture
def intake(worker: Any, phone: Any, bridge: Any, qtbot: Any) -> Iterator[Any]:
    """An IntakeViewModel listening to the bridge (disconnected after the test)."""
    from app.intake import IntakeViewModel

    vm = IntakeViewModel(worker, phone, identity=desk_identity())
    bridge.incoming_call.connect(vm.on_incoming_call)
    bridge.call_state_changed.connect(vm.on_call_state_changed)
    yield vm
    bridge.incoming_call.disconnect(vm.on_incoming_call)
    bridge.call_state_changed.disconnect(vm.on_call_state_changed)
    phone.wait_idle()
    worker.wait_idle()
