"""``disruption <id>`` and what can be done to one record: ``history``, ``edit`` (correct any
field, with the reason) and ``answer`` (reply to a moderator's question).

The recorder corrects their own record before it is accepted; after, their correction sends it
back to moderation (a moderator accepted something else). A moderator corrects any record and
it keeps its status. Every change is kept: who, when, before, after, why.
"""

from __future__ import annotations

from socbot_plugins.disruptions import fields, history, parse
from socbot_plugins.disruptions.find import find, moderator, recorder_of, tell_recorder
from socbot_plugins.disruptions.models import Disruption
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from socbot import Ocg
from socbot.clock import say_date, say_when
from socbot.context import Context
from socbot.model import Button, Command, CommandError, Fact, NotAllowed, Reply, Severity
from socbot.parser import because

USAGE = 'disruption <id> [history | edit <field>=<value> ... because "why" | answer "..."]'
MIN_WHY = 10


def command(ctx: Context, cmd: Command) -> Reply:
    words, why = because(cmd)
    if not words:
        raise CommandError(f"Which disruption? Usage: `{USAGE}`.", field="id")
    d, ocg = find(ctx, words[0])
    what = words[1].lower() if len(words) > 1 else "show"
    if what == "history":
        return show_history(ctx, d, ocg)
    if what == "edit":
        return edit(ctx, cmd, d, ocg, why)
    if what == "answer":
        return answer(ctx, d, ocg, " ".join((*words[2:], why)).strip())
    if what == "show":
        return show(ctx, d, ocg)
    raise CommandError(
        f"`{words[1][:20]}` isn't something I can do to a disruption. Usage: `{USAGE}`.",
        field="what",
    )


def show(ctx: Context, d: Disruption, ocg: Ocg) -> Reply:
    recorder = recorder_of(ctx, d)
    facts = [
        Fact("OCG", f"{ocg.ref} {ctx.ocg_name(ocg)}"),
        Fact("When", say_date(d.occurred_on)),
        Fact("Grade", d.grade),
        Fact("Pillar", d.pillar + (f" ({d.prevent_level})" if d.prevent_level else "")),
        Fact("What", d.description),
        Fact("Status", d.status.replace("_", " ")),
    ]
    outcome = parse.summary(d.model_dump())
    if outcome:
        facts.append(Fact("Outcomes", outcome))
    facts += [Fact(label, note) for label, note in fields.qualitative_facts(d)]
    if recorder is not None:
        facts.append(Fact("Recorded by", f"@{recorder.handle} ({recorder.agency})"))
    if d.duplicate_of_id:
        facts.append(Fact("Same event as", f"#{d.duplicate_of_id}"))
    if d.moderation_note:
        facts.append(Fact("Moderator's note", d.moderation_note))
    return Reply(
        title=f"Disruption #{d.id}",
        facts=facts,
        buttons=[Button("History", "disruption", {"args": f"{d.id} history"})],
        sanitised=ctx.sanitised,
    )


def show_history(ctx: Context, d: Disruption, ocg: Ocg) -> Reply:
    return Reply(
        title=f"Disruption #{d.id} history: {ocg.ref} {ctx.ocg_name(ocg)}",
        text=f"Now {d.status.replace('_', ' ')}: {d.grade} · {d.pillar} · {d.description}",
        items=history.items(ctx, d),
        sanitised=ctx.sanitised,
    )


def _may_edit(ctx: Context, d: Disruption, ocg: Ocg) -> bool:
    """True for a moderator; False for the recorder; refused for anyone else."""
    if d.status == "merged":
        raise CommandError(
            f"Disruption #{d.id} was merged into #{d.duplicate_of_id}: correct #"
            f"{d.duplicate_of_id} instead.",
            field="id",
        )
    if moderator(ctx):
        return True
    if d.recorded_by_id == ctx.actor.id and ctx.can("disruption.record", ocg):
        return False
    raise NotAllowed(
        f"Only the person who recorded disruption #{d.id} or a moderator can correct it. "
        f"`disruption {d.id}` shows who recorded it."
    )


