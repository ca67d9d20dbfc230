"""Writing nominals and their aliases, and the rules both chat and the CSV import apply."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from socbot_plugins.nominals.models import NominalAlias
from sqlmodel import Session, col, select

from socbot import NOMINAL_ROLES, CommandError, Nominal
from socbot.nominal_lookup import key

STATUSES = ("active", "remanded", "convicted", "left", "deceased")
MIN_NAME, MAX_NAME = 3, 80
MIN_ALIAS, MAX_ALIAS = 3, 40


def clean_name(text: str, *, field: str = "name") -> str:
    name = " ".join(text.split())
    if not (MIN_NAME <= len(name) <= MAX_NAME) or not any(c.isalpha() for c in name):
        raise CommandError(
            f"{name[:40]!r} isn't a name socbot can record: give the full name as your case "
            f'system holds it, in quotes ("Jayden Reece"), {MIN_NAME} to {MAX_NAME} characters.',
            field=field,
        )
    return name


def clean_aliases(text: str, *, field: str = "alias") -> list[str]:
    """``"Daz;JR Junior"`` -> each alias once, in the order given. An alias shorter than three
    letters is refused: it could not be withheld from partners without blanking ordinary words."""
    out: dict[str, str] = {}
    for part in text.split(";"):
        alias = " ".join(part.split())
        if not alias:
            continue
        if len(alias) < MIN_ALIAS or len(alias) > MAX_ALIAS or not any(c.isalpha() for c in alias):
            raise CommandError(
                f"{alias[:40]!r} can't be an alias: give {MIN_ALIAS} to {MAX_ALIAS} characters "
                "with a letter in them (a shorter one could not be reliably withheld from "
                "partners). Separate several with `;`.",
                field=field,
            )
        out.setdefault(key(alias), alias)
    return list(out.values())


def role(word: str, *, field: str = "role") -> str:
    typed = word.strip().lower()
    if typed in NOMINAL_ROLES:
        return typed
    raise CommandError(
        f"{word[:30]!r} isn't a nominal's role: use principal, significant or peripheral.",
        field=field,
    )


def status(word: str, *, field: str = "status") -> str:
    typed = " ".join(word.lower().split())
    if typed in ("left the group", "left group"):
        return "left"
    if typed in STATUSES:
        return typed
    raise CommandError(
        f"{word[:30]!r} isn't a status: use active, remanded, convicted, left (or "
        '"left the group") or deceased.',
        field=field,
    )


def same_name(session: Session, ocg_id: int, name: str) -> Nominal | None:
    """The nominal of this OCG already recorded under ``name`` (any case or spacing)."""
    wanted = key(name)
    members = session.exec(select(Nominal).where(Nominal.ocg_id == ocg_id)).all()
    return next((n for n in members if key(n.name) == wanted), None)


def add_aliases(
    session: Session,
    nominal: Nominal,
    aliases: Iterable[str],
    *,
    now: datetime,
    by_id: int | None,
) -> list[str]:
    """Add the aliases this nominal doesn't have yet (nor has as its name); returns those added."""
    have = {
        k
        for k in session.exec(
            select(NominalAlias.alias_key).where(NominalAlias.nominal_id == nominal.id)
        ).all()
    }
    have.add(key(nominal.name))
    added = []
    for alias in aliases:
        if key(alias) in have:
            continue
        have.add(key(alias))
        session.add(
            NominalAlias(
                nominal_id=nominal.id or 0,
                alias=alias,
                alias_key=key(alias),
                added_at=now,
                by_id=by_id,
            )
        )
        added.append(alias)
    return added


def aliases_by_ocg(session: Session, ocg_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(nominal id, alias) for every alias of these OCGs' nominals: one query."""
    ids = list(ocg_ids)
    if not ids:
        return []
    rows = session.exec(
        select(NominalAlias.nominal_id, NominalAlias.alias)
        .join(Nominal, col(Nominal.id) == NominalAlias.nominal_id)
        .where(col(Nominal.ocg_id).in_(ids))
    ).all()
    return [(nominal_id, alias) for nominal_id, alias in rows]
