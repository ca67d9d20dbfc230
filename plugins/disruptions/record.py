"""Writing a disruption: resolve its links (nominal, tactic, action) and store it.

Shared by ``ocg disrupt`` and by closing an action with ``disrupt=GRADE``, so both paths apply
the same rules and both tell other plugins through ``ctx.emit(DisruptionRecorded(...))``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from socbot_plugins.actions.models import Action
from socbot_plugins.actions.rules import sees_action
from socbot_plugins.disruptions import checks, duplicates, fields, history, parse
from socbot_plugins.disruptions.links import check_tactic, nominal
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.disruptions.settings import DisruptionsSettings

from socbot import Nominal, Ocg
from socbot.clock import say_date
from socbot.context import Context
from socbot.dates import parse_past
from socbot.events import DisruptionRecorded
from socbot.hold import Held
from socbot.model import Button, CommandError, Fact, NotAllowed, Reply, Severity
from socbot.parser import join_args, record_number


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
    """Store one pending disruption (the caller has checked the permission) and announce it.

    Nothing is written while something needs the recorder's answer: a Prevent disruption's
    level, or a warning (not SOC disruption, a likely duplicate) they have not confirmed."""
    values = parse.outcomes(options)
    notes = fields.qualitative(options)
    level = _level(ctx, pillar, options.get("level", ""))
    found = nominal(ctx, ocg, options["nominal"]) if options.get("nominal") else None
    if action is None and options.get("action"):
        action = _action(ctx, ocg, options["action"])
    tactic = options.get("tactic") or (action.tactic_id if action else None)
    sensitive = options.get("sensitive", "").lower() in ("yes", "true", "y")
    if sensitive:
        ctx.require("record.sensitive", ocg)
    same = _linked(ctx, ocg, options.get("link", ""))
    disruption = Disruption(
        ocg_id=ocg.id or 0,
        occurred_on=occurred_on,
        grade=grade,
        pillar=pillar,
        description=description,
        nominal_id=found.id if found else None,
        tactic_id=check_tactic(tactic) if tactic else None,
        action_id=action.id if action else None,
        sensitive=sensitive or bool(action and action.sensitive),
        recorded_by_id=ctx.actor.id or 0,
        recorded_at=ctx.utcnow(),
        prevent_level=level,
        **notes,  # type: ignore[arg-type]
        **values,  # type: ignore[arg-type]
    )
    confirmed = options.get("confirm", "").lower() == "yes"
    warned = [] if same or confirmed else _warnings(ctx, disruption, ocg)
    if warned:
        raise Held(_check_reply(ctx, warned))
    if same is not None:
        disruption.status, disruption.duplicate_of_id = "merged", same.id
    ctx.session.add(disruption)
    ctx.session.flush()
    rationale = "recorded after a warning, confirmed by the recorder" if confirmed else ""
    history.log(ctx, disruption, "recorded", after=grade, rationale=rationale)
    if same is not None:
        why = f"the recorder says it is the same event as #{same.id}"
        history.log(
            ctx, disruption, "linked", field="duplicate", after=f"#{same.id}", rationale=why
        )
        history.log(
            ctx,
            same,
            "linked",
            field="duplicate",
            after=f"#{disruption.id}",
            rationale=f"#{disruption.id} recorded as the same event",
        )
    ctx.emit(DisruptionRecorded(disruption))
    return disruption


def _level(ctx: Context, pillar: str, typed: str) -> str | None:
    """A Prevent disruption says which target group it reached; asked when missing."""
    if pillar != "prevent":
        if typed.strip():
            raise CommandError("`level=` is for Prevent disruptions only.", field="level")
        return None
    if typed.strip():
        try:
            return fields.level(typed)
        except CommandError as exc:
            raise checks.explain(exc, _settings(ctx), "level") from None
    defined = _settings(ctx).definitions("level")
    raise Held(
        ask(
            ctx,
            "Which Prevent target group did it reach?",
            "Prevent disruptions are counted by target group (LRO guidance, Prevent "
            "section):\n" + "\n".join(f"- {k}: {v}" for k, v in defined.items()),
            "level",
            list(defined),
        )
    )


def ask(ctx: Context, title: str, text: str, option: str, choices: list[str]) -> Reply:
    """A question whose buttons run the same command again with ``option=choice``: nothing is
    written until it is answered. Typed, the same option answers it."""
    cmd = ctx.command
    buttons = []
    if cmd is not None:
        args = join_args(cmd)
        buttons = [Button(c.capitalize(), cmd.verb, {"args": args, option: c}) for c in choices]
    return Reply(
        title=title,
        text=text,
        buttons=buttons,
        context=f"Nothing is saved yet. Typing it? Add `{option}=` to the command.",
        severity=Severity.WARNING,
    )


def _linked(ctx: Context, ocg: Ocg, typed: str) -> Disruption | None:
    """``link=7``: this is the same event as #7, recorded once and counted once."""
    if not typed.strip():
        return None
    number = record_number(typed.strip().lstrip("#"))
    same = ctx.session.get(Disruption, number) if number else None
    if same is None or same.ocg_id != ocg.id or same.status in ("rejected", "merged"):
        raise CommandError(
            f"`link={typed[:20]}` must be a live disruption of {ocg.ref} (the one this repeats).",
            field="link",
        )
    return same


