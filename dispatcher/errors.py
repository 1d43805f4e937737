"""Domain errors whose messages an operator can read as they are.

A message is an English template with named values (`DomainText`): ``str()`` gives the
English text (the CLI, logs, tests), and the workspace translates the template and fills in
the same values, so a translation can put the words in its own order. Every template is a
literal at its raise site (``ValidationError.of("...", name=value)``) or marked with
`translatable`, so that ``scripts/domain-strings`` can list them for the translators.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Self


def translatable(template: str) -> str:
    """Mark a literal as a domain text template for scripts/domain-strings; returns it as is."""
    return template


@dataclass(frozen=True, slots=True)
class DomainText:
    """An English ``str.format`` template and its values; ``str()`` is the English text.

    A value may itself be a DomainText (a state name, a phone problem): it is translated
    with the text that contains it. Dates and times are passed as values and formatted by
    the template (``{date:%d.%m.%Y}``).
    """

    template: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return self.template.format(**self.params)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _literal(text: str) -> str:
    """A template whose formatted text is ``text`` itself (braces escaped)."""
    return text.replace("{", "{{").replace("}", "}}")


class DomainError(Exception):
    """A rule of the domain refused the request; str(error) is shown to the user.

    ``template`` and ``params`` say the same thing in a form the workspace translates;
    an error raised with a plain message carries that message as a template without values.
    """

    text: DomainText

    def __init__(self, message: str | DomainText = "") -> None:
        """An error with a plain English ``message``, or with a translatable `DomainText`."""
        text = message if isinstance(message, DomainText) else DomainText(_literal(message))
        super().__init__(str(text))
        self.text = text

    @classmethod
    def of(cls, template: str, /, **params: object) -> Self:
        """The error whose message is ``template.format(**params)``, translatable as a whole."""
        return cls(DomainText(template, params))

    @property
    def template(self) -> str:
        """The English message with ``{name}`` placeholders."""
        return self.text.template

    @property
    def params(self) -> dict[str, object]:
        """The values of the template's placeholders."""
        return dict(self.text.params)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling (multiprocessing, logging handlers) keeps the template, not only the text.
        return (type(self), (self.text,))


class NotFoundError(DomainError):
    """The referenced client, order, courier or product does not exist."""


class ValidationError(DomainError):
    """The input is incomplete or malformed."""


class IllegalTransitionError(DomainError):
    """The order cannot move from its current state the way that was asked."""


class ConcurrentEditError(DomainError):
    """Another operator changed the same order since it was loaded."""


class PermissionDenied(DomainError):
    """The signed-in person's role may not do what was asked (or nobody is signed in)."""
