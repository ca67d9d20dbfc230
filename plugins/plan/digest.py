"""The plan plugin's part of the coordinators' digest (``digest_sections``): the plans that fail
a plan-health check, worst first, one entry per OCG and check (an overdue review aside: the
ocg plugin's part lists those)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from socbot_plugins.plan.health import check
from sqlmodel import Session, col, select

from socbot import DigestEntry, DigestPart, Item, Ocg
from socbot.access import Actor, sanitised
from socbot.clock import local


def sections(
    session: Session, viewer: Actor, ocg_ids: Collection[int] | None, now: datetime
) -> list[DigestPart]:
    if sanitised(viewer):
        return []
    query = select(Ocg).where(Ocg.status == "active")
    if ocg_ids is not None:
        query = query.where(col(Ocg.id).in_(list(ocg_ids)))
    failing = check(session, list(session.exec(query).all()), now, local(now).date())
    entries = [
        DigestEntry(
            f"health:{h.ocg.id}:{failure.split(':')[0]}",
            Item(f"{h.ocg.ref} {h.ocg.name}", failure),
        )
        for h in failing
        for failure in h.failures
        if not failure.startswith("review overdue")  # the ocg plugin's part lists those
    ]
    return [
        DigestPart(
            "health",
            "Plan-health failures",
            entries,
            ("new plan-health failure", "new plan-health failures"),
            gone=("check now passing", "checks now passing"),
            more="ocg health all",
            order=50,
            noun=("plan-health failure", "plan-health failures"),
        )
    ]
