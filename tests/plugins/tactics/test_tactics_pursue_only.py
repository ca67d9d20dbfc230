"""The "Pursue-only" warning (issue 15): "its 'Pursue-only' warning counts open actions only, so
it fires after Protect/Prevent/Prepare work was done". Kestrel (OCG-0003, LRO @brennan, tier 1)
has only Pursue actions open; work done in another P during the last review period (since its
last review, or one tier period back) means the plan is not Pursue-only."""

from datetime import timedelta

from socbot_plugins.actions.models import Action
from sqlmodel import Session, select


def pursue_only(say) -> bool:
    return "Pursue-only" in (say("brennan", "ocg tactics for kestrel").text or "")


def prevent_action_done(bot, say) -> Action:
    reply = say(
        "brennan", 'ocg action kestrel prevent @patel "Diversion talks at the college" by friday'
    )
    assert not reply.error, reply.text
    with Session(bot.engine) as s:
        action = s.exec(select(Action).order_by(Action.id.desc())).first()
    done = say(
        "brennan", f'ocg done {action.id} "Two sessions delivered to forty students" disrupt=no'
    )
    assert not done.error, done.text
    return action


def test_completed_prevent_work_in_the_review_period_is_not_pursue_only(bot, say):
    assert pursue_only(say)
    prevent_action_done(bot, say)
    assert not pursue_only(say)


def test_work_completed_before_the_review_period_does_not_count(bot, say):
    action = prevent_action_done(bot, say)
    with Session(bot.engine) as s:
        row = s.get(Action, action.id)
        row.completed_at = row.completed_at - timedelta(days=90)  # before the last review
        s.add(row)
        s.commit()
    assert pursue_only(say)


def test_a_cancelled_action_is_not_work_done(bot, say):
    reply = say("brennan", 'ocg action kestrel protect @patel "Visit the lock-ups" by friday')
    assert not reply.error
    with Session(bot.engine) as s:
        action = s.exec(select(Action).order_by(Action.id.desc())).first()
    assert not say("brennan", f'ocg cancel {action.id} "no longer needed here"').error
    assert pursue_only(say)
