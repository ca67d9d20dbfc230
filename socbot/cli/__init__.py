"""The ``socbot`` command line: console chat, administration, jobs, servers.

Exit status: 0 success, 1 a user error (the reply explains), 2 bad command-line usage or a
plugin that cannot start (``socbot: <why>`` on standard error).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path

from socbot.config import Settings

DEMO_HANDLE = "okafor"


def _bot(args: argparse.Namespace, settings: Settings | None = None):  # type: ignore[no-untyped-def]
    from socbot.app import build_bot, configure_logging

    settings = settings or Settings()
    configure_logging(settings)
    return build_bot(settings)


def _demo_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"database_url": f"sqlite:///{settings.data_dir / 'demo.db'}"}
    )


def cmd_chat(args: argparse.Namespace) -> int:
    from socbot.faces.console import chat

    settings = Settings()
    if args.demo:
        from socbot import demo

        settings = _demo_settings(settings)
        bot = _bot(args, settings)
        if _demo(bot, reset=True, throwaway=True):
            return 1
        print(demo.WELCOME)
    else:
        bot = _bot(args, settings)
    handle = args.as_ or (DEMO_HANDLE if args.demo else os.environ.get("SOCBOT_USER"))
    if not handle:
        print("Say who you are: socbot chat --as HANDLE (or --demo)", file=sys.stderr)
        return 2
    return chat(bot, handle, settings.data_dir / "history")


def cmd_say(args: argparse.Namespace) -> int:
    from socbot.faces.console import say

    return say(_bot(args), args.as_, " ".join(args.text))


def cmd_demo(args: argparse.Namespace) -> int:
    return _demo(_bot(args), reset=args.reset)


def _demo(bot, reset: bool, throwaway: bool = False) -> int:  # type: ignore[no-untyped-def]
    from socbot import demo
    from socbot.model import CommandError

    try:
        print(demo.load(bot, reset=reset, throwaway=throwaway))
    except CommandError as exc:
        print(exc.message)
        return 1
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from socbot.store.engine import make_engine, upgrade

    if args.action == "wipe":
        from socbot.wipe import run_cli

        bot = _bot(args)  # brings the schema up to date too
        return run_cli(bot.engine, bot.clock.utcnow(), args.i_understand)
    if args.action == "revision":
        return _db_revision(args)
    upgrade(make_engine(Settings().url))  # the core's and every installed plugin's branch
    print("database is at the newest schema")
    return 0


def _db_revision(args: argparse.Namespace) -> int:
    from socbot.registry import PluginError
    from socbot.store.revision import revision

    if not args.plugin or not args.message:
        print('db revision needs --plugin NAME and -m "what changes"', file=sys.stderr)
        return 2
    try:
        path = revision(args.plugin, args.message, autogenerate=not args.empty)
    except PluginError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {path}: read it, then socbot db upgrade")
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    from socbot.cli import admin as admin_cli

    return admin_cli.run(_bot(args), args)


def cmd_jobs(args: argparse.Namespace) -> int:
    bot = _bot(args)
    if args.action == "list" or not args.name:
        for job in bot.jobs.values():
            print(f"{job.name:20} every {job.every_minutes} min  {job.summary}")
        return 0
    if args.name not in bot.jobs:
        print(f"no job {args.name!r}; jobs: {', '.join(bot.jobs)}", file=sys.stderr)
        return 2
    return _run_job(bot, args.name, args.dry_run)


def _run_job(bot, name: str, dry_run: bool) -> int:  # type: ignore[no-untyped-def]
    lines = bot.run_job(name, dry_run=dry_run)
    prefix = "would send" if dry_run else "queued"
    for line in lines:
        print(f"{prefix}: {line}")
    if not lines:
        print("nothing is due")
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    from socbot.delivery import deliver_due
    from socbot.faces.console import attach

    bot = _bot(args)
    attach(bot)
    print(deliver_due(bot))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from socbot import audit

    bot = _bot(args)
    if args.action == "disclosures":
        return _disclosures(bot, args)
    if args.action == "seal":
        print(f"sealed {audit.seal(bot.engine, wait=True)} rows")
        return 0
    try:
        anchor = audit.Head.parse(args.anchor) if args.anchor else None
    except ValueError as exc:
        print(f"--anchor: {exc}", file=sys.stderr)
        return 2
    audit.seal(bot.engine, wait=True)  # rows committed by now join the chain before it is read
    with Session(bot.engine) as session:
        waiting, oldest = audit.unsealed(session)
        count, problem = audit.verify(session)
        if problem is None and anchor is not None:
            problem = audit.check_anchor(session, anchor)
        if problem:
            print(f"audit trail BROKEN after {count} good rows: {problem}")
            return 1
        # Kept outside the database, it shows later whether rows were cut from the end; its
        # row in the trail says one was handed out, so the store can never be wiped.
        head = audit.issue_anchor(session, at=bot.clock.utcnow())
        session.commit()
    print(f"audit trail intact: {count} rows verified")
    if waiting:
        age = (
            (bot.clock.utcnow() - oldest.replace(tzinfo=oldest.tzinfo or UTC)).total_seconds()
            if oldest
            else 0.0
        )
        print(f"{waiting} rows not yet sealed (oldest {age:.0f} s): not covered by this check")
    if head:
        print(f"last row (record it elsewhere; check later with --anchor): {head}")
    return 0


def _disclosures(bot, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    """``socbot audit disclosures --ocg OCG-0001``: who was shown what of an OCG, and when."""
    import json

    from sqlmodel import Session

    from socbot import channels
    from socbot.clock import LONDON

    if not args.ocg:
        print("socbot audit disclosures: give --ocg OCG-0001", file=sys.stderr)
        return 2
    ref = args.ocg.strip().upper()
    with Session(bot.engine) as session:
        rows = channels.disclosures(session, ref)
    if not rows:
        print(f"No disclosures of {ref} are recorded.")
        return 0
    print(f"Disclosures of {ref} (DPA 2018 Part 3 s.62), oldest first:")
    for row in rows:
        detail = json.loads(row.detail or "{}")
        members = detail.get("members")
        seen = "members not given" if members is None else ", ".join(members) or "no members"
        when = row.at.replace(tzinfo=row.at.tzinfo or UTC).astimezone(LONDON)
        outside = detail.get("outside") or []
        print(
            f"{when:%d/%m/%Y %H:%M} {row.face} channel {row.channel} by @{row.actor} "
            f"({detail.get('how', '?')}): {detail.get('classification', '?')} "
            f'"{detail.get("shown", "")}" shown to {seen}'
            + (f"; outside the force: {', '.join(outside)}" if outside else "")
        )
    return 0


def cmd_manifest_teams(args: argparse.Namespace) -> int:
    from socbot.faces.teams.manifest import run

    return run(args)


def cmd_serve(args: argparse.Namespace) -> int:
    bot = _bot(args)
    if args.face == "slack":
        from socbot.faces.slack.app import serve
    else:
        from socbot.faces.teams.app import serve  # type: ignore[no-redef]
    return serve(bot, args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="socbot", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("chat", help="interactive console")
    s.add_argument("--as", dest="as_", metavar="HANDLE")
    s.add_argument("--demo", action="store_true", help="start on a fresh demo store")
    s.set_defaults(func=cmd_chat)

    s = sub.add_parser("say", help="run one command and print the reply")
    s.add_argument("--as", dest="as_", metavar="HANDLE", required=True)
    s.add_argument("text", nargs="+")
    s.set_defaults(func=cmd_say)

    s = sub.add_parser("demo", help="load the fictional demo force (idempotent)")
    s.add_argument(
        "--reset", action="store_true", help="wipe the store first (only one the demo wrote)"
    )
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("db", help="database schema and migrations; wiping a store")
    s.add_argument("action", choices=["upgrade", "revision", "wipe"])
    s.add_argument("--plugin", help="revision: whose branch (a plugin's name, or socbot)")
    s.add_argument("-m", "--message", help="revision: what the migration changes")
    s.add_argument("--empty", action="store_true", help="revision: write it by hand")
    s.add_argument(
        "--i-understand",
        action="store_true",
        help="wipe: delete everything, audit trail included (refused once an anchor was issued)",
    )
    s.set_defaults(func=cmd_db)

    from socbot.cli.admin import configure

    configure(sub, cmd_user)

    s = sub.add_parser("jobs", help="list or run scheduled jobs")
    s.add_argument("action", choices=["list", "run"])
    s.add_argument("name", nargs="?")
    s.add_argument("--dry-run", action="store_true")
    s.set_defaults(func=cmd_jobs)

    s = sub.add_parser("outbox", help="deliver due outbox messages to the console")
    s.set_defaults(func=cmd_outbox)

    s = sub.add_parser("audit", help="audit trail")
    s.add_argument("action", choices=["verify", "seal", "disclosures"])
    s.add_argument("--anchor", metavar="ID:HASH", help="a last row printed by an earlier verify")
    s.add_argument("--ocg", metavar="OCG", help="disclosures: the OCG's reference (OCG-0001)")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("serve", help="run the Slack or Teams face")
    s.add_argument("face", choices=["slack", "teams"])
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int)
    s.add_argument("--socket", action="store_true", help="Slack Socket Mode")
    s.add_argument(
        "--no-scheduler",
        action="store_true",
        help="no jobs or outbox delivery in this process (docs/deploy.md)",
    )
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("manifest", help="build a chat platform's app package")
    faces = s.add_subparsers(dest="face", required=True, metavar="FACE")
    t = faces.add_parser("teams", help="the Teams app zip to upload")
    t.add_argument("--app-id", required=True, help="the Azure Bot's Microsoft App ID")
    t.add_argument("--out", type=Path, default=Path("socbot-teams.zip"))
    t.add_argument("--domain", help="the public host name socbot is served on")
    t.set_defaults(func=cmd_manifest_teams)
    return p


def _plugin_commands(p: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """Plugin sub-commands are added only when the first word is not a core one (fast start)."""
    core = {"chat", "say", "demo", "db", "user", "jobs", "outbox", "audit", "serve", "manifest"}
    if argv and argv[0] in core:
        return
    from socbot.plugins import get_plugin_manager
    from socbot.registry import cli_commands

    sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
    for cli in cli_commands(get_plugin_manager()).values():
        s = sub.add_parser(cli.name, help=cli.help)
        cli.configure(s)
        s.set_defaults(func=lambda a, cli=cli: cli.run(_bot(a), a))


def main(argv: Sequence[str] | None = None) -> int:
    from socbot.registry import PluginError

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        p = parser()
        _plugin_commands(p, argv)
        args = p.parse_args(argv)
        return int(args.func(args) or 0)
    except PluginError as exc:  # a plugin that can't start: say why, not a traceback
        print(f"socbot: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
