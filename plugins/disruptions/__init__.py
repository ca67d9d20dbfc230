"""Built-in plugin 'disruptions': log, total, moderate, chart and export disruptions against OCGs.

Commands: ``disrupt``, ``disruptions``, ``disruption`` (one record: history, edit, answer),
``moderation``, ``accept``, ``needs-info``, ``reject``, ``merge``, ``remoderate``, ``chart``.
Forms: ``disruption.log``, ``disruption.reject``, ``disruption.needs-info``. CLI: ``socbot export
disruptions [--format apmis]``. Closing an action with ``disrupt=GRADE`` (the ``ActionDone``
event) records a disruption linked to that action.

Modules: ``record`` (writing one, with its checks), ``checks`` (not-SOC patterns, definitions),
``duplicates`` (likely duplicates), ``fields`` (every field, typed and shown), ``edit``
(``disruption <id> ...``), ``history``, ``moderation``, ``find`` (one record, for whoever asks),
``listing``/``query`` (``disruptions``), ``chart``, ``export`` (and ``apmis``), ``settings``.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from datetime import datetime

from socbot_plugins.disruptions import (
    chart,
    checks,
    edit,
    export,
    fields,
    listing,
    moderation,
    parse,
    settings,
)
from socbot_plugins.disruptions import demo as disruptions_demo
from socbot_plugins.disruptions import digest as disruptions_digest
from socbot_plugins.disruptions.models import GRADES, LEVELS
from socbot_plugins.disruptions.record import record as record_disruption
from socbot_plugins.disruptions.record import record_for_action, recorded_reply
from sqlmodel import Session

from socbot import CommandError, CommandSpec, DigestPart, FormSpec, Permission, Reply, hookimpl
from socbot.access import Actor
from socbot.context import Context
from socbot.dates import parse_past
from socbot.demo import Demo
from socbot.events import ActionDone, Event
from socbot.model import Command, Form, Input
from socbot.registry import Register

DISRUPT_USAGE = (
    'disrupt <OCG> <major|moderate|minor> <pillar> "what happened" [on <date>] '
    "[level=primary|secondary|tertiary] [arrests=N] [charged=N] [warrants=N] [cash=£N] "
    '[assets=£N] [drugs="..."] [vehicles=N] [orders=N] [safeguarded=N] [confidence="note"] '
    '[intelligence="note"] [safeguarding="note"] [partnership="note"] [nominal=<name or id>] '
    "[tactic=<id>] [action=<id>] [link=<id>] [confirm]"
)
GRADES_HELP = """Log a disruption when it happens, against the OCG and the P the work came from \
(pursue, prevent, protect, prepare). Grade the harm done to the group, not the effort spent:
- major: the group is badly and lastingly hurt, e.g. a principal member charged or remanded, a \
supply line or core business taken apart, money or stock seized that it cannot readily replace.
- moderate: a real setback it can recover from with effort, e.g. a significant member arrested, \
a seizure or closure order that makes it change how it works for a while.
- minor: a short-lived or local effect, e.g. a peripheral member dealt with, a small seizure, a \
vehicle taken off the road, a warning notice or a one-off safeguarding visit.
Ask: whose standing in the group changed (principal, significant, peripheral)? How much of its \
stock or money went, and can it replace it? Did it have to change how it operates? (LRO \
guidance, sections "Assessing the impact of a disruption" and "OCG performance monitoring".)
Not a SOC disruption: routine work that would happen anyway and is not aimed at the group, such \
as routine management of registered sex offenders (HMICFRS south-east regional SOC inspection, \
"SEROCU is working to improve how the region records disruption activity"); work against a \
person or vulnerability not tied to a mapped OCG (the same report, Appendix 2: disruptions are \
recorded against OCGs only); activity that has not yet touched the group, such as a plan agreed \
or a meeting held. When unsure, log it and say why it hurt the group: a moderator accepts, \
regrades, asks you for more or rejects every entry against the national minimum standards.
Recording warns before it saves (nothing is written until you confirm, with the button or \
`confirm` at the end): when the text reads like harm the group caused (a stabbing) or routine \
offender management, and when the same OCG has a similar disruption within two weeks: link to \
it instead (`link=<id>`) so one event is counted once.
Prevent disruptions say which target group they reached (`level=`: primary, people at risk \
reached broadly; secondary, people showing early signs, through safeguarding or diversion; \
tertiary, people already in the group helped out; LRO guidance, Prevent section). Any \
disruption may carry qualitative outcomes, each a short note (LRO guidance, "OCG performance \
monitoring"): `confidence=` (community confidence), `intelligence=` (intelligence flow), \
`safeguarding=`, `partnership=`. Your force's own definitions replace these when set \
(SOCBOT_PLUGIN__DISRUPTIONS__GRADE_MAJOR and the like)."""


