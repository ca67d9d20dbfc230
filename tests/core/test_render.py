from dataclasses import asdict
from pathlib import Path

from socbot.model import Button, Fact, Form, Input, Item, Reply, Section, Severity
from socbot.render_text import render


def sample() -> Reply:
    return Reply(
        title="OCG-0001 Smith Brothers",
        facts=[Fact("Band", "1A"), Fact("Review due", "Fri 5 Mar 2027", Severity.WARNING)],
        sections=[
            Section(
                "Overdue actions",
                items=[
                    Item(
                        "#3 cash seizure",
                        "9 days overdue",
                        Severity.ERROR,
                        [Button("Done", "form:action.done", {"id": "3"})],
                    ),
                ],
            )
        ],
        context="as of Wed 3 Mar 2027",
    )


def test_plain_text_shows_facts_flags_items_and_buttons():
    text = render(sample())
    assert text.splitlines()[0] == "OCG-0001 Smith Brothers"
    assert "  Review due: Fri 5 Mar 2027 [!]" in text
    assert "  - ! #3 cash seizure" in text and "[Done]" in text
    assert text.endswith("as of Wed 3 Mar 2027")


def test_reply_survives_the_outbox_round_trip():
    reply = sample()
    assert Reply.from_dict(reply.to_dict()) == reply


def test_to_dict_is_asdict_with_paths_as_text():
    """The hand-written ``to_dict`` must keep up with every field of every part of a reply."""
    field = Input("n", "N", "choice", ("a", "b"), False, "v", "p")
    form = Form("f", "F", [field], "Go", {"p": "1"}, {"n": "bad"})
    full = Reply(
        buttons=[Button("B", "b", {}, "primary")],
        items=[Item("x")],
        images=[Path("/tmp/c.png")],
        form=form,
        field="n",
    )
    for reply in (Reply(), sample(), full):
        assert reply.to_dict() == {**asdict(reply), "images": [str(p) for p in reply.images]}
        assert Reply.from_dict(reply.to_dict()) == reply
