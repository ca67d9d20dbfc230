"""How a nominal reads in a reply."""

from __future__ import annotations

from socbot import Fact, Nominal, Ocg

SAID = {"left": "left the group"}


def said(status: str) -> str:
    return SAID.get(status, status)


def facts(ocg: Ocg, nominal: Nominal, aliases: list[str] | None) -> list[Fact]:
    out = [
        Fact("OCG", f"{ocg.ref} {ocg.name}"),
        Fact("Nominal", f"{nominal.id} {nominal.name}"),
        Fact("Role", nominal.role),
        Fact("Status", said(nominal.status)),
    ]
    if aliases:
        out.append(Fact("Aliases", ", ".join(aliases)))
    return out
