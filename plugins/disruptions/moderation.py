"""Moderation as a workflow. A moderator accepts a disruption (regrading it if need be, with a
reason), asks the recorder for more information (the item waits in ``needs_info``), rejects it
with a reason, or merges a duplicate into another record. Each step is a decision kept in the
record's history with its rationale, and the recorder is told through the outbox. A decision
stands until a second moderator reverses it with ``remoderate <id> ... because "..."``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from socbot_plugins.disruptions import duplicates, fields, history, parse
from socbot_plugins.disruptions.find import find, recorder_of, tell_recorder
from socbot_plugins.disruptions.models import OPEN, Disruption
from sqlalchemy import and_, func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from socbot import Ocg, Person
from socbot.clock import say_date, say_when
from socbot.context import Context
from socbot.model import (
    Button,
    Command,
    CommandError,
    Fact,
    Form,
    Input,
    Item,
    NotAllowed,
    Reply,
    Severity,
)
from socbot.parser import because
from socbot.registry import CommandSpec, FormSpec

QUEUES = ("open", "pending", "needs-info", "accepted", "rejected", "merged")
MIN_REASON = 10
PAGE = 20
REGRADE = ("grade", "pillar", "level")  # what a moderator may change while accepting
DECISIONS = ("accept", "reject", "needs-info", "pending")


def specs() -> tuple[CommandSpec, ...]:
    moderate = "disruption.moderate"
    return (
        CommandSpec(
            "moderation",
            queue,
            "Disruptions to moderate (suspected duplicates marked), or recent decisions",
            usage="moderation [open|pending|needs-info|accepted|rejected|merged] [OCG]",
            examples=("moderation", "moderation needs-info", "moderation rejected smith"),
            permission=moderate,
        ),
        CommandSpec(
            "accept",
            accept,
            "Accept a disruption as meeting the national minimum standards, regrading if need be",
            usage='accept <id> [grade=<grade>] [pillar=<pillar>] [level=<level>] ["reason"]',
            examples=(
                "accept 12",
                'accept 7 grade=minor "runners are peripheral juveniles"',
            ),
            permission=moderate,
            details="A regrade (grade=, pillar= or level= different from what was recorded) "
            "needs a reason; the recorder is told both.",
            writes=True,
        ),
        CommandSpec(
            "needs-info",
            needs_info,
            "Ask the recorder for more before deciding: the disruption waits for their answer",
            usage='needs-info <id> "what you need to know"',
            examples=('needs-info 12 "Which nominal was charged, and with what?"',),
            permission=moderate,
            details='The recorder answers with `disruption <id> answer "..."` or corrects it '
            "with `disruption <id> edit`; either puts it back in the queue.",
            writes=True,
        ),
        CommandSpec(
            "reject",
            reject,
            "Reject a disruption, saying why, so the recorder can put it right",
            usage='reject <id> "reason"',
            examples=('reject 12 "Routine offender management, not a SOC disruption"',),
            permission=moderate,
            writes=True,
        ),
        CommandSpec(
            "merge",
            merge,
            "Merge a duplicate into the record of the same event: it is never counted twice",
            usage='merge <id> into <id> ["reason"]',
            examples=('merge 8 into 7 "Same warrant, logged by the SIO and the LRO"',),
            permission=moderate,
            writes=True,
        ),
        CommandSpec(
            "remoderate",
            remoderate,
            "Reverse another moderator's decision, with the reason",
            usage="remoderate <id> accept|reject|needs-info|pending [grade=<grade>] "
            'because "reason"',
            examples=(
                'remoderate 7 accept grade=moderate because "panel: the line was closed for good"',
                'remoderate 9 pending because "merged by mistake: a different warrant"',
            ),
            permission=moderate,
            details="Only a second moderator (not the one who decided, nor the recorder) may "
            "reverse a decision; the reason is kept in the history and sent to the recorder.",
            writes=True,
        ),
    )


def _reason_form(name: str, title: str, label: str, verb: str, submit_label: str) -> FormSpec:
    def build(ctx: Context, payload: dict[str, str]) -> Form:
        return Form(
            name,
            title,
            [
                Input("id", "Disruption number", value=payload.get("id")),
                Input("reason", label, kind="multiline"),
            ],
            submit_label=submit_label,
            payload=dict(payload),
        )

    def submit(values: dict[str, str]) -> Command:
        if not values.get("reason"):
            raise CommandError("This needs saying: the recorder reads it.", field="reason")
        args = (values.get("id", ""), values["reason"])
        return Command(verb, args, text=f'{verb} {args[0]} "{args[1]}"')

    return FormSpec(name, build, submit, "disruption.moderate")


def forms() -> tuple[FormSpec, ...]:
    """Reason boxes behind the Reject and Ask buttons: both always say why."""
    return (
        _reason_form(
            "disruption.reject",
            "Reject a disruption",
            "Why it doesn't meet the standards",
            "reject",
            "Reject",
        ),
        _reason_form(
            "disruption.needs-info",
            "Ask the recorder",
            "What you need to know",
            "needs-info",
            "Ask",
        ),
    )


# -- the queue ---------------------------------------------------------------------------------


def queue(ctx: Context, cmd: Command) -> Reply:
    words = list(cmd.args)
    wanted = "open"
    if words and words[0].lower().replace("_", "-") in QUEUES:
        wanted = words.pop(0).lower().replace("_", "-")
    statuses = OPEN if wanted == "open" else (wanted.replace("-", "_"),)
    where, test = "", cast(Any, col(Disruption.status).in_(statuses))
    if words:
        ocg = ctx.ocg(" ".join(words))
        # On one OCG its own index is narrower than the status index: keep the planner on it.
        test = and_(
            col(Disruption.ocg_id) == ocg.id, func.coalesce(Disruption.status, "").in_(statuses)
        )
        where = f" on {ocg.ref}"
    query = (
        select(Disruption, Ocg, Person)
        .join(Ocg)
        .join(Person, col(Person.id) == Disruption.recorded_by_id)
        .where(test)
    )
    counting = select(Disruption.status, func.count()).where(test).group_by(Disruption.status)
    # The queue is worked oldest first; decisions already made are shown newest first.
    order = (
        (col(Disruption.recorded_at).asc(), col(Disruption.id).asc())
        if wanted in ("open", "pending", "needs-info")
        else (col(Disruption.moderated_at).desc(), col(Disruption.id).desc())
    )
    rows = ctx.session.exec(query.order_by(*order).limit(PAGE)).all()
    counts = dict(ctx.session.exec(counting).all())
    total = sum(counts.values())
    said = "to decide" if wanted == "open" else wanted
    if not rows:
        return Reply(title=f"Moderation: {said}{where}", text=f"Nothing {said}{where}.")
    waiting = counts.get("needs_info", 0)
    title = f"Moderation: {total} {said}{where}"
    if wanted == "open" and waiting:
        title += f" ({waiting} waiting for information)"
    items = [_queue_item(ctx, d, ocg, who) for d, ocg, who in rows]
    pairs = sum(1 for i in items if "looks like #" in (i.detail or ""))
    return Reply(
        title=title,
        items=items,
        context=(f"Showing {len(rows)} of {total}. " if total > len(rows) else "")
        + (f"{pairs} marked as a likely duplicate. " if pairs else "")
        + 'Accept with `accept <id> [grade=...] ["reason"]`; ask with `needs-info <id> "..."`; '
        'reject with `reject <id> "reason"`; merge with `merge <id> into <id>`.',
    )


def _queue_item(ctx: Context, d: Disruption, ocg: Ocg, who: Person) -> Item:
    detail = [
        d.description,
        parse.summary(d.model_dump()),
        f"recorded by @{who.handle} ({who.agency}) {say_when(d.recorded_at)}",
    ]
    buttons: list[Button] = []
    if d.status in OPEN:
        settings = _settings(ctx)
        report = duplicates.Report.of(d)
        for other, _score in duplicates.likely(
            ctx.session, report, window_days=settings.duplicate_days, exclude=d.id
        )[:2]:
            why = ", ".join(duplicates.reasons(report, duplicates.Report.of(other)))
            detail.append(f"⚠ looks like #{other.id} ({other.status}; {why})")
            if (other.id or 0) < (d.id or 0):  # the later one is merged into the earlier
                buttons.append(
                    Button(f"Merge into #{other.id}", "merge", {"args": f"{d.id} into {other.id}"})
                )
        buttons = [
            Button("Accept", "accept", {"args": str(d.id)}, style="primary"),
            Button("Ask", "form:disruption.needs-info", {"id": str(d.id)}),
            Button("Reject", "form:disruption.reject", {"id": str(d.id)}, style="danger"),
            *buttons,
        ]
    if d.moderation_note:
        detail.append(f"{'asked' if d.status == 'needs_info' else 'note'}: {d.moderation_note}")
    status = "" if d.status == "pending" else f" · {d.status.replace('_', ' ')}"
    text = (
        f"#{d.id} {ocg.ref} {ocg.name} · {d.grade} · {d.pillar}"
        + (f" ({d.prevent_level})" if d.prevent_level else "")
        + f" · {say_date(d.occurred_on)}{status}"
    )
    return Item(text, " · ".join(p for p in detail if p), buttons=buttons)


def _settings(ctx: Context):  # type: ignore[no-untyped-def]
    from socbot_plugins.disruptions.settings import DisruptionsSettings

    return ctx.plugin_settings("disruptions", DisruptionsSettings)


# -- decisions ---------------------------------------------------------------------------------


def accept(ctx: Context, cmd: Command) -> Reply:
    words, reason = _words_and_reason(cmd, 'accept 12 ["reason"]')
    parse.check_options(cmd.options, (*REGRADE, "because"))
    d, ocg = _decidable(ctx, words[0])
    changes = _regrade(ctx, d, ocg, cmd.options)
    if changes and len(reason) < MIN_REASON:
        raise CommandError(
            "Say why you regrade it, so the recorder learns the standard, e.g. "
            f'`accept {d.id} grade=minor "runners are peripheral juveniles"`.',
            field="reason",
        )
    return _decide(ctx, d, ocg, "accepted", reason or None, changes)


def needs_info(ctx: Context, cmd: Command) -> Reply:
    words, question = _words_and_reason(cmd, 'needs-info 12 "what you need to know"')
    parse.check_options(cmd.options, ("because",))
    if len(question) < MIN_REASON:
        raise CommandError(
            'Ask the recorder what you need to know, e.g. `needs-info 12 "Which nominal was '
            'charged, and with what?"`.',
            field="reason",
        )
    d, ocg = _decidable(ctx, words[0], also=())
    return _decide(ctx, d, ocg, "needs_info", question, {})


def reject(ctx: Context, cmd: Command) -> Reply:
    words, reason = _words_and_reason(cmd, 'reject 12 "reason"')
    parse.check_options(cmd.options, ("because",))
    if len(reason) < MIN_REASON:
        raise CommandError(
            'Say why it is rejected, so the recorder can put it right, e.g. `reject 12 "Not '
            'against a mapped OCG"`.',
            field="reason",
        )
    d, ocg = _decidable(ctx, words[0])
    return _decide(ctx, d, ocg, "rejected", reason, {})


def merge(ctx: Context, cmd: Command) -> Reply:
    words, reason = _words_and_reason(cmd, 'merge 8 into 7 ["reason"]')
    parse.check_options(cmd.options, ("because",))
    lowered = [w.lower() for w in words]
    if len(words) < 3 or lowered[1] != "into":
        raise CommandError(
            'Say which record it duplicates: `merge 8 into 7 ["reason"]`.', field="into"
        )
    d, ocg = _decidable(ctx, words[0])
    target, _ = find(ctx, words[2], example="merge 8 into 7")
    if target.id == d.id or target.ocg_id != d.ocg_id or target.status in ("rejected", "merged"):
        raise CommandError(
            f"#{d.id} can be merged only into another live disruption of {ocg.ref} (pending, "
            f"waiting for information or accepted); #{target.id} is not one.",
            field="into",
        )
    reply = _decide(
        ctx, d, ocg, "merged", reason or f"the same event as #{target.id}", {}, target=target
    )
    history.log(
        ctx,
        target,
        "linked",
        field="duplicate",
        after=f"#{d.id}",
        rationale=reason or f"#{d.id} merged into it",
    )
    missing = [name for name in parse.COUNTS if getattr(d, name) and not getattr(target, name)]
    if missing:
        reply.context = (
            f"#{d.id} also gave {', '.join(missing)}, which #{target.id} lacks: "
            f"`disruption {target.id} edit {missing[0]}=...` adds them."
        )
    return reply


def remoderate(ctx: Context, cmd: Command) -> Reply:
    words, reason = because(cmd)
    parse.check_options(cmd.options, (*REGRADE, "because"))
    if len(words) < 2 or words[1].lower() not in DECISIONS:
        raise CommandError(
            "Usage: `remoderate <id> accept|reject|needs-info|pending [grade=...] because "
            '"reason"`.',
            field="decision",
        )
    if len(reason) < MIN_REASON:
        raise CommandError(
            'A reversal needs its reason, kept with the record: add `because "..."`.',
            field="reason",
        )
    d, ocg = find(ctx, words[0], example='remoderate 7 accept because "..."')
    if d.status in OPEN and d.status != "needs_info":
        raise CommandError(
            f"Disruption #{d.id} has no decision to reverse yet: use `accept`, `reject`, "
            "`needs-info` or `merge`.",
            field="id",
        )
    if d.moderated_by_id == ctx.actor.id:
        raise NotAllowed(f"You made the decision on #{d.id}: a second moderator must reverse it.")
    if d.recorded_by_id == ctx.actor.id:
        raise NotAllowed(f"You recorded disruption #{d.id}, so another moderator must decide it.")
    status = {"accept": "accepted", "reject": "rejected", "needs-info": "needs_info"}.get(
        words[1].lower(), "pending"
    )
    changes = _regrade(ctx, d, ocg, cmd.options) if status == "accepted" else {}
    if status != "merged" and d.status == "merged":
        target = d.duplicate_of_id
        d.duplicate_of_id = None
        if target:
            history.log(
                ctx, d, "remoderated", field="duplicate_of", before=f"#{target}", rationale=reason
            )
    return _decide(ctx, d, ocg, status, reason, changes, reversal=True)


def _words_and_reason(cmd: Command, example: str) -> tuple[tuple[str, ...], str]:
    words, given = because(cmd)
    if not words:
        raise CommandError(f"Which disruption? e.g. `{example}`.", field="id")
    text = " ".join(" ".join(words[1:]).split())
    if words[1:2] and words[1].lower() == "into":  # merge: keep "into <id>" as words
        return words[:3], " ".join(" ".join((*words[3:], given)).split())
    reason = " ".join(f"{given} {text}".split()) if given and text else (given or text)
    return words[:1], reason


def _decidable(
    ctx: Context, ident: str, also: tuple[str, ...] = ("needs_info",)
) -> tuple[Disruption, Ocg]:
    d, ocg = find(ctx, ident, example="accept 12")
    if d.status not in ("pending", *also):
        raise CommandError(_already(ctx, d))
    if d.recorded_by_id == ctx.actor.id:
        raise NotAllowed(f"You recorded disruption #{d.id}, so another moderator must decide it.")
    return d, ocg


def _regrade(
    ctx: Context, d: Disruption, ocg: Ocg, options: Mapping[str, str]
) -> dict[str, tuple[object, object]]:
    """What the moderator changes while deciding: {column: (before, after)}."""
    changes: dict[str, tuple[object, object]] = {}
    for name in REGRADE:
        if options.get(name, "").strip():
            spec = fields.EDITABLE[name]
            value = spec.read(ctx, ocg, options[name])
            if value != getattr(d, spec.column):
                changes[spec.column] = (getattr(d, spec.column), value)
    pillar = changes.get("pillar", (None, d.pillar))[1]
    level = changes.get("prevent_level", (None, d.prevent_level))[1]
    if pillar != "prevent" and level:
        changes["prevent_level"] = (d.prevent_level, None)
    return changes


def _decide(
    ctx: Context,
    d: Disruption,
    ocg: Ocg,
    status: str,
    note: str | None,
    changes: dict[str, tuple[object, object]],
    *,
    target: Disruption | None = None,
    reversal: bool = False,
) -> Reply:
    recorder = recorder_of(ctx, d)
    shown = ctx.for_partner(ocg, {"Reason": note or ""}, person=recorder) if recorder else []
    # Only from the status read: of two moderators deciding at once exactly one wins (the
    # UPDATE waits for the other's row or write lock, then finds the status changed).
    table = Disruption.__table__  # type: ignore[attr-defined]
    before = d.status
    values: dict[str, object] = {
        "status": status,
        "moderated_by_id": ctx.actor.id,
        "moderated_at": ctx.utcnow(),
        "moderation_note": note,
        **{column: after for column, (_, after) in changes.items()},
    }
    if target is not None:
        values["duplicate_of_id"] = target.id
    elif status != "merged":
        values["duplicate_of_id"] = d.duplicate_of_id
    won = ctx.session.execute(
        update(table).where(table.c.id == d.id, table.c.status == before).values(**values)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        ctx.session.refresh(d)
        raise CommandError(_already(ctx, d))
    for name, value in values.items():
        set_committed_value(d, name, value)
    kind = "remoderated" if reversal else status
    history.log(ctx, d, kind, field="status", before=before, after=status, rationale=note or "")
    for column, (old, new) in changes.items():
        history.log(ctx, d, "accepted", field=column, before=old, after=new, rationale=note or "")
    regraded = "; ".join(
        f"{'' if c == 'grade' else c.replace('prevent_', '') + ' '}{o or '(none)'} to "
        f"{n or '(none)'}"
        for c, (o, n) in changes.items()
    )
    said = status.replace("_", " ")
    title = f"Disruption #{d.id} {'now ' if reversal else ''}{said}"
    if status == "needs_info":
        title = f"Disruption #{d.id}: asked the recorder for more"
    if status == "merged" and target is not None:
        title = f"Disruption #{d.id} merged into #{target.id}"
    if regraded:
        title += f", regraded {regraded}"
    _tell(ctx, d, ocg, status, note, regraded, reversal)
    facts = [
        Fact("OCG", f"{ocg.ref} {ocg.name}"),
        Fact("Disruption", f"{say_date(d.occurred_on)} · {d.grade} · {d.pillar}"),
        Fact("What", d.description),
    ]
    if note:
        label = {"rejected": "Reason", "needs_info": "Question"}.get(status, "Reason")
        facts.append(Fact(label, note))
    facts += shown
    return Reply(
        title=title,
        facts=facts,
        text="The recorder will be told; the history keeps the decision and its reason.",
        severity=Severity.SUCCESS,
    )


def _tell(
    ctx: Context,
    d: Disruption,
    ocg: Ocg,
    status: str,
    note: str | None,
    regraded: str,
    reversal: bool,
) -> None:
    lines = []
    if regraded:
        lines.append(f"Regraded: {regraded}.")
    if status == "needs_info":
        title = f"@{ctx.actor.handle} needs more about your disruption #{d.id}"
        lines += [
            f"Question: {note}",
            f'Answer with `disruption {d.id} answer "..."`, or correct it with `disruption '
            f'{d.id} edit field=value because "..."`. It waits until you do.',
        ]
    else:
        verb = "changed its decision: now" if reversal else "was"
        title = f"Your disruption #{d.id} {verb} {status.replace('_', ' ')} by @{ctx.actor.handle}"
        if note:
            lines.append(f"Reason: {note}")
        if status == "rejected":
            lines.append(
                f"Talk to @{ctx.actor.handle} if you disagree, or correct it with `disruption "
                f'{d.id} edit field=value because "..."`: that sends it back for moderation.'
            )
    lines.append(f"`disruption {d.id} history` shows every step.")
    tell_recorder(
        ctx,
        d,
        ocg,
        title=title,
        lines=lines,
        step=status,
        warning=status in ("rejected", "needs_info", "merged"),
    )


def _already(ctx: Context, d: Disruption) -> str:
    by = ctx.session.get(Person, d.moderated_by_id) if d.moderated_by_id else None
    when = f" on {say_date(d.moderated_at)}" if d.moderated_at else ""
    who = f" by @{by.handle}" if by else ""
    return (
        f"Disruption #{d.id} is already {d.status.replace('_', ' ')}{who}{when}. Nothing "
        f"changed. A second moderator can reverse it: `remoderate {d.id} accept|reject|pending "
        'because "..."`.'
    )
