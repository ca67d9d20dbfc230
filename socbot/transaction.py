"""One command in one transaction: its reply through the one partner path, shared in the channel
when asked and allowed, and audited even after a rollback. A user error rolls back and becomes a
polite reply; anything else is logged with an incident id and the person sees only the id."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import Engine
from sqlmodel import Session, select

from socbot import access, audit, redact, withhold
from socbot.context import Context
from socbot.hold import Held
from socbot.model import SENSITIVE_MARK, Command, CommandError, NotAllowed, Reply
from socbot.store.models import Channel

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
) -> Reply:
    """Run ``handler`` on ``ctx.session``, commit or roll back, and audit the outcome."""
    try:
        reply = redact.scrub_reply(handler(ctx, command))
        if ctx.sanitised:  # one path for every text a partner reads
            reply = partner_view(ctx, command, reply, acl)
        if command.share:
            share(ctx, reply)
        if audit_it:
            _audit(ctx, command, "ok", None)
        ctx.session.commit()
        return reply
    except Held as exc:  # shown to the writer to confirm: nothing written
        ctx.session.rollback()
        outcome, detail, reply = "held", exc.message, exc.reply
        if ctx.sanitised:
            reply = partner_view(ctx, command, reply, acl)
    except CommandError as exc:
        ctx.session.rollback()
        outcome = "refused" if isinstance(exc, NotAllowed) else "user-error"
        detail = exc.message
        reply = Reply.fail(redact.scrub_shaped(exc.message), exc.hint, exc.field)
        if ctx.sanitised:
            reply = partner_view(ctx, command, reply, acl)
    except Exception:
        ctx.session.rollback()
        incident = secrets.token_hex(4)
        log.exception("incident %s: %s by %s failed", incident, command.verb, sender)
        outcome, detail = "error", f"incident {incident}"
        reply = Reply.fail(
            f"Sorry, something went wrong on our side (incident {incident}). Nothing was "
            "recorded. Please try again; if it keeps happening, give the incident id to "
            "your SOC coordinator."
        )
    with Session(engine) as session, session.begin():  # the rollback took the audit row too
        _audit(replace(ctx, session=session), command, outcome, detail)
    return reply


def partner_view(ctx: Context, command: Command, reply: Reply, acl: access.Access) -> Reply:
    """The one withholding path for every text a partner reads."""
    ids, typed = ctx.ocg_ids, command.args
    return withhold.for_partner(ctx.session, ctx.actor, reply, ids, typed, acl=acl)


def share(ctx: Context, reply: Reply) -> None:
    """Show the reply to the whole channel, when the channel is secure and nothing in it is for
    the asker alone; otherwise say why not."""
    if ctx.sanitised or reply.sanitised:
        reply.context = "Not shared: partner views stay private to you."
        return
    if SENSITIVE_MARK in json.dumps(reply.to_dict()):
        reply.context = "Not shared: it shows a sensitive record (the OCG's police roles only)."
        return
    secure = ctx.session.exec(
        select(Channel).where(Channel.platform == ctx.face, Channel.external_id == ctx.channel)
    ).first()
    if ctx.channel and secure and secure.secure:
        reply.ephemeral = False
    else:
        reply.context = (
            "Not shared: this channel isn't marked secure. An admin can mark it with "
            "`channel secure`."
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
