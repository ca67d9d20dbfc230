"""The same work as each benchmarked command, hand-written against the DB-API: the baseline.

Each function does what the command does for the user, with no ORM, plugin manager or reply
model: find the person and their roles, resolve the OCG, run the queries the answer needs, format
a plain-text answer, and (like the core) append an unsealed audit row and commit. Sweeps decide
the same messages, queue them with one ``executemany`` and roll back, as ``dry_run`` does. The
ratio socbot / raw is therefore the cost of everything socbot adds on top of the SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from benchmarks.world import ts

LIVE = "a.started_at <= ? AND (a.ended_at IS NULL OR a.ended_at > ?)"
ANY_READ = {"admin", "sro", "analyst", "moderator"}
CHUNK = 5000


class Raw:
    """One DB-API connection (sqlite3 or psycopg) with ``?`` placeholders on both."""

    def __init__(self, url: str):
        self.pg = url.startswith("postgresql")
        if self.pg:
            import psycopg

            self.conn: Any = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        else:
            self.conn = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self.conn.close()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.pg else sql

    def q(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.conn.execute(self._sql(sql), params).fetchall()

    def one(self, sql: str, *params: Any) -> tuple[Any, ...] | None:
        return self.conn.execute(self._sql(sql), params).fetchone()

    def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if self.pg:
            with self.conn.cursor() as cur:
                cur.executemany(self._sql(sql), rows)
        else:
            self.conn.executemany(sql, rows)

    def begin(self) -> None:
        """SQLite runs in autocommit mode; psycopg opens a transaction by itself."""
        if not self.pg:
            self.conn.execute("BEGIN")

    def commit(self) -> None:
        self.conn.execute("COMMIT") if not self.pg else self.conn.commit()

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK") if not self.pg else self.conn.rollback()

    def t(self, moment: datetime) -> Any:
        """A moment as a parameter: aware for psycopg, the stored text for SQLite."""
        return moment if self.pg else ts(moment)

    def d(self, day: date) -> Any:
        return day if self.pg else day.isoformat()

    def ids(self, sql: str, ids: list[int], *before: Any) -> list[tuple[Any, ...]]:
        """``sql`` has one ``IN ({})``; run it over ``ids`` in chunks."""
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            found += self.q(sql.format(", ".join("?" * len(chunk))), *before, *chunk)
        return found

    # -- the parts every command shares ------------------------------------------------------

    def actor(self, handle: str, now: datetime) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        person = self.one(
            "SELECT id, handle, name, agency, area FROM person WHERE handle = ? AND active",
            handle,
        )
        assert person is not None, handle
        roles = self.q(
            f"SELECT a.role, a.ocg_id, a.pillar FROM assignment a WHERE a.person_id = ? AND {LIVE}",
            person[0],
            self.t(now),
            self.t(now),
        )
        return person, roles

    def audit(self, person: tuple[Any, ...], now: datetime, verb: str, text: str, ref: str | None):
        """As the core does: insert an unsealed row, no lock (the sealer chains it later)."""
        self.conn.execute(
            self._sql(
                "INSERT INTO auditevent (at, actor_id, actor, face, channel, action, text, "
                "ocg_ref, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, 'console', NULL, ?, "
                "?, ?, 'ok', NULL, NULL, NULL)"
            ),
            (self.t(now.astimezone(UTC)), person[0], person[1], verb, text, ref),
        )


OCG_COLS = (
    "id, ref, name, band, morile, morile_date, pmech, tier, phase, area, status, "
    "last_review_on, next_review_due"
)


def _visible(roles: list[tuple[Any, ...]]) -> list[int] | None:
    """The OCG ids the actor may read (``None``: all), as the core works them out."""
    if any(role in ANY_READ for role, _, _ in roles):
        return None
    return sorted({ocg for _, ocg, _ in roles if ocg is not None})


def _find(r: Raw, query: str, roles: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """By reference, then exact name or alias, then a name or alias prefix, among the OCGs the
    actor may read (as socbot searches)."""
    visible = _visible(roles)
    assert visible is None or visible, "sees no OCG"
    only = "" if visible is None else f" AND id IN ({', '.join(map(str, visible))})"
    q = " ".join(query.lower().split())
    if q.startswith("ocg-"):
        found = r.q(f"SELECT {OCG_COLS} FROM ocg WHERE ref = ?{only}", query.upper())
    else:
        aliases = "SELECT ocg_id FROM ocgalias WHERE alias_key"
        found = r.q(
            f"SELECT {OCG_COLS} FROM ocg WHERE (name_key = ? OR id IN ({aliases} = ?)){only}",
            q,
            q,
        ) or r.q(
            f"SELECT {OCG_COLS} FROM ocg WHERE (name_key LIKE ? OR id IN ({aliases} LIKE ?))"
            f"{only} ORDER BY band, ref LIMIT 20",
            q + "%",
            q + "%",
        )
    assert len(found) == 1, (query, found)
    return found[0]


def help_(r: Raw, handle: str, now: datetime) -> str:
    """The floor every command stands on: who is asking, their roles, the audit row, commit."""
    r.begin()
    person, roles = r.actor(handle, now)
    r.audit(person, now, "help", "help", None)
    r.commit()
    return f"What you can do, {person[2]}: " + ", ".join(sorted({role for role, _, _ in roles}))


def status(r: Raw, handle: str, query: str, now: datetime, today: date) -> str:
    r.begin()
    person, roles = r.actor(handle, now)
    ocg = _find(r, query, roles)
    oid, t = ocg[0], r.t(now)
    people = r.q(
        "SELECT a.role, a.pillar, a.ended_at, p.handle, p.name FROM assignment a "
        f"JOIN person p ON p.id = a.person_id WHERE a.ocg_id = ? AND {LIVE}",
        oid,
        t,
        t,
    )
    total, late = r.one(
        "SELECT count(*), coalesce(sum(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0) FROM action "
        "WHERE ocg_id = ? AND status = 'open'",
        t,
        oid,
    ) or (0, 0)
    hits = r.q(
        "SELECT grade, status, count(*) FROM disruption WHERE ocg_id = ? AND occurred_on >= ? "
        "AND status != 'rejected' GROUP BY grade, status",
        oid,
        r.d(today - timedelta(days=90)),
    )
    nominals = r.q(
        "SELECT role, count(*) FROM nominal WHERE ocg_id = ? AND status NOT IN "
        "('left', 'deceased') GROUP BY role",
        oid,
    )
    oldest = r.q(
        "SELECT a.id, a.description, a.pillar, a.due_at, p.handle FROM action a LEFT JOIN person "
        "p ON p.id = a.owner_id WHERE a.ocg_id = ? AND a.status = 'open' AND a.due_at < ? "
        "ORDER BY a.due_at LIMIT 3",
        oid,
        t,
    )
    lines = [f"{ocg[1]} {ocg[2]}", f"Band {ocg[3]} tier {ocg[7]} review due {ocg[12]}"]
    lines += [f"{role} {pillar or ''} {name} (@{h})" for role, pillar, _, h, name in people]
    lines.append(f"Actions: {total} open, {late} overdue")
    lines += [f"#{i} {text} ({pillar}, @{h}, due {due})" for i, text, pillar, due, h in oldest]
    lines.append("Disruptions: " + ", ".join(f"{g} {s} {n}" for g, s, n in hits))
    lines.append("Nominals: " + ", ".join(f"{role} {n}" for role, n in nominals))
    r.audit(person, now, "status", f"status {query}", ocg[1])
    r.commit()
    return "\n".join(lines)


def list_overdue(r: Raw, handle: str, now: datetime, today: date) -> str:
    """OCGs with an overdue review, highest threat first: a count, one page, the page's LROs."""
    r.begin()
    person, roles = r.actor(handle, now)
    assert any(role in ANY_READ for role, _, _ in roles)
    where = "status = 'active' AND next_review_due < ?"
    (total,) = r.one(f"SELECT count(*) FROM ocg WHERE {where}", r.d(today)) or (0,)
    page = r.q(
        f"SELECT id, ref, name, band, tier, pmech, area, next_review_due FROM ocg WHERE {where} "
        "ORDER BY band, CASE WHEN pmech IS NULL THEN 1 ELSE 0 END, pmech, next_review_due, ref "
        "LIMIT 15",
        r.d(today),
    )
    t = r.t(now)
    leads = dict(
        r.ids(
            "SELECT a.ocg_id, p.handle FROM assignment a JOIN person p ON p.id = a.person_id "
            f"WHERE a.role = 'lro' AND {LIVE} AND a.ocg_id IN ({{}})",
            [row[0] for row in page],
            t,
            t,
        )
    )
    lines = [f"OCGs (overdue): {total}"]
    lines += [
        f"{ref} {name} {band} tier {tier} {pmech or ''} {area} LRO @{leads.get(i)} due {due}"
        for i, ref, name, band, tier, pmech, area, due in page
    ]
    r.audit(person, now, "list", "list overdue", None)
    r.commit()
    return "\n".join(lines)


