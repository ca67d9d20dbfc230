"""Scheduled work in a serving process: plugin jobs in working hours, outbox delivery always.

APScheduler runs each job in a worker thread; the outbox's unique keys and row locks make it
safe to run the same schedule in several replicas over one PostgreSQL database.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from socbot import audit, metrics
from socbot.delivery import deliver_due

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from socbot.bot import Bot

log = logging.getLogger(__name__)


def _run_job(bot: Bot, name: str) -> None:
    job = bot.jobs[name]
    if job.working_hours_only and not bot.in_working_hours():
        return
    try:
        lines = bot.run_job(name)
        if lines:
            log.info("job %s queued %d messages", name, len(lines))
    except Exception:
        log.exception("job %s failed; it will run again on schedule", name)


def _deliver(bot: Bot) -> None:
    try:
        metrics.delivered(deliver_due(bot))
    except Exception:
        log.exception("outbox delivery failed; rows stay pending")


def _seal(bot: Bot) -> None:
    try:
        audit.seal(bot.engine)
    except Exception:
        log.exception("audit sealing failed; rows stay unsealed until the next run")


def start(bot: Bot, *, deliver_every: int = 20, seal_every: int = 1) -> BackgroundScheduler:
    """Start jobs and delivery in background threads; call ``.shutdown()`` to stop."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone="Europe/London")
    for name, job in bot.jobs.items():
        scheduler.add_job(
            _run_job,
            "interval",
            args=(bot, name),
            minutes=job.every_minutes,
            id=f"job:{name}",
            max_instances=1,
            coalesce=True,
        )
    scheduler.add_job(
        _deliver,
        "interval",
        args=(bot,),
        seconds=deliver_every,
        id="outbox",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        _seal,
        "interval",
        args=(bot,),
        seconds=seal_every,
        id="audit-seal",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    return scheduler
