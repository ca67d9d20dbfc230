"""The benchmark stores: which datasets, where they live, generating them once, bots on them.

SQLite files live in ``benchmarks/data/`` (git-ignored) with a fingerprint beside each; PostgreSQL
datasets live in one schema each of the ``sb_bench`` database. A store is regenerated only when
its spec, the generator or the migrations change, and the benchmark's own writes are removed
after each run, so the cached stores stay identical between runs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import generate as gen
from benchmarks.world import NOW, Spec

DATA = Path(__file__).parent / "data"
PG_URL = "postgresql://postgres@127.0.0.1/sb_bench"
BACKENDS = ("sqlite", "postgresql")
SCRATCH = ("auditevent", "disruption", "outbox", "actionchange")  # tables the benchmark writes


@dataclass(frozen=True)
class Dataset:
    name: str
    spec: Spec

    @property
    def schema(self) -> str:
        return self.name.replace("-", "_")

    def describe(self) -> str:
        n = self.spec.counts()
        return (
            f"{n['ocgs']:,} OCGs, {n['people']:,} people, {n['actions']:,} actions "
            f"({n['overdue']:,} overdue), {n['disruptions']:,} disruptions"
        )


FULL = (
    Dataset("national", Spec()),
    Dataset("national-lean", Spec(history=0.1)),  # a tenth of the record, same overdue
    Dataset("national-lean-1k", Spec(history=0.1, overdue=1_000, reviews_due=25)),
)
QUICK = (
    Dataset("quick", Spec(scale=0.05, overdue=500)),
    Dataset("quick-lean", Spec(scale=0.05, history=0.1, overdue=500)),
    Dataset("quick-lean-few", Spec(scale=0.05, history=0.1, overdue=50, reviews_due=3)),
)


def url(backend: str, dataset: Dataset, pg: str = PG_URL) -> str:
    if backend == "sqlite":
        return f"sqlite:///{DATA / dataset.name}.sqlite"
    return gen.pg_url(pg, dataset.schema)


def postgres_reachable(pg: str) -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        with gen._pg_connect(pg, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def _load(backend: str, dataset: Dataset, pg: str) -> tuple[str, str, dict[str, int]]:
    if backend == "sqlite":
        return backend, dataset.name, gen.load_sqlite(dataset.spec, DATA / f"{dataset.name}.sqlite")
    return backend, dataset.name, gen.load_postgres(dataset.spec, pg, dataset.schema)


def ensure(
    datasets: tuple[Dataset, ...],
    backends: list[str],
    *,
    pg: str = PG_URL,
    regenerate: bool = False,
    log: Callable[[str], None] = print,
) -> None:
    """Generate whatever is missing or stale, two loads at a time (one per core)."""
    DATA.mkdir(parents=True, exist_ok=True)
    todo = []
    for dataset in datasets:
        for backend in backends:
            current = (
                gen.sqlite_current(dataset.spec, DATA / f"{dataset.name}.sqlite")
                if backend == "sqlite"
                else gen.postgres_current(dataset.spec, pg, dataset.schema)
            )
            if regenerate or not current:
                todo.append((backend, dataset))
    if not todo:
        log("stores: all cached")
        return
    log("stores: generating " + ", ".join(f"{d.name} ({b})" for b, d in todo))
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(_load, b, d, pg) for b, d in todo]
        for future in futures:
            backend, name, counts = future.result()
            log(f"stores: {name} ({backend}) ready: {sum(counts.values()):,} rows")


def make_bot(store_url: str, **extra: Any):  # type: ignore[no-untyped-def]
    """A bot as a deployment would build one, with the benchmark's fixed clock."""
    from pydantic import SecretStr

    from benchmarks.faces import SECRET, TOKEN
    from socbot.app import build_bot
    from socbot.config import Settings

    settings = Settings(
        database_url=store_url,
        now=NOW,
        rate_limit=10**9,
        data_dir=Path(tempfile.mkdtemp(prefix="socbot-bench-")),
        **extra,
    ).model_copy(  # the Slack fields are read under their platform names, so set them after
        update={"slack_signing_secret": SecretStr(SECRET), "slack_bot_token": SecretStr(TOKEN)}
    )
    return build_bot(settings)


def high_water(raw: Any) -> dict[str, int]:
    """The newest id of each table the benchmark writes to."""
    return {t: raw.one(f'SELECT coalesce(max(id), 0) FROM "{t}"')[0] for t in SCRATCH}


def clean(raw: Any, marks: dict[str, int]) -> int:
    """Remove what the benchmark wrote (the audit chain stays valid: only its tail goes)."""
    raw.begin()
    removed = 0
    for table in reversed(SCRATCH):
        cur = raw.conn.execute(raw._sql(f'DELETE FROM "{table}" WHERE id > ?'), (marks[table],))
        removed += cur.rowcount or 0
    raw.commit()
    return removed
