"""An OCG with no LRO: refused unless the SRO records why (issue 15, part 6).

Inspectors found plans with no named LRO (seed 003); seed 001 makes the LRO the owner of the
plan. ``ocg new`` and ``socbot import ocgs`` therefore refuse a new OCG with no LRO, unless the
SRO gives the reason (``nolro="..."`` in chat, the ``no_lro_reason`` column in a file, with the
deciding SRO in the ``sro`` column). The reason goes into the decision log through an
``OcgChanged`` event, attributed to that SRO.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from socbot import Ocg, Person
from socbot.access import load_actor
from socbot.events import OcgChanged
from socbot.registry import BotApi

MIN_WORDS = 3
WHAT = "added with no LRO"


def enough(reason: str) -> bool:
    return len(reason.split()) >= MIN_WORDS


def event(ocg: Ocg, reason: str) -> OcgChanged:
    return OcgChanged(ocg, "no-lro", None, None, reason, detail=WHAT)


# -- socbot import ocgs --------------------------------------------------------------------------


def check_row(row: dict[str, str], values: dict[str, Any], bad: list[str]) -> None:
    """A new OCG (``values["existing"]`` empty) needs an LRO, or the SRO's reason for none."""
    reason = row.get("no_lro_reason", "")
    if row.get("lro"):
        if reason:
            bad.append("no_lro_reason: the row names an LRO; leave the reason empty")
        return
    if values.get("existing") is not None:
        return  # an update: the stored LRO (or the decision made when it was added) stands
    if not reason:
        bad.append(
            "lro: a new OCG needs an LRO; if the SRO has decided it has none for now, say why "
            "in no_lro_reason and name that SRO in the sro column"
        )
    elif not enough(reason):
        bad.append(f"no_lro_reason: say why in a few words ({MIN_WORDS} or more)")
    elif not row.get("sro"):
        bad.append("no_lro_reason: name the SRO who decided it in the sro column")
    else:
        values["no_lro_reason"] = reason


def record(bot: BotApi, session: Session, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Write each imported no-LRO decision to the log, as its SRO's, in the import's
    transaction. ``write_ocgs`` left the OCG written in ``values["ocg"]``."""
    now: datetime = bot.clock.utcnow()
    for _, values in rows:
        reason = values.get("no_lro_reason")
        if not reason:
            continue
        sro: Person = values["sro"]
        ctx = bot.context(session, load_actor(session, sro, now), "cli")
        ctx.emit(event(values["ocg"], reason))
