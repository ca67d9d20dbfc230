"""Need-to-know rules in socbot.access and socbot.lookup, on the demo force."""

from datetime import timedelta

import pytest
from socbot_plugins.actions import rules as action_rules
from socbot_plugins.actions.models import Action
from sqlmodel import Session, select

from socbot import access, people
from socbot.access import ANY, OWN
from socbot.identify import Who
from socbot.lookup import find_ocg, find_ocg_row
from socbot.model import CommandError
from socbot.store.models import Ocg, OcgAlias, Person

DEMO_PEOPLE = (
    "admin",
    "hart",
    "okafor",
    "brennan",
    "nguyen",
    "patel",
    "cole",
    "walsh",
    "khan",
    "moss",
    "evans",
    "price",
    "ford",
    "idris",
    "lowe",
)


def actor(session, bot, handle):
    person = session.exec(select(Person).where(Person.handle == handle)).one()
    return access.load_actor(session, person, bot.clock.utcnow())


def refs_visible(session, bot, handle):
    me = actor(session, bot, handle)
    ocgs = session.exec(select(Ocg)).all()
    return {o.ref for o in ocgs if bot.access.can(session, me, "ocg.read", o)}


def test_the_demo_force_sees_what_the_brief_says(bot):
    with Session(bot.engine) as s:
        assert refs_visible(s, bot, "okafor") == {
            "OCG-0001",
            "OCG-0002",
            "OCG-0005",
            "OCG-0007",
            "OCG-0009",
        }
        assert refs_visible(s, bot, "brennan") == {
            "OCG-0003",
            "OCG-0004",
            "OCG-0006",
            "OCG-0008",
            "OCG-0010",
        }
        assert len(refs_visible(s, bot, "hart")) == len(refs_visible(s, bot, "khan")) == 10
        assert refs_visible(s, bot, "patel") == {"OCG-0001", "OCG-0005"}
        # A partner sees only OCGs where they, their agency or an agency colleague has an action.
        assert refs_visible(s, bot, "evans") == {"OCG-0001", "OCG-0009"}
        assert refs_visible(s, bot, "idris") == {"OCG-0001"}
        assert refs_visible(s, bot, "ford") == {"OCG-0001", "OCG-0002"}  # agency's, then own
        assert refs_visible(s, bot, "lowe") == {"OCG-0004"}
        # A coordinator: their area's OCGs (walsh: Portsmouth), nothing in Southampton.
        assert refs_visible(s, bot, "walsh") == {
            "OCG-0001",
            "OCG-0002",
            "OCG-0005",
            "OCG-0007",
            "OCG-0009",
        }


def test_visible_ids_agree_with_can_for_everyone(bot):
    """Lists filter with visible_ocg_ids, single lookups with can: they must never disagree."""
    with Session(bot.engine) as s:
        ocgs = s.exec(select(Ocg)).all()
        for handle in DEMO_PEOPLE:
            me = actor(s, bot, handle)
            for permission in bot.access.permissions:
                ids = bot.access.visible_ocg_ids(s, me, permission)
                for ocg in ocgs:
                    expected = bot.access.can(s, me, permission, ocg)
                    assert (ids is None or ocg.id in ids) == expected, (handle, permission, ocg.ref)


def test_a_role_on_one_ocg_never_reaches_the_force(bot):
    """An analyst attached to OCG-0001 is not an analyst (any) for every OCG."""
    with Session(bot.engine) as s:
        cole = s.exec(select(Person).where(Person.handle == "cole")).one()
        smith = s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()
        people.grant(s, person=cole, role="analyst", ocg=smith, now=bot.clock.utcnow())
        people.grant(s, person=cole, role="admin", ocg=smith, now=bot.clock.utcnow())
        s.commit()
        me = actor(s, bot, "cole")
        assert bot.access.scope(me, "ocg.read") == OWN
        assert bot.access.scope(me, "admin") == OWN
        assert refs_visible(s, bot, "cole") == {"OCG-0001", "OCG-0003"}


def test_roles_start_and_end_on_time(bot, clock):
    with Session(bot.engine) as s:
        khan = s.exec(select(Person).where(Person.handle == "khan")).one()
        now = clock.utcnow()
        people.grant(
            s,
            person=khan,
            role="moderator",
            now=now,
            start=now + timedelta(days=2),
            until=now + timedelta(days=5),
        )
        s.commit()
        for days, expected in ((0, None), (3, ANY), (6, None)):
            me = access.load_actor(s, khan, now + timedelta(days=days))
            assert bot.access.scope(me, "disruption.moderate") == expected, days
        with pytest.raises(CommandError):
            people.grant(s, person=khan, role="sro", now=now, until=now - timedelta(days=1))


