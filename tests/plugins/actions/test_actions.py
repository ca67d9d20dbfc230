"""Actions in chat: add, list, close, snooze, reassign, cancel, take; who may; the forms.

Runs on the demo force at Wed 3 Mar 2027 09:00. Demo actions by id: 1 nguyen (pursue, 9 days
overdue), 2 evans (Trading Standards, protect, 4 days), 3 patel (prevent), 4 idris (HMRC, 15
days), 5 Council Housing (agency), 8 ford (OCG-0002), 10 lowe (OCG-0004), 12 Trading Standards
(agency, OCG-0009, 1 day overdue).
"""

from __future__ import annotations

import re
import sys
from datetime import datetime

import pytest
from socbot_plugins.actions.models import Action, ActionChange
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.tactics.catalogue import load_catalogue
from sqlmodel import Session, func, select

from socbot import withhold
from socbot.clock import LONDON
from socbot.identify import Who
from socbot.plugins import get_plugin_manager
from socbot.render_text import render
from socbot.store.models import AuditEvent, Person


@pytest.fixture
def pm():  # type: ignore[no-untyped-def]
    """Only the plugins under test, so work in progress elsewhere can't break these."""
    return get_plugin_manager(load_entrypoints=False, allow="help,actions")


def action(bot, ident: int) -> Action:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        found = session.get(Action, ident)
        assert found is not None
        return found


def changes(bot, ident: int) -> list[ActionChange]:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        return list(session.exec(select(ActionChange).where(ActionChange.action_id == ident)).all())


def count_actions(bot) -> int:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        return session.exec(select(func.count()).select_from(Action)).one()


def handle(bot, handle: str) -> Person:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        return session.exec(select(Person).where(Person.handle == handle)).one()


def local_due(found: Action) -> datetime:
    return found.due_at.astimezone(LONDON)


# -- ocg action -------------------------------------------------------------------------------


def test_an_lro_adds_an_action_for_a_person(bot, say) -> None:  # type: ignore[no-untyped-def]
    reply = say("okafor", 'ocg action smith pursue @nguyen "Check the car wash accounts" by friday')
    assert not reply.error, reply.text
    new = action(bot, 13)
    assert (new.description, new.pillar, new.status) == (
        "Check the car wash accounts",
        "pursue",
        "open",
    )
    assert new.owner_id == handle(bot, "nguyen").id and new.owner_agency is None
    assert local_due(new) == datetime(2027, 3, 5, 18, 0, tzinfo=LONDON)
    assert reply.title == "Action #13 added"
    assert "Fri 5 Mar 2027" in render(reply)
    [created] = changes(bot, 13)
    assert (created.kind, created.new_owner) == ("created", "nguyen")


def test_an_action_can_go_to_an_agency_held_by_its_coordinator(bot, say) -> None:  # type: ignore[no-untyped-def]
    reply = say(
        "okafor", 'ocg action smith protect "trading standards" "Test purchase" by end of month'
    )
    assert not reply.error, reply.text
    new = action(bot, 13)
    assert (new.owner_id, new.owner_agency) == (None, "Trading Standards")
    assert "@price (coordinator)" in render(reply)


def test_an_agency_with_no_coordinator_is_flagged(bot, say) -> None:  # type: ignore[no-untyped-def]
    reply = say("okafor", 'ocg action smith protect "Council Housing" "Inspect flat 2" by friday')
    assert not reply.error
    assert "no coordinator" in render(reply)


def test_unquoted_text_and_a_multi_word_agency_are_understood(bot, say) -> None:  # type: ignore[no-untyped-def]
    reply = say("okafor", "ocg action OCG-0001 prevent Trading Standards visit the shop by friday")
    assert not reply.error, reply.text
    new = action(bot, 13)
    assert (new.owner_agency, new.description) == ("Trading Standards", "visit the shop")


