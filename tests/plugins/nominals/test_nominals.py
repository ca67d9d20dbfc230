"""Nominals in chat: add, list, regrade, alias, status, link; who may; nothing written on error;
every write audited; and partners never read a name or an alias, whenever it was written."""

from __future__ import annotations

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.nominals.models import NominalAction, NominalAlias
from sqlmodel import Session, func, select

from socbot.bot import Who
from socbot.model import Reply
from socbot.render_text import render
from socbot.store.models import AuditEvent, Nominal, Outbox, Person

ADD = 'nominal add smith "Jayden Reece" significant alias="JR Junior;Jayd"'


def said(bot, handle: str, line: str) -> Reply:  # type: ignore[no-untyped-def]
    return bot.handle(line, Who("console", handle), face="console")


def counts(bot) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    """Nominals, aliases, action links, disruptions naming a nominal: what a write changes."""
    with Session(bot.engine) as s:
        return (
            s.exec(select(func.count()).select_from(Nominal)).one(),
            s.exec(select(func.count()).select_from(NominalAlias)).one(),
            s.exec(select(func.count()).select_from(NominalAction)).one(),
            s.exec(
                select(func.count()).where(Disruption.nominal_id.is_not(None))  # type: ignore[union-attr]
            ).one(),
        )


def last_audit(bot) -> AuditEvent:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as s:
        return s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]


def nominal(bot, name: str) -> Nominal:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as s:
        return s.exec(select(Nominal).where(Nominal.name == name)).one()


def test_the_lro_adds_a_nominal_and_disrupt_then_finds_them_by_name_or_alias(bot, say):
    reply = say("okafor", ADD)
    assert not reply.error, reply.text
    jayden = nominal(bot, "Jayden Reece")
    assert reply.title == (
        f"Nominal {jayden.id} added to OCG-0001 Smith Brothers: Jayden Reece (significant)"
    )
    assert {f.label: f.value for f in reply.facts}["Aliases"] == "JR Junior, Jayd"
    row = last_audit(bot)
    assert (row.actor, row.action, row.ocg_ref, row.outcome) == (
        "okafor",
        "nominal",
        "OCG-0001",
        "ok",
    )
    # the complaint in issue 15: "OCG-0001 has no nominal"
    logged = say(
        "okafor",
        'disrupt smith minor pursue "Jayden Reece arrested with cash" nominal="Jayden Reece"',
    )
    assert not logged.error, logged.text
    # the same nominal, day and place: socbot asks whether it is a duplicate; it is not
    by_alias = say(
        "okafor", 'disrupt smith minor pursue "Seen dealing at the car wash" nominal=jayd confirm'
    )
    assert {f.label: f.value for f in by_alias.facts}["Nominal"] == "Jayden Reece (significant)"
    with Session(bot.engine) as s:
        named = s.exec(select(Disruption.nominal_id).where(Disruption.nominal_id == jayden.id))
        assert len(named.all()) == 2


