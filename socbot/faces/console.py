"""The console face: ``socbot chat`` (interactive) and ``socbot say`` (one command).

Messages the bot sends people (nudges, alerts) are printed as ``to @handle: ...``, but only to
people the console can reach: those with no Slack or Teams identity (the demo, training). A
message to anyone linked to Slack or Teams, or to a channel, is left for those faces.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from socbot.bot import Bot
from socbot.delivery import deliver_due
from socbot.hookspecs import hookimpl
from socbot.identify import Who
from socbot.outbox import Delivery, Outgoing
from socbot.render_text import render


class ConsoleFace:
    """Delivers outbox messages by printing them; registered only in console processes."""

    def __init__(self, out: TextIO | None = None):
        self.out = out or sys.stdout

    @hookimpl(trylast=True)
    def deliver_message(self, message: Outgoing) -> Delivery | None:
        if message.person is None or set(message.identities) & {"slack", "teams"}:
            return None  # not ours to print (and so mark sent): the chat faces reach them
        who = f"@{message.person.handle}"
        body = render(message.reply).replace("\n", "\n    ")
        print(f"to {who}: {body}", file=self.out)
        return Delivery(True, "console")


def attach(bot: Bot, out: TextIO | None = None) -> ConsoleFace:
    face = ConsoleFace(out)
    if not bot.pm.has_plugin("console-face"):
        bot.pm.register(face, name="console-face")
    return face


def say(bot: Bot, handle: str, text: str, out: TextIO | None = None) -> int:
    """Run one command; 0 on success, 1 when the reply is a user error."""
    out = out or sys.stdout
    attach(bot, out)
    reply = bot.handle(text, Who("console", handle), face="console")
    print(render(reply), file=out)
    deliver_due(bot, console_only=True)
    return 1 if reply.error else 0


def chat(bot: Bot, handle: str, history: Path | None = None) -> int:
    """An interactive prompt with line editing and history kept between sessions."""
    try:
        import readline

        if history:
            history.parent.mkdir(parents=True, exist_ok=True)
            if history.exists():
                readline.read_history_file(history)
    except ImportError:  # pragma: no cover - Windows
        readline = None  # type: ignore[assignment]
    attach(bot)
    print(f"socbot console as @{handle}. Type `help`, or `quit` to leave.")
    try:
        while True:
            try:
                line = input("ocg> ").strip()
            except EOFError:
                print()
                break
            if line.lower() in ("quit", "exit", "q"):
                break
            if not line:
                continue
            print(render(bot.handle(line, Who("console", handle), face="console")))
            deliver_due(bot, console_only=True)
    except KeyboardInterrupt:
        print()
    finally:
        if readline and history:
            readline.write_history_file(history)
    return 0