def test_an_action_from_a_tactic_takes_its_title_and_pillar(bot, say) -> None:  # type: ignore[no-untyped-def]
    tactic = next(t for t in load_catalogue() if t.pillar == "protect")
    reply = say("okafor", f"ocg action smith from tactic {tactic.id} @evans by in 2 weeks")
    assert not reply.error, reply.text
    new = action(bot, 13)
    assert (new.tactic_id, new.description, new.pillar) == (tactic.id, tactic.title, "protect")


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ('ocg action smith pursue @nguyen "Do it" by blah', "when", "couldn't read"),
        ('ocg action smith pursue @nguyen "Do it" by 01/03/2027', "when", "has passed"),
        ('ocg action smith pursue @nguyen "Do it"', "when", "When is it due?"),
        ('ocg action smith pursue @nobody "Do it" by friday', "owner", "@nobody"),
        ('ocg action smith pursue "Ministry of Magic" "Do it" by friday', "owner", "agencies are"),
        ('ocg action smith pursuit @nguyen "Do it" by friday', "pillar", "Which pillar?"),
        ('ocg action nowhere pursue @nguyen "Do it" by friday', "ocg", "can't find an OCG"),
        ("ocg action smith pursue @nguyen by friday", "what", "What is to be done?"),
        ("ocg action smith from tactic no-such-tactic @evans by friday", "what", "no tactic"),
    ],
)
def test_bad_input_is_refused_politely_and_nothing_is_written(  # type: ignore[no-untyped-def]
    bot, say, line: str, field: str, words: str
) -> None:
    reply = say("okafor", line)
    assert reply.error and reply.field == field
    assert words in (reply.text or "")
    assert "Traceback" not in (reply.text or "")
    assert count_actions(bot) == 12


def test_an_owner_who_cannot_reach_the_ocg_is_flagged(bot, say) -> None:  # type: ignore[no-untyped-def]
    reply = say("okafor", 'ocg action smith pursue @cole "Financial check" by friday')
    assert not reply.error, reply.text
    assert "@cole has no role on OCG-0001" in render(reply)
    partner = say("okafor", 'ocg action smith protect @lowe "Fire visit" by friday')
    assert "no role" not in render(partner)  # partners reach an OCG through their action


def test_partners_cannot_add_actions(bot, say) -> None:  # type: ignore[no-untyped-def]
    reply = say("evans", 'ocg action smith protect @evans "Do it" by friday')
    assert reply.error and "isn't available to you" in (reply.text or "")
    assert count_actions(bot) == 12


def test_every_command_is_in_the_audit_trail(bot, say) -> None:  # type: ignore[no-untyped-def]
    say("okafor", 'ocg action smith pursue @nguyen "Check it" by friday')
    say("patel", 'ocg done 1 "Seizure granted" disrupt=no')
    with Session(bot.engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.actor != "cli")).all()
    assert [(r.action, r.outcome, r.ocg_ref) for r in rows] == [
        ("action", "ok", "OCG-0001"),
        ("done", "refused", "OCG-0001"),
    ]


# -- ocg actions --------------------------------------------------------------------------------


def test_mine_lists_my_open_actions_oldest_first_with_quick_replies(say) -> None:  # type: ignore[no-untyped-def]
    say("okafor", 'ocg action harbour pursue @nguyen "Second look at the vans" by friday')
    reply = say("nguyen", "ocg actions mine")
    items = [i for s in reply.sections for i in s.items]
    assert [i.text.split()[0] for i in items] == ["#1", "#13", "#7"]
    assert [s.title for s in reply.sections] == [
        "Smith Brothers (OCG-0001)",
        "Harbour Lane Crew (OCG-0002)",
    ]
    assert "9 days overdue" in (items[0].detail or "")
    assert [(b.label, b.action, b.payload) for b in items[0].buttons] == [
        ("Done", "form:action.done", {"id": "1"}),
        ("Snooze a week", "snooze", {"args": '1 "in 1 week" "snoozed from a reminder"'}),
    ]


def test_filters_narrow_the_list(say) -> None:  # type: ignore[no-untyped-def]
    def ids(line: str) -> list[str]:
        reply = say("okafor", line)
        assert not reply.error, reply.text
        return [i.text.split()[0] for s in reply.sections for i in s.items]

    assert ids("ocg actions smith overdue") == ["#4", "#1", "#2"]
    assert ids("ocg actions @evans") == ["#2"]
    assert ids("ocg actions agency Trading Standards") == ["#2", "#12"]
    assert ids("ocg actions overdue agency HMRC") == ["#4"]


def test_a_partner_sees_only_their_own_and_their_agencys_actions(say) -> None:  # type: ignore[no-untyped-def]
    reply = say("evans", "ocg actions")
    shown = render(reply)
    assert [i.text.split()[0] for s in reply.sections for i in s.items] == ["#2", "#12"]
    assert "Smith Brothers" not in shown and "Group A (Fratton)" in shown
    assert say("evans", "ocg actions @nguyen").sections == []
    assert say("evans", "ocg actions agency Police").sections == []


