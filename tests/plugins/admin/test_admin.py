"""The admin plugin: enrolment, identities, roles with periods, secure channels, in chat."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, SQLModel, func, select

from socbot.cli import main
from socbot.identify import Who
from socbot.store.models import Assignment, Channel, Identity, Person


def table_counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return {
            t.name: s.exec(select(func.count()).select_from(t)).one()  # type: ignore[call-overload]
            for t in SQLModel.metadata.sorted_tables
            if t.name not in ("auditevent", "sharedstate")
        }


def person(engine, handle: str) -> Person | None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.exec(select(Person).where(Person.handle == handle)).first()


def test_only_admins_administer(say):
    for handle in ("hart", "okafor", "evans", "walsh"):
        for line in ("users", 'user add x name="X"', "grant okafor sro", "channel secure C1"):
            assert "isn't available to you" in say(handle, line).text, (handle, line)


def test_enrol_then_link_then_the_person_can_use_socbot(bot, say):
    added = say(
        "admin",
        'user add jsmith name="Jo Smith" agency="Trading Standards" '
        "email=Jo.Smith@Council.example role=partner",
    )
    assert not added.error and "Enrolled @jsmith" in added.text and "partner" in added.text
    jo = person(bot.engine, "jsmith")
    assert (jo.name, jo.agency, jo.email) == (
        "Jo Smith",
        "Trading Standards",
        "jo.smith@council.example",
    )
    assert not say("admin", "user link jsmith <@U0JOSMITH>").error  # a Slack mention works too
    reply = bot.handle("help", Who("slack", "U0JOSMITH"), face="slack")
    assert not reply.error and "What you can do" in reply.title
    again = say("admin", 'user add jsmith name="Jo Smith-Jones"')
    assert "Updated @jsmith" in again.text
    jo = person(bot.engine, "jsmith")
    assert (jo.name, jo.agency) == ("Jo Smith-Jones", "Trading Standards")  # agency kept
    assert person(bot.engine, "jsmith2") is None
    assert not say("admin", 'user add jsmith2 name="Jo Two"').error
    assert person(bot.engine, "jsmith2").agency == "Police"


def test_bad_enrolments_write_nothing(bot, say):
    before = table_counts(bot.engine)
    for line in (
        "user add jsmith",  # no name
        'user add "bad handle!" name="X"',
        'user add jsmith name="X" email=not-an-email',
        'user add jsmith name="X" role=wizard',
        'user add jsmith name="X" role=lro',  # held on one OCG only
        'user add jsmith name="X" colour=blue',
        "user link okafor msn:123",
        "user link okafor slack:U0EXISTS",
        "user frobnicate",
    ):
        if line.endswith("U0EXISTS"):
            say("admin", "user link hart slack:U0EXISTS")
            before = table_counts(bot.engine)
        reply = say("admin", line)
        assert reply.error, line
        assert table_counts(bot.engine) == before, line
    assert "already linked to @hart" in say("admin", "user link okafor slack:U0EXISTS").text


def test_users_lists_and_filters(say):
    everyone = say("admin", "users")
    assert len(everyone.items) == 15 and any("@okafor" in i.text for i in everyone.items)
    hmrc = say("admin", "users hmrc")
    assert [i.text for i in hmrc.items] == ["@idris: Sara Idris (HMRC)"]
    assert "partner" in hmrc.items[0].detail
    assert say("admin", "users nobody-at-all").text == "No one matches."


def test_a_grant_takes_effect_at_once_and_ends_on_time(bot, say, clock):
    assert say("evans", "status OCG-0003").error
    granted = say("admin", "grant evans partner OCG-0003 until=friday")
    assert not granted.error and "until the end of Fri 5 Mar 2027" in granted.text
    assert not say("evans", "status OCG-0003").error
    assert say("evans", "status OCG-0003").sanitised
    clock.advance(days=3)  # Saturday
    assert say("evans", "status OCG-0003").error


def test_a_grant_can_start_later(say, clock):
    assert not say("admin", "grant khan moderator start=friday").error
    assert say("khan", "moderation").error
    clock.advance(days=2)
    assert not say("khan", "moderation").error


def test_granting_an_lro_hands_the_ocg_over(bot, say):
    reply = say("admin", "grant brennan lro smith")
    assert "@okafor is no longer its LRO" in reply.text
    assert say("okafor", "status OCG-0001").error
    assert not say("brennan", "status OCG-0001").error
    with Session(bot.engine) as s:  # the old assignment is ended, not deleted
        held = s.exec(
            select(Assignment).where(Assignment.ocg_id == 1, Assignment.role == "lro")
        ).all()
    assert len(held) == 2 and sum(a.ended_at is None for a in held) == 1


def test_role_rules_are_explained(say):
    assert "pillar" in say("admin", "grant patel plead OCG-0002").text
    assert "held on one OCG" in say("admin", "grant patel lro").text
    assert "force-wide" in say("admin", "grant khan admin OCG-0001").text
    assert "Only a P lead" in say("admin", "grant khan analyst pillar=pursue").text
    assert "passed" in say("admin", "grant khan analyst until=yesterday").text
    assert say("admin", "grant nobody analyst").error
    assert say("admin", "grant khan analyst OCG-0999").error
    assert not say("admin", "grant patel plead OCG-0002 pillar=protect").error


def test_revoke_ends_a_role_and_keeps_the_last_admin(bot, say):
    assert not say("admin", "revoke moss moderator").error
    assert "isn't available" in say("moss", "moderation").text
    assert "doesn't hold" in say("admin", "revoke moss moderator").text
    assert "no admin" in say("admin", "revoke admin admin").text
    say("admin", "grant khan admin")
    assert not say("khan", "revoke admin admin").error
    assert "isn't available" in say("admin", "users").text


def test_channels_are_marked_secure_for_sharing(bot, say):
    okafor = Who("slack", "U0OKAFOR")
    say("admin", "user link okafor slack:U0OKAFOR")
    shared = bot.handle("status smith share", okafor, face="slack", channel="C0TASKING")
    assert shared.ephemeral
    admin = Who("slack", "U0ADMIN")
    say("admin", "user link admin slack:U0ADMIN")
    marked = bot.handle("channel secure", admin, face="slack", channel="C0TASKING")
    assert "marked secure" in marked.text
    assert not bot.handle("status smith share", okafor, face="slack", channel="C0TASKING").ephemeral
    bot.handle("channel insecure", admin, face="slack", channel="C0TASKING")
    assert bot.handle("status smith share", okafor, face="slack", channel="C0TASKING").ephemeral
    assert "Which channel" in say("admin", "channel secure").text  # the console has no channel
    with Session(bot.engine) as s:
        row = s.exec(select(Channel).where(Channel.external_id == "C0TASKING")).one()
        linked = s.exec(select(func.count()).select_from(Identity)).one()
    assert row.secure is False and row.marked_by_id is not None and linked == 2


def test_the_docs_command_checks_the_permissions_page(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SOCBOT_DATABASE_URL", raising=False)
    page = Path(__file__).parents[3] / "docs" / "permissions.md"
    assert main(["docs", "permissions", "--check", str(page)]) == 0
    stale = tmp_path / "old.md"
    stale.write_text("# Permissions\n")
    assert main(["docs", "permissions", "--check", str(stale)]) == 1
    assert main(["docs", "permissions", "--out", str(stale)]) == 0
    assert stale.read_text() == page.read_text()


def test_the_cli_grants_a_role_for_a_period(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_NOW", "2027-03-03T09:00")
    monkeypatch.delenv("SOCBOT_DATABASE_URL", raising=False)
    assert main(["demo"]) == 0
    assert main(["user", "grant", "khan", "moderator", "--until", "05/03/2027"]) == 0
    assert main(["say", "--as", "khan", "moderation"]) == 0
    monkeypatch.setenv("SOCBOT_NOW", "2027-03-06T00:00")  # the role ended at midnight
    assert main(["say", "--as", "khan", "moderation"]) == 1
    assert main(["user", "grant", "khan", "sro", "--until", "31/02/2027"]) == 1
