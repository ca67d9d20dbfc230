"""Linking a chat account by email, the first time it writes (Slack and Teams alike).

An email from a chat platform's directory is a hint, not proof: it links only a person's first
account on that platform, only when exactly one active person has it, and the person is told.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from socbot import people
from socbot.bot import Bot
from socbot.identify import UNKNOWN_USER, Who
from socbot.model import Reply
from socbot.store.models import AuditEvent, Identity, Outbox, Person

EMAIL = "grace.okafor@demo.police.example"


@pytest.fixture
def demo(make_bot, any_engine: Engine) -> Bot:  # type: ignore[no-untyped-def]
    return make_bot(any_engine, demo=True)


def accounts(bot: Bot, platform: str) -> set[str]:
    with Session(bot.engine) as session:
        rows = session.exec(select(Identity).where(Identity.platform == platform)).all()
        return {r.external_id for r in rows}


def notices(bot: Bot) -> list[Outbox]:
    with Session(bot.engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == "account-linked")).all())


def links_audited(bot: Bot) -> list[AuditEvent]:
    with Session(bot.engine) as session:
        query = select(AuditEvent).where(col(AuditEvent.text).startswith("auto-link"))
        return list(session.exec(query).all())


@pytest.mark.parametrize("platform", ["slack", "teams"])
def test_a_first_account_is_linked_by_email_named_in_the_audit_and_the_person_told(
    demo: Bot, platform: str
) -> None:
    who = Who(platform, "NEW-ACCOUNT-1", email=EMAIL.upper())  # emails match in any case
    reply = demo.handle("status smith", who, face=platform)
    assert not reply.error and "Smith Brothers" in (reply.title or "") + (reply.text or "")
    assert accounts(demo, platform) == {"NEW-ACCOUNT-1"}
    [row] = links_audited(demo)
    assert row.text == f"auto-link {platform}:NEW-ACCOUNT-1 by email"
    assert (row.actor, row.face, row.outcome) == ("okafor", platform, "ok")
    [notice] = notices(demo)
    with Session(demo.engine) as session:
        okafor = session.exec(select(Person).where(Person.handle == "okafor")).one()
    assert notice.person_id == okafor.id and notice.status == "pending"
    told = Reply.from_dict(notice.body)
    assert f"{platform.capitalize()} account was linked to you" in (told.text or "")
    assert "Wed 3 Mar 2027 09:00" in (told.text or ""), "when, in London time"
    assert "SOC coordinator" in (told.text or "")


@pytest.mark.parametrize("platform", ["slack", "teams"])
def test_a_second_account_with_the_same_email_is_not_linked(demo: Bot, platform: str) -> None:
    """The attack: someone gets an account showing a linked officer's email and writes."""
    with Session(demo.engine) as session:
        okafor = session.exec(select(Person).where(Person.handle == "okafor")).one()
        people.link(session, person=okafor, identity=f"{platform}:HER-OWN", now=demo.clock.utcnow())
        session.commit()
    reply = demo.handle("status smith", Who(platform, "SOMEONE-ELSE", email=EMAIL), face=platform)
    assert reply.error and reply.text == UNKNOWN_USER
    assert accounts(demo, platform) == {"HER-OWN"}
    assert links_audited(demo) == [] and notices(demo) == []


def test_an_account_on_another_platform_does_not_stop_a_first_link(demo: Bot) -> None:
    with Session(demo.engine) as session:
        okafor = session.exec(select(Person).where(Person.handle == "okafor")).one()
        people.link(session, person=okafor, identity="slack:U0OKAFOR", now=demo.clock.utcnow())
        session.commit()
    assert not demo.handle("help", Who("teams", "aad-okafor", email=EMAIL), face="teams").error
    assert accounts(demo, "teams") == {"aad-okafor"}
    assert len(notices(demo)) == 1


def test_an_email_two_people_share_links_nobody(demo: Bot) -> None:
    with Session(demo.engine) as session:
        session.execute(update(Person).where(col(Person.handle) == "evans").values(email=EMAIL))
        session.commit()
    reply = demo.handle("help", Who("slack", "U0WHICH", email=EMAIL), face="slack")
    assert reply.error and reply.text == UNKNOWN_USER
    assert accounts(demo, "slack") == set() and notices(demo) == []


def test_an_inactive_persons_email_links_nobody(demo: Bot) -> None:
    with Session(demo.engine) as session:
        session.execute(update(Person).where(col(Person.handle) == "okafor").values(active=False))
        session.commit()
    reply = demo.handle("help", Who("slack", "U0GONE", email=EMAIL), face="slack")
    assert reply.error and accounts(demo, "slack") == set() and notices(demo) == []
