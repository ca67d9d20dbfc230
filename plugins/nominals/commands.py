"""``nominal add|regrade|alias|status|link``: one verb, five things done to a nominal.

Each reads the whole line, checks everything, then writes; any error raises ``CommandError`` so
the core rolls back (nothing is written) and audits the refusal. The core audits every success
too, with the line as typed, so a regrade's or status change's reason is kept there.
"""

from __future__ import annotations

from collections.abc import Callable

from socbot_plugins.nominals import find, link, store, view

from socbot import NOMINAL_ROLES, CommandError, Fact, Nominal, Reply, Severity
from socbot.context import Context
from socbot.model import Command

USAGE = (
    'nominal add <OCG> "Full Name" principal|significant|peripheral [alias="a;b"] | '
    'nominal regrade <id or name> <role> "reason" | nominal alias <id or name> "alias" | '
    'nominal status <id or name> active|remanded|convicted|left|deceased ["note"] | '
    "nominal link <id or name> action <id> | nominal link <id or name> disruption <id>"
)


def run(ctx: Context, cmd: Command) -> Reply:
    words = list(cmd.args)
    what = words[0].lower() if words else ""
    handlers: dict[str, Callable[[Context, Command, list[str]], Reply]] = {
        "add": add,
        "regrade": regrade,
        "alias": alias,
        "status": status,
        "link": link.link,
    }
    if what not in handlers:
        raise CommandError(
            "Say what to do: add, regrade, alias, status or link. `help nominal` has examples.",
            field="what",
        )
    return handlers[what](ctx, cmd, words[1:])


def add(ctx: Context, cmd: Command, words: list[str]) -> Reply:
    at = next((i for i, w in enumerate(words) if i >= 2 and w.lower() in NOMINAL_ROLES), None)
    if len(words) < 3 or at is None:
        raise CommandError(
            'Usage: `nominal add <OCG> "Full Name" principal|significant|peripheral '
            '[alias="a;b"]`, e.g. `nominal add smith "Jayden Reece" significant alias="Jayd"`.',
            field="role",
        )
    ocg = ctx.ocg(words[0], find.WRITE)
    name = store.clean_name(" ".join(words[1:at]))
    if at != len(words) - 1:
        extra = " ".join(words[at + 1 :])[:40]
        raise CommandError(
            f"I don't know what {extra!r} is for. Put the name in quotes and aliases in "
            '`alias="a;b"`.',
            field="name",
        )
    aliases = store.clean_aliases(cmd.options.get("alias", "") or cmd.options.get("aliases", ""))
    if found := store.same_name(ctx.session, ocg.id or 0, name):
        raise CommandError(
            f"{ocg.ref} already has {found.name} (nominal {found.id}, {found.role}, "
            f"{view.said(found.status)}). Change them with `nominal regrade`, `nominal alias` or "
            "`nominal status`.",
            field="name",
        )
    nominal = Nominal(ocg_id=ocg.id or 0, name=name, role=words[at].lower(), status="active")
    ctx.session.add(nominal)
    ctx.session.flush()
    added = store.add_aliases(ctx.session, nominal, aliases, now=ctx.utcnow(), by_id=ctx.actor.id)
    facts = view.facts(ocg, nominal, added)
    return Reply(
        title=f"Nominal {nominal.id} added to {ocg.ref} {ocg.name}: {name} ({nominal.role})",
        text="Partners never see this name or its aliases: they are withheld from everything "
        "partners read, including what was written before.",
        facts=facts,
        severity=Severity.SUCCESS,
    )


def regrade(ctx: Context, cmd: Command, words: list[str]) -> Reply:
    at = next((i for i, w in enumerate(words) if i >= 1 and w.lower() in NOMINAL_ROLES), None)
    if at is None:
        raise CommandError(
            'Usage: `nominal regrade <id or name> principal|significant|peripheral "reason"`.',
            field="role",
        )
    nominal, ocg = find.to_change(ctx, words[:at])
    new = words[at].lower()
    reason = _reason(cmd, words[at + 1 :], "regrade")
    if new == nominal.role:
        raise CommandError(f"{nominal.name} is already {new}: nothing changed.", field="role")
    old, nominal.role = nominal.role, new
    ctx.session.add(nominal)
    return Reply(
        title=f"{nominal.name} regraded from {old} to {new}",
        facts=[*view.facts(ocg, nominal, None), Fact("Reason", reason)],
        severity=Severity.SUCCESS,
    )


def alias(ctx: Context, cmd: Command, words: list[str]) -> Reply:
    typed = cmd.options.get("alias", "")
    if not typed and len(words) >= 2:
        words, typed = words[:-1], words[-1]
    if not typed or not words:
        raise CommandError(
            'Usage: `nominal alias <id or name> "alias"`, e.g. `nominal alias "Jayden Reece" '
            '"JR"`.',
            field="alias",
        )
    nominal, ocg = find.to_change(ctx, words)
    aliases = store.clean_aliases(typed)
    added = store.add_aliases(ctx.session, nominal, aliases, now=ctx.utcnow(), by_id=ctx.actor.id)
    if not added:
        raise CommandError(
            f"{nominal.name} is already known as {', '.join(aliases)}: nothing changed.",
            field="alias",
        )
    return Reply(
        title=f"{nominal.name} is also known as {', '.join(added)}",
        text="Withheld from partners from now on, in everything they read, whenever it was "
        "written.",
        facts=view.facts(ocg, nominal, None),
        severity=Severity.SUCCESS,
    )


def status(ctx: Context, cmd: Command, words: list[str]) -> Reply:
    lowered = [w.lower() for w in words]
    at, length = None, 1
    for i in range(1, len(words)):
        if lowered[i] in store.STATUSES or lowered[i] in ("left the group", "left group"):
            at = i
            if lowered[i] == "left" and lowered[i + 1 : i + 3] == ["the", "group"]:
                length = 3
            break
    if at is None:
        raise CommandError(
            "Usage: `nominal status <id or name> active|remanded|convicted|left|deceased "
            '["note"]`, e.g. `nominal status "Jayden Reece" remanded "charged with supply"`.',
            field="status",
        )
    nominal, ocg = find.to_change(ctx, words[:at])
    new = store.status(" ".join(words[at : at + length]))
    note = cmd.options.get("note") or " ".join(words[at + length :]).strip()
    if new == nominal.status:
        raise CommandError(f"{nominal.name} is already {view.said(new)}: nothing changed.")
    old, nominal.status = nominal.status, new
    ctx.session.add(nominal)
    facts = view.facts(ocg, nominal, None)
    if note:
        facts.append(Fact("Note", note))
    return Reply(
        title=f"{nominal.name}: {view.said(old)} -> {view.said(new)}",
        facts=facts,
        severity=Severity.SUCCESS,
    )


def _reason(cmd: Command, words: list[str], what: str) -> str:
    reason = cmd.options.get("reason") or " ".join(words).strip()
    if len(reason.split()) < 2:
        raise CommandError(
            f'Why? A {what} needs its reason, kept in the audit trail: `... "two '
            'witnesses place him at the centre of supply"`.',
            field="reason",
        )
    return reason
