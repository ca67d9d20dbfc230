"""``scpo add`` and ``scpo list``: record an order on a nominal, and see which run out soonest.

The core checks the command's permission, runs it in one transaction and writes the audit row;
a ``CommandError`` here rolls everything back and tells the user what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, func, select

from socbot import CommandError, CommandSpec, Item, Nominal, Ocg, Reply, Severity
from socbot.clock import days_word, say_date
from socbot.context import Context
from socbot.dates import parse_day, parse_past
from socbot.events import Event
from socbot.model import Command, Fact
from socbot_scpo.models import Scpo

ADD = 'scpo add <OCG> <nominal> made=DD/MM/YYYY expires=DD/MM/YYYY "conditions"'
LIST = "scpo list [<OCG>]"
USAGE = f"{ADD}  |  {LIST}"
MAX_CONDITIONS = 2000


@dataclass(frozen=True)
class ScpoRecorded(Event):
    """An SCPO was recorded: other plugins may react (``on_event``)."""

    order: Scpo


def spec() -> CommandSpec:
    return CommandSpec(
        "scpo",
        scpo,
        "Serious Crime Prevention Orders on an OCG's nominals: record one, list them",
        usage=USAGE,
        examples=(
            'scpo add OCG-0001 "Lee Smith" made=01/02/2026 expires=01/02/2028 '
            '"No more than one mobile phone; no cash over £1,000"',
            "scpo list",
            "scpo list smith",
        ),
        permission="scpo.read",  # listing; adding also needs scpo.manage on the OCG
        writes=True,
    )


def scpo(ctx: Context, cmd: Command) -> Reply:
    sub = cmd.args[0].lower() if cmd.args else ""
    if sub == "add":
        return add(ctx, cmd)
    if sub == "list":
        return list_orders(ctx, cmd)
    raise CommandError(f"Use `{ADD}` or `{LIST}`.", hint="help scpo")


def add(ctx: Context, cmd: Command) -> Reply:
    """Check everything first, then write: a mistake leaves nothing behind."""
    if len(cmd.args) < 4:
        raise CommandError(
            f"Usage: `{ADD}` (put a nominal's name or the conditions in double quotes).",
            hint="help scpo",
        )
    unknown = sorted(set(cmd.options) - {"made", "expires"})
    if unknown:
        raise CommandError(
            f"I don't know `{unknown[0]}=`; an order takes only made= and expires=.",
            field=unknown[0],
        )
    ocg = ctx.ocg(cmd.args[1], "scpo.manage")
    nominal = _nominal(ctx, ocg, cmd.args[2])
    made_text = _option(cmd, "made", "the date the order was made")
    made = parse_past(made_text, ctx.now(), what="order date")
    expires = _day(_option(cmd, "expires", "the date the order expires"), "expires")
    if expires <= made:
        raise CommandError(
            f"The order expires ({say_date(expires)}) before it was made ({say_date(made)}).",
            field="expires",
        )
    if expires <= ctx.today():
        raise CommandError(
            f"That order expired on {say_date(expires)}: record only orders still in force.",
            field="expires",
        )
    conditions = " ".join(cmd.args[3:]).strip()
    if len(conditions) > MAX_CONDITIONS:
        raise CommandError(
            f"Keep the conditions under {MAX_CONDITIONS} characters (a summary is enough).",
            field="conditions",
        )
    order = Scpo(
        ocg_id=ocg.id or 0,
        nominal_id=nominal.id or 0,
        made_on=made,
        expires_on=expires,
        conditions=conditions,
        recorded_by_id=ctx.actor.id or 0,
        recorded_at=ctx.utcnow(),
    )
    ctx.session.add(order)
    ctx.session.flush()
    ctx.emit(ScpoRecorded(order))
    left = (expires - ctx.today()).days
    return Reply(
        title=f"SCPO recorded: {nominal.name}, {ocg.ref} {ctx.ocg_name(ocg)}",
        facts=[
            Fact("Made", say_date(made)),
            Fact("Expires", f"{say_date(expires)} (in {days_word(left)})"),
            Fact("Conditions", conditions),
        ],
        context=f"order {order.id}; the LRO is warned before it expires",
    )


def list_orders(ctx: Context, cmd: Command) -> Reply:
    """Orders on OCGs the actor may read, soonest expiry first."""
    query = select(Scpo, Nominal, Ocg).join(Nominal, col(Nominal.id) == Scpo.nominal_id)
    query = query.join(Ocg, col(Ocg.id) == Scpo.ocg_id)
    where = "you can see"
    if len(cmd.args) > 1:
        ocg = ctx.ocg(" ".join(cmd.args[1:]))
        query, where = query.where(Scpo.ocg_id == ocg.id), f"on {ocg.ref}"
    rows = ctx.session.exec(
        query.order_by(col(Scpo.expires_on), col(Ocg.ref), col(Nominal.name))
    ).all()
    allowed: dict[int, bool] = {}
    items = []
    today = ctx.today()
    for order, nominal, ocg in rows:
        if ocg.id not in allowed:
            allowed[ocg.id or 0] = ctx.can("scpo.read", ocg)
        if not allowed[ocg.id or 0]:
            continue
        left = (order.expires_on - today).days
        when = f"expires {say_date(order.expires_on)}, in {days_word(left)}"
        if left < 0:
            when = f"expired {say_date(order.expires_on)}"
        items.append(
            Item(
                f"{nominal.name} ({ocg.ref}): {when}",
                detail=order.conditions,
                severity=Severity.WARNING if left <= 30 else None,
            )
        )
    if not items:
        return Reply(text=f"No SCPOs recorded {where}. Add one with `{ADD}`.")
    return Reply(title=f"SCPOs {where}, soonest expiry first", items=items)


def _option(cmd: Command, name: str, what: str) -> str:
    value = cmd.options.get(name, "").strip()
    if not value:
        raise CommandError(f"Give {what} as {name}=DD/MM/YYYY.", field=name)
    return value


def _day(text: str, name: str) -> date:
    try:
        return parse_day(text)
    except CommandError as exc:
        raise CommandError(
            f"{name}={text} is not a date: write it day first, DD/MM/YYYY (05/03/2027).",
            field=name,
        ) from exc


def _nominal(ctx: Context, ocg: Ocg, typed: str) -> Nominal:
    """One of the OCG's nominals by id or name (case and spacing ignored)."""
    base = select(Nominal).where(Nominal.ocg_id == ocg.id)
    if typed.isdigit():
        found = ctx.session.exec(base.where(Nominal.id == int(typed))).first()
    else:
        key = " ".join(typed.lower().split())
        found = ctx.session.exec(base.where(func.lower(Nominal.name) == key)).first()
    if found is None:
        names = ctx.session.exec(base.order_by(Nominal.name)).all()
        known = ", ".join(n.name for n in names) or "none recorded yet"
        raise CommandError(
            f"{typed!r} is not a nominal of {ocg.ref}. Its nominals: {known}.", field="nominal"
        )
    return found