def edit(ctx: Context, cmd: Command, d: Disruption, ocg: Ocg, why: str) -> Reply:
    as_moderator = _may_edit(ctx, d, ocg)
    wanted = {k: v for k, v in cmd.options.items() if k not in ("because", "confirm")}
    parse.check_options(wanted, fields.EDITABLE)
    if not wanted:
        raise CommandError(
            f'Say what to change: `disruption {d.id} edit arrests=3 because "a third was '
            'arrested later that day"`. Fields: ' + ", ".join(f"{k}=" for k in fields.EDITABLE),
            field="field",
        )
    if len(why) < MIN_WHY:
        raise CommandError(
            f'Say why it changes, so the history explains itself: add `because "..."` '
            f'(e.g. `disruption {d.id} edit charged=1 because "charge came through today"`).',
            field="because",
        )
    changes: dict[str, tuple[object, object]] = {}
    for name, text in wanted.items():
        spec = fields.EDITABLE[name]
        value = spec.read(ctx, ocg, text)
        if value != getattr(d, spec.column):
            changes[name] = (getattr(d, spec.column), value)
    pillar = changes.get("pillar", (None, d.pillar))[1]
    level = changes.get("level", (None, d.prevent_level))[1]
    if pillar != "prevent" and level:
        raise CommandError("`level=` is for Prevent disruptions only.", field="level")
    if not changes:
        raise CommandError(f"Disruption #{d.id} already says that: nothing changed.", field="id")
    reopen = not as_moderator and d.status != "pending"
    values = {fields.EDITABLE[n].column: after for n, (_, after) in changes.items()}
    if reopen:
        values["status"] = "pending"
    table = Disruption.__table__  # type: ignore[attr-defined]
    won = ctx.session.execute(
        update(table).where(table.c.id == d.id, table.c.status == d.status).values(**values)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise CommandError(f"Disruption #{d.id} changed while you edited it: look again.")
    before_status = d.status
    for column, value in values.items():
        set_committed_value(d, column, value)
    facts = []
    for name, (old, new) in changes.items():
        spec = fields.EDITABLE[name]
        shown_old, shown_new = spec.show(ctx, old), spec.show(ctx, new)
        history.log(
            ctx,
            d,
            "edited",
            field=name,
            before=shown_old or None,
            after=shown_new or None,
            rationale=why,
        )
        facts.append(Fact(spec.label, f"{shown_old or '(none)'} → {shown_new or '(none)'}"))
    text = "Kept in its history with your reason."
    if reopen:
        kind = "answered" if before_status == "needs_info" else "reopened"
        history.log(
            ctx, d, kind, field="status", before=before_status, after="pending", rationale=why
        )
        text = (
            f"It was {before_status.replace('_', ' ')}: your correction sends it back to "
            "moderation. " + text
        )
    if as_moderator:
        lines = [f"{f.label}: {f.value}" for f in facts] + [f"Why: {why}"]
        tell_recorder(
            ctx,
            d,
            ocg,
            title=f"@{ctx.actor.handle} corrected your disruption #{d.id}",
            lines=lines,
            step=f"edit:{ctx.utcnow():%H%M%S}",
        )
        recorder = recorder_of(ctx, d)
        facts += ctx.for_partner(ocg, {"Why": why}, person=recorder) if recorder else []
    return Reply(
        title=f"Disruption #{d.id} corrected",
        text=text,
        facts=[*facts, Fact("Why", why)],
        severity=Severity.SUCCESS,
        buttons=[Button("History", "disruption", {"args": f"{d.id} history"})],
    )


def answer(ctx: Context, d: Disruption, ocg: Ocg, text: str) -> Reply:
    if d.recorded_by_id != ctx.actor.id:
        raise NotAllowed(f"Only the person who recorded disruption #{d.id} answers for it.")
    if d.status != "needs_info":
        raise CommandError(
            f"Nobody has asked about disruption #{d.id}: it is {d.status.replace('_', ' ')}.",
            field="id",
        )
    cleaned = " ".join(text.split())
    if len(cleaned) < MIN_WHY:
        raise CommandError(
            f'Answer in a sentence: `disruption {d.id} answer "Danny Smith, charged with '
            'conspiracy to supply"`.',
            field="answer",
        )
    table = Disruption.__table__  # type: ignore[attr-defined]
    ctx.session.execute(
        update(table)
        .where(table.c.id == d.id, table.c.status == "needs_info")
        .values(status="pending")
    )
    set_committed_value(d, "status", "pending")
    history.log(
        ctx, d, "answered", field="status", before="needs_info", after="pending", rationale=cleaned
    )
    return Reply(
        title=f"Disruption #{d.id} is back with the moderators",
        text=f"Your answer is in its history ({say_when(ctx.utcnow())}).",
        facts=[Fact("Answer", cleaned)],
        severity=Severity.SUCCESS,
    )
