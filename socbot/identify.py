"""Who is asking: the enrolled, active person behind a platform's id, linked by email the first
time they come from a platform they have no account on yet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlmodel import Session, select

from socbot import access, audit, outbox
from socbot.clock import say_when
from socbot.model import Reply
from socbot.store.models import Identity, Person

UNKNOWN_USER = (
    "Sorry, I don't know who you are yet. Ask your SOC coordinator to enrol you in socbot; "
    "until then I can't show or record anything for you."
)


@dataclass(frozen=True)
class Who:
    """A person as a face knows them: a platform and that platform's stable id."""

    platform: str  # console | slack | teams
    id: str  # handle on the console, U0123 on Slack, AAD object id on Teams
    email: str | None = None


def identify(
    session: Session,
    who: Who,
    now: datetime,
    *,
    utcnow: Callable[[], datetime],
    acl: access.Access,
    connection: Connection | None = None,
) -> access.Actor | None:
    """The enrolled, active person behind ``who`` with their roles at ``now``; links an identity
    by email the first time (at ``utcnow()``). The person is read on ``connection`` when given
    (the session's own, not yet begun), else through the session."""
    db: Session | Connection = session if connection is None else connection
    if who.platform == "console":
        actor = access.find_actor(db, now, handle=who.id.lower())
    else:
        actor = access.find_actor(db, now, identity=(who.platform, who.id))
        if actor is None and who.email:
            person = link_by_email(session, who, utcnow(), acl=acl)
            actor = access.load_actor(session, person, now) if person else None
    return actor if actor and actor.active else None


def link_by_email(
    session: Session, who: Who, now: datetime, *, acl: access.Access
) -> Person | None:
    """First contact from a platform: link it to the one active person with that email, if
    they have no account on that platform yet (a second account with their email is not one
    they made), and tell them, so that a link they did not make does not go unnoticed."""
    email = (who.email or "").strip().lower()
    found = session.exec(select(Person).where(Person.email == email).limit(2)).all()
    if len(found) != 1 or not found[0].active:
        return None  # nobody, someone inactive, or two people: nothing to go on
    person = found[0]
    has_one = select(Identity.id).where(
        Identity.person_id == person.id, Identity.platform == who.platform
    )
    if session.exec(has_one).first() is not None:
        return None
    account = f"{who.platform}:{who.id}"
    session.add(
        Identity(person_id=person.id or 0, platform=who.platform, external_id=who.id, linked_at=now)
    )
    audit.append(
        session,
        at=now,
        actor=person.handle,
        actor_id=person.id,
        face=who.platform,
        action="admin",
        text_=f"auto-link {account} by email",
        outcome="ok",
    )
    outbox.enqueue(
        session,
        key=f"linked:{account}",
        kind="account-linked",
        reply=Reply(
            title="A new account was linked to you",
            text=f"A {who.platform.capitalize()} account was linked to you in socbot on "
            f"{say_when(now)}, because it has your email address. If that wasn't you, tell "
            "your SOC coordinator straight away.",
        ),
        now=now,
        person_id=person.id,
        acl=acl,
    )
    session.commit()
    return person
