"""`python -m app.board_shots [DIR] --lang ru|en`: the shift lead's board as PNG files.

Seeds a demo database (the same day whatever the language), opens the real board window as
a shift lead on today and grabs it: ``board.png``, a normal day; then two couriers report
failed deliveries (one with the time the client proposed) and a courier is deactivated, and
``board-problems.png`` shows the queues. English files end in ``-en``. Run it on a real X
display (``QT_QPA_PLATFORM=xcb`` under Xvfb) for the README's pictures.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
logger = logging.getLogger("board_shots")


def _wait(app: Any, done: Callable[[], bool], timeout: float = 30.0) -> None:
    """Run the event loop until ``done()`` (then a moment more, for the paint)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit("board_shots: the board did not show the expected state")
        app.processEvents()
        time.sleep(0.02)
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    """Write the two pictures; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m app.board_shots")
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", default="ru", choices=("ru", "en"))
    parser.add_argument("--clients", type=int, default=3000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from PySide6.QtWidgets import QApplication

    from app.i18n import install_translator
    from app.pyside_fix import pin_bools

    pin_bools()
    app = QApplication.instance() or QApplication(["dispatch-desk"])
    install_translator(app, args.lang)
    with demo_sessions(args.clients) as sessions:
        _shoot(app, sessions, Path(args.out), args.lang)
    return 0


@contextmanager
def demo_sessions(clients: int) -> Iterator[Any]:
    """A throwaway SQLite demo database of ``clients`` clients (seeded the same every time)."""
    from dispatcher.db import make_engine, session_factory
    from dispatcher.demo.seeder import seed_demo
    from dispatcher.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="desk-shots-") as tmp:
        engine = make_engine(f"sqlite:///{tmp}/demo.sqlite3")
        upgrade(engine)
        seed_demo(engine, clients, seed=1)
        try:
            yield session_factory(engine)
        finally:
            engine.dispose()


def _shoot(app: Any, sessions: Any, out: Path, lang: str) -> None:
    from app.board import BoardViewModel
    from app.identity import Identity
    from app.widgets.board_window import BoardWindow
    from app.worker import DbWorker
    from dispatcher.db import unit_of_work
    from dispatcher.operations.couriers import deactivate_courier
    from dispatcher.operations.orders import fail
    from dispatcher.users import Actor, UserRole

    lead = Actor("lead", "Старший смены", UserRole.LEAD)
    courier = Actor("courier", "Экспедитор", UserRole.OPERATOR)
    suffix = "" if lang == "ru" else "-en"
    worker = DbWorker(sessions)
    vm = BoardViewModel(worker, Identity(lead), lambda _number: None)
    window = BoardWindow(vm)
    window.resize(1280, 800)
    window.show()
    _wait(app, lambda: vm.board is not None)
    out.mkdir(parents=True, exist_ok=True)
    _save(window, out / f"board{suffix}.png")

    board = vm.board
    assert board is not None
    open_ = [
        (column.courier_id, task.order_id)
        for column in board.columns
        for task in column.tasks
        if task.status in ("new", "sent", "accepted")
    ]
    firsts = list(dict(reversed(open_)).items())  # each courier's first open delivery
    reasons = ["Никого нет дома (courier proposes: после 19:00)", "Не открыли шлагбаум"]
    with unit_of_work(sessions) as s:
        for (_courier_id, order_id), reason in zip(firsts[1:3], reasons, strict=False):
            fail(s, order_id, reason=reason, actor=courier)
        if len(firsts) > 3:
            deactivate_courier(s, firsts[3][0], actor=lead)
    reads = vm.reads
    vm.refresh()
    _wait(app, lambda: vm.reads > reads)
    _save(window, out / f"board-problems{suffix}.png")
    window.close()
    worker.wait_idle()


def _save(window: Any, path: Path) -> None:
    if not window.grab().save(str(path)):
        raise SystemExit(f"board_shots: cannot write {path}")
    logger.info("wrote %s", path)


if __name__ == "__main__":
    raise SystemExit(main())
