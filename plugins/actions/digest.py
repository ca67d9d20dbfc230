"""The coordinators' daily digest of overdue actions, grouped by agency and owner, with ages and
who is being chased through whom.
"""

from __future__ import annotations

from datetime import datetime

from socbot_plugins.actions import overdue, store
from socbot_plugins.actions.models import Action
from socbot_plugins.actions.settings import ActionsSettings
from socbot_plugins.actions.view import Redact, redactor
from sqlmodel import Session, col, select

from socbot import Assignment, Channel, Person, Reply, Section, Severity
from socbot.access import Actor, sanitised, sees_sensitive
from socbot.context import Context


def run_digest(ctx: Context, dry_run: bool) -> list[str]:
    if not overdue.working_day(ctx):
        return []
    session, now, today = ctx.session, ctx.now(), ctx.today()
    own = ctx.plugin_settings("actions", ActionsSettings)
    days, channel = own.escalate_days, own.coordinators_channel
    coordinators = _all_coordinators(session, ctx.utcnow())
    keys = {p.id or 0: f"digest:{today.isoformat()}:{p.id}" for p in coordinators}
    channel_key = f"digest:{today.isoformat()}:channel"
    done = overdue.existing(session, [*keys.values(), channel_key])
    todo = [p for p in coordinators if keys[p.id or 0] not in done]
    if not todo and (not channel or channel_key in done):
        return []
    data = overdue.load(session, ctx.utcnow(), ctx.utcnow())
    viewers = overdue.viewers(session, todo, ctx.utcnow())
    redact = redactor(session, data.ocgs)
    outgoing = []
    scopes = Scopes(data)
    for person in todo:
        viewer = viewers[person.id or 0]
        mine = scopes.of(viewer)
        if not mine:
            continue
        reply = digest_reply(data, mine, viewer, now, redact, person.area, days)
        message = {"key": keys[person.id or 0], "kind": "digest", "reply": reply}
        line = f"to @{person.handle}: digest: {_digest_line(data, mine)}"
        outgoing.append(({**message, "person_id": person.id}, line))
    skipped = []
    if channel and channel_key not in done and data.actions and not _secure(session, channel):
        skipped = [f"not posted to #{channel}: it isn't marked secure (`channel secure`)"]
    elif channel and channel_key not in done and data.actions:
        police = Actor(None, "coordinators", "coordinators", roles=frozenset({"coordinator"}))
        shared = [a for a in data.actions if not a.sensitive]  # never in a shared channel
        reply = digest_reply(data, shared, police, now, redact, None, days)
        message = {"key": channel_key, "kind": "digest", "reply": reply, "channel": channel}
        outgoing.append((message, f"to #{channel}: digest: {_digest_line(data, shared)}"))
    return overdue.send(ctx, outgoing)[0] + skipped


def _secure(session: Session, channel: str) -> bool:
    """The coordinators' channel gets police detail only once an admin has marked it secure,
    as ``share`` requires: a partner coordinator may be in it."""
    query = select(Channel.id).where(Channel.external_id == channel, col(Channel.secure))
    return session.exec(query).first() is not None


def _all_coordinators(session: Session, now: datetime) -> list[Person]:
    return list(
        session.exec(
            select(Person)
            .join(Assignment, Assignment.person_id == Person.id)  # type: ignore[arg-type]
            .where(
                Assignment.role == "coordinator",
                store.held_at(now),
                Person.active,
            )
            .order_by(col(Person.id))
            .distinct()
        ).all()
    )


class Scopes:
    """What each coordinator's digest covers: a partner coordinator, their agency's actions;
    police, the OCGs of their area and those they hold a role on (all, with no area). Indexed
    once, so many coordinators cost what their digests hold, not a pass over all overdue."""

    def __init__(self, data: overdue.Overdue) -> None:
        self.data = data
        self.by_agency: dict[str, list[int]] = {}
        self.by_area: dict[str | None, list[int]] = {}
        self.by_ocg: dict[int, list[int]] = {}
        for n, action in enumerate(data.actions):
            self.by_agency.setdefault(data.agency(action).lower(), []).append(n)
            self.by_area.setdefault(data.ocgs[action.ocg_id].area, []).append(n)
            self.by_ocg.setdefault(action.ocg_id, []).append(n)

    def of(self, viewer: Actor) -> list[Action]:
        if sanitised(viewer):
            found = set(self.by_agency.get(viewer.agency.lower(), []))
        elif viewer.area is None:
            found = set(range(len(self.data.actions)))
        else:
            found = set(self.by_area.get(viewer.area, []))
            for ocg_id in viewer.ocg_roles:
                found.update(self.by_ocg.get(ocg_id, []))
        actions = (self.data.actions[n] for n in sorted(found))  # still oldest first
        return [a for a in actions if not a.sensitive or sees_sensitive(viewer, a.ocg_id)]


def _digest_line(data: overdue.Overdue, actions: list[Action]) -> str:
    agencies = len({data.agency(a) for a in actions})
    actions_word = overdue.plural(len(actions), "overdue action")
    return f"{actions_word} across {overdue.plural(agencies, 'agency', 'agencies')}"


def digest_reply(
    data: overdue.Overdue,
    actions: list[Action],
    viewer: Actor,
    now: datetime,
    redact: Redact,
    area: str | None,
    escalate_days: int,
) -> Reply:
    """Grouped by agency, then owner; each group oldest first, with who is being chased."""
    groups: dict[tuple[str, str], list[Action]] = {}
    for action in actions:
        owner = data.owner(action)
        label = f"@{owner.handle} ({owner.name})" if owner else "not yet taken"
        groups.setdefault((data.agency(action), label), []).append(action)
    hide = redact if sanitised(viewer) else None
    budget = [overdue.MAX_ITEMS * 3]
    sections = []
    for (agency, label), group in sorted(groups.items(), key=lambda g: (g[0][0].lower(), g[0][1])):
        sections.append(
            Section(
                f"{agency} · {label}",
                _chased_note(data, group[0]),
                items=overdue.items(
                    data, group, now, viewer=viewer, redact=hide, owner=False, budget=budget
                ),
            )
        )
    where = f" for {area}" if area and not sanitised(viewer) else ""
    return Reply(
        title=f"Overdue actions{where}: {len(actions)} ({overdue.oldest(actions, now.date())})",
        sections=sections,
        severity=Severity.WARNING,
        context=f"Owners are reminded once a working day; actions overdue more than "
        f"{escalate_days} days go to the OCG's LRO.",
    )


def _chased_note(data: overdue.Overdue, action: Action) -> str | None:
    """Who chases this group when its owner can't be reached (or there is no owner yet)."""
    owner = data.owner(action)
    if owner is not None and data.can_reach(owner):
        return None
    area = (owner.area if owner else None) or data.ocgs[action.ocg_id].area
    chasers = data.chasers(data.agency(action), area, skip=owner.id if owner else None)
    via = ", ".join(f"@{p.handle}" for p in chasers)
    if owner is not None and via:
        return f"No chat identity: chased through {via}."
    if owner is not None:
        return "No chat identity and no coordinator to pass reminders on: nobody is chasing."
    if via:
        return f"Held by the coordinator ({via}) until someone takes it."
    return f"{data.agency(action)} has no coordinator in socbot: nobody is being chased."
