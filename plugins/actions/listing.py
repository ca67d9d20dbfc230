"""``ocg actions [mine] [overdue] [<OCG>] [@owner] [agency NAME]``: open actions, grouped by OCG,
oldest due first. Every filter is an indexed condition and the page is fetched with one query
(plus one each for the OCGs and owners shown), so it stays quick on a national store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from socbot_plugins.actions import rules, store
from socbot_plugins.actions.models import Action
from socbot_plugins.actions.view import action_item, ocg_label, owner_label, redactor
from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlmodel import col, select

from socbot import Button, CommandError, CommandSpec, Ocg, Person, Reply, Section, access
from socbot.context import Context
from socbot.model import Command

PAGE = 25
MAX_PAGE = 100_000
_KEYWORDS = ("mine", "my", "overdue", "late", "agency", "page")


def spec() -> CommandSpec:
    return CommandSpec(
        "actions",
        list_actions,
        "Open actions: yours, an OCG's, a person's or an agency's; oldest due first",
        usage="actions [mine] [overdue] [<OCG>] [@owner] [agency NAME] [page N]",
        examples=(
            "actions mine",
            "actions smith overdue",
            "actions @evans",
            "actions agency Trading Standards overdue",
        ),
        details="Partners see their own and their agency's actions only.",
    )


@dataclass
class Filters:
    mine: bool = False
    overdue: bool = False
    ocg_words: list[str] = field(default_factory=list)
    owner: str | None = None
    agency: str | None = None
    page: int = 1


def _page(word: str) -> int:
    """A page number, politely refused when it isn't one (as ``ocg list`` does)."""
    text = word.strip()
    if not (text.isdigit() and text.isascii() and len(text) <= 6 and 1 <= int(text) <= MAX_PAGE):
        raise CommandError(
            f"page needs a number from 1 to {MAX_PAGE}, not {text[:24]!r}.", field="page"
        )
    return int(text)


def parse_filters(cmd: Command) -> Filters:
    found = Filters(agency=cmd.options.get("agency"), owner=cmd.options.get("owner"))
    if "page" in cmd.options:
        found.page = _page(cmd.options["page"])
    words = list(cmd.args)
    i = 0
    while i < len(words):
        word, low = words[i], words[i].lower()
        if low in ("mine", "my"):
            found.mine = True
        elif low in ("overdue", "late"):
            found.overdue = True
        elif low == "agency":
            taken = []
            while i + 1 < len(words) and words[i + 1].lower() not in _KEYWORDS:
                if words[i + 1].startswith("@"):
                    break
                i += 1
                taken.append(words[i])
            if not taken:
                raise CommandError("Which agency? e.g. `ocg actions agency Trading Standards`.")
            found.agency = " ".join(taken)
        elif low == "page" and i + 1 < len(words):
            i += 1
            found.page = _page(words[i])
        elif word.startswith("@"):
            found.owner = word
        else:
            found.ocg_words.append(word)
        i += 1
    return found


