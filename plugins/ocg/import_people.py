"""``socbot import people FILE.csv``: the people who use socbot, matched by handle, so importing
a file twice updates, never duplicates."""

from __future__ import annotations

from datetime import datetime

from socbot_plugins.ocg.csv_read import Checked, CsvImport, Ready, Rows, check_cell, split_cell
from sqlmodel import Session, select

from socbot import Person, people

# column -> required (present and filled in on every row)
PEOPLE_COLUMNS = {
    "handle": True,
    "name": True,
    "agency": False,
    "email": False,
    "roles": False,
    "area": False,
}
LEADING_ROLES = {"admin", "sro", "lro", "sio", "analyst", "moderator"}


def check_people(session: Session, rows: Rows, now: datetime) -> Checked:
    out = Checked()
    seen: dict[str, int] = {}
    emails: dict[str, int] = {}
    for line, row in rows:
        bad: list[str] = []
        handle = check_cell(people.clean_handle, row.get("handle", ""), bad, "handle")
        if not row.get("name"):
            bad.append("name is empty; every row needs one")
        roles = [
            check_cell(people.check_role, r, bad, "roles") for r in split_cell(row.get("roles", ""))
        ]
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


def write_people(session: Session, rows: Ready, now: datetime) -> str:
    added = 0
    for _, v in rows:
        _, created = people.upsert_person(session, now=now, **v)
        added += int(created)
    return f"{added} added, {len(rows) - added} already known (updated where the file differs)"


IMPORT = CsvImport(
    "people",
    "people and their roles, matched by handle",
    PEOPLE_COLUMNS,
    check_people,
    write_people,
)
