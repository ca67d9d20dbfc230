"""``ocg review``: who may, what is kept, bad input writes nothing; ``ocg reviews <OCG>``."""

from datetime import date

import pytest
from socbot_plugins.ocg.models import Review
from sqlmodel import Session, func, select

from socbot import hookimpl
from socbot.events import ReviewRecorded
from socbot.identify import Who
from socbot.plugins import get_plugin_manager
from socbot.store.models import AuditEvent, Ocg, Outbox


class Listener:
    def __init__(self):
        self.seen = []

    @hookimpl
    def on_event(self, ctx, event):
        if isinstance(event, ReviewRecorded):
            self.seen.append(("review", event.review.ocg_id, event.review.next_due))


@pytest.fixture
def listener():
    return Listener()


@pytest.fixture
def bot(make_bot, engine, listener):
    # actions too: partners reach OCGs through the actions they hold (its ocg_reach hook)
    pm = get_plugin_manager(False, allow="help,ocg,plan,actions")
    pm.register(listener, name="listener")
    return make_bot(engine, plugins=pm, demo=True)


def say(bot, handle, text):
    return bot.handle(text, Who("console", handle), face="console")


def smith(bot):
    with Session(bot.engine) as s:
        return s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()


def reviews(bot):
    with Session(bot.engine) as s:
        return s.exec(select(func.count()).select_from(Review)).one()


def test_a_scheduled_review_moves_the_clock_and_tells_other_plugins(bot, listener):
    reply = say(bot, "okafor", 'ocg review smith "plan on track"')
    assert not reply.error, reply.text
    assert reply.title == "Review recorded: OCG-0001 Smith Brothers"
    assert reply.facts[-1].value == "Sat 3 Apr 2027 (tier 1, monthly)"
    ocg = smith(bot)
    assert (ocg.last_review_on, ocg.next_review_due) == (date(2027, 3, 3), date(2027, 4, 3))
    assert listener.seen == [("review", ocg.id, date(2027, 4, 3))]
    status = say(bot, "okafor", "ocg status smith")
    due = next(f for s in status.sections for f in s.facts if f.label == "Next review")
    assert due.value == "due in 31 days (Sat 3 Apr 2027)"


def test_score_changes_keep_before_after_and_rationale(bot):
    reply = say(
        bot,
        "okafor",
        'ocg review smith trigger band=1b tier=2 morile=80 pmech=none "two principals remanded"',
    )
    assert not reply.error, reply.text
    assert [(f.label, f.value) for f in reply.facts[:4]] == [
        ("Band", "1A → 1B"),
        ("Tier", "1 → 2"),
        ("MoRiLE", "88 → 80"),
        ("P-mech", "P2 → none"),
    ]
    with Session(bot.engine) as s:
        row = s.exec(select(Review).order_by(Review.id.desc())).first()
    assert (row.kind, row.notes) == ("trigger", "two principals remanded")
    assert (row.band_before, row.band_after, row.tier_before, row.tier_after) == ("1A", "1B", 1, 2)
    assert (row.morile_before, row.morile_after, row.pmech_before, row.pmech_after) == (
        88,
        80,
        "P2",
        None,
    )
    ocg = smith(bot)
    assert (ocg.band, ocg.tier, ocg.morile, ocg.morile_date, ocg.pmech) == (
        "1B",
        2,
        80,
        date(2027, 3, 3),
        None,
    )
    assert ocg.next_review_due == date(2027, 6, 3)  # quarterly, from this review
    history = say(bot, "okafor", "ocg reviews smith")
    assert history.sections[0].items[0].text == "Wed 3 Mar 2027 trigger review by @okafor"
    assert "Band 1A → 1B" in history.sections[0].items[0].detail
    assert "two principals remanded" in history.sections[0].items[0].detail


@pytest.mark.parametrize(
    ("text", "says", "field"),
    [
        ('ocg review smith band=6A "x"', "isn't an OCGM band", "band"),
        ('ocg review smith band=1D "x"', "isn't an OCGM band", "band"),
        ('ocg review smith tier=5 "x"', "isn't a tier", "tier"),
        ('ocg review smith tier=0 "x"', "isn't a tier", "tier"),
        ('ocg review smith pmech=P5 "x"', "isn't a P-mech band", "pmech"),
        ('ocg review smith morile=high "x"', "isn't a MoRiLE score", "morile"),
        ("ocg review smith trigger", "needs notes", "notes"),
        ("ocg review smith band=2A", "needs the reason", "notes"),
        ('ocg review smith colour=red "x"', "I don't know the option colour=", "colour"),
        ('ocg review smith on=tomorrow "x"', "in the future", "on"),
        ('ocg review smith on=someday "x"', "couldn't read 'someday'", "on"),
        ('ocg review smith on=01/01/2027 "x"', "last reviewed on Tue 19 Jan 2027", "on"),
        ("ocg review", "Which OCG?", "ocg"),
    ],
)
def test_bad_reviews_are_refused_and_write_nothing(bot, text, says, field):
    before = smith(bot)
    reply = say(bot, "okafor", text)
    assert reply.error and says in reply.text and reply.field == field
    after = smith(bot)
    assert (after.band, after.tier, after.morile, after.pmech, after.next_review_due) == (
        before.band,
        before.tier,
        before.morile,
        before.pmech,
        before.next_review_due,
    )
    assert reviews(bot) == 10  # the demo's own


def test_only_the_lro_sro_or_a_delegate_may_review(bot):
    refused = say(bot, "nguyen", 'ocg review smith "x"')  # SIO: can see it, can't review
    assert refused.error
    other_lro = say(bot, "brennan", 'ocg review smith "x"')  # another OCG's LRO
    assert other_lro.error and "can't find" in other_lro.text
    assert reviews(bot) == 10
    assert not say(bot, "hart", 'ocg review smith "SRO reviewed at tasking"').error
    # a delegate (acting LRO) may review until their delegation ends
    assert not say(bot, "hart", "ocg set smith delegate @nguyen until 31/03/2027").error
    status = say(bot, "hart", "ocg status smith")
    lro = next(f for s in status.sections for f in s.facts if f.label == "LRO")
    assert lro.value == (
        "DI Grace Okafor (@okafor); DI Linh Nguyen (@nguyen, acting until Wed 31 Mar 2027)"
    )
    # one scheduled review a day: the acting LRO's, after the SRO's, is a trigger review
    assert not say(bot, "nguyen", 'ocg review smith trigger "acting for the LRO"').error
    bot.clock.advance(days=30)
    assert say(bot, "nguyen", 'ocg review smith "too late"').error
    with Session(bot.engine) as s:
        by = s.exec(select(AuditEvent.outcome).where(AuditEvent.action == "review")).all()
    assert by.count("refused") >= 2 and by.count("ok") == 2


def test_a_review_withdraws_alerts_not_yet_delivered(bot):
    bot.run_job("review-alerts")
    with Session(bot.engine) as s:
        pending = s.exec(select(Outbox).where(Outbox.ocg_id == smith(bot).id)).all()
    assert [p.status for p in pending] == ["pending"]
    say(bot, "okafor", 'ocg review smith "done at last"')
    with Session(bot.engine) as s:
        row = s.get(Outbox, pending[0].id)
    assert row.status == "withdrawn"


def test_a_partner_sees_no_review_notes(bot):
    reply = say(bot, "evans", "ocg reviews OCG-0001")
    assert reply.sanitised and "tasking" not in str(reply.to_dict())
    assert "Fri 19 Feb 2027" in reply.text
