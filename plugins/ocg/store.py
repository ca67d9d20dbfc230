"""Writing OCGs: references, aliases and role hand-overs, shared by chat and CSV import.

Callers own the transaction and check every input first, so a refusal here writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from socbot_plugins.ocg import rules
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from socbot import Assignment, Ocg, OcgAlias, Person, access, lookup, people
from socbot.model import CommandError

OCG_ROLES = ("lro", "sro", "sio")
LEAD_PILLARS = ("pursue", "prevent", "protect", "prepare", "intel")


def next_ref(session: Session, taken: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """The next free ``OCG-NNNN`` after the highest in use (or reserved in ``taken``)."""
    top = session.exec(
        select(Ocg.ref).order_by(func.length(Ocg.ref).desc(), Ocg.ref.desc()).limit(1)  # type: ignore[attr-defined]
    ).first()
    numbers = [int(r.split("-")[1]) for r in [top, *taken] if r]
    return lookup.ref_for(max(numbers, default=0) + 1)


def clean_ref(text: str) -> str:
    """``42``, ``0042``, ``ocg-42`` -> ``OCG-0042``."""
    found = lookup._REF.match(text.strip())
    if not found:
        raise CommandError(f"{text!r} isn't an OCG reference; use OCG-0042 (or just 42).")
    return lookup.ref_for(int(found.group(1)))


def by_name(session: Session, name: str) -> Ocg | None:
    return session.exec(select(Ocg).where(Ocg.name_key == lookup.key(name))).first()


def alias_owner(session: Session, alias: str) -> Ocg | None:
    """The OCG already known by ``alias`` (as a name or an alias), if any."""
    k = lookup.key(alias)
    ids = select(OcgAlias.ocg_id).where(OcgAlias.alias_key == k)
    return session.exec(
        select(Ocg).where(or_(col(Ocg.name_key) == k, col(Ocg.id).in_(ids)))
    ).first()


def add_aliases(session: Session, ocg: Ocg, aliases: list[str]) -> list[str]:
    """Add the aliases the OCG lacks; returns the ones added."""
    have = set(session.exec(select(OcgAlias.alias_key).where(OcgAlias.ocg_id == ocg.id)).all())
    added = []
    for alias in aliases:
        k = lookup.key(alias)
        if k and k not in have and k != ocg.name_key:
            session.add(OcgAlias(ocg_id=ocg.id or 0, alias=alias.strip(), alias_key=k))
            have.add(k)
            added.append(alias.strip())
    return added


def check_holder(session: Session, person: Person, role: str, now: datetime) -> None:
    """A partner can't lead an OCG as LRO, SRO or SIO: they only ever get the sanitised view.

    (A partner may lead a pillar; they still see the partner view.)
    """
    if role not in OCG_ROLES:
        return
    actor = access.load_actor(session, person, now)
    if actor.partner:
        raise CommandError(
            f"@{person.handle} is a partner ({person.agency}) and only ever sees the partner "
            f"view, so can't be the {role.upper()}. Name a police officer, or make them a P "
            "lead or give them actions instead.",
            field="person",
        )


def new_ocg(
    session: Session,
    *,
    ref: str,
    name: str,
    band: str,
    tier: int,
    created: datetime,
    today: date,
    last_review: date | None = None,
) -> Ocg:
    """A new OCG on the review clock: due one tier period after its last review or creation."""
    ocg = Ocg(
        ref=ref,
        name=name.strip(),
        name_key=lookup.key(name),
        band=band,
        tier=tier,
        created_at=created,
        last_review_on=last_review,
        next_review_due=rules.next_due(last_review or today, tier),
    )
    session.add(ocg)
    session.flush()
    return ocg


def hand_over(
    session: Session,
    *,
    ocg: Ocg,
    role: str,
    to: Person | None,
    now: datetime,
    pillar: str | None = None,
    by_id: int | None = None,
) -> tuple[list[Person], bool]:
    """Give ``role`` on ``ocg`` to ``to`` (``None`` ends it). Old rows end, new start: both kept.

    Returns (people whose assignment ended, whether anything changed).
    """
    holders = current_holders(session, ocg, role, now, pillar)
    if to is not None and [p.id for p in holders] == [to.id]:
        return [], False
    if to is None:
        for person in holders:
            people.revoke(session, person=person, role=role, ocg=ocg, pillar=pillar, now=now)
        return holders, bool(holders)
    check_holder(session, to, role, now)
    acting = people.current(session, to, role, ocg, pillar, now)
    if acting is not None:  # an acting (delegated) holder becoming the permanent one
        acting.ended_at = now
        session.add(acting)
        session.flush()
    people.hand_over(session, ocg=ocg, role=role, to=to, now=now, pillar=pillar, by_id=by_id)
    return [p for p in holders if p.id != to.id], True


def current_holders(
    session: Session, ocg: Ocg, role: str, now: datetime, pillar: str | None = None
) -> list[Person]:
    """Who holds ``role`` on ``ocg`` for good (delegates, who have an end date, excluded)."""
    query = (
        select(Person)
        .join(Assignment, Assignment.person_id == Person.id)  # type: ignore[arg-type]
        .where(
            Assignment.ocg_id == ocg.id,
            Assignment.role == role,
            Assignment.started_at <= now,
            Assignment.ended_at.is_(None),  # type: ignore[union-attr]
        )
        .order_by(Person.handle)
    )
    if pillar:
        query = query.where(Assignment.pillar == pillar)
    return list(session.exec(query).all())