def actions_mine(r: Raw, handle: str, now: datetime) -> str:
    r.begin()
    person, _ = r.actor(handle, now)
    t = r.t(now)
    total, late = r.one(
        "SELECT count(*), coalesce(sum(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0) FROM action "
        "WHERE owner_id = ? AND status = 'open'",
        t,
        person[0],
    ) or (0, 0)
    rows = r.q(
        "SELECT id, ocg_id, pillar, description, due_at FROM action WHERE owner_id = ? AND "
        "status = 'open' ORDER BY due_at, id LIMIT 25",
        person[0],
    )
    names = dict(r.ids("SELECT id, ref FROM ocg WHERE id IN ({})", sorted({x[1] for x in rows})))
    lines = [f"Your open actions: {total}, {late} overdue"]
    lines += [f"{names[o]} #{i} {text} ({pillar}) due {due}" for i, o, pillar, text, due in rows]
    r.audit(person, now, "actions", "actions mine", None)
    r.commit()
    return "\n".join(lines)


def disrupt(r: Raw, handle: str, ref: str, text: str, now: datetime, today: date) -> str:
    r.begin()
    person, roles = r.actor(handle, now)
    ocg = _find(r, ref, roles)
    r.conn.execute(
        r._sql(
            "INSERT INTO disruption (ocg_id, occurred_on, grade, pillar, description, arrests, "
            "charged, warrants, cash_pence, assets_pence, vehicles, orders, safeguarded, "
            "recorded_by_id, recorded_at, status) VALUES (?, ?, 'minor', 'prevent', ?, 0, 0, 0, "
            "0, 0, 0, 0, 2, ?, ?, 'pending')"
        ),
        (ocg[0], r.d(today), text, person[0], r.t(now)),
    )
    r.audit(person, now, "disrupt", f"disrupt {ref} minor prevent", ocg[1])
    r.commit()
    return f"Disruption logged against {ocg[1]} {ocg[2]}"