def test_nominals_lists_principals_first_with_aliases_status_and_linked_records(bot, say):
    say("okafor", ADD)
    jayden = nominal(bot, "Jayden Reece")
    say("okafor", 'nominal status "Carl Rowe" remanded "charged with supply"')
    with Session(bot.engine) as s:
        action = s.exec(select(Action).where(Action.ocg_id == jayden.ocg_id)).first()
    assert not say("okafor", f"nominal link jayd action {action.id}").error
    reply = say("okafor", "nominals smith")
    lines = [f"{i.text} | {i.detail}" for i in reply.items]
    assert reply.title == "OCG-0001 Smith Brothers: 6 nominals"
    assert lines[0].split(" | ")[0].endswith("Danny Smith")  # the principal first
    assert "principal · active · aka Big Dan, Smudger" in lines[0]  # the demo's aliases
    jr = next(line for line in lines if "Jayden Reece" in line)
    assert "significant · active · aka JR Junior, Jayd · 1 action · 0 disruptions" in jr
    rowe = next(line for line in lines if "Carl Rowe" in line)
    assert "significant · remanded · aka Rowey" in rowe
    # the active come before the remanded within a role
    assert lines.index(jr) < lines.index(rowe)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('nominal add smith "Danny Smith" principal', "already has Danny Smith"),
        ('nominal add smith "Jayden Reece" boss', "Usage"),
        ('nominal add nowhere "Jayden Reece" principal', "can't find an OCG"),
        ('nominal add smith "Jayden Reece" principal alias="JR"', "can't be an alias"),
        ('nominal regrade smith principal "because"', "matches 2 nominals"),
        ('nominal regrade "Lee Smith" principal', "Why?"),
        ('nominal regrade "Lee Smith" significant "no change at all"', "already significant"),
        ('nominal regrade "Nobody Atall" principal "took over"', "can't find a nominal"),
        ('nominal alias "Victor Hale" "Vic"', "can't find a nominal"),  # not okafor's OCG
        ('nominal alias "Danny Smith" "big dan"', "already known as"),
        ("nominal status danny retired", "Usage"),
        ('nominal status danny active "still at it"', "already active"),
        ("nominal link danny action 99999", "no action '99999'"),
        ("nominal link danny disruption {elsewhere}", "that you can see"),  # another OCG's
        ("nominal fire danny", "add, regrade, alias, status or link"),
    ],
)
def test_every_error_is_polite_and_writes_nothing(bot, say, line, says):
    before = counts(bot)
    with Session(bot.engine) as s:
        roles = s.exec(select(Nominal.id, Nominal.role, Nominal.status)).all()
    with Session(bot.engine) as s:
        elsewhere = s.exec(select(Disruption.id).where(Disruption.ocg_id != 1)).first()
    reply = say("okafor", line.format(elsewhere=elsewhere))
    assert reply.error and says in reply.text, reply.text
    assert "Traceback" not in reply.text
    assert counts(bot) == before
    with Session(bot.engine) as s:
        assert s.exec(select(Nominal.id, Nominal.role, Nominal.status)).all() == roles
    assert last_audit(bot).outcome in ("user-error", "refused")


def test_an_ambiguous_name_lists_every_candidate_with_its_id(bot, say):
    reply = say("okafor", 'nominal alias smith "Smithy"')
    danny, lee = nominal(bot, "Danny Smith"), nominal(bot, "Lee Smith")
    assert f"{danny.id} Danny Smith (OCG-0001)" in reply.text
    assert f"{lee.id} Lee Smith (OCG-0001)" in reply.text
    assert "Use the full name or the id" in reply.text


def test_regrade_alias_and_status_change_the_nominal_and_are_audited(bot, say):
    lee = nominal(bot, "Lee Smith")
    reply = say("okafor", f'nominal regrade {lee.id} principal "runs supply since the arrests"')
    assert reply.title == "Lee Smith regraded from significant to principal"
    assert {f.label: f.value for f in reply.facts}["Reason"] == "runs supply since the arrests"
    assert say("okafor", 'nominal alias "Lee Smith" "Daz"').title == (
        "Lee Smith is also known as Daz"
    )
    left = say("okafor", 'nominal status daz left the group "moved to Spain"')
    assert left.title == "Lee Smith: active -> left the group", left.text
    after = nominal(bot, "Lee Smith")
    assert (after.role, after.status) == ("principal", "left")
    with Session(bot.engine) as s:
        rows = s.exec(
            select(AuditEvent.action, AuditEvent.text, AuditEvent.outcome, AuditEvent.ocg_ref)
            .where(AuditEvent.actor == "okafor")
            .order_by(AuditEvent.id)
        ).all()
    assert [r.text for r in rows[-3:]] == [
        f'nominal regrade {lee.id} principal "runs supply since the arrests"',
        'nominal alias "Lee Smith" "Daz"',
        'nominal status daz left the group "moved to Spain"',
    ]
    assert {(r.action, r.outcome, r.ocg_ref) for r in rows[-3:]} == {("nominal", "ok", "OCG-0001")}


