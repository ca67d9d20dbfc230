"""The Teams face end to end: real HTTP on 127.0.0.1, a local stand-in for the Bot Framework
connector, the demo force in SQLite. Anonymous mode here; tokens are tested in test_teams_auth.py.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest
from socbot_plugins.actions.models import Action, ActionChange
from sqlmodel import Session, func, select
from teams_standin import BOT_ID, TENANT, StandIn, activity, member, mention, start

from socbot import CommandSpec, Reply, hookimpl, outbox, people
from socbot.bot import Bot
from socbot.delivery import deliver_due
from socbot.faces.teams.app import FACE_KEY, TeamsFace, build_app
from socbot.store.models import AuditEvent, Identity, Outbox, Person

ANONYMOUS = {  # a laptop's settings, with the tenant the activities come from
    "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED": "true",
    "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID": TENANT,
}
PARTNER = "5e0c4d1a-0000-4000-8000-00000000000f"  # another organisation's Entra tenant
OKAFOR = "00000000-0000-4000-8000-00000000000a"
NGUYEN = "00000000-0000-4000-8000-00000000000b"
PATEL = "00000000-0000-4000-8000-00000000000d"
STRANGER = "00000000-0000-4000-8000-00000000000c"
CHANNEL = "19:4f1c0d9d2b7a4d0c@thread.tacv2"


@dataclass
class Teams:
    """The running face and what a test needs to talk to it."""

    url: str
    standin: StandIn
    http: aiohttp.ClientSession
    bot: Bot
    face: TeamsFace

    async def post(self, body: dict, headers: dict | None = None) -> int:
        async with self.http.post(f"{self.url}/api/messages", json=body, headers=headers) as r:
            return r.status

    async def say(self, text: str, aad: str = OKAFOR, **kw) -> int:  # type: ignore[no-untyped-def]
        return await self.post(activity(self.standin.url, aad=aad, text=text, **kw))

    async def press(self, value: dict, aad: str = OKAFOR, **kw) -> int:  # type: ignore[no-untyped-def]
        return await self.post(activity(self.standin.url, aad=aad, value=value, **kw))


def link(bot: Bot, handle: str, aad: str) -> None:
    with Session(bot.engine) as session:
        person = session.exec(select(Person).where(Person.handle == handle)).one()
        people.link(session, person=person, identity=f"teams:{aad}", now=bot.clock.utcnow())
        session.commit()


def audit_rows(bot: Bot) -> list[AuditEvent]:
    with Session(bot.engine) as session:
        return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all())


def identity(bot: Bot, aad: str) -> Identity | None:
    with Session(bot.engine) as session:
        return session.exec(select(Identity).where(Identity.external_id == aad)).first()


def elements(card: dict) -> list[dict]:
    """Every element and action of a card, depth first."""
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "type" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    stand_in = StandIn()
    runner, stand_in.url = await start(stand_in.app())
    yield stand_in
    await runner.cleanup()
    assert stand_in.invalid == [], "the bot sent activities the SDK's own model refuses"


@asynccontextmanager
async def serve(bot: Bot, standin: StandIn, **options) -> AsyncIterator[Teams]:  # type: ignore[no-untyped-def]
    app = build_app(bot, env=ANONYMOUS, **options)
    runner, url = await start(app)
    try:
        async with aiohttp.ClientSession() as http:
            yield Teams(url, standin, http, bot, app[FACE_KEY])
    finally:
        await runner.cleanup()


@pytest.fixture
async def teams(bot: Bot, standin: StandIn) -> AsyncIterator[Teams]:
    link(bot, "okafor", OKAFOR)
    async with serve(bot, standin) as running:
        yield running


# -- messages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["status smith", "ocg status smith", "/ocg status smith"])
async def test_status_in_a_personal_chat_is_answered_with_a_card(teams: Teams, text: str) -> None:
    body = activity(teams.standin.url, aad=OKAFOR, text=text)
    assert await teams.post(body) == 202
    [call] = teams.standin.calls  # the reply is there when the 202 returns; no typing flash
    assert call.path == f"/v3/conversations/a:personal-chat/activities/{body['id']}"
    card = call.card
    assert card and card["type"] == "AdaptiveCard" and float(card["version"]) <= 1.5
    marking, title = card["body"][0]["text"], card["body"][1]["text"]
    assert marking == card["body"][-1]["text"] == "OFFICIAL-SENSITIVE"  # heads and closes it
    assert "OCG-0001" in title and "Smith Brothers" in title
    assert any(e["type"] == "FactSet" for e in elements(card))
    assert call.body["summary"].startswith("OCG-0001")
    stored = identity(teams.bot, OKAFOR)
    assert stored and stored.conversation, "the personal chat is kept for proactive messages"
    assert stored.conversation["conversation_reference"]["serviceUrl"] == teams.standin.url


async def test_first_message_links_the_person_by_their_teams_email(
    bot: Bot, standin: StandIn
) -> None:
    standin.members[f"29:{OKAFOR}"] = member(
        f"29:{OKAFOR}", OKAFOR, "Grace.Okafor@demo.police.example", "Grace Okafor"
    )
    async with serve(bot, standin) as teams:
        assert await teams.say("status smith") == 202
        assert "Smith Brothers" in standin.calls[-1].card_text
        assert identity(bot, OKAFOR) is not None
        [linked] = [r for r in audit_rows(bot) if r.text.startswith("auto-link")]
        assert linked.text == f"auto-link teams:{OKAFOR} by email", "the audit names the account"
        assert linked.actor == "okafor"
        await teams.say("help")  # linked now: no second roster look-up is needed
        assert "What you can do" in standin.calls[-1].card_text
        # and she is told, in her personal chat, that an account was linked to her
        assert (await asyncio.to_thread(deliver_due, bot))["sent"] == 1
        notice = standin.calls[-1]
        assert notice.conversation == "a:personal-chat" and notice.activity_id is None
        assert "Teams account was linked to you" in notice.card_text
        assert "SOC coordinator" in notice.card_text


def roster(standin: StandIn, aad: str, email: str, **changes: str) -> None:
    standin.members[f"29:{aad}"] = {**member(f"29:{aad}", aad, email), **changes}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param("already-linked", id="she-already-has-a-teams-account"),
        pytest.param("other-tenant", id="roster-entry-from-another-tenant"),
        pytest.param("other-object-id", id="roster-entry-for-someone-else"),
        pytest.param("partner-tenant", id="an-allowed-partner-tenant"),
    ],
)
async def test_an_email_links_nobody_it_should_not(bot: Bot, standin: StandIn, case: str) -> None:
    """Email links only a first account, from the bot's own tenant, for the sender themselves."""
    email = "grace.okafor@demo.police.example"
    if case == "already-linked":
        link(bot, "okafor", OKAFOR)  # her own account; a second one with her email is not hers
        roster(standin, STRANGER, email.upper())
    elif case == "other-tenant":  # a guest or federated user: their own tenant says the email
        roster(standin, STRANGER, email, tenantId=PARTNER)
    elif case == "other-object-id":  # the roster's answer is for a different person
        roster(standin, STRANGER, email, aadObjectId=OKAFOR)
    else:  # a partner tenant may talk to the bot, but its directory can't vouch for our emails
        bot.settings.teams_tenants = f"{TENANT},{PARTNER}"
        roster(standin, STRANGER, email, tenantId=PARTNER)
    async with serve(bot, standin) as teams:
        extra = {"tenant": PARTNER} if case == "partner-tenant" else {}
        assert await teams.say("status smith", aad=STRANGER, **extra) == 202
    assert "don't know who you are" in standin.calls[-1].card_text
    assert identity(bot, STRANGER) is None
    assert not [r for r in audit_rows(bot) if r.text.startswith("auto-link")]
    with Session(bot.engine) as session:
        assert session.exec(select(func.count()).select_from(Outbox)).one() == 0


