"""Classification-aware channels in the core: a channel's ceiling, the members the platform
names at the moment of posting, the marking on every reply, and the record of each disclosure
(``socbot audit disclosures``). The faces' own tests ask real stand-ins for the members."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import Session, select

from socbot import channels, people
from socbot.channels import Audience, Member
from socbot.cli import main
from socbot.identify import Who
from socbot.store.engine import alembic_config, store_versions, upgrade
from socbot.store.models import AuditEvent, Channel, Person

ROOM = "C0ROOM"
OFFICERS = {"okafor": "U0OKAFOR", "nguyen": "U0NGUYEN", "admin": "U0ADMIN"}


def link(bot, handle: str, account: str) -> None:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        person = session.exec(select(Person).where(Person.handle == handle)).one()
        people.link(session, person=person, identity=f"slack:{account}", now=bot.clock.utcnow())
        session.commit()


@pytest.fixture
def slack_bot(bot):  # type: ignore[no-untyped-def]
    for handle, account in {**OFFICERS, "evans": "U0EVANS"}.items():
        link(bot, handle, account)
    assert not bot.handle(f"channel secure {ROOM}", Who("slack", "U0ADMIN"), face="slack").error
    return bot


def post(bot, text: str, audience: Audience | None, who: str = "U0OKAFOR"):  # type: ignore[no-untyped-def]
    return bot.handle(
        text, Who("slack", who), face="slack", channel=ROOM, audience=lambda: audience
    )


def disclosures(bot) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        return list(channels.disclosures(session, "OCG-0001"))


def officers(*extra: Member) -> Audience:
    return Audience(ROOM, members=(*(Member(a) for a in OFFICERS.values()), *extra))


def test_every_reply_carries_its_marking(slack_bot) -> None:  # type: ignore[no-untyped-def]
    police = post(slack_bot, "status smith", officers())
    assert police.classification == "OFFICIAL-SENSITIVE"
    partner = post(slack_bot, "status OCG-0001", officers(), who="U0EVANS")
    assert partner.sanitised and partner.classification == "OFFICIAL"
    assert post(slack_bot, "status nobody-at-all", officers()).classification == "OFFICIAL"


def test_a_police_only_reply_is_shared_where_only_police_are_and_the_disclosure_recorded(
    slack_bot,
) -> None:  # type: ignore[no-untyped-def]
    reply = post(slack_bot, "status smith share", officers())
    assert reply.ephemeral is False, reply.context
    [row] = disclosures(slack_bot)
    detail = json.loads(row.detail or "")
    assert (row.actor, row.face, row.channel) == ("okafor", "slack", ROOM)
    assert detail["classification"] == "OFFICIAL-SENSITIVE" and detail["how"] == "share"
    assert detail["members"] == list(OFFICERS.values())


@pytest.mark.parametrize(
    ("audience", "why"),
    [
        (officers(Member("U0EXT", "from another organisation")), "from another organisation"),
        (officers(Member("U0GUEST", "a guest")), "a guest (U0GUEST)"),
        (Audience(ROOM, (Member("U0OKAFOR"),), shared="a Slack Connect channel"), "Slack Connect"),
        (officers(Member("U0EVANS")), "a partner, @evans (Trading Standards)"),
    ],
)
def test_police_only_content_is_refused_where_anyone_is_outside_the_force_and_says_why(
    slack_bot, audience: Audience, why: str
) -> None:  # type: ignore[no-untyped-def]
    reply = post(slack_bot, "status smith share", audience)
    assert reply.ephemeral is True
    assert reply.context and "Not shared" in reply.context and why in reply.context
    assert disclosures(slack_bot) == []


def test_nothing_is_posted_when_the_platform_cannot_say_who_is_there(slack_bot) -> None:  # type: ignore[no-untyped-def]
    reply = post(slack_bot, "status smith share", None)
    assert reply.ephemeral and reply.context and "couldn't check who is in" in reply.context


def test_a_channel_never_gets_more_than_its_ceiling(slack_bot) -> None:  # type: ignore[no-untyped-def]
    admin = Who("slack", "U0ADMIN")
    lowered = slack_bot.handle(f"channel ceiling official {ROOM}", admin, face="slack")
    assert not lowered.error and "OFFICIAL at most" in (lowered.text or "")
    reply = post(slack_bot, "status smith share", officers())
    assert reply.ephemeral and "OFFICIAL-SENSITIVE" in (reply.context or "")
    assert "may carry OFFICIAL at most" in (reply.context or "")
    refused = slack_bot.handle("channel ceiling secret C0OTHER", admin, face="slack")
    assert refused.error and "Which ceiling" in (refused.text or "")
    unmarked = slack_bot.handle("channel ceiling official C0OTHER", admin, face="slack")
    assert unmarked.error and "isn't marked secure" in (unmarked.text or "")
    assert slack_bot.handle(f"channel ceiling os {ROOM}", admin, face="slack").error is False
    assert post(slack_bot, "status smith share", officers()).ephemeral is False


def test_audit_disclosures_lists_who_was_shown_what_and_when(  # type: ignore[no-untyped-def]
    slack_bot, monkeypatch, capsys
) -> None:
    assert post(slack_bot, "status smith share", officers()).ephemeral is False
    monkeypatch.setenv("SOCBOT_DATABASE_URL", str(slack_bot.engine.url))
    monkeypatch.setenv("SOCBOT_NOW", "2027-03-03T09:00")
    assert main(["audit", "disclosures", "--ocg", "ocg-0001"]) == 0
    out = capsys.readouterr().out
    assert "Disclosures of OCG-0001" in out
    assert "03/03/2027 09:00 slack channel C0ROOM by @okafor (share): OFFICIAL-SENSITIVE" in out
    assert "U0OKAFOR, U0NGUYEN, U0ADMIN" in out
    assert main(["audit", "disclosures", "--ocg", "OCG-0002"]) == 0
    assert "No disclosures of OCG-0002" in capsys.readouterr().out
    assert main(["audit", "disclosures"]) == 2


def test_revision_0003_upgrades_a_store_with_secure_channels_keeping_them_secure(
    empty_engine, make_bot
) -> None:  # type: ignore[no-untyped-def]
    upgrade(empty_engine)
    bot = make_bot(empty_engine, demo=True)
    link(bot, "admin", "U0ADMIN")
    bot.handle("channel secure C0OLD", Who("slack", "U0ADMIN"), face="slack")
    bot.handle("channel insecure C0GONE", Who("slack", "U0ADMIN"), face="slack")
    command.downgrade(alembic_config(empty_engine), "0004_audit_unsealed@-2")  # to 0002
    assert not {"0003", "0004_audit_unsealed"} & store_versions(empty_engine)
    with empty_engine.connect() as conn:
        before = conn.execute(
            text("SELECT platform, external_id, secure FROM channel ORDER BY id")
        ).all()
    assert [tuple(r) for r in before] == [("slack", "C0OLD", True), ("slack", "C0GONE", False)]

    upgrade(empty_engine)

    assert "0004_audit_unsealed" in store_versions(empty_engine)  # 0003 and on, again
    with Session(empty_engine) as session:
        rows = session.exec(select(Channel).order_by(Channel.id)).all()  # type: ignore[arg-type]
        assert [(r.external_id, r.secure, r.ceiling) for r in rows] == [
            ("C0OLD", True, None),
            ("C0GONE", False, None),
        ]
        assert channels.ceiling_of(session, "slack", "C0OLD") == (True, "OFFICIAL-SENSITIVE")
        assert channels.ceiling_of(session, "slack", "C0GONE") == (False, "OFFICIAL")
