"""Secrets never reach a log line, and nobody can forge one, whoever logs (our code, SQLAlchemy,
slack-bolt, aiohttp.access, microsoft_agents, msal).

``ScrubSecrets`` cleans a record's message, its traceback and its stack: secrets out, then control
characters escaped (``\\n``, ``\\r``, ``\\x1b``...), so text an outsider sent (slack-bolt logged the
raw body of a badly signed request) can neither start a line of its own nor repaint a terminal.
A record's message is always one line; a traceback keeps its line breaks but every line of it is
indented, so only the first line of a record starts at the left margin. ``install`` puts the
filter on every root handler and also wraps the record factory, so handlers added later (a
library's own ``StreamHandler``, pytest's capture) see clean records too.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from socbot.redact import scrub

_formatter = logging.Formatter()
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )


def escape(text: str) -> str:
    """Control characters (line breaks, ANSI escapes...) as visible escapes: one line."""
    return _CONTROL.sub(_visible, text)


def _block(text: str) -> str:
    """A traceback or stack: scrubbed and escaped line by line, every line indented."""
    return "\n".join("  " + escape(line) for line in scrub(text).split("\n"))


def clean(record: logging.LogRecord) -> logging.LogRecord:
    """Scrub and escape ``record`` in place: message (args merged in), traceback, stack."""
    if getattr(record, "_socbot_clean", False):
        return record
    message = record.getMessage()
    cleaned = escape(scrub(message))
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and not record.exc_text:
        record.exc_text = _formatter.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = _block(record.exc_text)
    if record.stack_info:
        record.stack_info = _block(record.stack_info)
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
