"""Reading and checking a CSV file for ``socbot import KIND FILE.csv``, for any plugin's importer.

For forces moving off spreadsheets. Every row is checked before anything is written; a bad file
lists each bad row by line number and writes nothing. A kind of file is a ``CsvImport``: its
columns, a ``check`` that turns rows into ``Checked`` and a ``write``; ``CsvImport.command()`` is
its ``socbot import KIND`` sub-command, to register as a child of the ``import`` group::

    register(CliCommand.group("import", "...", {"nominals": NOMINALS.command()}))

Formats: ``docs/import.md``.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socbot_plugins.ocg.import_memory import Conflict
from sqlmodel import Session

from socbot import CliCommand, audit
from socbot.model import CommandError

if TYPE_CHECKING:
    from socbot import BotApi

Rows = list[tuple[int, dict[str, str]]]  # (line number, {column: trimmed text})
Ready = list[tuple[int, dict[str, Any]]]  # (line number, checked values), as ``write`` takes them


class BadFile(Exception):
    """The file as a whole can't be read: no rows are looked at."""


@dataclass
class Checked:
    """The outcome of checking a file: rows ready to write, or the problems by line."""

    rows: Ready = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def read_csv(path: Path, columns: dict[str, bool]) -> Rows:
    """Rows as (line number, {column: trimmed text}); the header may be in any order.

    ``columns`` maps each column to whether it is required in the header. A row with more cells
    than columns comes back as ``{"__error__": ...}``; ``CsvImport`` reports it by line.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadFile(f"can't read {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile(
            f"{path.name} isn't UTF-8 text. In Excel use File > Save As > "
            "'CSV UTF-8 (Comma delimited)'"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadFile(
            f"{path.name} is empty: it needs a header row, then one row per record"
        ) from None
    names = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    unknown = [h for h in names if h and h not in columns]
    if unknown:
        raise BadFile(
            f"line 1: unknown column(s) {', '.join(unknown)}; the columns are {', '.join(columns)}."
        )
    dupes = sorted({h for h in names if h and names.count(h) > 1})
    if dupes:
        raise BadFile(f"line 1: column(s) {', '.join(dupes)} appear more than once")
    missing = [c for c, needed in columns.items() if needed and c not in names]
    if missing:
        raise BadFile(f"line 1: required column(s) missing: {', '.join(missing)}")
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        line = reader.line_num
        if len(cells) > len(names):
            rows.append((line, {"__error__": f"{len(cells)} cells but {len(names)} columns"}))
            continue
        rows.append((line, {n: c.strip() for n, c in zip(names, cells, strict=False) if n}))
    if not rows:
        raise BadFile(f"{path.name} has a header but no rows")
    return rows


def split_cell(cell: str) -> list[str]:
    """A cell holding a list: ``"a; b;"`` is ``["a", "b"]``."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def check_cell(fn: Callable[[str], Any], cell: str, problems: list[str], column: str) -> Any:
    """Run one check; a refusal becomes ``column: message`` instead of stopping the file."""
    try:
        return fn(cell)
    except CommandError as exc:
        problems.append(f"{column}: {exc.message.rstrip('.')}")
        return None


@dataclass(frozen=True)
class CsvImport:
    """One kind of file ``socbot import`` reads, and how its rows are checked and written.

    ``check(session, rows, now)`` returns ``Checked`` (it never sees a row that could not be
    read); ``write(session, ready, now)`` returns a summary such as ``"2 added, 1 updated"``.
    ``overwrites`` offers ``--overwrite-chat-changes`` for a check that reports conflicts.
    """

    kind: str
    help: str
    columns: dict[str, bool]
    check: Callable[[Session, Rows, datetime], Checked]
    write: Callable[[Session, Ready, datetime], str]
    overwrites: bool = False

    def command(self) -> CliCommand:
        return CliCommand(self.kind, self.help, self.configure, self.run)

    def configure(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="a CSV file with a header row")
        parser.add_argument("--dry-run", action="store_true", help="check the file; write nothing")
        if self.overwrites:
            parser.add_argument(
                "--overwrite-chat-changes",
                action="store_true",
                help="apply the file even where it undoes a change made in chat since last import",
            )

    def run(self, bot: BotApi, args: argparse.Namespace) -> int:
        """Check every row, then write all or nothing; 0 imported, 1 the file has problems."""
        path: Path = args.file
        now = bot.clock.utcnow()
        try:
            rows = read_csv(path, self.columns)
        except BadFile as exc:
            print(f"{path.name}: {exc}. Nothing was imported.")
            return 1
        overwrite = bool(getattr(args, "overwrite_chat_changes", False))
        with Session(bot.engine) as session:
            checked = self._check(session, rows, now)
            if not _acceptable(path, checked, overwrite):
                session.rollback()
                return 1
            if args.dry_run:
                session.rollback()
                print(f"{path.name}: all {len(rows)} rows are good; nothing written (dry run).")
                if checked.conflicts:
                    print(f"The import would overwrite {_changes(checked.conflicts)}:")
                    _list(checked.conflicts)
                return 0
            summary = self.write(session, checked.rows, now)
            if checked.conflicts:
                summary += f"; overwrote {_changes(checked.conflicts)}"
            command = f"import {self.kind} {path.name}"
            command += " --overwrite-chat-changes" if overwrite else ""
            _audit(session, now, command, summary, checked.conflicts)
            session.commit()
        print(f"{path.name}: {len(rows)} {self.kind} rows imported: {summary}.")
        return 0

    def _check(self, session: Session, rows: Rows, now: datetime) -> Checked:
        """``check`` sees only rows that could be read; a row with too many cells is a problem
        on its line like any other."""
        checked = self.check(session, [(n, r) for n, r in rows if "__error__" not in r], now)
        broken = [(n, r["__error__"]) for n, r in rows if "__error__" in r]
        if broken:
            checked.problems = sorted(broken + checked.problems, key=lambda p: p[0])
        return checked


def _acceptable(path: Path, checked: Checked, overwrite: bool) -> bool:
    """Print why not, when the file has bad rows or would undo changes made in chat."""
    if checked.problems:
        count = len(checked.problems)
        print(f"{path.name}: {count} bad row{'s' if count > 1 else ''}; nothing was imported.")
        for line, problem in checked.problems:
            print(f"  line {line}: {problem}")
        return False
    if checked.conflicts and not overwrite:
        print(f"{path.name}: {_changes(checked.conflicts)} would be undone; nothing was imported.")
        _list(checked.conflicts)
        print(
            "Keep socbot's value by writing it in the file (or emptying the cell), or run "
            "again with --overwrite-chat-changes to apply the file's."
        )
        return False
    return True


def _audit(
    session: Session, now: datetime, command: str, summary: str, conflicts: list[Conflict]
) -> None:
    """One row for the import; one more on each OCG's own trail where it undid chat changes."""
    who = audit.cli_actor()
    audit.append(session, at=now, actor=who, action="import", text_=command, detail=summary)
    for ref in dict.fromkeys(c.ref for c in conflicts):
        undone = "; ".join(c.change() for c in conflicts if c.ref == ref)
        detail = f"overwrote changes made in chat: {undone}"
        audit.append(
            session, at=now, actor=who, action="import", text_=command, ocg_ref=ref,
            detail=detail,
        )  # fmt: skip


def _changes(conflicts: list[Conflict]) -> str:
    n = len(conflicts)
    return f"{n} change{'s' if n > 1 else ''} made in chat"


def _list(conflicts: list[Conflict]) -> None:
    for conflict in conflicts:
        print(f"  {conflict}")