def test_a_partner_never_sees_a_nominals_name(say) -> None:  # type: ignore[no-untyped-def]
    reply = say(
        "okafor", 'ocg action smith protect @evans "Visit Danny Smith\'s nail bar" by friday'
    )
    assert not reply.error
    shown = render(say("evans", "ocg actions mine"))
    assert "#13 Visit [name withheld]'s nail bar" in shown
    assert "Danny" not in shown and "Smith" not in shown
    assert "Danny Smith" in render(say("okafor", "ocg actions smith"))


def test_a_name_is_withheld_in_any_case_and_spelling_the_pattern_matches(say) -> None:  # type: ignore[no-untyped-def]
    """The cheap containment test before the patterns must not let through what they catch."""
    text = "Visit DANNY \u017fMITH today"  # a long s, which re.IGNORECASE reads as "s"
    reply = say("okafor", f'ocg action smith protect @evans "{text}" by friday')
    assert not reply.error
    assert "#13 Visit [name withheld] today" in render(say("evans", "ocg actions mine"))


def test_every_non_ascii_twin_of_an_ascii_character_is_folded() -> None:
    every = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    twins = set(re.findall("[\x00-\x7f]", every, re.IGNORECASE))
    assert twins == {chr(c) for c in withhold._ASCII_TWINS}


def test_an_agency_member_is_offered_to_take_an_agency_action(say) -> None:  # type: ignore[no-untyped-def]
    reply = say("evans", "ocg actions")
    twelve = next(i for s in reply.sections for i in s.items if i.text.startswith("#12"))
    assert [b.label for b in twelve.buttons] == ["Take it"]


# -- who may change an action -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "ident"),
    [
        ("nguyen", 1),  # the owner
        ("okafor", 2),  # the OCG's LRO
        ("hart", 4),  # the SRO
        ("walsh", 1),  # the coordinator of the owner's agency (Police)
        ("price", 2),  # the coordinator of the owner's agency (Trading Standards)
        ("price", 12),  # ... and of an action given to the agency itself
    ],
)
def test_those_responsible_may_snooze(bot, say, who: str, ident: int) -> None:  # type: ignore[no-untyped-def]
    reply = say(who, f'ocg snooze {ident} in 2 weeks "waiting for the bank"')
    assert not reply.error, reply.text
    assert local_due(action(bot, ident)) == datetime(2027, 3, 17, 18, tzinfo=LONDON)
    snooze = changes(bot, ident)[-1]
    assert (snooze.kind, snooze.reason) == ("snooze", "waiting for the bank")
    assert snooze.by_id == handle(bot, who).id


def test_the_p_lead_may_change_actions_in_their_pillar_only(bot, say) -> None:  # type: ignore[no-untyped-def]
    say("okafor", 'ocg action smith prevent @nguyen "Diversion referral" by friday')
    assert not say("patel", 'ocg snooze 13 next friday "school holidays"').error
    refused = say("patel", 'ocg done 1 "Seizure granted" disrupt=no')
    assert refused.error
    assert refused.text == (
        "Only the owner (@nguyen), the OCG's LRO or SRO, the pursue lead or the Police "
        "coordinator can change action 1. Ask @okafor (the LRO) if it needs changing."
    )
    assert action(bot, 1).status == "open"


def test_others_are_refused_and_nothing_changes(bot, say) -> None:  # type: ignore[no-untyped-def]
    before = local_due(action(bot, 2))
    refused = say("walsh", 'ocg snooze 2 friday "no"')  # a Police coordinator; a partner's action
    assert refused.error and "Trading Standards coordinator" in (refused.text or "")
    assert local_due(action(bot, 2)) == before and len(changes(bot, 2)) == 1


@pytest.mark.parametrize("ident", ["99999999999999999999", "²", "twelve", ""])
def test_a_bad_id_is_a_polite_error(say, ident: str) -> None:  # type: ignore[no-untyped-def]
    reply = say("okafor", f'ocg done {ident} "result here" disrupt=no')
    assert reply.error and reply.field in ("id", "result")
    assert "incident" not in (reply.text or "")


