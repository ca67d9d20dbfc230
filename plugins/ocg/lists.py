"""``ocg list`` (threat order) and ``ocg reviews`` (the review calendar).

Both are two queries (a count and one page) plus one for the page's LROs, filtered in SQL to the
OCGs the person may see, so they cost the same with 10 OCGs or 5,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from socbot_plugins.ocg import rules
from sqlalchemy import case, func, or_
from sqlmodel import col, select

from socbot import Assignment, Ocg, Person
from socbot.clock import say_date
from socbot.context import Context
from socbot.model import Button, Command, CommandError, Item, Reply, Section, Severity

PAGE = 15
SOON = 14
LIST_FILTERS = "mine, overdue, due <days>, tier <1-4>, band <2B or 2>, area <name>, pmech, page <n>"
REVIEW_FILTERS = "mine, overdue, due <days>, page <n>; or an OCG for its review history"


@dataclass
class Filters:
    mine: bool = False
    overdue: bool = False
    due: int | None = None
    tier: int | None = None
    bands: tuple[str, ...] = ()
    area: str | None = None
    pmech: bool = False
    page: int = 1
    rest: list[str] = field(default_factory=list)  # words that are not filters

    def describe(self) -> str:
        parts = ["mine"] if self.mine else []
        parts += ["overdue"] if self.overdue else []
        parts += [f"due within {self.due} days"] if self.due is not None else []
        parts += [f"tier {self.tier}"] if self.tier else []
        parts += [f"band {'/'.join(self.bands)}"] if self.bands else []
        parts += [f"area {self.area}"] if self.area else []
        parts += ["with P-mech"] if self.pmech else []
        return ", ".join(parts)


def _number(word: str, what: str, low: int, high: int) -> int:
    if not word.isdigit() or not low <= int(word) <= high:
        raise CommandError(f"{what} needs a number from {low} to {high}, not {word!r}.", field=what)
    return int(word)


def parse_filters(
    cmd: Command, allowed: set[str], known: str = LIST_FILTERS, *, keep_rest: bool = False
) -> Filters:
    """Read ``due 14``, ``due=14``, ``tier 1``, ``band 2b`` ... into ``Filters``."""
    words = list(cmd.args)
    pairs: list[tuple[str, str | None]] = [(k.lower(), v) for k, v in cmd.options.items()]
    i = 0
    valued = {"due", "tier", "band", "area", "page"}
    while i < len(words):
        word = words[i].lower()
        if word in valued and word in allowed:
            if i + 1 >= len(words):
                raise CommandError(f"`{word}` needs a value, e.g. `{word} {_EXAMPLE[word]}`.")
            pairs.append((word, words[i + 1]))
            i += 2
            continue
        if word in allowed and word not in valued:
            pairs.append((word, None))
        elif keep_rest:
            pairs.append(("", words[i]))
        else:
            raise CommandError(f"I don't know the filter {words[i]!r}. Filters: {known}.")
        i += 1
    f = Filters()
    for key, value in pairs:
        if key == "":
            f.rest.append(value or "")
        elif key not in allowed:
            raise CommandError(f"I don't know the filter {key!r}. Filters: {known}.")
        elif key in ("mine", "overdue", "pmech"):
            setattr(f, key, True)
        elif key == "due":
            f.due = _number(value or "", "due", 0, 3660)
        elif key == "page":
            f.page = _number(value or "", "page", 1, 100_000)
        elif key == "tier":
            f.tier = rules.check_tier(value or "")
        elif key == "band":
            band = (value or "").strip().upper()
            whole = len(band) == 1 and band in "12345"  # band 2 = 2A, 2B and 2C
            f.bands = tuple(band + c for c in "ABC") if whole else (rules.check_band(band),)
        elif key == "area":
            f.area = (value or "").strip()
    return f


_EXAMPLE = {"due": "14", "tier": "1", "band": "2B", "area": "Portsmouth", "page": "2"}


def _scope(ctx: Context, query: Any, f: Filters) -> Any:
    """Only OCGs the person may see; ``mine`` narrows to those they hold a role on."""
    ids = ctx.access.visible_ocg_ids(ctx.session, ctx.actor)
    if f.mine and not ctx.sanitised:
        mine = set(ctx.actor.ocg_roles)
        if "coordinator" in ctx.actor.roles and ctx.actor.area:
            mine |= set(
                ctx.session.exec(select(Ocg.id).where(Ocg.area == ctx.actor.area)).all()  # type: ignore[arg-type]
            )
        ids = mine if ids is None else ids & mine
    if ids is not None:
        query = query.where(Ocg.id.in_(sorted(ids) or [-1]))  # type: ignore[union-attr]
    return query


def _where(ctx: Context, query: Any, f: Filters) -> Any:
    today = ctx.today()
    query = _scope(ctx, query, f).where(Ocg.status == "active")
    if f.overdue:
        query = query.where(Ocg.next_review_due < today)
    if f.due is not None:
        query = query.where(Ocg.next_review_due <= today + timedelta(days=f.due))
    if f.tier:
        query = query.where(Ocg.tier == f.tier)
    if f.bands:
        query = query.where(Ocg.band.in_(f.bands))  # type: ignore[attr-defined]
    if f.area:
        query = query.where(func.lower(Ocg.area) == f.area.lower())
    if f.pmech:
        query = query.where(Ocg.pmech.is_not(None))  # type: ignore[union-attr]
    return query


def _page(ctx: Context, f: Filters, order: tuple[Any, ...]) -> tuple[int, list[Ocg]]:
    total = ctx.session.exec(_where(ctx, select(func.count()).select_from(Ocg), f)).one()
    rows = ctx.session.exec(
        _where(ctx, select(Ocg), f).order_by(*order).offset((f.page - 1) * PAGE).limit(PAGE)
    ).all()
    return total, list(rows)


def lros(ctx: Context, ocg_ids: list[int]) -> dict[int, list[str]]:
    """Handles of each OCG's current LRO(s), for one page of OCGs, in one query."""
    if not ocg_ids:
        return {}
    now = ctx.utcnow()
    rows = ctx.session.exec(
        select(Assignment.ocg_id, Person.handle)
        .join(Person, Assignment.person_id == Person.id)  # type: ignore[arg-type]
        .where(
            Assignment.ocg_id.in_(ocg_ids),  # type: ignore[union-attr]
            Assignment.role == "lro",
            Assignment.started_at <= now,
            or_(col(Assignment.ended_at).is_(None), col(Assignment.ended_at) > now),
        )
        .order_by(Person.handle)
    ).all()
    out: dict[int, list[str]] = {}
    for ocg_id, handle in rows:
        out.setdefault(ocg_id or 0, []).append(handle)
    return out


