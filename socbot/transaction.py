"""One command in one transaction: its reply through the one partner path, shared in the channel
when asked and allowed, and audited even after a rollback. A user error rolls back and becomes a
polite reply; anything else is logged with an incident id and the person sees only the id."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from dataclasses import replace

from sqlalchemy import Engine
from sqlmodel import Session

from socbot import access, audit, channels, redact, withhold
from socbot.context import Context
from socbot.hold import Held
from socbot.model import SENSITIVE_MARK, Button, Command, CommandError, NotAllowed, Reply, texts

log = logging.getLogger("socbot")


def complete(
    ctx: Context,
    command: Command,
    handler: Callable[[Context, Command], Reply],
    *,
    engine: Engine,
    acl: access.Access,
    audit_it: bool = True,
    sender: str = "",
    observe: Callable[[str], None] = lambda _outcome: None,
) -> Reply:
    """Run ``handler`` on ``ctx.session``, commit or roll back, and audit the outcome
    (``observe`` is told it too: the metrics)."""
    try:
        reply = redact.scrub_reply(handler(ctx, command))
        if ctx.sanitised:  # one path for every text a partner reads
            reply = partner_view(ctx, command, reply, acl)
        reply.classification = classify(ctx, reply)
        if command.share:
            share(ctx, reply)
        if audit_it:
            _audit(ctx, command, "ok", None)
        ctx.commit()
        observe("ok")
        return reply
    except Held as exc:  # shown to the writer to confirm: nothing written
        ctx.rollback()
        outcome, detail, reply = "held", exc.message, exc.reply
        if ctx.sanitised:
            reply = partner_view(ctx, command, reply, acl)
        reply.classification = classify(ctx, reply)
    except CommandError as exc:
        ctx.rollback()
        outcome = "refused" if isinstance(exc, NotAllowed) else "user-error"
        detail = exc.message
        reply = Reply.fail(redact.scrub_shaped(exc.message), exc.hint, exc.field)
        if ctx.sanitised:
            reply = partner_view(ctx, command, reply, acl)
        reply.classification = channels.OFFICIAL
    except Exception:
        ctx.rollback()
        incident = secrets.token_hex(4)
        log.exception("incident %s: %s by %s failed", incident, command.verb, sender)
        outcome, detail = "error", f"incident {incident}"
        reply = Reply.fail(
            f"Sorry, something went wrong on our side (incident {incident}). Nothing was "
            "recorded. Please try again; if it keeps happening, give the incident id to "
            "your SOC coordinator."
        )
        reply.classification = channels.OFFICIAL
    with Session(engine) as session, session.begin():  # the rollback took the audit row too
        _audit(replace(ctx, session=session, bound=None), command, outcome, detail)
    observe(outcome)
    return reply


def partner_view(ctx: Context, command: Command, reply: Reply, acl: access.Access) -> Reply:
    """The one withholding path for every text a partner reads."""
    ids, typed = ctx.ocg_ids, command.args
    return withhold.for_partner(ctx.session, ctx.actor, reply, ids, typed, acl=acl)


def classify(ctx: Context, reply: Reply) -> str:
    """A reply's marking: a partner's view and an error are OFFICIAL; any other view of the
    force's work is OFFICIAL-SENSITIVE unless its command marked it lower. Never below what a
    sensitive record in it needs."""
    if shows_sensitive(reply):
        return channels.OFFICIAL_SENSITIVE
    if ctx.sanitised or reply.sanitised or reply.error:
        return channels.OFFICIAL
    return reply.classification or channels.OFFICIAL_SENSITIVE


def shows_sensitive(reply: Reply) -> bool:
    """Whether any string of the reply carries the sensitive mark: every string its ``to_dict``
    holds, not only what a person reads (a test holds the two together). Tested one string at a
    time: serialising the reply to search it cost a twentieth of ``status``."""
    return any(SENSITIVE_MARK in text for text in _strings(reply))


def _strings(reply: Reply) -> Iterator[str]:
    yield from texts(reply)
    buttons = [*reply.buttons, *(b for i in reply.items for b in i.buttons)]
    buttons += [b for s in reply.sections for i in s.items for b in i.buttons]
    yield from _data(buttons)
    yield from (str(path) for path in (*reply.images, *reply.files))
    yield from (value for value in (reply.field, reply.classification) if value)
    form = reply.form
    if form is not None:
        yield from (form.name, form.submit_label, *form.payload.keys(), *form.payload.values())
        yield from (*form.errors.keys(), *form.errors.values())
        for put in form.inputs:
            yield from (put.name, put.kind, *put.choices)


def _data(buttons: list[Button]) -> Iterator[str]:
    for b in buttons:
        yield from (b.action, b.style or "", *b.payload.keys(), *b.payload.values())


def share(ctx: Context, reply: Reply) -> None:
    """Show the reply to the whole channel, when the channel is secure, the reply is within its
    ceiling, nobody outside the force is in it now (police-only content) and nothing in it is
    for the asker alone; otherwise say why not. A post is recorded with its recipients."""
    if ctx.sanitised or reply.sanitised:
        reply.context = "Not shared: partner views stay private to you."
        return
    if shows_sensitive(reply):
        reply.context = "Not shared: it shows a sensitive record (the OCG's police roles only)."
        return
    secure, ceiling = channels.ceiling_of(ctx.session, ctx.face, ctx.channel)
    if not (ctx.channel and secure):
        reply.context = (
            "Not shared: this channel isn't marked secure. An admin can mark it with "
            "`channel secure`."
        )
        return
    marking = reply.classification or channels.OFFICIAL_SENSITIVE
    if channels.rank(marking) > channels.rank(ceiling):
        reply.context = (
            f"Not shared: this reply is {marking} and this channel may carry {ceiling} at most "
            "(an admin sets that with `channel ceiling`)."
        )
        return
    audience: channels.Audience | None = None
    if ctx.audience is not None:  # a face that can ask the platform always does, at each post
        audience = ctx.audience()
        if audience is None:
            reply.context = (
                "Not shared: I couldn't check who is in this channel just now, and police-only "
                "content is posted only where I can. Please try again."
            )
            return
        verdict = channels.judge(ctx.session, ctx.face, audience, ctx.utcnow())
        if not verdict.police_only:
            reply.context = (
                f"Not shared: this reply is for police only and this channel includes "
                f"{verdict.why()}. Paste the OCG's reference (OCG-0001) there instead: socbot "
                "shows the partner view to a channel like this."
            )
            return
    reply.ephemeral = False
    disclose(ctx, reply, audience, how="share")


def disclose(ctx: Context, reply: Reply, audience: channels.Audience | None, *, how: str) -> None:
    """Record a post to a channel: what, at which marking, to which channel and members now."""
    shown = reply.title or reply.text or (ctx.command.text if ctx.command else "") or ""
    audit.record(
        ctx,
        action=channels.DISCLOSURE,
        text_=(ctx.command.text if ctx.command else "") or shown,
        ocg_ref=ctx.ocg_ref,
        detail=channels.disclosure_detail(
            classification=reply.classification or channels.OFFICIAL_SENSITIVE,
            shown=shown,
            audience=audience,
            how=how,
        ),
    )


def _audit(ctx: Context, command: Command, outcome: str, detail: str | None) -> None:
    audit.record(
        ctx,
        action=command.verb,
        text_=command.text or command.verb,
        ocg_ref=ctx.ocg_ref,
        outcome=outcome,
        detail=detail,
    )
    if log.isEnabledFor(logging.INFO):  # the request id (on the record) finds this audit row
        log.info(
            "audited %s by %s: %s", command.verb, ctx.actor.handle, outcome,
            extra={"audit_at": ctx.utcnow().isoformat(), "audit_actor": ctx.actor.handle,
                   "audit_action": command.verb, "outcome": outcome},
        )  # fmt: skip
