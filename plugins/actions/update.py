"""Changing an action: ``done`` (with its result, and a linked disruption if asked), ``snooze``
(with the reason), ``reassign``, ``cancel`` (with the reason) and ``take``. Each checks that the
actor may see the action, that it is open and that they may change it, before anything else.
"""

from __future__ import annotations

import re

from socbot_plugins.actions import backoff, notices, rules, store
from socbot_plugins.actions.models import Action
from socbot_plugins.actions.store import Owner
from socbot_plugins.actions.view import (
    description,
    echo_due,
    owner_label,
    quick_replies,
    say_due,
)
from socbot_plugins.disruptions.models import GRADES, Disruption
from sqlmodel import select

from socbot import Button, CommandError, Fact, NotAllowed, Ocg, Reply, Severity
from socbot.context import Context
from socbot.events import ActionDone, ActionRecorded
from socbot.hold import Held, is_partner
from socbot.model import Command
from socbot.parser import join_args, normalise

_TRAILING_QUOTE = re.compile(r'"([^"]*)"\s*$')
_EMPTY_RESULTS = {"done", "ok", "okay", "complete", "completed", "finished", "yes", "closed", "y"}


def close_action(ctx: Context, cmd: Command) -> Reply:
    """Close with a result; ``disrupt=GRADE`` hands over to the disruption plugin, in the same
    transaction, so a bad disruption leaves the action open."""
    action, ocg, owner = _changeable(ctx, cmd)
    result = cmd.options.get("result") or " ".join(cmd.args[1:])
    result = store.clean_text(result, what="result", field="result", limit=2000)
    if len(result) < 3 or result.lower().strip(".! ") in _EMPTY_RESULTS:
        raise CommandError(
            f"What was the result? Say what happened, one line is enough: `ocg done {action.id} "
            '"Visited 4 March: no counterfeit stock found"`.',
            field="result",
        )
    if "disrupt" not in cmd.options and "disrupt" in ctx.commands:
        raise Held(_ask_disrupted(ctx, cmd, action))
    grade = (cmd.options.get("disrupt") or "").strip().lower()
    if grade in ("", "none", "no"):
        grade = ""
    elif grade not in ("major", "moderate", "minor"):
        raise CommandError(
            f"{grade!r} isn't a disruption grade: use major, moderate or minor (or leave out "
            "disrupt=).",
            field="disrupt",
        )
    shown = ctx.for_partner(ocg, {"Result": result}, person=owner.person, agency=owner.agency)
    rules.claim(
        ctx,
        action,
        status="done",
        result=result,
        completed_by_id=ctx.actor.id,
        completed_at=ctx.utcnow(),
    )
    store.log_change(ctx, action, "done", reason=result)
    ctx.emit(ActionRecorded(action))
    ctx.emit(ActionDone(action, grade or None, dict(cmd.options)))
    facts = [Fact("Result", result), *shown]
    if grade:
        linked = ctx.session.exec(
            select(Disruption).where(Disruption.action_id == action.id)
        ).first()
        if linked is None:
            raise CommandError(
                "I can't log disruptions here (the disruptions plugin isn't loaded). Close the "
                "action without disrupt= and log the disruption where you usually do.",
                field="disrupt",
            )
        facts.append(
            Fact("Disruption", f"#{linked.id} {linked.grade}, {linked.pillar}: {linked.status}")
        )
    return Reply(
        title=f"Action #{action.id} done",
        text=description(ctx.session, action, ctx.sanitised),
        facts=facts,
        severity=Severity.SUCCESS,
    )


