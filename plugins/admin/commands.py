"""The admin plugin's commands: enrol people, grant and revoke roles, mark channels, read an
OCG's audit trail. Each change also writes an ``admin`` audit row saying exactly what changed."""

from __future__ import annotations

import re
from datetime import datetime, time

from sqlmodel import func, select

from socbot import (
    Assignment,
    AuditEvent,
    Channel,
    CommandError,
    Item,
    Ocg,
    Person,
    Reply,
    Severity,
    audit,
    channels,
    people,
)
from socbot.clock import LONDON, say_date, say_when
from socbot.context import Context
from socbot.dates import parse_due
from socbot.model import Command, Fact

OCG_ONLY = frozenset({"lro", "sio", "plead"})  # held on one OCG
FORCE_ONLY = frozenset({"admin"})  # held force-wide
USER_OPTIONS = ("name", "agency", "email", "area", "role")
USERS_SHOWN = 50
AUDIT_LIMIT = (20, 200)  # default, most
_CHANNEL = re.compile(r"^<?#?([A-Za-z0-9:@._-]{1,200}?)(?:\|[^>]*)?>?$")


def _record(ctx: Context, change: str, ocg: Ocg | None = None) -> None:
    """The admin row: what changed, in words, beside the core's row for the command."""
    audit.record(ctx, action="admin", text_=change, ocg_ref=ocg.ref if ocg else None)


def _person(ctx: Context, handle: str) -> Person:
    handle = handle.strip().lstrip("@").lower()
    found = ctx.session.exec(select(Person).where(Person.handle == handle)).first()
    if found is None:
        raise CommandError(f"No one has the handle @{handle[:40]}. `users` lists everyone.")
    return found


def _check_options(cmd: Command, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(cmd.options) - set(allowed))
    if unknown:
        raise CommandError(
            f"I don't know the option {unknown[0][:30]}=. Options here: "
            + ", ".join(f"{o}=" for o in allowed)
        )


def _when(ctx: Context, text: str, *, end: bool) -> datetime:
    """A role's start (that day's first moment) or end (that day's last), echoed in words."""
    if text.strip().lower() in ("now", "today") and not end:
        return ctx.utcnow()
    moment = parse_due(text, ctx.now(), end_of_day=time(23, 59, 59) if end else time(0, 0))
    return moment.astimezone(LONDON)


def _roles_list(text: str) -> tuple[str, ...]:
    roles = tuple(people.check_role(r) for r in text.split(",") if r.strip())
    for role in roles:
        if role in OCG_ONLY:
            raise CommandError(
                f"{role} is held on one OCG: enrol first, then `grant HANDLE {role} OCG-0042`.",
                field="role",
            )
    return roles


# -- user add / link, users -------------------------------------------------------------------


def user(ctx: Context, cmd: Command) -> Reply:
    sub = cmd.args[0].lower() if cmd.args else ""
    if sub == "add" and len(cmd.args) == 2:
        _check_options(cmd, USER_OPTIONS)
        person, created = people.upsert_person(
            ctx.session,
            handle=cmd.args[1],
            name=cmd.options.get("name", ""),
            agency=cmd.options.get("agency", ""),  # new: Police; existing: unchanged
            email=cmd.options.get("email"),
            area=cmd.options.get("area"),
            roles=_roles_list(cmd.options.get("role", "")),
            now=ctx.utcnow(),
            by_id=ctx.actor.id,
        )
        roles = ", ".join(people.roles_of(ctx.session, person, ctx.utcnow())) or "none yet"
        verb = "Enrolled" if created else "Updated"
        _record(ctx, f"{verb.lower()} @{person.handle} ({person.agency}); roles: {roles}")
        return Reply(
            text=f"{verb} @{person.handle}: {person.name}, {person.agency}. Roles: {roles}.",
            severity=Severity.SUCCESS,
            context="Link their chat identity with `user link` (Slack and Teams also link "
            "by email the first time they write).",
        )
    if sub == "link" and len(cmd.args) == 3:
        _check_options(cmd, ())
        person = _person(ctx, cmd.args[1])
        identity = cmd.args[2].lstrip("@")
        people.link(ctx.session, person=person, identity=identity, now=ctx.utcnow())
        _record(ctx, f"linked {identity} to @{person.handle}")
        return Reply(text=f"Linked {identity} to @{person.handle}.", severity=Severity.SUCCESS)
    raise CommandError(
        'Usage: `user add HANDLE name="..." agency="..." [email=...] [role=...]` or '
        "`user link HANDLE slack:U0123ABCD`.",
        hint="help user",
    )


