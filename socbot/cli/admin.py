"""``socbot user ...``: enrol people before any chat platform is connected. Every change audited."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from socbot import audit, people
from socbot.clock import LONDON, to_db
from socbot.dates import parse_day
from socbot.lookup import candidates
from socbot.model import CommandError
from socbot.store.models import Person

if TYPE_CHECKING:
    from socbot.bot import Bot


def configure(sub: argparse._SubParsersAction, func: Callable[..., int]) -> None:  # type: ignore[type-arg]
    user = sub.add_parser("user", help="enrol people, link identities, grant roles")
    users = user.add_subparsers(dest="action", required=True)
    s = users.add_parser("add", help="enrol or update a person")
    s.add_argument("handle")
    s.add_argument("--name", required=True)
    s.add_argument("--agency", default="Police")
    s.add_argument("--email")
    s.add_argument("--area")
    s.add_argument("--role", action="append", default=[], help="repeatable")
    s = users.add_parser("link", help="link slack:U0123ABC or teams:<AAD object id>")
    s.add_argument("handle")
    s.add_argument("identity")
    users.add_parser("list", help="everyone enrolled, with roles")
    for name in ("grant", "revoke"):
        s = users.add_parser(name, help=f"{name} a role, force-wide or on one OCG")
        s.add_argument("handle")
        s.add_argument("role")
        s.add_argument("--ocg")
        s.add_argument("--pillar")
        if name == "grant":
            s.add_argument("--start", metavar="DATE", help="from that day (default now)")
            s.add_argument("--until", metavar="DATE", help="to the end of that day")
    user.set_defaults(func=func)


def run(bot: Bot, args: argparse.Namespace) -> int:
    now = bot.clock.utcnow()
    with Session(bot.engine) as session:
        try:
            message = _do(session, args, now)
        except CommandError as exc:
            session.rollback()
            print(exc.message)
            return 1
        if args.action != "list":
            audit.append(
                session,
                at=now,
                action="admin",
                text_=f"user {args.action} {args.handle}",
                detail=message,
            )
        session.commit()
    print(message)
    return 0


def _day(text: str | None, after: int) -> datetime | None:
    """A London day's first moment (``after=0``) or the next day's (``after=1``: end of day)."""
    if not text:
        return None
    return to_db(datetime.combine(parse_day(text) + timedelta(days=after), time(), LONDON))


def _person(session: Session, handle: str) -> Person:
    found = session.exec(select(Person).where(Person.handle == handle.lower())).first()
    if found is None:
        raise CommandError(f"No one has the handle {handle!r}; `socbot user list` shows them.")
    return found


def _do(session: Session, args: argparse.Namespace, now) -> str:  # type: ignore[no-untyped-def]
    if args.action == "add":
        person, created = people.upsert_person(
            session,
            handle=args.handle,
            name=args.name,
            agency=args.agency,
            email=args.email,
            area=args.area,
            roles=tuple(args.role),
            now=now,
        )
        return (
            f"{'enrolled' if created else 'updated'} @{person.handle} ({person.name}, "
            f"{person.agency}) roles: {', '.join(people.roles_of(session, person, now)) or '-'}"
        )
    if args.action == "link":
        person = _person(session, args.handle)
        people.link(session, person=person, identity=args.identity, now=now)
        return f"linked {args.identity} to @{person.handle}"
    if args.action == "list":
        rows = session.exec(select(Person).order_by(Person.handle)).all()
        return (
            "\n".join(
                f"@{p.handle:14} {p.name:24} {p.agency:28} "
                f"{', '.join(people.roles_of(session, p, now))}"
                for p in rows
            )
            or "no one is enrolled yet"
        )
    person = _person(session, args.handle)
    ocg = None
    if args.ocg:
        found = candidates(session, args.ocg)
        if len(found) != 1:
            raise CommandError(f"{args.ocg!r} doesn't name exactly one OCG.")
        ocg = found[0]
    if args.action == "grant":
        start, until = _day(args.start, 0), _day(args.until, 1)
        people.grant(
            session,
            person=person,
            role=args.role,
            ocg=ocg,
            pillar=args.pillar,
            now=now,
            start=start,
            until=until,
        )
        where = f" on {ocg.ref}" if ocg else ""
        period = f" from {args.start}" if start else ""
        period += f" until {args.until}" if until else ""
        return f"granted {args.role} to @{person.handle}{where}{period}"
    people.revoke(session, person=person, role=args.role, ocg=ocg, pillar=args.pillar, now=now)
    return f"revoked {args.role} from @{person.handle}" + (f" on {ocg.ref}" if ocg else "")
