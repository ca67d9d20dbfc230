"""The decision log: ``ocg decide`` and ``ocg decisions``, and the entries other changes write.

Seed 001 ("Written records") asks the LRO to record decisions with their reasons, including what
is deliberately not being done and why a strand cannot be developed. Entries are append-only: a
correction is a new entry naming the one it corrects. Partners see only entries written for
partners.
"""

from __future__ import annotations

from socbot_plugins.plan.models import Decision
from sqlmodel import col, select

from socbot import PILLARS, Ocg, Person, hold
from socbot.clock import local, say_date
from socbot.context import Context
from socbot.events import NO_REASON, Event, OcgChanged, ReviewRecorded
from socbot.model import Command, CommandError, Fact, Item, Reply, Section, Severity
from socbot.parser import because, record_number

PLAN_PILLARS = tuple(p for p in PILLARS if p != "intel")
SHOWN = 15
MIN_WORDS = 2
TOPIC_WORDS = {
    "not": "Not doing",
    "decision": "Decision",
    "aim": "Aim",
    "hold": "Hold intention",
    "build": "Build intention",
    "phase": "Phase",
    "lead": "Lead",
    "role": "Role",
    "score": "Scores",
    "objective": "Objective",
    "target": "Target",
    "status": "Status",
    "closure": "Closed",
    "reopen": "Reopened",
    "handover": "Hand-over",
    "no-lro": "No LRO",
    "minutes": "Minutes",
}
USAGE = 'decide <OCG> [not] [<pillar>] "decision" because "rationale" [partner=yes] [corrects=<id>]'


def record(
    ctx: Context,
    ocg: Ocg,
    text: str,
    rationale: str,
    *,
    topic: str = "decision",
    pillar: str | None = None,
    partner: bool = False,
    corrects: Decision | None = None,
) -> Decision:
    """Append one entry to ``ocg``'s log, by the person running the command, now."""
    entry = Decision(
        ocg_id=ocg.id or 0,
        at=ctx.utcnow(),
        by_id=ctx.actor.id or 0,
        topic=topic,
        pillar=pillar,
        text=text,
        rationale=rationale,
        partner=partner,
        corrects_id=corrects.id if corrects else None,
    )
    ctx.session.add(entry)
    ctx.session.flush()
    return entry


def require_rationale(rationale: str, example: str) -> str:
    """A rationale of at least two words: "ok" is not a reason anyone can review."""
    if len(rationale.split()) < MIN_WORDS:
        raise CommandError(
            "Say why, in a few words, after `because`: the decision log is read at review and "
            f"may be read in court. e.g. `{example}`.",
            field="because",
        )
    return rationale


def decide(ctx: Context, cmd: Command) -> Reply:
    """``decide <OCG> [not] [<pillar>] "decision" because "rationale"``."""
    words, rationale = because(cmd)
    if not words:
        raise CommandError(f"Which OCG, and what was decided? `ocg {USAGE}`", field="ocg")
    unknown = sorted(set(cmd.options) - {"partner", "corrects", "because", "confirm"})
    if unknown:
        raise CommandError(
            f"I don't know the option {unknown[0]}=. `decide` takes partner=yes and "
            "corrects=<entry number>.",
            field=unknown[0],
        )
    ocg = ctx.ocg(words[0])
    rest = list(words[1:])
    topic = "decision"
    if rest and rest[0].lower() == "not":
        topic = "not"
        rest.pop(0)
    pillar = None
    if rest and rest[0].lower() in PILLARS:
        pillar = rest.pop(0).lower()
    text = " ".join(rest).strip()
    if not text:
        raise CommandError(
            f'What was decided? e.g. `ocg decide {ocg.ref} not prepare "no exit work while the '
            'principals are on remand" because "nothing to build on yet"`.',
            field="text",
        )
    require_rationale(rationale, f'ocg decide {ocg.ref} "{text}" because "..."')
    corrects = _corrected(ctx, ocg, cmd.options.get("corrects"))
    partner = _yes(cmd.options.get("partner", "no"), "partner")
    shown = _as_partners_see(ctx, ocg, {"Decision": text, "Because": rationale}) if partner else []
    entry = record(
        ctx, ocg, text, rationale, topic=topic, pillar=pillar, partner=partner, corrects=corrects
    )
    facts = [Fact("Because", rationale)]
    if pillar:
        facts.insert(0, Fact("Pillar", pillar.capitalize()))
    if corrects:
        facts.append(Fact("Corrects", f"#{corrects.id} ({say_date(local(corrects.at))})"))
    facts.append(Fact("Partners", "can read this entry" if partner else "don't see it"))
    facts += shown
    what = "Recorded what is deliberately not done" if topic == "not" else "Decision recorded"
    return Reply(
        title=f"{what}: {ocg.ref} {ctx.ocg_name(ocg)} #{entry.id}",
        text=text,
        facts=facts,
        severity=Severity.SUCCESS,
    )


