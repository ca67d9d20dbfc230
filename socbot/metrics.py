"""Prometheus metrics at ``/metrics``, with the official client library.

Counted as things happen (in this process): commands by verb and outcome, command latency,
deliveries by result, job (sweep) durations. Read from the store at each scrape, so every
replica reports the same figures: outbox depth and the age of its oldest pending message, and
the audit seal lag (rows not yet sealed into the hash chain, and the oldest one's age: zero while
every row is chained as it is written). One registry for the process, not the client's global
one, so importing socbot never adds to an application's own metrics.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlmodel import col

from socbot.store.models import AuditEvent, Outbox

__all__ = ["CONTENT_TYPE", "REGISTRY", "command_done", "delivered", "exposition"]
REGISTRY = CollectorRegistry()
COMMANDS = Counter(
    "socbot_commands", "Commands run, by verb and audited outcome", ["verb", "outcome"],
    registry=REGISTRY,
)  # fmt: skip
COMMAND_SECONDS = Histogram(
    "socbot_command_seconds", "Time to run a command, database and audit included", ["verb"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10), registry=REGISTRY,
)  # fmt: skip
REFUSED = Counter(
    "socbot_refused", "Messages refused at the front door, before any command ran", ["reason"],
    registry=REGISTRY,
)  # fmt: skip
DELIVERIES = Counter(
    "socbot_deliveries", "Outbox deliveries, by result", ["result"], registry=REGISTRY
)
SWEEP_SECONDS = Histogram(
    "socbot_sweep_seconds", "Time a scheduled job (a sweep) took", ["job"],
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900), registry=REGISTRY,
)  # fmt: skip


def command_done(verb: str, started: float) -> Callable[[str], None]:
    """What ``transaction.complete`` calls with the outcome it audited."""

    def observe(outcome: str) -> None:
        COMMANDS.labels(verb, outcome).inc()
        COMMAND_SECONDS.labels(verb).observe(time.perf_counter() - started)

    return observe


def delivered(counts: dict[str, int]) -> None:
    """One delivery run's results (``deliver_due``'s counts)."""
    for result, n in counts.items():
        if n:
            DELIVERIES.labels(result).inc(n)


class StoreGauges(Collector):
    """Gauges read from the store at scrape time (one short query each)."""

    def __init__(self, engine: Engine, now: Callable[[], float] = time.time):
        self.engine = engine
        self.now = now

    def collect(self) -> Iterator[Metric]:
        pending = select(func.count(), func.min(Outbox.created_at)).where(
            col(Outbox.status).in_(("pending", "sending"))  # sending: being posted
        )
        audit = AuditEvent.__table__  # type: ignore[attr-defined]
        unsealed = select(func.count(), func.min(audit.c.at)).where(audit.c["hash"].is_(None))
        with self.engine.connect() as conn:
            depth, oldest = conn.execute(pending).one()
            lag, first = conn.execute(unsealed).one()
        now = self.now()
        oldest_at, first_at = _utc(oldest), _utc(first)
        yield _gauge("socbot_outbox_depth", "Messages waiting to be delivered", depth)
        yield _gauge(
            "socbot_outbox_oldest_age_seconds", "Age of the oldest pending message",
            now - oldest_at.timestamp() if oldest_at else 0,
        )  # fmt: skip
        yield _gauge("socbot_audit_unsealed", "Audit rows not yet sealed into the chain", lag)
        yield _gauge(
            "socbot_audit_seal_lag_seconds", "Age of the oldest unsealed audit row",
            now - first_at.timestamp() if first_at else 0,
        )  # fmt: skip


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; socbot stores UTC."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=max(0.0, float(value)))


def exposition(engine: Engine, now: Callable[[], float] = time.time) -> bytes:
    """The text a scrape gets: this process's counters, then the store's gauges (ages measured
    at ``now``: the bot's clock, which is fixed for training and tests)."""
    store = CollectorRegistry()
    store.register(StoreGauges(engine, now))
    return generate_latest(REGISTRY) + generate_latest(store)