def test_an_action_you_cannot_see_is_answered_like_a_missing_one(say) -> None:  # type: ignore[no-untyped-def]
    hidden = say("evans", 'ocg done 1 "x y z" disrupt=no')  # nguyen's: not for a partner's eyes
    missing = say("evans", 'ocg done 999 "x y z" disrupt=no')
    assert hidden.text == missing.text.replace("999", "1")  # type: ignore[union-attr]
    assert hidden.field == "id"


# -- ocg done / snooze / reassign / cancel / take ------------------------------------------------


def test_done_records_the_result_and_who_closed_it(bot, say) -> None:  # type: ignore[no-untyped-def]
    reply = say(
        "evans", 'ocg done 2 "Two counterfeit handbags bought; referred for seizure" disrupt=no'
    )
    assert not reply.error, reply.text
    closed = action(bot, 2)
    assert closed.status == "done"
    assert closed.result == "Two counterfeit handbags bought; referred for seizure"
    assert closed.completed_by_id == handle(bot, "evans").id and closed.completed_at
    again = say("evans", 'ocg done 2 "twice" disrupt=no')
    assert again.error and "already closed" in (again.text or "")


@pytest.mark.parametrize("line", ["ocg done 2", 'ocg done 2 "done"', "ocg done 2 ok"])
def test_done_needs_a_real_result(bot, say, line: str) -> None:  # type: ignore[no-untyped-def]
    reply = say("evans", line)
    assert reply.error and reply.field == "result"
    assert "What was the result?" in (reply.text or "")
    assert action(bot, 2).status == "open"


def test_done_with_a_disruption_needs_the_disruption_plugin(bot, say) -> None:  # type: ignore[no-untyped-def]
    reply = say("nguyen", 'ocg done 1 "Seizure granted, £8,000" disrupt=moderate')
    assert reply.error and reply.field == "disrupt"
    assert "disruptions plugin isn't loaded" in (reply.text or "")
    assert action(bot, 1).status == "open"


def test_done_with_a_disruption_records_it_linked_when_the_plugin_is_loaded(
    make_bot, engine
) -> None:  # type: ignore[no-untyped-def]
    bot = make_bot(
        engine, get_plugin_manager(load_entrypoints=False, allow="actions,disruptions"), demo=True
    )
    said = bot.handle(
        'ocg done 1 "Seizure granted, £8,000" disrupt=moderate',
        Who("console", "nguyen"),
        face="console",
    )
    assert not said.error, said.text
    with Session(engine) as session:
        linked = session.exec(select(Disruption).where(Disruption.action_id == 1)).one()
    assert (linked.grade, linked.pillar) == ("moderate", "pursue")
    bad = bot.handle(
        'ocg done 4 "VAT checked" disrupt=huge', Who("console", "idris"), face="console"
    )
    assert bad.error and bad.field == "disrupt"
    assert action(bot, 4).status == "open"


def test_snooze_needs_a_reason_and_a_future_date(bot, say) -> None:  # type: ignore[no-untyped-def]
    no_reason = say("evans", "ocg snooze 2 in 2 weeks")
    assert no_reason.error and "Why is it moving?" in (no_reason.text or "")
    past = say("evans", 'ocg snooze 2 yesterday "late"')
    assert past.error and past.field == "when"
    assert len(changes(bot, 2)) == 1


def test_snooze_a_week_button_moves_it_a_week(bot) -> None:  # type: ignore[no-untyped-def]
    reply = bot.press(
        Who("console", "evans"),
        "snooze",
        {"args": '2 "in 1 week" "snoozed from a reminder"'},
        face="console",
    )
    assert not reply.error, reply.text
    assert local_due(action(bot, 2)) == datetime(2027, 3, 10, 18, tzinfo=LONDON)
    assert changes(bot, 2)[-1].reason == "snoozed from a reminder"


def test_reassign_to_a_person_or_an_agency(bot, say) -> None:  # type: ignore[no-untyped-def]
    reply = say("okafor", 'ocg reassign 8 "Council Housing" "their tenancy team"')
    assert not reply.error, reply.text
    moved = action(bot, 8)
    assert (moved.owner_id, moved.owner_agency) == (None, "Council Housing")
    change = changes(bot, 8)[-1]
    assert (change.kind, change.old_owner, change.new_owner, change.reason) == (
        "reassign",
        "ford",
        "Council Housing",
        "their tenancy team",
    )
    assert not say("okafor", "ocg reassign 8 @ford").error
    assert action(bot, 8).owner_id == handle(bot, "ford").id
    same = say("okafor", "ocg reassign 8 @ford")
    assert same.error and "already" in (same.text or "")


