"""The portal queue in the workspace: its window, its count on the Shift menu, kept fresh."""

from __future__ import annotations

from collections.abc import Callable

from app.change_watcher import ChangeWatcher
from app.identity import Identity
from app.portal_presenter import badge_text
from app.portal_queue import PortalQueueViewModel
from app.widgets.main_window import MainWindow
from app.widgets.portal_window import PortalQueueWindow
from app.worker import DbWorker


def wire_portal(
    window: MainWindow,
    worker: DbWorker,
    identity: Identity,
    dial: Callable[[str], None],
    changes: ChangeWatcher,
) -> PortalQueueWindow:
    """Create the portal queue window of ``window`` and read the queue once."""
    vm = PortalQueueViewModel(worker, identity, dial, changes.changed)
    queue = PortalQueueWindow(vm, window)
    window.portal = queue
    # The Shift menu's entry carries the count: "Portal orders to confirm (3)…".
    vm.listed.connect(lambda rows: window.portal_action.setText(f"{badge_text(len(rows))}…"))
    vm.refresh()
    return queue
