"""Messages of the domain (errors, courier suggestion reasons) in the interface language.

dispatcher/ speaks English and carries each message as a template with named values
(dispatcher.errors.DomainText). Here the template is looked up in the "dispatcher" context
of the installed Qt translators (the list lupdate reads is app/domain_strings.py) and the
values are filled in. A translation that does not fit its values falls back to English:
an operator must always get a message, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication

from dispatcher.errors import DomainError, DomainText

logger = logging.getLogger(__name__)

CONTEXT = "dispatcher"


def _format(template: str, params: Mapping[str, object]) -> str | None:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return None


def _english(template: str, params: Mapping[str, object]) -> str:
    """The English text, as str(DomainText) gives it, but never raising."""
    values = {
        k: _english(v.template, v.params) if isinstance(v, DomainText) else v
        for k, v in params.items()
    }
    text = _format(template, values)
    if text is None:
        # The template does not fit its own values: a bug in dispatcher, still no crash.
        logger.error("domain template %r does not fit %r", template, sorted(params))
        return template
    return text


def translate_domain(template: str, params: Mapping[str, object] | None = None) -> str:
    """``template`` translated and filled with ``params``; English when the translation is broken.

    Values that are themselves DomainText (a state name, a phone problem) are translated too.
    """
    params = params or {}
    translated = QCoreApplication.translate(CONTEXT, template)
    if translated != template:
        local = {
            k: translate_text(v) if isinstance(v, DomainText) else v for k, v in params.items()
        }
        text = _format(translated, local)
        if text is not None:
            return text
        logger.warning("translation of %r does not fit its values; showing English", template)
    return _english(template, params)


def translate_text(text: DomainText) -> str:
    """A DomainText in the interface language."""
    return translate_domain(text.template, text.params)


def translate_error(error: DomainError) -> str:
    """The message of a domain error in the interface language."""
    return translate_text(error.text)
