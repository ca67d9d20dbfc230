"""Digests that say what changed, messages worded at delivery, nudges that back off.

Demo at Wed 3 Mar 2027 09:00 (see test_actions_chase.py): overdue 1 nguyen (due Mon 22 Feb),
2 evans (Sat 27 Feb), 4 idris, 8 ford (Mon 1 Mar), 10 lowe, 12 Trading Standards (Tue 2 Mar,
held by its coordinator price). walsh coordinates Portsmouth. Every plugin is loaded, so the
digest carries reviews, moderation and plan health too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from socbot_plugins.actions import chase
from socbot_plugins.actions.backoff import reminder_day
from socbot_plugins.actions.models import Action
from sqlmodel import Session, select

from socbot import hookimpl
from socbot.clock import LONDON
from socbot.delivery import deliver_due
from socbot.identify import Who
from socbot.model import Reply
from socbot.outbox import Delivery
from socbot.plugins import get_plugin_manager
from socbot.render_text import render
from socbot.store.models import Outbox, Person

WED = datetime(2027, 3, 3, 9, tzinfo=LONDON)
WEEKDAYS = {0, 1, 2, 3, 4}


@pytest.fixture
def pm():  # type: ignore[no-untyped-def]
    return get_plugin_manager(load_entrypoints=False)


class Face:
    """Delivers everything, keeping what it sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Reply]] = []

    @hookimpl
    def deliver_message(self, message):  # type: ignore[no-untyped-def]
        who = message.person.handle if message.person else f"#{message.channel}"
        self.sent.append((who, message.kind, message.reply))
        return Delivery(True, "test")


@pytest.fixture
def face(bot) -> Face:  # type: ignore[no-untyped-def]
    found = Face()
    bot.pm.register(found, name="test-face")
    return found


def rows(bot, kind: str) -> list[Outbox]:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        query = select(Outbox).where(Outbox.kind == kind).order_by(Outbox.id)  # type: ignore[arg-type]
        return list(session.exec(query).all())


def handle_of(bot, row: Outbox) -> str:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        person = session.get(Person, row.person_id)
        return person.handle if person else "-"


def at(bot, day: datetime) -> None:  # type: ignore[no-untyped-def]
    bot.clock.fixed = day


def say(bot, who: str, line: str) -> Reply:  # type: ignore[no-untyped-def]
    reply = bot.handle(line, Who("console", who), face="console")
    assert not reply.error, reply.text
    return reply


# -- the back-off schedule -----------------------------------------------------------------------


def test_reminders_fall_on_the_1st_2nd_and_4th_working_day_overdue_then_weekly() -> None:
    action = Action(
        ocg_id=1,
        pillar="pursue",
        description="x",
        created_by_id=1,
        created_at=WED,
        due_at=datetime(2027, 3, 2, 18, tzinfo=LONDON),  # Tue 2 Mar
    )
    days = {}
    for n in range(0, 20):
        today = (WED + timedelta(days=n)).date()
        days[today.strftime("%a %d")] = reminder_day(action, today, WEEKDAYS)
    scheduled = sorted({d for d in days.values() if d is not None})
    assert [d.strftime("%a %d") for d in scheduled] == [
        "Wed 03",  # 1st working day overdue
        "Thu 04",  # 2nd
        "Mon 08",  # 4th (the weekend is not counted)
        "Mon 15",  # then weekly: the 9th
        "Mon 22",  # the 14th
    ]


# -- rendered at delivery ------------------------------------------------------------------------


