"""Outbox messages are worded when they are delivered, not when they are queued: a plugin's
``render_message`` words them from the spec they were queued with, may withdraw them, and a
partner's copy still goes through the core's one withholding path (``socbot.withhold``).

Demo at Wed 3 Mar 2027 09:00; evans is a partner (Trading Standards) on OCG-0001.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from sqlmodel import Session, select

from socbot import Nominal, Reply, Withdraw, hookimpl
from socbot.clock import say_date
from socbot.delivery import deliver_due
from socbot.identify import Who
from socbot.outbox import Delivery
from socbot.plugins import get_plugin_manager
from socbot.store.models import Ocg, Outbox, Person

QUEUED_ON = date(2027, 3, 3)


class Countdown:
    """Queues a reminder of how many days since the day it names; withdraws it once the OCG's
    name has a "closed" in it; says the OCG's intelligence name, for the partner test."""

    sent: ClassVar[list[Reply]] = []

    @hookimpl
    def render_message(self, session, kind, spec, person_id, channel, clock):  # type: ignore[no-untyped-def]
        if kind != "countdown":
            return None
        ocg = session.get(Ocg, spec["ocg"])
        if "closed" in ocg.name:
            return Withdraw("the group is closed")
        days = (clock.today() - date.fromisoformat(spec["since"])).days
        return Reply(
            title=f"{days} days since {say_date(QUEUED_ON)}", text=f"{ocg.name}: {spec['say']}"
        )

    @hookimpl
    def deliver_message(self, message):  # type: ignore[no-untyped-def]
        Countdown.sent.append(message.reply)
        return Delivery(True, "test")


def queue(bot, handle: str, say: str = "chase it", key: str = "k1") -> None:  # type: ignore[no-untyped-def]
    from socbot.outbox import enqueue

    with Session(bot.engine) as session, session.begin():
        person = session.exec(select(Person).where(Person.handle == handle)).one()
        enqueue(
            session,
            key=key,
            kind="countdown",
            reply=Reply(title="0 days since Wed 3 Mar 2027"),
            now=bot.clock.utcnow(),
            person_id=person.id,
            ocg_id=1,
            acl=bot.access,
            render={"since": QUEUED_ON.isoformat(), "ocg": 1, "say": say},
        )


def rows(bot) -> list[Outbox]:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).all())  # type: ignore[arg-type]


def make(make_bot, engine):  # type: ignore[no-untyped-def]
    Countdown.sent = []
    pm = get_plugin_manager(load_entrypoints=False, allow="help,actions,ocg,plan,nominals")
    pm.register(Countdown(), name="countdown")
    return make_bot(engine, plugins=pm, demo=True)


def test_a_message_queued_on_one_day_and_delivered_two_days_later_says_so(make_bot, engine):  # type: ignore[no-untyped-def]
    bot = make(make_bot, engine)
    queue(bot, "okafor")
    bot.clock.advance(days=2)  # the faces were down until Friday
    assert deliver_due(bot)["sent"] == 1
    [sent] = Countdown.sent
    assert sent.title == "2 days since Wed 3 Mar 2027"
    [row] = rows(bot)
    assert row.body["title"] == sent.title  # the row keeps what was sent
    assert row.body["render"]["since"] == "2027-03-03"


def test_a_message_whose_point_has_gone_is_withdrawn_not_sent(make_bot, engine):  # type: ignore[no-untyped-def]
    bot = make(make_bot, engine)
    queue(bot, "okafor")
    with Session(bot.engine) as session, session.begin():
        ocg = session.get(Ocg, 1)
        assert ocg is not None
        ocg.name = "Smith Brothers (closed)"
    assert deliver_due(bot) == {"sent": 0, "failed": 0, "unreachable": 0, "withdrawn": 1}
    assert Countdown.sent == []
    [row] = rows(bot)
    assert (row.status, row.last_error) == ("withdrawn", "the group is closed")


def test_without_its_plugin_a_message_goes_as_it_was_queued(make_bot, engine):  # type: ignore[no-untyped-def]
    bot = make(make_bot, engine)
    queue(bot, "okafor")
    bot.pm.unregister(name="countdown")
    seen: list[Any] = []

    class Face:
        @hookimpl
        def deliver_message(self, message):  # type: ignore[no-untyped-def]
            seen.append(message.reply)
            return Delivery(True, "test")

    bot.pm.register(Face(), name="face")
    deliver_due(bot)
    assert [r.title for r in seen] == ["0 days since Wed 3 Mar 2027"]


def test_a_partners_copy_is_withheld_at_delivery_even_of_names_added_after_it_was_queued(
    make_bot, engine
) -> None:  # type: ignore[no-untyped-def]
    bot = make(make_bot, engine)
    queue(bot, "evans", say="ask Dwayne Kettering about the van", key="partner")
    queue(bot, "okafor", say="ask Dwayne Kettering about the van", key="police")
    # the nominal is recorded after the messages were queued, before they are delivered
    reply = bot.handle(
        'ocg nominal add smith "Dwayne Kettering" significant',
        Who("console", "okafor"),
        face="console",
    )
    assert not reply.error, reply.text
    with Session(bot.engine) as session:
        assert session.exec(select(Nominal).where(Nominal.name == "Dwayne Kettering")).one()
    deliver_due(bot)
    by_key = {r.key: r.body["text"] for r in rows(bot)}
    assert "Kettering" not in by_key["partner"] and "Smith" not in by_key["partner"]
    assert "[name withheld]" in by_key["partner"]
    assert by_key["police"] == "Smith Brothers: ask Dwayne Kettering about the van"
