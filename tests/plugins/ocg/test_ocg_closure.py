"""``ocg close`` and ``ocg reopen`` (issue 15, part 7): archive with a reason and an exit
strategy; an archived OCG shows no overdue review and raises no alert or chasing; reopening
restarts its review clock. Smith Brothers (OCG-0001, LRO @okafor) is 12 days overdue for review
on the demo's Wed 3 Mar 2027 and has actions long overdue."""

from datetime import date

import pytest
from socbot_plugins.plan.models import Decision
from sqlmodel import Session, func, select

from socbot.delivery import deliver_due
from socbot.store.models import Ocg, Outbox

CLOSE = (
    'ocg close smith because "principals convicted, network dismantled" '
    'exit="council and housing hold the estate; intel reviewed monthly"'
)


def smith(bot) -> Ocg:
    with Session(bot.engine) as s:
        return s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()


@pytest.fixture
def decisions(bot):
    """Smith's decision-log entries written by the test (the demo's own left out)."""
    with Session(bot.engine) as s:
        demo = s.exec(select(func.max(Decision.id))).one() or 0

    def entries(_bot) -> list[Decision]:
        with Session(bot.engine) as s:
            query = select(Decision).where(Decision.ocg_id == smith(bot).id, Decision.id > demo)
            return list(s.exec(query.order_by(Decision.id)).all())

    return entries


def test_the_lro_closes_an_ocg_with_reason_and_exit_strategy_logged(bot, say, decisions):
    reply = say("okafor", CLOSE)
    assert not reply.error, reply.text
    assert reply.title == "Archived OCG-0001 Smith Brothers"
    assert smith(bot).status == "archived"
    [entry] = decisions(bot)
    assert (entry.topic, entry.rationale) == ("closure", "principals convicted, network dismantled")
    assert entry.text == (
        "active → archived; exit strategy: council and housing hold the estate; intel reviewed "
        "monthly"
    )
    log = say("okafor", "ocg decisions smith").sections[0].items[0]
    assert "Closed: active → archived; exit strategy" in log.text


def test_closing_needs_a_reason_and_an_exit_strategy_of_a_few_words(bot, say, decisions):
    for line, field in (
        ("ocg close smith", "because"),
        ('ocg close smith because "done"', "because"),
        ('ocg close smith because "principals all convicted"', "exit"),
        ('ocg close smith because "principals all convicted" exit="council"', "exit"),
        ('ocg close smith now because "principals all convicted" exit="a b c"', "because"),
    ):
        reply = say("okafor", line)
        assert reply.error and reply.field == field, (line, reply.text)
    assert smith(bot).status == "active" and decisions(bot) == []


def test_only_the_lro_and_the_sro_close_or_reopen(bot, say):
    assert say("nguyen", CLOSE).error  # the SIO: sees it, doesn't own the plan
    assert "can't find" in say("brennan", CLOSE).text  # another OCG's LRO
    assert say("admin", CLOSE).error  # runs socbot; the plan is the LRO's
    assert smith(bot).status == "active"
    assert not say("hart", CLOSE).error  # the SRO, on any OCG
    assert say("nguyen", 'ocg reopen smith because "new intelligence on the network"').error


def test_an_archived_ocg_shows_no_overdue_review_and_leaves_the_lists(bot, say):
    assert "overdue" in str(say("okafor", "ocg status smith").to_dict())
    assert "OCG-0001" in str(say("okafor", "ocg reviews overdue").to_dict())
    say("okafor", CLOSE)
    status = say("okafor", "ocg status smith")
    assert status.title == "OCG-0001 Smith Brothers (archived)"
    review = {f.label: f for s in status.sections for f in s.facts}["Next review"]
    assert review.value.startswith("none while archived") and review.severity is None
    review_section = next(s for s in status.sections if s.title == "Review")
    assert "overdue" not in str(review_section) and status.severity.value == "info"
    assert "OCG-0001" not in str(say("okafor", "ocg reviews overdue").to_dict())
    assert "OCG-0001" not in str(say("okafor", "ocg list").to_dict())
    history = say("okafor", "ocg reviews smith")
    assert history.text == "No review is due: OCG-0001 is archived."


def test_an_archived_ocg_raises_no_review_alert_and_pending_ones_are_withdrawn(bot, say):
    bot.run_job("review-alerts")
    with Session(bot.engine) as s:
        pending = s.exec(select(Outbox).where(Outbox.ocg_id == smith(bot).id)).all()
    assert [p.status for p in pending] == ["pending"]
    say("okafor", CLOSE)
    with Session(bot.engine) as s:
        assert s.get(Outbox, pending[0].id).status == "withdrawn"
    for _ in range(3):
        bot.clock.advance(days=7)
        assert not any("OCG-0001" in line for line in bot.run_job("review-alerts"))


def test_an_alert_decided_before_the_closure_is_not_sent_after_it(bot):
    """Re-checked at send time: a sweep on another replica may queue an alert for the old
    state after the closure withdrew what was pending."""
    bot.run_job("review-alerts")
    with Session(bot.engine) as s:
        ocg = s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()
        ocg.status = "archived"  # as if archived by a transaction that saw nothing pending
        s.add(ocg)
        s.commit()
        alert = s.exec(select(Outbox).where(Outbox.ocg_id == ocg.id)).one()
    counts = deliver_due(bot)
    assert counts["withdrawn"] == 1
    with Session(bot.engine) as s:
        row = s.get(Outbox, alert.id)
        assert (row.status, row.last_error, row.sent_at) == (
            "withdrawn",
            "the OCG is archived",
            None,
        )


def test_an_archived_ocgs_overdue_actions_are_not_escalated_or_chased(bot, say):
    def about_smith(lines):
        return [line for line in lines if "OCG-0001" in line or "@okafor" in line]

    escalations = bot.run_job("action-escalations", dry_run=True)
    assert any("to @okafor: escalation: 2 actions" in line for line in escalations)
    reply = say("okafor", CLOSE)
    open_actions = {f.label: f.value for f in reply.facts}["Open actions"]
    assert "no longer chased" in open_actions
    after = bot.run_job("action-escalations", dry_run=True)
    assert not any(line.startswith("to @okafor: escalation: 2") for line in after)
    with Session(bot.engine) as s:
        from socbot_plugins.actions import overdue

        data = overdue.load(s, bot.clock.utcnow(), bot.clock.utcnow())
        assert smith(bot).id not in {a.ocg_id for a in data.actions}


def test_reopening_restarts_the_review_clock_with_a_decision(bot, say, decisions):
    say("okafor", CLOSE)
    bot.clock.advance(days=10)
    reply = say("okafor", 'ocg reopen smith because "new intelligence: the network is re-forming"')
    assert not reply.error, reply.text
    ocg = smith(bot)
    assert (ocg.status, ocg.next_review_due) == ("active", date(2027, 4, 13))  # tier 1: monthly
    entry = decisions(bot)[-1]
    assert (entry.topic, entry.text) == (
        "reopen",
        "archived → active; next review due Tue 13 Apr 2027",
    )
    assert say("okafor", 'ocg reopen smith because "new intelligence again today"').error
