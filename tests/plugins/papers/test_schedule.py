"""Scheduled papers: the rules read in UK time, each run queued once however many sweeps run,
worded at delivery, and stopped by ``ocg unschedule``."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pypdf import PdfReader
from socbot_plugins.papers import recur
from socbot_plugins.papers.schedule import PaperSchedule
from sqlmodel import Session, col, func, select

from socbot.clock import LONDON
from socbot.model import CommandError, Reply, Withdraw
from socbot.outbox import render
from socbot.store.models import Outbox


@pytest.mark.parametrize(
    ("typed", "runs", "not_runs"),
    [
        ("every first monday 08:00", date(2027, 3, 1), date(2027, 3, 8)),
        ("every monday 08:00", date(2027, 3, 8), date(2027, 3, 9)),
        ("every weekday 08:00", date(2027, 3, 5), date(2027, 3, 6)),
        ("monthly on the 1st 07:30", date(2027, 4, 1), date(2027, 4, 2)),
        ("monthly on the 31st 07:30", date(2027, 4, 30), date(2027, 4, 29)),
        ("every last friday 16:00", date(2027, 3, 26), date(2027, 3, 19)),
    ],
)
def test_the_rules_a_coordinator_says(typed, runs, not_runs):
    rule = recur.parse(typed)
    assert rule.runs_on(runs) and not rule.runs_on(not_runs)


@pytest.mark.parametrize(
    "typed",
    ["every first monday", "fortnightly 08:00", "every blursday 08:00", "every monday 25:00", ""],
)
def test_what_it_cannot_read_is_refused_politely(typed):
    with pytest.raises(CommandError, match="I understand: every first monday 08:00"):
        recur.parse(typed)


def test_the_time_is_uk_time_across_the_clock_change():
    rule = recur.parse("every monday 08:00")
    before = rule.next(datetime(2027, 3, 15, 9, 0, tzinfo=LONDON))  # Mon 22 Mar, GMT
    after = rule.next(before)  # Mon 29 Mar, BST from Sun 28 Mar
    assert (before.hour, after.hour) == (8, 8)
    assert after.utcoffset() != before.utcoffset()


def secure(bot, *names: str) -> None:  # type: ignore[no-untyped-def]
    """An admin marks the papers' channels secure (their ceiling: OFFICIAL-SENSITIVE)."""
    from socbot.identify import Who

    for name in names:
        said = bot.handle(f"channel secure {name}", Who("console", "admin"), face="console")
        assert not said.error, said.text


def rows(bot) -> list[Outbox]:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as s:
        return list(s.exec(select(Outbox).where(Outbox.kind == "paper")).all())


def test_a_run_is_queued_once_however_many_sweeps_and_worded_at_delivery(bot, say):
    # the demo clock: Wed 3 Mar 2027 09:00; the schedule runs every Thursday at 08:00
    secure(bot, "soc-coordinators")
    reply = say("walsh", "ocg schedule pack tasking every thursday 08:00 to #soc-coordinators")
    assert not reply.error, reply.text
    assert reply.text == "Every Thursday at 08:00 (UK time). First: Thu 4 Mar 2027 08:00."
    assert bot.run_job("paper-schedules") == []  # not due yet
    bot.clock.advance(hours=23, minutes=30)  # Thu 08:30
    first = bot.run_job("paper-schedules")
    assert first == [
        "to #soc-coordinators: the tasking meeting pack (schedule #1, run 2027-03-04 08:00)"
    ]
    bot.clock.advance(minutes=15)
    assert bot.run_job("paper-schedules") == []  # the same run: not again
    [row] = rows(bot)
    assert row.channel == "#soc-coordinators" and row.key == "paper:1:2027-03-04"
    with Session(bot.engine) as s:
        shown = render(bot, s, s.get(Outbox, row.id))
    assert isinstance(shown, Reply) and "Agenda" in str(shown.to_dict())
    assert "as at Thu 4 Mar 2027 08:45" in (shown.context or "")
    [paper] = shown.files  # the full pack as a PDF, built at delivery
    text = "\n".join(
        page.extract_text(extraction_mode="layout") or "" for page in PdfReader(paper).pages
    )
    assert text.lstrip().startswith("OFFICIAL-SENSITIVE") and "Tasking meeting pack" in text
    assert shown.classification == "OFFICIAL-SENSITIVE"
    bot.clock.advance(days=7)  # the next Thursday: one more
    assert len(bot.run_job("paper-schedules")) == 1 and len(rows(bot)) == 2


