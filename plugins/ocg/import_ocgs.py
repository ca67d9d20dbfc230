"""``socbot import ocgs FILE.csv``: mapped OCGs, one row each.

Rows are matched to what is already stored (by reference, else by name), so importing a file
twice updates, never duplicates. An empty cell leaves the stored value as it is. A re-import never
silently undoes a change made in chat since the last import (``import_memory``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from socbot_plugins.ocg import import_memory as memory
from socbot_plugins.ocg import rules, store
from socbot_plugins.ocg.csv_read import Checked, CsvImport, Ready, Rows, check_cell, split_cell
from sqlmodel import Session, select

from socbot import Ocg, Person, lookup
from socbot.dates import parse_day
from socbot.model import CommandError

# column -> required (present and filled in on every row)
OCG_COLUMNS = {
    "reference": False,
    "name": True,
    "aliases": False,
    "band": True,
    "tier": True,
    "pmech": False,
    "morile": False,
    "area": False,
    "lro": False,
    "sro": False,
    "last_review": False,
    "partner_name": False,
    "phase": False,
}


def check_ocgs(session: Session, rows: Rows, now: datetime) -> Checked:
    today = now.date()
    out = Checked()
    handles = {h.lstrip("@").lower() for _, r in rows for h in (r.get("lro"), r.get("sro")) if h}
    known = {
        p.handle: p
        for p in session.exec(select(Person).where(Person.handle.in_(handles))).all()  # type: ignore[attr-defined]
    }
    seen_refs: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    seen_aliases: dict[str, int] = {}
    for line, row in rows:
        bad: list[str] = []
        for column, needed in OCG_COLUMNS.items():
            if needed and not row.get(column):
                bad.append(f"{column} is empty; every row needs one")
        checks = {
            "reference": store.clean_ref,
            "band": rules.check_band,
            "tier": rules.check_tier,
            "pmech": rules.check_pmech,
            "morile": rules.check_morile,
            "phase": rules.check_phase,
            "last_review": parse_day,
        }
        values: dict[str, Any] = {
            column: check_cell(check, row[column], bad, column)
            for column, check in checks.items()
            if row.get(column)
        }
        ref, name = values.pop("reference", None), row.get("name", "")
        values.update(ref=ref, name=name, line=line)
        day = values.get("last_review")
        if day and day > today:
            bad.append(f"last_review: {day:%d/%m/%Y} is in the future")
        for col in ("area", "partner_name"):
            if row.get(col):
                values[col] = row[col]
        for role in ("lro", "sro"):
            handle = (row.get(role) or "").lstrip("@").lower()
            if not handle:
                continue
            person = known.get(handle)
            if person is None:
                bad.append(
                    f"{role}: no one has the handle @{handle}; import people first "
                    "(`socbot import people FILE.csv`)"
                )
            else:
                try:
                    store.check_holder(session, person, role, now)
                except CommandError as exc:
                    bad.append(f"{role}: {exc.message.rstrip('.')}")
                values[role] = person
        existing = _match(session, ref, name, bad)
        values["existing"] = existing
        _no_repeats(line, ref, name, seen_refs, seen_names, bad)
        aliases = split_cell(row.get("aliases", ""))
        for alias in aliases:
            k = lookup.key(alias)
            if k == lookup.key(name):
                continue
            owner = store.alias_owner(session, alias)
            if owner is not None and (existing is None or owner.id != existing.id):
                bad.append(f"aliases: {alias!r} already names {owner.ref}")
            elif k in seen_aliases or k in seen_names:
                other = seen_aliases.get(k) or seen_names.get(k)
                bad.append(f"aliases: {alias!r} is also used on line {other}")
            seen_aliases.setdefault(k, line)
        values["aliases"] = aliases
        if bad:
            out.problems.append((line, "; ".join(bad)))
        else:
            out.rows.append((line, values))
            out.conflicts += memory.conflicts(session, line, values, now)
    return out


def _match(session: Session, ref: str | None, name: str, bad: list[str]) -> Ocg | None:
    """The stored OCG this row updates: by reference, else by name (``None``: a new one)."""
    named = store.by_name(session, name) if name else None
    aka = store.alias_owner(session, name) if name and named is None else None
    if aka is not None and aka.ref != ref:
        bad.append(f"name: {name!r} is an alias of {aka.ref}")
    if ref is None:
        return named or memory.imported_as(session, name)
    found = session.exec(select(Ocg).where(Ocg.ref == ref)).first()
    if named is not None and (found is None or named.id != found.id):
        bad.append(f"name: {name!r} already belongs to {named.ref}; use that reference")
    return found


def _no_repeats(
    line: int,
    ref: str | None,
    name: str,
    seen_refs: dict[str, int],
    seen_names: dict[str, int],
    bad: list[str],
) -> None:
    if ref and ref in seen_refs:
        bad.append(f"reference: {ref} is also on line {seen_refs[ref]}")
    k = lookup.key(name)
    if k and k in seen_names:
        bad.append(f"name: {name!r} is also on line {seen_names[k]}")
    if ref:
        seen_refs.setdefault(ref, line)
    if k:
        seen_names.setdefault(k, line)


def write_ocgs(session: Session, rows: Ready, now: datetime) -> str:
    today = now.date()
    taken = {v["ref"] for _, v in rows if v["ref"]}
    added = updated = 0
    for _, v in rows:
        ocg: Ocg | None = v["existing"]
        if ocg is None:
            ref = v["ref"] or store.next_ref(session, taken)
            taken.add(ref)
            ocg = store.new_ocg(
                session, ref=ref, name=v["name"], band=v["band"], tier=v["tier"], created=now,
                today=today, last_review=v.get("last_review"),
            )  # fmt: skip
            changed, added = True, added + 1
        else:
            changed = _update(ocg, v)
        changed |= _set_optional(ocg, v, today)
        changed |= bool(store.add_aliases(session, ocg, v["aliases"]))
        for role in ("lro", "sro"):
            if v.get(role):
                changed |= store.hand_over(session, ocg=ocg, role=role, to=v[role], now=now)[1]
        session.add(ocg)
        memory.remember(session, ocg, v, now)
        updated += int(changed and v["existing"] is not None)
    session.flush()
    same = len(rows) - added - updated
    return f"{added} added, {updated} updated, {same} unchanged"


def _set(obj: Any, attr: str, value: Any) -> bool:
    if getattr(obj, attr) == value:
        return False
    setattr(obj, attr, value)
    return True


def _update(ocg: Ocg, v: dict[str, Any]) -> bool:
    changed = _set(ocg, "name", v["name"])
    ocg.name_key = lookup.key(ocg.name)
    changed |= _set(ocg, "band", v["band"])
    tier_changed = _set(ocg, "tier", v["tier"])
    review = v.get("last_review")
    moved = review is not None and (ocg.last_review_on is None or review > ocg.last_review_on)
    if moved:
        ocg.last_review_on = review
    if tier_changed or moved:  # the file is the record here: run the clock from its dates
        start = ocg.last_review_on or ocg.created_at.date()
        ocg.next_review_due = rules.next_due(start, ocg.tier)
    return changed or tier_changed or moved


def _set_optional(ocg: Ocg, v: dict[str, Any], today: date) -> bool:
    changed = False
    for attr, key in (("pmech", "pmech"), ("area", "area"), ("partner_name", "partner_name"),
                      ("phase", "phase")):  # fmt: skip
        if key in v:
            changed |= _set(ocg, attr, v[key])
    if "morile" in v and _set(ocg, "morile", v["morile"]):
        ocg.morile_date = v.get("last_review") or today
        changed = True
    return changed


IMPORT = CsvImport(
    "ocgs",
    "mapped OCGs, matched by reference or name",
    OCG_COLUMNS,
    check_ocgs,
    write_ocgs,
    overwrites=True,
)
