"""Adaptive Card rendering of the core reply model (no network needed)."""

from __future__ import annotations

import json

from card_schema import problems

from socbot.faces.teams import adaptive
from socbot.model import Button, Fact, Form, Input, Item, Reply, Section, Severity

# Everything in Adaptive Cards 1.5 that this renderer may use; Teams ignores what it doesn't know.
SCHEMA_15 = {
    "AdaptiveCard", "TextBlock", "FactSet", "ColumnSet", "Column", "Container", "ActionSet",
    "Action.Submit", "Action.Execute", "Input.Text", "Input.Date", "Input.ChoiceSet",
}  # fmt: skip


def walk(node: object) -> list[dict]:
    found: list[dict] = []
    if isinstance(node, dict):
        if "type" in node:
            found.append(node)
        for value in node.values():
            found += walk(value)
    elif isinstance(node, list):
        for value in node:
            found += walk(value)
    return found


def texts(card: dict) -> list[str]:
    return [e["text"] for e in walk(card) if e["type"] == "TextBlock"]


def everything() -> Reply:
    return Reply(
        title="OCG-0001 Smith Brothers",
        text="Band 1A, tier 1",
        facts=[Fact("LRO", "@okafor"), Fact("Review", "12 days overdue", Severity.ERROR)],
        items=[
            Item(
                "#4 Test purchase",
                "due Fri 5 Mar",
                buttons=[Button("Done", "form:action.done", {"id": "4"}, "primary")],
            ),
            Item("#2 Cash seizure", "9 days overdue", Severity.WARNING),
        ],
        sections=[
            Section("Disruptions", "3 this year", [Fact("Major", "1")], [Item("#1 warrant")])
        ],
        buttons=[Button("Snooze a week", "snooze", {"args": '4 "in 1 week" "from a card"'})],
        context="as of 09:00",
    )


def test_a_reply_becomes_a_card_of_schema_15_or_lower() -> None:
    card = adaptive.card(everything())
    assert card["type"] == "AdaptiveCard" and float(card["version"]) <= 1.5
    assert {e["type"] for e in walk(card)} <= SCHEMA_15
    assert card["body"][0] == {
        "type": "TextBlock",
        "text": "OCG-0001 Smith Brothers",
        "wrap": True,
        "size": "Medium",
        "weight": "Bolder",
    }
    assert "as of 09:00" in texts(card)
    assert problems(card) == []


def test_buttons_are_universal_actions_with_a_submit_fallback_for_older_clients() -> None:
    card = adaptive.card(everything())
    executes = [e for e in walk(card) if e["type"] == "Action.Execute"]
    assert [e["verb"] for e in executes] == ["form:action.done", "snooze"]
    for action in executes:
        assert action["fallback"]["type"] == "Action.Submit"
        assert action["fallback"]["data"] == action["data"] and action["data"]["verb"]
    assert "refresh" not in card, "only a live card (an OCG's or its actions') is refreshed"


def test_a_live_card_refreshes_for_up_to_sixty_viewers_then_offers_a_button() -> None:
    reply = Reply(title="OCG-0001 Smith Brothers")
    few = adaptive.card(reply, live=adaptive.Live("status", "OCG-0001", ("29:a", "29:b")))
    assert few["refresh"]["userIds"] == ["29:a", "29:b"] and problems(few) == []
    many = tuple(f"29:{n}" for n in range(61))
    crowd = adaptive.card(reply, live=adaptive.Live("status", "OCG-0001", many))
    assert "refresh" not in crowd and crowd["actions"][-1]["title"] == "Show my view"
    assert problems(crowd) == []
    refused = adaptive.card(Reply.fail("no"), live=adaptive.Live("status", "OCG-0001", many))
    assert "refresh" not in refused and "actions" not in refused


def test_overdue_flags_are_coloured_for_attention() -> None:
    card = adaptive.card(everything())
    flagged = [e for e in walk(card) if e["type"] == "TextBlock" and "color" in e]
    colours = {e["text"]: e["color"] for e in flagged}
    assert colours["12 days overdue ⚠"] == "attention"
    assert colours["⚠ #2 Cash seizure"] == "warning"
    plain = adaptive.card(Reply(facts=[Fact("LRO", "@okafor")]))
    assert plain["body"] == [{"type": "FactSet", "facts": [{"title": "LRO", "value": "@okafor"}]}]