def list_users(ctx: Context, cmd: Command) -> Reply:
    _check_options(cmd, ())
    query = select(Person).order_by(Person.handle)  # type: ignore[arg-type]
    words = cmd.rest().strip().lower()
    if words:
        like = f"%{words.replace('%', '').replace('_', '')}%"
        query = query.where(
            (func.lower(Person.handle).like(like))
            | (func.lower(Person.name).like(like))
            | (func.lower(Person.agency).like(like))
        )
    found = ctx.session.exec(query.limit(USERS_SHOWN + 1)).all()
    now = ctx.utcnow()
    items = [
        Item(
            f"@{p.handle}: {p.name} ({p.agency})" + ("" if p.active else " [inactive]"),
            ", ".join(people.roles_of(ctx.session, p, now)) or "no roles",
        )
        for p in found[:USERS_SHOWN]
    ]
    more = len(found) > USERS_SHOWN
    return Reply(
        title=f"People enrolled{' matching ' + repr(words[:40]) if words else ''}",
        text=None if items else "No one matches.",
        items=items,
        context=f"First {USERS_SHOWN} shown: narrow it with `users WORD`." if more else None,
    )


# -- grant / revoke ---------------------------------------------------------------------------


def _role_target(ctx: Context, cmd: Command) -> tuple[Person, str, Ocg | None, str | None]:
    if len(cmd.args) < 2:
        raise CommandError(f"Usage: `{ctx.commands[cmd.verb].usage}`", hint=f"help {cmd.verb}")
    person = _person(ctx, cmd.args[0])
    role = people.check_role(cmd.args[1])
    ocg = ctx.ocg(cmd.rest(2)) if len(cmd.args) > 2 else None
    pillar = cmd.options.get("pillar", "").strip().lower() or None
    if ocg is None and role in OCG_ONLY:
        raise CommandError(
            f"{role} is held on one OCG: `{cmd.verb} {person.handle} {role} OCG-0042`.", field="ocg"
        )
    if ocg is not None and role in FORCE_ONLY:
        raise CommandError(f"{role} is force-wide: leave the OCG out.", field="ocg")
    if pillar and role != "plead":
        raise CommandError("Only a P lead has a pillar.", field="pillar")
    return person, role, ocg, pillar


def grant(ctx: Context, cmd: Command) -> Reply:
    _check_options(cmd, ("pillar", "start", "until"))
    person, role, ocg, pillar = _role_target(ctx, cmd)
    if role == "plead" and ocg is not None and not pillar:
        raise CommandError(
            "Which pillar does the P lead own? Add pillar=pursue|prevent|protect|prepare.",
            field="pillar",
        )
    start = _when(ctx, cmd.options["start"], end=False) if "start" in cmd.options else None
    until = _when(ctx, cmd.options["until"], end=True) if "until" in cmd.options else None
    now = ctx.utcnow()
    old = None
    if role == "lro" and ocg is not None and (start is None or start <= now):
        # One LRO per OCG: granting it hands the OCG over, keeping who held it when.
        old = people.hand_over(
            ctx.session, ocg=ocg, role="lro", to=person, now=now, by_id=ctx.actor.id
        )
        if until is not None:
            people.grant(ctx.session, person=person, role=role, ocg=ocg, now=now, until=until)
    else:
        people.grant(
            ctx.session,
            person=person,
            role=role,
            ocg=ocg,
            pillar=pillar,
            now=now,
            until=until,
            start=start,
            by_id=ctx.actor.id,
        )
    change = (
        f"granted {role}{' (' + pillar + ')' if pillar else ''}"
        f"{' on ' + ocg.ref if ocg else ''} to @{person.handle}"
        f"{' from ' + say_date(start) if start else ''}"
        f"{' until the end of ' + say_date(until) if until else ''}"
        f"{'; @' + old.handle + ' is no longer its LRO' if old and ocg else ''}"
    )
    _record(ctx, change, ocg)
    return Reply(text=change[0].upper() + change[1:] + ".", severity=Severity.SUCCESS)


def revoke(ctx: Context, cmd: Command) -> Reply:
    _check_options(cmd, ("pillar",))
    person, role, ocg, pillar = _role_target(ctx, cmd)
    now = ctx.utcnow()
    if role == "admin" and ocg is None and _admins(ctx) == {person.id}:
        raise CommandError("That would leave socbot with no admin. Grant someone else admin first.")
    people.revoke(ctx.session, person=person, role=role, ocg=ocg, pillar=pillar, now=now)
    where = f" on {ocg.ref}" if ocg else ""
    _record(
        ctx, f"revoked {role}{' ' + pillar if pillar else ''}{where} from @{person.handle}", ocg
    )
    return Reply(
        text=f"Revoked {role}{where} from @{person.handle} as of {say_when(now)}.",
        severity=Severity.SUCCESS,
    )


