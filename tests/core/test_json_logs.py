"""``SOCBOT_LOG_FORMAT=json`` (issue 18, part 6): socbot's own logging set-up writes one JSON
object a line, with the request id of the request that caused it, still scrubbed of secrets
and still one line whatever a sender typed."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from socbot.app import configure_logging
from socbot.config import Settings
from socbot.request_log import request_id

TOKEN = "xoxb-2712345678901-2723456789012-AbCdEfGhIjKlMnOpQrStUvWx"


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    """The root logger as a fresh process has it, put back afterwards."""
    logger = logging.getLogger()
    handlers, level = logger.handlers[:], logger.level
    yield logger
    logger.handlers, logger.level = handlers, level


def test_json_lines_carry_the_request_id_and_stay_clean(root, capsys, tmp_path) -> None:
    root.handlers = []  # pytest's own capture handlers are added after fixtures run
    configure_logging(Settings(data_dir=tmp_path, log_format="json", log_level="INFO"))
    token = request_id.set("rq-7")
    try:
        logging.getLogger("socbot").info("audited %s by %s: %s", "help", "okafor", "ok",
                                         extra={"outcome": "ok"})  # fmt: skip
        logging.getLogger("slack_bolt.App").warning("body: %s\nFAKE LINE", TOKEN)
    finally:
        request_id.reset(token)
    logging.getLogger("socbot").warning("outside any request")
    lines = capsys.readouterr().err.splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert [(r["logger"], r["request_id"]) for r in records] == [
        ("socbot", "rq-7"),
        ("slack_bolt.App", "rq-7"),
        ("socbot", None),
    ]
    assert records[0]["message"] == "audited help by okafor: ok" and records[0]["outcome"] == "ok"
    assert TOKEN not in lines[1] and "\\nFAKE LINE" in records[1]["message"]


def test_text_is_still_the_default(root, capsys, tmp_path) -> None:
    root.handlers = []
    configure_logging(Settings(data_dir=tmp_path, log_level="INFO"))
    logging.getLogger("socbot").info("plain")
    assert capsys.readouterr().err.rstrip().endswith("INFO socbot: plain")
