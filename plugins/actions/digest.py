"""The coordinators' digest: what changed since the previous one. It covers overdue actions
(grouped by agency and owner, with who is being chased through whom) and whatever other plugins
add through ``digest_sections`` (reviews due and overdue, tier changes, pending moderation, plan
health), leads with the changes ("3 new overdue, 2 closed"), shows new entries in full and counts
the rest, and sends nothing on a working day when nothing changed.

Each digest keeps the keys of what it listed (its render spec, ``keys``): the next one compares
against them. It is worded again at delivery (``render``) against the same previous digest, so
its figures are current and one that has nothing new by then is withdrawn.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pluggy
from socbot_plugins.actions import overdue, store
from socbot_plugins.actions.models import Action
from socbot_plugins.actions.settings import ActionsSettings
from socbot_plugins.actions.view import redactor
from sqlmodel import Session, col, func, select

from socbot import (
    Assignment,
    Channel,
    DigestEntry,
    DigestPart,
    Item,
    Ocg,
    Outbox,
    Person,
    Reply,
    Section,
    Severity,
    Withdraw,
)
from socbot.access import Actor, sanitised, sees_sensitive
from socbot.clock import Clock, local, say_date
from socbot.context import Context

KIND = "digest"
_WORDED_WHEN_SHOWN = Item("")  # an overdue entry's line: made per group by _overdue_sections
CHANNEL = Actor(None, "coordinators", "coordinators", roles=frozenset({"coordinator"}))


@dataclass
class Previous:
    """What the previous digest to one recipient listed, and when it was decided."""

    keys: set[str]
    at: datetime


BATCH = 50  # coordinators per transaction; each batch reads the overdue slice afresh
HELD_KEYS = 20_000  # digests' keys built before they are queued (a force-wide one has them all)


def run_digest(ctx: Context, dry_run: bool) -> Iterator[list[str]]:
    """Today's digests, a batch of coordinators at a time (each batch committed before the
    next is read), then the coordinators' channel's."""
    if not overdue.working_day(ctx):
        return
    today = ctx.today()
    own = ctx.plugin_settings("actions", ActionsSettings)
    channel = own.coordinators_channel
    coordinators = [p.id or 0 for p in _all_coordinators(ctx.session, ctx.utcnow())]
    channel_key = f"{KIND}:{today.isoformat()}:channel"
    done = overdue.existing(ctx.session, [*(_key(today, i) for i in coordinators), channel_key])
    todo = [i for i in coordinators if _key(today, i) not in done]
    for start in range(0, len(todo), BATCH):
        yield _digests(ctx, own, todo[start : start + BATCH])
    if channel and channel_key not in done:
        yield _channel_digest(ctx, own, channel, channel_key)


def _key(today: date, person_id: int | None) -> str:
    return f"{KIND}:{today.isoformat()}:{person_id}"


def _digests(ctx: Context, own: ActionsSettings, ids: list[int]) -> list[str]:
    session, today = ctx.session, ctx.today()
    done = overdue.existing(session, [_key(today, i) for i in ids])  # a concurrent sweep's
    todo = [p for p in overdue.by_ids(session, Person, ids) if _key(today, p.id) not in done]
    todo.sort(key=lambda p: p.id or 0)
    data = overdue.load(session, ctx.utcnow(), ctx.utcnow(), plan=True)
    viewers = overdue.viewers(session, todo, ctx.utcnow())
    before = previous(session, [p.id or 0 for p in todo], None)
    digest = Digest(session, ctx.hooks, data, own.escalate_days)
    lines: list[str] = []
    outgoing, held = [], 0
    scopes = Scopes(data)
    for person in todo:
        viewer = viewers[person.id or 0]
        last = before.pop(person.id or 0, None)
        found = digest.build(viewer, scopes.of(viewer), last, ctx.now(), person.area)
        if found is None:
            continue
        reply, state = found
        message = {"key": _key(today, person.id), "kind": KIND, "reply": reply}
        spec = message["render"] = _spec(state, last, person.area, own.escalate_days)
        line = f"to @{person.handle}: digest: {reply.text}"
        outgoing.append(({**message, "person_id": person.id}, line))
        held += len(spec["keys"]) + len(spec["previous"] or ())
        if held >= HELD_KEYS:  # queue what is built: its keys are not held for the whole batch
            lines += overdue.send(ctx, outgoing)[0]
            outgoing, held = [], 0
    return lines + overdue.send(ctx, outgoing)[0]


def _channel_digest(ctx: Context, own: ActionsSettings, channel: str, key: str) -> list[str]:
    """The coordinators' channel's digest: posted only to a channel marked secure."""
    session = ctx.session
    data = overdue.load(session, ctx.utcnow(), ctx.utcnow(), plan=True)
    if not _secure(session, channel):
        if data.actions:
            return [f"not posted to #{channel}: it isn't marked secure (`channel secure`)"]
        return []
    digest = Digest(session, ctx.hooks, data, own.escalate_days)
    shared = [a for a in data.actions if not a.sensitive]  # never in a shared channel
    last = previous(session, [], channel).get(None)
    found = digest.build(CHANNEL, shared, last, ctx.now(), None)
    if found is None:
        return []
    reply, state = found
    message = {"key": key, "kind": KIND, "reply": reply, "channel": channel}
    message["render"] = _spec(state, last, None, own.escalate_days)
    return overdue.send(ctx, [(message, f"to #{channel}: digest: {reply.text}")])[0]


def render(
    session: Session,
    spec: dict[str, Any],
    person_id: int | None,
    channel: str | None,
    clock: Clock,
    hooks: pluggy.HookRelay,
) -> Reply | Withdraw:
    """The digest as it reads at delivery, against the same previous digest."""
    now = clock.utcnow()
    data = overdue.load(session, now, now, plan=True)
    person = session.get(Person, person_id) if person_id else None
    if person_id is not None and (person is None or not person.active):
        return Withdraw("the coordinator has left")
    if person is not None:
        viewer = overdue.viewers(session, [person], now)[person.id or 0]
        actions = Scopes(data).of(viewer)
    else:
        viewer, actions = CHANNEL, [a for a in data.actions if not a.sensitive]
    last = None
    if spec.get("previous") is not None:
        last = Previous(set(spec["previous"]), datetime.fromisoformat(spec["since"]))
    days = int(spec.get("escalate_days", 7))
    digest = Digest(session, hooks, data, days)
    found = digest.build(viewer, actions, last, clock.now(), spec.get("area"))
    if found is None:
        return Withdraw("nothing changed since the previous digest")
    return found[0]


def _spec(
    state: dict[str, DigestPart], last: Previous | None, area: str | None, escalate_days: int
) -> dict[str, Any]:
    keys = sorted(e.key for part in state.values() for e in part.entries)
    return {
        "escalate_days": escalate_days,
        "keys": keys,
        "previous": sorted(last.keys) if last else None,
        "since": last.at.isoformat() if last else None,
        "area": area,
    }


def previous(
    session: Session, person_ids: list[int], channel: str | None
) -> dict[int | None, Previous]:
    """The last digest decided for each person (and the channel: key None), withdrawn ones
    aside: what today's is compared with. Two queries, whatever the number of coordinators."""
    who = col(Outbox.person_id)
    last = (
        select(func.max(Outbox.id))
        .where(Outbox.kind == KIND, Outbox.status != "withdrawn")
        .where(who.in_(person_ids) | ((who.is_(None)) & (Outbox.channel == channel)))
        .group_by(who)
    )
    rows = session.exec(select(Outbox).where(col(Outbox.id).in_(last))).all()
    found: dict[int | None, Previous] = {}
    for row in rows:
        spec = row.body.get("render") or {}
        if "keys" in spec:
            found[row.person_id] = Previous(set(spec["keys"]), row.created_at)
    return found