def test_cancel_needs_a_reason(bot, say) -> None:  # type: ignore[no-untyped-def]
    assert say("okafor", "ocg cancel 5").error
    assert not say("okafor", 'ocg cancel 5 "the HMO was sold"').error
    cancelled = action(bot, 5)
    assert cancelled.status == "cancelled"
    assert changes(bot, 5)[-1].reason == "the HMO was sold"


def test_an_agency_member_takes_an_agency_action(bot, say) -> None:  # type: ignore[no-untyped-def]
    refused = say("ford", "ocg take 12")  # Council Housing: not hers to take (and not visible)
    assert refused.error
    reply = say("evans", "ocg take 12")
    assert not reply.error, reply.text
    taken = action(bot, 12)
    assert (taken.owner_id, taken.owner_agency) == (handle(bot, "evans").id, None)
    assert changes(bot, 12)[-1].kind == "take"
    again = say("price", "ocg take 12")
    assert again.error and "@evans's" in (again.text or "")


# -- forms --------------------------------------------------------------------------------------


def test_the_add_form_has_the_agreed_fields_and_prefills(bot) -> None:  # type: ignore[no-untyped-def]
    tactic = load_catalogue()[0]
    opened = bot.press(
        Who("console", "okafor"),
        "form:action.add",
        {"ocg": "OCG-0001", "tactic": tactic.id},
        face="console",
    )
    form = opened.form
    assert form is not None and form.name == "action.add"
    assert [(i.name, i.kind) for i in form.inputs] == [
        ("ocg", "text"),
        ("pillar", "choice"),
        ("owner", "text"),
        ("what", "multiline"),
        ("when", "text"),
        ("date", "date"),
    ]
    assert form.inputs[1].choices == ("pursue", "prevent", "protect", "prepare", "intel")
    assert (form.inputs[0].value, form.inputs[3].value) == ("OCG-0001", tactic.title)


def test_the_add_form_uses_the_date_picker_when_when_is_empty(bot) -> None:  # type: ignore[no-untyped-def]
    values = {
        "ocg": "smith",
        "pillar": "pursue",
        "owner": "@nguyen",
        "what": "Check it",
        "when": "",
        "date": "2027-03-10",
    }
    reply = bot.submit(Who("console", "okafor"), "action.add", values, face="console")
    assert not reply.error, reply.text
    assert local_due(action(bot, 13)) == datetime(2027, 3, 10, 18, tzinfo=LONDON)


def test_a_form_error_comes_back_on_its_field(bot) -> None:  # type: ignore[no-untyped-def]
    values = {
        "ocg": "smith",
        "pillar": "pursue",
        "owner": "@nguyen",
        "what": "Check it",
        "when": "the day after never",
    }
    reply = bot.submit(Who("console", "okafor"), "action.add", values, face="console")
    assert reply.error and reply.form is not None
    assert list(reply.form.errors) == ["when"]
    assert count_actions(bot) == 12


def test_the_done_button_opens_a_form_that_closes_the_action(bot) -> None:  # type: ignore[no-untyped-def]
    who = Who("console", "evans")
    opened = bot.press(who, "form:action.done", {"id": "2"}, face="console")
    assert opened.form is not None
    assert [(i.name, i.kind) for i in opened.form.inputs] == [
        ("result", "multiline"),
        ("disrupt", "choice"),
    ]
    assert opened.form.inputs[1].choices == ("no", "major", "moderate", "minor")
    assert opened.form.inputs[1].value is None  # asked, never assumed
    unanswered = bot.submit(who, "action.done", {"id": "2", "result": "x y z"}, face="console")
    assert unanswered.form is not None and list(unanswered.form.errors) == ["disrupt"]
    empty = bot.submit(
        who, "action.done", {"id": "2", "result": "", "disrupt": "no"}, face="console"
    )
    assert empty.form is not None and list(empty.form.errors) == ["result"]
    done = bot.submit(
        who,
        "action.done",
        {"id": "2", "result": "Bought two fakes", "disrupt": "no"},
        face="console",
    )
    assert not done.error, done.text
    assert action(bot, 2).result == "Bought two fakes"