@hookimpl
def register_permissions(register: Register) -> None:
    police = {"sro": "any", "analyst": "any", "lro": "own", "sio": "own", "plead": "own"}
    register(
        Permission(
            "disruption.record",
            "log a disruption against an OCG",
            {**police, "coordinator": "own", "partner": "own"},
        )
    )
    register(
        Permission(
            "disruption.moderate", "accept or reject logged disruptions", {"moderator": "any"}
        )
    )


@hookimpl
def register_commands(register):  # type: ignore[no-untyped-def]
    register(
        CommandSpec(
            "disrupt",
            log_disruption,
            "Log a disruption against an OCG: grade, pillar, what happened, outcomes",
            usage=DISRUPT_USAGE,
            examples=(
                'disrupt smith major pursue "Warrant at the lock-up: cocaine and cash seized" '
                'arrests=2 cash=£12,500 drugs="1.2kg cocaine"',
                'disrupt OCG-0001 minor prevent "Two siblings referred to youth diversion" '
                "on 01/03/2027 safeguarded=2",
            ),
            permission="disruption.record",
            details=GRADES_HELP,
            writes=True,
        )
    )
    register(
        CommandSpec(
            "disruption",
            edit.command,
            "One disruption: its record, its history, a correction, an answer to a moderator",
            usage=edit.USAGE,
            examples=(
                "disruption 7",
                "disruption 7 history",
                'disruption 7 edit arrests=3 grade=moderate because "two more arrested that '
                'evening"',
                'disruption 7 answer "Danny Smith, charged with conspiracy to supply"',
            ),
            details="The recorder corrects their own disruption (after acceptance, the "
            "correction sends it back to moderation); a moderator corrects any. Fields: "
            + ", ".join(f"{k}=" for k in fields.EDITABLE)
            + ". Every change keeps who, when, before, after and why.",
            writes=True,
        )
    )
    register(
        CommandSpec(
            "disruptions",
            listing.list_disruptions,
            "An OCG's disruptions with totals by grade, pillar and outcome",
            usage=listing.USAGE,
            examples=("disruptions smith", "disruptions OCG-0001 since 1/1/2027 grade major"),
        )
    )
    for spec in (*moderation.specs(), chart.spec()):
        register(spec)


@hookimpl
def register_forms(register):  # type: ignore[no-untyped-def]
    register(FormSpec("disruption.log", build_form, submit_form, "disruption.record"))
    for form in moderation.forms():
        register(form)


@hookimpl
def register_settings(register):  # type: ignore[no-untyped-def]
    register(settings.SETTINGS)


@hookimpl
def register_cli(register):  # type: ignore[no-untyped-def]
    register(export.cli())


@hookimpl
def on_event(ctx: Context, event: Event) -> None:
    """``done <id> "result" disrupt=GRADE``: log the disruption in the same transaction."""
    if isinstance(event, ActionDone) and event.disrupt:
        record_for_action(ctx, event.action, event.disrupt, event.options)


# -- ocg disrupt ------------------------------------------------------------------------------


def log_disruption(ctx: Context, cmd: Command) -> Reply:
    """Parse the one-line report, check it all, then write it (nothing is written on error)."""
    if len(cmd.args) < 2:
        raise CommandError(f"Usage: `{DISRUPT_USAGE}`", field="ocg", hint="help disrupt")
    at = _grade_position(cmd.args)
    ocg = ctx.ocg(" ".join(cmd.args[:at]), "disruption.record")
    defined = ctx.plugin_settings("disruptions", settings.DisruptionsSettings)
    try:
        grade = parse.grade(cmd.args[at])
    except CommandError as exc:
        raise checks.explain(exc, defined, "grade") from None
    if len(cmd.args) <= at + 1:
        raise checks.explain(CommandError("Which pillar?", field="pillar"), defined, "pillar")
    try:
        pillar = parse.pillar(cmd.args[at + 1])
    except CommandError as exc:
        raise checks.explain(exc, defined, "pillar") from None
    parse.check_options(cmd.options, parse.RECORD_OPTIONS)
    what, when = _split_date(cmd.args[at + 2 :], cmd.options.get("date"))
    disruption = record_disruption(
        ctx,
        ocg=ocg,
        grade=grade,
        pillar=pillar,
        description=parse.description(what),
        occurred_on=parse_past(when, ctx.now(), what="disruption date") if when else ctx.today(),
        options=cmd.options,
    )
    return recorded_reply(ctx, disruption, ocg)


def _grade_position(args: tuple[str, ...]) -> int:
    """Where the grade is: the OCG may be several words (``smith brothers major ...``)."""
    for exact in (True, False):
        for i, word in enumerate(args[1:], start=1):
            typed = word.lower()
            if typed in GRADES if exact else difflib.get_close_matches(typed, GRADES, 1, 0.7):
                return i
    return 1