def test_anyone_holding_the_partner_role_is_sanitised(bot):
    with Session(bot.engine) as s:
        assert access.sanitised(actor(s, bot, "price"))  # partner and coordinator
        ford = s.exec(select(Person).where(Person.handle == "ford")).one()
        smith = s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()
        people.grant(
            s, person=ford, role="plead", ocg=smith, pillar="protect", now=bot.clock.utcnow()
        )
        s.commit()
        assert access.sanitised(actor(s, bot, "ford"))
        assert not access.sanitised(actor(s, bot, "walsh"))


def test_partners_see_only_their_own_and_their_agencys_actions(bot):
    with Session(bot.engine) as s:
        actions = s.exec(select(Action).where(Action.ocg_id == 1)).all()
        evans, ford, okafor = (actor(s, bot, h) for h in ("evans", "ford", "okafor"))
        seen = {a.description[:20] for a in actions if action_rules.sees_action(s, evans, a)}
        assert seen == {"Test-purchase at the"}
        assert {a.owner_agency for a in actions if action_rules.sees_action(s, ford, a)} == {
            "Council Housing"
        }
        assert all(action_rules.sees_action(s, okafor, a) for a in actions)
        ocg = s.get(Ocg, 1)
        hmrc = next(a for a in actions if "VAT" in a.description)
        assert not action_rules.may_update_action(bot.access, s, evans, hmrc, ocg)
        mine = next(a for a in actions if a.owner_id == evans.id)
        assert action_rules.may_update_action(bot.access, s, evans, mine, ocg)


# -- lookup: no existence leak -----------------------------------------------------------------


def reply_text(say, handle, text):
    return say(handle, text).text


@pytest.mark.parametrize(
    "verb", ["status", "disruptions", "audit", "tactics for", "actions", "chart", "reviews"]
)
def test_unknown_and_hidden_ocgs_get_the_same_reply(say, verb):
    for handle, hidden in (("okafor", "OCG-0003"), ("evans", "OCG-0002"), ("walsh", "OCG-0004")):
        unknown = say(handle, f"{verb} OCG-0999")
        secret = say(handle, f"{verb} {hidden}")
        assert unknown.error and secret.error
        assert unknown.text.replace("OCG-0999", "X") == secret.text.replace(hidden, "X"), handle


@pytest.mark.parametrize("verb", ["done", "snooze", "take", "cancel", "reassign", "accept"])
def test_records_of_hidden_ocgs_get_the_not_found_reply(say, verb):
    """Action 9 and disruption 5 belong to OCG-0003 (Southampton): not okafor's or walsh's."""
    record = 5 if verb == "accept" else 9
    for handle in ("okafor", "walsh", "evans"):
        secret = say(handle, f'{verb} {record} friday "x"')
        unknown = say(handle, f'{verb} 99999 friday "x"')
        assert secret.error, (handle, secret.text)
        refused = "isn't available to you" in secret.text  # moderators only, for accept
        assert refused or secret.text.replace(str(record), "X") == unknown.text.replace(
            "99999", "X"
        ), handle


def test_names_and_aliases_of_hidden_ocgs_are_not_found(say):
    hidden = say("okafor", "status kestrel")  # OCG-0003's alias, brennan's
    assert hidden.error
    assert hidden.text.replace("kestrel", "X") == say("okafor", "status zzzz").text.replace(
        "zzzz", "X"
    )


def test_ambiguous_matches_list_only_visible_ocgs(bot, say):
    with Session(bot.engine) as s:  # "smi" starts Smith Brothers (okafor's) and two aliases
        s.add(OcgAlias(ocg_id=3, alias="Smithy", alias_key="smithy"))  # brennan's
        s.add(OcgAlias(ocg_id=2, alias="Smithy", alias_key="smithy"))  # okafor's
        s.commit()
    ambiguous = say("okafor", "status smi")
    assert ambiguous.error and "matches 2 OCGs" in ambiguous.text
    assert "OCG-0001" in ambiguous.text and "OCG-0002" in ambiguous.text
    assert "OCG-0003" not in ambiguous.text and "Kestrel" not in ambiguous.text
    assert say("brennan", "status smi").title.startswith("OCG-0003")  # the only one theirs


