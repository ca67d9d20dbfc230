"""``socbot export disruptions``: one row per disruption, for whoever keys them into the national
system. CSV opens cleanly in a spreadsheet (UTF-8 with a BOM when written to a file, money in
pounds, cells that a spreadsheet would run as a formula made inert); JSON is one array.

Rows stream from the database in batches, so a national export never sits in memory at once.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TextIO

from socbot_plugins.disruptions import apmis
from socbot_plugins.disruptions.cells import safe_cell
from socbot_plugins.disruptions.models import Disruption
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from socbot import Nominal, Ocg, Person, audit
from socbot.clock import local
from socbot.dates import parse_day
from socbot.model import CommandError
from socbot.registry import CliCommand

if TYPE_CHECKING:
    from socbot import BotApi

COLUMNS = (
    "id",
    "ocg_ref",
    "ocg_name",
    "occurred_on",
    "pillar",
    "grade",
    "description",
    "arrests",
    "charged",
    "warrants",
    "cash_gbp",
    "assets_gbp",
    "drugs",
    "vehicles",
    "orders",
    "safeguarded",
    "nominal",
    "nominal_role",
    "tactic_id",
    "action_id",
    "recorded_by",
    "recorded_by_name",
    "recorded_by_agency",
    "recorded_at",
    "status",
    "moderated_by",
    "moderated_at",
    "moderation_note",
    "sensitive",
    "prevent_level",
    "community_confidence",
    "intelligence_flow",
    "safeguarding",
    "partnership",
    "duplicate_of",
)
STATUSES = ("all", "pending", "needs_info", "accepted", "rejected", "merged")


def cli() -> CliCommand:
    """``socbot export`` with ``disruptions`` beneath it (other exports can join as siblings)."""
    children = {
        "disruptions": CliCommand(
            "disruptions", "one row per disruption, for national recording", configure, run
        )
    }
    return CliCommand.group("export", "export records as CSV or JSON", children)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="DATE", help="from this date (2027-01-31 or 31/01/2027)")
    parser.add_argument("--status", choices=STATUSES, default="all")
    parser.add_argument(
        "--format",
        choices=("csv", "json", "apmis"),
        default="csv",
        help="apmis: the national system's columns (docs/export.md); rows it cannot map are "
        "listed on standard error, never dropped silently",
    )
    parser.add_argument("--out", metavar="FILE", help="write here instead of standard output")


def run(bot: BotApi, args: argparse.Namespace) -> int:
    try:
        since = parse_day(args.since) if args.since else None
    except CommandError as exc:
        print(f"--since: {exc.message}", file=sys.stderr)
        return 2
    with ExitStack() as stack, Session(bot.engine) as session:
        out: TextIO = sys.stdout
        if args.out:
            encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
            out = stack.enter_context(open(args.out, "w", encoding=encoding, newline=""))
        rows = records(session, since=since, status=args.status)
        unmapped: list[str] = []
        if args.format == "apmis":
            count = apmis.write(rows, out, unmapped)
        elif args.format == "csv":
            count = write_csv(rows, out)
        else:
            count = write_json(rows, out)
        detail = f"{count} rows to {args.out or 'standard output'}"
        if unmapped:
            detail += f"; {len(unmapped)} not mapped for APMIS"
        audit.append(
            session,
            at=bot.clock.utcnow(),
            action="export",
            text_=f"export disruptions since={args.since or '-'} status={args.status} "
            f"format={args.format}",
            detail=detail,
        )
        session.commit()
    for line in unmapped:
        print(f"not mapped: {line}", file=sys.stderr)
    if unmapped:
        print(
            f"{len(unmapped)} disruption{'' if len(unmapped) == 1 else 's'} not exported for "
            "APMIS (listed above, each with the reason)",
            file=sys.stderr,
        )
    if args.out:
        print(f"wrote {count} disruption{'' if count == 1 else 's'} to {args.out}", file=sys.stderr)
    return 0


def records(session: Session, *, since: date | None, status: str) -> Iterator[dict[str, Any]]:
    """One dict per disruption, in date order, fetched in batches."""
    recorder, moderator = aliased(Person), aliased(Person)
    d = Disruption
    query = (
        select(  # type: ignore[call-overload,misc]
            d.id,
            Ocg.ref,
            Ocg.name,
            d.occurred_on,
            d.pillar,
            d.grade,
            d.description,
            d.arrests,
            d.charged,
            d.warrants,
            d.cash_pence,
            d.assets_pence,
            d.drugs,
            d.vehicles,
            d.orders,
            d.safeguarded,
            Nominal.name,
            Nominal.role,
            d.tactic_id,
            d.action_id,
            recorder.handle,
            recorder.name,
            recorder.agency,
            d.recorded_at,
            d.status,
            moderator.handle,
            d.moderated_at,
            d.moderation_note,
            d.sensitive,
            d.prevent_level,
            d.community_confidence,
            d.intelligence_flow,
            d.safeguarding,
            d.partnership,
            d.duplicate_of_id,
        )
        .join(Ocg, col(Ocg.id) == d.ocg_id)
        .join(recorder, recorder.id == d.recorded_by_id)
        .join(moderator, moderator.id == d.moderated_by_id, isouter=True)
        .join(Nominal, col(Nominal.id) == d.nominal_id, isouter=True)
        .order_by(col(d.occurred_on), col(d.id))
        .execution_options(yield_per=2000)
    )
    if since:
        query = query.where(d.occurred_on >= since)
    if status != "all":
        query = query.where(d.status == status)
    for row in session.exec(query):
        item = dict(zip(COLUMNS, row, strict=True))
        item["cash_gbp"] = item["cash_gbp"] / 100
        item["assets_gbp"] = item["assets_gbp"] / 100
        for name in ("occurred_on", "recorded_at", "moderated_at"):
            item[name] = _when(item[name])
        yield item


def _when(value: date | datetime | None) -> str | None:
    if isinstance(value, datetime):
        return f"{local(value):%Y-%m-%d %H:%M}"
    return value.isoformat() if value else None


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        for money in ("cash_gbp", "assets_gbp"):
            row[money] = f"{row[money]:.2f}"
        writer.writerow([safe_cell(row[c]) for c in COLUMNS])
        count += 1
    return count


def write_json(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    out.write("[")
    count = 0
    for row in rows:
        out.write(("," if count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