class Digest:
    """Builds one recipient's digest from the overdue slice and the other plugins' parts."""

    def __init__(
        self,
        session: Session,
        hooks: pluggy.HookRelay,
        data: overdue.Overdue,
        escalate_days: int,
    ) -> None:
        self.session, self.hooks, self.data = session, hooks, data
        self.escalate_days = escalate_days

    def build(
        self,
        viewer: Actor,
        actions: list[Action],
        last: Previous | None,
        now: datetime,
        area: str | None,
    ) -> tuple[Reply, dict[str, DigestPart]] | None:
        """The reply and what it lists, or None when nothing changed since ``last``."""
        parts = {"overdue": self._overdue(viewer, actions, now)}
        ocg_ids = _scope(self.session, viewer) if area else None
        for answer in self.hooks.digest_sections(
            session=self.session,
            viewer=viewer,
            ocg_ids=ocg_ids,
            since=last.at if last else None,
            now=now,
        ):
            for part in answer or ():
                parts[part.key] = part
        keys = {e.key for part in parts.values() for e in part.entries}
        if last is None and not keys:
            return None  # nothing to tell anyone yet
        before = last.keys if last else set()
        news = [(p, [e for e in p.entries if e.key not in before]) for p in parts.values()]
        gone = {p.key: _gone(p, before) for p in parts.values()}
        lead = self._lead(news, gone, last is None)
        if not lead:
            return None  # a quiet day: nothing new, nothing gone
        sections = []
        for part, new in sorted(news, key=lambda n: (n[0].order, n[0].title)):
            if part.key == "overdue":
                sections += self._overdue_sections(part, new, viewer)
            elif part.entries:
                sections.append(_section(part, new))
        where = f" for {area}" if area and not sanitised(viewer) else ""
        since = f"since {say_date(local(last.at))}" if last else "first digest"
        return (
            Reply(
                title=f"Coordinators' digest{where}: {lead}",
                text=f"{lead} ({since})",
                sections=sections,
                severity=Severity.WARNING,
                context="New entries are shown in full; those in the previous digest are "
                "counted. Owners are reminded on the 1st, 2nd and 4th working day overdue, "
                f"then weekly; actions overdue more than {self.escalate_days} days go to the "
                "OCG's LRO. No digest on a day when nothing changed.",
            ),
            parts,
        )

    def _overdue(self, viewer: Actor, actions: list[Action], now: datetime) -> DigestPart:
        """The actions plugin's own part; its items are made per group, when shown."""
        self._actions = {f"overdue:{a.id}": a for a in actions}
        self._now = now
        entries = [DigestEntry(key, _WORDED_WHEN_SHOWN) for key in self._actions]
        part = DigestPart("overdue", "Overdue actions", entries, ("new overdue", "new overdue"))
        part.gone, part.more, part.order = ("closed", "closed"), "ocg actions overdue", 0
        part.noun = ("overdue action", "overdue actions")
        return part

    def _overdue_sections(
        self, part: DigestPart, new: list[DigestEntry], viewer: Actor
    ) -> list[Section]:
        """New overdue actions by agency and owner, with who chases them; the rest counted."""
        if not part.entries:
            return []
        groups: dict[tuple[str, str], list[Action]] = {}
        for entry in new:
            action = self._actions[entry.key]
            owner = self.data.owner(action)
            label = f"@{owner.handle} ({owner.name})" if owner else "not yet taken"
            groups.setdefault((self.data.agency(action), label), []).append(action)
        ordered = sorted(groups.items(), key=lambda g: (g[0][0].lower(), g[0][1]))
        whole = self._shown(group for _, group in ordered)
        hide = (
            redactor(self.session, {a.ocg_id for a in whole.values()})
            if sanitised(viewer)
            else None
        )
        budget = [overdue.MAX_ITEMS * 3]
        sections = []
        for n, ((agency, label), rows) in enumerate(ordered):
            if budget[0] <= 0:  # the lines are spent: the other owners are counted, not listed
                unshown = sum(len(rows) for _, rows in ordered[n:])
                sections.append(Section(text=_unshown(unshown, len(ordered) - n, part.more)))
                break
            group = [whole.get(a.id or 0, a) for a in rows]
            items = overdue.items(
                self.data, group, self._now, viewer=viewer, redact=hide, owner=False, budget=budget
            )
            sections.append(
                Section(f"{agency} · {label}", _chased_note(self.data, group[0]), items=items)
            )
        rest = len(part.entries) - len(new)
        oldest = overdue.oldest(list(self._actions.values()), self._now.date())
        counted = f", {len(new)} new" if new and rest else ""
        text = f"{rest} listed before: `{part.more}` lists them all." if rest else None
        title = f"Overdue actions: {len(part.entries)}{counted} ({oldest})"
        return [Section(title, text), *sections]

    def _shown(self, groups: Iterable[list[Action]]) -> dict[int, Action]:
        """The whole actions behind the lines a digest shows (``MAX_ITEMS * 3`` at most, in the
        order ``overdue.items`` spends its budget): the slice itself is read as plan columns, so
        a national sweep holds a few hundred bytes an overdue action, not an ORM object each."""
        left, wanted = overdue.MAX_ITEMS * 3, []
        for group in groups:
            wanted += [a.id or 0 for a in group[: max(left, 0)]]
            left -= len(group)
        return {a.id or 0: a for a in overdue.by_ids(self.session, Action, wanted)}

    def _lead(
        self,
        news: list[tuple[DigestPart, list[DigestEntry]]],
        gone: dict[str, list[str]],
        first: bool,
    ) -> str:
        words = []
        for part, new in sorted(news, key=lambda n: (n[0].order, n[0].title)):
            if first:
                if part.entries:
                    words.append(part.count(len(part.entries)))
                continue
            if new:
                words.append(f"{len(new)} {part.new[0] if len(new) == 1 else part.new[1]}")
            left = gone[part.key]
            if left and part.key == "overdue":
                words += self._closed_or_moved(left)
            elif left and part.gone:
                words.append(f"{len(left)} {part.gone[0] if len(left) == 1 else part.gone[1]}")
        return ", ".join(words)

    def _closed_or_moved(self, keys: list[str]) -> list[str]:
        """Overdue actions no longer listed: closed (done or cancelled) or moved on."""
        ids = [int(k.split(":")[1]) for k in keys]
        closed = self.session.exec(
            select(func.count()).where(col(Action.id).in_(ids), Action.status != "open")
        ).one()
        words = [f"{closed} closed"] if closed else []
        if len(ids) - closed:
            words.append(f"{len(ids) - closed} moved on")
        return words