async def test_an_unlinked_user_is_refused_politely(bot: Bot, standin: StandIn) -> None:
    standin.members[f"29:{STRANGER}"] = member(f"29:{STRANGER}", STRANGER, "who@elsewhere.example")
    async with serve(bot, standin) as teams:
        assert await teams.say("status smith", aad=STRANGER) == 202
    [call] = standin.calls
    assert "don't know who you are" in call.card_text
    assert "Smith" not in call.card_text
    assert identity(bot, STRANGER) is None
    last = audit_rows(bot)[-1]
    assert (last.actor, last.face, last.outcome) == (f"teams:{STRANGER}", "teams", "refused")


async def test_a_channel_mention_is_answered_in_the_personal_chat(teams: Teams) -> None:
    await teams.say("help")  # the personal chat the answer can go to
    teams.standin.calls.clear()
    thread = f"{CHANNEL};messageid=1700000000000"
    status = await teams.say(
        "<at>socbot</at> status smith",
        conversation=thread,
        conversation_type="channel",
        entities=[mention(BOT_ID, "socbot")],
    )
    assert status == 202
    private, note = teams.standin.calls
    assert private.conversation == "a:personal-chat" and "Smith Brothers" in private.card_text
    assert note.conversation == thread and "personal chat" in note.card_text
    assert "Smith" not in note.card_text
    audit = audit_rows(teams.bot)[-1]
    assert (audit.action, audit.channel) == ("status", CHANNEL)


