"""Finding an OCG from what people type: ``OCG-0042``, ``0042``, ``42``, a name, an alias or a
unique prefix. An OCG the actor may not see is answered exactly like one that does not exist,
and the search runs only over OCGs the actor may see, so neither the reply nor a list of
candidates betrays that one exists. Partners find OCGs by reference or partner-safe name only:
matching on the intelligence name or an alias would confirm what the group is called.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

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
    """The one reply for "no such OCG" and "not yours to see": nothing in it depends on which."""
    shown = " ".join(query.split())[:60]
    return CommandError(
        f"I can't find an OCG matching {shown!r} among those you can see. "
        "Check the spelling or the reference (OCG-0042), or run `ocg list`.",
        field="ocg",
    )


def candidates(
    session: Session,
    query: str,
    limit: int = 20,
    *,
    visible: set[int] | None = None,
    sanitised: bool = False,
) -> list[Ocg]:
    """Best matches first: reference, exact name or alias, then prefix, then a word inside.

    ``visible`` (ids, ``None`` for all) bounds the search before the limit applies, so OCGs the
    caller may not see never crowd out one they may. ``sanitised`` matches the partner-safe
    name instead of the intelligence name and aliases.
    """
    q = key(query)
    if not q or (visible is not None and not visible):
        return []

    def seen(stmt):  # type: ignore[no-untyped-def]
        return stmt if visible is None else stmt.where(Ocg.id.in_(visible))  # type: ignore[union-attr]

    ref = _REF.match(q)
    if ref:
        found = session.exec(seen(select(Ocg).where(Ocg.ref == ref_for(int(ref.group(1)))))).first()
        if found:
            return [found]
    safe_name = func.lower(Ocg.partner_name)
    name_is: ColumnElement[bool]
    if sanitised:
        name_is, name_like = safe_name == q, safe_name.like
    else:
        alias_ids = select(OcgAlias.ocg_id).where(OcgAlias.alias_key == q)
        name_is = or_(col(Ocg.name_key) == q, col(Ocg.id).in_(alias_ids))
        name_like = col(Ocg.name_key).like
    exact = session.exec(seen(select(Ocg).where(name_is)).order_by(Ocg.ref).limit(limit)).all()
    if exact:
        return list(exact)
    pattern = q.replace("\\", "").replace("%", "").replace("_", "") + "%"
    if not pattern.strip("%"):
        return []
    starts: ColumnElement[bool] = name_like(pattern)
    if not sanitised:
        alias_prefix = select(OcgAlias.ocg_id).where(col(OcgAlias.alias_key).like(pattern))
        starts = or_(starts, col(Ocg.id).in_(alias_prefix))
    prefix = session.exec(
        seen(select(Ocg).where(starts)).order_by(Ocg.band, Ocg.ref).limit(limit)
    ).all()
    if prefix:
        return list(prefix)
    word = (safe_name if sanitised else func.lower(Ocg.name)).like("% " + pattern)
    inside = session.exec(
        seen(select(Ocg).where(word)).order_by(Ocg.band, Ocg.ref).limit(limit)
    ).all()
    return list(inside)


def display_name(ocg: Ocg, actor: Actor) -> str:
    """Partners see the partner-safe name, never the intelligence name."""
    if access.sanitised(actor):
        return ocg.partner_name or f"Group {ocg.ref}"
    return ocg.name


def find_ocg(session: Session, actor: Actor, query: str, permission: str = "ocg.read") -> Ocg:
    """The one OCG ``query`` names that ``actor`` may use with ``permission``, or a polite error.

    Not visible and not existing give the same reply; visible but lacking ``permission`` says so
    (the actor already knows the OCG exists).
    """
    visible = access.visible_ocg_ids(session, actor)
    found = candidates(session, query, visible=visible, sanitised=access.sanitised(actor))
    # Belt and braces: the id filter above and ``can`` are two routes to the same answer.
    found = [o for o in found if access.can(session, actor, "ocg.read", o)]
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