def _ask_disrupted(ctx: Context, cmd: Command, action: Action) -> Reply:
    """Closing an action asks whether it disrupted the group: one button per grade or "No",
    each closing it with the answer in the same step (issue 16: partners' disruptions went
    unrecorded because nobody asked). The grades' definitions are the disruptions plugin's."""
    from socbot_plugins.disruptions.settings import DisruptionsSettings

    defined = ctx.plugin_settings("disruptions", DisruptionsSettings).definitions("grade")
    args = join_args(cmd)
    buttons = [
        Button(grade.capitalize(), "done", {"args": args, "disrupt": grade}) for grade in GRADES
    ]
    buttons.append(Button("No", "done", {"args": args, "disrupt": "no"}))
    return Reply(
        title=f"Closing action #{action.id}: did it disrupt the group?",
        text="If it hurt the group, say how much; it is logged as a disruption for moderation, "
        "linked to this action.\n" + "\n".join(f"- {g}: {d}" for g, d in defined.items()),
        buttons=buttons,
        context="Nothing is saved yet: pick one. Typing it? Add `disrupt=major` (moderate, "
        "minor) or `disrupt=no` to the command.",
        severity=Severity.INFO,
    )


def snooze_action(ctx: Context, cmd: Command) -> Reply:
    action = _changeable(ctx, cmd)[0]
    rest = list(cmd.args[1:])
    reason = cmd.options.get("reason", "")
    quoted = _TRAILING_QUOTE.search(normalise(cmd.text))
    if not reason and quoted and rest and rest[-1] == quoted.group(1) and len(rest) > 1:
        reason, rest = rest[-1], rest[:-1]
    when = cmd.options.get("when") or " ".join(rest)
    due = store.read_due(ctx, when, "", f'Usage: `ocg snooze {action.id} <when> "reason"`')
    reason = store.clean_text(reason, what="reason", field="reason")
    if not reason:
        raise CommandError(
            f"Why is it moving? Add the reason in quotes: `ocg snooze {action.id} {when} "
            '"waiting for the bank"`.',
            field="reason",
        )
    old = action.due_at
    rules.claim(ctx, action, due_at=due)
    store.log_change(ctx, action, "snooze", old_due=old, new_due=due, reason=reason)
    return Reply(
        title=f"Action #{action.id} now due {echo_due(due, ctx.now(), ctx.settings.work_end)}",
        text=description(ctx.session, action, ctx.sanitised),
        facts=[Fact("Was due", say_due(old, ctx.now())), Fact("Reason", reason)],
        severity=Severity.SUCCESS,
    )


def reassign_action(ctx: Context, cmd: Command) -> Reply:
    action, ocg, owner = _changeable(ctx, cmd)
    new, used = store.resolve_owner(ctx, list(cmd.args[1:]))
    reason = cmd.options.get("reason") or " ".join(cmd.args[1 + used :])
    reason = store.clean_text(reason, what="reason", field="reason")
    if new.key.lower() == owner.key.lower():
        raise CommandError(f"Action {action.id} is already {owner.label}'s.", field="owner")
    to_agency = new.person.agency if new.person else new.agency
    if ctx.sanitised and (to_agency or "").lower() != ctx.actor.agency.lower():
        raise NotAllowed(
            f"Partners can hand an action on only within {ctx.actor.agency}: to a colleague or "
            f"to {ctx.actor.agency} itself. Ask the OCG's LRO to move it to another agency.",
            field="owner",
        )
    if action.sensitive and is_partner(ctx.session, new.person, new.agency, ctx.utcnow()):
        raise NotAllowed(
            f"Action {action.id} is sensitive: it stays with the OCG's police roles, so it "
            f"can't go to {new.label}, a partner. Reassign it to a police officer.",
            field="owner",
        )
    texts = {"Description": action.description, "Reason": reason}
    shown = ctx.for_partner(ocg, texts, person=new.person, agency=new.agency)
    rules.claim(
        ctx,
        action,
        unchanged=("owner_id", "owner_agency"),
        owner_id=new.person.id if new.person else None,
        owner_agency=new.agency,
    )
    change = store.log_change(
        ctx, action, "reassign", old_owner=owner.key, new_owner=new.key, reason=reason or None
    )
    notices.tell_new_owner(ctx, action, change)
    facts = [Fact("Was", owner_label(owner.person, owner.agency))]
    facts += rules.owner_facts(ctx, new, ocg) + shown
    return Reply(
        title=f"Action #{action.id} is now {owner_label(new.person, new.agency)}'s",
        text=description(ctx.session, action, ctx.sanitised),
        facts=facts,
        severity=Severity.SUCCESS,
    )


