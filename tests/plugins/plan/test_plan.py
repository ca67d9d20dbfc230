"""``ocg plan``, ``objective``, ``lead``, ``team``, ``handover``, ``intel``: an LRO builds and
runs their own plan in chat; partners see only what is written for partners."""

from socbot_plugins.plan.models import Decision, IntelRequirement, Objective, Plan
from sqlmodel import Session, func, select

from socbot.store.models import Assignment, Outbox, Person
from socbot.withhold import WITHHELD


def rows(bot, model) -> int:
    with Session(bot.engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def text_of(reply) -> str:
    parts = [reply.title or "", reply.text or "", reply.context or ""]
    parts += [f"{f.label} {f.value}" for f in reply.facts]
    for s in reply.sections:
        parts += [s.title or "", s.text or ""]
        parts += [f"{f.label} {f.value}" for f in s.facts]
        parts += [f"{i.text} {i.detail or ''}" for i in s.items]
    return "\n".join(parts)


def test_the_lro_builds_the_plan_in_chat_and_sees_it_whole(bot, say):
    aim = "dismantle the supply into Fratton and stop child recruitment"
    assert not say("okafor", f'ocg plan northgate aim "{aim}"').error
    assert not say(
        "okafor", 'ocg plan northgate hold "licensing checks keep the car wash honest"'
    ).error
    assert not say(
        "okafor", 'ocg plan northgate target "the car wash on Fratton Road" category=business'
    ).error
    made = say(
        "okafor",
        'ocg objective northgate prevent "divert the two youngest siblings" '
        'measure="both engaged with the scheme" by 31/03/2027 level=secondary',
    )
    assert not made.error, made.text
    assert not say("okafor", "ocg lead northgate prevent @patel").error
    assert not say(
        "okafor", 'ocg decide northgate not prepare "no exit work" because "principals on remand"'
    ).error
    raised = say("okafor", 'ocg intel northgate "who supplies the cash to the car wash?" @khan')
    assert not raised.error, raised.text
    shown = text_of(say("okafor", "ocg plan northgate"))
    for expected in (
        aim,
        "licensing checks keep the car wash honest",
        "business: the car wash on Fratton Road",
        "(secondary): divert the two youngest siblings",
        "PS Ravi Patel (@patel)",
        "Not developed: no exit work (because principals on remand)",
        "who supplies the cash to the car wash? (@khan)",
        "Jordan Pell (principal)",
    ):
        assert expected in shown, expected
    # Protect has neither an objective nor a decision saying why not: the plan says so
    assert "No objective, and no decision saying why not" in shown


def test_replacing_the_aim_needs_a_reason_and_is_logged(bot, say):
    before = say("okafor", "ocg plan smith").sections[0].text
    refused = say("okafor", 'ocg plan smith aim "disrupt the cash laundering first"')
    assert refused.error and "because" in refused.text
    done = say(
        "okafor",
        'ocg plan smith aim "disrupt the cash laundering first" '
        'because "supply is covered by the NCA"',
    )
    assert not done.error
    assert done.facts[0].value == before
    log = text_of(say("okafor", "ocg decisions smith"))
    assert "supply is covered by the NCA" in log


def test_bad_input_writes_nothing(bot, say):
    before = (
        rows(bot, Objective),
        rows(bot, Decision),
        rows(bot, Plan),
        rows(bot, IntelRequirement),
    )
    for line, words in (
        (
            'ocg objective smith pursuit "seize the cash" measure="£" by 31/03/2027',
            "isn't a pillar",
        ),
        ('ocg objective smith pursue "seize the car wash cash" by 31/03/2027', "measure"),
        (
            'ocg objective smith pursue "seize the car wash cash" measure="order made" '
            "by someday soon",
            "date",
        ),
        ('ocg objective nosuch pursue "seize the car wash cash" measure="x" by 31/03/2027', "OCG"),
        ('ocg plan smith aim "ok"', "sentence"),
        ('ocg intel smith "who supplies the cash?" @evans', "police"),
        ("ocg lead smith pursuit @patel", "isn't a pillar"),
    ):
        reply = say("okafor", line)
        assert reply.error, line
        assert words.lower() in reply.text.lower(), (line, reply.text)
    after = (
        rows(bot, Objective),
        rows(bot, Decision),
        rows(bot, Plan),
        rows(bot, IntelRequirement),
    )
    assert after == before


def test_only_the_lro_and_sro_write_the_plan(bot, say):
    line = 'ocg plan smith hold "licensing checks on the car wash stay" because "new evidence"'
    for who in ("patel", "nguyen", "evans", "walsh", "khan", "brennan", "admin"):
        assert say(who, line).error, who
    assert not say("hart", line).error


def test_the_lro_gives_roles_on_their_own_ocg_only(bot, say):
    assert not say("okafor", "ocg team smith analyst @cole").error
    assert "PC Amy Cole (@cole)" in text_of(say("okafor", "ocg team smith"))
    # @cole can now read the OCG
    assert not say("cole", "ocg status smith").error
    # a police officer can't be made a partner; a partner can't be made an analyst
    assert "partner agencies" in say("okafor", "ocg team smith partner @cole").text
    assert say("okafor", "ocg team smith analyst @ford").error
    # not on someone else's OCG
    assert say("okafor", "ocg team kestrel analyst @cole").error
    assert not say("okafor", "ocg team smith analyst @cole off").error
    assert say("cole", "ocg status smith").error


def test_a_handover_tells_the_new_lro_and_copies_the_sro(bot, say):
    reply = say("okafor", 'ocg handover smith @brennan "cash seizure hearing on 14 April"')
    assert not reply.error, reply.text
    with Session(bot.engine) as s:
        told = set(
            s.exec(
                select(Person.handle)
                .join(Outbox, Outbox.person_id == Person.id)
                .where(Outbox.kind == "handover")
            ).all()
        )
        lro = s.exec(
            select(Person.handle)
            .join(Assignment, Assignment.person_id == Person.id)
            .where(Assignment.role == "lro", Assignment.ocg_id == 1, Assignment.ended_at.is_(None))
        ).all()
    assert told == {"brennan", "hart"}
    assert lro == ["brennan"]
    # the old LRO no longer runs the plan; the new one does
    line = 'ocg plan smith build "youth services take over" because "handed over"'
    assert say("okafor", line).error
    assert not say("brennan", line).error
    assert "cash seizure hearing on 14 April" in text_of(say("brennan", "ocg decisions smith"))


def test_a_partner_sees_only_what_is_written_for_partners(bot, say):
    say("okafor", 'ocg decide smith "covert work on the yard" because "intelligence gap on supply"')
    say(
        "okafor",
        'ocg decide smith "licensing visit to Danny Smith\'s car wash" because "shared aim with '
        'Trading Standards" partner=yes',
    )
    seen = text_of(say("evans", "ocg plan OCG-0001"))
    assert "licensing visit to" in seen and WITHHELD in seen
    for secret in ("Danny", "covert", "take the cash out", "Smith Brothers", "@okafor", "khan"):
        assert secret not in seen, secret
    assert "Test-purchase at the Fratton nail bar" in seen  # their own action


def test_the_cards_run_the_same_checks_as_typed_lines(bot, say):
    from socbot.bot import Who

    who = Who("console", "okafor")
    missing = bot.submit(
        who, "plan-decision", {"ocg": "smith", "text": "work with housing"}, face="console"
    )
    assert missing.form is not None and missing.form.errors == {
        "because": "This field is required."
    }
    made = bot.submit(
        who,
        "plan-objective",
        {
            "ocg": "smith",
            "pillar": "protect",
            "what": "close the nail bar as a cash front",
            "measure": "premises licence revoked",
            "by": "30/06/2027",
        },
        face="console",
    )
    assert not made.error, made.text
    assert "close the nail bar as a cash front" in text_of(say("okafor", "ocg plan smith"))
    decided = bot.submit(
        who,
        "plan-decision",
        {
            "ocg": "smith",
            "kind": "not doing",
            "pillar": "prepare",
            "text": "no exit work yet",
            "because": "principals on remand",
            "partner": "no",
        },
        face="console",
    )
    assert not decided.error, decided.text
    assert "Not developed: no exit work yet" in text_of(say("okafor", "ocg plan smith"))


def test_the_analyst_answers_and_closes_their_requirement(bot, say):
    raised = say("okafor", 'ocg intel smith "who supplies the cash to the car wash?" @khan')
    number = raised.title.split("#")[1].split(":")[0]
    with Session(bot.engine) as s:
        told = s.exec(select(Outbox.body).where(Outbox.kind == "intel")).all()
    assert [b["title"] for b in told] == [
        f"Intelligence requirement #{number} for you: OCG-0001 Smith Brothers"
    ]
    assert not say("khan", f'ocg intel {number} response "two couriers, see report 41"').error
    # a partner who reaches the OCG cannot touch it, nor can someone else's P lead
    assert say("evans", f'ocg intel {number} close "nothing more"').error
    assert say("patel", f'ocg intel {number} close "nothing more"').error
    closed = say("khan", f'ocg intel {number} close "answered at tasking"')
    assert not closed.error, closed.text
    assert "answered at tasking" in text_of(say("okafor", "ocg decisions smith"))
    assert "no open requirement" in text_of(say("okafor", "ocg plan smith"))
