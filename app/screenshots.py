"""`python -m app.screenshots [DIR]`: the workspace's main states as PNG files.

Runs the real workspace on the offscreen Qt platform over a freshly seeded demo database,
places real SIP calls into it with `python -m telephony dial`, and grabs the window:
a known caller, a number shared by duplicate clients, the new-client form for an unknown
number, and the order form after "repeat last order". `make screenshots` runs it into
docs/screenshots/.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
UNKNOWN_NUMBER = "+74959990011"
logger = logging.getLogger("screenshots")


def _wait(app: Any, done: Callable[[], bool], timeout: float = 15.0) -> None:
    """Run the event loop until ``done()`` or the timeout (then fail loudly)."""
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit("screenshots: the workspace did not reach the expected state")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _settle(app: Any, seconds: float = 0.4) -> None:
    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _numbers(session: Any) -> tuple[str, str]:
    """A known client's number with a delivery under way, and a number on several clients."""
    from dispatcher.demo.status import sample_numbers
    from dispatcher.models import Client, Phone

    known = sample_numbers(session, 1)[0]
    shared = session.execute(
        select(Phone.e164)
        .join(Client, Client.id == Phone.client_id)
        .where(Client.merged_into_id.is_(None))
        .group_by(Phone.e164)
        .having(func.count(func.distinct(Phone.client_id)) > 1)
        .limit(1)
    ).scalar()
    return known, shared or known


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m app.screenshots")
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", default="ru", choices=("ru", "en"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from PySide6.QtWidgets import QApplication

    from app.demo import DemoCaller
    from app.i18n import install_translator
    from app.main import Workspace, build_parser, load_app_settings
    from app.pyside_fix import pin_bools

    pin_bools()
    app = QApplication.instance() or QApplication(["dispatch-desk"])
    install_translator(app, args.lang)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as data_dir:
        cli = build_parser().parse_args(
            ["--demo", "--data-dir", data_dir, "--sip-listen", "127.0.0.1:0", "--lang", args.lang]
        )
        workspace = Workspace(cli, load_app_settings(cli))
        window = workspace.start()
        window.resize(1366, 800)
        calls = DemoCaller(workspace.engine.bound_port)
        intake = workspace.intake
        try:
            known, shared = workspace.worker.run_now(_numbers)

            def pop(number: str) -> None:
                before = intake.last_pop
                calls.call(number, ring_only=True)
                _wait(app, lambda: intake.last_pop is not before)
                _settle(app)

            def shoot(name: str) -> None:
                path = out / name
                window.grab().save(str(path))
                logger.info("wrote %s", path)

            pop(known)
            shoot("workspace-known-caller.png")

            client_id = intake.last_pop.client_ids[0]
            intake.confirm_client(client_id, None)
            vm = workspace.order_vm
            _wait(app, lambda: getattr(vm, "client_id", None) == client_id and not vm.busy)
            vm.repeat_last()
            _wait(app, lambda: not vm.busy and bool(vm.lines))
            _settle(app, 0.8)
            shoot("workspace-order-form.png")
            vm.clear()  # the operator would have sent it; the next caller starts empty
            calls.stop()
            _settle(app, 1.0)

            pop(shared)
            shoot("workspace-duplicates.png")
            calls.stop()
            _settle(app, 1.0)

            pop(UNKNOWN_NUMBER)
            form_vm = workspace.new_client_vm
            form_vm.set_name("Смирнова Ольга Петровна")
            form_vm.set_address(0, text="г. Москва, ул. Профсоюзная, д. 12", flat="45")
            _settle(app, 0.8)
            shoot("workspace-new-client.png")
        finally:
            calls.stop()
            workspace.stop()
            window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