def _as_partners_see(ctx: Context, ocg: Ocg, texts: dict[str, str]) -> list[Fact]:
    """An entry written for partners is checked as text given to a partner is (``socbot.hold``):
    the writer sees it as partners will, and a name socbot doesn't know holds it."""
    every_ocg = [i for i in ctx.session.exec(select(Ocg.id)).all() if i is not None]
    return hold.preview(
        ctx.session, ctx.command, ocg, texts, "partners", every_ocg, ctx.access.aliases
    )


def _yes(value: str, name: str) -> bool:
    if value.lower() in ("yes", "y", "true"):
        return True
    if value.lower() in ("no", "n", "false"):
        return False
    raise CommandError(f"{name}= is yes or no.", field=name)


def _corrected(ctx: Context, ocg: Ocg, wanted: str | None) -> Decision | None:
    if wanted is None:
        return None
    number = record_number(wanted)
    found = ctx.session.get(Decision, number) if number is not None else None
    if found is None or found.ocg_id != ocg.id:
        raise CommandError(
            f"{ocg.ref} has no decision #{wanted}. `ocg decisions {ocg.ref}` lists them.",
            field="corrects",
        )
    return found


def show_log(ctx: Context, cmd: Command) -> Reply:
    """``decisions <OCG> [pillar] [not]``: newest first."""
    if not cmd.args:
        raise CommandError("Which OCG? e.g. `ocg decisions smith`.", field="ocg")
    ocg = ctx.ocg(cmd.args[0])
    filters = {a.lower() for a in cmd.args[1:]}
    query = select(Decision, Person.handle).join(Person, col(Person.id) == Decision.by_id)
    query = query.where(Decision.ocg_id == ocg.id)
    if ctx.sanitised:
        query = query.where(col(Decision.partner).is_(True))
    for pillar in filters & set(PILLARS):
        query = query.where(Decision.pillar == pillar)
    if "not" in filters:
        query = query.where(Decision.topic == "not")
    rows = ctx.session.exec(
        query.order_by(col(Decision.at).desc(), col(Decision.id).desc()).limit(SHOWN)
    ).all()
    items = [entry_item(d, handle, hide_author=ctx.sanitised) for d, handle in rows]
    return Reply(
        title=f"Decision log: {ocg.ref} {ctx.ocg_name(ocg)}",
        sections=[Section(items=items)]
        if items
        else [Section(text=f"Nothing recorded yet. `ocg {USAGE}`")],
        context=f"the newest {SHOWN}" if len(items) == SHOWN else "newest first",
        sanitised=ctx.sanitised,
    )


def entry_item(d: Decision, handle: str, *, hide_author: bool = False) -> Item:
    label = TOPIC_WORDS.get(d.topic, d.topic.capitalize())
    pillar = f" ({d.pillar})" if d.pillar else ""
    who = "" if hide_author else f" @{handle}"
    corrects = f" (corrects #{d.corrects_id})" if d.corrects_id else ""
    return Item(
        f"#{d.id} {say_date(local(d.at))}{who}: {label}{pillar}: {d.text}{corrects}",
        f"because {d.rationale}",
    )


def on_event(ctx: Context, event: Event) -> None:
    """Changes made by other commands (``set``, ``review``) are written to the log too."""
    if isinstance(event, OcgChanged):
        record(
            ctx,
            event.ocg,
            _change_text(event),
            event.rationale or NO_REASON,
            topic=event.what,
            pillar=event.pillar,
        )
    elif isinstance(event, ReviewRecorded):
        review = event.review
        changed = [
            f"{name} {_say(getattr(review, f'{name}_before'))} → "
            f"{_say(getattr(review, f'{name}_after'))}"
            for name in ("band", "tier", "morile", "pmech")
            if getattr(review, f"{name}_before", None) != getattr(review, f"{name}_after", None)
        ]
        if changed:
            ocg = ctx.session.get(Ocg, review.ocg_id)
            if ocg is not None:
                record(ctx, ocg, "; ".join(changed), review.notes, topic="score")


def _change_text(event: OcgChanged) -> str:
    """``hold → build``; ``SIO: @cole → @nguyen``; ``active → archived; exit strategy: ...``.
    The entry's label already names the topic (and the pillar, for a lead)."""
    change = ""
    if event.before is not None or event.after is not None:
        change = f"{event.before or 'none'} → {event.after or 'none'}"
    if event.what == "role" and event.detail:
        return f"{event.detail}: {change}"
    return "; ".join(p for p in (change, event.detail) if p) or TOPIC_WORDS.get(event.what, "")


def _say(value: object) -> str:
    return "none" if value is None else str(value)
