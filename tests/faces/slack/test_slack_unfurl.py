"""Link unfurling over real HTTP: a link to an OCG pasted in a channel becomes the card the
channel's least-privileged member may see, or nothing. Membership comes from the stand-in's
``conversations.info`` (Slack Connect) and ``conversations.members``."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr
from slack_sdk.models.blocks import Block
from slack_standin import SECRET, TOKEN, SlackHarness, block_text
from sqlmodel import Session

from socbot import channels
from socbot.bot import Bot
from socbot.identify import Who

INTRANET = "https://intranet.police.example/ocg/{ref}"
LINK = "https://intranet.police.example/ocg/OCG-0001"
POLICE = "C0POLICE"
CONNECT = "C0CONNECT"
PEOPLE = {"okafor": "U0OKAFOR", "nguyen": "U0NGUYEN", "evans": "U0EVANS", "admin": "U0ADMIN"}
POLICE_ONLY = ("Smith Brothers", "Danny Smith", "Nguyen", "MoRiLE", "P-mech", "@hart")


def valid_blocks(blocks: list[dict[str, Any]]) -> None:
    """Each block as slack_sdk's Block Kit models read it, within Slack's limits, nothing lost."""
    assert blocks
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
        assert parsed.to_dict() == block


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    secrets = {"slack_bot_token": SecretStr(TOKEN), "slack_signing_secret": SecretStr(SECRET)}
    return settings.model_copy(update={**secrets, "unfurl_url_pattern": INTRANET})


@pytest.fixture
async def slack(bot: Bot) -> AsyncIterator[SlackHarness]:
    harness = await SlackHarness.start(bot, link=PEOPLE)
    standin = harness.standin
    standin.conversations[POLICE] = {"is_channel": True, "is_ext_shared": False}
    standin.members[POLICE] = ["U0OKAFOR", "U0NGUYEN"]
    standin.conversations[CONNECT] = {"is_channel": True, "is_ext_shared": True}
    standin.members[CONNECT] = ["U0OKAFOR", "U0EVANS"]
    for room in (POLICE, CONNECT):
        marked = bot.handle(f"channel secure {room}", Who("slack", "U0ADMIN"), face="slack")
        assert not marked.error, marked.text
    yield harness
    await harness.stop()


async def paste(slack: SlackHarness, channel: str, url: str = LINK) -> dict[str, Any] | None:
    """Okafor pastes ``url`` in ``channel``; the unfurl socbot sent for it, or None."""
    event = {
        "type": "link_shared",
        "channel": channel,
        "user": "U0OKAFOR",
        "message_ts": "1700000000.000100",
        "unfurl_id": "C123456.1700000000.000100.abc",
        "source": "conversations_history",
        "links": [{"domain": "intranet.police.example", "url": url}],
        "event_ts": "1700000000.000200",
    }
    status, _ = await slack.slack.event(event, f"Ev{uuid.uuid4().hex[:10]}")
    assert status == 200
    await asyncio.gather(*slack.face._tasks)
    [sent] = slack.standin.called("chat.unfurl") or [None]
    if sent is None:
        return None
    assert (sent.args["channel"], sent.args["ts"]) == (channel, "1700000000.000100")
    unfurls = sent.args["unfurls"]
    unfurls = json.loads(unfurls) if isinstance(unfurls, str) else unfurls
    assert list(unfurls) == [url]
    blocks: list[dict[str, Any]] = unfurls[url]["blocks"]
    valid_blocks(blocks)
    return unfurls[url]


def disclosures(bot: Bot) -> list[dict[str, Any]]:
    with Session(bot.engine) as session:
        return [
            {"channel": r.channel, "actor": r.actor, **json.loads(r.detail or "{}")}
            for r in channels.disclosures(session, "OCG-0001")
        ]


async def test_a_police_channel_gets_the_police_card(slack: SlackHarness) -> None:
    unfurl = await paste(slack, POLICE)
    assert unfurl is not None
    text = block_text(unfurl["blocks"])
    assert "OCG-0001 Smith Brothers" in text and "Nominals" in text
    [row] = disclosures(slack.bot)
    assert (row["channel"], row["actor"], row["how"]) == (POLICE, "okafor", "share")
    assert row["members"] == ["U0OKAFOR", "U0NGUYEN"]


async def test_a_slack_connect_channel_gets_only_the_partner_view(slack: SlackHarness) -> None:
    unfurl = await paste(slack, CONNECT)
    assert unfurl is not None
    text = block_text(unfurl["blocks"])
    assert "OCG-0001 Group A (Fratton)" in text and "Partner view" in text
    for secret in POLICE_ONLY:
        assert secret not in text, f"{secret!r} is police-only"
    [row] = disclosures(slack.bot)
    assert (row["channel"], row["actor"], row["how"]) == (CONNECT, "okafor", "unfurl")
    assert row["classification"] == "OFFICIAL" and row["shared"].startswith("a Slack Connect")


@pytest.mark.parametrize(
    "case", ["stranger-in-connect", "not-secure", "partner-cannot-see", "not-a-reference"]
)
async def test_a_channel_that_may_not_see_it_gets_nothing(slack: SlackHarness, case: str) -> None:
    url = LINK
    channel = CONNECT
    if case == "stranger-in-connect":  # only people socbot doesn't know from the other side
        slack.standin.members[CONNECT] = ["U0OKAFOR", "U0SOMEONE"]
    elif case == "not-secure":
        slack.bot.handle(f"channel insecure {POLICE}", Who("slack", "U0ADMIN"), face="slack")
        channel = POLICE
    elif case == "partner-cannot-see":  # Trading Standards has no part in OCG-0003
        url = LINK.replace("OCG-0001", "OCG-0003")
    else:
        url = "https://intranet.police.example/news/OCG-0001-closed"
    assert await paste(slack, channel, url) is None
    assert disclosures(slack.bot) == []
