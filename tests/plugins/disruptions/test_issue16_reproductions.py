"""Issue 16, replayed: each finding a moderator and a partner made over a quarter, as a test.

Each failed on the code before the fix (the disruption plugin of the second release).
"""

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions.models import Disruption
from sqlmodel import Session, func, select

from socbot.identify import Who
from socbot.plugins import get_plugin_manager

KESTREL_CHARGE = 5  # demo: "Victor Hale charged with conspiracy to supply", major, pending
SMITH_DIVERSION = 3  # demo: two young people referred to diversion, minor, prevent, pending
FORD_TENANCY = 8  # demo: Ford's (Council Housing) action on the Harbour Lane flat


@pytest.fixture
def pm():
    return get_plugin_manager(load_entrypoints=False, allow="help,actions,disruptions")


def get(bot, ident):
    with Session(bot.engine) as s:
        return s.get(Disruption, ident)


def count(bot):
    with Session(bot.engine) as s:
        return s.exec(select(func.count()).select_from(Disruption)).one()


def test_a_regrade_on_accept_is_applied_with_its_reason(bot, say):
    reply = say("moss", f'accept {KESTREL_CHARGE} grade=minor "runners are peripheral juveniles"')
    assert not reply.error, reply.text
    d = get(bot, KESTREL_CHARGE)
    assert (d.status, d.grade) == ("accepted", "minor")
    assert "regraded major to minor" in (reply.title or "") + (reply.text or "")
    history = say("nguyen", f"disruption {KESTREL_CHARGE} history")
    assert not history.error, history.text
    assert any(
        "major" in i.text and "minor" in i.text and "peripheral juveniles" in i.detail
        for i in history.items
    ), [(i.text, i.detail) for i in history.items]


def test_a_disruption_can_be_corrected_and_the_change_is_kept(bot, say):
    reply = say(
        "nguyen",
        f'disruption {SMITH_DIVERSION} edit safeguarded=3 because "a third sibling was referred"',
    )
    assert not reply.error, reply.text
    assert get(bot, SMITH_DIVERSION).safeguarded == 3
    history = say("nguyen", f"disruption {SMITH_DIVERSION} history")
    assert any("2" in i.text and "3" in i.text for i in history.items)


def test_the_same_operation_logged_twice_is_caught(bot, say):
    line = 'disrupt smith major pursue "Danny Smith charged and remanded" charged=1 arrests=1'
    assert not say("nguyen", line).error
    before = count(bot)
    again = say("okafor", 'disrupt smith major pursue "D. Smith remanded in custody after charge"')
    assert count(bot) == before, "nothing written until the recorder confirms"
    assert "already" in (again.text or "").lower() or "duplicate" in (again.title or "").lower()
    assert {b.label for b in again.buttons} >= {"Record anyway"}


def test_a_partner_closing_an_action_is_asked_whether_it_disrupted_the_group(bot):
    ford = Who("console", "ford")
    reply = bot.handle(
        f'done {FORD_TENANCY} "Cuckooing visits: the tenant moved to safe housing"',
        ford,
        face="console",
    )
    assert [b.label for b in reply.buttons] == ["Major", "Moderate", "Minor", "No"]
    with Session(bot.engine) as s:
        assert s.get(Action, FORD_TENANCY).status == "open"  # asked, not yet closed
    moderate = reply.buttons[1]
    closed = bot.press(ford, moderate.action, moderate.payload, face="console")
    assert not closed.error, closed.text
    with Session(bot.engine) as s:
        assert s.get(Action, FORD_TENANCY).status == "done"
        d = s.exec(select(Disruption).where(Disruption.action_id == FORD_TENANCY)).one()
    assert (d.grade, d.pillar, d.status) == ("moderate", "protect", "pending")


def test_harm_caused_by_the_group_is_not_logged_as_a_disruption_without_a_warning(bot, say):
    before = count(bot)
    reply = say("okafor", 'disrupt smith major pursue "Stabbing of rival runner near the car wash"')
    assert count(bot) == before
    assert "harm" in (reply.text or "").lower()
    confirmed = say(
        "okafor", 'disrupt smith major pursue "Stabbing of rival runner near the car wash" confirm'
    )
    assert not confirmed.error and count(bot) == before + 1


def test_prevent_levels_and_qualitative_outcomes_are_recorded(bot, say):
    reply = say(
        "patel",
        'disrupt smith minor prevent "Two siblings referred to youth diversion" level=secondary '
        'confidence="parents now report approaches to the school"',
    )
    assert not reply.error, reply.text
    with Session(bot.engine) as s:
        d = s.exec(select(Disruption).order_by(Disruption.id.desc())).first()
    assert d.prevent_level == "secondary"
    assert d.community_confidence == "parents now report approaches to the school"