def tactics_for(r: Raw, handle: str, ref: str, now: datetime) -> str:
    """The SQL behind ``tactics for``: profile, open actions by pillar, tactics already used.
    (The ranking itself is Python over the in-memory catalogue and has no SQL equivalent.)"""
    r.begin()
    person, roles = r.actor(handle, now)
    ocg = _find(r, ref, roles)
    facts = r.q("SELECT category, fact FROM profilefact WHERE ocg_id = ? ORDER BY id", ocg[0])
    open_by_pillar = r.q(
        "SELECT pillar, count(*) FROM action WHERE ocg_id = ? AND status = 'open' GROUP BY pillar",
        ocg[0],
    )
    used = r.q(
        "SELECT tactic_id FROM action WHERE ocg_id = ? AND tactic_id IS NOT NULL UNION "
        "SELECT tactic_id FROM disruption WHERE ocg_id = ? AND tactic_id IS NOT NULL",
        ocg[0],
        ocg[0],
    )
    r.audit(person, now, "tactics", f"tactics for {ref}", ocg[1])
    r.commit()
    return f"{ocg[1]}: {len(facts)} facts, {dict(open_by_pillar)}, {len(used)} used"


# -- sweeps (decide, queue, roll back: the ``dry_run`` of the jobs) ---------------------------

OUTBOX_INSERT = (
    'INSERT INTO outbox ("key", kind, person_id, ocg_id, body, created_at, status, attempts, '
    "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT (\"key\") DO NOTHING"
)


def _queue(r: Raw, messages: dict[str, tuple[str, int, int | None, dict]], now: datetime) -> int:
    keys = list(messages)
    done = {k for (k,) in r.ids('SELECT "key" FROM outbox WHERE "key" IN ({})', keys)}
    t = r.t(now)
    rows = [
        (key, kind, pid, oid, json.dumps(body), t, t)
        for key, (kind, pid, oid, body) in messages.items()
        if key not in done
    ]
    r.many(OUTBOX_INSERT, rows)
    return len(rows)