def test_buttons_carry_exactly_what_the_core_needs() -> None:
    card = adaptive.card(everything())
    submits = [e for e in walk(card) if e["type"] == "Action.Submit"]
    assert [s["data"] for s in submits] == [
        {"verb": "form:action.done", "payload": {"id": "4"}},
        {"verb": "snooze", "payload": {"args": '4 "in 1 week" "from a card"'}},
    ]
    assert submits[0]["style"] == "positive"


def test_buttons_of_a_card_with_one_set_of_buttons_say_so() -> None:
    """A single reminder may be replaced by the result; a list of several must stay."""
    buttons = [Button("Done", "form:action.done", {"id": "4"}), Button("Snooze a week", "snooze")]
    one = adaptive.card(Reply(items=[Item("#4", buttons=buttons), Item("#5")]))
    assert all(s["data"]["single"] for s in walk(one) if s["type"] == "Action.Submit")
    two = adaptive.card(Reply(items=[Item("#4", buttons=buttons), Item("#5", buttons=buttons)]))
    assert not any("single" in s["data"] for s in walk(two) if s["type"] == "Action.Submit")


def test_user_text_cannot_mention_everyone_or_disguise_a_link() -> None:
    nasty = "<at>everyone</at> [your account is locked](https://evil.example) <b>x</b>"
    reply = Reply(title=nasty, text=nasty, facts=[Fact(nasty, nasty)], items=[Item(nasty, nasty)])
    raw = json.dumps(adaptive.card(reply), ensure_ascii=False)
    assert "<at>" not in raw and "</at>" not in raw and "<b>" not in raw
    assert "](" not in raw
    assert "everyone" in raw and "your account is locked" in raw, "the words are still shown"
    assert "<" not in adaptive.summary(reply).replace("<\u200b", "")


def test_inline_code_is_shown_in_bold() -> None:
    assert adaptive.safe("Type `help` to start") == "Type **help** to start"


def test_a_form_uses_the_right_inputs_and_shows_errors_against_fields() -> None:
    form = Form(
        "action.add",
        "Add an action",
        [
            Input("ocg", "OCG", value="OCG-0001"),
            Input("pillar", "Pillar", "choice", ("pursue", "prevent")),
            Input("what", "What", "multiline", placeholder="<at>x</at>"),
            Input("date", "Due", "date", required=False, value="31/02/2027"),
        ],
        submit_label="Add action",
        payload={"ocg": "OCG-0001"},
        errors={"date": "There is no 31 February."},
    )
    card = adaptive.card(Reply(title=form.title, form=form))
    assert problems(card) == []
    body = card["body"]
    ids = [e.get("id") for e in body]
    ocg, pillar, what, date = (
        body[ids.index(f"in.{n}")] for n in ("ocg", "pillar", "what", "date")
    )
    assert (ocg["type"], ocg["value"], ocg["isRequired"]) == ("Input.Text", "OCG-0001", True)
    assert pillar["type"] == "Input.ChoiceSet" and pillar["style"] == "compact"
    assert [c["value"] for c in pillar["choices"]] == ["pursue", "prevent"]
    assert what["isMultiline"] is True and "<at>" not in what["placeholder"]
    assert date["type"] == "Input.Date" and "value" not in date, "Teams drops non-ISO dates"
    assert date["isRequired"] is False
    error = body[ids.index("in.date") + 1]
    assert (error["text"], error["color"]) == ("There is no 31 February.", "attention")
    assert sum(1 for e in body if e.get("color") == "attention") == 1
    [submit] = card["actions"]
    assert submit["data"] == {"verb": "submit:action.add", "payload": {"ocg": "OCG-0001"}}


def test_a_long_list_is_cut_with_a_note() -> None:
    card = adaptive.card(Reply(items=[Item(f"#{n}") for n in range(100)]))
    assert len([e for e in card["body"] if e["type"] == "Container"]) == adaptive.MAX_ITEMS
    assert "60 more" in card["body"][-1]["text"]


def test_an_error_reply_is_red_and_never_empty() -> None:
    card = adaptive.card(Reply.fail("I don't know the OCG 'smyth'.", hint="Try `list`."))
    assert card["body"][0]["color"] == "attention"
    assert adaptive.card(Reply())["body"][0]["text"] == "Done."
