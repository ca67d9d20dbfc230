"""Block Kit rendering: Slack's limits are never broken, nothing is cut silently, nothing pings."""

from __future__ import annotations

import json
from typing import Any

import pytest

from socbot.faces.slack import blockkit, views
from socbot.model import Button, Fact, Form, Input, Item, Reply, Section, Severity

PING = "<!channel> <!here> <@U0BOSS> <#C0SECRET> & co"


def walk(node: Any):  # type: ignore[no-untyped-def]
    """Every dict in a block tree."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def check_limits(blocks: list[dict], max_blocks: int = 50) -> None:
    """Slack's published limits, as Slack would check them."""
    assert len(blocks) <= max_blocks
    for block in blocks:
        kind = block["type"]
        if kind == "header":
            assert len(block["text"]["text"]) <= 150
        if kind == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if kind == "actions":
            assert 1 <= len(block["elements"]) <= 25
        if kind == "context":
            assert 1 <= len(block["elements"]) <= 10
    ids = [n["action_id"] for n in walk(blocks) if n.get("type") == "button"]
    assert len(ids) == len(set(ids))
    for node in walk(blocks):
        if node.get("type") == "button":
            assert len(node["text"]["text"]) <= 75 and len(node["value"]) <= 2000


def huge_reply() -> Reply:
    row = Button("Done " + "x" * 100, "form:action.done", {"id": "1"})
    return Reply(
        title="T" * 200,
        text="Intro. " * 1000,
        facts=[Fact(f"F{n}", "v" * (50 if n % 7 else 2500), Severity.WARNING) for n in range(25)],
        items=[Item(f"item {n:03d} " + "w" * 40, "detail", buttons=[row, row]) for n in range(150)],
        sections=[
            Section("Plain rows", items=[Item(f"plain {n:03d} " + "p" * 80) for n in range(300)]),
            Section("One long paragraph", text="word " * 2000),
        ],
        buttons=[Button(f"b{n}", "help") for n in range(30)],
        context="as of today",
    )


def test_a_huge_reply_is_paged_within_every_limit_and_nothing_is_lost() -> None:
    reply = huge_reply()
    pages = blockkit.message(reply)
    assert len(pages) > 1
    for n, page in enumerate(pages, 1):
        check_limits(page)
        assert page[-1]["elements"][0]["text"] == f"page {n} of {len(pages)}"
    text = json.dumps(pages)
    for n in range(150):
        assert f"item {n:03d}" in text
    for n in range(300):
        assert f"plain {n:03d}" in text
    assert text.count("word") == 2000
    assert sum(json.dumps(p).count("Intro.") for p in pages) == 1000
    assert all(f"*F{n}*" in text for n in range(25))
    assert "as of today" in text


def test_a_short_reply_is_one_page_with_no_page_marker() -> None:
    [page] = blockkit.message(Reply(title="Hi", text="there"))
    assert "page 1" not in json.dumps(page)


def test_user_text_can_never_ping() -> None:
    reply = Reply(
        title=PING,
        text=PING,
        facts=[Fact(PING, PING)],
        items=[Item(PING, PING)],
        sections=[Section(PING, PING, [Fact(PING, PING)], [Item(PING, PING)])],
        context=PING,
    )
    pages = blockkit.message(reply)
    mrkdwn = [n["text"] for n in walk(pages) if n.get("type") == "mrkdwn"]
    assert mrkdwn and all("<" not in t and ">" not in t for t in mrkdwn)
    assert all(n.get("verbatim") is True for n in walk(pages) if n.get("type") == "mrkdwn")
    assert "&lt;!channel&gt;" in json.dumps(pages)
    assert "<" not in blockkit.fallback(reply)


def test_overdue_flags_and_list_lines() -> None:
    reply = Reply(
        facts=[Fact("Next review", "overdue by 12 days", Severity.ERROR)],
        items=[Item("#1 Visit", "due Fri", Severity.WARNING), Item("#2 Call", None)],
    )
    text = json.dumps(blockkit.message(reply), ensure_ascii=False)
    assert ":red_circle: overdue by 12 days" in text
    assert "• :warning: #1 Visit\\n      due Fri\\n• #2 Call" in text


def test_buttons_carry_their_command_and_round_trip() -> None:
    snooze = Button("Snooze a week", "snooze", {"args": '4 "in 1 week" "from a reminder"'})
    reply = Reply(
        items=[
            Item(
                "#4 Check VAT",
                buttons=[Button("Done", "form:action.done", {"id": "4"}, "primary"), snooze],
            )
        ]
    )
    [page] = blockkit.message(reply)
    found = [n for n in walk(page) if n.get("type") == "button"]
    assert [b["text"]["text"] for b in found] == ["Done", "Snooze a week"]
    assert found[0]["style"] == "primary" and "style" not in found[1]
    assert blockkit.decode(found[1]["value"]) == ("snooze", snooze.payload, True)
    with pytest.raises(ValueError):
        blockkit.decode('{"x": 1}')


