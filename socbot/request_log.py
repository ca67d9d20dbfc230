"""A request id that follows one command from the face that received it to its audit row, and
JSON log lines on request (``SOCBOT_LOG_FORMAT=json``).

The id is a context variable: set once per HTTP request by the servers' middleware (from the
caller's ``X-Request-Id`` when it is a short token, else a new one), it rides into the worker
thread that runs the command (``asyncio.to_thread`` copies the context) and onto every log
record, including the ``audited`` line written beside each command's audit row. The audit row
itself is unchanged (its hashed fields are not ours to widen): ``at``, ``actor`` and ``action`` on
that line find it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "_socbot_clean"}
_STANDARD.discard("request_id")


def new_id(given: str | None = None) -> str:
    """The caller's id when it is a plain short token (a load balancer's), else a fresh one."""
    return given if given and _TOKEN.fullmatch(given) else secrets.token_hex(8)


def _stamp(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    """A record factory that puts the current request id on each record as it is made (in the
    thread and context that logged it, so handlers elsewhere still see the right id)."""
    if getattr(factory, "_request_id", False):
        return factory

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    make._request_id = True  # type: ignore[attr-defined]
    return make


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, and any ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in line:
                line[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line)


def install(json_lines: bool = False) -> None:
    """Request ids on every record; JSON lines from the root handlers when asked."""
    logging.setLogRecordFactory(_stamp(logging.getLogRecordFactory()))
    if json_lines:
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