async def test_in_a_channel_without_a_personal_chat_nothing_private_is_posted(
    teams: Teams,
) -> None:
    status = await teams.say(
        "<at>socbot</at> status smith",
        conversation=CHANNEL,
        conversation_type="channel",
        entities=[mention(BOT_ID, "socbot")],
    )
    assert status == 202
    [note] = teams.standin.calls
    assert note.conversation == CHANNEL and "Open socbot from Apps" in note.card_text
    assert "Smith" not in note.card_text


async def test_mentioned_people_become_their_socbot_identity(teams: Teams) -> None:
    link(teams.bot, "patel", PATEL)  # Teams sends a 29: id; the roster gives the AAD id
    teams.standin.members["29:patel-teams-id"] = member("29:patel-teams-id", PATEL, None)
    text = 'action smith prevent <at>Ravi Patel</at> "Visit the youth club" by friday'
    assert await teams.say(text, entities=[mention("29:patel-teams-id", "Ravi Patel")]) == 202
    assert "Visit the youth club" in teams.standin.calls[-1].card_text
    with Session(teams.bot.engine) as session:
        made = session.exec(select(Action).order_by(Action.id.desc())).first()  # type: ignore[union-attr]
        owner = session.get(Person, made.owner_id) if made and made.owner_id else None
    assert made and made.description == "Visit the youth club"
    assert owner and owner.handle == "patel"


# -- buttons and forms ------------------------------------------------------------------------


def open_action(bot: Bot, handle: str = "nguyen") -> Action:
    with Session(bot.engine) as session:
        person = session.exec(select(Person).where(Person.handle == handle)).one()
        found = session.exec(
            select(Action).where(Action.owner_id == person.id, Action.status == "open")
        ).first()
        assert found is not None, "the demo gives nguyen open actions"
        return found


def submit_action(card: dict) -> dict:
    return next(a for a in card["actions"] if a["data"]["verb"].startswith("submit:"))


