"""Domain errors whose messages an operator can read as they are."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; str(error) is shown to the user."""


class NotFoundError(DomainError):
    """The referenced client, order, courier or product does not exist."""


class ValidationError(DomainError):
    """The input is incomplete or malformed."""


class IllegalTransitionError(DomainError):
    """The order cannot move from its current state the way that was asked."""


class ConcurrentEditError(DomainError):
    """Another operator changed the same order since it was loaded."""
