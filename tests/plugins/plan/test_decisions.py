"""``ocg decide`` and ``ocg decisions``: a rationale is required, entries are append-only, and
partners read only entries written for them."""

from socbot_plugins.plan.models import Decision
from sqlmodel import Session, func, select


def count(bot) -> int:
    with Session(bot.engine) as s:
        return s.exec(select(func.count()).select_from(Decision)).one()


def test_the_lro_records_a_decision_with_its_rationale(bot, say):
    before = count(bot)
    reply = say(
        "okafor",
        'ocg decide smith "target the car wash first" because "it launders most of the cash"',
    )
    assert not reply.error, reply.text
    assert reply.text == "target the car wash first"
    assert reply.facts[0].value == "it launders most of the cash"
    assert count(bot) == before + 1
    log = say("okafor", "ocg decisions smith")
    assert "target the car wash first" in log.sections[0].items[0].text
    assert "@okafor" in log.sections[0].items[0].text


def test_a_decision_without_a_reason_or_with_one_word_writes_nothing(bot, say):
    before = count(bot)
    for line in (
        'ocg decide smith "target the car wash"',
        'ocg decide smith "target the car wash" because ok',
        'ocg decide smith because "it launders the cash"',
    ):
        reply = say("okafor", line)
        assert reply.error, line
    assert count(bot) == before


def test_what_is_deliberately_not_done_is_kept_per_pillar(bot, say):
    reply = say(
        "okafor", 'ocg decide smith not prepare "no exit work" because "principals are on remand"'
    )
    assert reply.title.startswith("Recorded what is deliberately not done")
    log = say("okafor", "ocg decisions smith not")
    assert log.sections[0].items[0].text.endswith("Not doing (prepare): no exit work")


def test_a_correction_is_a_new_entry_naming_the_old_one(bot, say):
    first = say(
        "okafor", 'ocg decide smith "visit the car wash monthly" because "licensing checks due"'
    )
    number = first.title.rsplit("#", 1)[1]
    say(
        "okafor",
        f'ocg decide smith "visit the car wash weekly" because "monthly was a typo" '
        f"corrects={number}",
    )
    items = say("okafor", "ocg decisions smith").sections[0].items
    assert items[0].text.endswith(f"visit the car wash weekly (corrects #{number})")
    assert items[1].text.endswith("visit the car wash monthly")
    wrong = say("okafor", 'ocg decide smith "x y" because "a reason here" corrects=99999')
    assert wrong.error and "no decision #99999" in wrong.text


def test_partners_read_only_entries_written_for_partners(bot, say):
    say("okafor", 'ocg decide smith "covert deployment on the yard" because "intelligence gap"')
    say(
        "okafor",
        'ocg decide smith "council licensing review of the car wash" '
        'because "shared aim with Trading Standards" partner=yes',
    )
    seen = say("evans", "ocg decisions OCG-0001")
    assert not seen.error, seen.text
    texts = " ".join(i.text + (i.detail or "") for s in seen.sections for i in s.items)
    assert "council licensing review" in texts
    assert "covert" not in texts and "@okafor" not in texts


def test_only_the_lro_and_sro_may_decide(bot, say):
    assert say("patel", 'ocg decide smith "x y" because "a reason here"').error
    assert say("evans", 'ocg decide smith "x y" because "a reason here"').error
    assert not say("hart", 'ocg decide smith "x y" because "a reason here"').error


def test_a_score_change_at_review_is_logged_with_its_reason(bot, say):
    reply = say(
        "okafor", 'ocg review smith trigger band=2B tier=2 "two principals remanded in custody"'
    )
    assert not reply.error, reply.text
    entry = say("okafor", "ocg decisions smith").sections[0].items[0]
    assert entry.text.endswith("Scores: band 1A → 2B; tier 1 → 2")
    assert entry.detail == "because two principals remanded in custody"
