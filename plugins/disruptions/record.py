"""Writing a disruption: resolve its links (nominal, tactic, action) and store it.

Shared by ``ocg disrupt`` and by closing an action with ``disrupt=GRADE``, so both paths apply
the same rules and both tell other plugins through ``ctx.emit(DisruptionRecorded(...))``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import date
from functools import cache

from socbot_plugins.actions.models import Action
from socbot_plugins.actions.rules import sees_action
from socbot_plugins.disruptions import parse
from socbot_plugins.disruptions.models import Disruption

from socbot import Nominal, Ocg
from socbot.clock import say_date
from socbot.context import Context
from socbot.dates import parse_past
from socbot.events import DisruptionRecorded
from socbot.model import Button, CommandError, Fact, NotAllowed, Reply, Severity
from socbot.parser import record_number

_TACTIC_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def record(
    ctx: Context,
    *,
    ocg: Ocg,
    grade: str,
    pillar: str,
    description: str,
    occurred_on: date,
    options: Mapping[str, str],
    action: Action | None = None,
) -> Disruption:
    """Store one pending disruption (the caller has checked the permission) and announce it."""
    values = parse.outcomes(options)
    nominal = _nominal(ctx, ocg, options["nominal"]) if options.get("nominal") else None
    if action is None and options.get("action"):
        action = _action(ctx, ocg, options["action"])
    tactic = options.get("tactic") or (action.tactic_id if action else None)
    sensitive = options.get("sensitive", "").lower() in ("yes", "true", "y")
    if sensitive:
        ctx.require("record.sensitive", ocg)
    disruption = Disruption(
        ocg_id=ocg.id or 0,
        occurred_on=occurred_on,
        grade=grade,
        pillar=pillar,
        description=description,
        nominal_id=nominal.id if nominal else None,
        tactic_id=check_tactic(tactic) if tactic else None,
        action_id=action.id if action else None,
        sensitive=sensitive or bool(action and action.sensitive),
        recorded_by_id=ctx.actor.id or 0,
        recorded_at=ctx.utcnow(),
        **values,  # type: ignore[arg-type]
    )
    ctx.session.add(disruption)
    ctx.session.flush()
    ctx.emit(DisruptionRecorded(disruption))
    return disruption


def recorded_reply(ctx: Context, disruption: Disruption, ocg: Ocg) -> Reply:
    """Restate what was stored, so a misread date or grade is caught at once."""
    facts = [
        Fact("When", say_date(disruption.occurred_on)),
        Fact("Grade", disruption.grade),
        Fact("Pillar", disruption.pillar),
        Fact("What", disruption.description),
    ]
    outcome = parse.summary(disruption.model_dump())
    if outcome:
        facts.append(Fact("Outcomes", outcome))
    if disruption.nominal_id and not ctx.sanitised:
        nominal = ctx.session.get(Nominal, disruption.nominal_id)
        if nominal:
            facts.append(Fact("Nominal", f"{nominal.name} ({nominal.role})"))
    if disruption.tactic_id:
        facts.append(Fact("Tactic", disruption.tactic_id))
    if disruption.action_id:
        facts.append(Fact("Action", f"#{disruption.action_id}"))
    return Reply(
        title=f"Disruption #{disruption.id} logged against {ocg.ref} {ctx.ocg_name(ocg)}",
        text="It awaits moderation against the national minimum standards; you'll be told "
        "when a moderator accepts or rejects it.",
        facts=facts,
        severity=Severity.SUCCESS,
        sanitised=ctx.sanitised,
        buttons=[
            Button("Log another", "form:disruption.log", {"ocg": ocg.ref}),
            Button("All disruptions", "disruptions", {"args": ocg.ref}),
        ],
    )


def _nominal(ctx: Context, ocg: Ocg, query: str) -> Nominal:
    """A nominal of this OCG by id, name or alias. Partners never look names up."""
    if ctx.sanitised:
        raise CommandError(
            "Partners can't link a nominal: leave `nominal=` out and the OCG's LRO can add it.",
            field="nominal",
        )
    return ctx.nominal(query, ocg=ocg)


def _action(ctx: Context, ocg: Ocg, text: str) -> Action:
    wanted = text.strip().lstrip("#")
    number = record_number(wanted)
    found = ctx.session.get(Action, number) if number else None
    hidden = found is not None and not sees_action(ctx.session, ctx.actor, found)
    if found is None or found.ocg_id != ocg.id or hidden:  # one reply: existence stays hidden
        raise CommandError(
            f"{ocg.ref} has no action {text!r}. Give the number of one of its actions "
            f"(e.g. `action=12`); `actions {ocg.ref}` lists them.",
            field="action",
        )
    return found


@cache
def _tactic_ids() -> frozenset[str] | None:
    """The catalogue's ids, read once; ``None`` when the tactics module isn't installed."""
    try:
        from socbot_plugins.tactics.catalogue import load_catalogue
    except ImportError:
        return None
    return frozenset(t.id for t in load_catalogue())


def check_tactic(text: str) -> str:
    """A tactic id from the menu of tactics (any well-formed id if the menu isn't loaded)."""
    wanted = text.strip().lower()
    ids = _tactic_ids()
    if ids is None:
        if _TACTIC_ID.match(wanted) and len(wanted) <= 48:
            return wanted
        raise CommandError(
            f"`tactic={text[:40]}` isn't a tactic id: ids are lower-case words joined by "
            "hyphens, e.g. `tactic=cash-seizure`.",
            field="tactic",
        )
    if wanted in ids:
        return wanted
    close = difflib.get_close_matches(wanted, sorted(ids), n=2, cutoff=0.6)
    hint = f" Did you mean {' or '.join(f'`{c}`' for c in close)}?" if close else ""
    raise CommandError(
        f"There is no tactic `{text[:40]}` on the menu of tactics.{hint} "
        "`tactics` searches the menu.",
        field="tactic",
    )


def record_for_action(
    ctx: Context, action: Action, grade_text: str, options: Mapping[str, str] | None
) -> Disruption:
    """Closing an action with ``disrupt=GRADE``: a disruption on its OCG and pillar, linked."""
    opts = {k: v for k, v in (options or {}).items() if k in parse.RECORD_OPTIONS or k == "pillar"}
    opts.pop("action", None)
    ocg = ctx.session.get(Ocg, action.ocg_id)
    if ocg is None:  # pragma: no cover - a foreign key makes this impossible
        raise CommandError(f"Action #{action.id} has no OCG.")
    if not ctx.can("disruption.record", ocg):
        raise NotAllowed(
            f"You can close the action but not record a disruption on {ocg.ref}: leave out "
            "`disrupt=` and ask the OCG's LRO to log it."
        )
    grade = parse.grade(grade_text)
    typed = opts.pop("pillar", "")
    if not typed and action.pillar not in parse.PILLARS:
        raise CommandError(
            f"Action #{action.id} is {action.pillar} work, which is not one of the 4Ps: add "
            "`pillar=pursue` (or prevent, protect, prepare) to say where the disruption counts.",
            field="pillar",
        )
    pillar = parse.pillar(typed or action.pillar)
    result = " ".join((action.result or "").split())
    text = result if len(result) >= 40 else f"{action.description}: {result}".rstrip(": ")
    when = opts.pop("date", "")
    return record(
        ctx,
        ocg=ocg,
        grade=grade,
        pillar=pillar,
        description=parse.description(text),
        occurred_on=parse_past(when, ctx.now(), what="disruption date") if when else ctx.today(),
        options=opts,
        action=action,
    )
