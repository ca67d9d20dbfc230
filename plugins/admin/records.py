"""CLI for the admin plugin: ``socbot export audit``, ``socbot purge``, ``socbot docs``.

Each run is itself audited. CSV cells that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@`` first) are prefixed with ``'``: audit text is typed by anyone, and an export is
opened in Excel. The JSON export is byte-for-byte what is stored, hashes included, so a copy can
be checked against the chain.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sqlmodel import Session

from socbot import audit, docs_gen, retention
from socbot.clock import LONDON, to_db
from socbot.dates import parse_day
from socbot.model import CommandError
from socbot.registry import CliCommand

if TYPE_CHECKING:
    from socbot import BotApi

COLUMNS = (
    "id", "at", "actor_id", "actor", "face", "channel", "action", "text", "ocg_ref", "outcome",
    "detail", "prev_hash", "hash",
)  # fmt: skip
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cli_commands() -> list[CliCommand]:
    export = CliCommand("audit", "the audit trail, hashes included", _configure_export, _export)
    return [
        CliCommand.group("export", "export records as CSV or JSON", {"audit": export}),
        CliCommand(
            "purge",
            "delete closed OCGs quiet since before a date (the audit trail is kept)",
            _configure_purge,
            _purge,
        ),
        CliCommand(
            "docs",
            "print or check generated documentation (the permission matrix)",
            _configure_docs,
            _docs,
        ),
    ]


def _day(flag: str, value: str) -> date | None:
    try:
        return parse_day(value)
    except CommandError as exc:
        print(f"{flag}: {exc.message}", file=sys.stderr)
        return None


# -- export audit -----------------------------------------------------------------------------


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="DATE", help="rows from this date (31/01/2027)")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--out", metavar="FILE", help="write here instead of standard output")


def records(session: Session, since: date | None = None) -> Iterator[dict[str, Any]]:
    """Audit rows as dicts in chain order (``since``: a London date)."""
    start = to_db(datetime.combine(since, time(), LONDON)) if since else None
    for row in audit.rows(session, since=start):
        data = {c: getattr(row, c) for c in COLUMNS}
        data["at"] = row.at.isoformat()
        yield data


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return count


def write_json(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """A JSON array, written row by row (the trail can be millions of rows)."""
    count = 0
    out.write("[")
    for count, row in enumerate(rows, 1):
        out.write(("," if count > 1 else "") + "\n" + json.dumps(row, ensure_ascii=False))
    out.write("\n]\n")
    return count


def _export(bot: BotApi, args: argparse.Namespace) -> int:
    since = _day("--since", args.since) if args.since else None
    if args.since and since is None:
        return 2
    with ExitStack() as stack, Session(bot.engine) as session:
        out: TextIO = sys.stdout
        if args.out:
            encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
            out = stack.enter_context(open(args.out, "w", encoding=encoding, newline=""))
        rows = records(session, since)
        count = write_csv(rows, out) if args.format == "csv" else write_json(rows, out)
        audit.append(
            session,
            at=bot.clock.utcnow(),
            action="export",
            text_=f"export audit since={args.since or '-'} format={args.format}",
            detail=f"{count} rows to {args.out or 'standard output'}",
        )
        session.commit()
    if args.out:
        print(f"wrote {count} audit rows to {args.out}", file=sys.stderr)
    return 0


# -- purge ------------------------------------------------------------------------------------


def _configure_purge(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--before", metavar="DATE", required=True, help="purge closed OCGs quiet since before it"
    )
    parser.add_argument("--dry-run", action="store_true", help="count, change nothing")


def _purge(bot: BotApi, args: argparse.Namespace) -> int:
    before = _day("--before", args.before)
    if before is None:
        return 2
    if before > bot.clock.today():
        print("--before must be today or earlier: retention counts back from now.", file=sys.stderr)
        return 2
    with Session(bot.engine) as session:
        result = retention.purge(
            session, before=before, now=bot.clock.utcnow(), dry_run=args.dry_run
        )
    print(result.summary())
    return 0


# -- docs -------------------------------------------------------------------------------------


def _configure_docs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=("permissions",))
    parser.add_argument("--out", metavar="FILE", help="write the file (e.g. docs/permissions.md)")
    parser.add_argument("--check", metavar="FILE", help="exit 1 if FILE differs from the code")


def _docs(bot: BotApi, args: argparse.Namespace) -> int:
    text = docs_gen.permissions_md()
    if args.check:
        if Path(args.check).read_text(encoding="utf-8") != text:
            print(
                f"{args.check} is out of date: run `socbot docs permissions --out {args.check}`",
                file=sys.stderr,
            )
            return 1
        print(f"{args.check} matches the code")
        return 0
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
        return 0
    sys.stdout.write(text)
    return 0
