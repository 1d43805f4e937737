"""What the card's portal part says: each person's access, the invitation, the questions."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.formatting import format_datetime
from dispatcher.operations.portal import Invitation
from dispatcher.operations.portal_reads import AccessState, PortalPerson


def person_text(person: PortalPerson) -> str:
    """ "Смирнов Олег: invited, the code works until 19.03.2026 14:00" and the like."""
    if person.state is AccessState.PENDING and person.expires_at is not None:
        state = QCoreApplication.translate(
            "PortalAccess", "invitation pending, the code works until %1"
        ).replace("%1", format_datetime(person.expires_at))
    elif person.state is AccessState.INVITED and person.invited_at is not None:
        state = QCoreApplication.translate(
            "PortalAccess", "has portal access (invited %1)"
        ).replace("%1", format_datetime(person.invited_at))
    elif person.state is AccessState.REVOKED and person.revoked_at is not None:
        state = QCoreApplication.translate("PortalAccess", "access revoked %1").replace(
            "%1", format_datetime(person.revoked_at)
        )
    else:
        state = QCoreApplication.translate("PortalAccess", "no portal access")
    return f"{person.name}: {state}"


def may_revoke(person: PortalPerson | None) -> bool:
    """Whether "Revoke portal access" applies to the selected person."""
    return person is not None and person.state in (AccessState.PENDING, AccessState.INVITED)


def invitation_text(invitation: Invitation) -> str:
    """What the invitation dialog says above the link and the code."""
    return (
        QCoreApplication.translate(
            "PortalAccess",
            "Invitation for %1. Send the link or the code by SMS or e-mail: one use, until %2.",
        )
        .replace("%1", invitation.person_name)
        .replace("%2", format_datetime(invitation.expires_at))
    )


def copy_text(invitation: Invitation) -> str:
    """What Copy puts on the clipboard: the link and the code, ready to paste into a message."""
    return (
        QCoreApplication.translate("PortalAccess", "Portal: %1\nCode: %2")
        .replace("%1", invitation.link)
        .replace("%2", invitation.code)
    )


def revoke_question(person: PortalPerson) -> str:
    """The confirmation asked before revoking."""
    return QCoreApplication.translate(
        "PortalAccess",
        "End the portal access of %1? Their sessions end at once and the code stops working.",
    ).replace("%1", person.name)
