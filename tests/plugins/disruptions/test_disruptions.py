"""``ocg disrupt`` and ``ocg disruptions`` on the demo force, through the real core."""

from datetime import date

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.actions.rules import reached_ocgs
from socbot_plugins.disruptions import links as disruption_links
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.tactics.catalogue import load_catalogue
from sqlmodel import Session, func, select

from socbot import CommandSpec, Permission, Reply, hookimpl
from socbot.events import ActionDone, DisruptionRecorded
from socbot.identify import Who
from socbot.plugins import get_plugin_manager
from socbot.render_text import render
from socbot.store.models import AuditEvent, Nominal, Ocg

# confirmed: the demo already holds this warrant (disruption #1), and these tests record it again
# and again; the warnings before saving are tested in test_disruptions_checks.py
SMITH = 'disrupt smith {grade} pursue "Warrant at the lock-up: cocaine and cash seized" confirm=yes'


def disruption_pm():
    """Only the plugins under test: other plugins being written in parallel can't break these."""
    return get_plugin_manager(load_entrypoints=False, allow="help,disruptions")


@pytest.fixture
def pm():
    """Overrides the shared fixture, so ``make_bot`` loads only these plugins, and actions:
    partners reach an OCG through the actions they hold (the actions plugin's ``ocg_reach``)."""
    return get_plugin_manager(load_entrypoints=False, allow="help,actions,disruptions")


def rows(bot):
    with Session(bot.engine) as s:
        return s.exec(select(Disruption).order_by(Disruption.id)).all()


def count(bot):
    with Session(bot.engine) as s:
        return s.exec(select(func.count()).select_from(Disruption)).one()


def ocg_id(bot, ref):
    with Session(bot.engine) as s:
        return s.exec(select(Ocg.id).where(Ocg.ref == ref)).one()


# -- recording ---------------------------------------------------------------------------------


@pytest.mark.parametrize("grade", ["major", "moderate", "minor"])
def test_each_grade_is_logged_pending_and_restated(bot, say, grade):
    before = count(bot)
    reply = say("nguyen", SMITH.format(grade=grade) + " arrests=2 cash=£12,500")
    assert not reply.error, reply.text
    stored = rows(bot)[-1]
    assert count(bot) == before + 1
    assert (stored.grade, stored.pillar, stored.status) == (grade, "pursue", "pending")
    assert (stored.arrests, stored.cash_pence, stored.occurred_on) == (
        2,
        1_250_000,
        date(2027, 3, 3),
    )
    facts = {f.label: f.value for f in reply.facts}
    assert facts["Grade"] == grade
    assert facts["When"] == "Wed 3 Mar 2027"
    assert facts["Outcomes"] == "2 arrests, £12,500 cash"
    assert "awaits moderation" in reply.text


def test_every_outcome_option_is_stored(bot, say):
    reply = say(
        "okafor",
        'disrupt OCG-0001 major pursue "Day of action across Fratton: three addresses searched" '
        'arrests=3 charged=2 warrants=3 cash=£12,500.50 assets=£1.2m drugs="2.5kg cocaine" '
        "vehicles=1 orders=1 safeguarded=4",
    )
    assert not reply.error, reply.text
    d = rows(bot)[-1]
    assert (d.arrests, d.charged, d.warrants, d.vehicles, d.orders, d.safeguarded) == (
        3,
        2,
        3,
        1,
        1,
        4,
    )
    assert (d.cash_pence, d.assets_pence, d.drugs) == (1_250_050, 120_000_000, "2.5kg cocaine")


@pytest.mark.parametrize(
    ("tail", "day"),
    [
        ("on 01/03/2027", date(2027, 3, 1)),
        ("on 1st february", date(2027, 2, 1)),
        ("yesterday", date(2027, 3, 2)),
        ("date=2027-02-10", date(2027, 2, 10)),
        ("", date(2027, 3, 3)),
    ],
)
def test_the_date_defaults_to_today_and_may_be_past(bot, say, tail, day):
    reply = say("nguyen", f"{SMITH.format(grade='minor')} {tail}")
    assert not reply.error, reply.text
    assert rows(bot)[-1].occurred_on == day