def nudges(r: Raw, now: datetime, today: date) -> int:
    """One message per person with overdue actions: theirs, or (when they have no chat identity,
    or the action is an agency's) their agency's coordinators in their area."""
    r.begin()
    t = r.t(now)
    rows = r.q(
        "SELECT a.id, a.ocg_id, a.pillar, a.description, a.due_at, a.owner_id, a.owner_agency, "
        "o.ref, o.area, p.handle, p.agency, p.area FROM action a JOIN ocg o ON o.id = a.ocg_id "
        "LEFT JOIN person p ON p.id = a.owner_id WHERE a.status = 'open' AND a.due_at < ? "
        "ORDER BY a.due_at, a.id",
        t,
    )
    owners = sorted({row[5] for row in rows if row[5]})
    reachable = {
        pid
        for (pid,) in r.ids(
            "SELECT DISTINCT person_id FROM identity WHERE person_id IN ({})", owners
        )
    }
    chasers: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for pid, agency, area in r.q(
        "SELECT DISTINCT p.id, p.agency, p.area FROM assignment a JOIN person p ON "
        f"p.id = a.person_id WHERE a.role = 'coordinator' AND {LIVE} AND p.active",
        t,
        t,
    ):
        chasers[agency.lower()].append((pid, area))
    plan: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        owner, agency, area = row[5], (row[10] or row[6] or "").lower(), row[11] or row[8]
        if owner and owner in reachable:
            plan[owner].append(row)
            continue
        found = chasers.get(agency, [])
        for pid in [p for p, a in found if a == area] or [p for p, _ in found]:
            plan[pid].append(row)
    day = today.isoformat()
    messages = {
        f"nudge:{day}:{pid}": (
            "nudge",
            pid,
            None,
            {
                "title": f"{len(items)} overdue actions need you",
                "items": [f"#{i[0]} {i[3]} ({i[7]}, {i[2]}) due {i[4]}" for i in items[:20]],
            },
        )
        for pid, items in plan.items()
    }
    queued = _queue(r, messages, now)
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        r.conn.execute(
            r._sql(
                "UPDATE action SET last_nudged_at = ?, nudge_count = nudge_count + 1 "
                f"WHERE id IN ({', '.join('?' * len(chunk))})"
            ),
            (t, *chunk),
        )
    r.rollback()
    return queued


def review_alerts(r: Raw, now: datetime, today: date, alert_days: int = 7, escalate: int = 14):
    r.begin()
    t = r.t(now)
    ocgs = r.q(
        "SELECT id, ref, name, tier, next_review_due FROM ocg WHERE status = 'active' AND "
        "next_review_due <= ? ORDER BY next_review_due, ref",
        r.d(today + timedelta(days=alert_days)),
    )
    holders: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for oid, role, pid in r.ids(
        "SELECT a.ocg_id, a.role, a.person_id FROM assignment a JOIN person p ON "
        f"p.id = a.person_id WHERE a.role IN ('lro', 'sro') AND {LIVE} AND p.active AND "
        "(a.ocg_id IS NULL OR a.ocg_id IN ({}))",
        [o[0] for o in ocgs],
        t,
        t,
    ):
        holders[(oid, role)].append(pid)
    messages = {}
    for oid, ref, name, _tier, due in ocgs:
        due = due if isinstance(due, date) else date.fromisoformat(due)
        days = (due - today).days
        stages = [("before", 0)] if 0 <= days <= alert_days else []
        if days < 0:
            stages = [("overdue", (-days - 1) // 7)]
            if -days >= escalate:
                stages.append(("escalation", (-days - escalate) // 7))
        sro = holders.get((oid, "sro")) or holders.get((None, "sro"), [])
        for stage, week in stages:
            to = sro if stage == "escalation" else holders.get((oid, "lro")) or sro
            for pid in to:
                key = f"review-alert:{oid}:{due}:{stage}:w{week}:p{pid}"
                body = {"title": f"Review {stage}: {ref} {name}", "text": f"due {due}"}
                messages[key] = ("review-alert", pid, oid, body)
    queued = _queue(r, messages, now)
    r.rollback()
    return queued
