"""Table rows for the fictional force, table by table, each from its own random stream.

The big tables (actions, disruptions) are written for speed: one ``random()`` per choice and
timestamps formatted once per day rather than once per row.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from functools import cache
from types import SimpleNamespace
from typing import Any

from benchmarks import words as W
from benchmarks.world import (
    BENCH_ACTIONS,
    BENCH_LRO,
    BENCH_OCG,
    BENCH_SLACK,
    BENCH_TEAMS,
    P4,
    REVIEW_MONTHS,
    TACTICS,
    OcgInfo,
    Spec,
    World,
    build_world,
    ts,
)
from socbot.clock import LONDON, add_months

# -- rows, table by table --------------------------------------------------------------------

Rows = Iterator[tuple[Any, ...]]


def person_rows(w: World) -> Rows:
    yield from w.people


def ocg_rows(w: World) -> Rows:
    rng = w.rng("ocg")
    combos = [f"{a} {b}" for a in W.GROUP_FIRST for b in W.GROUP_SECOND]
    names = rng.sample(combos, min(len(combos), w.n["ocgs"]))
    names += [f"{rng.choice(combos)} {i}" for i in range(w.n["ocgs"] - len(names))]
    names[BENCH_OCG - 1] = "Smith Brothers"
    created = ts(w.start)
    for k, info in enumerate(w.ocgs):
        last = add_months(info.due, -REVIEW_MONTHS[info.tier])
        status = "active" if info.active else rng.choice(("archived", "archived", "closed"))
        yield (
            k + 1,
            f"OCG-{k + 1:04d}",
            names[k],
            names[k].lower(),
            f"Group {k + 1}",
            info.band,
            round(rng.uniform(10, 95), 1),
            last.isoformat(),
            rng.choice(("P1", "P2", "P3", "P4")) if rng.random() < 0.2 else None,
            info.tier,
            rng.choices(("clear", "hold", "build"), (50, 30, 20))[0],
            w.areas[info.area],
            status,
            f"Intelligence summary for {names[k]} (fictional).",
            created,
            last.isoformat(),
            info.due.isoformat(),
        )


def ocgalias_rows(w: World) -> Rows:
    rng = w.rng("ocgalias")
    yield (1, BENCH_OCG, "The Smiths", "the smiths")
    n = 1
    for k in range(w.n["ocgs"]):
        if k != BENCH_OCG - 1 and rng.random() < 0.2:
            n += 1
            alias = f"The {rng.choice(W.GROUP_FIRST)} {rng.choice(W.GROUP_SECOND)}"
            yield (n, k + 1, alias, alias.lower())


def assignment_rows(w: World) -> Rows:
    rng = w.rng("assignment")
    start, n = ts(w.start), 0

    def row(pid: int, role: str, ocg: int | None = None, pillar=None, started=start, ended=None):
        nonlocal n
        n += 1
        return (n, pid, role, ocg, pillar, started, ended, 1)

    for pid, role in w.roles:
        yield row(pid, role)
    handed_over, ended = ts(w.now - timedelta(days=400)), ts(w.now - timedelta(days=200))
    for k, info in enumerate(w.ocgs):
        ocg = k + 1
        yield row(info.sro, "sro", ocg)
        if rng.random() < 0.1 and k != BENCH_OCG - 1:  # a hand-over, kept on record
            yield row(w.lro_base + rng.randrange(len(w.ocgs) // 4), "lro", ocg, None, start, ended)
            yield row(info.lro, "lro", ocg, None, handed_over)
        else:
            yield row(info.lro, "lro", ocg)
        if info.sio:
            yield row(info.sio, "sio", ocg)
        for pid, pillar in info.pleads:
            yield row(pid, "plead", ocg, pillar)


def identity_rows(w: World) -> Rows:
    rng = w.rng("identity")
    linked, n = ts(w.start + timedelta(days=30)), 0
    for pid, handle in enumerate(w.handles, 1):
        if handle == BENCH_LRO:
            yield (n + 1, pid, "slack", BENCH_SLACK, None, linked)
            yield (n + 2, pid, "teams", BENCH_TEAMS, None, linked)
            n += 2
            continue
        r = rng.random()
        if r < 0.9:
            n += 1
            if r < 0.65:
                yield (n, pid, "slack", f"U{pid:08d}", None, linked)
            else:
                yield (n, pid, "teams", f"00000000-0000-4000-8000-{pid:012d}", None, linked)


def nominal_rows(w: World) -> Rows:
    rng = w.rng("nominal")
    n_ocg = w.n["ocgs"]
    for j in range(w.n["nominals"]):
        m = j // n_ocg
        role = "principal" if m == 0 else "significant" if m < 3 else "peripheral"
        yield (
            j + 1,
            j % n_ocg + 1,
            f"{rng.choice(W.FIRST_NAMES)} {rng.choice(W.LAST_NAMES)}",
            role,
            rng.choice(W.NOMINAL_STATUS),
            f"{rng.randint(1, 180)} {rng.choice(W.STREETS)}",
        )


def _owner(rng: random.Random, w: World, info: OcgInfo) -> tuple[int | None, str | None, str]:
    r = rng.random()
    if r < 0.3 or (r < 0.45 and not info.sio):
        return info.lro, None, rng.choice(P4)
    if r < 0.45:
        return info.sio, None, "pursue"
    if r < 0.7:
        pid, pillar = rng.choice(info.pleads)
        return pid, None, pillar
    if r < 0.9:
        return rng.choice(w.partners_by_area[info.area]), None, rng.choice(P4)
    return None, rng.choice(W.AGENCIES)[0], rng.choice(P4)


def action_rows(w: World) -> Rows:
    """Also records each action's ``created`` change for ``actionchange_rows``."""
    rng = w.rng("action")
    rand = rng.random
    n, n_bench = w.n["actions"], sum(c for _, c in BENCH_ACTIONS)
    bench = [kind for kind, count in BENCH_ACTIONS for _ in range(count)]
    overdue = set(rng.sample(range(n_bench, n), w.n["overdue"] - BENCH_ACTIONS[0][1]))
    bench_lro = w.handles.index(BENCH_LRO) + 1
    texts = [f"{v} the {p} on {s}" for v in W.ACTION_VERBS for p in W.PLACES for s in W.STREETS]
    active = w.active_ocgs

    @cache
    def at(days: int, hour: int) -> str:
        return ts(datetime.combine(w.today + timedelta(days=days), dtime(hour), LONDON))

    for i in range(n):
        if i < n_bench:
            kind, k = bench[i], BENCH_OCG - 1
            owner, agency, pillar = bench_lro, None, P4[i % 4]
        else:
            r = rand()
            if i in overdue:
                kind, k = "overdue", active[int(rand() * len(active))]
            else:
                kind = "open" if r < 0.12 else "done" if r < 0.95 else "cancelled"
                k = int(rand() * len(w.ocgs))
            owner, agency, pillar = _owner(rng, w, w.ocgs[k])
        info = w.ocgs[k]
        if kind == "overdue":
            days = -1 - int(rand() * 60)
        elif kind == "open":
            days = 1 + int(rand() * 90)
        else:
            days = -1 - int(rand() * 700)
        due_at, created = at(days, 18), at(days - 14 - int(rand() * 47), 10)
        closed = kind in ("done", "cancelled")
        yield (
            i + 1,
            k + 1,
            pillar,
            texts[int(rand() * len(texts))],
            owner,
            agency,
            TACTICS[int(rand() * len(TACTICS))] if rand() < 0.3 else None,
            info.lro,
            created,
            due_at,
            kind if closed else "open",
            ("Done: see the disruption log" if kind == "done" else "Cancelled: no longer needed")
            if closed
            else None,
            (owner or info.lro) if closed else None,
            at(days - int(rand() * 11), 15) if closed else None,
            None,
            0,
        )
        who = w.handles[owner - 1] if owner else agency
        w.changes.append((i + 1, created, info.lro, "created", None, due_at, None, who, None))