def _settings(ctx: Context) -> DisruptionsSettings:
    return ctx.plugin_settings("disruptions", DisruptionsSettings)


def _warnings(ctx: Context, d: Disruption, ocg: Ocg) -> list[tuple[str, Disruption | None]]:
    """What the recorder should look at before it is saved: (message, the likely duplicate)."""
    found: list[tuple[str, Disruption | None]] = [(m, None) for m in checks.not_soc(d.description)]
    report = duplicates.Report.of(d)
    days = _settings(ctx).duplicate_days
    for other, _score in duplicates.likely(ctx.session, report, window_days=days)[:2]:
        why = ", ".join(duplicates.reasons(report, duplicates.Report.of(other)))
        found.append(
            (
                f"It looks like disruption #{other.id} ({other.status.replace('_', ' ')}, "
                f"{say_date(other.occurred_on)}, {other.grade}: {other.description}) — {why}. "
                "Logging the same event twice counts it twice.",
                other,
            )
        )
    return found


def _check_reply(ctx: Context, warned: list[tuple[str, Disruption | None]]) -> Reply:
    cmd = ctx.command
    buttons = []
    if cmd is not None:
        args = join_args(cmd)
        buttons.append(
            Button("Record anyway", cmd.verb, {"args": args, "confirm": "yes"}, style="primary")
        )
        for _, other in warned:
            if other is not None and cmd.verb == "disrupt":
                buttons.append(
                    Button(
                        f"Same as #{other.id}: link instead",
                        cmd.verb,
                        {"args": args, "link": str(other.id)},
                    )
                )
    duplicate = any(other is not None for _, other in warned)
    return Reply(
        title="Possible duplicate: check before it is saved"
        if duplicate
        else "Check before it is saved: this may not be a SOC disruption",
        text="\n".join(f"- {m}" for m, _ in warned),
        buttons=buttons,
        context="Nothing is saved yet. To record it as it is, repeat the command with "
        "`confirm` at the end"
        + ("; if it is the same event, add `link=<id>` instead." if duplicate else "."),
        severity=Severity.WARNING,
    )


def recorded_reply(ctx: Context, disruption: Disruption, ocg: Ocg) -> Reply:
    """Restate what was stored, so a misread date or grade is caught at once."""
    facts = [
        Fact("When", say_date(disruption.occurred_on)),
        Fact("Grade", disruption.grade),
        Fact(
            "Pillar",
            disruption.pillar
            + (f" ({disruption.prevent_level})" if disruption.prevent_level else ""),
        ),
        Fact("What", disruption.description),
    ]
    outcome = parse.summary(disruption.model_dump())
    if outcome:
        facts.append(Fact("Outcomes", outcome))
    facts += [Fact(label, note) for label, note in fields.qualitative_facts(disruption)]
    if disruption.nominal_id and not ctx.sanitised:
        named = ctx.session.get(Nominal, disruption.nominal_id)
        if named:
            facts.append(Fact("Nominal", f"{named.name} ({named.role})"))
    if disruption.tactic_id:
        facts.append(Fact("Tactic", disruption.tactic_id))
    if disruption.action_id:
        facts.append(Fact("Action", f"#{disruption.action_id}"))
    facts.append(Fact("Recorded by", f"@{ctx.actor.handle} ({ctx.actor.agency})"))
    if disruption.status == "merged":
        title = (
            f"Disruption #{disruption.id} linked to #{disruption.duplicate_of_id} on {ocg.ref} "
            f"{ctx.ocg_name(ocg)}"
        )
        text = (
            f"Kept as the same event as #{disruption.duplicate_of_id}, so it is counted once. "
            f"If yours adds outcomes, ask its recorder or a moderator to add them "
            f"(`disruption {disruption.duplicate_of_id} edit ...`)."
        )
    else:
        title = f"Disruption #{disruption.id} logged against {ocg.ref} {ctx.ocg_name(ocg)}"
        text = (
            "It awaits moderation against the national minimum standards; you'll be told "
            f"what the moderator decides. `disruption {disruption.id} history` shows each step."
        )
    return Reply(
        title=title,
        text=text,
        facts=facts,
        severity=Severity.SUCCESS,
        sanitised=ctx.sanitised,
        buttons=[
            Button("Log another", "form:disruption.log", {"ocg": ocg.ref}),
            Button("All disruptions", "disruptions", {"args": ocg.ref}),
        ],
    )


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


def record_for_action(
    ctx: Context, action: Action, grade_text: str, options: Mapping[str, str] | None
) -> Disruption:
    """Closing an action with ``disrupt=GRADE``: a disruption on its OCG and pillar, linked."""
    opts = {
        k: v
        for k, v in (options or {}).items()
        if k in (*parse.RECORD_OPTIONS, "pillar", "confirm")
    }
    opts.pop("action", None)
    opts.pop("link", None)  # an action's disruption is its own record
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
