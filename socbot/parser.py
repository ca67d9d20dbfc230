"""One parser for chat text, shared by every face.

People type on phones: curly quotes, a leading ``/ocg`` or ``ocg``, Slack's ``<@U123|name>``
mentions. All of that is folded here so that plugins see the same ``Command`` whatever the face.
"""

from __future__ import annotations

import re
import shlex

from socbot.model import Command, CommandError

MAX_TEXT = 4000  # characters in one message, button or form: enforced by front_door
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})
_SLACK_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SLACK_SPECIAL = re.compile(r"<!(\w+)(?:\|[^>]*)?>")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_OPTION = re.compile(r"^([a-z][a-z_]{0,30})=(.*)$", re.S)
_REF = re.compile(r"^#?(OCG-\d{1,6})$", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise(text: str) -> str:
    """Fold the ways chat clients mangle text into plain characters."""
    text = _CONTROL.sub(" ", text.translate(_QUOTES))
    text = _SLACK_USER.sub(lambda m: f"@slack:{m.group(1)}", text)
    text = _SLACK_SPECIAL.sub(lambda m: m.group(1), text)
    text = _SLACK_LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


# What makes shlex differ from ``str.split`` on ASCII text: its quote, its escape, and the ASCII
# whitespace ``str.split`` splits on and shlex does not.
_NOT_PLAIN = re.compile(r'["\\\x0b\x0c\x1c-\x1f]')


def split(text: str) -> list[str]:
    """shlex split that keeps apostrophes in words (``O'Brien``) and explains bad quoting.

    Most commands have no quote at all: those are split by ``str.split``, which gives the same
    words for ASCII text without shlex's special characters, at a tenth of the cost."""
    if text.isascii() and not _NOT_PLAIN.search(text):
        return text.split()
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.quotes = '"'
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError as exc:
        raise CommandError(
            'There is a quote mark without its partner. Put the text in a pair of "double quotes".'
        ) from exc


def parse(text: str) -> Command:
    """Parse ``[/]ocg VERB args...`` into a ``Command``. An empty text asks for help.

    Callers bound the text first (``FrontDoor.admit``): shlex's cost grows with a word's square."""
    words = split(normalise(text))
    if words and words[0].lower() in ("/ocg", "ocg", "/socbot", "socbot"):
        words = words[1:]
    share, confirm = False, False
    while words and words[-1].lower() in ("share", "confirm"):
        if words.pop().lower() == "share":
            share = True
        else:
            confirm = True
    if not words:
        return Command("help", text=text, share=share)
    verb, *rest = words
    args: list[str] = []
    options: dict[str, str] = {}
    mentions: list[str] = []
    refs: list[str] = []
    if confirm:  # "... confirm": send text held for a partner as shown (socbot.hold)
        options["confirm"] = "yes"
    for word in rest:
        option = _OPTION.match(word)
        if option:
            options[option.group(1)] = option.group(2).strip()
            continue
        if word.startswith("@") and len(word) > 1:
            mentions.append(word[1:])
        ref = _REF.match(word)
        if ref:
            refs.append(ref.group(1).upper())
        args.append(word)
    return Command(
        verb=verb.lower(),
        args=tuple(args),
        options=options,
        mentions=tuple(mentions),
        refs=tuple(refs),
        text=text,
        share=share,
    )


def join_args(command: Command) -> str:
    """The command's words and options as text that ``split`` reads back the same (for a
    button that runs the command again)."""

    def quoted(word: str) -> str:
        if word and not any(c.isspace() or c in "\"'=" for c in word):
            return word
        return '"' + word.replace('"', "'") + '"'

    words = [quoted(w) for w in command.args]
    words += [f"{k}={quoted(v)}" for k, v in command.options.items() if k != "confirm"]
    return " ".join(words)


def record_number(text: str) -> int | None:
    """``12`` or ``#12`` as a row id; None for anything else, including ids too big to exist
    (a 40-digit "id" must be a polite not-found, not a database overflow)."""
    wanted = text.strip().lstrip("#")
    if wanted.isdigit() and wanted.isascii() and len(wanted) < 10:
        return int(wanted)
    return None


def because(command: Command) -> tuple[tuple[str, ...], str]:
    """Split ``... because "rationale"`` (or ``because="..."``) off a command's words: the words
    before it, and the rationale ("" when none was given). Decisions and score changes carry one
    (seed 001, "Written records")."""
    words = list(command.args)
    lowered = [w.lower() for w in words]
    if "because" in lowered:
        at = lowered.index("because")
        return tuple(words[:at]), " ".join(words[at + 1 :]).strip()
    return tuple(words), command.options.get("because", "").strip()