def actionchange_rows(w: World) -> Rows:
    for n, change in enumerate(w.changes, 1):
        yield (n, *change)
    w.changes = []


def disruption_rows(w: World) -> Rows:
    """The biggest table, so written for speed: one ``random()`` per choice, dates precomputed."""
    rand = w.rng("disruption").random
    n_ocg, n_nominals = w.n["ocgs"], w.n["nominals"]
    texts = [
        t.format(place=p, street=s, what=f)
        for t in W.DISRUPTION_TEXT
        for p in W.PLACES
        for s in W.STREETS
        for f in W.DISRUPTION_FINDS
    ]
    days = []  # days ago -> (day, recorded at, moderated at)
    for ago in range(1, 1096):
        day = w.today - timedelta(days=ago)
        recorded = datetime.combine(day + timedelta(days=1), dtime(10), LONDON)
        days.append((day.isoformat(), ts(recorded), ts(recorded + timedelta(days=2))))
    grades = ("minor",) * 6 + ("moderate",) * 3 + ("major",)
    scale = {"minor": 0, "moderate": 1, "major": 3}
    mods = w.moderators

    def upto(n: int) -> int:
        return int(rand() * (n + 1))

    for i in range(w.n["disruptions"]):
        k = int(rand() * n_ocg)
        info = w.ocgs[k]
        day, recorded, moderated = days[int(rand() * len(days))]
        grade = grades[int(rand() * 10)]
        big = scale[grade]
        r = rand()
        status = "pending" if r < 0.03 else "rejected" if r < 0.04 else "accepted"
        per_ocg = n_nominals // n_ocg + (1 if k < n_nominals % n_ocg else 0)
        nominal = k + 1 + n_ocg * int(rand() * per_ocg) if per_ocg and rand() < 0.3 else None
        yield (
            i + 1,
            k + 1,
            day,
            grade,
            P4[int(rand() * 4)],
            texts[int(rand() * len(texts))],
            upto(2 * big),
            upto(big),
            upto(big),
            upto(50_000) * 100 * big,
            0,
            "cannabis" if rand() < 0.1 else None,
            upto(big),
            upto(1),
            upto(big),
            nominal,
            TACTICS[int(rand() * len(TACTICS))] if rand() < 0.2 else None,
            None,
            info.sio or info.lro,
            recorded,
            status,
            mods[int(rand() * len(mods))] if status != "pending" else None,
            moderated if status != "pending" else None,
            "Not a disruption: routine contact" if status == "rejected" else None,
        )


