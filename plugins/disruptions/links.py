"""What a disruption may link to, checked: a nominal of its OCG, a tactic on the menu.

Used by recording (``record``) and by edits (``fields``), so both refuse the same things.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from socbot import Nominal, Ocg
from socbot.context import Context
from socbot.model import CommandError

_TACTIC_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def nominal(ctx: Context, ocg: Ocg, query: str) -> Nominal:
    """A nominal of this OCG by id, name or alias. Partners never look names up."""
    if ctx.sanitised:
        raise CommandError(
            "Partners can't link a nominal: leave `nominal=` out and the OCG's LRO can add it.",
            field="nominal",
        )
    return ctx.nominal(query, ocg=ocg)


@cache
def _tactic_ids() -> frozenset[str] | None:
    """The catalogue's ids, read once; ``None`` when the tactics module isn't installed."""
    try:
        from socbot_plugins.tactics.catalogue import load_catalogue
    except ImportError:
        return None
    return frozenset(t.id for t in load_catalogue())


def check_tactic(text: str) -> str:
    """A tactic id from the menu of tactics (any well-formed id if the menu isn't loaded)."""
    wanted = text.strip().lower()
    ids = _tactic_ids()
    if ids is None:
        if _TACTIC_ID.match(wanted) and len(wanted) <= 48:
            return wanted
        raise CommandError(
            f"`tactic={text[:40]}` isn't a tactic id: ids are lower-case words joined by "
            "hyphens, e.g. `tactic=cash-seizure`.",
            field="tactic",
        )
    if wanted in ids:
        return wanted
    close = difflib.get_close_matches(wanted, sorted(ids), n=2, cutoff=0.6)
    hint = f" Did you mean {' or '.join(f'`{c}`' for c in close)}?" if close else ""
    raise CommandError(
        f"There is no tactic `{text[:40]}` on the menu of tactics.{hint} "
        "`tactics` searches the menu.",
        field="tactic",
    )