def test_an_unquoted_description_keeps_its_words(bot, say):
    reply = say("nguyen", "disrupt smith minor pursue van seized for no insurance on 02/03/2027")
    assert not reply.error, reply.text
    d = rows(bot)[-1]
    assert (d.description, d.occurred_on) == ("van seized for no insurance", date(2027, 3, 2))


def test_a_multi_word_ocg_name_is_found_before_the_grade(bot, say):
    reply = say("nguyen", 'disrupt smith brothers moderate protect "Closure order on the flat"')
    assert not reply.error, reply.text
    assert rows(bot)[-1].ocg_id == ocg_id(bot, "OCG-0001")


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        (SMITH.format(grade="minor") + " on 10/03/2027", "date", "in the future"),
        (SMITH.format(grade="minor") + " on 31/02/2027", "date", "couldn't read"),
        (SMITH.format(grade="minor") + " on", "date", "On what date"),
        (SMITH.format(grade="minor") + " on 01/03/2027 date=02/03/2027", "date", "once"),
        (SMITH.format(grade="majr"), "grade", "Did you mean 'major'"),
        ('disrupt smith huge pursue "Warrant at the lock-up: cash seized"', "grade", "major"),
        ('disrupt smith major persue "Warrant at the lock-up: cash seized"', "pillar", "'pursue'"),
        ("disrupt smith major", "pillar", "Which pillar"),
        ("disrupt smith major pursue", "what", "What happened"),
        ('disrupt smith major pursue "Raid"', "what", "at least 3 words"),
        (SMITH.format(grade="minor") + " arrests=two", "arrests", "whole number"),
        (SMITH.format(grade="minor") + " arrests=-1", "arrests", "whole number"),
        (SMITH.format(grade="minor") + " cash=12,50", "cash", "amount in pounds"),
        (SMITH.format(grade="minor") + " cash=$500", "cash", "amount in pounds"),
        (SMITH.format(grade="minor") + " arest=2", "arest", "Did you mean `arrests=`"),
        (SMITH.format(grade="minor") + " nominal=nobody", "nominal", "has no nominal"),
        (SMITH.format(grade="minor") + " nominal=Kieran", "nominal", "has no nominal"),
        (SMITH.format(grade="minor") + " tactic=no-such-tactic", "tactic", "menu of tactics"),
        (SMITH.format(grade="minor") + " action=7", "action", "has no action"),
        (SMITH.format(grade="minor") + " action=999", "action", "has no action"),
        ('disrupt nosuchgroup major pursue "Warrant at the lock-up: cash seized"', "ocg", "find"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(bot, say, text, field, says):
    before = count(bot)
    reply = say("nguyen", text)
    assert reply.error
    assert reply.field == field, reply.text
    assert says in reply.text
    assert "Traceback" not in reply.text
    assert count(bot) == before


def test_nominal_by_name_or_id_on_that_ocg(bot, say):
    say("nguyen", SMITH.format(grade="major") + " nominal=danny")
    with Session(bot.engine) as s:
        danny = s.exec(select(Nominal).where(Nominal.name == "Danny Smith")).one()
        lee = s.exec(select(Nominal).where(Nominal.name == "Lee Smith")).one()
    assert rows(bot)[-1].nominal_id == danny.id
    reply = say("nguyen", SMITH.format(grade="major") + f" nominal={lee.id}")
    assert rows(bot)[-1].nominal_id == lee.id
    assert {f.label: f.value for f in reply.facts}["Nominal"] == "Lee Smith (significant)"


def test_an_ambiguous_nominal_lists_the_candidates(bot, say):
    reply = say("nguyen", SMITH.format(grade="major") + " nominal=smith")
    assert reply.error and "Danny Smith" in reply.text and "Lee Smith" in reply.text


def test_tactic_and_action_are_linked(bot, say):
    tactic = load_catalogue()[0].id
    with Session(bot.engine) as s:
        action = s.exec(select(Action).where(Action.ocg_id == ocg_id(bot, "OCG-0001"))).first()
    reply = say("nguyen", SMITH.format(grade="moderate") + f" tactic={tactic} action=#{action.id}")
    assert not reply.error, reply.text
    d = rows(bot)[-1]
    assert (d.tactic_id, d.action_id) == (tactic, action.id)


def test_without_the_tactics_module_any_well_formed_id_is_accepted(bot, say, monkeypatch):
    monkeypatch.setattr(disruption_links, "_tactic_ids", lambda: None)
    assert not say("nguyen", SMITH.format(grade="minor") + " tactic=local-byelaw-check").error
    assert rows(bot)[-1].tactic_id == "local-byelaw-check"
    reply = say("nguyen", SMITH.format(grade="minor") + " tactic=Not_An_Id!")
    assert reply.error and reply.field == "tactic"


def test_recording_is_audited_against_the_ocg(bot, say):
    say("nguyen", SMITH.format(grade="minor"))
    with Session(bot.engine) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.action, last.ocg_ref, last.outcome, last.actor) == (
        "disrupt",
        "OCG-0001",
        "ok",
        "nguyen",
    )