def _unshown(actions: int, groups: int, more: str | None) -> str:
    what = overdue.plural(actions, "more new overdue action")
    where = overdue.plural(groups, "more group")
    return f"... and {what} in {where} by agency and owner: `{more}` lists them all."


def _gone(part: DigestPart, before: set[str]) -> list[str]:
    prefix = f"{part.key}:"
    now = {e.key for e in part.entries}
    return sorted(k for k in before if k.startswith(prefix) and k not in now)


def _section(part: DigestPart, new: list[DigestEntry]) -> Section:
    rest = len(part.entries) - len(new)
    items = [e.item for e in new[: overdue.MAX_ITEMS]]
    more = len(new) - len(items)
    if more or rest:
        said = ", ".join(
            w
            for w in (f"{more} more new" if more else "", f"{rest} listed before" if rest else "")
            if w
        )
        hint = f": `{part.more}` lists them all" if part.more else ""
        items.append(Item(f"... {said}{hint}"))
    counted = f", {len(new)} new" if new and rest else ""
    return Section(f"{part.title}: {len(part.entries)}{counted}", items=items)


def _scope(session: Session, viewer: Actor) -> Collection[int] | None:
    """A police coordinator's digest covers their area's OCGs and those they hold a role on."""
    if viewer.area is None:
        return None
    ids = set(session.exec(select(Ocg.id).where(Ocg.area == viewer.area)).all())
    return {i for i in ids if i is not None} | set(viewer.ocg_roles)


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
