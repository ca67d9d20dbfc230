"""Built-in plugin 'actions': stakeholder actions on 4P plans, and chasing them.

Commands: ``action``, ``actions``, ``done``, ``snooze``, ``reassign``, ``cancel``, ``take``,
``seen``. Forms: ``action.add``, ``action.done``. Jobs: ``action-nudges`` (owners: the 1st, 2nd
and 4th working day overdue, then weekly, until seen), ``action-digest`` (coordinators: what
changed, on working days when something did), ``action-escalations`` (the OCG's LRO, once then
weekly). CLI: ``socbot nudge --once [--dry-run]``. Every message they queue is worded at delivery
(``render_message``).

Partners were handed actions at meetings and could neither see nor update them, and finished
work had no result recorded (HMICFRS south-east SOC inspection): here the owner sees, updates and
closes an action in one line, with a result, and the bot does the chasing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pluggy
from socbot_plugins.actions import chase, forms, rules, settings, store
from socbot_plugins.actions import demo as actions_demo
from socbot_plugins.actions import listing as actions_list
from socbot_plugins.actions.models import Action
from socbot_plugins.actions.update import (
    cancel_action,
    close_action,
    reassign_action,
    seen_action,
    snooze_action,
    take_action,
)
from socbot_plugins.actions.view import description, echo_due, ocg_label, owner_label
from sqlmodel import Session

from socbot import (
    CommandError,
    CommandSpec,
    Fact,
    Nominal,
    Ocg,
    Permission,
    Reply,
    Severity,
    Withdraw,
    hookimpl,
)
from socbot.access import Actor
from socbot.clock import Clock
from socbot.context import Context
from socbot.demo import Demo
from socbot.events import ActionRecorded
from socbot.hold import is_partner
from socbot.model import Command, NotAllowed
from socbot.registry import Register

ACTION_USAGE = 'action <OCG> <pillar> @owner "what" by <when>'
_NEXT_DAY = re.compile(r"\bnext\s+((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)", re.I)


@hookimpl
def register_commands(register: Register) -> None:
    specs = [
        CommandSpec(
            "action",
            add_action,
            "Give someone (or an agency) an action on an OCG's plan, with a due date",
            usage=ACTION_USAGE,
            examples=(
                'action smith pursue @nguyen "Apply for a cash seizure" by friday',
                'action OCG-0001 protect "Trading Standards" "Test purchase at the nail bar" '
                "by end of month",
                "action smith from tactic veh-seize-uninsured @nguyen by end of month",
            ),
            permission="action.create",
            details="The owner is a person (@handle or a chat mention) or an agency in quotes: "
            "its coordinator holds the action until someone there takes it (`ocg take`). Dates "
            "are UK, day first: friday, next friday (next week's), in 2 weeks, 05/03/2027, end "
            "of month, tomorrow 5pm. A date with no time means the end of that working day; the "
            "reply says the date in words so a misreading shows at once. `nominal=` names "
            "the nominal it targets (name, alias or id; police only). Once overdue, its owner "
            "is reminded on the 1st, 2nd and 4th working day, then weekly, until they press "
            "Seen (`ocg seen <id>`).",
            writes=True,
            aliases=("task",),
        ),
        actions_list.spec(),
        CommandSpec(
            "done",
            close_action,
            "Close an action with its result (and log a disruption in the same step)",
            usage='done <id> "result" [disrupt=major|moderate|minor]',
            examples=(
                'done 4 "VAT registration checked: the company is deregistered"',
                'done 1 "Cash seizure granted, £8,000" disrupt=moderate',
            ),
            permission="action.update",
            details="A result is required: one line is enough. `disrupt=GRADE` also logs a "
            "disruption linked to the action (outcomes such as arrests=2 may follow).",
            writes=True,
            aliases=("complete",),
        ),
        CommandSpec(
            "snooze",
            snooze_action,
            "Move an action's due date, with the reason",
            usage='snooze <id> <when> "reason"',
            examples=('snooze 4 next friday "waiting for the bank\'s reply"',),
            permission="action.update",
            writes=True,
        ),
        CommandSpec(
            "reassign",
            reassign_action,
            "Give an action to someone else (a person or an agency)",
            usage='reassign <id> @owner ["reason"]',
            examples=("reassign 2 @price", 'reassign 8 "Council Housing" "their tenancy team"'),
            permission="action.update",
            details="The new owner is told, once, with who moved it and why.",
            writes=True,
        ),
        CommandSpec(
            "cancel",
            cancel_action,
            "Cancel an action that is no longer wanted, with the reason",
            usage='cancel <id> "reason"',
            examples=('cancel 5 "the HMO was sold; no longer linked to the group"',),
            permission="action.update",
            writes=True,
        ),
        CommandSpec(
            "seen",
            seen_action,
            "Say you know an action is overdue: reminders stop until its due date moves",
            usage="seen <id>",
            examples=("seen 4",),
            permission="action.update",
            details="The same as the Seen button on a reminder. Reminders come on the 1st, 2nd "
            "and 4th working day an action is overdue, then weekly; once seen, none until the "
            "due date moves (`ocg snooze`) or it is closed.",
            writes=True,
            aliases=("ack",),
        ),
        CommandSpec(
            "take",
            take_action,
            "Take an action given to your agency, so it is yours",
            usage="take <id>",
            examples=("take 12",),
            permission="action.update",
            writes=True,
        ),
    ]
    for spec in specs:
        register(spec)


@hookimpl
def register_permissions(register: Register) -> None:
    register(
        Permission(
            "action.create",
            "task an action to a person or an agency",
            {"sro": "any", "lro": "own", "sio": "own", "plead": "own", "coordinator": "own"},
        )
    )
    register(
        Permission(
            "action.update",
            "close, snooze or re-assign an action (partners: only their own)",
            {
                "admin": "any",
                "sro": "any",
                **dict.fromkeys(("lro", "sio", "plead", "coordinator", "partner"), "own"),
            },
        )
    )


@hookimpl
def ocg_reach(session: Session, actor: Actor) -> list[int]:
    """Partners and coordinators reach the OCGs where they or their agency hold an action."""
    return rules.reached_ocgs(session, actor)


@hookimpl
def register_forms(register: Register) -> None:
    for spec in forms.specs():
        register(spec)


@hookimpl
def register_jobs(register: Register) -> None:
    for job in chase.jobs():
        register(job)


@hookimpl
def render_message(
    session: Session,
    kind: str,
    spec: Mapping[str, Any],
    person_id: int | None,
    channel: str | None,
    clock: Clock,
    hooks: pluggy.HookRelay,
) -> Reply | Withdraw | None:
    """Nudges, digests, escalations and hand-over notices are worded at delivery."""
    return chase.render(session, kind, dict(spec), person_id, channel, clock, hooks)


@hookimpl
def register_cli(register: Register) -> None:
    register(chase.cli())


# -- ocg action -------------------------------------------------------------------------------


def _nominal(ctx: Context, ocg: Ocg, query: str) -> Nominal:
    """``nominal=``: whom the action targets, by id, name or alias (police only; the nominals
    plugin keeps the link, told by ``ActionRecorded``)."""
    if ctx.sanitised:
        raise CommandError(
            "Partners can't name a nominal: leave `nominal=` out and the OCG's LRO can add it.",
            field="nominal",
        )
    return ctx.nominal(query, ocg=ocg)


def add_action(ctx: Context, cmd: Command) -> Reply:
    """Read the one line (or the form's fields), check everything, then write once."""
    opts = cmd.options
    words, when = _split_when(list(cmd.args), opts)
    words, tactic_id = _split_tactic(words, opts.get("tactic"))
    tactic = store.tactic(tactic_id) if tactic_id else None
    at = next((i for i, w in enumerate(words) if i and w.lower() in store.PILLARS), None)
    if opts.get("ocg"):
        ocg_words, rest = [opts["ocg"]], words
    elif at is not None:
        ocg_words, rest = words[:at], words[at:]
    else:
        ocg_words, rest = words[:1], words[1:]
    if not ocg_words or not ocg_words[0].strip():
        raise CommandError(f"Which OCG? Usage: `ocg {ACTION_USAGE}`.", field="ocg")
    ocg = ctx.ocg(" ".join(ocg_words), "action.create")
    if opts.get("pillar"):
        pillar = store.pillar(opts["pillar"])
    elif rest and rest[0].lower() in store.PILLARS:
        pillar, rest = rest[0].lower(), rest[1:]
    elif tactic is not None and tactic.pillar in store.PILLARS:
        pillar = tactic.pillar
    else:
        raise CommandError(
            f"Which pillar? One of: {', '.join(store.PILLARS)}. Usage: `ocg {ACTION_USAGE}`.",
            field="pillar",
        )
    if opts.get("owner"):
        named = opts["owner"].split()
        owner, used = store.resolve_owner(ctx, named)
        if used != len(named):
            raise CommandError(
                f"I don't know a person or an agency called {opts['owner']!r}.", field="owner"
            )
    else:
        owner, used = store.resolve_owner(ctx, rest)
        rest = rest[used:]
    what = opts.get("what") or " ".join(rest) or (tactic.title if tactic else "")
    what = store.clean_text(what, what="description", field="what")
    if len(what) < 3:
        raise CommandError(
            'What is to be done? Put it in quotes, e.g. "Check the tenancy of flat 3".',
            field="what",
        )
    due = store.read_due(ctx, when, opts.get("date", ""), "End with `by <when>`")
    sensitive = opts.get("sensitive", "").lower() in ("yes", "true", "y")
    if sensitive:
        ctx.require("record.sensitive", ocg)
    nominal = _nominal(ctx, ocg, opts["nominal"]) if opts.get("nominal") else None
    shown = ctx.for_partner(ocg, {"Description": what}, person=owner.person, agency=owner.agency)
    if sensitive and (shown or is_partner(ctx.session, owner.person, owner.agency, ctx.utcnow())):
        raise NotAllowed(
            "A sensitive action is for the OCG's police roles only: give it to a police "
            "officer, not a partner.",
            field="owner",
        )
    action = Action(
        ocg_id=ocg.id or 0,
        pillar=pillar,
        description=what,
        owner_id=owner.person.id if owner.person else None,
        owner_agency=owner.agency,
        tactic_id=tactic.id if tactic else None,
        sensitive=sensitive,
        created_by_id=ctx.actor.id or 0,
        created_at=ctx.utcnow(),
        due_at=due,
    )
    ctx.session.add(action)
    ctx.session.flush()
    store.log_change(ctx, action, "created", new_due=due, new_owner=owner.key)
    ctx.emit(ActionRecorded(action, nominal=nominal))
    said = echo_due(due, ctx.now(), ctx.settings.work_end)
    note = ""
    if match := _NEXT_DAY.search(when):
        day = match.group(1).lower()
        note = f' ("next {day}" is read as next week\'s; say "{day}" for this week\'s)'
    facts = [
        Fact("OCG", ocg_label(ocg, ctx.sanitised)),
        Fact("Pillar", pillar.capitalize()),
        Fact("Owner", owner_label(owner.person, owner.agency)),
    ]
    if tactic is not None:
        facts.append(Fact("Tactic", f"{tactic.title} ({tactic.id})"))
    if sensitive:
        facts.append(Fact("Sensitive", "yes: the OCG's police roles only"))
    if nominal is not None:
        facts.append(Fact("Nominal", f"{nominal.name} ({nominal.role})"))
    facts += rules.owner_facts(ctx, owner, ocg) + shown
    return Reply(
        title=f"Action #{action.id} added",
        text=f"{description(ctx.session, action, ctx.sanitised)}\nDue {said}{note}. Not what "
        f"you meant? "
        f'`ocg snooze {action.id} <when> "date misread"`.',
        facts=facts,
        severity=Severity.SUCCESS,
    )


def _split_when(words: list[str], opts: dict[str, str]) -> tuple[list[str], str]:
    """``... by <when>``: the words after the last ``by`` (or a ``when=``/``by=`` option)."""
    for key in ("when", "by", "due"):
        if opts.get(key):
            return words, opts[key]
    lowered = [w.lower() for w in words]
    for marker in ("by", "due"):
        if marker in lowered:
            at = len(lowered) - 1 - lowered[::-1].index(marker)
            return words[:at], " ".join(words[at + 1 :])
    return words, ""


def _split_tactic(words: list[str], given: str | None) -> tuple[list[str], str | None]:
    lowered = [w.lower() for w in words]
    for i in range(len(words) - 2):
        if lowered[i] == "from" and lowered[i + 1] == "tactic":
            return words[:i] + words[i + 3 :], words[i + 2]
    return words, given


@hookimpl
def register_settings(register: Register) -> None:
    register(settings.SETTINGS)


@hookimpl
def load_demo(demo: Demo) -> None:
    actions_demo.load(demo)


@hookimpl
def register_tables(register: Register) -> None:
    from pathlib import Path

    from socbot_plugins.actions.models import Action, ActionChange

    from socbot import Tables

    register(Tables(models=(Action, ActionChange), migrations=Path(__file__).parent / "migrations"))