def test_other_plugins_hear_about_the_disruption(make_bot, engine):
    heard = []

    class Listener:
        @hookimpl
        def on_event(self, ctx, event):
            if isinstance(event, DisruptionRecorded):
                heard.append(("disruption", event.disruption.id, event.disruption.grade))

    pm = disruption_pm()
    pm.register(Listener(), name="listener")
    bot = make_bot(engine, plugins=pm, demo=True)
    bot.handle(SMITH.format(grade="major"), Who("console", "nguyen"), face="console")
    assert heard == [("disruption", rows(bot)[-1].id, "major")]


# -- who may record ----------------------------------------------------------------------------


def test_a_tasked_partner_may_record_but_not_name_a_nominal(bot, say):
    text = (
        'disrupt OCG-0001 minor protect "Test purchase at the nail bar: counterfeit goods seized"'
    )
    reply = say("evans", text)
    assert not reply.error, reply.text
    assert "Smith" not in render(reply)  # the partner-safe name is used
    assert say("evans", text + " nominal=danny").field == "nominal"


@pytest.mark.parametrize(
    ("handle", "ref"),
    [("evans", "OCG-0003"), ("moss", "OCG-0001"), ("patel", "OCG-0002"), ("cole", "OCG-0001")],
)
def test_people_without_a_part_in_the_ocg_cannot_record(bot, say, handle, ref):
    before = count(bot)
    reply = say(handle, f'disrupt {ref} minor pursue "Van seized for no insurance"')
    assert reply.error
    assert count(bot) == before


# -- totals ------------------------------------------------------------------------------------


def test_totals_by_grade_pillar_and_outcome(say):
    reply = say("okafor", "disruptions smith")
    facts = {f.label: f.value for f in reply.facts}
    assert facts["Total"] == "3 (2 accepted, 1 pending)"
    assert facts["By grade"] == "major 1 · moderate 1 · minor 1"
    assert facts["By pillar"] == "pursue 1 · prevent 1 · protect 1"
    assert facts["Outcomes"] == (
        "2 arrests, 1 warrant, 1 order, 2 safeguarded, £12,500 cash, drug seizures in 1"
    )
    assert [i.text.split()[0] for i in reply.items] == ["#3", "#1", "#2"]  # newest first
    assert "Danny" not in render(reply)


