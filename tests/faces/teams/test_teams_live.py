"""Universal Actions over real HTTP: one card, each viewer's own view of it.

An officer's OCG card shared in a police group chat carries a ``refresh`` naming the chat's
members (from the connector stand-in's roster); when a partner added to the chat later opens it,
Teams sends an ``adaptiveCard/action`` invoke as them and socbot answers with the partner's card.
Someone not enrolled gets a refusal. Sharing a police view into a chat a partner is already in is
refused, with the reason, and nothing is posted there.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from card_schema import problems
from socbot_plugins.actions.models import Action
from sqlmodel import Session
from teams_standin import StandIn, activity, member
from test_teams import (  # noqa: F401
    OKAFOR,
    STRANGER,
    Teams,
    link,
    open_action,
    serve,
    standin,
    submit_action,
)

from socbot.bot import Bot
from socbot.faces.teams import adaptive
from socbot.identify import Who

EVANS = "00000000-0000-4000-8000-0000000000e5"  # Trading Standards: a partner
NGUYEN = "00000000-0000-4000-8000-0000000000a9"  # an analyst: police
ADMIN = "00000000-0000-4000-8000-0000000000ad"
GROUP = "19:meeting-smith-partners@thread.v2"
POLICE_ONLY = ("Smith Brothers", "Danny Smith", "Nguyen", "MoRiLE", "P-mech", "@hart")


def invoke(teams: Teams, aad: str, action: dict[str, Any], **kw: Any) -> dict[str, Any]:
    body = activity(
        teams.standin.url,
        aad=aad,
        kind="invoke",
        value={"action": action, "trigger": "automatic"},
        conversation=GROUP,
        conversation_type="groupChat",
        **kw,
    )
    return {**body, "name": "adaptiveCard/action"}


async def execute(teams: Teams, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with teams.http.post(f"{teams.url}/api/messages", json=body) as response:
        return response.status, await response.json()


@pytest.fixture
async def teams(bot: Bot, standin: StandIn) -> AsyncIterator[Teams]:  # noqa: F811
    for handle, aad in (("okafor", OKAFOR), ("evans", EVANS), ("admin", ADMIN), ("nguyen", NGUYEN)):
        link(bot, handle, aad)
    standin.rosters[GROUP] = [
        member(f"29:{OKAFOR}", OKAFOR, "grace.okafor@demo.police.example", "Grace Okafor"),
        member(f"29:{NGUYEN}", NGUYEN, "lan.nguyen@demo.police.example", "Lan Nguyen"),
    ]
    marked = bot.handle("channel secure", Who("teams", ADMIN), face="teams", channel=GROUP)
    assert not marked.error, marked.text
    async with serve(bot, standin) as running:
        yield running


async def officer_card(teams: Teams) -> dict[str, Any]:
    """DI Okafor shares the Smith Brothers' card in the group chat."""
    assert (
        await teams.say("status smith share", conversation=GROUP, conversation_type="groupChat")
        == 202
    )
    [posted] = [c for c in teams.standin.sent() if c.conversation == GROUP]
    assert posted.card is not None
    return posted.card


def partner_joins(teams: Teams) -> None:
    teams.standin.rosters[GROUP].append(
        member(f"29:{EVANS}", EVANS, "sam.evans@council.example", "Sam Evans")
    )


async def test_a_police_view_is_not_shared_where_a_partner_is_a_member(teams: Teams) -> None:
    partner_joins(teams)
    assert (
        await teams.say("status smith share", conversation=GROUP, conversation_type="groupChat")
        == 202
    )
    in_chat = [c for c in teams.standin.sent() if c.conversation == GROUP]
    shown = json.dumps([c.body for c in teams.standin.sent()], ensure_ascii=False)
    assert "Not shared" in shown and "partner" in shown, "the asker is told why"
    assert all("Smith Brothers" not in json.dumps(c.body) for c in in_chat), "nothing posted"


async def test_a_partner_opening_an_officers_card_sees_the_partner_view(teams: Teams) -> None:
    card = await officer_card(teams)
    assert "Smith Brothers" in json.dumps(card), "the officer sees the police view"
    refresh = card["refresh"]
    assert refresh["userIds"] == [f"29:{OKAFOR}", f"29:{NGUYEN}"], "the members, from the roster"
    partner_joins(teams)
    action = refresh["action"]
    assert action == {
        "type": "Action.Execute",
        "verb": "refresh",
        "data": {"verb": "status", "payload": {"args": "OCG-0001"}},
    }, "the card's data is the command and the reference, never what the officer saw"
    assert problems(card) == []

    status, answer = await execute(teams, invoke(teams, EVANS, action))
    assert status == 200
    assert answer["statusCode"] == 200 and answer["type"] == adaptive.CONTENT_TYPE
    seen = answer["value"]
    text = json.dumps(seen, ensure_ascii=False)
    assert "OCG-0001 Group A (Fratton)" in text, "the partner's own view of the same OCG"
    assert "Partner view" in text and "#2 Test-purchase" in text, "with their own action"
    for secret in POLICE_ONLY:
        assert secret not in text, f"{secret!r} is police-only"
    assert seen["refresh"]["userIds"] == [f"29:{OKAFOR}", f"29:{NGUYEN}", f"29:{EVANS}"]
    assert problems(seen) == []

    status, again = await execute(teams, invoke(teams, OKAFOR, action))
    assert status == 200 and "Smith Brothers" in json.dumps(again["value"]), "hers, not his"


