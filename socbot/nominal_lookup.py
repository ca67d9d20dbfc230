"""Finding a nominal from what people type: an id (``12``, ``#12``), a full name, an alias, or
part of either. ``ctx.nominal`` uses it, so every command that names a nominal
(``disrupt ... nominal=``, ``action ... nominal=``, the nominals plugin's own) reads names the
same way and takes an alias wherever it takes a name.

Only the nominals of OCGs the actor may use are searched, so neither an answer nor a list of
candidates betrays a nominal of another OCG. Partners never look nominals up.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from sqlmodel import Session, col, select

from socbot.access import AliasSource, no_aliases
from socbot.model import CommandError
from socbot.parser import record_number
from socbot.store.models import Nominal, Ocg

MAX_LISTED = 8


def key(text: str) -> str:
    """How names and aliases are compared: lower case, spaces collapsed, no leading ``@``."""
    return " ".join(text.strip().lstrip("@").lower().split())


def candidates(
    session: Session,
    query: str,
    ocg_ids: set[int] | None,
    aliases: AliasSource = no_aliases,
) -> list[Nominal]:
    """The nominals ``query`` may mean, among ``ocg_ids`` (``None``: every OCG): the one with
    that id; else those whose full name or an alias is what was typed; else (three letters or
    more) those whose name or an alias contains it."""
    if query.strip().lstrip("#").isdigit():
        number = record_number(query)
        found = session.get(Nominal, number) if number else None
        return [found] if found and (ocg_ids is None or found.ocg_id in ocg_ids) else []
    typed = key(query)
    if not typed or (ocg_ids is not None and not ocg_ids):
        return []
    where = [] if ocg_ids is None else [col(Nominal.ocg_id).in_(ocg_ids)]
    members = list(session.exec(select(Nominal).where(*where).order_by(col(Nominal.id))).all())
    known = {n.id: [key(n.name)] for n in members}
    for nominal_id, alias in aliases(session, sorted({n.ocg_id for n in members})):
        known.get(nominal_id, []).append(key(alias))
    exact = [n for n in members if typed in known[n.id]]
    if exact or len(typed) < 3:
        return exact
    return [n for n in members if any(typed in k for k in known[n.id])]


def find_nominal(
    session: Session,
    query: str,
    *,
    ocg_ids: set[int] | None,
    refs: Sequence[Ocg] = (),
    aliases: AliasSource = no_aliases,
    field: str = "nominal",
) -> Nominal:
    """The one nominal ``query`` names among ``ocg_ids``, or a polite error: several candidates
    are listed; none gives the same reply whether the nominal does not exist or is on an OCG
    the actor may not use. ``refs``: when the search is on one OCG, that OCG (named in replies)."""
    found = candidates(session, query, ocg_ids, aliases)
    shown = " ".join(query.split())[:60]
    one = refs[0] if len(refs) == 1 else None
    if len(found) == 1:
        return found[0]
    if found:
        where = {
            o.id: o.ref
            for o in session.exec(
                select(Ocg).where(col(Ocg.id).in_({n.ocg_id for n in found}))
            ).all()
        }
        listed = "; ".join(
            f"{n.id} {n.name}" + ("" if one else f" ({where.get(n.ocg_id, '?')})")
            for n in found[:MAX_LISTED]
        )
        more = f" and {len(found) - MAX_LISTED} more" if len(found) > MAX_LISTED else ""
        of = f" of {one.ref}" if one else ""
        raise CommandError(
            f"{shown!r} matches {len(found)} nominals{of}: {listed}{more}. Use the full name "
            "or the id.",
            field=field,
        )
    where_ids = [] if ocg_ids is None else [col(Nominal.ocg_id).in_(ocg_ids)]
    names = session.exec(select(Nominal.name).where(*where_ids)).all()
    close = difflib.get_close_matches(shown, list(names), n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    if one is not None:
        message = (
            f"{one.ref} has no nominal {shown!r}.{hint} Give a nominal's name, alias or id as "
            f"recorded on this OCG (`nominals {one.ref}` lists them)."
        )
    else:
        message = (
            f"I can't find a nominal {shown!r} among those you can see.{hint} Give a name, an "
            "alias or the id that `nominals <OCG>` shows."
        )
    raise CommandError(message, field=field)