async def test_done_opens_a_form_and_submitting_it_closes_the_action_in_place(
    teams: Teams,
) -> None:
    link(teams.bot, "nguyen", NGUYEN)
    action = open_action(teams.bot)
    press = {"verb": "form:action.done", "payload": {"id": str(action.id)}}
    assert await teams.press(press, aad=NGUYEN, reply_to="nudge-card") == 202
    form_call = teams.standin.calls[-1]
    assert form_call.method == "POST", "a form opens as a new card; the nudge stays"
    kinds = {e.get("id"): e["type"] for e in elements(form_call.card) if "id" in e}
    assert kinds == {"in.result": "Input.Text", "in.disrupt": "Input.ChoiceSet"}
    form_id = f"sent-{len(teams.standin.calls)}"

    submit = submit_action(form_call.card)["data"]
    answer = {**submit, "in.result": "Cash seizure granted", "in.disrupt": "none"}
    assert await teams.press(answer, aad=NGUYEN, name="Linh Nguyen", reply_to=form_id) == 202
    [update] = teams.standin.updates()
    assert update.path.endswith(f"/activities/{form_id}") and update.activity_id == form_id
    kinds_after = {e["type"] for e in elements(update.card)}
    assert not kinds_after & {"Input.Text", "Input.ChoiceSet", "Action.Submit"}
    assert "Submitted by Linh Nguyen" in update.card_text
    with Session(teams.bot.engine) as session:
        closed = session.get(Action, action.id)
        assert closed and closed.status == "done" and closed.result == "Cash seizure granted"

    calls = len(teams.standin.calls)
    assert await teams.press(answer, aad=NGUYEN, reply_to=form_id) == 202  # a second click
    assert len(teams.standin.calls) == calls + 1
    assert "already submitted" in teams.standin.calls[-1].card_text
    with Session(teams.bot.engine) as session:
        changes = session.exec(
            select(func.count()).where(
                ActionChange.action_id == action.id, ActionChange.kind == "done"
            )
        ).one()
    assert changes == 1


async def test_a_bad_date_comes_back_on_the_form_card(teams: Teams) -> None:
    assert await teams.press({"verb": "form:action.add", "payload": {"ocg": "OCG-0001"}}) == 202
    form_id = f"sent-{len(teams.standin.calls)}"
    submit = submit_action(teams.standin.calls[-1].card)["data"]
    with Session(teams.bot.engine) as session:
        before = session.exec(select(func.count()).select_from(Action)).one()
    answer = {
        **submit,
        "in.ocg": "OCG-0001",
        "in.pillar": "pursue",
        "in.owner": "@okafor",
        "in.what": "Visit the lock-up",
        "in.when": "31/02/2027",
    }
    assert await teams.press(answer, reply_to=form_id) == 202
    [update] = teams.standin.updates()
    body = update.card["body"]
    when = next(i for i, e in enumerate(body) if e.get("id") == "in.when")
    error = body[when + 1]
    assert error["type"] == "TextBlock" and error["color"] == "attention" and error["text"]
    assert body[when]["value"] == "31/02/2027", "what was typed is kept for correcting"
    assert submit_action(update.card), "the form can be sent again once corrected"
    with Session(teams.bot.engine) as session:
        assert session.exec(select(func.count()).select_from(Action)).one() == before

    fixed = {**answer, "in.when": "friday"}
    assert await teams.press(fixed, reply_to=form_id) == 202
    last = teams.standin.updates()[-1]
    assert "Visit the lock-up" in last.card_text and "Action.Submit" not in last.card_text


async def test_a_snooze_button_replaces_a_single_reminder_so_it_cannot_be_pressed_twice(
    teams: Teams,
) -> None:
    link(teams.bot, "nguyen", NGUYEN)
    action = open_action(teams.bot)
    args = f'{action.id} "in 1 week" "snoozed from a reminder"'
    value = {"verb": "snooze", "payload": {"args": args}, "single": True}
    assert await teams.press(value, aad=NGUYEN, reply_to="nudge") == 202
    [update] = teams.standin.updates()
    assert update.activity_id == "nudge" and "Action.Submit" not in update.card_text


