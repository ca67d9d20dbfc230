"""Need-to-know: who may do what, on which OCGs, and who sees only a sanitised view.

The matrix below is the single source of truth. Plugins only name a permission on each command;
the core checks it before the handler runs (``Bot.run``) and again on every OCG the handler
resolves (``Context.ocg``). ``socbot docs permissions`` prints the matrix into
``docs/permissions.md`` and a test fails when the two differ.

Scopes: ``any`` reaches every OCG; ``own`` reaches the OCGs the person holds a role on, plus, for
partners, those where they or their agency hold an action, and for coordinators the OCGs of
their area and those where they or their agency hold an action. A role granted on one OCG only
ever reaches that OCG, even where the matrix gives the role ``any``: an analyst attached to one
group is not an analyst for the force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BindParameter, Select, and_, bindparam, func, or_, true
from sqlmodel import Session, col, select

from socbot.store.models import ROLES, Assignment, Identity, Ocg, Person

ANY, OWN = "any", "own"
_EVERYONE = dict.fromkeys(ROLES, ANY)

_OCG_READ = {
    "admin": ANY,
    "sro": ANY,
    "analyst": ANY,
    "moderator": ANY,
    "lro": OWN,
    "sio": OWN,
    "plead": OWN,
    "coordinator": OWN,
    "partner": OWN,
}

# permission -> role -> scope. A role missing from a row may not use the permission at all.
MATRIX: dict[str, dict[str, str]] = {
    "help": dict(_EVERYONE),
    "tactics.read": dict(_EVERYONE),
    "ocg.read": _OCG_READ,
    # the intelligence profile: everyone who reads the OCG, except partners
    "profile.read": {r: s for r, s in _OCG_READ.items() if r != "partner"},
    "ocg.review": {"sro": ANY, "lro": OWN},
    "ocg.admin": {"admin": ANY, "sro": ANY},
    "profile.write": {"sro": ANY, "analyst": ANY, "lro": OWN, "sio": OWN, "plead": OWN},
    "action.create": {"sro": ANY, "lro": OWN, "sio": OWN, "plead": OWN, "coordinator": OWN},
    "action.update": {
        "admin": ANY,
        "sro": ANY,
        "lro": OWN,
        "sio": OWN,
        "plead": OWN,
        "coordinator": OWN,
        "partner": OWN,
    },
    "disruption.record": {
        "sro": ANY,
        "analyst": ANY,
        "lro": OWN,
        "sio": OWN,
        "plead": OWN,
        "coordinator": OWN,
        "partner": OWN,
    },
    "disruption.moderate": {"moderator": ANY},
    "record.sensitive": {"sro": ANY, "lro": OWN, "sio": OWN},
    "audit.read": {"admin": ANY, "sro": ANY, "lro": OWN},
    "admin": {"admin": ANY},
}

# What each permission lets people do, for the generated docs.
PERMISSIONS: dict[str, str] = {
    "help": "see the commands you may run",
    "tactics.read": "browse and search the menu of tactics",
    "ocg.read": "see an OCG (partners: the sanitised view) and its lists",
    "profile.read": "read what is known of an OCG's business, vehicles, lifestyle (police only)",
    "ocg.review": "record a scheduled or trigger review; change band, tier, MoRiLE, P-mech",
    "ocg.admin": "create, rename, close or re-assign OCGs; hand over the LRO role",
    "profile.write": "add what is known of the OCG's business, vehicles, lifestyle...",
    "action.create": "task an action to a person or an agency",
    "action.update": "close, snooze or re-assign an action (partners: only their own)",
    "disruption.record": "log a disruption against an OCG",
    "disruption.moderate": "accept or reject logged disruptions",
    "record.sensitive": "mark an action or disruption sensitive: the OCG's police roles only",
    "audit.read": "read the audit trail of an OCG (`ocg audit`)",
    "admin": "enrol people, link identities, grant and revoke roles, mark channels secure",
}

POLICE_ROLES = frozenset(ROLES) - {"partner"}

if TYPE_CHECKING:
    from socbot_plugins.actions.models import Action


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
_BY_HANDLE = _person_with_roles(_PERSON.c.handle == _KEY)
_BY_IDENTITY = _person_with_roles(
    and_(_IDENT.c.platform == bindparam("platform"), _IDENT.c.external_id == _KEY),
    _IDENT.join(_PERSON, _IDENT.c.person_id == _PERSON.c.id),
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
    session: Session,
    now: datetime,
    *,
    handle: str | None = None,
    identity: tuple[str, str] | None = None,
) -> Actor | None:
    """The person with this handle or platform identity and their roles at ``now``, in one
    query; ``None`` when there is none (an inactive person comes back with ``active`` False)."""
    if identity is not None:
        params = {"platform": identity[0], "key": identity[1], "now": now}
        return _actor(session.execute(_BY_IDENTITY, params).all())
    return _actor(session.execute(_BY_HANDLE, {"key": handle, "now": now}).all())


def scope(actor: Actor, permission: str) -> str | None:
    """The widest scope the actor's roles give for ``permission``: ``any``, ``own`` or None."""
    if actor.is_system:
        return ANY
    grants = MATRIX.get(permission, {})
    if any(grants.get(r) == ANY for r in actor.granting(actor.force_roles)):
        return ANY
    return OWN if any(r in grants for r in actor.granting(actor.roles)) else None


