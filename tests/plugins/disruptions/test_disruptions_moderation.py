"""Moderation: only moderators decide; every decision reaches the recorder through the outbox."""

from datetime import timedelta

import pytest
from socbot_plugins.disruptions.models import Disruption
from sqlmodel import Session, select

from socbot import people
from socbot.identify import Who
from socbot.model import Reply
from socbot.plugins import get_plugin_manager
from socbot.render_text import render
from socbot.store.models import Ocg, Outbox, Person

PENDING_SMITH, PENDING_KESTREL, ACCEPTED = 3, 5, 1  # ids in the demo data


@pytest.fixture
def pm():
    # actions too: partners reach OCGs through the actions they hold (its ocg_reach hook)
    return get_plugin_manager(load_entrypoints=False, allow="help,actions,disruptions")


def get(bot, ident):
    with Session(bot.engine) as s:
        return s.get(Disruption, ident)


def outbox(bot):
    with Session(bot.engine) as s:
        return s.exec(select(Outbox).order_by(Outbox.id)).all()


def handle_of(bot, person_id):
    with Session(bot.engine) as s:
        return s.get(Person, person_id).handle


def test_the_queue_lists_pending_oldest_first_with_buttons(say):
    reply = say("moss", "moderation")
    assert reply.title == "Moderation: 5 to decide (1 waiting for information)"
    # oldest first: 12 days ago, 8 (waiting for its recorder), 5, 3, 2
    assert [i.text.split()[0] for i in reply.items] == ["#5", "#8", "#3", "#6", "#7"]
    assert [b.label for b in reply.items[0].buttons] == ["Accept", "Ask", "Reject"]
    assert "recorded by @nguyen (Police)" in reply.items[0].detail
    assert reply.items[1].text.endswith("needs info")
    assert "Council Housing" in reply.items[1].detail and "asked: Did the group" in (
        reply.items[1].detail
    )
    # the demo's suspected duplicate is marked both ways; the later one offers the merge
    assert "looks like #7" in reply.items[3].detail and "looks like #6" in reply.items[4].detail
    assert [b.label for b in reply.items[4].buttons][-1] == "Merge into #6"


def test_the_queue_can_be_narrowed_to_an_ocg_or_show_decisions(say):
    assert [i.text.split()[0] for i in say("moss", "moderation pending smith").items] == ["#3"]
    accepted = say("moss", "moderation accepted")
    assert {i.text.split()[0] for i in accepted.items} == {"#1", "#2", "#4", "#9", "#10"}
    assert [i.text.split()[0] for i in say("moss", "moderation needs-info").items] == ["#8"]
    assert say("moss", "moderation rejected").text == "Nothing rejected."


@pytest.mark.parametrize("handle", ["nguyen", "okafor", "hart", "evans", "admin"])
def test_only_moderators_see_the_queue_or_decide(bot, say, handle):
    for text in ("moderation", f"accept {PENDING_SMITH}", f'reject {PENDING_SMITH} "not SOC work"'):
        assert say(handle, text).error, (handle, text)
    assert get(bot, PENDING_SMITH).status == "pending"
    assert outbox(bot) == []


def test_accept_records_the_decision_and_tells_the_recorder(bot, say):
    reply = say("moss", f'accept {PENDING_SMITH} "Minor: two young people diverted"')
    assert not reply.error, reply.text
    assert reply.title == f"Disruption #{PENDING_SMITH} accepted"
    d = get(bot, PENDING_SMITH)
    assert d.status == "accepted"
    assert handle_of(bot, d.moderated_by_id) == "moss"
    assert d.moderated_at is not None and d.moderation_note == "Minor: two young people diverted"
    [message] = outbox(bot)
    assert message.kind == "moderation"
    assert handle_of(bot, message.person_id) == "nguyen"
    body = render(Reply.from_dict(message.body))
    assert f"Your disruption #{PENDING_SMITH} was accepted by @moss" in body
    assert "two young people diverted" in body


