"""``ocg status <OCG>``: one OCG on one screen, in a handful of indexed queries.

Police see the full picture; partners (``ctx.sanitised``) see the reference, the partner-safe name,
band, tier, review due, their own agency's actions and counts of the rest, nothing else.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from socbot_plugins.actions import rules as action_rules
from socbot_plugins.actions.models import Action
from socbot_plugins.actions.view import Redact, action_item, owner_label, redactor
from socbot_plugins.disruptions.models import NOT_COUNTED, Disruption
from socbot_plugins.ocg import rules
from sqlalchemy import Boolean, Integer, and_, bindparam, literal, literal_column, or_, union_all
from sqlmodel import col, func, select

from socbot import Assignment, Nominal, Person, access
from socbot.clock import local, say_date
from socbot.context import Context
from socbot.lookup import OcgRow
from socbot.model import Button, Command, CommandError, Fact, Item, Reply, Section, Severity
from socbot.prepared import Prepared

DUE_SOON_DAYS = 14
DISRUPTION_DAYS = 90
SHOW_OVERDUE = 3
GONE = ("left", "deceased")
_HOLDER = Assignment.person_id == Person.id


@dataclass
class Holder:
    role: str
    pillar: str | None
    handle: str
    name: str
    acting_until: str | None = None  # a delegate: an LRO assignment with an end date

    def say(self) -> str:
        acting = f", acting until {self.acting_until}" if self.acting_until else ""
        return f"{self.name} (@{self.handle}{acting})"


def show_status(ctx: Context, cmd: Command) -> Reply:
    query = cmd.rest().strip()
    if not query:
        raise CommandError(
            "Which OCG? Give a reference or a name, e.g. `ocg status OCG-0042` or "
            "`ocg status smith`. `ocg list` shows the ones you can see.",
            field="ocg",
        )
    ocg = ctx.ocg_row(query)
    counts = _counts(ctx, ocg)
    if ctx.sanitised:
        return _partner_view(ctx, ocg, counts)
    return _police_view(ctx, ocg, counts)


# -- queries -------------------------------------------------------------------------------------


_ACTION = Action.__table__  # type: ignore[attr-defined]
_DISRUPTION = Disruption.__table__  # type: ignore[attr-defined]
_SINCE = bindparam("since", type_=_DISRUPTION.c.occurred_on.type)


def _tag(text: str) -> Any:
    return literal_column(f"'{text}'")


def _seen(sensitive: Any) -> Any:
    """Visible to this actor on this OCG: ``access.sees_sensitive_on``, bound per call."""
    return or_(col(sensitive).is_(False), bindparam("see_sensitive", type_=Boolean))


def _fixed(values: tuple[str, ...]) -> list[Any]:
    """A fixed list for ``IN``, one parameter each: a plain tuple makes an expanding parameter,
    which re-renders the statement's SQL on every call."""
    return [literal(v) for v in values]


def _build_counts(police: bool) -> Any:
    """The counts UNION, built once per view: building it (and its cache key) on each call cost
    more than running it. Parameters: ``ocg``, ``now``, ``since``, ``see_sensitive``."""
    ocg_id = bindparam("ocg", type_=Integer)
    parts = [
        select(_tag("open"), _tag(""), _tag(""), func.count()).where(
            Action.ocg_id == ocg_id, Action.status == "open", _seen(Action.sensitive)
        ),
        select(_tag("overdue"), _tag(""), _tag(""), func.count()).where(
            Action.ocg_id == ocg_id,
            Action.status == "open",
            col(Action.due_at) < bindparam("now", type_=_ACTION.c.due_at.type),
            _seen(Action.sensitive),
        ),
    ]
    if police:
        parts += [
            select(_tag("disruption"), Disruption.grade, Disruption.status, func.count())
            .where(
                Disruption.ocg_id == ocg_id,
                col(Disruption.occurred_on)
                >= bindparam("since", type_=_DISRUPTION.c.occurred_on.type),
                col(Disruption.status).not_in(_fixed(NOT_COUNTED)),
                _seen(Disruption.sensitive),
            )
            .group_by(Disruption.grade, Disruption.status),
            select(_tag("nominal"), Nominal.role, _tag(""), func.count())
            .where(Nominal.ocg_id == ocg_id, col(Nominal.status).not_in(_fixed(GONE)))
            .group_by(Nominal.role),
        ]
    return union_all(*parts)


