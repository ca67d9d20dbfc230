"""The disruptions plugin's part of the coordinators' digest (``digest_sections``): disruptions
awaiting moderation, oldest first (a sensitive one only for those who may see it)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from socbot_plugins.disruptions.models import Disruption
from sqlmodel import Session, col, select

from socbot import DigestEntry, DigestPart, Item, Ocg
from socbot.access import Actor, sanitised, sees_sensitive
from socbot.clock import local, say_date


def sections(
    session: Session, viewer: Actor, ocg_ids: Collection[int] | None, now: datetime
) -> list[DigestPart]:
    if sanitised(viewer):
        return []
    query = (
        select(Disruption, Ocg)
        .join(Ocg, col(Ocg.id) == Disruption.ocg_id)
        .where(Disruption.status == "pending")
        .order_by(col(Disruption.recorded_at), col(Disruption.id))
    )
    if ocg_ids is not None:
        query = query.where(col(Disruption.ocg_id).in_(list(ocg_ids)))
    today = local(now).date()
    entries = [
        DigestEntry(
            f"moderation:{d.id}",
            Item(
                f"#{d.id} {ocg.ref} {ocg.name}: {d.grade}, {d.pillar}",
                f"recorded {say_date(local(d.recorded_at))}"
                f" ({(today - local(d.recorded_at).date()).days} days waiting)",
            ),
        )
        for d, ocg in session.exec(query).all()
        if not d.sensitive or sees_sensitive(viewer, d.ocg_id, frozenset({"moderator"}))
    ]
    return [
        DigestPart(
            "moderation",
            "Disruptions awaiting moderation",
            entries,
            ("new awaiting moderation", "new awaiting moderation"),
            gone=("moderated", "moderated"),
            more="ocg moderation",
            order=40,
            noun=("disruption awaiting moderation", "disruptions awaiting moderation"),
        )
    ]
