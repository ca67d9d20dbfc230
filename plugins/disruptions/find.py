"""Finding one disruption for the person asking, and telling its recorder what happened to it.

A disruption someone may not see (another OCG, a sensitive record, another agency's for a
partner) gets the same answer as one that does not exist.
"""

from __future__ import annotations

from socbot_plugins.disruptions.models import Disruption
from sqlmodel import select

from socbot import Ocg, Person, access
from socbot.clock import say_date
from socbot.context import Context
from socbot.lookup import display_name
from socbot.model import CommandError, Reply, Severity
from socbot.parser import record_number

MODERATORS = frozenset({"moderator"})


def find(
    ctx: Context, ident: str | None, *, example: str = "disruption 12"
) -> tuple[Disruption, Ocg]:
    """The disruption ``ident`` names, if the actor may see it; the OCG is noted for the audit
    trail and for the partner withholding."""
    wanted = (ident or "").strip()
    number = record_number(wanted)
    found = ctx.session.get(Disruption, number) if number else None
    ocg = ctx.session.get(Ocg, found.ocg_id) if found else None
    if found is None or ocg is None or not _sees(ctx, found, ocg):
        raise CommandError(
            f"There is no disruption {wanted[:20] or '(none given)'!r} you can see. Give its "
            f"number, e.g. `{example}`; `disruptions <OCG>` lists them.",
            field="id",
        )
    ctx.ocg_ref = ocg.ref
    ctx.ocg_ids.add(ocg.id or 0)
    return found, ocg


def moderator(ctx: Context) -> bool:
    return ctx.can("disruption.moderate")


def _sees(ctx: Context, d: Disruption, ocg: Ocg) -> bool:
    if moderator(ctx) or d.recorded_by_id == ctx.actor.id:  # their own words, and its history
        return True
    if not ctx.can("ocg.read", ocg):
        return False
    if d.sensitive and not access.sees_sensitive(ctx.actor, ocg.id or 0):
        return False
    if ctx.sanitised:  # partners: their own agency's records only
        recorder = ctx.session.get(Person, d.recorded_by_id)
        return recorder is not None and recorder.agency.lower() == ctx.actor.agency.lower()
    return True


def recorder_of(ctx: Context, d: Disruption) -> Person | None:
    return ctx.session.get(Person, d.recorded_by_id)


def tell_recorder(
    ctx: Context,
    d: Disruption,
    ocg: Ocg,
    *,
    title: str,
    lines: list[str],
    step: str,
    warning: bool = False,
) -> None:
    """Queue a message to the recorder (not when they made the change themselves), worded in
    the view their role allows; the outbox withholds names from a partner as it sends."""
    person = recorder_of(ctx, d)
    if person is None or not person.active or person.id == ctx.actor.id:
        return
    them = access.load_actor(ctx.session, person, ctx.utcnow())
    head = (
        f"{ocg.ref} {display_name(ocg, them)} · {say_date(d.occurred_on)} · {d.grade} · "
        f"{d.pillar}: {d.description}"
    )
    reply = Reply(
        title=title,
        text="\n".join([head, *lines]),
        severity=Severity.WARNING if warning else Severity.SUCCESS,
        sanitised=access.sanitised(them),
    )
    ctx.notify(
        key=f"moderation:disruption:{d.id}:{step}:{ctx.utcnow().isoformat()}",
        kind="moderation",
        reply=reply,
        person_id=person.id,
        ocg_id=ocg.id,
    )


def duplicates_of(ctx: Context, d: Disruption) -> list[Disruption]:
    """Records merged into or linked to ``d``."""
    return list(ctx.session.exec(select(Disruption).where(Disruption.duplicate_of_id == d.id)))
