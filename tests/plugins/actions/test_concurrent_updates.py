"""Two people changing the same action (or moderating the same disruption) at the same moment:
exactly one wins, the other is told who did, and nothing is recorded twice. Runs on SQLite and,
when configured, PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from socbot_plugins.actions.models import Action, ActionChange
from socbot_plugins.disruptions.models import Disruption
from sqlmodel import Session, func, select

from socbot import people
from socbot.identify import Who
from socbot.store.models import Person

PENDING_SMITH = 3  # a pending disruption in the demo data


@pytest.fixture
def dbot(make_bot, any_engine):  # type: ignore[no-untyped-def]
    return make_bot(any_engine, demo=True)


def at_once(bot, lines: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    """Run each (handle, line) on its own thread, released together; replies by handle."""
    barrier = threading.Barrier(len(lines))
    replies: dict[str, object] = {}

    def run(handle: str, line: str) -> None:
        barrier.wait()
        replies[handle] = bot.handle(line, Who("console", handle), face="console")

    threads = [threading.Thread(target=run, args=pair) for pair in lines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return replies


def one_winner(replies):  # type: ignore[no-untyped-def]
    won = [h for h, r in replies.items() if not r.error]
    lost = [r for r in replies.values() if r.error]
    assert len(won) == 1 and len(lost) == 1, {h: r.text for h, r in replies.items()}
    return won[0], lost[0]


def count(bot, model, *where) -> int:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def test_one_action_is_closed_once(dbot) -> None:  # type: ignore[no-untyped-def]
    line = 'ocg done 1 "Cash seized at the car wash" disrupt=minor'
    winner, loser = one_winner(at_once(dbot, [("nguyen", line), ("okafor", line)]))
    assert f"already closed (done) by @{winner}" in loser.text
    assert "something went wrong" not in loser.text
    assert count(dbot, Disruption, Disruption.action_id == 1) == 1
    assert count(dbot, ActionChange, ActionChange.action_id == 1, ActionChange.kind == "done") == 1


def test_done_and_cancel_at_once_leave_one_outcome(dbot) -> None:  # type: ignore[no-untyped-def]
    winner, loser = one_winner(
        at_once(
            dbot,
            [
                ("nguyen", 'ocg done 1 "Cash seized at the car wash" disrupt=no'),
                ("okafor", 'ocg cancel 1 "No longer linked to the group"'),
            ],
        )
    )
    with Session(dbot.engine) as s:
        action = s.get(Action, 1)
        assert action.status == ("done" if winner == "nguyen" else "cancelled")
        assert s.get(Person, action.completed_by_id).handle == winner
    assert f"by @{winner}" in loser.text


def test_an_agency_action_is_taken_once(dbot) -> None:  # type: ignore[no-untyped-def]
    with Session(dbot.engine) as s:  # a second Council Housing officer
        people.upsert_person(
            s,
            handle="ali",
            name="Ali Khan",
            agency="Council Housing",
            now=dbot.clock.utcnow(),
            roles=("partner",),
        )
        s.commit()
    winner, loser = one_winner(at_once(dbot, [("ford", "ocg take 5"), ("ali", "ocg take 5")]))
    assert "changed by someone else" in loser.text or f"@{winner}" in loser.text
    with Session(dbot.engine) as s:
        assert s.get(Person, s.get(Action, 5).owner_id).handle == winner
    assert count(dbot, ActionChange, ActionChange.action_id == 5, ActionChange.kind == "take") == 1


def test_a_closed_action_is_not_snoozed_or_reassigned(dbot) -> None:  # type: ignore[no-untyped-def]
    ask = lambda h, t: dbot.handle(t, Who("console", h), face="console")  # noqa: E731
    assert not ask("nguyen", 'ocg done 1 "Cash seized at the car wash" disrupt=no').error
    for line in ('ocg snooze 1 "in 1 week" "later"', "ocg reassign 1 @patel"):
        reply = ask("okafor", line)
        assert reply.error and "already closed (done) by @nguyen" in reply.text


def test_a_disruption_is_moderated_once(dbot) -> None:  # type: ignore[no-untyped-def]
    with Session(dbot.engine) as s:
        hart = s.exec(select(Person).where(Person.handle == "hart")).one()
        people.grant(s, person=hart, role="moderator", now=dbot.clock.utcnow())
        s.commit()
    line = f'accept {PENDING_SMITH} "Minor: two young people diverted"'
    winner, loser = one_winner(at_once(dbot, [("moss", line), ("hart", line)]))
    assert f"already accepted by @{winner}" in loser.text
    with Session(dbot.engine) as s:
        d = s.get(Disruption, PENDING_SMITH)
        assert d.status == "accepted" and s.get(Person, d.moderated_by_id).handle == winner


def test_accept_and_reject_at_once_leave_one_decision(dbot) -> None:  # type: ignore[no-untyped-def]
    with Session(dbot.engine) as s:
        hart = s.exec(select(Person).where(Person.handle == "hart")).one()
        people.grant(s, person=hart, role="moderator", now=dbot.clock.utcnow())
        s.commit()
    winner, loser = one_winner(
        at_once(
            dbot,
            [
                ("moss", f"accept {PENDING_SMITH}"),
                ("hart", f'reject {PENDING_SMITH} "Routine offender management"'),
            ],
        )
    )
    assert f"by @{winner}" in loser.text and "Nothing changed" in loser.text
