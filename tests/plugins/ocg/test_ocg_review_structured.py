"""Structured reviews (issue 15, part 5): each gap the issue lists is replayed here.

A review records progress per pillar, scores with the reason for any change, the disruptions
since the last review and the next review date; it refuses an empty or one-word review and a
second scheduled review on one day, and shows the date entered beside the date held when they
are more than two days apart. Clock: Wed 3 Mar 2027; Smith Brothers (OCG-0001, tier 1) was last
reviewed Tue 19 Jan 2027 and has two disruptions since (11 and 26 Feb).
"""

from datetime import date

import pytest
from socbot_plugins.ocg.models import Review
from sqlmodel import Session, func, select

from socbot.store.models import Ocg


def last_review(bot) -> Review:
    with Session(bot.engine) as s:
        return s.exec(select(Review).order_by(Review.id.desc())).first()


def count(bot) -> int:
    with Session(bot.engine) as s:
        return s.exec(select(func.count()).select_from(Review)).one()


def smith(bot) -> Ocg:
    with Session(bot.engine) as s:
        return s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()


@pytest.mark.parametrize(
    "line",
    [
        "ocg review smith",
        'ocg review smith "ok"',
        "ocg review smith ok",
        "ocg review smith scheduled",
    ],
)
def test_an_empty_or_one_word_review_is_refused_politely(bot, say, line):
    """Gap: "accepts `ocg review smith` with no notes, "ok"..."."""
    before = count(bot)
    reply = say("okafor", line)
    assert reply.error and reply.field == "notes"
    assert "a few words" in reply.text and "pursue=" in reply.text
    assert count(bot) == before and smith(bot).last_review_on == date(2027, 1, 19)


def test_a_one_word_pillar_progress_is_refused(bot, say):
    reply = say("okafor", 'ocg review smith "plan on track" prevent=ok')
    assert reply.error and reply.field == "prevent" and "a few words" in reply.text


def test_a_review_keeps_progress_per_pillar_and_counts_disruptions_since_the_last(bot, say):
    reply = say(
        "okafor",
        'ocg review smith "on track: supply line quiet" pursue="two charged, one remanded" '
        'prevent="schools sessions delivered"',
    )
    assert not reply.error, reply.text
    facts = {f.label: f.value for f in reply.facts}
    assert facts["Pursue"] == "two charged, one remanded"
    assert facts["Prevent"] == "schools sessions delivered"
    assert facts["No progress given for"].startswith("Protect, Prepare")
    assert facts["Disruptions"] == "2 since Tue 19 Jan 2027"
    row = last_review(bot)
    assert row.progress == {
        "pursue": "two charged, one remanded",
        "prevent": "schools sessions delivered",
    }
    assert row.disruptions == 2
    history = say("okafor", "ocg reviews smith").sections[0].items[0]
    assert "Pursue: two charged, one remanded" in history.detail
    assert "disruptions since the review before: 2" in history.detail


def test_a_second_scheduled_review_on_one_day_is_refused_but_a_trigger_review_is_fine(bot, say):
    """Gap: "... two reviews on one day"."""
    assert not say("okafor", 'ocg review smith "plan on track, no change"').error
    second = say("hart", 'ocg review smith "reviewed again at tasking"')
    assert second.error and second.field == "kind"
    assert "already has a scheduled review held on Wed 3 Mar 2027" in second.text
    assert "@okafor" in second.text and "trigger" in second.text
    trigger = say("okafor", 'ocg review smith trigger "two principals remanded this afternoon"')
    assert not trigger.error, trigger.text
    assert [r.kind for r in [last_review(bot)]] == ["trigger"]
    # the next day a scheduled review is fine again
    bot.clock.advance(days=1)
    assert not say("okafor", 'ocg review smith "follow-up with the SIO, no change"').error


def test_a_trigger_review_needs_its_trigger(bot, say):
    reply = say("okafor", "ocg review smith trigger ok")
    assert reply.error and "what triggered it" in reply.text


def test_a_review_entered_long_after_it_was_held_shows_both_dates(bot, say):
    """Gap: "`on=31/08/2026` typed in February with nothing saying it was entered late"."""
    reply = say("okafor", 'ocg review smith on=22/01/2027 "plan on track at the January board"')
    assert not reply.error, reply.text
    assert "held 22/01/2027, entered 03/03/2027" in reply.text
    item = say("okafor", "ocg reviews smith").sections[0].items[0]
    assert item.text.endswith("(held 22/01/2027, entered 03/03/2027)")


def test_a_review_entered_within_two_days_shows_one_date(bot, say):
    reply = say("okafor", 'ocg review smith on=01/03/2027 "plan on track at Monday\'s board"')
    assert not reply.error and "entered" not in reply.text
    assert "entered" not in say("okafor", "ocg reviews smith").sections[0].items[0].text


def test_next_may_bring_the_next_review_forward_but_never_put_it_back(bot, say):
    later = say("okafor", 'ocg review smith "plan on track" next=30/04/2027')
    assert later.error and later.field == "next"
    assert "by Sat 3 Apr 2027 at the latest" in later.text
    assert count(bot) == 10
    sooner = say("okafor", 'ocg review smith "plan on track" next=17/03/2027')
    assert not sooner.error, sooner.text
    assert smith(bot).next_review_due == date(2027, 3, 17)
    assert sooner.facts[-1].value.startswith("Wed 17 Mar 2027 (brought forward")
    assert last_review(bot).next_due == date(2027, 3, 17)