async def test_a_button_on_a_card_of_several_answers_anew_and_keeps_the_card(
    teams: Teams,
) -> None:
    link(teams.bot, "nguyen", NGUYEN)
    action = open_action(teams.bot)
    args = f'{action.id} "in 1 week" "snoozed from a reminder"'
    value = {"verb": "snooze", "payload": {"args": args}}  # no "single": other items have buttons
    assert await teams.press(value, aad=NGUYEN, reply_to="digest") == 202
    [answer] = teams.standin.calls
    assert answer.method == "POST", "a new message: the card's other buttons still work"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"nonsense": True}, "couldn't read that button"),
        ({"verb": "form:no.such.form", "payload": {}}, "no form called"),
        ({"verb": "submit:no.such.form", "payload": "not a dict"}, "no form called"),
    ],
)
async def test_a_broken_button_gets_a_polite_answer(
    teams: Teams, value: dict, expected: str
) -> None:
    assert await teams.press(value) == 202
    text = teams.standin.calls[-1].card_text
    assert expected in text and "Traceback" not in text


async def test_a_failure_is_reported_by_incident_id_not_traceback(
    teams: Teams, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args, **_kw) -> Reply:  # type: ignore[no-untyped-def]
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(teams.bot, "handle", broken)
    assert await teams.say("status smith") == 202
    text = teams.standin.calls[-1].card_text
    assert "incident" in text and "hunter2" not in text and "RuntimeError" not in text
    assert "hunter2" in caplog.text, "the detail is in the log for the operator"


# -- proactive --------------------------------------------------------------------------------


async def installed(teams: Teams, aad: str, conversation: str) -> None:
    """Teams tells the bot it was installed in someone's personal scope."""
    body = activity(
        teams.standin.url,
        aad=aad,
        kind="conversationUpdate",
        conversation=conversation,
        membersAdded=[{"id": BOT_ID}],
    )
    assert await teams.post(body) == 202


async def test_a_nudge_reaches_the_owner_in_their_personal_chat(teams: Teams) -> None:
    link(teams.bot, "nguyen", NGUYEN)
    await installed(teams, NGUYEN, "a:nguyen-chat")
    assert "help" in teams.standin.calls[-1].card_text  # the welcome
    queued = await asyncio.to_thread(teams.bot.run_job, "action-nudges")
    assert any("nguyen" in line for line in queued)
    counts = await asyncio.to_thread(deliver_due, teams.bot)
    assert counts["sent"] >= 1
    calls = await teams.standin.wait_for(
        lambda calls: any(c.path.endswith("a:nguyen-chat/activities") for c in calls[1:])
    )
    nudge = next(c for c in calls[1:] if c.conversation == "a:nguyen-chat")
    verbs = [e["data"]["verb"] for e in elements(nudge.card) if e["type"] == "Action.Submit"]
    assert "form:action.done" in verbs and "snooze" in verbs
    with Session(teams.bot.engine) as session:
        rows = session.exec(select(Outbox).where(Outbox.face == "teams")).all()
        assert rows and all(r.status == "sent" for r in rows)


def queue(
    bot: Bot, handle: str | None, text: str = "Action #1 is overdue", channel: str | None = None
) -> int:
    """An outbox message for a person (by handle), or for a channel."""
    with Session(bot.engine) as session:
        person = (
            session.exec(select(Person).where(Person.handle == handle)).one() if handle else None
        )
        key = f"test:{handle or channel}:{text}"
        outbox.enqueue(
            session,
            key=key,
            kind="nudge",
            reply=Reply(title="Overdue action", text=text),
            now=bot.clock.utcnow(),
            person_id=person.id if person else None,
            channel=channel,
        )
        session.commit()
        return session.exec(select(Outbox).where(Outbox.key == key)).one().id or 0


def row(bot: Bot, row_id: int) -> Outbox:
    with Session(bot.engine) as session:
        found = session.get(Outbox, row_id)
        assert found is not None
        return found


