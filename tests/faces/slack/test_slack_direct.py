"""Slash commands after the first skip bolt's dispatch (the front door hands them to the face), and
the person sees exactly what bolt gave them: the same ack, the same later answer, the same
refusals. Bolt still checks the bot token (``auth.test``) before the first one, and a token Slack
refuses keeps every command on bolt's path, refused as before."""

from __future__ import annotations

from typing import Any

import pytest
import test_slack
from slack_standin import Failure, SlackHarness

settings, h = test_slack.settings, test_slack.h  # the Slack face's fixtures, shared

WRITE = 'action smith pursue @nguyen "Check the van" by friday'


def through_bolt(h: SlackHarness) -> list[str]:
    """Counts the requests bolt's dispatch sees from now on."""
    seen: list[str] = []
    dispatch = h.face.app.async_dispatch

    async def counted(request: Any) -> Any:
        seen.append(request.body.get("command") or request.body.get("type") or "?")
        return await dispatch(request)

    h.face.app.async_dispatch = counted
    return seen


def same(answer: Any) -> Any:
    """An answer with what differs between two sendings of one command (trigger ids, incident
    ids) taken out."""
    if isinstance(answer, dict):
        return {k: same(v) for k, v in answer.items() if k not in ("trigger_id",)}
    if isinstance(answer, list):
        return [same(v) for v in answer]
    return answer


@pytest.mark.parametrize(
    "text",
    ["help", "status smith", "status nosuchgang", "list mine", "frobnicate", "status"],
)
async def test_the_second_command_skips_bolt_and_is_answered_the_same(h, text) -> None:
    bolt = through_bolt(h)
    first = await h.slack.command(text, name="first")
    assert bolt == ["/ocg"]
    second = await h.slack.command(text, name="second")
    assert bolt == ["/ocg"]  # the second never reached bolt's dispatch
    assert first[0] == second[0] == 200
    assert same(first[1]) == same(second[1])


async def test_a_write_is_acked_empty_and_answered_later_the_same_both_ways(h) -> None:
    bolt = through_bolt(h)
    for n, name in enumerate(["first", "second"], 1):
        status, ack = await h.slack.command(WRITE, name=name)
        assert (status, ack) == (200, None)  # an empty ack
        await h.standin.wait_for("response_url", n)
    assert bolt == ["/ocg"]
    posted = [c.args for c in h.standin.called("response_url")]
    assert len(posted) == 2
    assert "added" in posted[0]["text"] and "added" in posted[1]["text"]
    assert posted[0]["response_type"] == posted[1]["response_type"]


async def test_a_stranger_is_refused_the_same_both_ways(h) -> None:
    first = await h.slack.command("status smith", user="U0NOBODY", name="first")
    second = await h.slack.command("status smith", user="U0NOBODY", name="second")
    assert first == second
    assert first[0] == 200 and "I don't know who you are yet" in first[1]["text"]


async def test_replays_and_bad_signatures_are_still_refused_on_the_direct_path(h) -> None:
    await h.slack.command("help", name="first")  # bolt's: from here on, direct
    assert h.face.door.direct
    assert (await h.slack.command("status smith", name="second"))[0] == 200
    assert (await h.slack.replay())[0] == 409
    body = "user_id=U0OKAFOR&command=%2Focg&text=status+smith&channel_id=C0GENERAL"
    status, _ = await h.slack.post(body, headers=h.slack.sign(body, secret="not-the-secret"))
    assert status == 401


async def test_a_token_slack_refuses_keeps_every_command_on_bolt(h) -> None:
    refused = Failure(200, {}, {"ok": False, "error": "invalid_auth"})
    h.standin.failures["auth.test"] = [refused, refused]
    bolt = through_bolt(h)
    first = await h.slack.command("status smith", name="first")
    second = await h.slack.command("status smith", name="second")
    assert bolt == ["/ocg", "/ocg"]
    assert not h.face.door.direct
    assert first == second
    assert "reinstall this app" in str(first[1])  # bolt's refusal, not the answer
