"""``ocg status``: what an LRO and a partner see, lookup by reference/name/alias, query budget."""

from datetime import UTC, date, datetime, timedelta

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions.models import Disruption
from sqlalchemy import event
from sqlmodel import Session, select

from socbot.identify import Who
from socbot.model import Severity
from socbot.plugins import get_plugin_manager
from socbot.render_text import render
from socbot.store.models import Nominal, Ocg, Person


@pytest.fixture
def bot(make_bot, engine):
    # actions too: partners reach OCGs through the actions they hold (its ocg_reach hook)
    pm = get_plugin_manager(False, allow="help,ocg,plan,actions")
    return make_bot(engine, plugins=pm, demo=True)


def say(bot, handle, text):
    return bot.handle(text, Who("console", handle), face="console")


def fact(reply, label):
    found = [f for f in reply.facts if f.label == label]
    found += [f for s in reply.sections for f in s.facts if f.label == label]
    assert found, f"no fact {label!r} in {render(reply)}"
    return found[0]


def section(reply, title):
    return next(s for s in reply.sections if s.title == title)


def test_status_of_an_overdue_ocg_shows_the_whole_picture(bot):
    reply = say(bot, "okafor", "ocg status smith")
    assert not reply.error
    assert reply.title == "OCG-0001 Smith Brothers"
    assert (
        "harm 1 of 5" in fact(reply, "Band").value and "capability A" in fact(reply, "Band").value
    )
    assert fact(reply, "MoRiLE").value.startswith("88, assessed Tue 19 Jan 2027")
    assert fact(reply, "P-mech").value == "P2"
    assert fact(reply, "Tier").value == "1: full investigation; reviewed monthly"
    assert fact(reply, "Phase").value.startswith("Clear")
    review = fact(reply, "Next review")
    assert review.value.startswith("overdue by 12 days") and review.severity == Severity.ERROR
    assert fact(reply, "LRO").value == "DI Grace Okafor (@okafor)"
    assert fact(reply, "SRO").value == "Det Supt Alex Hart (@hart)"
    assert fact(reply, "SIO").value == "DI Linh Nguyen (@nguyen)"
    assert fact(reply, "Prevent lead").value == "PS Ravi Patel (@patel)"
    assert fact(reply, "Pursue lead").value == "none named"
    actions = section(reply, "Actions")
    assert actions.text == "5 open, 3 overdue"
    oldest = [i.text for i in actions.items]
    assert oldest[0] == "#4 Review VAT registration of the car wash company"  # 15 days overdue
    assert len(oldest) == 3 and "15 days overdue" in actions.items[0].detail
    assert section(reply, "Disruptions, last 90 days").text == (
        "3: major 1, moderate 1, minor 1 (1 awaiting moderation)"
    )
    assert section(reply, "Nominals").text == "5: principal 1, significant 2, peripheral 2"


def test_status_of_a_healthy_ocg(bot):
    reply = say(bot, "okafor", "ocg status harbour lane")
    assert reply.title == "OCG-0002 Harbour Lane Crew"
    review = fact(reply, "Next review")
    assert review.value == "due in 40 days (Mon 12 Apr 2027)" and review.severity is None
    assert reply.severity == Severity.INFO


def test_due_within_fourteen_days_is_flagged(bot):
    reply = say(bot, "brennan", "ocg status kestrel")
    review = fact(reply, "Next review")
    assert review.value.startswith("due in 5 days") and review.severity == Severity.WARNING


@pytest.mark.parametrize(
    "query", ["OCG-0001", "ocg-1", "0001", "1", "#OCG-0001", "the smiths", "SMITH", "smith bro"]
)
def test_status_finds_the_ocg_by_reference_name_alias_or_prefix(bot, query):
    assert say(bot, "hart", f"ocg status {query}").title == "OCG-0001 Smith Brothers"


def test_ambiguous_and_unknown_names(bot):
    with Session(bot.engine) as s:
        s.add(
            Ocg(
                ref="OCG-0011",
                name="Smithfield Boys",
                name_key="smithfield boys",
                band="3C",
                created_at=datetime(2027, 1, 1, tzinfo=UTC),
                next_review_due=date(2027, 6, 1),
            )
        )
        s.commit()
    reply = say(bot, "hart", "ocg status smith")
    assert reply.error and "OCG-0001 Smith Brothers" in reply.text
    assert "OCG-0011 Smithfield Boys" in reply.text
    reply = say(bot, "hart", "ocg status zebra")
    assert reply.error and "ocg list" in reply.text
    assert say(bot, "hart", "ocg status").error