def test_partners_cannot_find_an_ocg_by_its_intelligence_name(say):
    """Finding Group A by 'smith' would confirm to a partner who the group is."""
    for words in ("smith", "smith brothers", "the smiths"):
        assert say("evans", f"status {words}").error, words
    assert not say("evans", "status group a").error
    assert not say("evans", "status OCG-0001").error
    assert "Smith" not in (say("evans", "status group").text or "")


def test_hidden_ocgs_never_crowd_out_a_visible_one(bot):
    """The candidate limit applies after the visibility filter."""
    with Session(bot.engine) as s:
        for n in range(30):
            s.add(
                Ocg(
                    ref=f"OCG-{200 + n}",
                    name=f"Alpha {n}",
                    name_key=f"alpha {n}",
                    band="1A",
                    area="Southampton",
                    created_at=bot.clock.utcnow(),
                    next_review_due=bot.clock.today(),
                )
            )
        s.add(
            Ocg(
                ref="OCG-0300",
                name="Alpha Zulu",
                name_key="alpha zulu",
                band="5C",
                area="Portsmouth",
                created_at=bot.clock.utcnow(),
                next_review_due=bot.clock.today(),
            )
        )
        s.commit()
        walsh = actor(s, bot, "walsh")  # a Portsmouth coordinator sees only the last
        assert find_ocg(s, walsh, "alpha", "ocg.read", bot.access).ref == "OCG-0300"
        assert find_ocg_row(s, walsh, "alpha", "ocg.read", bot.access).ref == "OCG-0300"


LOOKUPS = ("OCG-0001", "2", "#0003", "smith", "smi", "the smiths", "harbour", "zzz", "alpha", "")
COLUMNS = ("id", "ref", "name", "partner_name", "band", "morile", "morile_date", "pmech", "tier",
           "phase", "area", "status", "last_review_on", "next_review_due")  # fmt: skip


def test_a_read_finds_what_a_change_finds_for_everyone(bot):
    """``find_ocg_row`` (plain columns, for reads) answers as ``find_ocg`` (the ORM object)."""

    def outcome(find, s, who, query, permission):  # type: ignore[no-untyped-def]
        try:
            found = find(s, who, query, permission, bot.access)
        except CommandError as error:
            return type(error).__name__, error.message
        return tuple(getattr(found, c) for c in COLUMNS)

    with Session(bot.engine) as s:
        for handle in DEMO_PEOPLE:
            who = actor(s, bot, handle)
            for query in LOOKUPS:
                for permission in ("ocg.read", "ocg.review"):
                    orm = outcome(find_ocg, s, who, query, permission)
                    assert outcome(find_ocg_row, s, who, query, permission) == orm, (handle, query)


def test_a_visible_ocg_without_the_permission_says_so(bot):
    with Session(bot.engine) as s:
        evans = actor(s, bot, "evans")
        with pytest.raises(CommandError) as refused:
            find_ocg(s, evans, "OCG-0001", "ocg.review", bot.access)
        assert "OCG-0001" in refused.value.message and "lro" in refused.value.message


def test_unenrolled_people_get_one_reply_whatever_they_ask(bot):
    stranger = Who("slack", "U0STRANGER")
    replies = {
        bot.handle(t, stranger, face="slack").text
        for t in ("status OCG-0001", "status OCG-0999", "help", "audit smith")
    }
    assert len(replies) == 1 and "enrol" in replies.pop()


def test_help_lists_only_what_the_actor_may_run(bot, say):
    for handle in ("evans", "okafor", "admin", "moss"):
        with Session(bot.engine) as s:
            me = actor(s, bot, handle)
        listed = say(handle, "help")
        shown = {i.text.split()[1].strip("`") for i in listed.items}
        runnable = {
            n for n, spec in bot.commands.items() if bot.access.may_run(me, spec.permission)
        }
        assert shown == runnable, handle
    assert "grant" not in {i.text.split()[1].strip("`") for i in say("okafor", "help").items}


def test_a_permission_nobody_registered_is_a_programming_error_not_a_refusal(bot):
    from socbot.access import SYSTEM

    with Session(bot.engine) as session:
        ctx = bot.context(session, SYSTEM, "console")
        ocg = session.exec(select(Ocg)).first()
        for check in (
            lambda: ctx.can("ocg.reveiw"),
            lambda: ctx.can("ocg.reveiw", ocg),
            lambda: bot.access.may_run(SYSTEM, "ocg.reveiw"),
        ):
            with pytest.raises(LookupError, match=r"'ocg\.reveiw'.*ocg\.review"):
                check()
        assert ctx.can("ocg.review")
