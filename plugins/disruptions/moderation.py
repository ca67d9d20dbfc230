"""Moderation: the queue, accept and reject. Only people with the moderator role may use these.

Every decision is written with who made it and when, and the recorder is told through the outbox
(kind ``moderation``) so they learn the outcome without having to ask.
"""

from __future__ import annotations

from socbot_plugins.disruptions import parse
from socbot_plugins.disruptions.models import Disruption
from sqlalchemy import and_, func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from socbot import Ocg, Person, access
from socbot.clock import say_date, say_when
from socbot.context import Context
from socbot.lookup import display_name
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
from socbot.parser import record_number
from socbot.registry import CommandSpec, FormSpec

QUEUES = ("pending", "accepted", "rejected")
MIN_REASON = 10
PAGE = 20


def specs() -> tuple[CommandSpec, ...]:
    return (
        CommandSpec(
            "moderation",
            queue,
            "Disruptions awaiting moderation (or recently accepted or rejected)",
            usage="moderation [pending|accepted|rejected] [OCG]",
            examples=("moderation", "moderation pending smith", "moderation rejected"),
            permission="disruption.moderate",
        ),
        CommandSpec(
            "accept",
            accept,
            "Accept a disruption as meeting the national minimum standards",
            usage='accept <id> ["note"]',
            examples=("accept 12", 'accept 12 "Graded major: principal remanded"'),
            permission="disruption.moderate",
            writes=True,
        ),
        CommandSpec(
            "reject",
            reject,
            "Reject a disruption, saying why, so the recorder can put it right",
            usage='reject <id> "reason"',
            examples=('reject 12 "Routine offender management, not a SOC disruption"',),
            permission="disruption.moderate",
            writes=True,
        ),
    )


def reject_form() -> FormSpec:
    """A reason box behind the Reject button: a rejection always says why."""

    def build(ctx: Context, payload: dict[str, str]) -> Form:
        return Form(
            "disruption.reject",
            "Reject a disruption",
            [
                Input("id", "Disruption number", value=payload.get("id")),
                Input("reason", "Why it doesn't meet the standards", kind="multiline"),
            ],
            submit_label="Reject",
            payload=dict(payload),
        )

    def submit(values: dict[str, str]) -> Command:
        if not values.get("reason"):
            raise CommandError("Say why it is rejected.", field="reason")
        args = (values.get("id", ""), values["reason"])
        return Command("reject", args, text=f'reject {args[0]} "{args[1]}"')

    return FormSpec("disruption.reject", build, submit, "disruption.moderate")


def queue(ctx: Context, cmd: Command) -> Reply:
    words = list(cmd.args)
    status = "pending"
    if words and words[0].lower() in QUEUES:
        status = words.pop(0).lower()
    where, test = "", col(Disruption.status) == status
    if words:
        ocg = ctx.ocg(" ".join(words))
        # On one OCG its own index is narrower than the status index: keep the planner on it.
        test = and_(
            col(Disruption.ocg_id) == ocg.id, func.coalesce(Disruption.status, "") == status
        )
        where = f" on {ocg.ref}"
    query = (
        select(Disruption, Ocg, Person)
        .join(Ocg)
        .join(Person, col(Person.id) == Disruption.recorded_by_id)
        .where(test)
    )
    counting = select(func.count()).select_from(Disruption).where(test)
    # The queue is worked oldest first; decisions already made are shown newest first.
    order = (
        (col(Disruption.recorded_at).asc(), col(Disruption.id).asc())
        if status == "pending"
        else (col(Disruption.moderated_at).desc(), col(Disruption.id).desc())
    )
    rows = ctx.session.exec(query.order_by(*order).limit(PAGE)).all()
    total = int(ctx.session.exec(counting).one())
    if not rows:
        return Reply(title=f"Moderation: {status}{where}", text=f"Nothing {status}{where}.")
    return Reply(
        title=f"Moderation: {total} {status}{where}",
        items=[_queue_item(d, ocg, who, status) for d, ocg, who in rows],
        context=(f"Showing {len(rows)} of {total}. " if total > len(rows) else "")
        + 'Accept with `accept <id> ["note"]`; reject with `reject <id> "reason"`.',
    )


def _queue_item(d: Disruption, ocg: Ocg, who: Person, status: str) -> Item:
    detail = " · ".join(
        p
        for p in (
            d.description,
            parse.summary(d.model_dump()),
            f"recorded by @{who.handle} ({who.agency}) {say_when(d.recorded_at)}",
            d.moderation_note and f"note: {d.moderation_note}",
        )
        if p
    )
    buttons = []
    if status == "pending":
        buttons = [
            Button("Accept", "accept", {"args": str(d.id)}, style="primary"),
            Button("Reject", "form:disruption.reject", {"id": str(d.id)}, style="danger"),
        ]
    text = f"#{d.id} {ocg.ref} {ocg.name} · {d.grade} · {d.pillar} · {say_date(d.occurred_on)}"
    return Item(text, detail, buttons=buttons)