def review_severity(due: date, today: date) -> Severity | None:
    days = (due - today).days
    return Severity.ERROR if days < 0 else Severity.WARNING if days <= SOON else None


def _paging(total: int, f: Filters, verb: str) -> str:
    pages = max(1, -(-total // PAGE))
    note = f"page {f.page} of {pages}"
    if f.page < pages:
        note += f"; `ocg {verb} ... page {f.page + 1}` for more"
    return note


# -- ocg list ------------------------------------------------------------------------------------


def show_list(ctx: Context, cmd: Command) -> Reply:
    f = parse_filters(cmd, {"mine", "overdue", "due", "tier", "band", "area", "pmech", "page"})
    if ctx.sanitised and (f.area or f.pmech):  # the partner view shows neither
        raise CommandError(
            "The partner view doesn't show areas or P-mech, so it can't filter by them. Try "
            "`list overdue` or `list tier 1`.",
            field="area",
        )
    threat = (
        Ocg.band,
        case((Ocg.pmech.is_(None), 1), else_=0),  # type: ignore[union-attr]
        Ocg.pmech,
        Ocg.next_review_due,
        Ocg.ref,
    )
    total, rows = _page(ctx, f, threat)
    today = ctx.today()
    leads = {} if ctx.sanitised else lros(ctx, [o.id or 0 for o in rows])
    items = []
    for ocg in rows:
        bits = [ocg.band, f"tier {ocg.tier}"]
        if not ctx.sanitised:
            bits += [ocg.pmech] if ocg.pmech else []
            bits += [ocg.area] if ocg.area else []
            lro = leads.get(ocg.id or 0)
            bits.append("LRO " + ", ".join(f"@{h}" for h in lro) if lro else "no LRO named")
        bits.append("review " + rules.due_phrase(ocg.next_review_due, today))
        items.append(
            Item(
                f"{ocg.ref} {ctx.ocg_name(ocg)}",
                " · ".join(bits),
                review_severity(ocg.next_review_due, today),
                [Button("Status", "status", {"args": ocg.ref})],
            )
        )
    described = f.describe()
    title = f"OCGs{' (' + described + ')' if described else ''}: {total}"
    if not rows:
        text = "None match." if described else "You can't see any OCGs yet."
        return Reply(title=title, text=text + " Try `ocg list` with fewer filters.")
    return Reply(
        title=title,
        items=items,
        sanitised=ctx.sanitised,
        context="Highest threat first (band, then P-mech, then most overdue); "
        + _paging(total, f, "list"),
    )


# -- ocg reviews ---------------------------------------------------------------------------------


def review_calendar(ctx: Context, f: Filters) -> Reply:
    """Reviews in date order, grouped into overdue, due soon and later."""
    if f.due is None and not f.overdue:
        f.due = 31
    total, rows = _page(ctx, f, (Ocg.next_review_due, Ocg.band, Ocg.ref))
    today = ctx.today()
    leads = {} if ctx.sanitised else lros(ctx, [o.id or 0 for o in rows])
    groups: dict[str, list[Item]] = {"Overdue": [], f"Due in the next {SOON} days": [], "Later": []}
    for ocg in rows:
        days = (ocg.next_review_due - today).days
        name = list(groups)[0 if days < 0 else 1 if days <= SOON else 2]
        lro = leads.get(ocg.id or 0)
        last = say_date(ocg.last_review_on) if ocg.last_review_on else "none yet"
        detail = [f"tier {ocg.tier}", f"last {last}"]
        if not ctx.sanitised:
            detail.append("LRO " + ", ".join(f"@{h}" for h in lro) if lro else "no LRO named")
        groups[name].append(
            Item(
                f"{ocg.ref} {ctx.ocg_name(ocg)}: {rules.due_phrase(ocg.next_review_due, today)}",
                " · ".join(detail),
                review_severity(ocg.next_review_due, today),
            )
        )
    described = f.describe()
    if not rows:
        return Reply(title=f"Reviews ({described}): none", text="Nothing is due in that window.")
    return Reply(
        title=f"Reviews ({described}): {total}",
        sections=[Section(name, items=items) for name, items in groups.items() if items],
        sanitised=ctx.sanitised,
        context=_paging(total, f, "reviews"),
    )