def test_an_lro_cannot_see_another_lros_ocg(bot):
    mine = say(bot, "okafor", "ocg status kestrel")  # brennan's
    unknown = say(bot, "okafor", "ocg status nosuchgroup")
    assert mine.error and mine.text.replace("kestrel", "X") == unknown.text.replace(
        "nosuchgroup", "X"
    )


def test_partner_sees_the_sanitised_view_only(bot):
    reply = say(bot, "evans", "ocg status OCG-0001")
    text = render(reply)
    assert reply.sanitised and reply.title == "OCG-0001 Group A (Fratton)"
    for secret in (
        "Smith",
        "Danny",
        "Lee",
        "Rowe",
        "Pike",
        "Vance",
        "Intelligence summary",
        "MoRiLE",
        "P2",
        "nguyen",
        "idris",
        "HMRC",
        "Council Housing",
        "car wash",
    ):
        assert secret not in text, secret
    assert fact(reply, "Band").value.startswith("1A")
    assert fact(reply, "Tier").value.startswith("1:")
    assert fact(reply, "Review").value.startswith("overdue by 12 days")
    mine = section(reply, "Your actions")
    assert [i.text for i in mine.items] == [
        "#2 Test-purchase at the Fratton nail bar for counterfeit goods"
    ]
    assert section(reply, "Other actions on this OCG").text == "4 open, 2 overdue"
    # partners look OCGs up by reference or partner-safe name, never the intelligence name
    assert say(bot, "evans", "ocg status group a").title == reply.title
    assert say(bot, "evans", "ocg status smith").error


def test_agency_owned_actions_count_as_the_partners_own(bot):
    reply = say(bot, "ford", "ocg status OCG-0001")  # Council Housing owns an HMO inspection
    mine = [i.text for i in section(reply, "Your actions").items]
    assert mine == ["#5 Inspect the HMO above the car wash"]


def test_stale_morile_and_missing_lro_are_flagged(bot):
    with Session(bot.engine) as s:
        ocg = s.exec(select(Ocg).where(Ocg.ref == "OCG-0002")).one()
        ocg.morile_date = date(2026, 2, 1)
        s.add(ocg)
        s.commit()
    say(bot, "hart", "ocg set harbour lro none")
    reply = say(bot, "hart", "ocg status harbour")
    morile = fact(reply, "MoRiLE")
    assert "over 12 months old" in morile.value and morile.severity == Severity.WARNING
    lro = fact(reply, "LRO")
    assert lro.value.startswith("none named") and lro.severity == Severity.ERROR


def _count_queries(bot, handle, text):
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(bot.engine, "before_cursor_execute", count)
    try:
        reply = say(bot, handle, text)
    finally:
        event.remove(bot.engine, "before_cursor_execute", count)
    assert not reply.error, reply.text
    return len(seen)


def test_status_costs_the_same_number_of_queries_however_much_data(bot):
    before = _count_queries(bot, "okafor", "ocg status OCG-0001")
    with Session(bot.engine) as s:
        ocg = s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()
        nguyen = s.exec(select(Person).where(Person.handle == "nguyen")).one()
        now = datetime(2027, 3, 1, tzinfo=UTC)
        for i in range(60):
            s.add(
                Action(
                    ocg_id=ocg.id,
                    pillar="pursue",
                    description=f"task {i}",
                    owner_id=nguyen.id,
                    created_by_id=nguyen.id,
                    created_at=now,
                    due_at=now - timedelta(days=i),
                )
            )
            s.add(
                Disruption(
                    ocg_id=ocg.id,
                    occurred_on=date(2027, 2, 1),
                    grade="minor",
                    pillar="prevent",
                    description=f"d {i}",
                    recorded_by_id=nguyen.id,
                    recorded_at=now,
                    status="accepted",
                )
            )
            s.add(Nominal(ocg_id=ocg.id, name=f"N {i}", role="peripheral"))
        s.commit()
    after = _count_queries(bot, "okafor", "ocg status OCG-0001")
    assert after == before
    assert before <= 12  # identify, roles, lookup, people, counts, overdue list, audit


def test_status_never_begins_an_orm_session(bot):
    """A read runs on the command's connection alone: beginning and committing an ORM session
    cost a tenth of ``status``."""
    begun = []

    def began(session, transaction, connection):  # type: ignore[no-untyped-def]
        begun.append(session)

    event.listen(Session, "after_begin", began)
    try:
        reply = say(bot, "okafor", "ocg status OCG-0001")
    finally:
        event.remove(Session, "after_begin", began)
    assert not reply.error and begun == []
