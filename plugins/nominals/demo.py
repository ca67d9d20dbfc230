"""The nominals plugin's part of the demo force: street names for some of the demo's nominals
(the nominals themselves are core records, ``socbot.demo_force``), so ``nominals smith`` shows
something real and partners' views show them withheld."""

from __future__ import annotations

from socbot_plugins.nominals import store
from sqlmodel import select

from socbot import Nominal
from socbot.demo import Demo

# OCG, nominal's name, aliases
ALIASES = [
    ("OCG-0001", "Danny Smith", ["Big Dan", "Smudger"]),
    ("OCG-0001", "Carl Rowe", ["Rowey"]),
    ("OCG-0001", "Mo Vance", ["Little Mo"]),
    ("OCG-0002", "Kieran Doyle", ["Kez"]),
    ("OCG-0009", "Stan Voss", ["The Dutchman"]),
]


def load(demo: Demo) -> None:
    """Called by the plugin's ``load_demo`` hook."""
    added = 0
    for ref, name, aliases in ALIASES:
        nominal = demo.session.exec(
            select(Nominal).where(Nominal.ocg_id == demo.ocgs[ref].id, Nominal.name == name)
        ).one()
        added += len(store.add_aliases(demo.session, nominal, aliases, now=demo.start, by_id=None))
    demo.summary.append(f"{added} nominal aliases")
