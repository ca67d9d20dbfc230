"""Reading disruptions back: totals in one aggregate query, the latest few rows in another.

Both queries filter on ``(ocg_id, occurred_on)`` first so they ride ``ix_disruption_ocg_date``;
totals never load rows into Python, which keeps "last 90 days by grade" fast at national scale.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from socbot_plugins.disruptions.models import NOT_COUNTED, Disruption
from socbot_plugins.disruptions.parse import COUNTS, MONEY
from sqlalchemy import func
from sqlmodel import Session, col, select

from socbot import Nominal, Person

SUMMED = (*COUNTS, *MONEY.values())


@dataclass
class Filters:
    """What ``ocg disruptions`` was asked for; ``status`` None means every one counted (not
    rejected, not merged into another)."""

    since: date | None = None
    grade: str | None = None
    pillar: str | None = None
    status: str | None = None
    visible: Any = None  # SQL: the sensitive records the reader may see (access.sensitive_visible)

    def where(self, ocg_ids: Sequence[int], *, status: bool = True) -> list[Any]:
        """SQL conditions. ``status=False`` leaves the status test to the caller."""
        clauses: list[Any] = [
            col(Disruption.ocg_id).in_(ocg_ids)
            if len(ocg_ids) != 1
            else Disruption.ocg_id == ocg_ids[0]
        ]
        if self.visible is not None:
            clauses.append(self.visible)
        if self.since:
            clauses.append(Disruption.occurred_on >= self.since)
        if self.grade:
            clauses.append(Disruption.grade == self.grade)
        if self.pillar:
            clauses.append(Disruption.pillar == self.pillar)
        if not status or self.status == "all":
            pass
        elif self.status:
            # Wrapped so no planner reaches for ix_disruption_status (a third of a national
            # table per value); on one OCG the (ocg_id, occurred_on) index is far narrower.
            clauses.append(func.coalesce(Disruption.status, "") == self.status)
        else:
            clauses.append(col(Disruption.status).not_in(NOT_COUNTED))
        return clauses

    def keeps(self, status: str) -> bool:
        if self.status in (None, "all"):
            return self.status == "all" or status not in NOT_COUNTED
        return status == self.status


@dataclass
class Totals:
    count: int = 0
    by_grade: Counter[str] = field(default_factory=Counter)
    by_pillar: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SUMMED, 0))
    drug_seizures: int = 0
    rejected: int = 0  # left out of the totals above unless asked for
    merged: int = 0  # the same event as another record: never counted twice


def totals(session: Session, ocg_ids: Sequence[int], filters: Filters) -> Totals:
    """Counts by grade, pillar and status, and the sum of each outcome, in one query.

    Status is grouped on rather than filtered, so the query needs only the OCG/date index and
    the number of rejected records comes from the same pass.
    """
    sums = [func.coalesce(func.sum(getattr(Disruption, name)), 0) for name in SUMMED]
    query = (
        select(  # type: ignore[call-overload]
            Disruption.grade,
            Disruption.pillar,
            Disruption.status,
            func.count(),
            func.count(col(Disruption.drugs)),
            *sums,
        )
        .where(*filters.where(ocg_ids, status=False))
        .group_by(Disruption.grade, Disruption.pillar, Disruption.status)
    )
    found = Totals()
    for grade, pillar, status, n, drugs, *values in session.exec(query).all():
        if status == "rejected":
            found.rejected += n
        if status == "merged":
            found.merged += n
        if not filters.keeps(status):
            continue
        found.count += n
        found.by_grade[grade] += n
        found.by_pillar[pillar] += n
        found.by_status[status] += n
        found.drug_seizures += drugs
        for name, value in zip(SUMMED, values, strict=True):
            found.sums[name] += int(value)
    return found


def latest(
    session: Session, ocg_ids: Sequence[int], filters: Filters, limit: int = 15
) -> list[tuple[Disruption, Person, Nominal | None]]:
    """The most recent disruptions with their recorder and nominal (newest first)."""
    query = (
        select(Disruption, Person, Nominal)
        .join(Person, col(Person.id) == Disruption.recorded_by_id)
        .join(Nominal, col(Nominal.id) == Disruption.nominal_id, isouter=True)
        .where(*filters.where(ocg_ids))
        .order_by(col(Disruption.occurred_on).desc(), col(Disruption.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())
