"""``ocg review`` (record one) and ``ocg reviews <OCG>`` (its history).

A review resets the clock from the day it was held, using the tier in force after it, and keeps
every score change with its before, after and rationale (the LRO guidance, section "Written
records", asks for decisions with their reasons).
"""

from __future__ import annotations

from typing import Any

from socbot_plugins.ocg import rules
from socbot_plugins.ocg.models import Review
from sqlalchemy import update
from sqlmodel import select

from socbot import REVIEW_MONTHS, Ocg, Outbox, Person
from socbot.clock import say_date
from socbot.context import Context
from socbot.dates import parse_past
from socbot.events import ReviewRecorded
from socbot.model import Command, CommandError, Fact, Item, Reply, Section, Severity

KINDS = ("scheduled", "trigger")
OPTIONS = ("band", "tier", "morile", "pmech", "on")
HISTORY = 10
LABELS = {"band": "Band", "tier": "Tier", "morile": "MoRiLE", "pmech": "P-mech"}


def record_review(ctx: Context, cmd: Command) -> Reply:
    if not cmd.args:
        raise CommandError(
            'Which OCG? e.g. `ocg review smith "plan on track"` or '
            '`ocg review OCG-0042 trigger band=2B "new intelligence on supply"`.',
            field="ocg",
        )
    unknown = sorted(set(cmd.options) - set(OPTIONS))
    if unknown:
        raise CommandError(
            f"I don't know the option {unknown[0]}=. A review takes band=, tier=, morile=, "
            "pmech= (P1-P4 or none) and on=<date held>.",
            field=unknown[0],
        )
    ocg = ctx.ocg(cmd.args[0], "ocg.review")
    words = list(cmd.args[1:])
    kind = "scheduled"
    if words and words[0].lower() in KINDS:
        kind = words.pop(0).lower()
    notes = " ".join(words).strip()
    new = _read_scores(cmd.options)
    held = ctx.today()
    if "on" in cmd.options:
        try:
            held = parse_past(cmd.options["on"], ctx.now(), what="review date")
        except CommandError as exc:
            raise CommandError(exc.message, field="on") from None
    if ocg.last_review_on and held < ocg.last_review_on:
        raise CommandError(
            f"{ocg.ref} was last reviewed on {say_date(ocg.last_review_on)}; a review can't be "
            f"recorded before that ({say_date(held)}).",
            field="on",
        )
    changes = {k: v for k, v in new.items() if getattr(ocg, k) != v}
    if kind == "trigger" and not notes:
        raise CommandError(
            "A trigger review needs notes saying what changed, e.g. "
            f'`ocg review {ocg.ref} trigger "two principals remanded"`.',
            field="notes",
        )
    if changes and not notes:
        what = ", ".join(
            f"{LABELS[k]} {_say(getattr(ocg, k))} to {_say(v)}" for k, v in changes.items()
        )
        raise CommandError(
            f"Changing {what} needs the reason in quotes, e.g. "
            f'`ocg review {ocg.ref} band={new.get("band", ocg.band)} "why"`.',
            field="notes",
        )
    review = Review(
        ocg_id=ocg.id or 0,
        reviewed_on=held,
        recorded_at=ctx.utcnow(),
        by_id=ctx.actor.id or 0,
        kind=kind,
        notes=notes,
        next_due=held,  # set below, once the tier is known
    )
    for name, value in new.items():
        setattr(review, f"{name}_before", getattr(ocg, name))
        setattr(review, f"{name}_after", value)
        setattr(ocg, name, value)
    if "morile" in new:
        ocg.morile_date = held
    review.next_due = rules.next_due(held, ocg.tier)
    ocg.last_review_on, ocg.next_review_due = held, review.next_due
    ctx.session.add_all([ocg, review])
    ctx.session.flush()
    _drop_pending_alerts(ctx, ocg.id or 0)
    ctx.emit(ReviewRecorded(review))
    return _recorded_reply(ctx, ocg, review, new)


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


def _drop_pending_alerts(ctx: Context, ocg_id: int) -> None:
    """Alerts decided for the old due date but not yet delivered are now wrong: withdraw them."""
    ctx.session.exec(  # type: ignore[call-overload]
        update(Outbox)
        .where(
            Outbox.ocg_id == ocg_id,  # type: ignore[arg-type]
            Outbox.kind == "review-alert",  # type: ignore[arg-type]
            Outbox.status == "pending",  # type: ignore[arg-type]
        )
        .values(status="withdrawn", last_error="a review was recorded before delivery")
    )


def _recorded_reply(ctx: Context, ocg: Ocg, review: Review, given: dict[str, Any]) -> Reply:
    facts = []
    for key in given:
        before, after = getattr(review, f"{key}_before"), getattr(review, f"{key}_after")
        label = LABELS[key]
        if before == after:
            facts.append(Fact(label, f"{_say(after)} (confirmed)"))
        else:
            facts.append(Fact(label, f"{_say(before)} → {_say(after)}"))
    period = rules.PERIOD_WORDS[REVIEW_MONTHS[ocg.tier]]
    late = review.next_due < ctx.today()
    facts.append(
        Fact(
            "Next review",
            f"{say_date(review.next_due)} (tier {ocg.tier}, {period})"
            + (": already overdue, as the review was held long ago" if late else ""),
            Severity.WARNING if late else None,
        )
    )
    return Reply(
        title=f"Review recorded: {ocg.ref} {ctx.ocg_name(ocg)}",
        text=f"{review.kind.capitalize()} review held {say_date(review.reviewed_on)}"
        + (f': "{review.notes}"' if review.notes else "; no change."),
        facts=facts,
        severity=Severity.SUCCESS,
    )


def _say(value: Any) -> str:
    if value is None:
        return "none"
    return rules.say_score(value) if isinstance(value, float) else str(value)


def review_history(ctx: Context, query: str) -> Reply:
    """The last reviews of one OCG, newest first, with what changed and why."""
    ocg = ctx.ocg(query)
    if ctx.sanitised:
        return Reply(
            title=f"{ocg.ref} {ctx.ocg_name(ocg)}",
            text=f"Next review due {say_date(ocg.next_review_due)}.",
            sanitised=True,
        )
    rows = ctx.session.exec(
        select(Review, Person.handle)
        .join(Person, Review.by_id == Person.id)  # type: ignore[arg-type]
        .where(Review.ocg_id == ocg.id)
        .order_by(Review.reviewed_on.desc(), Review.id.desc())  # type: ignore[attr-defined,union-attr]
        .limit(HISTORY)
    ).all()
    items = []
    for review, handle in rows:
        changed = [
            f"{LABELS[k]} {_say(before)} → {_say(after)}"
            for k in LABELS
            for before, after in [(getattr(review, f"{k}_before"), getattr(review, f"{k}_after"))]
            if before != after
        ]
        text = f"{say_date(review.reviewed_on)} {review.kind} review by @{handle}"
        detail = "; ".join(filter(None, ["; ".join(changed), review.notes or "no notes"]))
        items.append(Item(text, detail))
    return Reply(
        title=f"Reviews of {ocg.ref} {ctx.ocg_name(ocg)}",
        text=f"Next review {rules.due_phrase(ocg.next_review_due, ctx.today())}.",
        sections=[Section(items=items)] if items else [Section(text="No reviews recorded yet.")],
        context=f"the last {HISTORY} at most" if len(items) == HISTORY else None,
    )
