"""``socbot export plan <OCG> --format md|pdf|docx --out FILE [--partner [--agency NAME]]``: the
plan and its whole decision log as a document for the tasking meeting.

The full document is OFFICIAL-SENSITIVE. ``--partner`` makes the partner version (OFFICIAL):
the plan as a partner reads it (``view.load`` for a partner: decisions marked for partners,
no nominals, intelligence or authors; with ``--agency``, that agency's actions), under the
partner-safe name, and every text through the core's withholding of names.

Each export is audited, with who ran it, which OCG, which version and the document's SHA-256,
so the copy handed out can be matched to the trail later.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from socbot_plugins.actions.models import Action
from socbot_plugins.plan import document, export_md, view
from sqlmodel import Session, col, func, select

from socbot import Ocg, Person, audit
from socbot.access import SYSTEM, Actor
from socbot.lookup import candidates
from socbot.registry import CliCommand
from socbot.withhold import names_hider

if TYPE_CHECKING:
    from socbot import BotApi

FORMATS = ("md", "pdf", "docx")


def cli() -> CliCommand:
    """``socbot export`` with ``plan`` beneath it, merged with the other plugins' exports."""
    plan = CliCommand("plan", "an OCG's 4P plan and decision log as a document", configure, run)

    def configure_export(parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="export_what", required=True, metavar="WHAT")
        plan.configure(sub.add_parser("plan", help=plan.help))

    return CliCommand(
        "export",
        "export records as CSV or JSON, or a plan as a document",
        configure_export,
        plan.run,
        subcommands={"plan": plan},
    )


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ocg", metavar="OCG", help="reference (OCG-0042) or name")
    parser.add_argument(
        "--format", choices=FORMATS, help="md, pdf or docx (default: from --out, else md)"
    )
    parser.add_argument("--out", metavar="FILE", help="write here (md only: else standard output)")
    parser.add_argument(
        "--partner",
        action="store_true",
        help="the partner version: only what is written for partners, names withheld",
    )
    parser.add_argument(
        "--agency",
        metavar="NAME",
        help="with --partner: also list the actions this partner agency holds",
    )


def run(bot: BotApi, args: argparse.Namespace) -> int:
    fmt = args.format or _format_of(args.out)
    problem = _usage_problem(args, fmt)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    with Session(bot.engine) as session:
        found = candidates(session, args.ocg)
        if len(found) != 1:
            print(_not_one(args.ocg, found), file=sys.stderr)
            return 2
        ocg = found[0]
        ref = ocg.ref
        if args.agency and not _agency_known(session, args.agency):
            print(f"no one in socbot belongs to the agency {args.agency!r}", file=sys.stderr)
            return 2
        actor = _partner(args.agency) if args.partner else SYSTEM
        data = view.load(session, actor, ocg, bot.clock.now(), decisions=None)
        if data.partner_view:
            data = for_partners(session, data)
        content = render(data, fmt)
        raw = content.encode() if isinstance(content, str) else content
        if args.out:
            try:
                Path(args.out).write_bytes(raw)
            except OSError as exc:
                print(f"can't write {args.out}: {exc.strerror or exc}", file=sys.stderr)
                return 1
        else:
            sys.stdout.write(content if isinstance(content, str) else "")
        variant = "partner" + (f" agency={args.agency}" if args.agency else "")
        audit.append(
            session,
            at=bot.clock.utcnow(),
            actor=audit.cli_actor(),
            action="export",
            text_=f"export plan {ocg.ref} format={fmt} version="
            f"{variant if args.partner else 'full'}",
            ocg_ref=ocg.ref,
            detail=f"{len(data.decisions)} decisions, {len(raw)} bytes to "
            f"{args.out or 'standard output'}, sha256 {hashlib.sha256(raw).hexdigest()}",
        )
        session.commit()
    if args.out:
        print(f"wrote the {'partner version of the ' if args.partner else ''}plan of {ref} "
              f"to {args.out}", file=sys.stderr)  # fmt: skip
    return 0


def render(data: view.PlanData, fmt: str) -> str | bytes:
    """``data`` as a document: Markdown text, or the bytes of a PDF or Word file. ReportLab
    and python-docx are imported here, not when the bot starts: chat never needs them."""
    if fmt == "pdf":
        from socbot_plugins.plan import export_pdf

        return export_pdf.render(data)
    if fmt == "docx":
        from socbot_plugins.plan import export_docx

        return export_docx.render(data)
    return export_md.render(data)


def for_partners(session: Session, data: view.PlanData) -> view.PlanData:
    """Every text of a partner's plan through the core's withholding: the names of every
    OCG's nominals, its names and aliases (a plan may mention another group's members)."""
    every_ocg = [i for i in session.exec(select(Ocg.id)).all() if i is not None]
    return document.withheld(data, names_hider(session, every_ocg))


def _format_of(out: str | None) -> str:
    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    return suffix if suffix in FORMATS else "md"


def _usage_problem(args: argparse.Namespace, fmt: str) -> str | None:
    if fmt != "md" and not args.out:
        return f"--format {fmt} writes a file: give --out FILE"
    if args.agency and not args.partner:
        return "--agency goes with --partner (the full plan lists every agency's actions)"
    if args.agency and args.agency.strip().lower() == "police":
        return "--agency names a partner agency; the police version is the full plan"
    return None


def _not_one(query: str, found: list[Ocg]) -> str:
    if not found:
        return f"no OCG matches {query!r}: give its reference (OCG-0042) or name"
    listed = ", ".join(o.ref for o in found[:8])
    return f"{query!r} matches {len(found)} OCGs ({listed}): give the reference"


def _agency_known(session: Session, agency: str) -> bool:
    name = agency.strip().lower()
    people = select(Person.id).where(func.lower(Person.agency) == name).limit(1)
    actions = select(Action.id).where(func.lower(col(Action.owner_agency)) == name).limit(1)
    return bool(session.exec(people).first() or session.exec(actions).first())


def _partner(agency: str | None) -> Actor:
    """Whom the partner version is written for: a partner of ``agency`` (or of none, when it
    shows no actions at all), holding no other role."""
    roles = frozenset({"partner"})
    return Actor(-1, "partner", "Partner", (agency or "").strip(), roles=roles, force_roles=roles)