async def test_someone_teams_cannot_reach_is_told_through_their_coordinator(teams: Teams) -> None:
    link(teams.bot, "evans", "aad-evans")  # linked, but never opened socbot in Teams
    link(teams.bot, "price", "aad-price")  # Trading Standards' coordinator, who has
    await installed(teams, "aad-price", "a:price-chat")
    row_id = queue(teams.bot, "evans")
    await asyncio.to_thread(deliver_due, teams.bot)
    [sent] = [c for c in teams.standin.calls if c.conversation == "a:price-chat"][1:]
    assert "For @evans" in sent.card_text and "Overdue action" in sent.card_text
    done = row(teams.bot, row_id)
    assert done.status == "sent" and done.note and "coordinator @price" in done.note
    assert any("coordinator @price" in (r.detail or "") for r in audit_rows(teams.bot))


async def test_a_message_nobody_can_deliver_stays_queued(teams: Teams) -> None:
    link(teams.bot, "evans", "aad-evans")  # and no coordinator of theirs is reachable
    row_id = queue(teams.bot, "evans")
    counts = await asyncio.to_thread(deliver_due, teams.bot)
    assert counts == {"sent": 0, "failed": 0, "unreachable": 1}
    waiting = row(teams.bot, row_id)
    assert waiting.status == "pending" and waiting.attempts == 1 and waiting.last_error
    assert teams.standin.calls == []


async def test_the_server_delivers_the_outbox_on_its_own(bot: Bot, standin: StandIn) -> None:
    """``socbot serve teams`` runs the scheduler; its delivery sweep sends from its own thread."""
    link(bot, "okafor", OKAFOR)
    async with serve(bot, standin, scheduler=True) as teams:
        face = teams.face
        await installed(teams, OKAFOR, "a:okafor-chat")
        row_id = queue(bot, "okafor")
        face.scheduler.get_job("outbox").modify(next_run_time=datetime.now(UTC))
        await standin.wait_for(lambda calls: len(calls) == 2)
        assert "Overdue action" in standin.calls[-1].card_text
        assert standin.calls[-1].path == "/v3/conversations/a:okafor-chat/activities"
    assert face.scheduler is None, "stopped with the server, after the sweep in flight ended"
    assert row(bot, row_id).status == "sent"


async def test_a_busy_connector_is_retried_after_its_retry_after(teams: Teams) -> None:
    await installed(teams, OKAFOR, "a:okafor-chat")
    row_id = queue(teams.bot, "okafor")
    teams.standin.fail_next.append(429)
    counts = await asyncio.to_thread(deliver_due, teams.bot)
    assert counts["failed"] == 1
    waiting = row(teams.bot, row_id)
    assert waiting.status == "pending" and "429" in (waiting.last_error or "")
    wait = waiting.next_attempt_at.replace(tzinfo=None) - teams.bot.clock.utcnow().replace(
        tzinfo=None
    )
    assert wait.total_seconds() >= 120


async def test_every_activity_sent_is_one_the_sdk_itself_accepts(teams: Teams) -> None:
    """Teams leaves out what it doesn't know (no locale on an install, no user in a channel); the
    bot must leave it out too, not send ``null``: a card update used to carry ``"locale": null``
    and a proactive send ``"id": null``, which the SDK's own model refuses. The stand-in refuses
    such an activity with a 400 and the fixture fails on any it saw."""
    link(teams.bot, "nguyen", NGUYEN)
    install = activity(
        teams.standin.url,
        aad=NGUYEN,
        kind="conversationUpdate",
        conversation="a:nguyen-chat",
        membersAdded=[{"id": BOT_ID}],
    )
    del install["locale"]
    assert await teams.post(install) == 202
    action = open_action(teams.bot)
    press = activity(
        teams.standin.url,
        aad=NGUYEN,
        conversation="a:nguyen-chat",
        value={
            "verb": "snooze",
            "payload": {"args": f'{action.id} "in 1 week" "on leave"'},
            "single": True,
        },
        replyToId="nudge",
    )
    del press["locale"]
    assert await teams.post(press) == 202  # replaces the card: an update
    queue(teams.bot, "nguyen")  # a proactive send to the stored chat
    queue(teams.bot, None, "Coordinators' digest", channel=CHANNEL)  # no user known there
    assert (await asyncio.to_thread(deliver_due, teams.bot))["sent"] == 2
    assert teams.standin.invalid == []
    assert len(teams.standin.updates()) == 1
    assert {c.conversation for c in teams.standin.sent()} == {"a:nguyen-chat", CHANNEL}