def test_a_nudge_queued_on_20_oct_and_delivered_on_22_oct_counts_to_22_oct(bot, face) -> None:  # type: ignore[no-untyped-def]
    at(bot, datetime(2027, 10, 11, 9, tzinfo=LONDON))
    say(bot, "okafor", 'ocg action smith pursue @nguyen "ANPR check on the van" by 15/10/2027')
    at(bot, datetime(2027, 10, 20, 9, tzinfo=LONDON))  # Wed: 5 days overdue
    bot.run_job("action-nudges")
    [row] = [r for r in rows(bot, "nudge") if handle_of(bot, r) == "nguyen"]
    assert "ANPR check" in str(row.body) and "(5 days overdue)" in str(row.body)
    at(bot, datetime(2027, 10, 22, 9, tzinfo=LONDON))  # the faces were down until Friday
    deliver_due(bot)
    [nudge] = [reply for who, kind, reply in face.sent if (who, kind) == ("nguyen", "nudge")]
    shown = render(nudge)
    assert "ANPR check" in shown and "(7 days overdue)" in shown
    assert "5 days overdue" not in shown
    [row] = [r for r in rows(bot, "nudge") if handle_of(bot, r) == "nguyen"]
    assert "(7 days overdue)" in str(row.body)  # the outbox keeps what was sent


def test_an_action_closed_before_delivery_is_not_nudged(bot, face) -> None:  # type: ignore[no-untyped-def]
    bot.run_job("action-nudges")
    say(bot, "idris", 'ocg done 4 "Company deregistered for VAT" disrupt=no')
    say(bot, "okafor", 'ocg action smith pursue @nguyen "ANPR check" by tomorrow')
    deliver_due(bot)
    assert "idris" not in [who for who, _, _ in face.sent]
    [row] = [r for r in rows(bot, "nudge") if handle_of(bot, r) == "idris"]
    assert row.status == "withdrawn" and "closed" in (row.last_error or "")


def test_an_escalation_drops_actions_closed_before_it_went(bot, face) -> None:  # type: ignore[no-untyped-def]
    bot.run_job("action-escalations")
    say(bot, "idris", 'ocg done 4 "Company deregistered for VAT" disrupt=no')
    deliver_due(bot)
    [okafor] = [reply for who, _, reply in face.sent if who == "okafor"]
    assert okafor.title == "1 action overdue more than 7 days on your OCGs"
    assert "#4" not in render(okafor) and "#1" in render(okafor)


# -- acknowledging -------------------------------------------------------------------------------


def test_seen_stops_the_reminders_until_the_due_date_moves(bot) -> None:  # type: ignore[no-untyped-def]
    """#12 (Trading Standards, held by price) fell due Tue 2 Mar: reminders Wed, Thu, Mon."""
    bot.run_job("action-nudges")
    [nudge] = [Reply.from_dict(r.body) for r in rows(bot, "nudge") if handle_of(bot, r) == "price"]
    [item] = nudge.sections[0].items
    assert item.buttons[-1].label == "Seen"
    seen = bot.handle(
        f"ocg {item.buttons[-1].action} {item.buttons[-1].payload['args']}",
        Who("console", "price"),
        face="console",
    )
    assert seen.title == "Action #12: seen"
    assert "already" in say_error(bot, "price", "ocg seen 12")
    at(bot, WED + timedelta(days=1))  # Thursday would be its 2nd reminder
    assert bot.run_job("action-nudges") == [
        "to @evans: nudge: 1 overdue action (oldest 5 days overdue)",
        "to @lowe: nudge: 1 overdue action (oldest 12 days overdue)",
    ]
    say(bot, "price", 'ocg snooze 12 tomorrow "the cafe was shut"')  # a new due date: Fri
    at(bot, WED + timedelta(days=2))  # Friday: due today, not yet overdue
    assert "price" not in " ".join(bot.run_job("action-nudges"))
    at(bot, WED + timedelta(days=5))  # Monday: the 1st working day past the new date
    assert "to @price: nudge: 1 overdue action (oldest 3 days overdue)" in bot.run_job(
        "action-nudges"
    )


def say_error(bot, who: str, line: str) -> str:  # type: ignore[no-untyped-def]
    reply = bot.handle(line, Who("console", who), face="console")
    assert reply.error
    return reply.text or ""


# -- reassignment --------------------------------------------------------------------------------


