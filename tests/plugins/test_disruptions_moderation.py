"""Moderation: only moderators decide; every decision reaches the recorder through the outbox."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from socbot import people
from socbot.bot import Who
from socbot.db.models import Disruption, Ocg, Outbox, Person
from socbot.model import Reply
from socbot.plugins import get_plugin_manager
from socbot.render_text import render

PENDING_SMITH, PENDING_KESTREL, ACCEPTED = 3, 5, 1  # ids in the demo data


@pytest.fixture
def pm():
    return get_plugin_manager(load_entrypoints=False, allow="help,disruptions")


@pytest.fixture
def dbot(make_bot, engine):
    return make_bot(engine, demo=True)


@pytest.fixture
def ask(dbot):
    return lambda handle, text: dbot.handle(text, Who("console", handle), face="console")


def get(bot, ident):
    with Session(bot.engine) as s:
        return s.get(Disruption, ident)


def outbox(bot):
    with Session(bot.engine) as s:
        return s.exec(select(Outbox).order_by(Outbox.id)).all()


def handle_of(bot, person_id):
    with Session(bot.engine) as s:
        return s.get(Person, person_id).handle


def test_the_queue_lists_pending_oldest_first_with_buttons(ask):
    reply = ask("moss", "moderation")
    assert reply.title == "Moderation: 2 pending"
    assert [i.text.split()[0] for i in reply.items] == ["#5", "#3"]  # 12 days ago, then 5
    assert [b.label for b in reply.items[0].buttons] == ["Accept", "Reject"]
    assert "recorded by @nguyen (Police)" in reply.items[0].detail


def test_the_queue_can_be_narrowed_to_an_ocg_or_show_decisions(ask):
    assert [i.text.split()[0] for i in ask("moss", "moderation pending smith").items] == ["#3"]
    accepted = ask("moss", "moderation accepted")
    assert {i.text.split()[0] for i in accepted.items} == {"#1", "#2", "#4"}
    assert ask("moss", "moderation rejected").text == "Nothing rejected."


@pytest.mark.parametrize("handle", ["nguyen", "okafor", "hart", "evans", "admin"])
def test_only_moderators_see_the_queue_or_decide(dbot, ask, handle):
    for text in ("moderation", f"accept {PENDING_SMITH}", f'reject {PENDING_SMITH} "not SOC work"'):
        assert ask(handle, text).error, (handle, text)
    assert get(dbot, PENDING_SMITH).status == "pending"
    assert outbox(dbot) == []


def test_accept_records_the_decision_and_tells_the_recorder(dbot, ask):
    reply = ask("moss", f'accept {PENDING_SMITH} "Minor: two young people diverted"')
    assert not reply.error, reply.text
    assert reply.title == f"Disruption #{PENDING_SMITH} accepted"
    d = get(dbot, PENDING_SMITH)
    assert d.status == "accepted"
    assert handle_of(dbot, d.moderated_by_id) == "moss"
    assert d.moderated_at is not None and d.moderation_note == "Minor: two young people diverted"
    [message] = outbox(dbot)
    assert message.kind == "moderation"
    assert handle_of(dbot, message.person_id) == "nguyen"
    body = render(Reply.from_dict(message.body))
    assert f"Your disruption #{PENDING_SMITH} was accepted by @moss" in body
    assert "two young people diverted" in body


def test_reject_needs_a_reason_and_passes_it_on(dbot, ask):
    for bare in (f"reject {PENDING_KESTREL}", f'reject {PENDING_KESTREL} "no"'):
        reply = ask("moss", bare)
        assert reply.error and reply.field == "reason"
    assert get(dbot, PENDING_KESTREL).status == "pending"
    reply = ask("moss", f'reject {PENDING_KESTREL} "Charge not yet authorised by the CPS"')
    assert not reply.error, reply.text
    assert get(dbot, PENDING_KESTREL).status == "rejected"
    [message] = outbox(dbot)
    body = render(Reply.from_dict(message.body))
    assert "Reason: Charge not yet authorised by the CPS" in body
    assert message.body["severity"] == "warning"


def test_a_decision_already_made_is_not_made_twice(dbot, ask):
    reply = ask("moss", f"accept {ACCEPTED}")
    assert reply.error and "already accepted by @moss" in reply.text
    assert outbox(dbot) == []


def test_a_decision_is_not_silently_reversed_by_a_second_moderator(dbot, ask):
    ask("moss", f"accept {PENDING_SMITH}")
    dbot.clock.advance(hours=2)
    reply = ask("moss", f'reject {PENDING_SMITH} "On review: routine offender management"')
    assert reply.error and "already accepted by @moss" in reply.text
    assert get(dbot, PENDING_SMITH).status == "accepted"
    assert [m.kind for m in outbox(dbot)] == ["moderation"]


@pytest.mark.parametrize("ident", ["999", "abc", "#"])
def test_an_unknown_disruption_is_explained(ask, ident):
    reply = ask("moss", f"accept {ident}")
    assert reply.error and reply.field == "id"


def test_nobody_moderates_their_own_record(dbot, ask):
    with Session(dbot.engine) as s:
        moss = s.exec(select(Person).where(Person.handle == "moss")).one()
        smith = s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()
        people.grant(
            s, person=moss, role="sio", ocg=smith, now=dbot.clock.utcnow() - timedelta(days=1)
        )
        s.commit()
    assert not ask("moss", 'disrupt smith minor pursue "Van seized for no insurance"').error
    with Session(dbot.engine) as s:
        mine = s.exec(select(Disruption).order_by(Disruption.id.desc())).first()
    reply = ask("moss", f"accept {mine.id}")
    assert reply.error and "another moderator" in reply.text
    assert get(dbot, mine.id).status == "pending"


def test_the_buttons_and_the_reject_form_work(dbot):
    moss = Who("console", "moss")
    queue = dbot.handle("moderation", moss, face="console")
    accept = queue.items[0].buttons[0]
    assert not dbot.press(moss, accept.action, accept.payload, face="console").error
    assert get(dbot, PENDING_KESTREL).status == "accepted"
    reject = queue.items[1].buttons[1]
    opened = dbot.press(moss, reject.action, reject.payload, face="console")
    assert opened.form.name == "disruption.reject"
    assert opened.form.inputs[0].value == str(PENDING_SMITH)
    short = dbot.submit(
        moss, "disruption.reject", {"id": str(PENDING_SMITH), "reason": "no"}, face="console"
    )
    assert short.form.errors == {"reason": short.text}
    reply = dbot.submit(
        moss,
        "disruption.reject",
        {"id": str(PENDING_SMITH), "reason": "Not against a mapped OCG"},
        face="console",
    )
    assert not reply.error, reply.text
    assert get(dbot, PENDING_SMITH).status == "rejected"


def test_a_partner_recorder_is_told_in_the_partner_view(dbot, ask):
    ask("evans", 'disrupt OCG-0001 minor protect "Test purchase at the nail bar: goods seized"')
    with Session(dbot.engine) as s:
        mine = s.exec(select(Disruption).order_by(Disruption.id.desc())).first()
    ask("moss", f"accept {mine.id}")
    [message] = outbox(dbot)
    body = render(Reply.from_dict(message.body))
    assert message.body["sanitised"] is True
    assert "Group A (Fratton)" in body and "Smith Brothers" not in body


def test_moderation_on_every_database(make_bot, any_engine):
    bot = make_bot(any_engine, demo=True)
    moss = Who("console", "moss")
    assert bot.handle("moderation", moss, face="console").title == "Moderation: 2 pending"
    assert not bot.handle(f"accept {PENDING_SMITH}", moss, face="console").error
    assert len(outbox(bot)) == 1
