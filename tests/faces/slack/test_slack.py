"""The Slack face over real HTTP on 127.0.0.1: requests signed as Slack signs them go in; a
stand-in Slack Web API and response_url record what comes out. No test sleeps: work done after
the ack is awaited on the stand-in.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from slack_standin import SECRET, TOKEN, SlackHarness, block_text, buttons
from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions.models import Disruption
from sqlmodel import Session, select

from socbot import CommandSpec, Item, Reply, hookimpl
from socbot.delivery import deliver_due
from socbot.faces.slack.blockkit import decode, encode
from socbot.identify import Who
from socbot.model import Button
from socbot.outbox import enqueue
from socbot.store.models import AuditEvent, Channel, Identity, Outbox, Person

LINKED = {"okafor": "U0OKAFOR", "nguyen": "U0NGUYEN", "price": "U0PRICE"}


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return settings.model_copy(
        update={"slack_bot_token": SecretStr(TOKEN), "slack_signing_secret": SecretStr(SECRET)}
    )


@pytest.fixture
async def h(bot):  # type: ignore[no-untyped-def]
    harness = await SlackHarness.start(bot, link=LINKED)
    yield harness
    await harness.stop()


class Extras:
    """Test-only commands: a long list, a chart, a write."""

    def __init__(self, chart: Path):
        self.chart = chart
        self.release = threading.Event()

    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(CommandSpec("testlist", self.longlist, "many rows", permission="help"))
        register(CommandSpec("testchart", self.chart_reply, "a chart", permission="help"))
        register(CommandSpec("testnote", self.note, "a write", permission="help", writes=True))
        register(CommandSpec("testslow", self.slow, "a slow read", permission="help"))

    def longlist(self, ctx, cmd) -> Reply:  # type: ignore[no-untyped-def]
        items = [
            Item(f"row {n:03d}", "detail", buttons=[Button("Open", "help"), Button("X", "help")])
            for n in range(130)
        ]
        return Reply(title="A long list", items=items)

    def chart_reply(self, ctx, cmd) -> Reply:  # type: ignore[no-untyped-def]
        return Reply(title="Disruptions by month", images=[self.chart])

    def note(self, ctx, cmd) -> Reply:  # type: ignore[no-untyped-def]
        return Reply(title="Noted", text=" ".join(cmd.args))

    def slow(self, ctx, cmd) -> Reply:  # type: ignore[no-untyped-def]
        assert self.release.wait(10)
        return Reply(title="Slow but sure")


@pytest.fixture
async def hx(make_bot, engine, pm, tmp_path):  # type: ignore[no-untyped-def]
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 512)
    pm.register(Extras(chart), name="extras")
    harness = await SlackHarness.start(make_bot(engine, plugins=pm, demo=True), link=LINKED)
    yield harness
    await harness.stop()


def audit_rows(h: SlackHarness) -> list[AuditEvent]:
    with Session(h.bot.engine) as session:
        return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all())  # type: ignore[arg-type]


def with_block_ids(blocks: list[dict]) -> list[dict]:
    """Slack gives every block of a posted message a block_id; so does this."""
    return [{"block_id": b.get("block_id", f"blk{n}"), **b} for n, b in enumerate(blocks)]


def block_of(blocks: list[dict], button: dict) -> str:
    return next(b["block_id"] for b in blocks if button in buttons([b]))


# -- signatures -------------------------------------------------------------------------------


async def test_signed_read_is_answered_inside_the_ack(h) -> None:
    status, body = await h.slack.command("help")
    assert status == 200
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "What you can do with socbot", "emoji": True},
    }
    assert "status" in block_text(body["blocks"])
    assert h.standin.called("response_url") == []  # one round trip: the ack is the answer


@pytest.mark.parametrize("case", ["wrong secret", "no signature", "stale", "tampered body"])
async def test_bad_signature_is_refused_and_nothing_is_recorded(h, case) -> None:
    before = len(audit_rows(h))
    body = "user_id=U0OKAFOR&command=%2Focg&text=status+smith&channel_id=C0GENERAL"
    if case == "wrong secret":
        headers = h.slack.sign(body, secret="not-the-secret")
    elif case == "no signature":
        headers = {}
    elif case == "stale":
        headers = h.slack.sign(body, timestamp=int(time.time()) - 6 * 60)
    else:
        headers = h.slack.sign(body.replace("smith", "kestrel"))
    status, _ = await h.slack.post(body, headers=headers)
    assert status == 401
    assert len(audit_rows(h)) == before
    assert h.standin.calls == []  # not even auth.test


# -- slash commands ---------------------------------------------------------------------------


async def test_status_end_to_end(h) -> None:
    status, body = await h.slack.command("status smith")
    assert status == 200
    blocks = body["blocks"]
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == "OCG-0001 Smith Brothers"
    text = block_text(blocks)
    assert "*Band*\n1A" in text and ":red_circle: overdue by 12 days" in text
    assert body["response_type"] == "ephemeral"
    assert "Smith Brothers" in body["text"]  # the notification fallback
    last = audit_rows(h)[-1]
    assert (last.actor, last.face, last.action, last.outcome) == ("okafor", "slack", "status", "ok")
    assert last.ocg_ref == "OCG-0001" and last.channel == "C0GENERAL"
    assert [c.token for c in h.standin.calls] == [TOKEN]  # auth.test, with the bot token


async def test_share_posts_to_a_secure_channel_only(h) -> None:
    with Session(h.bot.engine) as session:
        session.add(Channel(platform="slack", external_id="C0SECURE", secure=True))
        session.commit()
    h.standin.conversations["C0SECURE"] = {"is_channel": True, "is_ext_shared": False}
    h.standin.members["C0SECURE"] = ["U0OKAFOR"]
    _, shared = await h.slack.command("status smith share", channel="C0SECURE")
    assert shared["response_type"] == "in_channel"
    _, private = await h.slack.command("status smith share", channel="C0GENERAL")
    assert private["response_type"] == "ephemeral"
    assert "Not shared" in block_text(private["blocks"])


@pytest.mark.parametrize(
    ("info", "members", "why"),
    [
        ({"is_ext_shared": False}, ["U0OKAFOR", "U0PRICE"], "a partner"),
        ({"is_ext_shared": True}, ["U0OKAFOR"], "Slack Connect"),
        (None, None, "couldn't check who is in this channel"),
    ],
)
async def test_share_asks_slack_who_is_in_the_channel_at_each_post(h, info, members, why) -> None:
    with Session(h.bot.engine) as session:
        session.add(Channel(platform="slack", external_id="C0MIXED", secure=True))
        session.commit()
    if info is not None:
        h.standin.conversations["C0MIXED"] = {"is_channel": True, **info}
        h.standin.members["C0MIXED"] = members
    _, reply = await h.slack.command("status smith share", channel="C0MIXED")
    assert reply["response_type"] == "ephemeral"  # police-only detail stays with the asker
    shown = block_text(reply["blocks"])
    assert "Not shared" in shown and why in shown
    with Session(h.bot.engine) as session:  # and nothing is recorded as disclosed
        rows = session.exec(select(AuditEvent).where(AuditEvent.action == "disclosure")).all()
    assert rows == []


async def test_unlinked_user_is_refused_politely(h) -> None:
    h.standin.users["U0STRANGER"] = "someone@elsewhere.example"
    before = len(audit_rows(h))
    status, body = await h.slack.command("status smith", user="U0STRANGER")
    assert status == 200
    assert "Ask your SOC coordinator to enrol you" in body["text"]
    assert "Smith" not in block_text(body["blocks"])
    rows = audit_rows(h)[before:]
    assert [(r.actor, r.outcome) for r in rows] == [("slack:U0STRANGER", "refused")]
    assert [c.method for c in h.standin.calls] == ["auth.test", "users.info"]


async def test_slack_user_is_linked_by_profile_email_once(h) -> None:
    h.standin.users["U0PATEL"] = "Ravi.Patel@demo.police.example"
    for _ in range(2):
        _, body = await h.slack.command("help", user="U0PATEL")
        assert "What you can do" in block_text(body["blocks"])
    assert len(h.standin.called("users.info")) == 1
    with Session(h.bot.engine) as session:
        ident = session.exec(select(Identity).where(Identity.external_id == "U0PATEL")).one()
        assert session.get(Person, ident.person_id).handle == "patel"  # type: ignore[union-attr]


async def test_write_acks_at_once_and_answers_by_response_url(hx) -> None:
    status, body = await hx.slack.command('testnote "van seen at the docks"', name="w1")
    assert (status, body) == (200, None)  # an empty ack: nothing shown until the answer
    [answer] = await hx.standin.wait_for("response_url")
    assert answer.args["name"] == "w1"
    assert "van seen at the docks" in block_text(answer.args["blocks"])
    assert answer.args["replace_original"] is False


async def test_a_slow_read_acks_in_time_and_answers_later(hx) -> None:
    hx.face.ack_budget = 0.05
    status, body = await hx.slack.command("testslow", name="slow")
    assert (status, body) == (200, None)  # acked before Slack's 3 s are up
    hx.bot.pm.get_plugin("extras").release.set()
    [answer] = await hx.standin.wait_for("response_url")
    assert answer.args["name"] == "slow"
    assert block_text(answer.args["blocks"]) == "Slow but sure\n*OFFICIAL-SENSITIVE*"


async def test_long_list_is_paged_never_cut(hx) -> None:
    _, first = await hx.slack.command("testlist")
    pages = [first["blocks"]]
    total = int(block_text(pages[0]).rsplit("page 1 of ", 1)[1].split()[0])
    assert total > 1
    rest = await hx.standin.wait_for("response_url", total - 1)
    pages += [c.args["blocks"] for c in rest]
    assert all(len(page) <= 50 for page in pages)
    text = "\n".join(block_text(p) for p in pages)
    assert all(f"row {n:03d}" in text for n in range(130))
    assert [f"page {n} of {total}" in block_text(p) for n, p in enumerate(pages, 1)] == [
        True
    ] * total


async def test_chart_is_uploaded_as_a_file_to_the_dm(hx) -> None:
    _, body = await hx.slack.command("testchart")
    assert body["blocks"][0]["text"]["text"] == "Disruptions by month"
    [done] = await hx.standin.wait_for("files.completeUploadExternal")
    [upload] = hx.standin.called("upload")
    assert upload.args["size"] == 520
    assert done.args["channel_id"] == "D0OKAFOR"  # ephemeral reply: the chart goes privately


async def test_a_face_failure_is_an_incident_id_not_a_traceback(h, monkeypatch) -> None:
    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database exploded at /srv/secret/path")

    monkeypatch.setattr(h.bot, "handle", boom)
    status, body = await h.slack.command("status smith")
    assert status == 200
    assert "incident" in body["text"] and "exploded" not in body["text"]


async def test_health_check(h) -> None:
    async with h.slack.session.get(f"{h.slack.base}/healthz") as resp:
        assert resp.status == 200
        assert await resp.json() == {"ok": True}


# -- buttons and modals -----------------------------------------------------------------------


def find_button(blocks: list[dict], action: str, **payload: str) -> dict:
    return next(b for b in buttons(blocks) if decode(b["value"])[:2] == (action, payload))


async def test_done_button_closes_the_action_and_marks_the_message(h) -> None:
    h.bot.run_job("action-nudges")
    await asyncio.to_thread(deliver_due, h.bot)
    [nudge] = [c for c in h.standin.called("chat.postMessage") if c.args["channel"] == "U0PRICE"]
    blocks = with_block_ids(nudge.args["blocks"])
    done = find_button(blocks, "form:action.done", id="12")
    other = find_button(blocks, "form:action.done", id="2")

    await h.slack.click(
        done,
        user="U0PRICE",
        name="nudge",
        block_id=block_of(blocks, done),
        message={"type": "message", "text": nudge.args["text"], "blocks": blocks},
        channel={"id": "D0PRICE"},
        container={"type": "message", "channel_id": "D0PRICE", "is_ephemeral": False},
    )
    [opened] = await h.standin.wait_for("views.open")
    view = opened.args["view"]
    assert view["title"]["text"] == "Close action #12"
    assert {b["block_id"] for b in view["blocks"] if b["type"] == "input"} == {"result", "disrupt"}

    status, body = await h.slack.submit(
        view, {"result": "Seized 40 packs of illegal tobacco", "disrupt": "no"}, user="U0PRICE"
    )
    assert status == 200 and body["response_action"] == "update"
    with Session(h.bot.engine) as session:
        action = session.get(Action, 12)
        assert action is not None and action.status == "done"
        assert action.result == "Seized 40 packs of illegal tobacco"

    [update] = await h.standin.wait_for("response_url")
    assert update.args["name"] == "nudge" and update.args["replace_original"] is True
    marked = update.args["blocks"]
    assert len(marked) == len(blocks)
    assert done not in buttons(marked)  # the pressed buttons are gone...
    assert ":white_check_mark:" in block_text(marked)  # ...replaced by what happened
    assert other in buttons(marked)  # the other action keeps its buttons


async def test_done_from_a_single_reminder_replaces_it(h) -> None:
    h.bot.run_job("action-nudges")
    await asyncio.to_thread(deliver_due, h.bot)
    [nudge] = [c for c in h.standin.called("chat.postMessage") if c.args["channel"] == "U0NGUYEN"]
    done = find_button(nudge.args["blocks"], "form:action.done", id="1")
    await h.slack.click(done, user="U0NGUYEN", name="single")  # as from an ephemeral message
    [opened] = await h.standin.wait_for("views.open")
    await h.slack.submit(
        opened.args["view"], {"result": "Granted", "disrupt": "no"}, user="U0NGUYEN"
    )
    [update] = await h.standin.wait_for("response_url")
    assert update.args["replace_original"] is True
    assert buttons(update.args["blocks"]) == []


async def test_modal_with_a_bad_date_shows_the_error_on_that_field(h) -> None:
    button = {"action_id": "socbot:1", "value": encode("form:action.add", {"ocg": "OCG-0001"})}
    await h.slack.click(button, user="U0OKAFOR")
    [opened] = await h.standin.wait_for("views.open")
    view = opened.args["view"]
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}
    assert kinds["date"] == "datepicker" and kinds["pillar"] == "static_select"
    with Session(h.bot.engine) as session:
        before = len(session.exec(select(Action)).all())

    values = {
        "ocg": "OCG-0001",
        "pillar": "pursue",
        "owner": "@nguyen",
        "what": "Check the van's keeper",
        "when": "31/02/2027",
    }
    status, body = await h.slack.submit(view, values, user="U0OKAFOR")
    assert status == 200
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == ["when"]
    with Session(h.bot.engine) as session:
        assert len(session.exec(select(Action)).all()) == before


async def test_log_a_disruption_from_its_modal(h) -> None:
    button = {"action_id": "socbot:1", "value": encode("form:disruption.log", {"ocg": "OCG-0001"})}
    await h.slack.click(button, user="U0OKAFOR", name="d1")
    [opened] = await h.standin.wait_for("views.open")
    view = opened.args["view"]
    values = {
        "ocg": "OCG-0001",
        "grade": "moderate",
        "pillar": "pursue",
        "what": "Warrant at the lock-up: two arrested",
        "date": "2027-03-02",
        "arrests": "2",
    }
    status, body = await h.slack.submit(view, values, user="U0OKAFOR")
    assert status == 200 and body["response_action"] == "update"
    assert body["view"]["type"] == "modal" and "submit" not in body["view"]  # the outcome
    [told] = await h.standin.wait_for("response_url")
    assert told.args["name"] == "d1" and told.args["replace_original"] is False
    with Session(h.bot.engine) as session:
        logged = session.exec(select(Disruption).order_by(Disruption.id.desc())).first()  # type: ignore[union-attr]
        assert logged is not None and logged.description == values["what"]
        assert (logged.arrests, logged.occurred_on.isoformat()) == (2, "2027-03-02")


async def test_snooze_from_the_app_home_refreshes_it(h) -> None:
    snooze = Button("Snooze a week", "snooze", {"args": '1 "in 1 week" "snoozed from a reminder"'})
    element = {"action_id": "socbot:2", "value": encode(snooze.action, snooze.payload)}
    await h.slack.click(element, user="U0NGUYEN", view={"type": "home", "id": "V0HOME"})
    [publish] = await h.standin.wait_for("views.publish")
    blocks = publish.args["view"]["blocks"]
    assert "#1" in block_text(blocks[:3])  # the outcome on top, then the refreshed lists
    assert [b["text"]["text"] for b in blocks if b["type"] == "header"] == ["My actions", "My OCGs"]


async def test_snooze_button_runs_the_command(h) -> None:
    snooze = Button("Snooze a week", "snooze", {"args": '1 "in 1 week" "snoozed from a reminder"'})
    element = {"action_id": "socbot:2", "value": encode(snooze.action, snooze.payload)}
    await h.slack.click(element, user="U0NGUYEN", name="s1")
    [answer] = await h.standin.wait_for("response_url")
    assert answer.args["replace_original"] is False  # no message to mark: a new one
    with Session(h.bot.engine) as session:
        action = session.get(Action, 1)
        assert action is not None
        assert action.due_at.date() > h.bot.clock.today() + timedelta(days=5)


async def test_a_button_we_did_not_make_is_ignored(h) -> None:
    before = len(audit_rows(h))
    status, _ = await h.slack.click({"action_id": "socbot:9", "value": "<@U1>"}, user="U0OKAFOR")
    assert status == 200
    await h.slack.command("help")  # anything the click did would have happened by now
    assert len(audit_rows(h)) == before + 1


# -- outbound ---------------------------------------------------------------------------------


def queue(
    h: SlackHarness,
    reply: Reply,
    *,
    key: str,
    handle: str | None = None,
    channel: str | None = None,
) -> None:
    with Session(h.bot.engine) as session:
        person = session.exec(select(Person).where(Person.handle == handle)).first()
        enqueue(
            session,
            key=key,
            kind="nudge",
            reply=reply,
            now=h.bot.clock.utcnow(),
            person_id=person.id if person else None,
            channel=channel,
        )
        session.commit()


def outbox_row(h: SlackHarness, key: str) -> Outbox:
    with Session(h.bot.engine) as session:
        return session.exec(select(Outbox).where(Outbox.key == key)).one()


async def test_nudge_is_delivered_as_a_dm_with_user_text_escaped(h) -> None:
    reply = Reply(
        title="1 overdue action needs you",
        items=[Item("#1 tell <!channel> & <@U0BOSS>", "due Fri", buttons=[Button("Done", "x")])],
    )
    queue(h, reply, key="n1", handle="okafor")
    counts = await asyncio.to_thread(deliver_due, h.bot)
    assert counts["sent"] == 1
    [post] = h.standin.called("chat.postMessage")
    assert post.args["channel"] == "U0OKAFOR" and post.token == TOKEN
    shown = block_text(post.args["blocks"]) + post.args["text"]
    assert "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in shown
    assert "<!channel>" not in shown and "<@U0BOSS>" not in shown
    row = outbox_row(h, "n1")
    assert (row.status, row.face) == ("sent", "slack")


async def test_a_chart_in_a_message_follows_it_into_the_dm(h, tmp_path) -> None:
    chart = tmp_path / "disruptions.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    queue(h, Reply(title="Monthly digest", images=[chart]), key="i1", handle="okafor")
    assert (await asyncio.to_thread(deliver_due, h.bot))["sent"] == 1
    [done] = h.standin.called("files.completeUploadExternal")
    assert done.args["channel_id"] == "D0OKAFOR"  # the DM that chat.postMessage opened
    assert h.standin.called("upload")[0].args["size"] == 108


async def test_a_429_on_a_modal_is_waited_out_once(h) -> None:
    h.standin.fail_next("views.open", 429, retry_after="0")
    button = {"action_id": "socbot:1", "value": encode("form:action.add", {"ocg": "OCG-0001"})}
    await h.slack.click(button, user="U0OKAFOR")
    await h.standin.wait_for("views.open", 2)


async def test_rate_limit_is_honoured_then_sent(h) -> None:
    queue(h, Reply(text="digest"), key="d1", handle="okafor")
    h.standin.fail_next("chat.postMessage", 429, retry_after="120")
    assert (await asyncio.to_thread(deliver_due, h.bot))["failed"] == 1
    row = outbox_row(h, "d1")
    assert row.status == "pending" and row.last_error == "rate limited by Slack"
    wait = row.next_attempt_at.replace(tzinfo=None) - h.bot.clock.utcnow().replace(tzinfo=None)
    assert wait >= timedelta(seconds=120)
    h.bot.clock.advance(seconds=121)
    assert (await asyncio.to_thread(deliver_due, h.bot))["sent"] == 1
    assert outbox_row(h, "d1").status == "sent"
    assert len(h.standin.called("chat.postMessage")) == 2


async def test_channel_messages_go_to_slack_channels_only(h) -> None:
    queue(h, Reply(text="digest"), key="c1", channel="C0COORDS")
    queue(h, Reply(text="digest"), key="c2", channel="19:abc@thread.tacv2")
    counts = await asyncio.to_thread(deliver_due, h.bot)
    assert counts == {"sent": 1, "failed": 0, "unreachable": 1}
    assert [c.args["channel"] for c in h.standin.called("chat.postMessage")] == ["C0COORDS"]


async def test_person_without_slack_identity_is_left_to_other_faces(h) -> None:
    queue(h, Reply(text="hello"), key="p1", handle="hart")
    assert (await asyncio.to_thread(deliver_due, h.bot))["unreachable"] == 1
    assert h.standin.called("chat.postMessage") == []


# -- App Home and retries ---------------------------------------------------------------------


async def test_app_home_shows_my_actions_and_my_ocgs(h) -> None:
    status, _ = await h.slack.event(
        {"type": "app_home_opened", "user": "U0NGUYEN", "tab": "home"}, "Ev0HOME"
    )
    assert status == 200
    [publish] = await h.standin.wait_for("views.publish")
    assert publish.args["user_id"] == "U0NGUYEN"
    view = publish.args["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers == ["My actions", "My OCGs"]
    assert "#1 Apply for cash seizure" in block_text(view["blocks"])
    assert any("form:action.done" in b["value"] for b in buttons(view["blocks"]))


async def test_a_partners_app_home_withholds_names_written_in_chat(h) -> None:
    line = 'ocg action smith protect "Trading Standards" "Visit Danny Smith at the salon" by friday'
    assert not h.bot.handle(line, Who("console", "okafor"), face="console").error
    await h.slack.event({"type": "app_home_opened", "user": "U0PRICE", "tab": "home"}, "Ev0P")
    [publish] = await h.standin.wait_for("views.publish")
    shown = json.dumps(publish.args["view"])
    assert "Visit [name withheld] at the salon" in shown
    assert "Danny" not in shown and "Smith Brothers" not in shown


async def test_app_home_for_an_unlinked_user_says_how_to_enrol(h) -> None:
    await h.slack.event({"type": "app_home_opened", "user": "U0NOBODY", "tab": "home"}, "Ev0X")
    [publish] = await h.standin.wait_for("views.publish")
    assert "Ask your SOC coordinator to enrol you" in block_text(publish.args["view"]["blocks"])


async def test_a_retried_event_is_acted_on_once(h) -> None:
    event = {"type": "app_home_opened", "user": "U0OKAFOR", "tab": "home"}
    await h.slack.event(event, "Ev01")
    await h.standin.wait_for("views.publish")
    first = len([r for r in audit_rows(h) if r.face == "slack"])
    assert first > 0  # opening the Home runs commands, and they are audited
    status, _ = await h.slack.event(
        event, "Ev01", **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert status == 200
    await h.slack.event(event, "Ev02")  # a new event: proves the retry had its chance
    await h.standin.wait_for("views.publish", 2)
    assert len(h.standin.called("views.publish")) == 2
    assert len([r for r in audit_rows(h) if r.face == "slack"]) == 2 * first


async def test_every_view_ends_with_its_classification_marking(h) -> None:
    _, police = await h.slack.command("status smith", user="U0OKAFOR")
    _, partner = await h.slack.command("actions mine", user="U0PRICE")
    _, error = await h.slack.command("status nowhere", user="U0OKAFOR")
    assert police["blocks"][-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "*OFFICIAL-SENSITIVE*", "verbatim": True}],
    }
    assert block_text(partner["blocks"]).endswith("*OFFICIAL*")  # the sanitised view
    assert "OFFICIAL" not in block_text(error["blocks"])  # a polite error marks nothing


async def test_a_document_in_a_channel_message_is_uploaded_there(h, tmp_path) -> None:
    paper = tmp_path / "pack-tasking-2027-03-04-1.pdf"
    paper.write_bytes(b"%PDF-1.7\n" + b"\0" * 991)
    queue(h, Reply(title="Tasking meeting pack", files=[paper]), key="f1", channel="C0COORDS")
    assert (await asyncio.to_thread(deliver_due, h.bot))["sent"] == 1
    [post] = h.standin.called("chat.postMessage")
    assert post.args["channel"] == "C0COORDS"
    [asked] = h.standin.called("files.getUploadURLExternal")
    assert asked.args["filename"] == paper.name and int(asked.args["length"]) == 1000
    assert h.standin.called("upload")[0].args["size"] == 1000
    [done] = h.standin.called("files.completeUploadExternal")
    assert done.args["channel_id"] == "C0COORDS"


async def test_a_scheduled_pack_is_posted_once_as_a_pdf(h) -> None:
    from socbot.identify import Who

    marked = h.bot.handle("channel secure C0COORDS", Who("console", "admin"), face="console")
    assert not marked.error, marked.text
    said = h.bot.handle(
        "ocg schedule pack tasking every thursday 08:00 to C0COORDS",
        Who("console", "walsh"),
        face="console",
    )
    assert not said.error, said.text
    h.bot.clock.advance(days=1)  # Thu 4 Mar 09:00
    assert len(h.bot.run_job("paper-schedules")) == 1
    assert h.bot.run_job("paper-schedules") == []
    assert (await asyncio.to_thread(deliver_due, h.bot))["sent"] == 1
    assert (await asyncio.to_thread(deliver_due, h.bot))["sent"] == 0
    [asked] = h.standin.called("files.getUploadURLExternal")
    assert asked.args["filename"] == "pack-tasking-2027-03-04-1.pdf"
    [upload] = h.standin.called("upload")
    assert upload.args["size"] == int(asked.args["length"]) > 10_000
    [done] = h.standin.called("files.completeUploadExternal")
    assert done.args["channel_id"] == "C0COORDS"


async def test_every_message_the_bot_sends_carries_its_marking(h) -> None:
    queue(h, Reply(title="Action #4 is overdue"), key="m1", handle="okafor")
    queue(h, Reply(title="Action #2 is overdue"), key="m2", handle="price")  # a partner
    assert (await asyncio.to_thread(deliver_due, h.bot))["sent"] == 2
    posts = {
        p.args["channel"]: block_text(p.args["blocks"])
        for p in h.standin.called("chat.postMessage")
    }
    assert posts["U0OKAFOR"].endswith("*OFFICIAL-SENSITIVE*")
    assert posts["U0PRICE"].endswith("*OFFICIAL*")  # a partner's withheld copy
