"""Who is signed in at this desk: one object the workspace owns and every view model reads.

The operations check roles themselves (dispatcher.users.require_role); a view model hands the
current actor to each operation it submits and may ask `may(role)` only to decide what the
screen offers, never as the check.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from dispatcher.models import UserRole
from dispatcher.users import Actor, has_role


class Identity(QObject):
    """The signed-in person of this desk (None before sign-in and after sign-out).

    Signals:
        changed(object): the actor now signed in, or None.
    """

    changed = Signal(object)

    def __init__(self, actor: Actor | None = None, parent: QObject | None = None) -> None:
        """An identity, optionally already signed in (the demo, tests)."""
        super().__init__(parent)
        self._actor = actor

    @property
    def actor(self) -> Actor | None:
        """The signed-in person, or None."""
        return self._actor

    def require(self) -> Actor:
        """The signed-in person; an operation submitted without one is a programming error."""
        if self._actor is None:
            raise RuntimeError("nobody is signed in at this desk")
        return self._actor

    def may(self, role: UserRole) -> bool:
        """Whether the signed-in person has at least ``role`` (to decide what the screen offers)."""
        return has_role(self._actor, role)

    def set_actor(self, actor: Actor | None) -> None:
        """Sign ``actor`` in (None: sign out) and tell the screens."""
        if actor != self._actor:
            self._actor = actor
            self.changed.emit(actor)
