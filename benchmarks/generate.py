"""Generate the fictional national dataset and bulk-load it into SQLite or PostgreSQL.

At ``scale=1``: 5,000 OCGs, 40,000 nominals, 20,000 people with their roles, 250,000 actions of
which 10,000 overdue, 500,000 disruptions, 30,000 reviews, plus aliases, profile facts, chat
identities, sent-message history and a valid audit chain, deterministic from the seed
(``world.py`` lays out the force, ``rows.py`` makes the rows). ``history`` scales the record
without changing the force, and ``overdue`` and ``reviews_due`` can be held fixed, so a sweep can
be timed on two table sizes with the same work.

Rows are written with ``executemany`` (SQLite, indexes built after the load) or ``COPY``
(PostgreSQL, foreign-key triggers off while loading); the schema always comes from the
migrations. Every name is a combination of the invented words in ``benchmarks.words``.

    python -m benchmarks.generate --scale 0.1 --sqlite benchmarks/data/small.sqlite
    python -m benchmarks.generate --postgres postgresql://postgres@127.0.0.1/sb_bench --schema x
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.rows import tables
from benchmarks.world import Spec


def _cols(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def load_sqlite(spec: Spec, path: Path, *, log: Callable[[str], None] = lambda _: None) -> dict:
    """Write a fresh SQLite store at ``path`` (schema by alembic, rows by executemany)."""
    from socbot.store.engine import make_engine, upgrade

    path = Path(path)
    for suffix in ("", "-wal", "-shm", ".json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    counts: dict[str, int] = {}
    con = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "foreign_keys=OFF",
            "cache_size=-262144",
            "temp_store=MEMORY",
        ):
            con.execute(f"PRAGMA {pragma}")
        indexes = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            con.execute(f'DROP INDEX "{name}"')
        con.execute("BEGIN")
        for table, columns, rows in tables(spec):
            t0 = time.perf_counter()
            marks = ", ".join("?" * len(columns))
            before = con.total_changes
            con.executemany(f'INSERT INTO "{table}" ({_cols(columns)}) VALUES ({marks})', rows)
            counts[table] = con.total_changes - before
            log(f"  {table:<13} {counts[table]:>9,} rows  {time.perf_counter() - t0:5.1f} s")
        con.execute("COMMIT")
        t0 = time.perf_counter()
        for _, sql in indexes:
            con.execute(sql)
        log(f"  indexes built in {time.perf_counter() - t0:.1f} s")
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()
    Path(f"{path}.json").write_text(
        json.dumps({"fingerprint": spec.fingerprint(), "spec": asdict(spec), "counts": counts})
    )
    return counts


def sqlite_current(spec: Spec, path: Path) -> bool:
    meta = Path(f"{path}.json")
    try:
        return (
            Path(path).exists()
            and json.loads(meta.read_text())["fingerprint"] == spec.fingerprint()
        )
    except (OSError, ValueError, KeyError):
        return False


def pg_url(url: str, schema: str) -> str:
    """``url`` with its search path set to ``schema`` (each dataset lives in its own schema)."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def _pg_connect(url: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), **kwargs)


def load_postgres(
    spec: Spec, url: str, schema: str, *, log: Callable[[str], None] = lambda _: None
) -> dict:
    """Write a fresh copy in ``schema`` of the database at ``url`` (rows by COPY)."""
    from socbot.store.engine import make_engine, upgrade

    with _pg_connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    engine = make_engine(pg_url(url, schema))
    upgrade(engine)
    engine.dispose()
    counts: dict[str, int] = {}
    with _pg_connect(url) as conn:
        conn.execute(f'SET search_path = "{schema}"')
        conn.execute("SET TIME ZONE 'UTC'")
        conn.execute("SET session_replication_role = replica")  # no FK triggers while loading
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s AND indexname "
            "NOT IN (SELECT conname FROM pg_constraint)",
            (schema,),
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        with conn.cursor() as cur:
            for table, columns, rows in tables(spec):
                t0, n = time.perf_counter(), 0
                with cur.copy(f'COPY "{table}" ({_cols(columns)}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
                counts[table] = n
                log(f"  {table:<13} {n:>9,} rows  {time.perf_counter() - t0:5.1f} s")
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false)'
                )
        t0 = time.perf_counter()
        for _, sql in indexes:
            conn.execute(sql)
        log(f"  indexes built in {time.perf_counter() - t0:.1f} s")
        conn.execute(f"COMMENT ON SCHEMA \"{schema}\" IS '{spec.fingerprint()}'")
        conn.commit()
    with _pg_connect(url, autocommit=True) as conn:
        conn.execute(f'SET search_path = "{schema}"')
        conn.execute("ANALYZE")  # what autovacuum would do soon after a load this size
    return counts


def postgres_current(spec: Spec, url: str, schema: str) -> bool:
    try:
        with _pg_connect(url) as conn:
            row = conn.execute(
                "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
                (schema,),
            ).fetchone()
    except Exception:
        return False
    return bool(row) and row[0] == spec.fingerprint()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0]
    )
    p.add_argument("--scale", type=float, default=1.0, help="the force: OCGs, people...")
    p.add_argument("--history", type=float, default=1.0, help="the record: actions, ...")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--overdue", type=int, help="overdue actions (default 10,000 x scale)")
    p.add_argument("--reviews-due", type=int, help="OCGs due a review within 7 days")
    p.add_argument("--sqlite", type=Path, help="write a SQLite store at this path")
    p.add_argument("--postgres", help="write into this PostgreSQL database...")
    p.add_argument("--schema", default="bench", help="...in this schema (dropped first)")
    args = p.parse_args(argv)
    spec = Spec(args.scale, args.seed, args.overdue, args.reviews_due, history=args.history)
    if not (args.sqlite or args.postgres):
        p.error("say where: --sqlite PATH and/or --postgres URL")
    for name, load in (("sqlite", args.sqlite), ("postgres", args.postgres)):
        if not load:
            continue
        t0 = time.perf_counter()
        print(f"{name}: {spec.counts()}")
        if name == "sqlite":
            load_sqlite(spec, args.sqlite, log=print)
        else:
            load_postgres(spec, args.postgres, args.schema, log=print)
        print(f"{name}: done in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
