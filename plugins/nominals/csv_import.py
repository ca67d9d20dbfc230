"""``socbot import nominals FILE.csv``: an OCG's members, one row each.

Rows are matched to the nominals already stored by OCG and name (any case or spacing), so
importing a file twice updates, never duplicates. An empty cell leaves the stored value as it
is; aliases are added, never removed. Every row is checked before anything is written, and the
import is audited, by the reader and checks the ocgs and people imports share
(``socbot_plugins.ocg.csv_read``). Format: ``docs/import.md``.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from socbot_plugins.nominals import store
from socbot_plugins.ocg.csv_read import Checked, CsvImport, Ready, Rows, check_cell
from sqlmodel import Session

from socbot import CommandError, Nominal, Ocg, lookup

# column -> required in the header
COLUMNS = {
    "ocg": True,
    "name": True,
    "role": True,
    "status": False,
    "aliases": False,
    "address": False,
}
MAX_ADDRESS = 200


def find_ocg(session: Session, typed: str) -> Ocg:
    """The one OCG a cell names, by reference, name or alias."""
    found = lookup.candidates(session, typed, limit=9)
    if not found:
        raise CommandError(f"no OCG matching {typed[:40]!r}")
    if len(found) > 1:
        refs = ", ".join(f"{o.ref} {o.name}" for o in found[:8])
        raise CommandError(f"{typed[:40]!r} matches {len(found)} OCGs ({refs}): use the reference")
    return found[0]


def address(cell: str) -> str:
    text = " ".join(cell.split())
    if len(text) > MAX_ADDRESS:
        raise CommandError(f"{len(text)} characters; keep it under {MAX_ADDRESS}")
    return text


def check(session: Session, rows: Rows, now: datetime) -> Checked:
    out = Checked()
    seen: dict[tuple[int, str], int] = {}
    for line, row in rows:
        bad: list[str] = []
        ocg = None
        if row.get("ocg"):
            ocg = check_cell(partial(find_ocg, session), row["ocg"], bad, "ocg")
        else:
            bad.append("ocg is empty; give the OCG's reference or name")
        name = None
        if row.get("name"):
            name = check_cell(store.clean_name, row["name"], bad, "name")
        else:
            bad.append("name is empty; every row needs the nominal's full name")
        existing = store.same_name(session, ocg.id or 0, name) if ocg and name else None
        role = check_cell(store.role, row["role"], bad, "role") if row.get("role") else None
        if role is None and existing is None and not any(p.startswith("role") for p in bad):
            bad.append("role is empty; a new nominal needs principal, significant or peripheral")
        status = (
            check_cell(store.status, row["status"], bad, "status") if row.get("status") else None
        )
        aliases = check_cell(store.clean_aliases, row.get("aliases", ""), bad, "aliases") or []
        where = check_cell(address, row.get("address", ""), bad, "address") or None
        if ocg and name:
            twice = (ocg.id or 0, name.lower())
            if twice in seen:
                bad.append(f"name: {name} of {ocg.ref} is also on line {seen[twice]}")
            seen.setdefault(twice, line)
        values: dict[str, Any] = {
            "ocg_id": ocg.id if ocg else None,
            "nominal_id": existing.id if existing else None,
            "name": name,
            "role": role,
            "status": status,
            "aliases": aliases,
            "address": where,
        }
        if bad:
            out.problems.append((line, "; ".join(bad)))
        else:
            out.rows.append((line, values))
    return out


def write(session: Session, rows: Ready, now: datetime) -> str:
    added = updated = aliases = 0
    for _, v in rows:
        found = session.get(Nominal, v["nominal_id"]) if v["nominal_id"] else None
        if found is None:
            found = Nominal(ocg_id=v["ocg_id"], name=v["name"], role=v["role"], status="active")
            added += 1
        before = (found.role, found.status, found.address)
        _update(found, v)
        updated += int(found.id is not None and before != (found.role, found.status, found.address))
        session.add(found)
        session.flush()
        aliases += len(store.add_aliases(session, found, v["aliases"], now=now, by_id=None))
    same = len(rows) - added - updated
    return f"{added} added, {updated} updated, {same} unchanged, {aliases} aliases added"


def _update(nominal: Nominal, values: dict[str, Any]) -> None:
    """The file's values where it has them; an empty cell keeps what is stored."""
    nominal.role = values["role"] or nominal.role
    nominal.status = values["status"] or nominal.status
    nominal.address = values["address"] or nominal.address


IMPORT = CsvImport(
    "nominals",
    "OCGs' nominals (members) and their aliases, matched by OCG and name",
    COLUMNS,
    check,
    write,
)