async def test_someone_not_enrolled_gets_a_polite_refusal_card(teams: Teams) -> None:
    action = (await officer_card(teams))["refresh"]["action"]
    status, answer = await execute(teams, invoke(teams, STRANGER, action))
    assert status == 200 and answer["type"] == adaptive.CONTENT_TYPE
    text = json.dumps(answer["value"], ensure_ascii=False)
    assert "don't know who you are" in text
    assert "OCG-0001" not in text and "Smith" not in text and "Group A" not in text
    assert "refresh" not in answer["value"], "a refusal is not refreshed"
    assert problems(answer["value"]) == []


@pytest.mark.parametrize(
    "data",
    [
        {"verb": "close", "payload": {"args": "OCG-0001"}},  # a write: never run by a refresh
        {"verb": "status", "payload": {"args": "smith"}},  # a name, not a reference
        {"verb": "status"},
    ],
)
async def test_a_forged_refresh_runs_nothing(teams: Teams, data: dict[str, Any]) -> None:
    action = {"type": "Action.Execute", "verb": "refresh", "data": data}
    status, answer = await execute(teams, invoke(teams, OKAFOR, action))
    assert status == 200
    assert "couldn't refresh that card" in json.dumps(answer["value"])


async def test_above_sixty_members_each_viewer_asks_for_their_own_view(teams: Teams) -> None:
    teams.standin.rosters[GROUP] += [
        member(f"29:guest-{n}", f"aad-guest-{n}", None, f"Guest {n}") for n in range(59)
    ]
    card = await officer_card(teams)
    assert "refresh" not in card, "Teams refreshes for at most 60 named users"
    [button] = [a for a in card["actions"] if a["title"] == "Show my view"]
    assert button["type"] == "Action.Execute" and button["verb"] == "refresh"
    assert button["fallback"]["type"] == "Action.Submit", "older clients still get a button"
    assert problems(card) == []
    partner_joins(teams)
    status, answer = await execute(teams, invoke(teams, EVANS, {**button, "fallback": None}))
    assert status == 200 and "Group A (Fratton)" in json.dumps(answer["value"])


def executes(card: dict[str, Any], verb: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute" and node.get("verb") == verb:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


async def test_a_button_pressed_as_a_universal_action_answers_the_presser(teams: Teams) -> None:
    assert await teams.say("actions smith") == 202
    card = teams.standin.calls[-1].card
    assert card is not None and problems(card) == []
    assert card["refresh"]["userIds"] == [f"29:{OKAFOR}"], "a personal chat: hers alone"
    snooze = executes(card, "snooze")[0]
    assert snooze["fallback"]["data"] == snooze["data"], "old clients send the same button"
    body = invoke(teams, OKAFOR, snooze, reply_to="sent-1")
    body["conversation"] = {"id": "a:personal-chat", "conversationType": "personal"}
    status, answer = await execute(teams, body)
    assert status == 200 and answer["type"] == adaptive.CONTENT_TYPE
    text = json.dumps(answer["value"], ensure_ascii=False)
    assert "Action #4 now due Wed 10 Mar 2027" in text, "the result, for her"
    assert problems(answer["value"]) == []


@pytest.mark.parametrize(
    ("extra", "why"),
    [({"tenantId": "11111111-0000-4000-8000-00000000beef"}, "another organisation"),
     ({"userRole": "guest"}, "a guest")],
)  # fmt: skip
async def test_a_police_view_is_not_shared_where_someone_outside_the_force_is(
    teams: Teams, extra: dict[str, str], why: str
) -> None:
    outsider = member("29:outsider", "aad-outsider", "someone@elsewhere.example", "Someone")
    teams.standin.rosters[GROUP].append({**outsider, **extra})
    assert (
        await teams.say("status smith share", conversation=GROUP, conversation_type="groupChat")
        == 202
    )
    in_chat = [c for c in teams.standin.sent() if c.conversation == GROUP]
    assert all("Smith Brothers" not in json.dumps(c.body) for c in in_chat), "nothing posted"
    assert any(why in json.dumps(c.body) for c in in_chat), "the reason, in the chat"


async def test_a_form_submitted_as_a_universal_action_goes_once_by_any_route(teams: Teams) -> None:
    action = open_action(teams.bot)
    press = {"verb": "form:action.done", "payload": {"id": str(action.id)}}
    assert await teams.press(press, aad=NGUYEN, reply_to="nudge-card") == 202
    form = teams.standin.calls[-1].card
    assert form is not None
    form_id = f"sent-{len(teams.standin.calls)}"
    button = submit_action(form)
    answers = {"in.result": "Cash seizure granted", "in.disrupt": "none"}
    execute_it = {**button, "data": {**button["data"], **answers}, "fallback": None}

    def body() -> dict[str, Any]:
        sent = invoke(teams, NGUYEN, execute_it, reply_to=form_id)
        sent["conversation"] = {"id": "a:personal-chat", "conversationType": "personal"}
        return sent

    status, _ = await execute(teams, body())
    assert status == 200 and "Submitted by" in json.dumps(teams.standin.updates()[-1].card)
    status, second = await execute(teams, body())
    assert status == 200 and "already submitted" in json.dumps(second["value"])
    calls = len(teams.standin.calls)
    resent = {**button["data"], **answers}  # the same card, now by the message route
    assert await teams.press(resent, aad=NGUYEN, reply_to=form_id) == 202
    assert "already submitted" in teams.standin.calls[calls].card_text
    with Session(teams.bot.engine) as session:
        closed = session.get(Action, action.id)
        assert closed is not None and closed.status == "done"