def test_totals_add_new_records_and_filters_narrow_them(say):
    say("nguyen", SMITH.format(grade="major") + " arrests=3 cash=£1,000 on 01/03/2027")
    facts = {f.label: f.value for f in say("okafor", "disruptions smith grade major").facts}
    assert facts["Total"] == "2 (1 accepted, 1 pending)"
    assert facts["Outcomes"].startswith("5 arrests, 1 warrant, £13,500 cash")
    only = say("okafor", "disruptions smith pillar protect")
    assert {f.label: f.value for f in only.facts}["Total"] == "1 (1 accepted)"
    recent = say("okafor", "disruptions smith since 20/02/2027")
    assert [i.text.split()[0] for i in recent.items] == ["#11", "#3"]  # demo: #1 to #10
    assert "since Sat 20 Feb 2027" in recent.title
    assert (
        say("okafor", "disruptions smith status=pending grade=minor").items[0].text.startswith("#3")
    )


def test_rejected_records_are_left_out_of_totals_but_can_be_listed(bot, say):
    with Session(bot.engine) as s:
        d = s.get(Disruption, 3)
        d.status = "rejected"
        s.add(d)
        s.commit()
    reply = say("okafor", "disruptions smith")
    assert {f.label: f.value for f in reply.facts}["Total"] == "2 (2 accepted)"
    assert "1 rejected" in reply.context
    assert len(say("okafor", "disruptions smith status rejected").items) == 1


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("disruptions", "ocg"),
        ("disruptions smith grade huge", "grade"),
        ("disruptions smith since next week", "date"),
        ("disruptions smith since", "since"),
        ("disruptions smith colour=red", "colour"),
    ],
)
def test_bad_filters_are_explained(say, text, field):
    reply = say("okafor", text)
    assert reply.error and reply.field == field, reply.text


def test_partners_see_totals_and_only_their_agencys_detail(say):
    say(
        "evans",
        'disrupt OCG-0001 minor protect "Test purchase at the nail bar: counterfeit goods seized"',
    )
    reply = say("evans", "disruptions OCG-0001")
    text = render(reply)
    assert reply.sanitised
    assert {f.label: f.value for f in reply.facts}["Total"].startswith("4")
    assert "counterfeit goods seized" in text  # their own entry
    assert "Fratton Road lock-up" not in text and "Danny" not in text  # police detail withheld
    assert "Smith Brothers" not in text
    assert text.count("detail withheld") == 3


def test_totals_match_a_count_done_by_hand(bot):
    """The aggregate query against a straightforward Python sum over many rows."""
    from socbot_plugins.disruptions import query

    oid = ocg_id(bot, "OCG-0002")
    with Session(bot.engine) as s:
        for i in range(60):
            s.add(
                Disruption(
                    ocg_id=oid,
                    occurred_on=date(2027, 1, 1 + i % 28),
                    grade=("major", "moderate", "minor")[i % 3],
                    pillar=("pursue", "prevent", "protect", "prepare")[i % 4],
                    description="generated",
                    arrests=i % 5,
                    cash_pence=i * 100,
                    drugs="1kg" if i % 7 == 0 else None,
                    recorded_by_id=1,
                    recorded_at=bot.clock.utcnow(),
                    status=("pending", "accepted", "rejected")[i % 3],
                )
            )
        s.commit()
        every = s.exec(select(Disruption).where(Disruption.ocg_id == oid)).all()
        kept = [d for d in every if d.status != "rejected" and d.occurred_on >= date(2027, 1, 10)]
        totals = query.totals(s, [oid], query.Filters(since=date(2027, 1, 10)))
    assert totals.count == len(kept)
    assert totals.sums["arrests"] == sum(d.arrests for d in kept)
    assert totals.sums["cash_pence"] == sum(d.cash_pence for d in kept)
    assert totals.drug_seizures == sum(1 for d in kept if d.drugs)
    assert totals.by_grade["major"] == sum(1 for d in kept if d.grade == "major")
    assert totals.by_pillar["prepare"] == sum(1 for d in kept if d.pillar == "prepare")


