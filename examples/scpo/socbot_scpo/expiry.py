"""The weekly ``scpo-expiry`` job: warn the OCG's LRO as an order nears its end.

Each order is warned once per threshold (90, 30 and 7 days by default): the outbox key names
the order, its expiry date, the threshold and the LRO, so a job run twice, late or on two
replicas queues each warning once. A run that finds an order past two thresholds (recorded
with 20 days left, say) sends only the nearest, not a backlog.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy import or_
from sqlmodel import col, select

from socbot import Assignment, Job, Nominal, Ocg, Person, Reply, Severity
from socbot.clock import days_word, say_date
from socbot.context import Context
from socbot.model import Fact
from socbot_scpo.models import Scpo

NAME = "scpo-expiry"
WEEK_MINUTES = 7 * 24 * 60


class ScpoSettings(BaseSettings):
    """``SOCBOT_PLUGIN__SCPO__WARN_DAYS=90,30,7``: how many days before expiry to warn."""

    model_config = SettingsConfigDict(env_prefix="SOCBOT_PLUGIN__SCPO__", extra="ignore")

    warn_days: Annotated[list[int], NoDecode] = [90, 30, 7]

    @field_validator("warn_days", mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.replace(" ", "").strip("[]").split(",") if part]
        return value

    @field_validator("warn_days")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if not value or any(day < 1 for day in value):
            raise ValueError("give whole days before expiry, each 1 or more, e.g. 90,30,7")
        return sorted(set(value), reverse=True)


def job() -> Job:
    return Job(
        NAME,
        run,
        "Warn each OCG's LRO 90, 30 and 7 days before an SCPO expires",
        every_minutes=WEEK_MINUTES,
    )


def threshold(days_left: int, warn_days: list[int]) -> int | None:
    """The nearest threshold an order ``days_left`` from expiry has reached, if any."""
    reached = [day for day in warn_days if 0 <= days_left <= day]
    return min(reached) if reached else None


def run(ctx: Context, dry_run: bool) -> list[str]:
    """Queue today's warnings; returns one ``to @handle: ...`` line per warning queued."""
    settings = ctx.plugin_settings("scpo", ScpoSettings)
    today = ctx.today()
    rows = ctx.session.exec(
        select(Scpo, Nominal, Ocg)
        .join(Nominal, col(Nominal.id) == Scpo.nominal_id)
        .join(Ocg, col(Ocg.id) == Scpo.ocg_id)
        .where(Scpo.expires_on >= today, Ocg.status == "active")
        .order_by(col(Scpo.expires_on), col(Scpo.id))
    ).all()
    lines = []
    for order, nominal, ocg in rows:
        left = (order.expires_on - today).days
        days = threshold(left, settings.warn_days)
        if days is None:
            continue
        lros = _lros(ctx, ocg)
        if not lros:
            lines.append(f"no one to tell: {ocg.ref} has no LRO for the order on {nominal.name}")
        for lro in lros:
            key = f"{NAME}:{order.id}:{order.expires_on.isoformat()}:{days}:p{lro.id}"
            reply = _warning(order, nominal, ocg, left)
            if ctx.notify(key=key, kind=NAME, reply=reply, person_id=lro.id, ocg_id=ocg.id):
                lines.append(f"to @{lro.handle}: {reply.title}")
    return lines


def _lros(ctx: Context, ocg: Ocg) -> list[Person]:
    now = ctx.utcnow()
    return list(
        ctx.session.exec(
            select(Person)
            .join(Assignment, col(Assignment.person_id) == Person.id)
            .where(
                Assignment.ocg_id == ocg.id,
                Assignment.role == "lro",
                Assignment.started_at <= now,
                or_(col(Assignment.ended_at).is_(None), col(Assignment.ended_at) > now),
                Person.active,
            )
            .order_by(Person.handle)
        ).all()
    )


def _warning(order: Scpo, nominal: Nominal, ocg: Ocg, left: int) -> Reply:
    return Reply(
        title=f"SCPO on {nominal.name} ({ocg.ref}) expires in {days_word(left)}",
        text="Apply to the court to vary or extend it in time, or plan for its end.",
        facts=[
            Fact("Expires", say_date(order.expires_on)),
            Fact("Made", say_date(order.made_on)),
            Fact("Conditions", order.conditions),
        ],
        severity=Severity.WARNING,
    )
