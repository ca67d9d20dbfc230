"""A form card is submitted once, whichever replica and whichever route (a message submit or a
Universal Action) it comes by: the card is claimed in the shared state while it runs, then
marked sent; a replica that dies mid-submit frees it after ``PENDING``."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from socbot.shared_state import Shared

PENDING = timedelta(minutes=5)
DONE = timedelta(days=7)


def _key(card: tuple[str, str]) -> str:
    return f"teams-card:{card[0]}:{card[1]}"


async def claim(shared: Shared, card: tuple[str, str] | None) -> str | None:
    """None when this submit may run; else the polite refusal (nothing was changed)."""
    if card is None or await asyncio.to_thread(shared.claim, _key(card), PENDING, "pending"):
        return None
    state = await asyncio.to_thread(shared.get, _key(card))
    done = "was already submitted" if state == "done" else "is being sent"
    return f"That form {done}; nothing was changed."


async def settle(shared: Shared, card: tuple[str, str] | None, *, sent: bool) -> None:
    """Mark the card sent, or free it (refused, or a next step: it may go again)."""
    if card is None:
        return
    if sent:
        await asyncio.to_thread(shared.put, _key(card), "done", DONE)
    else:
        await asyncio.to_thread(shared.drop, _key(card))
