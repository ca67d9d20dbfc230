"""The message extension over real HTTP: ``composeExtension/query`` invokes searched as the person
typing, answered with cards of what they may see (validated against Adaptive Cards 1.5)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from card_schema import problems
from teams_standin import StandIn, activity
from test_teams import OKAFOR, STRANGER, Teams, link, serve, standin  # noqa: F401

from socbot.bot import Bot
from socbot.faces.teams import adaptive, manifest, search

EVANS = "00000000-0000-4000-8000-0000000000e5"
POLICE_ONLY = ("Smith Brothers", "Danny Smith", "Nguyen", "MoRiLE", "P-mech", "@hart")


@pytest.fixture
async def teams(bot: Bot, standin: StandIn) -> AsyncIterator[Teams]:  # noqa: F811
    link(bot, "okafor", OKAFOR)
    link(bot, "evans", EVANS)
    async with serve(bot, standin) as running:
        yield running


async def find(teams: Teams, aad: str, query: str) -> dict[str, Any]:
    body = activity(
        teams.standin.url,
        aad=aad,
        kind="invoke",
        value={
            "commandId": search.COMMAND,
            "parameters": [{"name": "query", "value": query}],
            "queryOptions": {"skip": 0, "count": 25},
        },
    )
    body["name"] = "composeExtension/query"
    async with teams.http.post(f"{teams.url}/api/messages", json=body) as response:
        assert response.status == 200
        answer: dict[str, Any] = (await response.json())["composeExtension"]
    for attachment in answer.get("attachments", []):
        assert attachment["contentType"] == adaptive.CONTENT_TYPE
        assert attachment["preview"]["contentType"] == search.THUMBNAIL
        assert attachment["preview"]["content"]["title"]
        assert problems(attachment["content"]) == []
    return answer


def titles(answer: dict[str, Any]) -> list[str]:
    return [a["preview"]["content"]["title"] for a in answer["attachments"]]


async def test_an_officer_finds_an_ocg_by_name_and_gets_its_cards(teams: Teams) -> None:
    answer = await find(teams, OKAFOR, "smith")
    assert answer["type"] == "result" and answer["attachmentLayout"] == "list"
    assert titles(answer) == [
        "OCG-0001 Smith Brothers",
        "Open actions on Smith Brothers (OCG-0001): 5, 3 overdue",
    ]
    status, actions = (a["content"] for a in answer["attachments"])
    expected = {"verb": "status", "payload": {"args": "OCG-0001"}}
    assert status["refresh"]["action"]["data"] == expected, "live, naming only the reference"
    assert actions["refresh"]["action"]["data"]["verb"] == "actions"


async def test_a_partner_finds_only_what_partners_see(teams: Teams) -> None:
    hidden = await find(teams, EVANS, "smith")  # the police name of the group is withheld
    assert hidden["type"] == "message" and "Nothing you can see matches" in hidden["text"]
    answer = await find(teams, EVANS, "fratton")
    assert titles(answer)[0] == "OCG-0001 Group A (Fratton)"
    text = json.dumps(answer, ensure_ascii=False)
    for secret in POLICE_ONLY:
        assert secret not in text, f"{secret!r} is police-only"
    assert "OCG-0003" not in text, "an OCG Trading Standards has no part in"


async def test_tactics_are_found_by_kind(teams: Teams) -> None:
    answer = await find(teams, EVANS, "vehicle")
    assert titles(answer) == ["Vehicles: 8 tactics"]
    assert "refresh" not in answer["attachments"][0]["content"], "a tactic is not an OCG card"


async def test_a_stranger_is_told_politely_and_finds_nothing(teams: Teams) -> None:
    answer = await find(teams, STRANGER, "smith")
    assert answer["type"] == "message" and "don't know who you are" in answer["text"]


def test_the_manifest_offers_the_search_on_the_same_bot() -> None:
    found = manifest.load()
    [extension] = found["composeExtensions"]
    assert extension["botId"] == found["bots"][0]["botId"]
    [command] = extension["commands"]
    assert (command["id"], command["type"]) == (search.COMMAND, "query")
    assert len(command["title"]) <= 32 and len(command["description"]) <= 128
    [parameter] = command["parameters"]
    assert parameter["name"] == "query" and len(parameter["title"]) <= 32