def review_rows(w: World) -> Rows:
    rng = w.rng("review")
    n_ocg = w.n["ocgs"]
    for j in range(w.n["reviews"]):
        k, m = j % n_ocg, j // n_ocg
        info = w.ocgs[k]
        months = REVIEW_MONTHS[info.tier]
        on = add_months(info.due, -months * (m + 1))
        trigger = rng.random() < 0.1
        yield (
            j + 1,
            k + 1,
            on.isoformat(),
            ts(datetime.combine(on, dtime(12), LONDON)),
            info.lro,
            "trigger" if trigger else "scheduled",
            "Plan reviewed at the tasking meeting.",
            info.band,
            info.band,
            info.tier,
            info.tier,
            None,
            None,
            None,
            None,
            add_months(on, months).isoformat(),
        )


def profilefact_rows(w: World) -> Rows:
    rng = w.rng("profilefact")
    added, n = ts(w.start + timedelta(days=60)), 0
    smith = [
        ("business", "car wash on Fratton Road, cash-only"),
        ("business", "nail bar on Market Street"),
        ("vehicles", "private plate, leased prestige car"),
        ("lifestyle", "boxing gym, expensive holidays"),
    ]
    for k, info in enumerate(w.ocgs):
        if k == BENCH_OCG - 1:
            facts = smith
        elif rng.random() < 0.3:
            cats = rng.sample(sorted(W.FACTS), rng.randint(2, 4))
            facts = [
                (
                    c,
                    rng.choice(W.FACTS[c]).format(
                        place=rng.choice(W.PLACES), street=rng.choice(W.STREETS)
                    ),
                )
                for c in cats
            ]
        else:
            continue
        for category, fact in facts:
            n += 1
            yield (n, k + 1, category, fact, info.lro, added)


