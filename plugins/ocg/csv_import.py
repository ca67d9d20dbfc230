"""``socbot import ocgs FILE.csv`` and ``socbot import people FILE.csv``.

For forces moving off spreadsheets. Every row is checked before anything is written; a bad file
lists each bad row by line number and writes nothing. Rows are matched to what is already stored
(OCGs by reference, else by name; people by handle), so importing a file twice updates, never
duplicates. An empty cell leaves the stored value as it is. A re-import never silently undoes a
change made in chat since the last import (``ocg_import_memory``). Formats: ``docs/import.md``.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socbot_plugins.ocg import import_memory as memory
from socbot_plugins.ocg import no_lro, rules, store
from sqlmodel import Session, select

from socbot import Ocg, Person, audit, lookup, people
from socbot.dates import parse_day
from socbot.model import CommandError

if TYPE_CHECKING:
    from socbot import BotApi

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
    "no_lro_reason": False,
}
PEOPLE_COLUMNS = {
    "handle": True,
    "name": True,
    "agency": False,
    "email": False,
    "roles": False,
    "area": False,
}
LEADING_ROLES = {"admin", "sro", "lro", "sio", "analyst", "moderator"}


class BadFile(Exception):
    """The file as a whole can't be read: no rows are looked at."""


@dataclass
class Checked:
    """The outcome of checking a file: rows ready to write, or the problems by line."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[memory.Conflict] = field(default_factory=list)


def read_csv(path: Path, columns: dict[str, bool]) -> list[tuple[int, dict[str, str]]]:
    """Rows as (line number, {column: trimmed text}); the header may be in any order."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadFile(f"can't read {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile(
            f"{path.name} isn't UTF-8 text. In Excel use File > Save As > "
            "'CSV UTF-8 (Comma delimited)'"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadFile(
            f"{path.name} is empty: it needs a header row, then one row per record"
        ) from None
    names = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    unknown = [h for h in names if h and h not in columns]
    if unknown:
        raise BadFile(
            f"line 1: unknown column(s) {', '.join(unknown)}; the columns are {', '.join(columns)}."
        )
    dupes = sorted({h for h in names if h and names.count(h) > 1})
    if dupes:
        raise BadFile(f"line 1: column(s) {', '.join(dupes)} appear more than once")
    missing = [c for c, needed in columns.items() if needed and c not in names]
    if missing:
        raise BadFile(f"line 1: required column(s) missing: {', '.join(missing)}")
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        line = reader.line_num
        if len(cells) > len(names):
            rows.append((line, {"__error__": f"{len(cells)} cells but {len(names)} columns"}))
            continue
        rows.append((line, {n: c.strip() for n, c in zip(names, cells, strict=False) if n}))
    if not rows:
        raise BadFile(f"{path.name} has a header but no rows")
    return rows


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _check(fn: Callable[[str], Any], cell: str, problems: list[str], column: str) -> Any:
    """Run one check; a refusal becomes ``column: message`` instead of stopping the file."""
    try:
        return fn(cell)
    except CommandError as exc:
        problems.append(f"{column}: {exc.message.rstrip('.')}")
        return None


# -- OCGs ----------------------------------------------------------------------------------------


def check_ocgs(session: Session, rows: list[tuple[int, dict[str, str]]], now: datetime) -> Checked:
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
        if "__error__" in row:
            out.problems.append((line, row["__error__"]))
            continue
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
            column: _check(check, row[column], bad, column)
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
        no_lro.check_row(row, values, bad)
        _no_repeats(line, ref, name, seen_refs, seen_names, bad)
        aliases = _split(row.get("aliases", ""))
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


def write_ocgs(session: Session, rows: list[tuple[int, dict[str, Any]]], now: datetime) -> str:
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
        v["ocg"] = ocg
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


# -- people --------------------------------------------------------------------------------------