def test_an_oversized_button_is_dropped_not_sent_broken() -> None:
    reply = Reply(buttons=[Button("Big", "help", {"args": "x" * 3000}), Button("Ok", "help")])
    [page] = blockkit.message(reply)
    assert [n["text"]["text"] for n in walk(page) if n.get("type") == "button"] == ["Ok"]


def test_form_becomes_a_modal_with_the_right_elements() -> None:
    form = Form(
        "action.add",
        "Add an action to a long-named plan",
        [
            Input("ocg", "OCG", value="OCG-0001", placeholder="OCG-0042 or a name"),
            Input("pillar", "Pillar", "choice", ("pursue", "prevent"), value="prevent"),
            Input("what", "What", "multiline"),
            Input("when", "Due", required=False),
            Input("date", "or pick a date", "date", required=False, value="2027-03-05"),
        ],
        submit_label="Add action",
        payload={"tactic": "T1"},
    )
    view = views.modal(form, {"u": "https://hooks.slack.com/x", "c": "C1"})
    assert view["callback_id"] == blockkit.CALLBACK_ID
    assert len(view["title"]["text"]) <= 24 and view["title"]["text"].endswith("…")
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert inputs["ocg"]["element"]["initial_value"] == "OCG-0001"
    assert inputs["pillar"]["element"]["type"] == "static_select"
    assert inputs["pillar"]["element"]["initial_option"]["value"] == "prevent"
    assert inputs["what"]["element"]["multiline"] is True
    assert inputs["date"]["element"] == {
        "action_id": "date",
        "type": "datepicker",
        "initial_date": "2027-03-05",
    }
    assert inputs["when"]["optional"] is True and inputs["ocg"]["optional"] is False
    meta = views.metadata(view)
    assert meta == {
        "f": "action.add",
        "p": {"tactic": "T1"},
        "u": "https://hooks.slack.com/x",
        "c": "C1",
    }


def test_submitted_state_becomes_values() -> None:
    state = {
        "values": {
            "ocg": {"ocg": {"type": "plain_text_input", "value": "smith"}},
            "pillar": {"pillar": {"type": "static_select", "selected_option": {"value": "pursue"}}},
            "date": {"date": {"type": "datepicker", "selected_date": "2027-03-05"}},
            "when": {"when": {"type": "plain_text_input", "value": None}},
        }
    }
    assert views.values(state) == {
        "ocg": "smith",
        "pillar": "pursue",
        "date": "2027-03-05",
        "when": "",
    }


def test_field_errors_only_name_fields_in_the_modal() -> None:
    form = Form("f", "F", [Input("when", "Due")], errors={"when": "bad date", "ghost": "x"})
    assert views.field_errors(form) == {"when": "bad date"}


def test_home_is_paged_within_100_blocks() -> None:
    many = Reply(
        items=[
            Item(f"#{n} act", buttons=[Button("Done", "x"), Button("S", "y")]) for n in range(200)
        ]
    )
    view = views.home([("actions", "My actions", many), ("ocgs", "My OCGs", Reply(text="ok"))])
    check_limits(view["blocks"], 100)
    nav = [n for n in walk(view) if n.get("action_id", "").startswith(blockkit.HOME_ACTION_ID)]
    assert [n["text"]["text"] for n in nav] == ["Next ›"]
    page2 = views.home([("actions", "My actions", many)], pages={"actions": 2})
    assert "#199 act" not in json.dumps(view) and "page 2 of" in json.dumps(page2)


def test_mark_replaces_only_the_pressed_buttons() -> None:
    blocks = [
        {"type": "section", "block_id": "a", "text": {"type": "mrkdwn", "text": "#1"}},
        {"type": "actions", "block_id": "b", "elements": [{"type": "button", "action_id": "x"}]},
        {
            "type": "section",
            "block_id": "c",
            "text": {"type": "mrkdwn", "text": "#2"},
            "accessory": {"type": "button", "action_id": "y"},
        },
        {"type": "actions", "block_id": "d", "elements": [{"type": "button", "action_id": "z"}]},
    ]
    marked = blockkit.mark(blocks, "b", "x", "done")
    assert marked[1]["type"] == "context" and marked[3] == blocks[3] and marked[2] == blocks[2]
    marked = blockkit.mark(blocks, "c", "y", "done")
    assert "accessory" not in marked[2] and marked[2]["text"]["text"] == "#2\ndone"
    assert len(marked) == len(blocks)


@pytest.mark.parametrize("size", [1, 2999, 3000, 3001, 9000])
def test_chunks_respect_the_limit_and_keep_every_character(size: int) -> None:
    text = blockkit.escape(("a&b " * 3000)[:size])
    pieces = blockkit.chunks(text)
    assert all(len(p) <= 3000 for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
