"""The demo's own account: a shift lead the demo workspace signs in as without a password.

Created when the demo data is seeded, or on the first run of the embedded demo over a
database seeded before accounts existed. Its password is published (README) so that
scripts can try `dispatch --user demo` on the demo database; it is never created anywhere
but in a demo database.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import users
from dispatcher.models import User, UserRole
from dispatcher.users import Actor

logger = logging.getLogger(__name__)

DEMO_LOGIN = "demo"
DEMO_NAME = "Демо Старший смены"
DEMO_PASSWORD = "demo-lead"


def ensure_demo_lead(session: Session) -> Actor:
    """The demo shift lead, created first when the database has no such account."""
    if session.scalar(select(User.id).where(User.login == DEMO_LOGIN)) is None:
        # The seeder acts as the demo's installer: no admin exists to add the account.
        installer = Actor("demo-seeder", "Demo seeder", UserRole.ADMIN)
        users.add_user(
            session, DEMO_LOGIN, DEMO_NAME, UserRole.LEAD, DEMO_PASSWORD, actor=installer
        )
        logger.info("demo shift lead account created", extra={"login": DEMO_LOGIN})
    return users.actor_of(session, DEMO_LOGIN)
