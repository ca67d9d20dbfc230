"""Need-to-know: who may do what, on which OCGs, and who sees only a sanitised view.

Permissions are not listed here: every plugin registers the ones its commands name
(``register_permissions``; the core's own come from ``socbot.permissions``) and the bot keeps
them in an ``Access`` built at start, so bots with different plugins never share grants. The
rules that hold whatever a plugin grants live here: being a partner caps every role
(``Actor.granting``), a role held on one OCG reaches only that OCG, and sensitive records are
for the OCG's police roles. ``socbot docs permissions`` prints the registered permissions into
``docs/permissions.md`` and a test fails when the two differ.

Scopes: ``any`` reaches every OCG; ``own`` reaches the OCGs the person holds a role on, plus, for
coordinators, the OCGs of their area, and for partners and coordinators the OCGs plugins say
they reach through their records (``ocg_reach``: e.g. an action they or their agency hold). A
role granted on one OCG only ever reaches that OCG, even where a permission gives the role
``any``: an analyst attached to one group is not an analyst for the force.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Connection, Select, and_, bindparam, or_, true
from sqlmodel import Session, select

from socbot.prepared import Prepared
from socbot.store.models import ROLES, Assignment, Identity, Ocg, Person

ANY, OWN = "any", "own"
# Roles whose ``own`` reach also runs through records they hold (an action tasked to them or
# their agency), as plugins report them through the ``ocg_reach`` hook.
THROUGH_RECORDS = frozenset({"partner", "coordinator"})

POLICE_ROLES = frozenset(ROLES) - {"partner"}


@dataclass(frozen=True)
class Permission:
    """A permission: what it lets people do, and each role's reach (``any`` OCG or ``own``).

    ``grants`` maps a role (``socbot.ROLES``) to ``"any"`` or ``"own"``; a role left out may not
    use the permission. ``plugin`` is filled in by the core with the registering plugin's name.
    """

    name: str
    description: str
    grants: dict[str, str] = field(default_factory=dict)
    plugin: str = ""


@dataclass
class Actor:
    """The person behind a command, with the roles they hold now."""

    id: int | None
    handle: str
    name: str
    agency: str = "Police"
    area: str | None = None
    roles: frozenset[str] = frozenset()  # force-wide roles and every role held on some OCG
    ocg_roles: dict[int, set[str]] = field(default_factory=dict)
    pillars: dict[int, set[str]] = field(default_factory=dict)  # P lead pillars per OCG
    force_roles: frozenset[str] | None = None  # roles held force-wide; None: same as ``roles``
    active: bool = True  # False: left socbot; the core refuses them

    def __post_init__(self) -> None:
        if self.force_roles is None:
            self.force_roles = self.roles

    @property
    def partner(self) -> bool:
        """Anyone holding the partner role sees sanitised views everywhere, whatever else they
        hold: a council officer who leads Prevent on one OCG is still not cleared for names."""
        return "partner" in self.roles

    def granting(self, roles: frozenset[str] | set[str] | None) -> set[str]:
        """The roles among ``roles`` whose grants count. Being a partner caps every other role:
        a council officer imported as partner + coordinator gets what a partner gets, never a
        police-only read, however the roles were combined."""
        held = set(roles or ())
        return held & {"partner"} if self.partner else held

    @property
    def is_system(self) -> bool:
        return self.id is None and "system" in self.roles


SYSTEM = Actor(None, "socbot", "socbot", roles=frozenset({"system"}))


_PERSON = Person.__table__  # type: ignore[attr-defined]
_HELD = Assignment.__table__  # type: ignore[attr-defined]
_IDENT = Identity.__table__  # type: ignore[attr-defined]
_NOW = bindparam("now", type_=_HELD.c.started_at.type)
_KEY: BindParameter[Any] = bindparam("key")


def _person_with_roles(where: Any, joined: Any = _PERSON) -> Select:  # type: ignore[type-arg]
    """A person and every role they hold at ``:now`` (one row each, or one row of nulls)."""
    held_now = and_(
        _HELD.c.person_id == _PERSON.c.id,
        _HELD.c.started_at <= _NOW,
        or_(_HELD.c.ended_at.is_(None), _HELD.c.ended_at > _NOW),
    )
    return (
        select(  # type: ignore[call-overload]
            _PERSON.c.id,
            _PERSON.c.handle,
            _PERSON.c.name,
            _PERSON.c.agency,
            _PERSON.c.area,
            _PERSON.c.active,
            _HELD.c.role,
            _HELD.c.ocg_id,
            _HELD.c.pillar,
        )
        .select_from(joined.outerjoin(_HELD, held_now))
        .where(where)
    )


# Built once: every command looks its person up, and building statements costs more than
# running them on a cached store.
_BY_ID = _person_with_roles(_PERSON.c.id == _KEY)
_BY_HANDLE = Prepared(_person_with_roles(_PERSON.c.handle == _KEY))
_BY_IDENTITY = Prepared(
    _person_with_roles(
        and_(_IDENT.c.platform == bindparam("platform"), _IDENT.c.external_id == _KEY),
        _IDENT.join(_PERSON, _IDENT.c.person_id == _PERSON.c.id),
    )
)


def _actor(rows: Sequence[Any]) -> Actor | None:
    """The actor from ``_person_with_roles`` rows (one pass: an SRO's rows run to hundreds)."""
    if not rows:
        return None
    roles: set[str] = set()
    force_roles: set[str] = set()
    ocg_roles: dict[int, set[str]] = {}
    pillars: dict[int, set[str]] = {}
    for *_, role, ocg_id, pillar in rows:
        if role is None:  # the outer join's one row for a person holding nothing
            continue
        roles.add(role)
        if ocg_id is None:
            force_roles.add(role)
            continue
        ocg_roles.setdefault(ocg_id, set()).add(role)
        if pillar:
            pillars.setdefault(ocg_id, set()).add(pillar)
    person = rows[0]
    return Actor(
        id=person.id,
        handle=person.handle,
        name=person.name,
        agency=person.agency,
        area=person.area,
        roles=frozenset(roles),
        ocg_roles=ocg_roles,
        pillars=pillars,
        force_roles=frozenset(force_roles),
        active=person.active,
    )


def load_actor(session: Session, person: Person, now: datetime) -> Actor:
    """One query for all the roles a person holds at ``now`` (started, not yet ended)."""
    found = _actor(session.execute(_BY_ID, {"key": person.id, "now": now}).all())
    return found or Actor(person.id, person.handle, person.name, person.agency, person.area)


def find_actor(
    session: Session | Connection,
    now: datetime,
    *,
    handle: str | None = None,
    identity: tuple[str, str] | None = None,
) -> Actor | None:
    """The person with this handle or platform identity and their roles at ``now``, in one
    query; ``None`` when there is none (an inactive person comes back with ``active`` False)."""
    # Core, not the ORM's execute: nothing here is an ORM entity
    conn = session if isinstance(session, Connection) else session.connection()
    if identity is not None:
        params = {"platform": identity[0], "key": identity[1], "now": now}
        return _actor(_BY_IDENTITY.all(conn, params))
    return _actor(_BY_HANDLE.all(conn, {"key": handle, "now": now}))


def sanitised(actor: Actor) -> bool:
    """Replies for this actor must hold no nominal, intelligence or other agency's detail."""
    return actor.partner


OVERSIGHT = frozenset({"sro", "admin"})


def sees_sensitive(actor: Actor, ocg_id: int, also: frozenset[str] = frozenset()) -> bool:
    """Sensitive records (covert work, deconfliction) are for the OCG's police roles: those
    holding a police role on it, the SRO and admins (and ``also``, e.g. moderators, for the
    records they must decide). Never a partner, whatever else they hold."""
    if actor.is_system:
        return True
    if actor.partner:
        return False
    if (actor.force_roles or frozenset()) & (OVERSIGHT | also):
        return True
    return bool(actor.ocg_roles.get(ocg_id, set()) & POLICE_ROLES)


def sensitive_visible(
    actor: Actor, sensitive: Any, ocg_id: Any, also: frozenset[str] = frozenset()
) -> Any:
    """SQL for "not sensitive, or on an OCG where the actor sees sensitive records": every
    list, count, nudge and digest of actions and disruptions filters with it."""
    if _sees_all_sensitive(actor, also):
        return true()
    mine = [] if actor.partner else [o for o, r in actor.ocg_roles.items() if r & POLICE_ROLES]
    return or_(sensitive.is_(False), ocg_id.in_(mine)) if mine else sensitive.is_(False)


def _sees_all_sensitive(actor: Actor, also: frozenset[str] = frozenset()) -> bool:
    return actor.is_system or bool(
        not actor.partner and (actor.force_roles or frozenset()) & (OVERSIGHT | also)
    )


def sees_sensitive_on(actor: Actor, ocg_id: int | None) -> bool:
    """``sensitive_visible`` for one OCG, as a plain answer: a prebuilt statement about a single
    OCG binds it as a parameter instead of building the expression on every call."""
    if _sees_all_sensitive(actor):
        return True
    return not actor.partner and bool(actor.ocg_roles.get(ocg_id or 0, set()) & POLICE_ROLES)


def _no_reach(**_: Any) -> list[Iterable[int]]:
    return []


# (session, OCG ids) -> (nominal id, alias) for those OCGs' nominals: the ``nominal_aliases`` hook
AliasSource = Callable[[Session, Sequence[int]], Iterable[tuple[int, str]]]


def no_aliases(session: Session, ocg_ids: Sequence[int]) -> Iterable[tuple[int, str]]:
    return ()


class UnknownPermission(LookupError):
    """A check named a permission that no plugin registers (``register_permissions``)."""


@dataclass(frozen=True)
class Access:
    """One bot's permissions and the plugins' ``ocg_reach`` hook: everything ``can`` needs; and
    nominals' aliases kept by plugins (``nominal_aliases``), which partners never read."""

    permissions: Mapping[str, Permission]
    reach: Callable[..., list[Iterable[int]]] = _no_reach  # pm.hook.ocg_reach
    aliases: AliasSource = no_aliases
    # (system?, roles, force-wide roles, permission) -> scope: ``help`` asks it of every command,
    # each command of its own and its buttons'; the permissions are fixed when the bot starts.
    _scopes: dict[tuple[bool, frozenset[str], frozenset[str] | None, str], str | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def grants(self, permission: str) -> dict[str, str]:
        """Role -> scope for ``permission``; a role missing may not use it at all.

        A permission no plugin registers is a programming error (a typo would otherwise refuse
        everyone quietly): ``UnknownPermission``, not a refusal.
        """
        found = self.permissions.get(permission)
        if found is None:
            known = ", ".join(sorted(self.permissions)) or "none"
            raise UnknownPermission(
                f"no plugin registers permission {permission!r} (registered: {known})"
            )
        return found.grants

    def scope(self, actor: Actor, permission: str) -> str | None:
        """The widest scope the actor's roles give for ``permission``: ``any``, ``own`` or None."""
        key = (actor.id is None, actor.roles, actor.force_roles, permission)
        try:
            return self._scopes[key]
        except KeyError:
            found = self._scopes[key] = self._scope(actor, permission)
            return found
        except TypeError:  # roles given as a plain set (tests build actors so): not kept
            return self._scope(actor, permission)

    def _scope(self, actor: Actor, permission: str) -> str | None:
        grants = self.grants(permission)
        if actor.is_system:
            return ANY
        if any(grants.get(r) == ANY for r in actor.granting(actor.force_roles)):
            return ANY
        return OWN if any(r in grants for r in actor.granting(actor.roles)) else None

    def may_run(self, actor: Actor, permission: str) -> bool:
        """Whether the actor may run a command needing ``permission`` on at least some OCG."""
        return self.scope(actor, permission) is not None

    def can(self, session: Session, actor: Actor, permission: str, ocg: Ocg) -> bool:
        """May ``actor`` use ``permission`` on this OCG?"""
        reach = self.scope(actor, permission)
        if reach == ANY:
            return True
        return reach == OWN and self.owns(session, actor, ocg, permission)

    def owns(self, session: Session, actor: Actor, ocg: Ocg, permission: str) -> bool:
        """Whether ``ocg`` is one of the actor's own for ``permission``."""
        grants = self.grants(permission)
        if set(grants) & actor.granting(actor.ocg_roles.get(ocg.id or 0)):
            return True
        via = _reach_roles(actor, grants)
        if "coordinator" in via and actor.area and ocg.area == actor.area:
            return True
        return bool(via & THROUGH_RECORDS) and ocg.id in self.reached(session, actor)

    def reached(self, session: Session, actor: Actor) -> set[int]:
        """OCG ids every plugin says the actor reaches through its records (``ocg_reach``)."""
        return {i for ids in self.reach(session=session, actor=actor) for i in ids or ()}

    def visible_ocg_ids(
        self, session: Session, actor: Actor, permission: str = "ocg.read"
    ) -> set[int] | None:
        """OCG ids the actor may use with ``permission``, or ``None`` for all (to filter lists).

        Agrees with ``can`` for every OCG; a test holds the two together.
        """
        reach = self.scope(actor, permission)
        if reach == ANY:
            return None
        if reach is None:
            return set()
        grants = self.grants(permission)
        ids = {o for o, roles in actor.ocg_roles.items() if actor.granting(roles) & set(grants)}
        via = _reach_roles(actor, grants)
        if "coordinator" in via and actor.area:
            ids |= set(session.exec(select(Ocg.id).where(Ocg.area == actor.area)).all())  # type: ignore[arg-type]
        if via & THROUGH_RECORDS:
            ids |= self.reached(session, actor)
        return ids

    def who(self, permission: str) -> str:
        """The roles that may use ``permission``, for a refusal that says whom to ask."""
        return ", ".join(sorted(self.grants(permission))) or "an administrator"

    def table(self) -> str:
        """The registered permissions as a Markdown table, for ``docs/permissions.md``."""
        head = "| permission | " + " | ".join(ROLES) + " | plugin | lets you |"
        lines = [head, "|---" * (len(ROLES) + 3) + "|"]
        for name, perm in self.permissions.items():
            cells = [perm.grants.get(r, "-") for r in ROLES]
            row = " | ".join(cells)
            lines.append(f"| `{name}` | {row} | {_short(perm.plugin)} | {perm.description} |")
        return "\n".join(lines)


def _reach_roles(actor: Actor, grants: dict[str, str]) -> set[str]:
    """Force-wide roles that give ``own`` reach through areas and records."""
    return {r for r in actor.granting(actor.force_roles) if grants.get(r) == OWN}


def _short(plugin: str) -> str:
    """``core`` for the core's own, ``actions`` for ``socbot_plugins.actions``."""
    return "core" if plugin.startswith("socbot.") else plugin.removeprefix("socbot_plugins.")