def test_links_to_actions_and_disruptions(bot, say):
    say("okafor", 'nominal alias "Lee Smith" "Daz"')
    made = say(
        "okafor",
        'action smith pursue @nguyen "Apply for a production order on his accounts" by friday '
        "nominal=daz",
    )
    assert {f.label: f.value for f in made.facts}["Nominal"] == "Lee Smith (significant)"
    number = int(made.title.split("#")[1].split()[0])
    again = say("okafor", f"nominal link daz action {number}")
    assert again.error and "already linked" in again.text
    logged = say(
        "okafor", 'disrupt smith minor pursue "Stopped with cash near the car wash" nominal=danny'
    )
    disruption = int(logged.title.split("#")[1].split()[0])
    moved = say("okafor", f"nominal link daz disruption {disruption}")
    assert {f.label: f.value for f in moved.facts}["Was linked to"].endswith("Danny Smith")
    lines = {i.text.split(" ", 1)[1]: i.detail for i in say("okafor", "nominals smith").items}
    assert lines["Lee Smith"].endswith("1 action · 1 disruption")
    assert lines["Danny Smith"].endswith("0 actions · 0 disruptions")


@pytest.mark.parametrize(
    ("handle", "line", "allowed"),
    [
        ("patel", "nominals smith", True),  # P lead: reads their own OCG's
        ("patel", 'nominal alias danny "Dan the Man"', False),
        ("khan", 'nominal alias danny "Dan the Man"', True),  # analyst: any
        ("hart", 'nominal alias danny "Dan the Man"', True),  # SRO: any
        ("nguyen", 'nominal alias danny "Dan the Man"', True),  # SIO of OCG-0001
        ("moss", "nominals smith", True),
        ("moss", 'nominal alias danny "Dan the Man"', False),
        ("evans", "nominals smith", False),  # partner: nothing
        ("evans", 'nominal add smith "Jayden Reece" principal', False),
        ("walsh", "nominals smith", True),  # coordinator: their area
    ],
)
def test_who_may_read_and_write_nominals(bot, say, handle, line, allowed):
    before = counts(bot)
    reply = say(handle, line)
    assert reply.error != allowed, reply.text
    if not allowed:
        assert counts(bot) == before
        assert "Danny Smith" not in render(reply)


def test_a_partner_never_reads_an_alias_added_after_the_text_was_written(bot, say):
    """Police write "Daz" in an action a partner holds; only later is Daz known as Lee Smith's
    street name. From then on the partner's list and their nudge withhold it."""
    text = "Ask the barber whether Daz still collects on Fridays"
    made = say("okafor", f'action smith protect @evans "{text}" by friday confirm')
    assert not made.error, made.text
    assert "Daz" in render(say("evans", "actions mine"))  # not yet known: nothing to withhold
    assert not say("okafor", 'nominal alias "Lee Smith" "Daz"').error
    seen = render(say("evans", "actions mine"))
    assert "Daz" not in seen and "[name withheld] still collects" in seen
    assert "Daz" in render(say("okafor", "actions smith"))  # police still read it
    bot.clock = type(bot.clock).parse("2027-03-10T09:00")  # overdue: evans is nudged
    bot.run_job("action-nudges")
    with Session(bot.engine) as s:
        evans = s.exec(select(Person.id).where(Person.handle == "evans")).one()
        bodies = [r.body for r in s.exec(select(Outbox).where(Outbox.person_id == evans)).all()]
    nudges = [render(Reply.from_dict(b)) for b in bodies]
    assert any("still collects" in n for n in nudges)
    assert not any("Daz" in n for n in nudges)


def test_a_partner_cannot_name_a_nominal_on_an_action_or_a_disruption(bot, say):
    before = counts(bot)
    assert say(
        "evans", 'action smith protect @evans "Check the shop" by friday nominal=danny'
    ).error
    reply = say(
        "evans", 'disrupt OCG-0001 minor protect "Licence review of the shop" nominal=danny'
    )
    assert reply.error and reply.field == "nominal", reply.text
    assert "Partners can't link a nominal" in reply.text
    assert counts(bot) == before


def test_on_postgresql_too(any_engine, make_bot):
    bot = make_bot(any_engine, demo=True)
    assert not said(bot, "okafor", ADD).error
    assert not said(bot, "okafor", 'nominal alias "Lee Smith" "Daz"').error
    listed = said(bot, "okafor", "nominals smith")
    assert any(i.detail and "aka JR Junior, Jayd" in i.detail for i in listed.items)
    made = said(bot, "okafor", 'action smith protect @evans "Ask if Daz was in" by friday confirm')
    assert not made.error
    assert "Daz" not in render(said(bot, "evans", "actions mine"))
    assert said(bot, "okafor", 'nominal regrade smith principal "x y"').error  # ambiguous
