"""Finding an OCG from what people type: ``OCG-0042``, ``0042``, ``42``, a name, an alias or a
unique prefix. An OCG the actor may not see is answered exactly like one that does not exist.
"""

from __future__ import annotations

import re

from sqlalchemy import func, or_
from sqlmodel import Session, select

from socbot import access
from socbot.access import Actor
from socbot.db.models import Ocg, OcgAlias
from socbot.model import CommandError

_REF = re.compile(r"^#?(?:ocg-?)?0*(\d{1,6})$", re.I)


def ref_for(number: int) -> str:
    return f"OCG-{number:04d}"


def key(text: str) -> str:
    return " ".join(text.lower().split())


def not_found(query: str) -> CommandError:
    return CommandError(
        f"I can't find an OCG matching {query!r} among those you can see. "
        "Check the spelling or the reference (OCG-0042), or run `ocg list`.",
        field="ocg",
    )


def candidates(session: Session, query: str, limit: int = 20) -> list[Ocg]:
    """Best matches first: reference, exact name or alias, then prefix, then a word inside."""
    q = key(query)
    if not q:
        return []
    ref = _REF.match(q)
    if ref:
        found = session.exec(select(Ocg).where(Ocg.ref == ref_for(int(ref.group(1))))).first()
        if found:
            return [found]
    alias_ids = select(OcgAlias.ocg_id).where(OcgAlias.alias_key == q)
    exact = session.exec(
        select(Ocg).where(or_(Ocg.name_key == q, Ocg.id.in_(alias_ids)))  # type: ignore[union-attr]
    ).all()
    if exact:
        return list(exact)
    pattern = q.replace("\\", "").replace("%", "").replace("_", "") + "%"
    alias_prefix = select(OcgAlias.ocg_id).where(OcgAlias.alias_key.like(pattern))  # type: ignore[attr-defined]
    prefix = session.exec(
        select(Ocg)
        .where(or_(Ocg.name_key.like(pattern), Ocg.id.in_(alias_prefix)))  # type: ignore[attr-defined,union-attr]
        .order_by(Ocg.band, Ocg.ref)
        .limit(limit)
    ).all()
    if prefix:
        return list(prefix)
    inside = session.exec(
        select(Ocg)
        .where(func.lower(Ocg.name).like("% " + pattern))
        .order_by(Ocg.band, Ocg.ref)
        .limit(limit)
    ).all()
    return list(inside)


def display_name(ocg: Ocg, actor: Actor) -> str:
    """Partners see the partner-safe name, never the intelligence name."""
    if access.sanitised(actor):
        return ocg.partner_name or f"Group {ocg.ref}"
    return ocg.name


def find_ocg(session: Session, actor: Actor, query: str, permission: str = "ocg.read") -> Ocg:
    """The one OCG ``query`` names that ``actor`` may use with ``permission``, or a polite error."""
    found = [o for o in candidates(session, query) if access.can(session, actor, "ocg.read", o)]
    if not found:
        raise not_found(query)
    if len(found) > 1:
        listed = "; ".join(f"{o.ref} {display_name(o, actor)}" for o in found[:8])
        more = f" and {len(found) - 8} more" if len(found) > 8 else ""
        raise CommandError(
            f"{query!r} matches {len(found)} OCGs: {listed}{more}. Use the reference, e.g. "
            f"`{found[0].ref}`.",
            field="ocg",
        )
    ocg = found[0]
    if permission != "ocg.read" and not access.can(session, actor, permission, ocg):
        raise access_refused(permission, ocg)
    return ocg


def access_refused(permission: str, ocg: Ocg) -> CommandError:
    from socbot.model import NotAllowed

    who = ", ".join(sorted(access.MATRIX.get(permission, {}))) or "an administrator"
    return NotAllowed(
        f"You can see {ocg.ref} but not do that on it: it needs one of these roles on the OCG: "
        f"{who}. Ask the OCG's LRO or your SOC coordinator if you should have it."
    )
