"""Nobody can forge a log line (issue 13, item 9): every record, from socbot or a library, has its
control characters escaped, so one record is one line and no ANSI escape reaches a terminal."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from socbot.logs import install

NASTY = "x\n2027-03-03 09:00:00 CRITICAL socbot: admin granted to mallory\r\x1b[2J\x1b[31mred\x85"
FORMAT = "%(levelname)s %(name)s: %(message)s"


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """What socbot's own logging set-up would write: a root handler with socbot's format."""
    install()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    yield out
    root.setLevel(old)
    root.removeHandler(handler)


@pytest.mark.parametrize(
    "name", ["socbot", "slack_bolt.App", "socbot.slack.bolt", "aiohttp.access", "microsoft_agents"]
)
def test_a_message_with_line_breaks_and_ansi_escapes_is_one_escaped_line(output, name) -> None:
    logging.getLogger(name).warning("body: %s", NASTY)
    text = output.getvalue()
    assert text.count("\n") == 1 and "\r" not in text and "\x1b" not in text and "\x85" not in text
    assert text == (
        f"WARNING {name}: body: x\\n2027-03-03 09:00:00 CRITICAL socbot: admin granted to "
        "mallory\\r\\x1b[2J\\x1b[31mred\\x85\n"
    )


def test_a_traceback_cannot_start_a_line_of_its_own(output) -> None:
    try:
        raise ValueError(NASTY)
    except ValueError:
        logging.getLogger("socbot").exception("incident 1a2b3c4d")
    first, *rest = output.getvalue().rstrip("\n").split("\n")
    assert first == "ERROR socbot: incident 1a2b3c4d"
    assert rest[0] == "  Traceback (most recent call last):"
    assert all(line.startswith("  ") for line in rest), rest
    assert "\x1b" not in output.getvalue() and "\r" not in output.getvalue()