_COUNTS = {True: Prepared(_build_counts(police=True)), False: Prepared(_build_counts(police=False))}


def _counts(ctx: Context, ocg: OcgRow) -> Counter[tuple[str, str, str]]:
    """Open and overdue actions, recent disruptions by grade and status, nominals by role: one
    round trip, each part served by an index on ``ocg_id``."""
    params = {
        "ocg": ocg.id,
        "now": ctx.utcnow(),
        "since": ctx.today() - timedelta(days=DISRUPTION_DAYS),
        "see_sensitive": access.sees_sensitive_on(ctx.actor, ocg.id),
    }
    rows = _COUNTS[not ctx.sanitised].all(ctx.connection(), params)
    return Counter({(kind, a, b): n for kind, a, b, n in rows})


_NOW = bindparam("now", type_=_ACTION.c.due_at.type)
_LIVE = and_(
    col(Assignment.started_at) <= _NOW,
    or_(col(Assignment.ended_at).is_(None), col(Assignment.ended_at) > _NOW),
)
_HOLDING = (Assignment.role, Assignment.pillar, Assignment.ended_at, Person.handle, Person.name)
# Built once (as the counts are): who holds a role on the OCG, and the force-wide SROs.
_ON_OCG = Prepared(
    select(*_HOLDING)  # type: ignore[call-overload]
    .join(Person, _HOLDER)
    .where(Assignment.ocg_id == bindparam("ocg", type_=Integer), _LIVE)
)
_FORCE_SROS = Prepared(
    select(*_HOLDING)  # type: ignore[call-overload]
    .join(Person, _HOLDER)
    .where(col(Assignment.ocg_id).is_(None), Assignment.role == "sro", _LIVE)
)


def holders(ctx: Context, ocg: OcgRow) -> list[Holder]:
    """Who holds each role on the OCG now; a force-wide SRO stands in when none is named."""
    conn, now = ctx.connection(), ctx.utcnow()
    rows: list[Any] = _ON_OCG.all(conn, {"ocg": ocg.id, "now": now})
    if not any(r[0] == "sro" for r in rows):
        rows += _FORCE_SROS.all(conn, {"now": now})
    out = []
    for role, pillar, ended, handle, name in sorted(rows, key=lambda r: (r[2] is not None, r[3])):
        until = say_date(local(ended)) if ended else None
        out.append(Holder(role, pillar, handle, name, until if role == "lro" else None))
    return out


_LISTED: tuple[Any, ...] = (
    Action.id,
    Action.ocg_id,
    Action.description,
    Action.sensitive,
    Action.pillar,
    Action.status,
    Action.due_at,
    Action.owner_agency,
    col(Person.handle).label("owner_handle"),
    col(Person.agency).label("owner_agency_of_person"),
)
_OVERDUE = Prepared(
    select(*_LISTED)  # type: ignore[call-overload]
    .join(Person, Action.owner_id == Person.id, isouter=True)
    .where(
        Action.ocg_id == bindparam("ocg", type_=Integer),
        Action.status == "open",
        col(Action.due_at) < bindparam("now", type_=_ACTION.c.due_at.type),
        _seen(Action.sensitive),
    )
    .order_by(Action.due_at)
    .limit(SHOW_OVERDUE)
)


class _Owner(NamedTuple):
    handle: str
    agency: str


def _overdue_actions(ctx: Context, ocg: OcgRow) -> list[Item]:
    """The oldest overdue actions, as plain columns (no ORM objects: this runs on every status)."""
    params = {
        "ocg": ocg.id,
        "now": ctx.utcnow(),
        "see_sensitive": access.sees_sensitive_on(ctx.actor, ocg.id),
    }
    out = []
    for row in _OVERDUE.all(ctx.connection(), params):
        owner = _Owner(row.owner_handle, row.owner_agency_of_person) if row.owner_handle else None
        label = owner_label(owner, row.owner_agency)
        out.append(action_item(row, now=ctx.now(), owner=label))
    return out


