"""``ocg review``: record one structured review.

A review says what it found in each pillar, confirms or changes the scores with the reason for
any change, counts the disruptions since the review before it, and sets the next review date:
one tier period from the day it was held, or earlier if the LRO asks (seed 001, "Tiers of
response"; "Written records" asks for decisions with their reasons). It refuses a review that
says nothing ("ok"), a second scheduled review held on the same day (a trigger review, with what
triggered it, is always welcome), and says so whenever a review is entered more than two days
after it was held.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from socbot_plugins.disruptions.models import NOT_COUNTED, Disruption
from socbot_plugins.ocg import rules
from socbot_plugins.ocg.models import Review
from sqlalchemy import update
from sqlmodel import col, func, select

from socbot import REVIEW_MONTHS, Ocg, Outbox, Person
from socbot.clock import local, say_date
from socbot.context import Context
from socbot.dates import parse_due, parse_past
from socbot.events import ReviewRecorded
from socbot.model import Command, CommandError, Fact, Reply, Severity

KINDS = ("scheduled", "trigger")
PROGRESS = ("pursue", "prevent", "protect", "prepare")
# objectives="4 met; 5 partly: half the runners referred": progress against each objective,
# kept with the review and applied to the plan's objectives by the plan plugin (on_event)
OPTIONS = ("band", "tier", "morile", "pmech", "on", "next", "objectives", *PROGRESS)
LABELS = {"band": "Band", "tier": "Tier", "morile": "MoRiLE", "pmech": "P-mech"}
MIN_WORDS = 2  # "ok" is not a review anyone can read back at the tasking meeting
LATE_ENTRY_DAYS = 2  # held and entered further apart than this: both dates are shown
EXAMPLE = (
    'ocg review {ref} "on track: two principals charged, supply line quiet" '
    'pursue="two charged, one remanded" prevent="schools sessions delivered"'
)


def record_review(ctx: Context, cmd: Command) -> Reply:
    if not cmd.args:
        raise CommandError(
            "Which OCG? e.g. `" + EXAMPLE.format(ref="smith") + "` or "
            '`ocg review OCG-0042 trigger band=2B "new intelligence on supply"`.',
            field="ocg",
        )
    unknown = sorted(set(cmd.options) - set(OPTIONS))
    if unknown:
        raise CommandError(
            f"I don't know the option {unknown[0]}=. A review takes pursue=, prevent=, "
            'protect=, prepare= (progress in each P), objectives= (e.g. "4 met; 5 partly"), '
            "band=, tier=, morile=, pmech= (P1-P4 or none), on=<date held> and "
            "next=<date of the next review>.",
            field=unknown[0],
        )
    ocg = ctx.ocg(cmd.args[0], "ocg.review")
    words = list(cmd.args[1:])
    kind = "scheduled"
    if words and words[0].lower() in KINDS:
        kind = words.pop(0).lower()
    notes = " ".join(words).strip()
    new = _read_scores(cmd.options)
    progress = {p: cmd.options[p].strip() for p in PROGRESS if cmd.options.get(p, "").strip()}
    if cmd.options.get("objectives", "").strip():
        progress["objectives"] = cmd.options["objectives"].strip()
    held = _held(ctx, ocg, cmd.options)
    changes = {k: v for k, v in new.items() if getattr(ocg, k) != v}
    if kind == "trigger" and len(notes.split()) < MIN_WORDS:
        raise CommandError(
            "A trigger review needs notes saying what triggered it, e.g. "
            f'`ocg review {ocg.ref} trigger "two principals remanded"`.',
            field="notes",
        )
    if changes and not notes:
        what = ", ".join(
            f"{LABELS[k]} {say_value(getattr(ocg, k))} to {say_value(v)}"
            for k, v in changes.items()
        )
        raise CommandError(
            f"Changing {what} needs the reason in quotes, e.g. "
            f'`ocg review {ocg.ref} band={new.get("band", ocg.band)} "why"`.',
            field="notes",
        )
    _require_substance(ocg, notes, progress)
    if kind == "scheduled":
        _refuse_second_scheduled(ctx, ocg, held)
    tier = new.get("tier", ocg.tier)
    due = _next_due(ctx, ocg, held, tier, cmd.options.get("next"))
    since = ocg.last_review_on or local(ocg.created_at).date()
    review = Review(
        ocg_id=ocg.id or 0,
        reviewed_on=held,
        recorded_at=ctx.utcnow(),
        by_id=ctx.actor.id or 0,
        kind=kind,
        notes=notes,
        next_due=due,
        progress=progress,
        disruptions=disruptions_since(ctx, ocg, held),
    )
    for name, value in new.items():
        setattr(review, f"{name}_before", getattr(ocg, name))
        setattr(review, f"{name}_after", value)
        setattr(ocg, name, value)
    if "morile" in new:
        ocg.morile_date = held
    ocg.last_review_on, ocg.next_review_due = held, due
    ctx.session.add_all([ocg, review])
    ctx.session.flush()
    _drop_pending_alerts(ctx, ocg.id or 0)
    ctx.emit(ReviewRecorded(review))
    return _recorded_reply(ctx, ocg, review, new, since)


def _read_scores(options: dict[str, str]) -> dict[str, Any]:
    """Every score given, checked before anything is written."""
    new: dict[str, Any] = {}
    if "band" in options:
        new["band"] = rules.check_band(options["band"])
    if "tier" in options:
        new["tier"] = rules.check_tier(options["tier"])
    if "morile" in options:
        new["morile"] = rules.check_morile(options["morile"])
    if "pmech" in options:
        new["pmech"] = rules.check_pmech(options["pmech"])
    return new


def _held(ctx: Context, ocg: Ocg, options: dict[str, str]) -> date:
    held = ctx.today()
    if "on" in options:
        try:
            held = parse_past(options["on"], ctx.now(), what="review date")
        except CommandError as exc:
            raise CommandError(exc.message, field="on") from None
    if ocg.last_review_on and held < ocg.last_review_on:
        raise CommandError(
            f"{ocg.ref} was last reviewed on {say_date(ocg.last_review_on)}; a review can't be "
            f"recorded before that ({say_date(held)}).",
            field="on",
        )
    return held


def _require_substance(ocg: Ocg, notes: str, progress: dict[str, str]) -> None:
    """A review says what it found: a few words at least, and a few words for each P named."""
    for pillar, text in progress.items():
        if pillar in PROGRESS and len(text.split()) < MIN_WORDS:
            raise CommandError(
                f"{pillar}={text!r} doesn't say how {pillar.capitalize()} is going: a few words, "
                f'e.g. {pillar}="two arrests, warrant executed at the car wash".',
                field=pillar,
            )
    if len(" ".join([notes, *progress.values()]).split()) < MIN_WORDS:
        said = f"just {notes!r}" if notes else "nothing"
        raise CommandError(
            f"That review says {said}. A review is read back at the tasking meeting, so say in "
            "a few words how the plan stands and, for each P, what moved, e.g. "
            f"`{EXAMPLE.format(ref=ocg.ref)}`.",
            field="notes",
        )


def _refuse_second_scheduled(ctx: Context, ocg: Ocg, held: date) -> None:
    earlier = ctx.session.exec(
        select(Person.handle)
        .join(Review, col(Review.by_id) == Person.id)
        .where(Review.ocg_id == ocg.id, Review.kind == "scheduled", Review.reviewed_on == held)
    ).first()
    if earlier is not None:
        raise CommandError(
            f"{ocg.ref} already has a scheduled review held on {say_date(held)} (recorded by "
            f"@{earlier}); one scheduled review a day keeps the calendar honest. If something "
            "has changed since, record a trigger review saying what, e.g. "
            f'`ocg review {ocg.ref} trigger "new intelligence on supply"`.',
            field="kind",
        )


def _next_due(ctx: Context, ocg: Ocg, held: date, tier: int, wanted: str | None) -> date:
    """One tier period from the day held; ``next=`` may bring it forward, never put it back."""
    latest = rules.next_due(held, tier)
    if wanted is None:
        return latest
    try:
        due = parse_due(wanted, ctx.now()).date()
    except CommandError as exc:
        raise CommandError(exc.message, field="next") from None
    if due > latest:
        period = rules.PERIOD_WORDS[REVIEW_MONTHS[tier]]
        raise CommandError(
            f"Tier {tier} is reviewed {period}, so after a review held {say_date(held)} the "
            f"next is due by {say_date(latest)} at the latest; next= can bring it forward, not "
            f"put it back ({wanted!r} reads as {say_date(due)}).",
            field="next",
        )
    return due


def disruptions_since(ctx: Context, ocg: Ocg, held: date) -> int:
    """Disruptions (not rejected) that happened after the last review, up to the day held."""
    since = ocg.last_review_on or local(ocg.created_at).date()
    query = select(func.count()).where(
        Disruption.ocg_id == ocg.id,
        col(Disruption.status).not_in(NOT_COUNTED),
        Disruption.occurred_on <= held,
    )
    if ocg.last_review_on:
        query = query.where(Disruption.occurred_on > since)
    else:
        query = query.where(Disruption.occurred_on >= since)
    return int(ctx.session.exec(query).one())


def held_and_entered(held: date, entered: date) -> str | None:
    """``held 31/08/2026, entered 26/11/2026`` when a review was typed in days after it was held."""
    if abs((entered - held).days) <= LATE_ENTRY_DAYS:
        return None
    return f"held {held:%d/%m/%Y}, entered {entered:%d/%m/%Y}"


def _drop_pending_alerts(ctx: Context, ocg_id: int) -> None:
    """Alerts decided for the old due date but not yet delivered are now wrong: withdraw them."""
    withdraw_alerts(ctx, ocg_id, "a review was recorded before delivery")


def withdraw_alerts(ctx: Context, ocg_id: int, why: str) -> None:
    ctx.session.exec(  # type: ignore[call-overload]
        update(Outbox)
        .where(
            Outbox.ocg_id == ocg_id,  # type: ignore[arg-type]
            Outbox.kind == "review-alert",  # type: ignore[arg-type]
            Outbox.status == "pending",  # type: ignore[arg-type]
        )
        .values(status="withdrawn", last_error=why)
    )


def _recorded_reply(
    ctx: Context, ocg: Ocg, review: Review, given: dict[str, Any], since: date
) -> Reply:
    facts = []
    for key in given:
        before, after = getattr(review, f"{key}_before"), getattr(review, f"{key}_after")
        label = LABELS[key]
        if before == after:
            facts.append(Fact(label, f"{say_value(after)} (confirmed)"))
        else:
            facts.append(Fact(label, f"{say_value(before)} → {say_value(after)}"))
    progress = review.progress or {}
    facts += [Fact(p.capitalize(), progress[p]) for p in (*PROGRESS, "objectives") if p in progress]
    missing = [p.capitalize() for p in PROGRESS if p not in progress]
    if missing and review.kind == "scheduled":
        facts.append(
            Fact(
                "No progress given for",
                ", ".join(missing) + ' (pursue="..." and so on, next time)',
                Severity.WARNING,
            )
        )
    facts.append(Fact("Disruptions", f"{review.disruptions} since {say_date(since)}"))
    facts.append(_next_fact(ctx, ocg, review))
    late = held_and_entered(review.reviewed_on, local(review.recorded_at).date())
    text = f"{review.kind.capitalize()} review held {say_date(review.reviewed_on)}"
    text += f" ({late})" if late else ""
    return Reply(
        title=f"Review recorded: {ocg.ref} {ctx.ocg_name(ocg)}",
        text=text + (f': "{review.notes}"' if review.notes else "."),
        facts=facts,
        severity=Severity.SUCCESS,
    )


def _next_fact(ctx: Context, ocg: Ocg, review: Review) -> Fact:
    period = rules.PERIOD_WORDS[REVIEW_MONTHS[ocg.tier]]
    latest = rules.next_due(review.reviewed_on, ocg.tier)
    late = review.next_due < ctx.today()
    value = f"{say_date(review.next_due)} (tier {ocg.tier}, {period})"
    if review.next_due < latest:
        value = (
            f"{say_date(review.next_due)} (brought forward; tier {ocg.tier} is reviewed "
            f"{period}, so by {say_date(latest)} at the latest)"
        )
    if late:
        value += ": already overdue, as the review was held long ago"
    return Fact("Next review", value, Severity.WARNING if late else None)


def say_value(value: Any) -> str:
    if value is None:
        return "none"
    return rules.say_score(value) if isinstance(value, float) else str(value)
