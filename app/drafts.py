"""DraftStore: what the operator typed, kept on this computer until the database takes it.

When a save fails (the database is locked, unreachable or refuses the write) the form keeps
its input on screen and the view model writes it here too, so a crash or a restart loses
nothing. One JSON file per kind of draft (``new_client.json``, ``order.json``), replaced
atomically: a power cut leaves the old file or the new one, never half of one. A successful
save removes the file.

No Qt here: the view models decide when to save, load and clear.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
NEW_CLIENT = "new_client"
ORDER = "order"


@dataclass(frozen=True, slots=True)
class SavedDraft:
    """A draft read back from disk: its kind, when it was written, and its fields as JSON."""

    kind: str
    saved_at: dt.datetime
    data: dict[str, Any]


def _to_json(value: Any) -> Any:
    """JSON for the values drafts hold besides plain ones: dates, times, enums."""
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} cannot be written to a draft")


class DraftStore:
    """Drafts of the new-client form and of the order panel, as files in ``directory``."""

    def __init__(self, directory: Path) -> None:
        """A store writing into ``directory`` (created on the first save)."""
        self.directory = Path(directory)

    def path(self, kind: str) -> Path:
        """The file of one kind of draft."""
        return self.directory / f"{kind}.json"

    def save(self, kind: str, draft: Any) -> bool:
        """Write ``draft`` (a dataclass) atomically; False when the disk refused (logged)."""
        document = {
            "version": FORMAT_VERSION,
            "kind": kind,
            "saved_at": dt.datetime.now().astimezone().isoformat(),
            "data": dataclasses.asdict(draft),
        }
        tmp_name = ""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            text = json.dumps(document, ensure_ascii=False, indent=1, default=_to_json)
            # Written next to the target: os.replace is atomic only within one file system.
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=self.directory, prefix=f".{kind}.", delete=False
            ) as tmp:
                tmp_name = tmp.name
                tmp.write(text)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, self.path(kind))
        except OSError:
            logger.exception("Could not write the %s draft to %s", kind, self.directory)
            if tmp_name:
                Path(tmp_name).unlink(missing_ok=True)
            return False
        return True

    def load(self, kind: str) -> SavedDraft | None:
        """The draft of ``kind``, or None when there is none (or it cannot be read)."""
        path = self.path(kind)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            saved_at = dt.datetime.fromisoformat(document["saved_at"])
            data = document["data"]
            if not isinstance(data, dict):
                raise ValueError("the draft's data is not an object")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            # Keep the unreadable file for the admin instead of deleting someone's input.
            logger.exception("The %s draft %s cannot be read; moved aside", kind, path)
            try:
                path.replace(path.with_suffix(".unreadable"))
            except OSError:
                logger.exception("Could not move the unreadable draft %s aside", path)
            return None
        return SavedDraft(kind=kind, saved_at=saved_at, data=data)

    def exists(self, kind: str) -> bool:
        """Whether a draft of ``kind`` waits on disk."""
        return self.path(kind).exists()

    def clear(self, kind: str) -> None:
        """Remove the draft of ``kind`` (it was saved to the database, or discarded)."""
        try:
            self.path(kind).unlink(missing_ok=True)
        except OSError:
            logger.exception("Could not remove the %s draft", kind)


class KeptDraft:
    """One form's draft while its save has not gone through: the helper both forms share.

    After a failed save the form's input goes to disk (``save_failed``) and every later edit
    follows it there (``keep``) until a save succeeds (``saved``) or the operator discards
    it. ``draft`` gives the form's input as a dataclass (or None when there is nothing).
    """

    def __init__(self, store: DraftStore | None, kind: str, draft: Callable[[], Any]) -> None:
        """A draft of ``kind`` in ``store`` (None: kept on screen only), read by ``draft``."""
        self.store = store
        self.kind = kind
        self._draft = draft
        self.pending = False  # the input on screen is (also) on disk, waiting to be saved
        self.restored_at: dt.datetime | None = None  # when a restored draft was written

    def write(self) -> bool:
        """Put the input on disk now; False without a store, an input, or a writable disk."""
        draft = self._draft()
        return self.store is not None and draft is not None and self.store.save(self.kind, draft)

    def save_failed(self) -> bool:
        """The save did not go through: keep the input on disk; whether it is there."""
        self.pending = self.store is not None
        return self.write()

    def keep(self) -> None:
        """An edit after a failed save: it must survive a crash too."""
        if self.pending:
            self.write()

    def load(self) -> SavedDraft | None:
        """The draft on disk, if any."""
        return self.store.load(self.kind) if self.store is not None else None

    def restored(self, saved_at: dt.datetime) -> None:
        """A draft from disk is on screen again: it stays pending until saved."""
        self.pending = True
        self.restored_at = saved_at

    def saved(self) -> None:
        """The database took the input: nothing is pending any more."""
        if self.pending and self.store is not None:
            self.store.clear(self.kind)
        self.pending = False
        self.restored_at = None

    def discard(self) -> None:
        """The operator does not want the draft: remove it from disk."""
        if self.store is not None:
            self.store.clear(self.kind)
        self.forget()

    def forget(self) -> None:
        """Another form's input is on screen: a draft on disk stays for the next start."""
        self.pending = False
        self.restored_at = None