def _partner_actions(ctx: Context, ocg: OcgRow) -> list[Item]:
    """The partner's own open actions and their agency's, as ``actions.rules.sees_action`` has it,
    with names withheld as in every other partner view of an action."""
    rows = ctx.session.exec(
        select(Action, Person)
        .join(Person, Action.owner_id == Person.id, isouter=True)  # type: ignore[arg-type]
        .where(Action.ocg_id == ocg.id, Action.status == "open")
        .order_by(Action.due_at, Action.id)  # type: ignore[arg-type]
    ).all()
    redact = redactor(ctx.session, [ocg.id or 0])
    return [
        _action_item(ctx, action, owner, redact)
        for action, owner in rows
        if action_rules.sees_action(ctx.session, ctx.actor, action)
    ]


def _action_item(
    ctx: Context, action: Action, owner: Person | None, redact: Redact | None = None
) -> Item:
    return action_item(
        action, now=ctx.now(), owner=owner_label(owner, action.owner_agency), redact=redact
    )


# -- views ---------------------------------------------------------------------------------------


def _review_facts(ctx: Context, ocg: OcgRow) -> list[Fact]:
    today = ctx.today()
    if ocg.status != "active":  # closed: no review is due, so none is overdue
        last = say_date(ocg.last_review_on) if ocg.last_review_on else "none"
        return [
            Fact("Last review", last),
            Fact(
                "Next review",
                f'none while {ocg.status} (`ocg reopen {ocg.ref} because "..."` restarts the '
                "clock)",
            ),
        ]
    days = (ocg.next_review_due - today).days
    severity = Severity.ERROR if days < 0 else Severity.WARNING if days <= DUE_SOON_DAYS else None
    last = (
        f"{say_date(ocg.last_review_on)} ({rules.age(ocg.last_review_on, today)})"
        if ocg.last_review_on
        else "none yet (the clock runs from when the OCG was added)"
    )
    return [
        Fact("Last review", last),
        Fact("Next review", rules.due_phrase(ocg.next_review_due, today), severity),
    ]


def _title(ctx: Context, ocg: OcgRow) -> str:
    closed = f" ({ocg.status})" if ocg.status != "active" else ""
    return f"{ocg.ref} {ctx.ocg_name(ocg)}{closed}"


def _police_view(ctx: Context, ocg: OcgRow, counts: Counter[tuple[str, str, str]]) -> Reply:
    today = ctx.today()
    morile = "not recorded"
    morile_sev: Severity | None = Severity.WARNING
    if ocg.morile is not None:
        morile = rules.say_score(ocg.morile)
        if ocg.morile_date:
            morile += (
                f", assessed {say_date(ocg.morile_date)} ({rules.age(ocg.morile_date, today)})"
            )
        if rules.stale(ocg.morile_date, today):
            morile += ": over 12 months old, due a fresh assessment"
        else:
            morile_sev = None
    facts = [
        Fact("Band", f"{ocg.band}: {rules.band_meaning(ocg.band)}"),
        Fact("MoRiLE", morile, morile_sev),
        Fact("P-mech", ocg.pmech or "none"),
        Fact("Tier", rules.tier_meaning(ocg.tier)),
        _phase_fact(ocg),
    ]
    if ocg.area:
        facts.append(Fact("Area", ocg.area))
    sections = [
        Section("Review", facts=_review_facts(ctx, ocg)),
        Section("People", facts=_people_facts(holders(ctx, ocg))),
        _actions_section(ctx, ocg, counts),
        Section("Disruptions, last 90 days", text=_disruption_text(counts)),
        Section("Nominals", text=_nominal_text(counts)),
    ]
    return Reply(
        title=_title(ctx, ocg),
        facts=facts,
        sections=sections,
        buttons=_buttons(ctx, ocg),
        severity=Severity.WARNING if _overdue(ocg, today) else Severity.INFO,
    )


def _overdue(ocg: OcgRow, today: date) -> bool:
    return ocg.status == "active" and ocg.next_review_due < today


def _phase_fact(ocg: OcgRow) -> Fact:
    if ocg.phase:
        return Fact("Phase", rules.PHASE_WORDS.get(ocg.phase, ocg.phase))
    return Fact(
        "Phase",
        f'not set — `ocg set {ocg.ref} phase clear because "..."` (or hold, or build)',
        Severity.WARNING,
    )


