"""Partners see a sanitised view; LROs see their own OCGs in full and nothing of others'.

Every read command that takes an OCG is run for every demo partner on every OCG they can see,
and rendered as text, Block Kit and an Adaptive Card: no nominal's name, address, intelligence
name or note may appear.
"""

from __future__ import annotations

import json

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.nominals.models import NominalAlias
from sqlmodel import Session, select

from socbot import access
from socbot.faces.slack import blockkit
from socbot.faces.teams import adaptive
from socbot.render_text import render
from socbot.store.models import Nominal, Ocg, OcgAlias, Person

PARTNERS = ("evans", "price", "ford", "idris", "lowe")


def secrets_of(session: Session) -> set[str]:
    """Everything a partner must never read."""
    found: set[str] = set()
    for n in session.exec(select(Nominal)).all():
        found |= {n.name, *(n.address or "").split(",")} - {""}
    for o in session.exec(select(Ocg)).all():
        found |= {o.name, o.notes or ""} - {""}
    found |= {a.alias for a in session.exec(select(OcgAlias)).all()}
    found |= {a.alias for a in session.exec(select(NominalAlias)).all()}
    return {s for s in found if len(s) > 3 and s != "(fictional address withheld)"}


def everything_shown(reply) -> str:  # type: ignore[no-untyped-def]
    pages = json.dumps(blockkit.message(reply), ensure_ascii=False)
    return "\n".join([render(reply), pages, json.dumps(adaptive.card(reply), ensure_ascii=False)])


def read_commands(bot) -> list[str]:  # type: ignore[no-untyped-def]
    """Read-only commands addressed with an OCG (from their usage), as their verb."""
    return sorted(
        name for name, spec in bot.commands.items() if not spec.writes and "<OCG>" in spec.usage
    )


@pytest.mark.parametrize("handle", PARTNERS)
def test_no_partner_sees_a_nominal_on_any_ocg_they_can_see(bot, say, handle):
    with Session(bot.engine) as s:
        person = s.exec(select(Person).where(Person.handle == handle)).one()
        me = access.load_actor(s, person, bot.clock.utcnow())
        visible = [
            o.ref
            for o in s.exec(select(Ocg).order_by(Ocg.ref)).all()
            if bot.access.can(s, me, "ocg.read", o)
        ]
        forbidden = secrets_of(s)
    assert visible, f"{handle} should see at least one demo OCG"
    commands = read_commands(bot)
    assert {"status", "disruptions"} <= set(commands)
    lines = [f"{verb} {ref}" for ref in visible for verb in commands]
    lines += ["list", "actions", "actions mine", "reviews", "tactics for " + visible[0], "help"]
    for line in lines:
        reply = say(handle, line)
        shown = everything_shown(reply)
        leaked = sorted(secret for secret in forbidden if secret in shown)
        assert not leaked, f"{handle}: {line!r} shows {leaked}"
        if not reply.error:
            assert reply.sanitised, f"{handle}: {line!r} is not marked as a partner view"


def test_a_partner_lists_and_closes_their_own_action_and_nothing_else(bot, say):
    with Session(bot.engine) as s:
        evans = s.exec(select(Person).where(Person.handle == "evans")).one()
        mine = s.exec(select(Action).where(Action.owner_id == evans.id)).one()
        others = s.exec(
            select(Action).where(Action.ocg_id == mine.ocg_id, Action.owner_id != evans.id)
        ).all()
    listed = render(say("evans", "actions mine"))
    assert mine.description in listed
    assert not any(a.description in listed for a in others)
    assert not any(
        a.description in render(say("evans", "actions OCG-0001"))
        for a in others
        if a.owner_agency != "Trading Standards"
    )
    closed = say("evans", f'done {mine.id} "No counterfeit goods found" disrupt=no')
    assert not closed.error, closed.text
    with Session(bot.engine) as s:
        assert s.get(Action, mine.id).status == "done"
    hmrc = next(a for a in others if "VAT" in a.description)
    refused = say("evans", f'done {hmrc.id} "not mine" disrupt=no')
    assert refused.error and hmrc.description not in render(refused)
    with Session(bot.engine) as s:
        assert s.get(Action, hmrc.id).status == "open"


def test_an_lro_sees_their_ocgs_in_full_and_not_others(say):
    full = render(say("okafor", "status smith"))
    assert "Smith Brothers" in full and "Danny Smith" in full
    hidden = say("okafor", "status OCG-0003")
    assert hidden.error and "Kestrel" not in hidden.text and "Victor Hale" not in hidden.text
    listed = render(say("okafor", "list"))
    assert "OCG-0001" in listed and "OCG-0003" not in listed and "Kestrel" not in listed


def test_a_sanitised_reply_is_never_shared_to_a_channel(bot, say):
    from socbot import people
    from socbot.identify import Who
    from socbot.store.models import Channel

    with Session(bot.engine) as s:
        s.add(Channel(platform="slack", external_id="C0SECURE", secure=True))
        for handle, uid in (("evans", "U0EVANS"), ("okafor", "U0OKAFOR")):
            person = s.exec(select(Person).where(Person.handle == handle)).one()
            people.link(s, person=person, identity=f"slack:{uid}", now=bot.clock.utcnow())
        s.commit()
    partner = bot.handle(
        "status OCG-0001 share", Who("slack", "U0EVANS"), face="slack", channel="C0SECURE"
    )
    assert partner.ephemeral and "Not shared" in partner.context
    police = bot.handle(
        "status OCG-0001 share", Who("slack", "U0OKAFOR"), face="slack", channel="C0SECURE"
    )
    assert not police.ephemeral
    insecure = bot.handle(
        "status OCG-0001 share", Who("slack", "U0OKAFOR"), face="slack", channel="C0OPEN"
    )
    assert insecure.ephemeral and "isn't marked secure" in insecure.context