def test_schedules_are_listed_and_an_unscheduled_paper_is_withdrawn(bot, say):
    secure(bot, "soc-board")
    say("walsh", "ocg schedule report board monthly on the 1st 07:30 to #soc-board")
    listed = say("walsh", "ocg schedules").sections[0].items[0]
    assert listed.text == "#1 the SOC board report to #soc-board"
    assert listed.detail == "monthly on day 1 at 07:30; next Thu 1 Apr 2027 07:30"
    bot.clock.advance(days=29)  # Thu 1 Apr 09:00
    assert len(bot.run_job("paper-schedules")) == 1
    assert not say("walsh", "ocg unschedule 1").error
    with Session(bot.engine) as s:
        shown = render(bot, s, s.get(Outbox, rows(bot)[0].id))
    assert isinstance(shown, Withdraw)
    assert say("walsh", "ocg schedules").sections[0].text.startswith("None.")


def test_only_coordinators_and_the_sro_schedule_and_bad_rules_write_nothing(bot, say):
    for who in ("okafor", "evans"):
        assert say(who, "ocg schedule pack tasking every monday 08:00 to #x").error, who
    for line in (
        "ocg schedule pack tasking every blursday 08:00 to #x",
        "ocg schedule pack tasking every monday 08:00",
        "ocg schedule minutes every monday 08:00 to #x",
    ):
        assert say("walsh", line).error, line
    with Session(bot.engine) as s:
        assert s.exec(select(func.count()).select_from(PaperSchedule)).one() == 0
    secure(bot, "soc")
    assert not say("hart", "ocg schedule pack tasking every weekday 08:00 to #soc").error
    with Session(bot.engine) as s:
        assert s.exec(select(col(PaperSchedule.rule))).all() == ["every weekday 08:00"]


def test_two_sweeps_on_either_store_queue_a_run_once(make_bot, any_engine):  # type: ignore[no-untyped-def]
    from socbot.identify import Who

    bot = make_bot(any_engine, demo=True)
    secure(bot, "soc-board")
    said = bot.handle(
        "ocg schedule report board every weekday 08:00 to #soc-board",
        Who("console", "hart"),
        face="console",
    )
    assert not said.error, said.text
    assert bot.run_job("paper-schedules") == []  # made after today's 08:00: from tomorrow
    bot.clock.advance(days=1)
    assert bot.run_job("paper-schedules") == ["to #soc-board: the SOC board report "
                                              "(schedule #1, run 2027-03-04 08:00)"]  # fmt: skip
    assert bot.run_job("paper-schedules") == []
    assert [r.key for r in rows(bot)] == ["paper:1:2027-03-04"]


def test_a_paper_goes_only_to_a_channel_marked_secure_for_it(bot, say):
    """Papers are OFFICIAL-SENSITIVE: a channel not marked secure is refused when scheduled,
    and a paper whose channel was marked insecure since is withdrawn, never posted."""
    refused = say("walsh", "ocg schedule pack tasking every thursday 08:00 to #open-plan")
    assert refused.error and "isn't marked secure" in (refused.text or "")
    assert "channel secure open-plan" in (refused.text or "")
    with Session(bot.engine) as s:
        assert s.exec(select(func.count()).select_from(PaperSchedule)).one() == 0
    secure(bot, "open-plan")
    assert not say("walsh", "ocg schedule pack tasking every thursday 08:00 to #open-plan").error
    bot.clock.advance(days=1)
    assert len(bot.run_job("paper-schedules")) == 1
    assert not say("admin", "ocg channel insecure open-plan").error
    with Session(bot.engine) as s:
        shown = render(bot, s, s.get(Outbox, rows(bot)[0].id))
    assert isinstance(shown, Withdraw) and "isn't marked secure" in shown.reason
