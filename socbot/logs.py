"""Secrets never reach a log line, whoever logs them (our code, SQLAlchemy, slack-bolt, msal).

``ScrubSecrets`` cleans a record's message, its traceback and its stack. ``install`` puts it on
every root handler and also wraps the record factory, so handlers added later (a library's own
``StreamHandler``, pytest's capture) see clean records too.
"""

from __future__ import annotations

import logging
from typing import Any

from socbot.redact import scrub

_formatter = logging.Formatter()


def clean(record: logging.LogRecord) -> logging.LogRecord:
    """Scrub ``record`` in place: message (with its args merged in), traceback, stack."""
    if getattr(record, "_socbot_clean", False):
        return record
    message = record.getMessage()
    cleaned = scrub(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and not record.exc_text:
        record.exc_text = _formatter.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
    record._socbot_clean = True  # type: ignore[attr-defined]
    return record


class ScrubSecrets(logging.Filter):
    """A handler filter: never drops a record, only cleans it."""

    def filter(self, record: logging.LogRecord) -> bool:
        clean(record)
        return True


def install() -> None:
    """Clean every record: a filter on each root handler and a wrapped record factory."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, ScrubSecrets) for f in handler.filters):
            handler.addFilter(ScrubSecrets())
    factory = logging.getLogRecordFactory()
    if getattr(factory, "_socbot", False):
        return

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        # Records are only made for enabled levels, so this formats nothing that is not logged.
        return clean(factory(*args, **kwargs))

    make._socbot = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make)