def check_people(
    session: Session, rows: list[tuple[int, dict[str, str]]], now: datetime
) -> Checked:
    out = Checked()
    seen: dict[str, int] = {}
    emails: dict[str, int] = {}
    for line, row in rows:
        bad: list[str] = []
        if "__error__" in row:
            out.problems.append((line, row["__error__"]))
            continue
        handle = _check(people.clean_handle, row.get("handle", ""), bad, "handle")
        if not row.get("name"):
            bad.append("name is empty; every row needs one")
        roles = [_check(people.check_role, r, bad, "roles") for r in _split(row.get("roles", ""))]
        if "partner" in roles and LEADING_ROLES & set(roles):
            bad.append(
                "roles: a partner can't also be admin, SRO, LRO, SIO, analyst or moderator "
                "(partners only ever see the partner view)"
            )
        email = (row.get("email") or "").lower() or None
        if email and ("@" not in email or " " in email):
            bad.append(f"email: {email!r} doesn't look like an email address")
        elif email:
            owner = session.exec(select(Person).where(Person.email == email)).first()
            if owner is not None and owner.handle != handle:
                bad.append(f"email: {email} already belongs to @{owner.handle}")
            if email in emails:
                bad.append(f"email: {email} is also on line {emails[email]}")
            emails.setdefault(email, line)
        if handle and handle in seen:
            bad.append(f"handle: @{handle} is also on line {seen[handle]}")
        if handle:
            seen.setdefault(handle, line)
        values = {
            "handle": handle,
            "name": row.get("name", ""),
            "agency": row.get("agency", ""),
            "email": email,
            "area": row.get("area") or None,
            "roles": tuple(r for r in roles if r),
        }
        if bad:
            out.problems.append((line, "; ".join(bad)))
        else:
            out.rows.append((line, values))
    return out


def write_people(session: Session, rows: list[tuple[int, dict[str, Any]]], now: datetime) -> str:
    added = 0
    for _, v in rows:
        _, created = people.upsert_person(session, now=now, **v)
        added += int(created)
    return f"{added} added, {len(rows) - added} already known (updated where the file differs)"


# -- socbot import -------------------------------------------------------------------------------

KINDS: dict[str, tuple[dict[str, bool], Any, Any]] = {
    "ocgs": (OCG_COLUMNS, check_ocgs, write_ocgs),
    "people": (PEOPLE_COLUMNS, check_people, write_people),
}


def configure_cli(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=sorted(KINDS), help="what the file holds")
    parser.add_argument("file", type=Path, help="a CSV file with a header row")
    parser.add_argument("--dry-run", action="store_true", help="check the file; write nothing")
    parser.add_argument(
        "--overwrite-chat-changes",
        action="store_true",
        help="ocgs: apply the file even where it undoes a change made in chat since last import",
    )


def run_cli(bot: BotApi, args: argparse.Namespace) -> int:
    """Check every row, then write all or nothing; 0 imported, 1 the file has problems."""
    columns, check, write = KINDS[args.kind]
    path: Path = args.file
    now = bot.clock.utcnow()
    try:
        rows = read_csv(path, columns)
    except BadFile as exc:
        print(f"{path.name}: {exc}. Nothing was imported.")
        return 1
    with Session(bot.engine) as session:
        checked: Checked = check(session, rows, now)
        if checked.problems:
            session.rollback()
            count = len(checked.problems)
            print(f"{path.name}: {count} bad row{'s' if count > 1 else ''}; nothing was imported.")
            for line, problem in checked.problems:
                print(f"  line {line}: {problem}")
            return 1
        conflicts, overwrite = checked.conflicts, args.overwrite_chat_changes
        if conflicts and not overwrite:
            session.rollback()
            print(f"{path.name}: {_changes(conflicts)} would be undone; nothing was imported.")
            _list(conflicts)
            print(
                "Keep socbot's value by writing it in the file (or emptying the cell), or run "
                "again with --overwrite-chat-changes to apply the file's."
            )
            return 1
        if args.dry_run:
            session.rollback()
            print(f"{path.name}: all {len(rows)} rows are good; nothing written (dry run).")
            if conflicts:
                print(f"The import would overwrite {_changes(conflicts)}:")
                _list(conflicts)
            return 0
        summary = write(session, checked.rows, now)
        if args.kind == "ocgs":
            no_lro.record(bot, session, checked.rows)
        if conflicts:
            summary += f"; overwrote {_changes(conflicts)}"
        command = f"import {args.kind} {path.name}"
        command += " --overwrite-chat-changes" if overwrite else ""
        who = audit.cli_actor()
        audit.append(session, at=now, actor=who, action="import", text_=command, detail=summary)
        for ref in dict.fromkeys(c.ref for c in conflicts):  # on each OCG's own trail too
            undone = "; ".join(c.change() for c in conflicts if c.ref == ref)
            detail = f"overwrote changes made in chat: {undone}"
            audit.append(
                session, at=now, actor=who, action="import", text_=command, ocg_ref=ref,
                detail=detail,
            )  # fmt: skip
        session.commit()
    print(f"{path.name}: {len(rows)} {args.kind} rows imported: {summary}.")
    return 0


def _changes(conflicts: list[memory.Conflict]) -> str:
    n = len(conflicts)
    return f"{n} change{'s' if n > 1 else ''} made in chat"


def _list(conflicts: list[memory.Conflict]) -> None:
    for conflict in conflicts:
        print(f"  {conflict}")