def _people_facts(found: list[Holder]) -> list[Fact]:
    def named(role: str, pillar: str | None = None) -> str | None:
        names = [
            h.say() for h in found if h.role == role and (pillar is None or h.pillar == pillar)
        ]
        return "; ".join(names) or None

    lro = named("lro")
    facts = [
        Fact("SRO", named("sro") or "none named"),
        Fact("LRO", lro or "none named: every OCG needs one", None if lro else Severity.ERROR),
        Fact("SIO", named("sio") or "none named"),
    ]
    for pillar in ("pursue", "prevent", "protect", "prepare", "intel"):
        lead = named("plead", pillar)
        if lead or pillar != "intel":
            facts.append(Fact(f"{pillar.capitalize()} lead", lead or "none named"))
    return facts


def _actions_section(ctx: Context, ocg: OcgRow, counts: Counter[tuple[str, str, str]]) -> Section:
    total, late = counts[("open", "", "")], counts[("overdue", "", "")]
    if not total:
        return Section("Actions", text="none open")
    text = f"{total} open, {late} overdue"
    items = _overdue_actions(ctx, ocg) if late else []
    if late > len(items):
        text += f"; the oldest {len(items)}:"
    return Section("Actions", text=text, items=items)


def _disruption_text(counts: Counter[tuple[str, str, str]]) -> str:
    by_grade: Counter[str] = Counter()
    pending = 0
    for (kind, grade, status), n in counts.items():
        if kind == "disruption":
            by_grade[grade] += n
            pending += n if status == "pending" else 0
    if not by_grade:
        return "none recorded"
    parts = ", ".join(f"{g} {by_grade[g]}" for g in ("major", "moderate", "minor") if by_grade[g])
    waiting = f" ({pending} awaiting moderation)" if pending else ""
    return f"{sum(by_grade.values())}: {parts}{waiting}"


def _nominal_text(counts: Counter[tuple[str, str, str]]) -> str:
    by_role = {role: n for (kind, role, _), n in counts.items() if kind == "nominal"}
    if not by_role:
        return "none recorded"
    order = ("principal", "significant", "peripheral")
    parts = ", ".join(f"{r} {by_role[r]}" for r in order if r in by_role)
    others = ", ".join(f"{r} {n}" for r, n in sorted(by_role.items()) if r not in order)
    return f"{sum(by_role.values())}: " + ", ".join(p for p in (parts, others) if p)


def _partner_view(ctx: Context, ocg: OcgRow, counts: Counter[tuple[str, str, str]]) -> Reply:
    mine = _partner_actions(ctx, ocg)
    total, late = counts[("open", "", "")], counts[("overdue", "", "")]
    mine_late = sum(1 for i in mine if i.severity)
    rest, rest_late = total - len(mine), late - mine_late
    facts = [
        Fact("Band", f"{ocg.band}: {rules.band_meaning(ocg.band)}"),
        Fact("Tier", rules.tier_meaning(ocg.tier)),
        Fact(
            "Review",
            rules.due_phrase(ocg.next_review_due, ctx.today())
            if ocg.status == "active"
            else f"none: {ocg.status}",
        ),
    ]
    sections = [
        Section("Your actions", text=None if mine else "none open", items=mine),
        Section("Other actions on this OCG", text=f"{rest} open, {rest_late} overdue"),
    ]
    return Reply(
        title=_title(ctx, ocg),
        facts=facts,
        sections=sections,
        buttons=_buttons(ctx, ocg),
        sanitised=True,
        context="Partner view: it leaves out intelligence and other agencies' details.",
    )


def _buttons(ctx: Context, ocg: OcgRow) -> list[Button]:
    """Buttons only for commands that are loaded and that this person may run."""
    wanted = [("Actions", "actions"), ("Disruptions", "disruptions"), ("Review history", "reviews")]
    out = []
    for label, verb in wanted:
        spec = ctx.commands.get(verb)
        if spec and ctx.can(spec.permission) and not (ctx.sanitised and verb == "reviews"):
            out.append(Button(label, verb, {"args": ocg.ref}))
    return out
