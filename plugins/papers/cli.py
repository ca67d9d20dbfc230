"""``socbot export page``, ``socbot pack tasking`` and ``socbot report board``: PDFs (and the
board's figures as CSV), each audited with the SHA-256 of what was written."""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from socbot import audit
from socbot.dates import parse_day
from socbot.lookup import candidates
from socbot.model import CommandError
from socbot.registry import CliCommand

if TYPE_CHECKING:
    from socbot import BotApi


def commands() -> list[CliCommand]:
    page = CliCommand(
        "page", "an OCG on a page for the tasking meeting (PDF or DOCX)", _page_args, run_page
    )
    tasking = CliCommand("tasking", "the tasking meeting pack (PDF or DOCX)", _pack_args, run_pack)
    board = CliCommand(
        "board", "the SOC board report (PDF or DOCX, figures as CSV)", _board_args, run_board
    )
    return [
        CliCommand.group("export", "export records or documents", {"page": page}),
        CliCommand.group("pack", "meeting packs", {"tasking": tasking}),
        CliCommand.group("report", "reports", {"board": board}),
    ]


def _page_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ocg", metavar="OCG", help="reference (OCG-0042) or name")
    parser.add_argument(
        "--out", metavar="FILE.pdf|FILE.docx", required=True, help="a .docx makes a Word document"
    )
    parser.add_argument(
        "--partner", action="store_true", help="the partner / 3P SPOC version (OFFICIAL)"
    )


def _pack_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--area", metavar="NAME", help="only this area's OCGs")
    parser.add_argument("--on", metavar="DATE", help="the meeting day (default today)")
    parser.add_argument(
        "--out", metavar="FILE.pdf|FILE.docx", required=True, help="a .docx makes a Word document"
    )


def _board_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", metavar="DATE", required=True)
    parser.add_argument("--to", dest="end", metavar="DATE", required=True)
    parser.add_argument(
        "--out", metavar="FILE.pdf|FILE.docx", required=True, help="a .docx makes a Word document"
    )
    parser.add_argument("--csv", metavar="FILE.csv", help="also write every figure as CSV")


def run_page(bot: BotApi, args: argparse.Namespace) -> int:
    from socbot_plugins.papers import page

    with Session(bot.engine) as session:
        found = candidates(session, args.ocg)
        if len(found) != 1:
            what = "no OCG matches" if not found else f"{len(found)} OCGs match"
            print(f"{what} {args.ocg!r}: give the reference (OCG-0042)", file=sys.stderr)
            return 2
        ocg = found[0]
        made = page.load(
            session, ocg, bot.clock.now(), partner=args.partner, aliases=bot.access.aliases
        )
        version = "partner" if args.partner else "police"
        return _write(bot, session, page.as_document(made), args.out,
                      f"export page {ocg.ref} version={version}", ocg.ref)  # fmt: skip


def run_pack(bot: BotApi, args: argparse.Namespace) -> int:
    from socbot_plugins.papers import pack

    day = _date(args.on, "--on") if args.on else None
    if args.on and day is None:
        return 2
    with Session(bot.engine) as session:
        made = pack.load(session, pack.as_of(day, bot.clock.now()), area=args.area, pages=True)
        if not made.agenda:
            print(f"no active OCG in the area {args.area!r}", file=sys.stderr)
            return 2
        return _write(bot, session, pack.as_document(made), args.out,
                      f"pack tasking area={args.area or 'all'}", None)  # fmt: skip


def run_board(bot: BotApi, args: argparse.Namespace) -> int:
    from socbot_plugins.papers import board

    start, end = _date(args.start, "--from"), _date(args.end, "--to")
    if start is None or end is None:
        return 2
    if end < start:
        print("--to is before --from", file=sys.stderr)
        return 2
    with Session(bot.engine) as session:
        made = board.load(session, start, end, bot.clock.now())
        if args.csv:
            Path(args.csv).write_text(board.as_csv(made))
        charts = board.draw_charts(made, Path(args.out).with_suffix(".charts"))
        return _write(bot, session, board.as_document(made, charts), args.out,
                      f"report board from={start} to={end}", None)  # fmt: skip


def _date(text: str, flag: str) -> date | None:
    try:
        return parse_day(text)
    except CommandError:
        print(f"{flag}: a date such as 2027-03-05 or 05/03/2027, not {text!r}", file=sys.stderr)
        return None


def _write(bot: BotApi, session: Session, doc, out: str, what: str, ref: str | None) -> int:  # type: ignore[no-untyped-def]
    from socbot_plugins.plan import export_docx, export_pdf

    if out.lower().endswith(".docx"):  # Word, to edit before the meeting
        raw = export_docx.render_document(doc)
    else:
        raw = export_pdf.render_document(doc, creator=f"socbot {what.split(' ')[0]}")
    try:
        Path(out).write_bytes(raw)
    except OSError as exc:
        print(f"can't write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    audit.append(
        session,
        at=bot.clock.utcnow(),
        actor=audit.cli_actor(),
        action="export",
        text_=what,
        ocg_ref=ref,
        detail=f"{len(raw)} bytes to {out}, sha256 {hashlib.sha256(raw).hexdigest()}",
    )
    session.commit()
    print(f"wrote {out} ({doc.marking})", file=sys.stderr)
    return 0