def test_reject_needs_a_reason_and_passes_it_on(bot, say):
    for bare in (f"reject {PENDING_KESTREL}", f'reject {PENDING_KESTREL} "no"'):
        reply = say("moss", bare)
        assert reply.error and reply.field == "reason"
    assert get(bot, PENDING_KESTREL).status == "pending"
    reply = say("moss", f'reject {PENDING_KESTREL} "Charge not yet authorised by the CPS"')
    assert not reply.error, reply.text
    assert get(bot, PENDING_KESTREL).status == "rejected"
    [message] = outbox(bot)
    body = render(Reply.from_dict(message.body))
    assert "Reason: Charge not yet authorised by the CPS" in body
    assert message.body["severity"] == "warning"


def test_a_decision_already_made_is_not_made_twice(bot, say):
    reply = say("moss", f"accept {ACCEPTED}")
    assert reply.error and "already accepted by @moss" in reply.text
    assert outbox(bot) == []


def test_a_decision_is_not_silently_reversed_by_a_second_moderator(bot, say):
    say("moss", f"accept {PENDING_SMITH}")
    bot.clock.advance(hours=2)
    reply = say("moss", f'reject {PENDING_SMITH} "On review: routine offender management"')
    assert reply.error and "already accepted by @moss" in reply.text
    assert get(bot, PENDING_SMITH).status == "accepted"
    assert [m.kind for m in outbox(bot)] == ["moderation"]


@pytest.mark.parametrize("ident", ["999", "abc", "#"])
def test_an_unknown_disruption_is_explained(say, ident):
    reply = say("moss", f"accept {ident}")
    assert reply.error and reply.field == "id"


def test_nobody_moderates_their_own_record(bot, say):
    with Session(bot.engine) as s:
        moss = s.exec(select(Person).where(Person.handle == "moss")).one()
        smith = s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()
        people.grant(
            s, person=moss, role="sio", ocg=smith, now=bot.clock.utcnow() - timedelta(days=1)
        )
        s.commit()
    assert not say("moss", 'disrupt smith minor pursue "Van seized for no insurance"').error
    with Session(bot.engine) as s:
        mine = s.exec(select(Disruption).order_by(Disruption.id.desc())).first()
    reply = say("moss", f"accept {mine.id}")
    assert reply.error and "another moderator" in reply.text
    assert get(bot, mine.id).status == "pending"


def test_the_buttons_and_the_reject_form_work(bot):
    moss = Who("console", "moss")
    queue = bot.handle("moderation", moss, face="console")
    accept = queue.items[0].buttons[0]
    assert not bot.press(moss, accept.action, accept.payload, face="console").error
    assert get(bot, PENDING_KESTREL).status == "accepted"
    reject = queue.items[2].buttons[2]
    opened = bot.press(moss, reject.action, reject.payload, face="console")
    assert opened.form.name == "disruption.reject"
    assert opened.form.inputs[0].value == str(PENDING_SMITH)
    short = bot.submit(
        moss, "disruption.reject", {"id": str(PENDING_SMITH), "reason": "no"}, face="console"
    )
    assert short.form.errors == {"reason": short.text}
    reply = bot.submit(
        moss,
        "disruption.reject",
        {"id": str(PENDING_SMITH), "reason": "Not against a mapped OCG"},
        face="console",
    )
    assert not reply.error, reply.text
    assert get(bot, PENDING_SMITH).status == "rejected"


def test_a_partner_recorder_is_told_in_the_partner_view(bot, say):
    say("evans", 'disrupt OCG-0001 minor protect "Test purchase at the nail bar: goods seized"')
    with Session(bot.engine) as s:
        mine = s.exec(select(Disruption).order_by(Disruption.id.desc())).first()
    say("moss", f"accept {mine.id}")
    [message] = outbox(bot)
    body = render(Reply.from_dict(message.body))
    assert message.body["sanitised"] is True
    assert "Group A (Fratton)" in body and "Smith Brothers" not in body


def test_moderation_on_every_database(make_bot, any_engine):
    bot = make_bot(any_engine, demo=True)
    moss = Who("console", "moss")
    queue = bot.handle("moderation", moss, face="console")
    assert queue.title == "Moderation: 5 to decide (1 waiting for information)"
    assert not bot.handle(f"accept {PENDING_SMITH}", moss, face="console").error
    assert len(outbox(bot)) == 1