def outbox_rows(w: World) -> Rows:
    rng = w.rng("outbox")
    n_people = len(w.people)
    for i in range(w.n["outbox"]):
        at = w.now - timedelta(minutes=rng.randint(60, 365 * 24 * 60))
        kind = rng.choice(("nudge", "nudge", "nudge", "review-alert", "digest"))
        body = json.dumps({"text": f"History message {i + 1} ({kind})."})
        yield (
            i + 1,
            f"history:{i + 1}",
            kind,
            rng.randint(1, n_people),
            None,
            rng.randint(1, w.n["ocgs"]),
            body,
            None,
            ts(at),
            "sent",
            1,
            ts(at),
            ts(at + timedelta(minutes=1)),
            rng.choice(("slack", "teams")),
            None,
        )


def auditevent_rows(w: World) -> Rows:
    from socbot.audit import GENESIS, _digest

    rng = w.rng("auditevent")
    n = w.n["audit"]
    first = w.now - timedelta(days=365)
    step = timedelta(days=365) / max(n, 1)
    prev = GENESIS
    verbs = ("status", "actions", "list", "disrupt", "done", "tactics", "help")
    for i in range(n):
        at = (first + step * i).astimezone(UTC).replace(microsecond=0)
        pid = rng.randint(1, len(w.people))
        face = rng.choice(("slack", "slack", "teams", "console"))
        verb = rng.choice(verbs)
        ref = f"OCG-{rng.randint(1, w.n['ocgs']):04d}"
        row = SimpleNamespace(
            at=at,
            actor_id=pid,
            actor=w.handles[pid - 1],
            face=face,
            channel=None,
            action=verb,
            text=f"ocg {verb} {ref}",
            ocg_ref=ref,
            outcome="ok",
            detail=None,
        )
        digest = _digest(prev, row)  # type: ignore[arg-type]
        yield (
            i + 1,
            ts(at),
            pid,
            row.actor,
            face,
            None,
            verb,
            row.text,
            ref,
            "ok",
            None,
            prev,
            digest,
        )
        prev = digest


# table, columns, rows: in foreign-key order
TABLES: tuple[tuple[str, str, Callable[[World], Rows]], ...] = (
    ("person", "id handle name agency email area active created_at", person_rows),
    (
        "ocg",
        "id ref name name_key partner_name band morile morile_date pmech tier phase area "
        "status notes created_at last_review_on next_review_due",
        ocg_rows,
    ),
    ("ocgalias", "id ocg_id alias alias_key", ocgalias_rows),
    (
        "assignment",
        "id person_id role ocg_id pillar started_at ended_at granted_by_id",
        assignment_rows,
    ),
    ("identity", "id person_id platform external_id conversation linked_at", identity_rows),
    ("nominal", "id ocg_id name role status address", nominal_rows),
    (
        "action",
        "id ocg_id pillar description owner_id owner_agency tactic_id created_by_id "
        "created_at due_at status result completed_by_id completed_at last_nudged_at nudge_count",
        action_rows,
    ),
    (
        "actionchange",
        "id action_id at by_id kind old_due new_due old_owner new_owner reason",
        actionchange_rows,
    ),
    (
        "disruption",
        "id ocg_id occurred_on grade pillar description arrests charged warrants "
        "cash_pence assets_pence drugs vehicles orders safeguarded nominal_id tactic_id action_id "
        "recorded_by_id recorded_at status moderated_by_id moderated_at moderation_note",
        disruption_rows,
    ),
    (
        "review",
        "id ocg_id reviewed_on recorded_at by_id kind notes band_before band_after "
        "tier_before tier_after morile_before morile_after pmech_before pmech_after next_due",
        review_rows,
    ),
    ("profilefact", "id ocg_id category fact added_by_id added_at", profilefact_rows),
    (
        "outbox",
        "id key kind person_id channel ocg_id body note created_at status attempts "
        "next_attempt_at sent_at face last_error",
        outbox_rows,
    ),
    (
        "auditevent",
        "id at actor_id actor face channel action text ocg_ref outcome detail prev_hash hash",
        auditevent_rows,
    ),
)


def tables(spec: Spec) -> Iterator[tuple[str, list[str], Rows]]:
    """``(table, columns, rows)`` in load order; each table's rows are a fresh random stream."""
    world = build_world(spec)
    for table, columns, rows in TABLES:
        yield table, columns.split(), rows(world)
