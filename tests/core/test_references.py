"""A reference shown to a channel (``socbot.references``), on SQLite and PostgreSQL: the view the
least-privileged member may see, each one shown recorded in the disclosure log, nothing written
when nothing is shown. The Slack face's tests drive it through real unfurl events."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, func, select

from socbot import channels, people, references
from socbot.bot import Bot
from socbot.channels import Audience, Member
from socbot.identify import Who
from socbot.store.models import AuditEvent, Person

ROOM = "C0ROOM"
ACCOUNTS = {"okafor": "U0OKAFOR", "nguyen": "U0NGUYEN", "evans": "U0EVANS", "admin": "U0ADMIN"}


@pytest.fixture
def bot(make_bot, any_engine) -> Bot:  # type: ignore[no-untyped-def]
    made: Bot = make_bot(any_engine, demo=True)
    with Session(made.engine) as session:
        for handle, account in ACCOUNTS.items():
            person = session.exec(select(Person).where(Person.handle == handle)).one()
            people.link(
                session, person=person, identity=f"slack:{account}", now=made.clock.utcnow()
            )
        session.commit()
    assert not made.handle(f"channel secure {ROOM}", Who("slack", "U0ADMIN"), face="slack").error
    return made


def show(bot: Bot, audience: Audience, ref: str = "OCG-0001"):  # type: ignore[no-untyped-def]
    poster = Who("slack", "U0OKAFOR")
    return references.for_channel(
        bot, face="slack", channel=ROOM, poster=poster, ref=ref, audience=audience
    )


def logged(bot: Bot) -> list[dict]:
    with Session(bot.engine) as session:
        return [
            {"actor": r.actor, **json.loads(r.detail or "{}")}
            for r in channels.disclosures(session, "OCG-0001")
        ]


def test_police_only_gets_the_police_view_shared_and_logged(bot: Bot) -> None:
    reply = show(bot, Audience(ROOM, (Member("U0OKAFOR"), Member("U0NGUYEN"))))
    assert reply is not None and reply.title == "OCG-0001 Smith Brothers" and not reply.ephemeral
    [row] = logged(bot)
    assert (row["actor"], row["how"], row["classification"]) == (
        "okafor",
        "share",
        "OFFICIAL-SENSITIVE",
    )


def test_a_partner_member_makes_it_the_partner_view(bot: Bot) -> None:
    shared = "a Slack Connect channel"
    reply = show(bot, Audience(ROOM, (Member("U0OKAFOR"), Member("U0EVANS")), shared=shared))
    assert reply is not None and reply.sanitised and reply.title == "OCG-0001 Group A (Fratton)"
    [row] = logged(bot)
    assert (row["actor"], row["how"], row["classification"]) == ("okafor", "unfurl", "OFFICIAL")
    assert row["members"] == ["U0OKAFOR", "U0EVANS"] and row["shared"] == shared
    with Session(bot.engine) as session:  # evans typed nothing: no row says they did
        theirs = session.exec(select(AuditEvent).where(AuditEvent.actor == "evans")).all()
    assert theirs == []


@pytest.mark.parametrize(
    "audience",
    [
        Audience(ROOM, (Member("U0OKAFOR"), Member("U0GUEST", outside="a guest"))),
        Audience(ROOM, (Member("U0OKAFOR"),), shared="a Slack Connect channel"),
        Audience(ROOM, None, shared="a Slack Connect channel"),
    ],
    ids=["an-unknown-guest", "connect-with-nobody-known", "members-unknown"],
)
def test_an_audience_socbot_cannot_vouch_for_gets_nothing(bot: Bot, audience: Audience) -> None:
    with Session(bot.engine) as session:
        before = session.exec(select(func.count()).select_from(AuditEvent)).one()
    assert show(bot, audience) is None
    with Session(bot.engine) as session:
        assert session.exec(select(func.count()).select_from(AuditEvent)).one() == before
    assert logged(bot) == []


def test_urls_name_a_reference_only_in_the_configured_shape() -> None:
    pattern = references.url_pattern("https://intranet.police.example/ocg/{ref}")
    assert references.ref_of("https://intranet.police.example/ocg/ocg-0001", pattern) == "OCG-0001"
    assert references.ref_of("https://intranet.police.example/ocg/OCG-0001/", pattern) == "OCG-0001"
    assert references.ref_of("https://evil.example/ocg/OCG-0001", pattern) is None
    assert references.ref_of("https://intranet.police.example/ocg/OCG-0001/x", pattern) is None
    assert references.ref_of("https://wiki.example/OCG-0042-notes", None) == "OCG-0042"
    assert references.url_pattern("https://no-placeholder.example/") is None
