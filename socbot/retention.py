"""Retention: delete what is held on CLOSED OCGs once their last activity is old enough.

Only OCGs with status ``closed`` are touched. Everything that hangs off one goes with it (actions
and their history, disruptions, reviews, nominals, profile facts, role assignments, aliases,
outbox rows, and rows of any plugin table that points at the OCG), found from the schema's
foreign keys so a plugin's new table cannot be forgotten. The audit trail is never deleted: it
is evidence of what was done, and the purge itself is added to it with its counts.

A dry run performs the same deletions inside a transaction and rolls them back, so the counts it
reports are exactly what a real run would delete.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, Table, delete, func, or_, update
from sqlalchemy import select as table_select
from sqlmodel import Session, SQLModel, select

from socbot import audit
from socbot.clock import LONDON, to_db
from socbot.store.models import AuditEvent, Ocg

KEEP = frozenset({"auditevent"})  # never deleted, whatever points where


@dataclass
class Purge:
    """What a purge deleted (or, on a dry run, would delete)."""

    before: date
    dry_run: bool
    refs: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        if not self.refs:
            return (
                f"no closed OCG has been quiet since before {self.before:%d/%m/%Y}: nothing {verb}"
            )
        rows = ", ".join(f"{n} {t}" for t, n in sorted(self.counts.items()) if n)
        return f"{verb} {len(self.refs)} closed OCG(s) ({', '.join(self.refs)}): {rows}"


def last_activity(session: Session, ocg: Ocg) -> datetime:
    """The newest of: created, last reviewed, and any successful audited command on it."""
    moments = [to_db(ocg.created_at)]
    if ocg.last_review_on:
        moments.append(to_db(datetime.combine(ocg.last_review_on, time(), LONDON)))
    audited = session.exec(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.ocg_ref == ocg.ref, AuditEvent.outcome == "ok"
        )
    ).one()
    if audited is not None:
        moments.append(to_db(audited))
    return max(moments)


def due(session: Session, before: date) -> list[Ocg]:
    """Closed OCGs with no activity on or after ``before`` (London midnight)."""
    cutoff = to_db(datetime.combine(before, time(), LONDON))
    closed = session.exec(select(Ocg).where(Ocg.status == "closed").order_by(Ocg.ref)).all()
    return [o for o in closed if last_activity(session, o) < cutoff]


def _tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)  # parents before children


def _plan(ids: list[int]) -> list[tuple[Table, ColumnElement[bool]]]:
    """(table, which rows) for every table holding rows of these OCGs, children first."""
    doomed: dict[str, ColumnElement[bool]] = {}
    for table in _tables():
        if table.name in KEEP:
            continue
        if table.name == "ocg":
            doomed["ocg"] = table.c.id.in_(ids)
            continue
        conditions = []
        for fk in table.foreign_keys:
            parent = fk.column.table
            if parent.name == "ocg":
                conditions.append(fk.parent.in_(ids))
            elif parent.name in doomed and not fk.parent.nullable:
                # A row that cannot exist without its parent (an action's history) goes too.
                conditions.append(
                    fk.parent.in_(table_select(parent.c.id).where(doomed[parent.name]))
                )
        if conditions:
            doomed[table.name] = or_(*conditions)
    return [(t, doomed[t.name]) for t in reversed(_tables()) if t.name in doomed]


def _detach(session: Session, plan: list[tuple[Table, ColumnElement[bool]]]) -> None:
    """Rows that stay but point (optionally) at a doomed row lose the pointer, not themselves:
    a disruption on a live OCG linked to a purged OCG's action keeps its record."""
    doomed = {t.name: cond for t, cond in plan}
    for table in _tables():
        for fk in table.foreign_keys:
            parent = fk.column.table
            if parent.name not in doomed or parent.name == "ocg" or not fk.parent.nullable:
                continue
            gone = table_select(parent.c.id).where(doomed[parent.name])
            stmt = update(table).where(fk.parent.in_(gone))
            if table.name in doomed:
                stmt = stmt.where(~doomed[table.name])
            session.exec(stmt.values({fk.parent.name: None}))  # type: ignore[call-overload]


def _count(session: Session, plan: list[tuple[Table, ColumnElement[bool]]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for table, cond in plan:
        query = table_select(func.count()).select_from(table).where(cond)
        counts[table.name] = session.exec(query).one()[0]  # type: ignore[call-overload]
    return counts


def purge(
    session: Session, *, before: date, now: datetime, dry_run: bool, actor: str = "cli"
) -> Purge:
    """Delete closed OCGs quiet since before ``before``; audit it. Commits (or rolls back)."""
    result = Purge(before, dry_run)
    victims = due(session, before)
    result.refs = [o.ref for o in victims]
    per_ocg = {o.ref: _count(session, _plan([o.id or 0])) for o in victims}
    if victims:
        plan = _plan([o.id or 0 for o in victims])
        _detach(session, plan)
        for table, cond in plan:
            result.counts[table.name] += session.exec(delete(table).where(cond)).rowcount  # type: ignore[call-overload]
    if dry_run:
        session.rollback()
    command = f"socbot purge --before {before.isoformat()}" + (" --dry-run" if dry_run else "")
    if dry_run or not victims:  # no ocg_ref: a dry run is not activity on the OCG
        audit.append(
            session,
            at=now,
            actor=actor,
            action="purge",
            text_=command,
            detail=result.summary(),
        )
    for ref, counts in per_ocg.items() if not dry_run else ():
        rows = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()) if n)
        audit.append(
            session,
            at=now,
            actor=actor,
            action="purge",
            text_=command,
            ocg_ref=ref,
            detail=f"deleted {rows}",
        )
    session.commit()
    return result
