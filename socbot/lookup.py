"""Finding an OCG from what people type: ``OCG-0042``, ``0042``, ``42``, a name, an alias or a
unique prefix. An OCG the actor may not see is answered exactly like one that does not exist,
and the search runs only over OCGs the actor may see, so neither the reply nor a list of
candidates betrays that one exists. Partners find OCGs by reference or partner-safe name only:
matching on the intelligence name or an alias would confirm what the group is called.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any, Protocol

from sqlalchemy import BindParameter, Connection, and_, bindparam, func, union
from sqlmodel import Session, col, select

from socbot import access
from socbot.access import Actor
from socbot.model import CommandError
from socbot.prepared import Prepared
from socbot.store.models import Ocg, OcgAlias

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


# Sorts after every character, so ``stem <= k < stem + _LAST`` holds exactly the keys that start
# with ``stem``: a range the name_key and alias_key indexes answer (LIKE 'stem%' cannot use them:
# SQLite's LIKE ignores case, PostgreSQL's needs a C collation).
_LAST = "\U0010ffff"


class OcgRow(Protocol):
    """An OCG read as plain columns (``find_ocg_row``): what a read shows, without the ORM."""

    @property
    def id(self) -> int | None: ...
    @property
    def ref(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def partner_name(self) -> str | None: ...
    @property
    def band(self) -> str: ...
    @property
    def morile(self) -> float | None: ...
    @property
    def morile_date(self) -> date | None: ...
    @property
    def pmech(self) -> str | None: ...
    @property
    def tier(self) -> int: ...
    @property
    def phase(self) -> str: ...
    @property
    def area(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def last_review_on(self) -> date | None: ...
    @property
    def next_review_due(self) -> date: ...


_COLUMNS = tuple(Ocg.__table__.c)  # type: ignore[attr-defined]


@functools.cache
def _steps(sanitised: bool, filtered: bool, plain: bool = False) -> tuple[Any, ...]:
    """The four searches (reference, exact, prefix, word inside), built once per shape with bound
    parameters: building an ORM statement costs more than running it on a cached store. ``plain``:
    the columns, run as ``Prepared`` statements (no ORM object, no identity map)."""
    names = ("q", "stem", "hi", "like", "word")
    params: list[BindParameter[str]] = [bindparam(n) for n in names]
    q, stem, hi, like, word = params

    def ocgs(where: Any, *order: Any) -> Any:
        stmt = (select(*_COLUMNS) if plain else select(Ocg)).where(where)
        if filtered:
            stmt = stmt.where(col(Ocg.id).in_(bindparam("ids", expanding=True)))
        stmt = stmt.order_by(*order).limit(bindparam("limit"))
        return Prepared(stmt) if plain else stmt

    def starts(column: Any) -> Any:
        return and_(column >= stem, column < hi, column.like(like))

    ref = ocgs(Ocg.ref == q, Ocg.ref)
    if sanitised:
        safe_name = func.lower(Ocg.partner_name)
        return (
            ref,
            ocgs(safe_name == q, Ocg.ref),
            ocgs(safe_name.like(like), Ocg.band, Ocg.ref),
            ocgs(safe_name.like(word), Ocg.band, Ocg.ref),
        )
    # One UNION of two index lookups: an OR across the two tables makes PostgreSQL scan every OCG.
    name_key, alias_key = col(Ocg.name_key), col(OcgAlias.alias_key)
    exact: Any = union(
        select(Ocg.id).where(name_key == q), select(OcgAlias.ocg_id).where(alias_key == q)
    )
    prefix: Any = union(
        select(Ocg.id).where(starts(name_key)), select(OcgAlias.ocg_id).where(starts(alias_key))
    )
    return (
        ref,
        ocgs(col(Ocg.id).in_(exact), Ocg.ref),
        ocgs(col(Ocg.id).in_(prefix), Ocg.band, Ocg.ref),
        ocgs(func.lower(Ocg.name).like(word), Ocg.band, Ocg.ref),
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

    def run(stmt: Any, params: dict[str, Any]) -> list[Ocg]:
        return list(session.exec(stmt, params=params).all())

    return _search(run, False, query, limit, visible, sanitised)


def _search(
    run: Any, plain: bool, query: str, limit: int, visible: set[int] | None, sanitised: bool
) -> list[Any]:
    q = key(query)
    if not q or (visible is not None and not visible):
        return []
    by_ref = _steps(sanitised, False, plain)[0]
    _, exact, prefix, inside = _steps(sanitised, visible is not None, plain)
    ref = _REF.match(q)
    if ref:  # one OCG at most: checked against ``visible`` here, not by an IN list in the SQL
        params: dict[str, Any] = {"limit": 1, "q": ref_for(int(ref.group(1)))}
        found = run(by_ref, params)
        if found and (visible is None or found[0].id in visible):
            return found[:1]
    params = {"limit": limit}
    if visible is not None:
        params["ids"] = list(visible)
    matched = run(exact, {**params, "q": q})
    if matched:
        return matched
    stem = q.replace("\\", "").replace("%", "").replace("_", "")
    if not stem:
        return []
    params.update(stem=stem, hi=stem + _LAST, like=stem + "%", word="% " + stem + "%")
    return run(prefix, params) or run(inside, params)


def display_name(ocg: Ocg | OcgRow, actor: Actor) -> str:
    """Partners see the partner-safe name, never the intelligence name."""
    if access.sanitised(actor):
        return ocg.partner_name or f"Group {ocg.ref}"
    return ocg.name


def find_ocg(
    session: Session, actor: Actor, query: str, permission: str, acl: access.Access
) -> Ocg:
    """The one OCG ``query`` names that ``actor`` may use with ``permission``, or a polite error.

    Not visible and not existing give the same reply; visible but lacking ``permission`` says so
    (the actor already knows the OCG exists).
    """
    found: Ocg = _find(session, actor, query, permission, acl)
    return found


def find_ocg_row(
    session: Session,
    actor: Actor,
    query: str,
    permission: str,
    acl: access.Access,
    connection: Connection | None = None,
) -> OcgRow:
    """``find_ocg`` for a read: the same search, checks and replies, the OCG as plain columns
    (loading the ORM object cost a tenth of ``status``), on ``connection`` when given (the
    session's transaction, without beginning the session)."""
    conn = connection if connection is not None else session.connection()
    found: OcgRow = _find(session, actor, query, permission, acl, conn=conn)
    return found


def _find(
    session: Session,
    actor: Actor,
    query: str,
    permission: str,
    acl: access.Access,
    conn: Connection | None = None,
) -> Any:
    """Plain columns on ``conn`` when given, else ORM objects."""
    visible = acl.visible_ocg_ids(session, actor)
    sanitised = access.sanitised(actor)
    if conn is not None:
        found = _search(
            lambda stmt, params: stmt.all(conn, params), True, query, 20, visible, sanitised
        )
    else:
        found = candidates(session, query, visible=visible, sanitised=sanitised)
    # Belt and braces: the id filter above and ``can`` are two routes to the same answer.
    found = [o for o in found if acl.can(session, actor, "ocg.read", o)]
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
    if permission != "ocg.read" and not acl.can(session, actor, permission, ocg):
        raise access_refused(permission, ocg, acl)
    return ocg


def access_refused(permission: str, ocg: Ocg | OcgRow, acl: access.Access) -> CommandError:
    from socbot.model import NotAllowed

    who = acl.who(permission)
    return NotAllowed(
        f"You can see {ocg.ref} but not do that on it: it needs one of these roles on the OCG: "
        f"{who}. Ask the OCG's LRO or your SOC coordinator if you should have it."
    )
