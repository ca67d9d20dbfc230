"""Need-to-know: who may do what, on which OCGs, and who sees only a sanitised view.

The matrix below is the single source of truth; ``socbot docs permissions`` prints it into
``docs/permissions.md`` so the docs cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, select

from socbot.db.models import Action, Assignment, Ocg, Person

ANY, OWN = "any", "own"

# permission -> role -> scope. "own": OCGs the person holds a role on (for partners: also an
# action, their own or their agency's; for coordinators: also the OCGs of their area).
MATRIX: dict[str, dict[str, str]] = {
    "help": {
        r: ANY
        for r in (
            "admin",
            "sro",
            "lro",
            "sio",
            "plead",
            "coordinator",
            "analyst",
            "moderator",
            "partner",
        )
    },
    "tactics.read": {
        r: ANY
        for r in (
            "admin",
            "sro",
            "lro",
            "sio",
            "plead",
            "coordinator",
            "analyst",
            "moderator",
            "partner",
        )
    },
    "ocg.read": {
        "admin": ANY,
        "sro": ANY,
        "analyst": ANY,
        "moderator": ANY,
        "lro": OWN,
        "sio": OWN,
        "plead": OWN,
        "coordinator": OWN,
        "partner": OWN,
    },
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
    "audit.read": {"admin": ANY, "sro": ANY, "lro": OWN},
    "admin": {"admin": ANY},
}
POLICE_ROLES = frozenset(
    {"admin", "sro", "lro", "sio", "plead", "coordinator", "analyst", "moderator"}
)


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

    @property
    def partner(self) -> bool:
        """Partners see sanitised views: no nominals, no intelligence, no other agencies' work."""
        return "partner" in self.roles and not (self.roles & POLICE_ROLES - {"coordinator"})

    @property
    def is_system(self) -> bool:
        return self.id is None


SYSTEM = Actor(None, "socbot", "socbot", roles=frozenset({"system"}))


def load_actor(session: Session, person: Person, now: datetime) -> Actor:
    """One query for all the roles a person holds at ``now``."""
    rows = session.exec(
        select(Assignment).where(
            Assignment.person_id == person.id,
            Assignment.started_at <= now,
            or_(Assignment.ended_at.is_(None), Assignment.ended_at > now),  # type: ignore[union-attr]
        )
    ).all()
    ocg_roles: dict[int, set[str]] = {}
    pillars: dict[int, set[str]] = {}
    for row in rows:
        if row.ocg_id is not None:
            ocg_roles.setdefault(row.ocg_id, set()).add(row.role)
            if row.pillar:
                pillars.setdefault(row.ocg_id, set()).add(row.pillar)
    return Actor(
        id=person.id,
        handle=person.handle,
        name=person.name,
        agency=person.agency,
        area=person.area,
        roles=frozenset(r.role for r in rows),
        ocg_roles=ocg_roles,
        pillars=pillars,
    )


def scope(actor: Actor, permission: str) -> str | None:
    """The widest scope any of the actor's roles gives for ``permission``."""
    if actor.is_system:
        return ANY
    grants = MATRIX.get(permission, {})
    scopes = {grants[r] for r in actor.roles if r in grants}
    return ANY if ANY in scopes else (OWN if scopes else None)


def may_run(actor: Actor, permission: str) -> bool:
    return scope(actor, permission) is not None


def owns(session: Session, actor: Actor, ocg: Ocg, permission: str) -> bool:
    """Whether ``ocg`` is one of the actor's own for ``permission`` (roles giving "own")."""
    grants = MATRIX.get(permission, {})
    own_roles = {r for r in actor.roles if grants.get(r) == OWN}
    if own_roles & actor.ocg_roles.get(ocg.id or 0, set()):
        return True
    if "coordinator" in own_roles and actor.area and ocg.area == actor.area:
        return True
    if "partner" in own_roles or "coordinator" in own_roles:
        return _has_action_on(session, actor, ocg)
    return False


def _has_action_on(session: Session, actor: Actor, ocg: Ocg) -> bool:
    mine = or_(Action.owner_id == actor.id, Action.owner_agency == actor.agency)
    found = session.exec(select(Action.id).where(Action.ocg_id == ocg.id, mine).limit(1)).first()
    return found is not None


def can(session: Session, actor: Actor, permission: str, ocg: Ocg) -> bool:
    """May ``actor`` use ``permission`` on this OCG?"""
    reach = scope(actor, permission)
    if reach == ANY:
        return True
    return reach == OWN and owns(session, actor, ocg, permission)


def sanitised(actor: Actor) -> bool:
    return actor.partner


def visible_ocg_ids(session: Session, actor: Actor) -> set[int] | None:
    """OCG ids the actor may read, or ``None`` for all (used to filter lists cheaply)."""
    reach = scope(actor, "ocg.read")
    if reach == ANY:
        return None
    if reach is None:
        return set()
    ids = set(actor.ocg_roles)
    if "coordinator" in actor.roles and actor.area:
        ids |= set(session.exec(select(Ocg.id).where(Ocg.area == actor.area)).all())  # type: ignore[arg-type]
    if actor.roles & {"partner", "coordinator"}:
        mine = or_(Action.owner_id == actor.id, Action.owner_agency == actor.agency)
        ids |= set(session.exec(select(Action.ocg_id).where(mine).distinct()).all())
    return ids


def permission_table() -> str:
    """The matrix as a Markdown table, for ``docs/permissions.md``."""
    roles = [
        "admin",
        "sro",
        "lro",
        "sio",
        "plead",
        "coordinator",
        "analyst",
        "moderator",
        "partner",
    ]
    lines = ["| permission | " + " | ".join(roles) + " |", "|---" * (len(roles) + 1) + "|"]
    for perm, grants in MATRIX.items():
        cells = [grants.get(r, "-") for r in roles]
        lines.append(f"| {perm} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