def _split_date(words: tuple[str, ...], option: str | None) -> tuple[str, str | None]:
    """Split ``"what happened" on 01/03/2027`` into the description and the date text."""
    if not words:
        raise CommandError(
            'What happened? Add it in double quotes, e.g. "Van seized for no insurance".',
            field="what",
        )
    on = next((i for i in range(len(words) - 1, 0, -1) if words[i].lower() == "on"), None)
    quoted = " " in words[0]
    if on is None and quoted and len(words) > 1:
        # ``"what happened" yesterday``: everything after the quotes is the date
        what, when = words[0], " ".join(words[1:])
    elif on is None:
        what, when = " ".join(words), None
    else:
        what, when = " ".join(words[:on]), " ".join(words[on + 1 :])
        if not when:
            raise CommandError("On what date? e.g. `on 01/03/2027` or `on monday`.", field="date")
    if when and option:
        raise CommandError("Give the date once: either `on <date>` or `date=`.", field="date")
    return what, when or option


# -- the form ---------------------------------------------------------------------------------


def _defined(title: str, definitions: dict[str, str]) -> str:
    return f"{title} ({'; '.join(f'{k}: {v}' for k, v in definitions.items())})"


def build_form(ctx: Context, payload: dict[str, str]) -> Form:
    defined = ctx.plugin_settings("disruptions", settings.DisruptionsSettings)
    return Form(
        "disruption.log",
        "Log a disruption",
        [
            Input("ocg", "OCG (reference or name)", value=payload.get("ocg")),
            Input(
                "grade",
                _defined("Impact on the group", defined.definitions("grade")),
                kind="choice",
                choices=GRADES,
                value=payload.get("grade"),
            ),
            Input(
                "pillar",
                _defined("Pillar", defined.definitions("pillar")),
                kind="choice",
                choices=parse.PILLARS,
                value=payload.get("pillar"),
            ),
            Input(
                "level",
                _defined("Prevent only: target group", defined.definitions("level")),
                kind="choice",
                choices=LEVELS,
                required=False,
                value=payload.get("level"),
            ),
            Input(
                "what",
                "What happened",
                kind="multiline",
                placeholder="Warrant at the lock-up: 1.2kg cocaine seized, two arrested",
            ),
            Input("date", "Date it happened", kind="date", required=False, placeholder="today"),
            Input("arrests", "Arrests", required=False, placeholder="0"),
            Input("cash", "Cash seized (£)", required=False, placeholder="£12,500"),
            Input("drugs", "Drugs seized", required=False, placeholder="2.5kg cocaine"),
            Input(
                "confidence",
                "Community confidence (a short note, if it changed)",
                required=False,
                placeholder="residents now report dealing to the PCSO",
            ),
            Input("intelligence", "Intelligence flow (a short note)", required=False),
            Input("safeguarding", "Safeguarding (a short note)", required=False),
            Input("partnership", "Partnership (a short note)", required=False),
        ],
        submit_label="Log disruption",
        payload=dict(payload),
    )


def submit_form(values: dict[str, str]) -> Command:
    """The form's answers as the typed command, so both share one set of rules."""
    needed = {
        "ocg": "Which OCG?",
        "grade": "Choose a grade.",
        "pillar": "Choose a pillar.",
        "what": "Say what happened.",
    }
    for name, message in needed.items():
        if not values.get(name):
            raise CommandError(message, field=name)
    args = (values["ocg"], values["grade"], values["pillar"], values["what"])
    optional = ("date", "level", "arrests", "cash", "drugs", *fields.QUALITATIVE)
    options = {k: values[k] for k in optional if values.get(k)}
    text = " ".join(
        ["disrupt", *args[:3], f'"{args[3]}"', *(f"{k}={v}" for k, v in options.items())]
    )
    return Command("disrupt", args, options, text=text)


@hookimpl
def load_demo(demo: Demo) -> None:
    disruptions_demo.load(demo)


@hookimpl
def register_tables(register):  # type: ignore[no-untyped-def]
    from pathlib import Path

    from socbot_plugins.disruptions.models import Disruption, DisruptionChange

    from socbot import Tables

    register(
        Tables(
            models=(Disruption, DisruptionChange), migrations=Path(__file__).parent / "migrations"
        )
    )


@hookimpl
def digest_sections(
    session: Session,
    viewer: Actor,
    ocg_ids: Collection[int] | None,
    since: datetime | None,
    now: datetime,
) -> list[DigestPart]:
    """Disruptions awaiting moderation, for the coordinators' digest."""
    return disruptions_digest.sections(session, viewer, ocg_ids, now)
