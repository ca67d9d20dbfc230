"""One size limit for every way in (issue 13, item 11), over real HTTP: a tampered Teams
``Action.Submit`` carrying a megabyte of ``args`` is refused politely in milliseconds, before
anything splits or date-parses it (that took 9 s of CPU per request, 44 s at 2 MB)."""

from __future__ import annotations

import time

import test_teams
from teams_standin import StandIn
from test_teams import OKAFOR, link, serve

from socbot.bot import Bot

standin = test_teams.standin  # the Bot Framework connector stand-in, as a fixture


async def test_a_tampered_teams_button_of_a_megabyte_is_refused_quickly(
    bot: Bot,
    standin: StandIn,
) -> None:
    link(bot, "okafor", OKAFOR)
    async with serve(bot, standin, typing_delay_ms=None) as teams:
        biggest = {"verb": "snooze", "payload": {"args": '1 "' + "x " * 500_000 + '"'}}
        started = time.perf_counter()
        assert await teams.press(biggest) == 202  # the largest body the front door takes
        polite = time.perf_counter() - started
        too_big = {"verb": "snooze", "payload": {"args": "x " * 1_000_000}}  # 2 MB
        started = time.perf_counter()
        assert await teams.press(too_big) == 413  # past the front door's 1 MiB: never parsed
        refused = time.perf_counter() - started
    [call] = standin.calls
    assert "the limit is 4,000" in call.card_text and "Traceback" not in call.card_text
    assert polite < 0.5 and refused < 0.5, (polite, refused)
