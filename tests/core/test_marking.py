"""A reply is marked sensitive when any string in it carries the mark, wherever it sits."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from socbot.model import SENSITIVE_MARK, Button, Fact, Form, Input, Item, Reply, Section
from socbot.transaction import shows_sensitive

# mostly unmarked, so that a reply often holds the mark in one place only
WORDS = st.sampled_from(
    ["", *["plain"] * 12, SENSITIVE_MARK, f"#4 {SENSITIVE_MARK} visit", "[sens"]
)
MAYBE = st.none() | WORDS
BUTTONS = st.lists(
    st.builds(Button, WORDS, WORDS, st.dictionaries(WORDS, WORDS, max_size=2), MAYBE), max_size=2
)
ITEMS = st.lists(st.builds(Item, WORDS, MAYBE, st.none(), BUTTONS), max_size=2)
FACTS = st.lists(st.builds(Fact, WORDS, WORDS), max_size=2)
FORMS = st.builds(
    Form,
    WORDS,
    WORDS,
    st.lists(
        st.builds(Input, WORDS, WORDS, WORDS, st.lists(WORDS, max_size=2).map(tuple), st.booleans(),
                  MAYBE, MAYBE),
        max_size=2,
    ),
    WORDS,
    st.dictionaries(WORDS, WORDS, max_size=2),
    st.dictionaries(WORDS, WORDS, max_size=2),
)  # fmt: skip
REPLIES = st.builds(
    Reply,
    title=MAYBE,
    text=MAYBE,
    facts=FACTS,
    sections=st.lists(st.builds(Section, MAYBE, MAYBE, FACTS, ITEMS), max_size=2),
    items=ITEMS,
    buttons=BUTTONS,
    context=MAYBE,
    images=st.lists(WORDS.map(lambda w: Path("/tmp") / (w or "x")), max_size=1),
    files=st.lists(WORDS.map(lambda w: Path("/tmp") / (w or "x")), max_size=1),
    form=st.none() | FORMS,
    field=MAYBE,
    classification=MAYBE,
)


@given(REPLIES)
def test_the_mark_is_found_wherever_the_serialised_reply_holds_it(reply: Reply) -> None:
    assert shows_sensitive(reply) == (SENSITIVE_MARK in json.dumps(reply.to_dict()))


def test_the_mark_is_found_in_each_string_of_a_full_reply() -> None:
    """Every string of a reply with every field filled, marked one at a time."""
    count = iter(range(1000))

    def token() -> str:
        return f"s{next(count)}"

    def buttons() -> list[Button]:
        return [Button(token(), token(), {token(): token()}, token())]

    def item() -> Item:
        return Item(token(), token(), None, buttons())

    full = Reply(
        title=token(),
        text=token(),
        facts=[Fact(token(), token())],
        sections=[Section(token(), token(), [Fact(token(), token())], [item()])],
        items=[item()],
        buttons=buttons(),
        context=token(),
        images=[Path(token())],
        files=[Path(token())],
        form=Form(
            token(),
            token(),
            [Input(token(), token(), token(), (token(),), True, token(), token())],
            token(),
            {token(): token()},
            {token(): token()},
        ),
        field=token(),
        classification=token(),
    )
    serialised = json.dumps(full.to_dict())
    used = next(count)
    assert not shows_sensitive(full)
    for i in range(used):
        assert f'"s{i}"' in serialised
        marked = Reply.from_dict(json.loads(serialised.replace(f'"s{i}"', f'"{SENSITIVE_MARK}"')))
        assert shows_sensitive(marked), f"s{i}"


def test_the_full_reply_above_fills_every_field_there_is() -> None:
    """A field added to the reply model must be added to ``shows_sensitive`` and to the reply
    above, or a mark in it would go unseen and the reply could be shared or marked OFFICIAL."""
    from dataclasses import fields

    known = {
        Reply: "title text facts sections items buttons severity ephemeral context images files "
        "form error sanitised field classification",
        Item: "text detail severity buttons",
        Section: "title text facts items",
        Button: "label action payload style",
        Form: "name title inputs submit_label payload errors",
        Input: "name label kind choices required value placeholder",
        Fact: "label value severity",
    }
    for kind, names in known.items():
        assert [f.name for f in fields(kind)] == names.split(), kind.__name__