def may_run(actor: Actor, permission: str) -> bool:
    """Whether the actor may run a command needing ``permission`` on at least some OCG."""
    return scope(actor, permission) is not None


def _reach_roles(actor: Actor, grants: dict[str, str]) -> set[str]:
    """Force-wide roles that give ``own`` reach through areas and actions."""
    return {r for r in actor.granting(actor.force_roles) if grants.get(r) == OWN}


def owns(session: Session, actor: Actor, ocg: Ocg, permission: str) -> bool:
    """Whether ``ocg`` is one of the actor's own for ``permission``."""
    grants = MATRIX.get(permission, {})
    if set(grants) & actor.granting(actor.ocg_roles.get(ocg.id or 0)):
        return True
    reach = _reach_roles(actor, grants)
    if "coordinator" in reach and actor.area and ocg.area == actor.area:
        return True
    if reach & {"partner", "coordinator"}:
        return _has_action_on(session, actor, ocg)
    return False


def _mine(actor: Actor):  # type: ignore[no-untyped-def]
    """Actions held by the actor or assigned to their agency; for partners, also those held by
    a colleague of the same agency (the agency is the partner). Police colleagues do not count:
    everyone in the force shares the agency "Police"."""
    from socbot_plugins.actions.models import Action  # moves behind a hook (issue 14)

    agency = func.lower(actor.agency)
    mine = [col(Action.owner_id) == actor.id, func.lower(Action.owner_agency) == agency]
    if sanitised(actor):
        colleagues = select(Person.id).where(func.lower(Person.agency) == agency)
        mine.append(col(Action.owner_id).in_(colleagues))
    return or_(*mine)


def _has_action_on(session: Session, actor: Actor, ocg: Ocg) -> bool:
    from socbot_plugins.actions.models import Action

    found = session.exec(
        select(Action.id).where(Action.ocg_id == ocg.id, _mine(actor)).limit(1)
    ).first()
    return found is not None


def can(session: Session, actor: Actor, permission: str, ocg: Ocg) -> bool:
    """May ``actor`` use ``permission`` on this OCG?"""
    reach = scope(actor, permission)
    if reach == ANY:
        return True
    return reach == OWN and owns(session, actor, ocg, permission)


def sanitised(actor: Actor) -> bool:
    """Replies for this actor must hold no nominal, intelligence or other agency's detail."""
    return actor.partner


def sees_action(session: Session, actor: Actor, action: Action) -> bool:
    """Whether the actor may see this action in detail (on an OCG they can already see).

    Police see every action; a partner sees only their own, their agency's and their agency
    colleagues', and counts of the rest.
    """
    if action.sensitive and not sees_sensitive(actor, action.ocg_id):
        return False
    if not sanitised(actor) or action.owner_id == actor.id:
        return True
    agency = actor.agency.lower()
    if (action.owner_agency or "").lower() == agency:
        return True
    owner = session.get(Person, action.owner_id) if action.owner_id else None
    return owner is not None and owner.agency.lower() == agency


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
    if actor.is_system or (
        not actor.partner and (actor.force_roles or frozenset()) & (OVERSIGHT | also)
    ):
        return true()
    mine = [] if actor.partner else [o for o, r in actor.ocg_roles.items() if r & POLICE_ROLES]
    return or_(sensitive.is_(False), ocg_id.in_(mine)) if mine else sensitive.is_(False)


def may_update_action(session: Session, actor: Actor, action: Action, ocg: Ocg) -> bool:
    """``action.update`` on the OCG, and for partners only on an action that is theirs."""
    return can(session, actor, "action.update", ocg) and sees_action(session, actor, action)


def visible_ocg_ids(
    session: Session, actor: Actor, permission: str = "ocg.read"
) -> set[int] | None:
    """OCG ids the actor may use with ``permission``, or ``None`` for all (to filter lists).

    Agrees with ``can`` for every OCG; a test holds the two together.
    """
    reach = scope(actor, permission)
    if reach == ANY:
        return None
    if reach is None:
        return set()
    grants = MATRIX.get(permission, {})
    ids = {o for o, roles in actor.ocg_roles.items() if actor.granting(roles) & set(grants)}
    via = _reach_roles(actor, grants)
    if "coordinator" in via and actor.area:
        ids |= set(session.exec(select(Ocg.id).where(Ocg.area == actor.area)).all())  # type: ignore[arg-type]
    if via & {"partner", "coordinator"}:
        from socbot_plugins.actions.models import Action

        ids |= set(session.exec(select(Action.ocg_id).where(_mine(actor)).distinct()).all())
    return ids


def permission_table() -> str:
    """The matrix as a Markdown table, for ``docs/permissions.md``."""
    head = "| permission | " + " | ".join(ROLES) + " | lets you |"
    lines = [head, "|---" * (len(ROLES) + 2) + "|"]
    for perm, grants in MATRIX.items():
        cells = [grants.get(r, "-") for r in ROLES]
        lines.append(f"| `{perm}` | " + " | ".join(cells) + f" | {PERMISSIONS.get(perm, '')} |")
    return "\n".join(lines)
