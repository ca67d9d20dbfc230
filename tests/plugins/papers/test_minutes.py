"""``ocg minutes``: the meeting's outcome in the decision log and on the page, the actions it
agreed created in the same step, all or nothing, by the OCG's LRO, SRO or coordinator only."""

from __future__ import annotations

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.plan.models import Decision
from sqlmodel import Session, col, func, select

from socbot.store.models import AuditEvent

MINUTES = (
    'ocg minutes smith "agreed to target the car wash before the nail bar"\n'
    'action: @nguyen pursue "apply for a cash seizure at the car wash" due 12/03/2027\n'
    'action: "Trading Standards" protect "test purchase at the nail bar" due 19/03/2027'
)


def counts(bot) -> tuple[int, int]:
    with Session(bot.engine) as s:
        return (
            s.exec(select(func.count()).select_from(Decision)).one(),
            s.exec(select(func.count()).select_from(Action)).one(),
        )


def test_the_lro_records_minutes_and_the_agreed_actions_in_one_step(bot, say):
    decisions, actions = counts(bot)
    reply = say("okafor", MINUTES)
    assert not reply.error, reply.text
    assert reply.title.startswith("Minutes recorded: OCG-0001 Smith Brothers #")
    assert counts(bot) == (decisions + 1, actions + 2)
    with Session(bot.engine) as s:
        new = s.exec(select(Action).order_by(col(Action.id).desc()).limit(2)).all()
    made = {(a.pillar, a.description, a.due_at.date().isoformat()) for a in new}
    assert made == {
        ("pursue", "apply for a cash seizure at the car wash", "2027-03-12"),
        ("protect", "test purchase at the nail bar", "2027-03-19"),
    }
    assert {a.owner_agency for a in new} == {None, "Trading Standards"}
    assert [f.value for f in reply.facts if f.label == "Actions agreed"] == [
        ", ".join(f"#{a.id}" for a in sorted(new, key=lambda a: a.id or 0))
    ]
    log = say("okafor", "ocg decisions smith").sections[0].items[0].text
    assert "Minutes: agreed to target the car wash before the nail bar" in log
    page = say("okafor", "ocg page smith")
    last = next(s for s in page.sections if s.title == "Last meeting's outcome")
    assert last.items[0].text == "Wed 3 Mar 2027: agreed to target the car wash before the nail bar"
    with Session(bot.engine) as s:
        audited = s.exec(
            select(AuditEvent).where(AuditEvent.action == "minutes").order_by(col(AuditEvent.id))
        ).all()
    assert audited and audited[-1].outcome == "ok"


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ('action: @nobody pursue "visit the car wash" due 12/03/2027', "nobody"),
        ('action: @nguyen pursue "visit the car wash" due 45/45/2027', "Action 2"),
        ('action: @nguyen "visit the car wash" due 12/03/2027', "names no pillar"),
        ('action: @nguyen pursuit "visit the car wash" due 12/03/2027', "names no pillar"),
        ("action:", "empty"),
    ],
)
def test_one_bad_action_refuses_the_lot_and_writes_nothing(bot, say, bad, said):
    before = counts(bot)
    reply = say(
        "okafor",
        'ocg minutes smith "agreed to target the car wash"\n'
        'action: @patel pursue "check the lease" due 12/03/2027\n' + bad,
    )
    assert reply.error and said in reply.text, reply.text
    assert "Nothing was recorded" in reply.text or said == "empty"
    assert counts(bot) == before


def test_only_the_ocgs_lro_sro_or_coordinator_may_record_minutes(bot, say):
    line = 'ocg minutes smith "agreed to target the car wash first"'
    before = counts(bot)
    for outsider in ("brennan", "evans", "khan"):
        assert say(outsider, line).error, outsider
    assert counts(bot) == before
    for allowed in ("okafor", "hart", "walsh"):
        reply = say(allowed, line)
        assert not reply.error, (allowed, reply.text)


def test_partners_read_minutes_only_when_written_for_them(bot, say):
    say("okafor", 'ocg minutes smith "police only: surveillance on the car wash continues"')
    page = say("evans", "ocg page OCG-0001")
    assert not page.error and page.sanitised, page.text
    text = " ".join(i.text for s in page.sections for i in s.items)
    assert "surveillance" not in text
    assert all(s.title != "Last meeting's outcome" for s in page.sections)
    reply = say("okafor", 'ocg minutes smith "licensing visit agreed with the council" partner=yes')
    assert not reply.error, reply.text
    page = say("evans", "ocg page OCG-0001")
    last = next(s for s in page.sections if s.title == "Last meeting's outcome")
    assert "licensing visit agreed with the council" in last.items[0].text
    shared = " ".join(i.text for s in page.sections if s.title != last.title for i in s.items)
    assert "licensing visit" not in shared  # once on the page, not again as a decision
    log = " ".join(i.text for i in say("evans", "ocg decisions OCG-0001").sections[0].items)
    assert "licensing visit" in log and "surveillance" not in log