def list_actions(ctx: Context, cmd: Command) -> Reply:
    """Build the conditions from the filters, then fetch one page and the counts."""
    wanted = parse_filters(cmd)
    now = ctx.utcnow()
    actor = ctx.actor
    where: list[Any] = [
        Action.status == "open",
        access.sensitive_visible(actor, col(Action.sensitive), col(Action.ocg_id)),
    ]
    heading = ["Open actions"]
    agency_people = select(Person.id).where(func.lower(Person.agency) == actor.agency.lower())
    if wanted.mine:
        mine: list[ColumnElement[bool]] = [col(Action.owner_id) == actor.id]
        if "coordinator" in actor.roles:  # coordinators hold their agency's unclaimed actions
            mine.append(
                and_(
                    Action.owner_id.is_(None),  # type: ignore[union-attr]
                    func.lower(Action.owner_agency) == actor.agency.lower(),
                )
            )
        where.append(or_(*mine))
        heading = ["Your open actions"]
    elif ctx.sanitised:  # partners: their own and their agency's, nothing else
        where.append(
            or_(
                Action.owner_id.in_(agency_people),  # type: ignore[union-attr]
                and_(
                    Action.owner_id.is_(None),  # type: ignore[union-attr]
                    func.lower(Action.owner_agency) == actor.agency.lower(),
                ),
            )
        )
    ocg = None
    if wanted.ocg_words:
        ocg = ctx.ocg(" ".join(wanted.ocg_words))
        where.append(Action.ocg_id == ocg.id)
        heading.append(f"on {ocg_label(ocg, ctx.sanitised)}")
    elif not wanted.mine and not ctx.sanitised:
        visible = ctx.access.visible_ocg_ids(ctx.session, actor)
        if visible is not None:
            where.append(
                or_(col(Action.ocg_id).in_(visible or {0}), col(Action.owner_id) == actor.id)
            )
    if wanted.owner:
        person = ctx.person(wanted.owner)
        where.append(Action.owner_id == person.id)
        heading.append(f"owned by @{person.handle}")
    if wanted.agency:
        name = store.agencies(ctx.session).get(wanted.agency.lower())
        if name is None:
            raise CommandError(
                f"I don't know an agency called {wanted.agency!r}. Agencies: "
                f"{', '.join(sorted(store.agencies(ctx.session).values()))}."
            )
        members = select(Person.id).where(Person.agency == name)
        where.append(
            or_(
                Action.owner_id.in_(members),  # type: ignore[union-attr]
                and_(col(Action.owner_id).is_(None), col(Action.owner_agency) == name),
            )
        )
        heading.append(f"for {name}")
    if wanted.overdue:
        where.append(Action.due_at < now)
        heading[0] = heading[0].replace("open", "overdue").replace("Open", "Overdue")
    total, late = ctx.session.exec(
        select(func.count(), func.sum(case((Action.due_at < now, 1), else_=0))).where(*where)  # type: ignore[arg-type]
    ).one()
    rows = ctx.session.exec(
        select(Action)
        .where(*where)
        .order_by(Action.due_at, Action.id)  # type: ignore[arg-type]
        .offset((wanted.page - 1) * PAGE)
        .limit(PAGE)
    ).all()
    title = " ".join(heading)
    if not rows and total:
        raise CommandError(
            f"There is no page {wanted.page}: {total} open make {-(-total // PAGE)} page(s).",
            field="page",
        )
    if not rows:
        return Reply(
            title=title,
            text="Nothing open here. `ocg actions mine` shows yours; `help actions` lists the "
            "filters.",
        )
    return Reply(
        title=f"{title}: {total}" + (f", {late or 0} overdue" if not wanted.overdue else ""),
        sections=_sections(ctx, list(rows), single=ocg is not None),
        context=_paging(total, wanted.page),
    )


def _paging(total: int, page: int) -> str | None:
    if total <= PAGE:
        return None
    pages = -(-total // PAGE)
    more = f"; add `page {page + 1}` for more" if page < pages else ""
    return (
        f"Oldest first, page {page} of {pages} ({total} in all){more}. Narrow it with an OCG, "
        "`overdue` or @owner."
    )


def _sections(ctx: Context, rows: list[Action], *, single: bool) -> list[Section]:
    """Group by OCG, groups in order of their oldest action; buttons where the actor may act."""
    session, now = ctx.session, ctx.now()
    ocgs = {
        o.id or 0: o
        for o in session.exec(select(Ocg).where(Ocg.id.in_({a.ocg_id for a in rows}))).all()  # type: ignore[union-attr]
    }
    owner_ids = {a.owner_id for a in rows if a.owner_id}
    people = {
        p.id: p
        for p in session.exec(select(Person).where(Person.id.in_(owner_ids))).all()  # type: ignore[union-attr]
    }
    redact = redactor(session, ocgs) if ctx.sanitised else None
    sections: dict[int, Section] = {}
    for action in rows:
        ocg = ocgs[action.ocg_id]
        person = people.get(action.owner_id) if action.owner_id else None
        owner = store.Owner(person=person, agency=action.owner_agency)
        may = rules.change_reason(ctx.actor, action, ocg, owner) is not None
        section = sections.setdefault(
            action.ocg_id, Section(ocg_label(ocg, ctx.sanitised), items=[])
        )
        item = action_item(
            action,
            now=now,
            owner=owner_label(person, action.owner_agency),
            buttons=may,
            redact=redact,
        )
        if person is None and (action.owner_agency or "").lower() == ctx.actor.agency.lower():
            item.buttons.append(Button("Take it", "take", {"args": str(action.id)}))
        section.items.append(item)
    if single:
        for section in sections.values():
            section.title = None
    return list(sections.values())