# -- the rest ---------------------------------------------------------------------------------


async def test_charts_are_attached_as_images(teams: Teams) -> None:
    assert await teams.say("chart smith") == 202
    call = teams.standin.calls[-1]
    [image] = [a for a in call.body["attachments"] if a["contentType"] == "image/png"]
    assert image["contentUrl"].startswith("data:image/png;base64,iVBORw0KGgo")
    assert "disruptions per month" in call.card_text


class Slow:
    """A command that waits until the connector has seen a typing activity."""

    def __init__(self) -> None:
        self.typing_seen = threading.Event()

    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        def slow(_ctx, _cmd) -> Reply:  # type: ignore[no-untyped-def]
            assert self.typing_seen.wait(10), "no typing indicator while the command ran"
            return Reply(text="finally")

        register(CommandSpec("slow", slow, "Takes its time", permission="help"))


async def test_a_slow_command_shows_typing_first(make_bot, engine, standin: StandIn) -> None:  # type: ignore[no-untyped-def]
    from socbot.plugins import get_plugin_manager

    slow = Slow()
    pm = get_plugin_manager(load_entrypoints=False, allow="help")
    pm.register(slow, name="slow")
    bot = make_bot(engine, plugins=pm, demo=True)
    link(bot, "okafor", OKAFOR)

    async def watch() -> None:
        await standin.wait_for(lambda calls: any(c.body.get("type") == "typing" for c in calls))
        slow.typing_seen.set()

    async with serve(bot, standin, typing_delay_ms=50) as teams:
        watcher = asyncio.create_task(watch())
        assert await teams.say("slow") == 202
        await watcher
    kinds = [c.body["type"] for c in standin.calls]
    assert kinds[0] == "typing" and kinds[-1] == "message"


async def test_the_face_delivers_only_while_it_serves(bot: Bot, standin: StandIn) -> None:
    async with serve(bot, standin) as teams:
        async with teams.http.get(f"{teams.url}/healthz") as response:
            assert response.status == 200 and (await response.json())["ok"] is True
        assert bot.pm.get_plugin("teams-face") is not None
    assert bot.pm.get_plugin("teams-face") is None, "a stopped face must not claim messages"


async def test_a_document_reaches_teams_as_a_file_attachment(teams: Teams, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import base64

    paper = tmp_path / "pack-tasking-2027-03-04-1.pdf"
    paper.write_bytes(b"%PDF-1.7\n" + b"\0" * 991)
    link(teams.bot, "nguyen", NGUYEN)
    await installed(teams, NGUYEN, "a:nguyen-chat")
    with Session(teams.bot.engine) as session:
        person = session.exec(select(Person).where(Person.handle == "nguyen")).one()
        outbox.enqueue(
            session,
            key="paper:test",
            kind="paper",
            reply=Reply(title="Tasking meeting pack", files=[paper]),
            now=teams.bot.clock.utcnow(),
            person_id=person.id,
        )
        session.commit()
    assert (await asyncio.to_thread(deliver_due, teams.bot))["sent"] == 1
    [sent] = [c for c in teams.standin.calls if c.conversation == "a:nguyen-chat"][1:]
    [pdf] = [a for a in sent.body["attachments"] if a["contentType"] == "application/pdf"]
    assert pdf["name"] == paper.name
    assert base64.b64decode(pdf["contentUrl"].split(",", 1)[1]) == paper.read_bytes()
    assert "Tasking meeting pack" in sent.card_text and teams.standin.invalid == []
