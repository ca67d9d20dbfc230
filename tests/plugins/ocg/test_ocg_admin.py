"""``ocg new`` and ``ocg set``: creating OCGs, hand-overs that keep both assignments."""

from datetime import date

import pytest
from sqlmodel import Session, func, select

from socbot.identify import Who
from socbot.plugins import get_plugin_manager
from socbot.store.models import Assignment, Ocg, OcgAlias, Person


@pytest.fixture
def bot(make_bot, engine):
    return make_bot(engine, plugins=get_plugin_manager(False, allow="help,ocg,plan"), demo=True)


def say(bot, handle, text):
    return bot.handle(text, Who("console", handle), face="console")


def ocg_count(bot):
    with Session(bot.engine) as s:
        return s.exec(select(func.count()).select_from(Ocg)).one()


def lro_rows(bot, ref):
    with Session(bot.engine) as s:
        return s.exec(
            select(Person.handle, Assignment.started_at, Assignment.ended_at)
            .join(Person, Assignment.person_id == Person.id)
            .join(Ocg, Assignment.ocg_id == Ocg.id)
            .where(Ocg.ref == ref, Assignment.role == "lro")
            .order_by(Assignment.id)
        ).all()


def test_new_ocg_gets_the_next_reference_and_its_people(bot):
    reply = say(
        bot,
        "hart",
        'ocg new "Canal Street Crew" band=2b tier=2 pmech=p3 morile=55 area=Portsmouth '
        'lro=@okafor partner="Group K" alias="Canal;CSC"',
    )
    assert not reply.error, reply.text
    assert reply.title == "Added OCG-0011 Canal Street Crew"
    with Session(bot.engine) as s:
        ocg = s.exec(select(Ocg).where(Ocg.ref == "OCG-0011")).one()
        aliases = s.exec(select(OcgAlias.alias).where(OcgAlias.ocg_id == ocg.id)).all()
    assert (ocg.band, ocg.tier, ocg.pmech, ocg.morile, ocg.area, ocg.partner_name) == (
        "2B",
        2,
        "P3",
        55,
        "Portsmouth",
        "Group K",
    )
    assert ocg.next_review_due == date(2027, 6, 3) and sorted(aliases) == ["CSC", "Canal"]
    # the new LRO can see and review it at once, and find it by alias
    assert say(bot, "okafor", "ocg status csc").title == "OCG-0011 Canal Street Crew"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('ocg new "X Crew" tier=2', "needs its band"),
        ('ocg new "X Crew" band=2B', "needs its tier"),
        ('ocg new "X Crew" band=9B tier=2', "isn't an OCGM band"),
        ('ocg new "X Crew" band=2B tier=2 pmech=P0', "isn't a P-mech band"),
        ('ocg new "X Crew" band=2B tier=2 morile=lots', "isn't a MoRiLE score"),
        ('ocg new "X Crew" band=2B tier=2 lro=@nobody', "don't know anyone called @nobody"),
        ('ocg new "X Crew" band=2B tier=2 lro=@evans', "partner"),
        ('ocg new "Smith Brothers" band=2B tier=2', "already called"),
        ('ocg new "X Crew" band=2B tier=2 alias=HLC', "already names OCG-0002"),
        ('ocg new "X Crew" band=2B tier=2 colour=red', "I don't know the option colour="),
        ("ocg new band=2B tier=2", "Give the OCG a name"),
    ],
)
def test_bad_new_ocgs_write_nothing(bot, text, says):
    reply = say(bot, "hart", text)
    assert reply.error and says in reply.text, reply.text
    assert ocg_count(bot) == 10


def test_only_admins_and_sros_create_or_set(bot):
    assert say(bot, "okafor", 'ocg new "X Crew" band=2B tier=2').error
    assert say(bot, "okafor", "ocg set smith lro @brennan").error
    assert not say(bot, "admin", 'ocg new "X Crew" band=2B tier=2 lro=@okafor').error


def test_hand_over_ends_the_old_lro_and_starts_the_new_keeping_both(bot):
    reply = say(bot, "hart", "ocg set smith lro @brennan")
    assert not reply.error, reply.text
    assert reply.facts[0].value.startswith("@okafor → @brennan (hand-over")
    rows = lro_rows(bot, "OCG-0001")
    assert [r[0] for r in rows] == ["okafor", "brennan"]
    assert rows[0][2] is not None and rows[1][2] is None  # old ended, new open
    # the new LRO sees it and may review; the old one no longer can
    assert say(bot, "brennan", "ocg status smith").title == "OCG-0001 Smith Brothers"
    assert say(bot, "okafor", "ocg status smith").error
    # doing it again changes nothing
    again = say(bot, "hart", "ocg set smith lro @brennan")
    assert again.text.startswith("Nothing changed") and len(lro_rows(bot, "OCG-0001")) == 2


def test_p_leads_sio_and_other_settings(bot):
    reply = say(bot, "hart", "ocg set smith pursue @cole")
    assert reply.facts[0].label == "Pursue lead" and reply.facts[0].value == "none → @cole"
    say(bot, "hart", "ocg set smith prevent @cole")  # hand-over of the Prevent lead from patel
    status = say(bot, "hart", "ocg status smith")
    people = {f.label: f.value for s in status.sections for f in s.facts}
    assert people["Pursue lead"] == people["Prevent lead"] == "PC Amy Cole (@cole)"
    assert not say(bot, "hart", "ocg set smith sio none").error
    assert "none named" in say(bot, "hart", "ocg status smith").sections[1].facts[2].value
    reply = say(bot, "hart", 'ocg set smith phase=hold area=Southsea partner="Group Z"')
    assert [(f.label, f.value) for f in reply.facts] == [
        ("Phase", "clear → hold"),
        ("Area", "Portsmouth → Southsea"),
        ("Partner-safe name", "Group A (Fratton) → Group Z"),
        ("Because", "no reason given"),  # the phase change is logged: the reply says so
    ]
    assert not say(bot, "hart", 'ocg set smith name "Smith Family"').error
    assert say(bot, "hart", "ocg status smith family").title == "OCG-0001 Smith Family"
    # a partner may lead a pillar: they still only get the partner view
    assert not say(bot, "hart", "ocg set smith protect @evans").error
    assert say(bot, "evans", "ocg status OCG-0001").sanitised


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("ocg set smith band 2A", "go through a review"),
        ("ocg set smith tier=3", "go through a review"),
        ("ocg set smith colour red", "I can't set 'colour'"),
        ("ocg set smith phase melt", "clear, hold or build"),
        ("ocg set smith lro @evans", "partner"),
        ("ocg set smith lro @ghost", "don't know anyone called @ghost"),
        ("ocg set smith delegate @nguyen", "until when"),
        ("ocg set smith delegate @okafor until friday", "already the LRO"),
        ("ocg set smith name Harbour Lane Crew", "already names OCG-0002"),
        ("ocg set smith lro", "needs a value"),
        ("ocg set smith", "What should I set"),
    ],
)
def test_bad_settings_are_refused_and_write_nothing(bot, text, says):
    reply = say(bot, "hart", text)
    assert reply.error and says in reply.text, reply.text
    assert [r[0] for r in lro_rows(bot, "OCG-0001")] == ["okafor"]


def test_a_bad_second_setting_leaves_the_first_undone(bot):
    reply = say(bot, "hart", "ocg set smith lro=@brennan phase=melt")
    assert reply.error
    assert [r[0] for r in lro_rows(bot, "OCG-0001")] == ["okafor"]
