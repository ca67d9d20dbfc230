"""What each OCG import wrote, field by field (``ImportedValue``), so a re-import never silently
undoes a change made since in chat (a hand-over, a rename, a review).

A field whose stored value differs from what the last import wrote was changed elsewhere since
that import. A row that would overwrite such a change is a conflict: the import lists it and
refuses unless told ``--overwrite-chat-changes``. A field no import has written yet (an OCG
created in chat, or imported before socbot kept this record) has no baseline: any difference
from the file is a conflict too, so the first import after an upgrade is checked by a person
rather than trusted. ``last_review`` is not tracked: an import only ever moves it forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from socbot_plugins.ocg import store
from socbot_plugins.ocg.models import ImportedValue
from sqlmodel import Session, select

from socbot import Ocg, Person

TRACKED = ("name", "band", "tier", "pmech", "morile", "area", "partner_name", "phase", "lro", "sro")
ROLES = ("lro", "sro")
_UNKNOWN = object()  # no import has written the field: no baseline


@dataclass(frozen=True)
class Conflict:
    """One field of one row that would undo a change made in socbot since the last import."""

    line: int
    ref: str
    name: str
    field: str
    current: str | None
    imported: Any  # str | None, or _UNKNOWN
    wanted: str | None

    def change(self) -> str:
        return f"{self.field} {_show(self.field, self.current)} -> {_show(self.field, self.wanted)}"

    def __str__(self) -> str:
        since = (
            "no record of what an earlier import wrote"
            if self.imported is _UNKNOWN
            else f"changed since the last import, which wrote {_show(self.field, self.imported)}"
        )
        return (
            f"line {self.line}: {self.ref} {self.name}: {self.field} is "
            f"{_show(self.field, self.current)} in socbot ({since}); the file says "
            f"{_show(self.field, self.wanted)}"
        )


def _show(field: str, value: str | None) -> str:
    if value is None:
        return "none"
    if field in ROLES:
        return "; ".join(f"@{h}" for h in value.split(";"))
    return repr(value) if field in ("name", "area", "partner_name") else value


def _text(value: Any) -> str | None:
    """A field's value as compared and remembered: handles for people, ``66`` for 66.0."""
    if value is None:
        return None
    if isinstance(value, Person):
        return value.handle
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _wanted(row: dict[str, Any]) -> dict[str, str | None]:
    """The tracked fields this checked row sets (an empty cell sets nothing)."""
    return {f: _text(row[f]) for f in TRACKED if f in row}


def _current(session: Session, ocg: Ocg, field: str, now: datetime) -> str | None:
    if field in ROLES:
        handles = [p.handle for p in store.current_holders(session, ocg, field, now)]
        return ";".join(handles) or None
    return _text(getattr(ocg, field))


def _remembered(session: Session, ocg: Ocg) -> dict[str, ImportedValue]:
    found = session.exec(select(ImportedValue).where(ImportedValue.ocg_id == ocg.id)).all()
    return {iv.field: iv for iv in found}


def conflicts(session: Session, line: int, row: dict[str, Any], now: datetime) -> list[Conflict]:
    """The fields of this row that would undo a change made since the last import."""
    ocg: Ocg | None = row["existing"]
    if ocg is None:
        return []
    memory = _remembered(session, ocg)
    out = []
    for field, wanted in _wanted(row).items():
        current = _current(session, ocg, field, now)
        last = memory[field].value if field in memory else _UNKNOWN
        if wanted != current and last != current:
            out.append(Conflict(line, ocg.ref, ocg.name, field, current, last, wanted))
    return out


def remember(session: Session, ocg: Ocg, row: dict[str, Any], now: datetime) -> None:
    """Record what this row wrote, the baseline the next import compares with."""
    memory = _remembered(session, ocg)
    for field, value in _wanted(row).items():
        iv = memory.get(field) or ImportedValue(ocg_id=ocg.id or 0, field=field, imported_at=now)
        iv.value, iv.imported_at = value, now
        session.add(iv)


def imported_as(session: Session, name: str) -> Ocg | None:
    """The OCG an earlier import wrote under this name (since renamed in chat, perhaps)."""
    query = (
        select(Ocg)
        .join(ImportedValue, ImportedValue.ocg_id == Ocg.id)  # type: ignore[arg-type]
        .where(ImportedValue.field == "name", ImportedValue.value == name)
    )
    return session.exec(query).first()