def _admins(ctx: Context) -> set[int | None]:
    now = ctx.utcnow()
    rows = ctx.session.exec(
        select(Assignment.person_id).where(
            Assignment.role == "admin",
            Assignment.ocg_id.is_(None),  # type: ignore[union-attr]
            Assignment.started_at <= now,
            (Assignment.ended_at.is_(None)) | (Assignment.ended_at > now),  # type: ignore[union-attr,operator]
        )
    ).all()
    return set(rows)


# -- channel ----------------------------------------------------------------------------------


def channel(ctx: Context, cmd: Command) -> Reply:
    """``channel secure|insecure [CHANNEL]``, ``channel ceiling LEVEL [CHANNEL]``."""
    _check_options(cmd, ())
    mode = cmd.args[0].lower() if cmd.args else ""
    ceiling = None
    rest = list(cmd.args[1:])
    if mode == "ceiling":
        ceiling = channels.level(rest.pop(0)) if rest else None
        if ceiling is None:
            raise CommandError(
                "Which ceiling? `channel ceiling OFFICIAL` or "
                "`channel ceiling OFFICIAL-SENSITIVE`.",
                field="ceiling",
            )
    if mode not in ("secure", "insecure", "ceiling") or len(rest) > 1:
        raise CommandError(
            "Usage: `channel secure [CHANNEL]`, `channel insecure [CHANNEL]` or "
            "`channel ceiling OFFICIAL|OFFICIAL-SENSITIVE [CHANNEL]`."
        )
    external = ctx.channel
    if rest:
        match = _CHANNEL.match(rest[0])
        if not match:
            raise CommandError(
                "That doesn't look like a channel: mention it (#name) or give its id (C0123ABCD).",
                field="channel",
            )
        external = match.group(1)
    if not external:
        raise CommandError(
            "Which channel? Run this in the channel, or name it: `channel secure C0123ABCD`.",
            field="channel",
        )
    row = ctx.session.exec(
        select(Channel).where(Channel.platform == ctx.face, Channel.external_id == external)
    ).first() or Channel(platform=ctx.face, external_id=external)
    if ceiling is not None:
        row.ceiling = ceiling
        if not row.secure:
            raise CommandError(
                f"Channel {external} isn't marked secure, so nothing is shared there whatever its "
                "ceiling: mark it with `channel secure` first."
            )
    else:
        row.secure = mode == "secure"
    row.marked_by_id, row.marked_at = ctx.actor.id, ctx.utcnow()
    ctx.session.add(row)
    what = f"ceiling {ceiling}" if ceiling else mode
    _record(ctx, f"marked {ctx.face} channel {external} {what}")
    level = row.ceiling or channels.OFFICIAL_SENSITIVE
    if ceiling is not None:
        text = (
            f"Channel {external} may now carry {ceiling} at most: a reply marked higher is not "
            "shared there."
        )
    elif row.secure:
        text = (
            f"Channel {external} is marked secure: replies ending in `share` may be posted "
            f"there up to {level} (never partners' views), while nobody outside the force is "
            "in it."
        )
    else:
        text = f"Channel {external} is no longer secure: `share` will not post there."
    return Reply(text=text, severity=Severity.SUCCESS)


# -- audit ------------------------------------------------------------------------------------


def ocg_audit(ctx: Context, cmd: Command) -> Reply:
    _check_options(cmd, ("limit",))
    if not cmd.args:
        raise CommandError("Which OCG? `audit OCG-0042`.", field="ocg")
    default, most = AUDIT_LIMIT
    raw = cmd.options.get("limit", str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise CommandError(f"limit= takes a number from 1 to {most}.", field="limit")
    ocg = ctx.ocg(cmd.rest())
    rows = ctx.session.exec(
        select(AuditEvent)
        .where(AuditEvent.ocg_ref == ocg.ref)
        .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
        .limit(int(raw))
    ).all()
    total = ctx.session.exec(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.ocg_ref == ocg.ref)
    ).one()
    items = [
        Item(
            f"{say_when(r.at)}  @{r.actor}  {r.action}: {r.outcome}",
            (r.text[:200] + (f" ({r.detail[:200]})" if r.detail else "")) or None,
            severity=Severity.WARNING if r.outcome in ("refused", "error") else None,
        )
        for r in rows
    ]
    return Reply(
        title=f"Audit trail: {ocg.ref} {ctx.ocg_name(ocg)}",
        text=None if rows else "Nothing has been recorded on this OCG yet.",
        facts=[Fact("Rows", f"{len(rows)} newest of {total}")] if rows else [],
        items=items,
        context="Each row is hash-chained to the one before; `socbot audit verify` checks them.",
    )
