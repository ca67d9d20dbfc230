"""``ocg reviews <OCG>``: one OCG's review history, newest first.

Each review shows what changed and why, the progress given per pillar, the disruptions counted
since the review before it and, when it was entered more than two days after it was held, both
dates (a review typed in months late is a different record from one written on the day).
"""

from __future__ import annotations

from socbot_plugins.ocg import rules
from socbot_plugins.ocg.models import Review
from socbot_plugins.ocg.review import LABELS, PROGRESS, held_and_entered, say_value
from sqlmodel import col, select

from socbot import Ocg, Person
from socbot.clock import local, say_date
from socbot.context import Context
from socbot.model import Item, Reply, Section

HISTORY = 10


def review_history(ctx: Context, query: str) -> Reply:
    """The last reviews of one OCG, newest first, with what changed and why."""
    ocg = ctx.ocg(query)
    if ctx.sanitised:
        return Reply(
            title=f"{ocg.ref} {ctx.ocg_name(ocg)}",
            text=_next(ctx, ocg),
            sanitised=True,
        )
    rows = ctx.session.exec(
        select(Review, Person.handle)
        .join(Person, col(Review.by_id) == Person.id)
        .where(Review.ocg_id == ocg.id)
        .order_by(col(Review.reviewed_on).desc(), col(Review.id).desc())
        .limit(HISTORY)
    ).all()
    items = [review_item(review, handle) for review, handle in rows]
    return Reply(
        title=f"Reviews of {ocg.ref} {ctx.ocg_name(ocg)}",
        text=_next(ctx, ocg),
        sections=[Section(items=items)] if items else [Section(text="No reviews recorded yet.")],
        context=f"the last {HISTORY} at most" if len(items) == HISTORY else None,
    )


def _next(ctx: Context, ocg: Ocg) -> str:
    if ocg.status != "active":
        return f"No review is due: {ocg.ref} is {ocg.status}."
    if ctx.sanitised:
        return f"Next review due {say_date(ocg.next_review_due)}."
    return f"Next review {rules.due_phrase(ocg.next_review_due, ctx.today())}."


def review_item(review: Review, handle: str) -> Item:
    changed = [
        f"{LABELS[k]} {say_value(before)} → {say_value(after)}"
        for k in LABELS
        for before, after in [(getattr(review, f"{k}_before"), getattr(review, f"{k}_after"))]
        if before != after
    ]
    text = f"{say_date(review.reviewed_on)} {review.kind} review by @{handle}"
    late = held_and_entered(review.reviewed_on, local(review.recorded_at).date())
    if late:
        text += f" ({late})"
    progress = review.progress or {}
    parts = [
        "; ".join(changed),
        review.notes or "no notes",
        *(f"{p.capitalize()}: {progress[p]}" for p in (*PROGRESS, "objectives") if p in progress),
    ]
    if review.disruptions is not None:
        parts.append(f"disruptions since the review before: {review.disruptions}")
    parts.append(f"next due {say_date(review.next_due)}")
    return Item(text, "; ".join(p for p in parts if p))