def test_a_new_owner_is_told_once_and_a_partner_reads_no_name(bot, face) -> None:  # type: ignore[no-untyped-def]
    say(bot, "okafor", 'ocg nominal add smith "Dwayne Kettering" significant')
    say(
        bot,
        "okafor",
        'ocg action smith protect @nguyen "Visit the garage Kettering uses" by friday',
    )
    say(bot, "nguyen", 'ocg reassign 13 @evans "Trading Standards know the garage"')
    deliver_due(bot)
    deliver_due(bot)
    told = [reply for who, kind, reply in face.sent if kind == "reassigned"]
    assert [(who) for who, kind, _ in face.sent if kind == "reassigned"] == ["evans"]
    shown = render(told[0])
    assert told[0].title == "Action #13 is now yours"
    assert "Kettering" not in shown and "[name withheld]" in shown
    assert "Smith Brothers" not in shown and "From: @nguyen" in shown


def test_a_notice_for_an_action_that_moved_on_is_withdrawn(bot, face) -> None:  # type: ignore[no-untyped-def]
    say(bot, "okafor", 'ocg reassign 1 @cole "Pursue lead takes it"')
    say(bot, "okafor", 'ocg reassign 1 @nguyen "back to the SIO"')
    deliver_due(bot)
    assert [who for who, kind, _ in face.sent if kind == "reassigned"] == ["nguyen"]
    withdrawn = [r for r in rows(bot, "reassigned") if r.status == "withdrawn"]
    assert [handle_of(bot, r) for r in withdrawn] == ["cole"]


# -- the digest ----------------------------------------------------------------------------------


def test_the_digest_covers_reviews_moderation_and_plan_health(bot) -> None:  # type: ignore[no-untyped-def]
    bot.run_job("action-digest")
    [row] = [r for r in rows(bot, "digest") if handle_of(bot, r) == "walsh"]
    digest = Reply.from_dict(row.body)
    assert digest.title == (
        "Coordinators' digest for Portsmouth: 5 overdue actions, 2 reviews overdue, "
        "3 disruptions awaiting moderation, 9 plan-health failures"
    )
    titles = [s.title for s in digest.sections]
    assert "Reviews overdue: 2" in titles
    assert "Disruptions awaiting moderation: 3" in titles
    assert "Plan-health failures: 9" in titles
    [price] = [r for r in rows(bot, "digest") if handle_of(bot, r) == "price"]
    assert "Reviews" not in str(price.body)  # a partner coordinator: their agency's actions


def test_a_digest_lists_sixty_lines_and_counts_the_owners_beyond(bot) -> None:  # type: ignore[no-untyped-def]
    """70 more overdue actions in Portsmouth, each with an owner of its own: walsh's digest
    shows 60 lines, one owner each, then counts the rest in one line instead of a heading for
    every further owner (229 headings in a partner coordinator's digest at national scale)."""
    now = bot.clock.utcnow()
    with Session(bot.engine) as session:
        for n in range(70):
            owner = Person(handle=f"pc{n:02d}", name=f"Officer {n:02d}", area="Portsmouth",
                           created_at=now)  # fmt: skip
            session.add(owner)
            session.flush()
            due = now - timedelta(days=2)
            session.add(
                Action(ocg_id=1, pillar="pursue", description=f"Check {n}", owner_id=owner.id,
                       created_by_id=1, created_at=now, due_at=due)
            )  # fmt: skip
        session.commit()
    bot.run_job("action-digest")
    [row] = [r for r in rows(bot, "digest") if handle_of(bot, r) == "walsh"]
    digest = Reply.from_dict(row.body)
    assert digest.sections[0].title == "Overdue actions: 75 (oldest 15 days overdue)"
    groups = [s for s in digest.sections[1:] if s.title and " · " in s.title]
    assert len(groups) == 60 and all(len(s.items) == 1 for s in groups)
    assert digest.sections[61].text == (
        "... and 15 more new overdue actions in 15 more groups by agency and owner: "
        "`ocg actions overdue` lists them all."
    )
    assert len(row.body["render"]["keys"]) == 75 + 2 + 3 + 9  # every entry is still compared