def test_record_and_totals_on_every_database(make_bot, any_engine):
    bot = make_bot(any_engine, plugins=disruption_pm(), demo=True)
    say = lambda h, t: bot.handle(t, Who("console", h), face="console")  # noqa: E731
    assert not say("nguyen", SMITH.format(grade="major") + " cash=£2,500").error
    facts = {f.label: f.value for f in say("okafor", "disruptions smith").facts}
    assert facts["Total"] == "4 (2 accepted, 2 pending)"
    assert "£15,000 cash" in facts["Outcomes"]


# -- help and the form -------------------------------------------------------------------------


def test_help_explains_grades_and_what_does_not_count(say):
    reply = say("nguyen", "help disrupt")
    text = render(reply)
    for word in ("major:", "moderate:", "minor:", "registered sex offenders", "mapped OCG"):
        assert word in text
    assert "Assessing the impact of a disruption" in text  # the section is cited
    assert "OCG performance monitoring" in text


def test_the_form_has_the_agreed_inputs(bot):
    reply = bot.open_form(
        Who("console", "nguyen"), "disruption.log", {"ocg": "OCG-0001"}, face="console"
    )
    form = reply.form
    assert [(i.name, i.kind, i.required) for i in form.inputs] == [
        ("ocg", "text", True),
        ("grade", "choice", True),
        ("pillar", "choice", True),
        ("level", "choice", False),
        ("what", "multiline", True),
        ("date", "date", False),
        ("arrests", "text", False),
        ("cash", "text", False),
        ("drugs", "text", False),
        ("confidence", "text", False),
        ("intelligence", "text", False),
        ("safeguarding", "text", False),
        ("partnership", "text", False),
    ]
    assert "principal charged or remanded" in form.inputs[1].label  # the definitions, quoted
    assert form.inputs[0].value == "OCG-0001"
    assert form.inputs[1].choices == ("major", "moderate", "minor")


def test_the_form_records_like_the_typed_command(bot):
    values = {
        "ocg": "Smith Brothers",
        "grade": "moderate",
        "pillar": "protect",
        "what": "Closure order granted on the flat",
        "date": "2027-03-01",
        "arrests": "",
        "cash": "£2,000",
        "drugs": "",
    }
    reply = bot.submit(Who("console", "nguyen"), "disruption.log", values, face="console")
    assert not reply.error, reply.text
    d = rows(bot)[-1]
    assert (d.grade, d.pillar, d.occurred_on, d.cash_pence) == (
        "moderate",
        "protect",
        date(2027, 3, 1),
        200_000,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cash": "lots"}, "cash"),
        ({"date": "2027-04-01"}, "date"),
        ({"what": ""}, "what"),
        ({"grade": "huge"}, "grade"),
        ({"ocg": "nosuch"}, "ocg"),
        ({"arrests": "x"}, "arrests"),
    ],
)
def test_form_errors_come_back_on_their_field(bot, change, field):
    values = {
        "ocg": "OCG-0001",
        "grade": "minor",
        "pillar": "prevent",
        "what": "Two siblings referred to youth diversion",
        **change,
    }
    before = count(bot)
    reply = bot.submit(Who("console", "nguyen"), "disruption.log", values, face="console")
    assert reply.error and reply.form is not None
    assert list(reply.form.errors) == [field]
    assert count(bot) == before


# -- closing an action with a disruption -------------------------------------------------------


class FakeActions:
    """Stands in for the actions plugin: ``done <id> "result" [disrupt=GRADE] [options]``."""

    @hookimpl
    def register_permissions(self, register):
        reach = dict.fromkeys(("lro", "sio", "plead", "coordinator", "partner"), "own")
        register(Permission("action.update", "close an action", {"sro": "any", **reach}))

    @hookimpl
    def ocg_reach(self, session, actor):
        return reached_ocgs(session, actor)

    @hookimpl
    def register_commands(self, register):
        register(
            CommandSpec(
                "done", self.done, "close an action", permission="action.update", writes=True
            )
        )

    @staticmethod
    def done(ctx, cmd):
        action = ctx.session.get(Action, int(cmd.args[0]))
        action.status, action.result = "done", " ".join(cmd.args[1:])
        action.completed_by_id, action.completed_at = ctx.actor.id, ctx.utcnow()
        ctx.session.add(action)
        ctx.emit(ActionDone(action, cmd.options.get("disrupt"), cmd.options))
        return Reply(text=f"Action #{action.id} done")


