"""The shared fixtures' shortcuts (tests/conftest.py) give the state the slow way would."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine, MetaData, func, select
from sqlmodel import Session

from socbot import demo, people
from socbot.bot import Bot
from socbot.clock import Clock
from socbot.store.engine import make_engine


def everything(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.columns))]
            for t in meta.sorted_tables
        }


def test_a_demo_copied_from_the_cache_is_the_demo_loaded_fresh(  # type: ignore[no-untyped-def]
    make_bot, engine, migrated_sqlite: Path, tmp_path: Path, settings, clock, pm
) -> None:
    def store(name: str) -> Engine:
        shutil.copyfile(migrated_sqlite, tmp_path / name)
        return make_engine(f"sqlite:///{tmp_path / name}")

    make_bot(engine, demo=True)  # loaded fresh, or copied from an earlier test's load
    copied = make_bot(store("copied.db"), demo=True).engine  # the same start: a copy
    fresh = store("fresh.db")
    demo.load(Bot(fresh, pm=pm, settings=settings, clock=clock))
    assert everything(fresh)["auditevent"]  # ids, timestamps and the hash chain included
    assert everything(copied) == everything(fresh) == everything(engine)


def test_each_postgresql_test_starts_empty_with_ids_from_one(  # type: ignore[no-untyped-def]
    pg_store, pg_engine: Engine, clock: Clock
) -> None:
    def enrol(handle: str) -> int | None:
        with Session(pg_engine) as session:
            person, _ = people.upsert_person(
                session, handle=handle, name="Jo Vance", agency="Police", now=clock.utcnow()
            )
            session.commit()
            return person.id

    assert (enrol("vance"), enrol("vance2")) == (1, 2)
    pg_store.empty()  # what the next test's pg_engine does first
    # ... ending every other session, this engine's pooled one (used just now, so not pinged
    # again: socbot.store.engine.PING_AFTER); the next test's pg_engine is a new engine.
    pg_engine.dispose()
    meta = MetaData()
    meta.reflect(pg_engine)
    with pg_engine.connect() as conn:
        rows = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar()
            for t in meta.sorted_tables
        }
    assert rows.pop("alembic_version")
    assert not any(rows.values()), rows
    assert enrol("vance") == 1
