"""The benchmark data generator at a tiny scale: counts, determinism, integrity (no timings)."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from benchmarks.generate import load_sqlite
from benchmarks.rows import tables
from benchmarks.world import BENCH_LRO, Spec
from socbot.store.engine import tables_for

TINY = Spec(scale=0.01, seed=7)
NOW_DB = "2027-03-03 09:00:00.000000"  # NOW in London is 09:00 UTC (no daylight saving yet)


def digest(spec: Spec) -> str:
    h = hashlib.sha256()
    for table, columns, rows in tables(spec):
        h.update(f"{table}:{columns}".encode())
        for row in rows:
            h.update(repr(row).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("bench") / "tiny.sqlite"
    load_sqlite(TINY, path)
    return sqlite3.connect(path)


def one(db: sqlite3.Connection, sql: str, *params: object) -> object:
    return db.execute(sql, params).fetchone()[0]


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    assert digest(TINY) == digest(Spec(scale=0.01, seed=7))
    assert digest(TINY) != digest(Spec(scale=0.01, seed=8))


def test_counts_follow_the_scale(db: sqlite3.Connection) -> None:
    n = TINY.counts()
    for table, key in [
        ("ocg", "ocgs"),
        ("nominal", "nominals"),
        ("person", "people"),
        ("action", "actions"),
        ("disruption", "disruptions"),
        ("review", "reviews"),
        ("auditevent", "audit"),
    ]:
        assert one(db, f"SELECT count(*) FROM {table}") == n[key], table
    overdue = one(db, "SELECT count(*) FROM action WHERE status = 'open' AND due_at < ?", NOW_DB)
    assert overdue == n["overdue"]


def test_the_record_can_grow_while_the_force_and_the_overdue_work_stay() -> None:
    lean, full = Spec(scale=0.02, history=0.5, overdue=300), Spec(scale=0.02, overdue=300)
    assert lean.count("overdue") == full.count("overdue") == 300
    assert full.count("actions") == 2 * lean.count("actions")
    assert full.count("disruptions") == 2 * lean.count("disruptions")
    assert full.count("people") == lean.count("people")


def test_rows_hang_together(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert (
        one(db, "SELECT count(*) FROM action WHERE (owner_id IS NULL) = (owner_agency IS NULL)")
        == 0
    )
    # every OCG has exactly one current LRO and one SRO
    assert (
        db.execute(
            "SELECT ocg_id FROM assignment WHERE role IN ('lro', 'sro') AND ended_at IS NULL "
            "GROUP BY ocg_id HAVING count(*) != 2"
        ).fetchall()
        == []
    )


def test_the_stable_target(db: sqlite3.Connection) -> None:
    ref, name, status = db.execute("SELECT ref, name, status FROM ocg WHERE id = 42").fetchone()
    assert (ref, name, status) == ("OCG-0042", "Smith Brothers", "active")
    lro = one(db, "SELECT id FROM person WHERE handle = ?", BENCH_LRO)
    assert (
        one(
            db,
            "SELECT count(*) FROM assignment WHERE person_id = ? AND role = 'lro' "
            "AND ocg_id = 42 AND ended_at IS NULL",
            lro,
        )
        == 1
    )
    mine = "SELECT count(*) FROM action WHERE owner_id = ? AND ocg_id = 42 AND status = 'open'"
    assert one(db, mine, lro) >= 6
    assert one(db, mine + " AND due_at < ?", lro, NOW_DB) >= 1
    assert one(db, "SELECT count(*) FROM identity WHERE person_id = ?", lro) == 2
    assert one(db, "SELECT count(*) FROM ocg WHERE name_key LIKE 'smith%'") == 1


def test_audit_chain_is_valid(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from socbot import audit
    from socbot.store.engine import make_engine

    path = tmp_path / "chain.sqlite"
    load_sqlite(Spec(scale=0.01), path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        assert audit.verify(session) == (Spec(scale=0.01).count("audit"), None)
    engine.dispose()


def test_a_store_is_regenerated_when_any_builtin_migration_changes() -> None:
    """The fingerprint covers the core's and every built-in plugin's migrations: a store
    generated before a migration landed would benchmark a schema no deployment has."""
    from benchmarks.world import sources
    from socbot.store.tables import version_locations

    covered = {path.resolve() for path in sources()}
    builtin = [
        folder for folder in version_locations(tables_for(None)) if "examples" not in folder.parts
    ]
    migrations = {p.resolve() for folder in builtin for p in folder.glob("*.py")}
    assert len(builtin) >= 8 and any(p.name.startswith("actions_0003") for p in migrations)
    assert migrations - covered == set()