@pytest.fixture
def abot(make_bot, engine):
    pm = disruption_pm()
    pm.register(FakeActions(), name="fake-actions")
    return make_bot(engine, plugins=pm, demo=True)


def action_named(bot, start):
    with Session(bot.engine) as s:
        return s.exec(select(Action).where(Action.description.startswith(start))).one()


def test_closing_an_action_with_a_grade_records_a_linked_disruption(abot):
    action = action_named(abot, "Apply for cash seizure")
    reply = abot.handle(
        f'done {action.id} "Cash seizure order granted at court for the car wash takings" '
        "disrupt=moderate cash=£4,000 arrests=1",
        Who("console", "nguyen"),
        face="console",
    )
    assert not reply.error, reply.text
    d = rows(abot)[-1]
    assert (d.action_id, d.ocg_id, d.pillar, d.grade) == (
        action.id,
        action.ocg_id,
        "pursue",
        "moderate",
    )
    assert d.description == "Cash seizure order granted at court for the car wash takings"
    assert (d.cash_pence, d.arrests, d.status) == (400_000, 1, "pending")


def test_a_short_result_is_prefixed_with_the_action(abot):
    action = action_named(abot, "Test-purchase at the Fratton")
    reply = abot.handle(
        f'done {action.id} "goods seized" disrupt=minor', Who("console", "evans"), face="console"
    )
    assert not reply.error, reply.text
    d = rows(abot)[-1]
    assert d.description == (
        "Test-purchase at the Fratton nail bar for counterfeit goods: goods seized"
    )
    assert d.pillar == "protect"


def test_closing_without_a_grade_records_nothing(abot):
    action = action_named(abot, "Apply for cash seizure")
    before = count(abot)
    assert not abot.handle(
        f'done {action.id} "order granted"', Who("console", "nguyen"), face="console"
    ).error
    assert count(abot) == before


@pytest.mark.parametrize(
    ("tail", "field"),
    [
        ("disrupt=huge", "grade"),
        ("disrupt=minor cash=lots", "cash"),
        ("disrupt=minor date=01/04/2027", "date"),
    ],
)
def test_bad_disruption_input_rolls_the_whole_close_back(abot, tail, field):
    action = action_named(abot, "Apply for cash seizure")
    before = count(abot)
    reply = abot.handle(
        f'done {action.id} "Cash seizure order granted at court" {tail}',
        Who("console", "nguyen"),
        face="console",
    )
    assert reply.error and reply.field == field, reply.text
    assert count(abot) == before
    assert action_named(abot, "Apply for cash seizure").status == "open"


def test_the_real_actions_plugin_links_a_closed_action(make_bot, engine):
    """The contract with the actions plugin, end to end: ``done ... disrupt=GRADE``."""
    pm = get_plugin_manager(load_entrypoints=False, allow="help,actions,disruptions")
    bot = make_bot(engine, plugins=pm, demo=True)
    action = action_named(bot, "Apply for cash seizure")
    reply = bot.handle(
        f'done {action.id} "Cash seizure granted at court" disrupt=major cash=£8,000',
        Who("console", "nguyen"),
        face="console",
    )
    assert not reply.error, reply.text
    d = rows(bot)[-1]
    assert (d.action_id, d.grade, d.cash_pence) == (action.id, "major", 800_000)
    assert f"#{d.id} major" in render(reply)
    bad = bot.handle(
        f'done {action_named(bot, "Inspect the HMO").id} "HMO inspected" disrupt=minor arrests=x',
        Who("console", "okafor"),
        face="console",
    )
    assert bad.error and bad.field == "arrests"
    assert action_named(bot, "Inspect the HMO").status == "open"
