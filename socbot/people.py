"""Enrolling people, linking their chat identities, granting and ending roles.

Used by the CLI (before any chat platform is connected) and by the admin chat commands. Callers
own the transaction and the audit row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from socbot.model import CommandError
from socbot.store.models import PILLARS, ROLES, Assignment, Identity, Ocg, Person

_HANDLE = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
PLATFORMS = ("slack", "teams")


def held_at(now: datetime) -> ColumnElement[bool]:
    """Assignments not yet ended at ``now`` (a hand-over ends one row and starts another)."""
    return or_(col(Assignment.ended_at).is_(None), col(Assignment.ended_at) > now)


def partners_among(session: Session, ids: Iterable[int], now: datetime) -> set[int]:
    """Which of these people hold the partner role at ``now`` (one query, any number)."""
    wanted = set(ids)
    if not wanted:
        return set()
    query = select(Assignment.person_id).where(
        Assignment.role == "partner",
        col(Assignment.person_id).in_(wanted),
        col(Assignment.started_at) <= now,
        held_at(now),
    )
    return set(session.exec(query).all())


def clean_handle(handle: str) -> str:
    handle = handle.strip().lstrip("@").lower()
    if not _HANDLE.match(handle):
        raise CommandError(
            f"{handle!r} isn't a usable handle: 2-40 characters, starting with a letter, using "
            "letters, digits, dots, dashes or underscores (e.g. `jsmith`)."
        )
    return handle


def check_role(role: str) -> str:
    role = role.strip().lower().replace(" ", "").replace("-", "")
    role = {"plead": "plead", "p_lead": "plead"}.get(role, role)
    if role not in ROLES:
        raise CommandError(f"{role!r} isn't a role. Roles are: {', '.join(ROLES)}.", field="role")
    return role


def upsert_person(
    session: Session,
    *,
    handle: str,
    name: str,
    agency: str,
    now: datetime,
    email: str | None = None,
    area: str | None = None,
    roles: tuple[str, ...] = (),
    by_id: int | None = None,
) -> tuple[Person, bool]:
    """Create or update a person and make sure they hold ``roles`` force-wide. (person, created)."""
    handle = clean_handle(handle)
    checked = [check_role(r) for r in roles]
    if not name.strip():
        raise CommandError('A person needs a name (e.g. --name "Jo Smith").')
    email = email.strip().lower() if email else None
    if email and "@" not in email:
        raise CommandError(f"{email!r} doesn't look like an email address.")
    person = session.exec(select(Person).where(Person.handle == handle)).first()
    created = person is None
    if person is None:
        person = Person(
            handle=handle,
            name=name.strip(),
            agency=agency.strip() or "Police",
            email=email,
            area=area,
            created_at=now,
        )
    else:
        person.name, person.agency = name.strip(), agency.strip() or person.agency
        person.email = email or person.email
        person.area = area or person.area
        person.active = True
    session.add(person)
    session.flush()
    for role in checked:
        grant(session, person=person, role=role, now=now, by_id=by_id)
    return person, created


def current(
    session: Session, person: Person, role: str, ocg: Ocg | None, pillar: str | None, now: datetime
) -> Assignment | None:
    query = select(Assignment).where(
        Assignment.person_id == person.id,
        Assignment.role == role,
        col(Assignment.ocg_id) == ocg.id if ocg else col(Assignment.ocg_id).is_(None),
        held_at(now),
    )
    if pillar:
        query = query.where(Assignment.pillar == pillar)
    return session.exec(query).first()


def grant(
    session: Session,
    *,
    person: Person,
    role: str,
    now: datetime,
    ocg: Ocg | None = None,
    pillar: str | None = None,
    until: datetime | None = None,
    by_id: int | None = None,
    start: datetime | None = None,
) -> Assignment:
    """Give ``person`` a role (force-wide, or on ``ocg``) from ``start`` (default now) until
    ``until`` (default open-ended); if they already hold it, only its end moves."""
    role = check_role(role)
    _no_partner_lead(session, person, role, now)
    if pillar is not None and pillar not in PILLARS:
        raise CommandError(f"{pillar!r} isn't a pillar: {', '.join(PILLARS)}.", field="pillar")
    start = start or now
    if until is not None and until <= start:
        raise CommandError("A role must end after it starts.", field="until")
    existing = current(session, person, role, ocg, pillar, now)
    if existing:
        if until:
            existing.ended_at = until
            session.add(existing)
        return existing
    row = Assignment(
        person_id=person.id or 0,
        role=role,
        ocg_id=ocg.id if ocg else None,
        pillar=pillar,
        started_at=start,
        ended_at=until,
        granted_by_id=by_id,
    )
    session.add(row)
    session.flush()
    return row


def revoke(
    session: Session,
    *,
    person: Person,
    role: str,
    now: datetime,
    ocg: Ocg | None = None,
    pillar: str | None = None,
) -> Assignment:
    """End a role now; the row stays, so who held it when is kept."""
    role = check_role(role)
    existing = current(session, person, role, ocg, pillar, now)
    if existing is None:
        where = f" on {ocg.ref}" if ocg else ""
        raise CommandError(f"@{person.handle} doesn't hold the {role} role{where}.")
    existing.ended_at = now
    session.add(existing)
    return existing


LEADS = ("lro", "sro", "sio")


def _no_partner_lead(session: Session, person: Person, role: str, now: datetime) -> None:
    """A partner never leads an OCG (LRO, SRO, SIO), and a lead is never made a partner: a
    partner only ever sees the partner view, and a lead is sent everything on their OCGs. Checked
    here so that chat, the CLI and imports all refuse it."""
    held = {
        r
        for (r,) in session.execute(
            select(Assignment.role).where(Assignment.person_id == person.id, held_at(now))
        ).all()
    }
    clash = (role in LEADS and "partner" in held) or (role == "partner" and held & set(LEADS))
    if clash:
        raise CommandError(
            f"@{person.handle} can't be both a partner and an OCG's LRO, SRO or SIO: a partner "
            "only ever sees the partner view. Name a police officer as the lead, or make the "
            "partner a P lead or give them actions instead.",
            field="person",
        )


def hand_over(
    session: Session,
    *,
    ocg: Ocg,
    role: str,
    to: Person,
    now: datetime,
    pillar: str | None = None,
    by_id: int | None = None,
) -> Person | None:
    """End whoever holds ``role`` (for ``pillar``) on the OCG and start ``to``. Returns the old."""
    query = select(Assignment).where(
        Assignment.ocg_id == ocg.id,
        Assignment.role == role,
        held_at(now),
    )
    if pillar:
        query = query.where(Assignment.pillar == pillar)
    old = None
    for row in session.exec(query).all():
        if row.person_id == to.id:
            return None
        row.ended_at = now
        session.add(row)
        old = session.get(Person, row.person_id)
    grant(session, person=to, role=role, now=now, ocg=ocg, pillar=pillar, by_id=by_id)
    return old


def link(session: Session, *, person: Person, identity: str, now: datetime) -> Identity:
    """Link ``slack:U0123ABC`` or ``teams:<AAD object id>`` to a person."""
    platform, _, external = identity.partition(":")
    platform = platform.lower()
    if platform not in PLATFORMS or not external.strip():
        raise CommandError(
            f"{identity!r} isn't an identity. Use slack:U0123ABC (the Slack member id) or "
            "teams:<AAD object id>."
        )
    external = external.strip()
    found = session.exec(
        select(Identity).where(Identity.platform == platform, Identity.external_id == external)
    ).first()
    if found and found.person_id != person.id:
        other = session.get(Person, found.person_id)
        raise CommandError(f"{identity} is already linked to @{other.handle if other else '?'}.")
    if found:
        return found
    row = Identity(person_id=person.id or 0, platform=platform, external_id=external, linked_at=now)
    session.add(row)
    session.flush()
    return row


def roles_of(session: Session, person: Person, now: datetime) -> list[str]:
    """``sro``, ``lro OCG-0042``, ``plead OCG-0042 prevent``: for listings."""
    rows = session.exec(
        select(Assignment, Ocg)
        .join(Ocg, Assignment.ocg_id == Ocg.id, isouter=True)  # type: ignore[arg-type]
        .where(
            Assignment.person_id == person.id,
            Assignment.started_at <= now,
            held_at(now),
        )
    ).all()
    return sorted(" ".join(filter(None, [a.role, o.ref if o else None, a.pillar])) for a, o in rows)
