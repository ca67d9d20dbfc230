"""Finding the nominal a command changes, and reading a nominal's aliases.

Names are read by the core's ``ctx.nominal`` (id, full name, alias or part of one), the same
way ``disrupt ... nominal=`` reads them; this module only adds the write permission and the
OCG named in the audit row.
"""

from __future__ import annotations

from collections.abc import Sequence

from socbot_plugins.nominals.models import NominalAlias
from sqlmodel import col, select

from socbot import CommandError, Nominal, Ocg
from socbot.context import Context

WRITE = "nominal.write"


def to_change(ctx: Context, words: list[str]) -> tuple[Nominal, Ocg]:
    """The nominal ``words`` name, on an OCG the actor may change (``nominal.write``), with
    that OCG (named in the audit row)."""
    if not words:
        raise CommandError("Which nominal? Give their id or name.", field="nominal")
    nominal = ctx.nominal(" ".join(words), permission=WRITE)
    ocg = ctx.session.get(Ocg, nominal.ocg_id)
    assert ocg is not None  # a foreign key
    ctx.ocg_ref = ocg.ref
    return nominal, ocg


def aliases_of(ctx: Context, nominal_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each nominal's aliases, in the order they were added."""
    found: dict[int, list[str]] = {}
    if not nominal_ids:
        return found
    rows = ctx.session.exec(
        select(NominalAlias.nominal_id, NominalAlias.alias)
        .where(col(NominalAlias.nominal_id).in_(nominal_ids))
        .order_by(col(NominalAlias.id))
    ).all()
    for nominal_id, alias in rows:
        found.setdefault(nominal_id, []).append(alias)
    return found
