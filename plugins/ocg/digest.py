"""The ocg plugin's part of the coordinators' digest (``digest_sections``): reviews overdue,
reviews falling due in the next fortnight, and tier changes since the previous digest."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from socbot_plugins.ocg import rules
from socbot_plugins.ocg.models import Review
from sqlmodel import Session, col, select

from socbot import DigestEntry, DigestPart, Item, Ocg
from socbot.access import Actor, sanitised
from socbot.clock import local, say_date

DUE_SOON_DAYS = 14  # the coordinator's look ahead (the LRO's own alert is review_alert_days)
EVENTS_DAYS = 7  # the first digest's look back for tier changes


def sections(
    session: Session,
    viewer: Actor,
    ocg_ids: Collection[int] | None,
    since: datetime | None,
    now: datetime,
) -> list[DigestPart]:
    if sanitised(viewer):
        return []
    today = local(now).date()
    query = select(Ocg).where(
        Ocg.status == "active", Ocg.next_review_due <= today + timedelta(days=DUE_SOON_DAYS)
    )
    if ocg_ids is not None:
        query = query.where(col(Ocg.id).in_(list(ocg_ids)))
    late: list[DigestEntry] = []
    soon: list[DigestEntry] = []
    for ocg in session.exec(query.order_by(col(Ocg.next_review_due), col(Ocg.ref))).all():
        overdue = ocg.next_review_due < today  # falling overdue is news: the key changes
        entry = DigestEntry(
            f"{'review-overdue' if overdue else 'review-due'}:{ocg.id}:{ocg.next_review_due}",
            Item(
                f"{ocg.ref} {ocg.name}",
                f"tier {ocg.tier} · review {rules.due_phrase(ocg.next_review_due, today)}",
            ),
        )
        (late if overdue else soon).append(entry)
    return [
        DigestPart(
            "review-overdue",
            "Reviews overdue",
            late,
            ("new review overdue", "new reviews overdue"),
            gone=("review recorded", "reviews recorded"),
            more="ocg reviews",
            order=10,
            noun=("review overdue", "reviews overdue"),
        ),
        DigestPart(
            "review-due",
            f"Reviews due in the next {DUE_SOON_DAYS} days",
            soon,
            ("review falling due", "reviews falling due"),
            more="ocg reviews",
            order=20,
            noun=("review due soon", "reviews due soon"),
        ),
        _tier_changes(session, ocg_ids, since or now - timedelta(days=EVENTS_DAYS)),
    ]


def _tier_changes(session: Session, ocg_ids: Collection[int] | None, since: datetime) -> DigestPart:
    """Reviews recorded since ``since`` that changed the tier: events, listed once."""
    query = (
        select(Review, Ocg)
        .join(Ocg, col(Ocg.id) == Review.ocg_id)
        .where(
            Review.recorded_at >= since,
            col(Review.tier_after).is_not(None),
            col(Review.tier_before).is_not(None),
            col(Review.tier_after) != col(Review.tier_before),
        )
        .order_by(col(Review.recorded_at))
    )
    if ocg_ids is not None:
        query = query.where(col(Review.ocg_id).in_(list(ocg_ids)))
    entries = [
        DigestEntry(
            f"tier:{review.id}",
            Item(
                f"{ocg.ref} {ocg.name}: tier {review.tier_before} to {review.tier_after}",
                f"review of {say_date(review.reviewed_on)}",
            ),
        )
        for review, ocg in session.exec(query).all()
    ]
    return DigestPart(
        "tier",
        "Tier changes",
        entries,
        ("tier change", "tier changes"),
        order=30,
        noun=("tier change", "tier changes"),
    )