def cancel_action(ctx: Context, cmd: Command) -> Reply:
    action = _changeable(ctx, cmd)[0]
    reason = cmd.options.get("reason") or " ".join(cmd.args[1:])
    reason = store.clean_text(reason, what="reason", field="reason")
    if len(reason) < 3:
        raise CommandError(
            f'Why cancel it? Add the reason: `ocg cancel {action.id} "no longer linked to the '
            'group"`. The reason is kept with the plan.',
            field="reason",
        )
    rules.claim(
        ctx, action, status="cancelled", completed_by_id=ctx.actor.id, completed_at=ctx.utcnow()
    )
    store.log_change(ctx, action, "cancel", reason=reason)
    ctx.emit(ActionRecorded(action))
    return Reply(
        title=f"Action #{action.id} cancelled",
        text=description(ctx.session, action, ctx.sanitised),
        facts=[Fact("Reason", reason)],
        severity=Severity.SUCCESS,
    )


def seen_action(ctx: Context, cmd: Command) -> Reply:
    """ "Seen": its owner knows it is overdue; reminders stop until its due date moves."""
    action = _changeable(ctx, cmd)[0]
    if backoff.seen(action):
        raise CommandError(
            f"Action {action.id} is already marked seen: no reminders until its due date moves.",
            field="id",
        )
    rules.claim(ctx, action, unchanged=("due_at",), seen_due_at=action.due_at)
    store.log_change(ctx, action, "seen")
    return Reply(
        title=f"Action #{action.id}: seen",
        text=description(ctx.session, action, ctx.sanitised),
        facts=[Fact("Due", say_due(action.due_at, ctx.now()))],
        context="No more reminders about it until its due date moves (`ocg snooze`). Close it "
        f'with `ocg done {action.id} "result"`.',
        severity=Severity.SUCCESS,
    )


def take_action(ctx: Context, cmd: Command) -> Reply:
    action, _ocg, owner = rules.find(ctx, _first(cmd))
    rules.require_open(ctx, action)
    if owner.person is not None:
        who = "yours" if owner.person.id == ctx.actor.id else f"{owner.label}'s"
        raise CommandError(
            f"Action {action.id} is already {who}; only an action given to an agency can be "
            "taken. Use `ocg reassign` to move it.",
            field="id",
        )
    if (owner.agency or "").lower() != ctx.actor.agency.lower():
        raise CommandError(
            f"Action {action.id} belongs to {owner.agency}; only someone from {owner.agency} "
            "can take it.",
            field="id",
        )
    rules.claim(
        ctx,
        action,
        unchanged=("owner_id", "owner_agency"),
        owner_id=ctx.actor.id,
        owner_agency=None,
    )
    store.log_change(ctx, action, "take", old_owner=owner.key, new_owner=ctx.actor.handle)
    return Reply(
        title=f"Action #{action.id} is yours",
        text=description(ctx.session, action, ctx.sanitised),
        facts=[
            Fact("From", f"{owner.agency} (agency)"),
            Fact("Due", say_due(action.due_at, ctx.now())),
        ],
        buttons=quick_replies(action.id or 0),
        severity=Severity.SUCCESS,
    )


def _first(cmd: Command) -> str | None:
    return cmd.args[0] if cmd.args else cmd.options.get("id")


def _changeable(ctx: Context, cmd: Command) -> tuple[Action, Ocg, Owner]:
    """The open action the command names, if this actor may change it (else a polite error)."""
    action, ocg, owner = rules.find(ctx, _first(cmd))
    rules.require_open(ctx, action)
    rules.require_change(ctx, action, ocg, owner)
    return action, ocg, owner
