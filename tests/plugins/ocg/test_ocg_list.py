"""``ocg list`` and the ``ocg reviews`` calendar: threat order, filters, paging, need-to-know."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from socbot.identify import Who
from socbot.model import Severity
from socbot.plugins import get_plugin_manager
from socbot.render_text import render
from socbot.store.models import Ocg


@pytest.fixture
def bot(make_bot, engine):
    # actions too: partners reach OCGs through the actions they hold (its ocg_reach hook)
    pm = get_plugin_manager(False, allow="help,ocg,plan,actions")
    return make_bot(engine, plugins=pm, demo=True)


def say(bot, handle, text):
    return bot.handle(text, Who("console", handle), face="console")


def refs(reply):
    items = reply.items or [i for s in reply.sections for i in s.items]
    return [i.text.split()[0] for i in items]


def test_list_sorts_by_band_then_pmech_then_most_overdue(bot):
    with Session(bot.engine) as s:
        for ref, pmech, due in (
            ("OCG-0011", None, date(2027, 2, 1)),
            ("OCG-0012", "P1", date(2027, 5, 1)),
        ):
            s.add(
                Ocg(
                    ref=ref,
                    name=f"Extra {ref}",
                    name_key=f"extra {ref.lower()}",
                    band="1A",
                    pmech=pmech,
                    tier=1,
                    created_at=datetime(2027, 1, 1, tzinfo=UTC),
                    next_review_due=due,
                )
            )
        s.commit()
    reply = say(bot, "hart", "ocg list")
    assert reply.title == "OCGs: 12"
    # 1A with P1, 1A with P2, 1A with no P-mech; then 1B, 2A (P4), 2B, 2C, 3A, 3C, 4A, 4B, 5C
    assert refs(reply) == [
        "OCG-0012",
        "OCG-0001",
        "OCG-0011",
        "OCG-0003",
        "OCG-0006",
        "OCG-0002",
        "OCG-0009",
        "OCG-0004",
        "OCG-0005",
        "OCG-0010",
        "OCG-0007",
        "OCG-0008",
    ]
    assert "page 1 of 1" in reply.context


def test_filters_combine(bot):
    assert refs(say(bot, "hart", "ocg list overdue")) == ["OCG-0001", "OCG-0009", "OCG-0004"]
    assert refs(say(bot, "hart", "ocg list overdue area southampton")) == ["OCG-0004"]
    assert refs(say(bot, "hart", "ocg list tier 1")) == ["OCG-0001", "OCG-0003"]
    assert refs(say(bot, "hart", "ocg list band 2")) == ["OCG-0006", "OCG-0002", "OCG-0009"]
    assert refs(say(bot, "hart", "ocg list band=2b")) == ["OCG-0002"]
    assert refs(say(bot, "hart", "ocg list pmech")) == ["OCG-0001", "OCG-0006"]
    assert refs(say(bot, "hart", "ocg list due 5")) == [
        "OCG-0001",
        "OCG-0003",
        "OCG-0009",
        "OCG-0004",
        "OCG-0008",
    ]
    assert refs(say(bot, "okafor", "ocg list mine tier 2")) == ["OCG-0002", "OCG-0009"]
    assert say(bot, "hart", "ocg list tier 1 band 5").text.startswith("None match")


def test_list_items_say_band_lro_and_review_state(bot):
    reply = say(bot, "hart", "ocg list overdue")
    first = reply.items[0]
    assert first.text == "OCG-0001 Smith Brothers"
    assert "1A · tier 1 · P2 · Portsmouth · LRO @okafor · review overdue by 12 days" in first.detail
    assert first.severity == Severity.ERROR
    assert first.buttons[0].action == "status" and first.buttons[0].payload == {"args": "OCG-0001"}


def test_an_lro_lists_only_their_own_ocgs(bot):
    assert refs(say(bot, "okafor", "ocg list")) == [
        "OCG-0001",
        "OCG-0002",
        "OCG-0009",
        "OCG-0005",
        "OCG-0007",
    ]


def test_a_partner_list_is_sanitised(bot):
    reply = say(bot, "evans", "ocg list")
    text = render(reply)
    assert refs(reply) == ["OCG-0001", "OCG-0009"] and reply.sanitised
    assert "Group A (Fratton)" in text and "Smith" not in text and "okafor" not in text


def test_paging(bot):
    with Session(bot.engine) as s:
        for n in range(11, 41):
            s.add(
                Ocg(
                    ref=f"OCG-{n:04d}",
                    name=f"Group {n}",
                    name_key=f"group {n}",
                    band="5C",
                    tier=4,
                    created_at=datetime(2027, 1, 1, tzinfo=UTC),
                    next_review_due=date(2027, 9, 1),
                )
            )
        s.commit()
    first = say(bot, "hart", "ocg list")
    assert first.title == "OCGs: 40" and len(first.items) == 15
    assert "page 1 of 3" in first.context and "page 2" in first.context
    third = say(bot, "hart", "ocg list page 3")
    assert len(third.items) == 10 and "page 3 of 3" in third.context
    assert not set(refs(first)) & set(refs(third))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("ocg list tier 9", "tier of response"),
        ("ocg list band 7Z", "isn't an OCGM band"),
        ("ocg list due soon", "due needs a number"),
        ("ocg list colour red", "I don't know the filter"),
        ("ocg list tier", "needs a value"),
    ],
)
def test_bad_filters_are_explained(bot, text, says):
    reply = say(bot, "hart", text)
    assert reply.error and says in reply.text


def test_review_calendar_groups_by_urgency(bot):
    reply = say(bot, "hart", "ocg reviews")
    groups = {s.title: [i.text.split(":")[0] for i in s.items] for s in reply.sections}
    assert groups == {
        "Overdue": [
            "OCG-0004 Marlowe Family",
            "OCG-0001 Smith Brothers",
            "OCG-0009 Eastern Docks Syndicate",
        ],
        "Due in the next 14 days": ["OCG-0008 Quarry Road", "OCG-0003 Kestrel Network"],
        "Later": ["OCG-0006 Copperfield Group"],
    }
    assert refs(say(bot, "hart", "ocg reviews overdue")) == ["OCG-0004", "OCG-0001", "OCG-0009"]
    assert refs(say(bot, "okafor", "ocg reviews due 60 mine")) == [
        "OCG-0001",
        "OCG-0009",
        "OCG-0002",
    ]


def test_a_partner_cannot_filter_the_list_by_area_or_p_mech(say):
    for line in ("list area Portsmouth pmech", "list area Southampton", "list pmech"):
        reply = say("evans", line)
        assert reply.error and "partner view" in reply.text