def accept(ctx: Context, cmd: Command) -> Reply:
    if not cmd.args:
        raise CommandError('Which disruption? e.g. `accept 12 ["note"]`.', field="id")
    note = " ".join(cmd.args[1:]).strip() or None
    return _decide(ctx, cmd.args[0], "accepted", note)


def reject(ctx: Context, cmd: Command) -> Reply:
    if not cmd.args:
        raise CommandError('Which disruption? e.g. `reject 12 "reason"`.', field="id")
    reason = " ".join(" ".join(cmd.args[1:]).split())
    if len(reason) < MIN_REASON:
        raise CommandError(
            'Say why it is rejected, so the recorder can put it right, e.g. `reject 12 "Not '
            'against a mapped OCG"`.',
            field="reason",
        )
    return _decide(ctx, cmd.args[0], "rejected", reason)


def _decide(ctx: Context, ident: str, status: str, note: str | None) -> Reply:
    d = _disruption(ctx, ident)
    ocg = ctx.session.get(Ocg, d.ocg_id)
    assert ocg is not None  # a foreign key
    ctx.ocg_ref = ocg.ref
    if d.status != "pending":  # decided once, by one moderator: never silently reversed
        raise CommandError(_already(ctx, d))
    if d.recorded_by_id == ctx.actor.id:
        raise NotAllowed(f"You recorded disruption #{d.id}, so another moderator must decide it.")
    recorder = ctx.session.get(Person, d.recorded_by_id)
    shown = ctx.for_partner(ocg, {"Note": note or ""}, person=recorder) if recorder else []
    # Only while still pending: of two moderators deciding at once exactly one wins (the
    # UPDATE waits for the other's row or write lock, then finds the status changed).
    table = Disruption.__table__  # type: ignore[attr-defined]
    values = {
        "status": status,
        "moderated_by_id": ctx.actor.id,
        "moderated_at": ctx.utcnow(),
        "moderation_note": note,
    }
    won = ctx.session.execute(
        update(table).where(table.c.id == d.id, table.c.status == "pending").values(**values)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        ctx.session.refresh(d)
        raise CommandError(_already(ctx, d))
    for name, value in values.items():
        set_committed_value(d, name, value)
    _tell_recorder(ctx, d, ocg)
    facts = [
        Fact("OCG", f"{ocg.ref} {ocg.name}"),
        Fact("Disruption", f"{say_date(d.occurred_on)} · {d.grade} · {d.pillar}"),
        Fact("What", d.description),
    ]
    if note:
        facts.append(Fact("Reason" if status == "rejected" else "Note", note))
    facts += shown
    return Reply(
        title=f"Disruption #{d.id} {status}",
        facts=facts,
        text="The recorder will be told.",
        severity=Severity.SUCCESS,
    )


def _already(ctx: Context, d: Disruption) -> str:
    by = ctx.session.get(Person, d.moderated_by_id) if d.moderated_by_id else None
    when = f" on {say_date(d.moderated_at)}" if d.moderated_at else ""
    who = f" by @{by.handle}" if by else ""
    return f"Disruption #{d.id} is already {d.status}{who}{when}. Nothing changed."


def _disruption(ctx: Context, ident: str) -> Disruption:
    wanted = ident.strip().lstrip("#")
    number = record_number(wanted)
    found = ctx.session.get(Disruption, number) if number else None
    if found is None:
        raise CommandError(
            f"There is no disruption {ident[:20]!r}. Give its number, e.g. `accept 12`; "
            "`moderation` lists those waiting.",
            field="id",
        )
    return found


def _tell_recorder(ctx: Context, d: Disruption, ocg: Ocg) -> None:
    """Queue the outcome for the recorder, in the view their own role allows."""
    person = ctx.session.get(Person, d.recorded_by_id)
    if person is None or not person.active:
        return
    them = access.load_actor(ctx.session, person, ctx.utcnow())
    lines = [
        f"{ocg.ref} {display_name(ocg, them)} · {say_date(d.occurred_on)} · {d.grade} · "
        f"{d.pillar}: {d.description}"
    ]
    if d.status == "rejected":
        lines.append(f"Reason: {d.moderation_note}")
        lines.append(
            f"Talk to @{ctx.actor.handle} if you disagree, or log it again with the "
            "detail that was missing."
        )
    elif d.moderation_note:
        lines.append(f"Note: {d.moderation_note}")
    reply = Reply(
        title=f"Your disruption #{d.id} was {d.status} by @{ctx.actor.handle}",
        text="\n".join(lines),
        severity=Severity.SUCCESS if d.status == "accepted" else Severity.WARNING,
        sanitised=access.sanitised(them),
    )
    stamp = d.moderated_at.isoformat() if d.moderated_at else ""
    ctx.notify(
        key=f"moderation:disruption:{d.id}:{d.status}:{stamp}",
        kind="moderation",
        reply=reply,
        person_id=person.id,
        ocg_id=ocg.id,
    )