def test_a_week_of_days_digests_change_and_nudges_back_off(bot, face) -> None:  # type: ignore[no-untyped-def]
    """Run every job each morning from Wed 3 to Fri 12 Mar, with work done along the way."""
    digests: dict[str, list[str]] = {}
    nudged: dict[str, list[str]] = {}
    for n in range(10):
        day = WED + timedelta(days=n)
        at(bot, day)
        if n == 1:  # Thu: HMRC closes #4
            say(bot, "idris", 'ocg done 4 "Company deregistered for VAT" disrupt=no')
        if n == 5:  # Mon: the moderator accepts the pending disruption
            say(bot, "moss", "ocg accept 3")
        if n == 6:  # Tue: the Smith Brothers' review is held, and its tier changes
            say(
                bot,
                "okafor",
                'ocg review smith tier=2 "supply line quiet: principals remanded" '
                'pursue="two charged" prevent="schools sessions" protect="car wash visited" '
                'prepare="exit plan drafted"',
            )
        label = day.strftime("%a %d")
        face.sent.clear()
        chase.sweep(bot)
        bot.run_job("review-alerts")
        deliver_due(bot)
        digests[label] = [
            r.text or "" for who, kind, r in face.sent if (who, kind) == ("walsh", "digest")
        ]
        nudged[label] = [
            " ".join(w for w in render(r).split() if w.startswith("#") and w[1:].isdigit())
            for who, kind, r in face.sent
            if (who, kind) == ("price", "nudge")
        ]
    assert digests == {
        "Wed 03": [
            "5 overdue actions, 2 reviews overdue, 3 disruptions awaiting moderation, "
            "9 plan-health failures (first digest)"
        ],
        "Thu 04": ["1 closed (since Wed 3 Mar 2027)"],
        "Fri 05": [],  # nothing changed: nothing sent
        "Sat 06": [],
        "Sun 07": [],
        "Mon 08": ["1 new overdue, 1 moderated (since Thu 4 Mar 2027)"],
        "Tue 09": ["1 review recorded, 1 tier change (since Mon 8 Mar 2027)"],
        "Wed 10": ["1 new overdue (since Tue 9 Mar 2027)"],
        "Thu 11": [],
        "Fri 12": [],
    }
    # #12 fell due Tue 2 Mar: its coordinator hears on the 1st, 2nd and 4th working day
    # overdue (Wed, Thu, Mon), and not again until a week of working days later (Mon 15).
    assert {day: ids for day, ids in nudged.items() if ids} == {
        "Wed 03": ["#12"],
        "Thu 04": ["#12"],
        "Mon 08": ["#12"],
    }


def test_review_alerts_count_days_at_delivery_and_go_no_further_once_the_review_is_held(
    bot, face
) -> None:  # type: ignore[no-untyped-def]
    bot.run_job("review-alerts")  # Wed 3 Mar: OCG-0001 overdue by 12 days, OCG-0009 by 2
    at(bot, WED + timedelta(days=2))
    say(
        bot,
        "okafor",
        'ocg review smith "supply line quiet: principals remanded" pursue="two charged" '
        'prevent="schools sessions" protect="car wash visited" prepare="exit plan drafted"',
    )
    deliver_due(bot)
    sent = [render(r) for _, kind, r in face.sent if kind == "review-alert"]
    assert sent and all("OCG-0001" not in text for text in sent)
    assert any("OCG-0009" in t and "overdue by 4 days" in t for t in sent)
    assert not any("overdue by 2 days" in t for t in sent)
    withdrawn = [r for r in rows(bot, "review-alert") if r.status == "withdrawn"]
    assert withdrawn and all("review was recorded" in (r.last_error or "") for r in withdrawn)
