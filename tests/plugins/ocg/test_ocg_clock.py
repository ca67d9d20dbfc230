"""The review clock: calendar months clamped to month end, leap years, tier changes."""

from datetime import date

import pytest
from socbot_plugins.ocg.alerts import stages
from socbot_plugins.ocg.rules import age, next_due, stale
from sqlmodel import Session, select

from socbot.identify import Who
from socbot.plugins import get_plugin_manager
from socbot.store.models import Ocg


@pytest.fixture
def bot(make_bot, engine):
    return make_bot(engine, plugins=get_plugin_manager(False, allow="help,ocg,plan"), demo=True)


def say(bot, handle, text):
    return bot.handle(text, Who("console", handle), face="console")


@pytest.mark.parametrize(
    ("last", "tier", "due"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # 31 Jan + 1 month: end of February
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # ... in a leap year, the 29th
        (date(2028, 2, 29), 1, date(2028, 3, 29)),  # from a leap day: same day next month
        (date(2028, 2, 29), 4, date(2028, 8, 29)),
        (date(2027, 11, 30), 2, date(2028, 2, 29)),  # quarterly across a year into a leap Feb
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 11, 30), 2, date(2027, 2, 28)),
        (date(2027, 8, 31), 4, date(2028, 2, 29)),  # six months
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 12, 15), 1, date(2028, 1, 15)),  # across the year end
        (date(2027, 3, 3), 4, date(2027, 9, 3)),
    ],
)
def test_next_due_counts_calendar_months_clamped_to_month_end(last, tier, due):
    assert next_due(last, tier) == due


def test_the_clock_runs_from_each_review_not_from_the_old_due_date():
    # 31 Jan -> 28 Feb; a review held on 28 Feb is due 28 Mar, not 31 Mar
    assert next_due(next_due(date(2027, 1, 31), 1), 1) == date(2027, 3, 28)


def test_morile_goes_stale_after_twelve_calendar_months():
    today = date(2028, 2, 29)
    assert not stale(date(2027, 2, 28), today)
    assert stale(date(2027, 2, 27), today)
    assert stale(None, today)
    assert age(date(2026, 1, 1), date(2027, 3, 3)) == "14 months ago"


@pytest.mark.parametrize(
    ("days_to_due", "expected"),
    [
        (8, []),
        (7, [("before", 0)]),
        (0, [("before", 0)]),
        (-1, [("overdue", 0)]),
        (-7, [("overdue", 0)]),
        (-8, [("overdue", 1)]),
        (-13, [("overdue", 1)]),
        (-14, [("overdue", 1), ("escalation", 0)]),
        (-21, [("overdue", 2), ("escalation", 1)]),
    ],
)
def test_alert_stages_by_days_from_due(days_to_due, expected):
    today = date(2027, 3, 3)
    due = date.fromordinal(today.toordinal() + days_to_due)
    assert stages(due, today, alert_days=7, escalate_days=14) == expected


def _ocg(bot, ref):
    with Session(bot.engine) as s:
        return s.exec(select(Ocg).where(Ocg.ref == ref)).one()


def test_a_tier_change_takes_effect_from_the_review_that_made_it(bot):
    # Red Kite (OCG-0007) is tier 4: six-monthly. Moving it to tier 1 makes the next review a
    # month after this review, not six.
    reply = say(bot, "okafor", 'ocg review "red kite" tier=1 "new intelligence: firearms"')
    assert not reply.error, reply.text
    ocg = _ocg(bot, "OCG-0007")
    assert (ocg.tier, ocg.last_review_on, ocg.next_review_due) == (
        1,
        date(2027, 3, 3),
        date(2027, 4, 3),
    )
    # a review date in the future is refused and changes nothing
    refused = say(bot, "okafor", 'ocg review OCG-0007 tier=4 on=04/03/2027 "threat receded"')
    assert refused.error and "future" in refused.text
    assert _ocg(bot, "OCG-0007").next_review_due == date(2027, 4, 3)
    # and back down a month later: six months from the review that lowers it
    bot.clock.advance(days=30)
    reply = say(bot, "okafor", 'ocg review OCG-0007 tier=4 "threat receded"')
    assert "Sat 2 Oct 2027" in reply.facts[-1].value
    assert _ocg(bot, "OCG-0007").next_review_due == date(2027, 10, 2)


def test_a_review_on_the_last_day_of_january_is_due_at_the_end_of_february(bot):
    say(bot, "okafor", 'ocg review smith on=31/01/2027 "reviewed at January tasking"')
    assert _ocg(bot, "OCG-0001").next_review_due == date(2027, 2, 28)
    # recorded late, so it is already overdue, and the reply says so
    reply = say(bot, "okafor", 'ocg review smith on=28/02/2027 "February tasking"')
    assert _ocg(bot, "OCG-0001").next_review_due == date(2027, 3, 28)
    assert "Sun 28 Mar 2027" in reply.facts[-1].value


def test_a_new_ocg_is_due_one_period_from_its_creation(bot):
    reply = say(bot, "hart", 'ocg new "Canal Street Crew" band=3A tier=3 lro=@okafor')
    assert not reply.error, reply.text
    ocg = _ocg(bot, "OCG-0011")
    assert ocg.last_review_on is None and ocg.next_review_due == date(2027, 6, 3)
