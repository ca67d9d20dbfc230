"""``ocg disruptions``: an OCG's disruptions, newest first, with totals by grade, pillar and
outcome. Partners see the totals and their own agency's entries; other entries are withheld.
"""

from __future__ import annotations

from socbot_plugins.disruptions import parse, query
from socbot_plugins.disruptions.models import GRADES, Disruption
from sqlmodel import col

from socbot import Nominal, Person, access
from socbot.clock import say_date
from socbot.context import Context
from socbot.dates import parse_past
from socbot.model import SENSITIVE_MARK, Command, CommandError, Fact, Item, Reply

FILTER_WORDS = ("since", "grade", "pillar", "status")
STATUSES = ("pending", "needs_info", "accepted", "rejected", "merged", "all")
USAGE = (
    "disruptions <OCG> [since <date>] [grade <grade>] [pillar <pillar>] "
    "[status pending|needs_info|accepted|rejected|merged|all]"
)


def list_disruptions(ctx: Context, cmd: Command) -> Reply:
    ocg_words, found = _filter_words(cmd)
    if not ocg_words:
        raise CommandError("Which OCG? e.g. `disruptions smith since 1/1/2027`.", field="ocg")
    ocg = ctx.ocg(" ".join(ocg_words))
    filters = query.Filters(
        since=parse_past(found["since"], ctx.now(), what="start date")
        if found.get("since")
        else None,
        grade=parse.grade(found["grade"]) if found.get("grade") else None,
        pillar=parse.pillar(found["pillar"]) if found.get("pillar") else None,
        status=parse.pick(found["status"], STATUSES, what="status", field="status")
        if found.get("status")
        else None,
        visible=access.sensitive_visible(
            ctx.actor, col(Disruption.sensitive), col(Disruption.ocg_id)
        ),
    )
    totals = query.totals(ctx.session, [ocg.id or 0], filters)
    rows = query.latest(ctx.session, [ocg.id or 0], filters)
    since = f" since {say_date(filters.since)}" if filters.since else ""
    reply = Reply(
        title=f"Disruptions: {ocg.ref} {ctx.ocg_name(ocg)}{since}",
        facts=_total_facts(totals),
        items=[_item(ctx, d, who, nominal) for d, who, nominal in rows],
        sanitised=ctx.sanitised,
    )
    if not totals.count:
        reply.text = "None recorded" + (" matching that." if found else " yet.")
    notes = []
    if totals.count > len(rows):
        notes.append(f"Showing the latest {len(rows)} of {totals.count}.")
    if filters.status is None and totals.rejected:
        notes.append(
            f"{totals.rejected} rejected by moderators not counted (`status rejected` lists them)."
        )
    if filters.status is None and totals.merged:
        notes.append(f"{totals.merged} merged into another record, counted there once.")
    if ctx.sanitised:
        notes.append("Partner view: detail is shown only for your agency's entries.")
    reply.context = " ".join(notes) or None
    return reply


def _filter_words(cmd: Command) -> tuple[list[str], dict[str, str]]:
    parse.check_options(cmd.options, FILTER_WORDS)
    ocg: list[str] = []
    found: dict[str, str] = dict(cmd.options)
    current: str | None = None
    for word in cmd.args:
        if word.lower() in FILTER_WORDS:
            current = word.lower()
            found[current] = ""
        elif current:
            found[current] = f"{found[current]} {word}".strip()
        else:
            ocg.append(word)
    for name, value in found.items():
        if not value:
            raise CommandError(
                f"`{name}` needs a value, e.g. `{name} {_example(name)}`.", field=name
            )
    return ocg, found


def _example(name: str) -> str:
    return {"since": "1/1/2027", "grade": "major", "pillar": "pursue"}.get(name, "accepted")


def _join(counter: dict[str, int], order: tuple[str, ...]) -> str:
    return " · ".join(f"{k} {counter[k]}" for k in order if counter.get(k)) or "none"


def _total_facts(t: query.Totals) -> list[Fact]:
    status = ", ".join(f"{n} {s}" for s, n in sorted(t.by_status.items()))
    facts = [
        Fact("Total", f"{t.count}" + (f" ({status})" if status else "")),
        Fact("By grade", _join(t.by_grade, GRADES)),
        Fact("By pillar", _join(t.by_pillar, parse.PILLARS)),
    ]
    outcome = parse.summary(t.sums)
    seizures = f"drug seizures in {t.drug_seizures}" if t.drug_seizures else ""
    facts.append(Fact("Outcomes", ", ".join(p for p in (outcome, seizures) if p) or "none"))
    return facts


def _item(ctx: Context, d: Disruption, who: Person, nominal: Nominal | None) -> Item:
    flag = "" if d.status == "accepted" else f" · {d.status.replace('_', ' ')}"
    text = f"#{d.id} {say_date(d.occurred_on)} · {d.grade} · {d.pillar}{flag}"
    if d.sensitive:
        text = f"{SENSITIVE_MARK} {text}"
    if ctx.sanitised and who.agency != ctx.actor.agency:
        return Item(text, "Recorded by another agency: detail withheld.")
    parts = [d.description, parse.summary(d.model_dump())]
    if nominal is not None and not ctx.sanitised:
        parts.append(f"nominal: {nominal.name}")
    parts.append(f"by @{who.handle}")
    return Item(text, " · ".join(p for p in parts if p))
