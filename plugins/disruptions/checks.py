"""Right first time: the definitions quoted with each choice, and the patterns that are not a
SOC disruption, which recording warns about and asks the recorder to confirm.

Not a disruption (said in our words):
- harm the group caused (a stabbing, a shooting, a robbery): that is the threat, not an impact
  on it. A disruption is something done that reduces the group's ability to operate (seed 001,
  "Assessing the impact of a disruption"). Arresting or charging someone for that harm is one,
  so a response word ("arrested", "charged", "seized", ...) in the text silences the warning.
- routine offender management, such as managing registered sex offenders: the inspection found
  one force logging it as SOC disruption, against the national minimum standards (seed 003,
  "SEROCU is working to improve how the region records disruption activity").
"""

from __future__ import annotations

import re

from socbot_plugins.disruptions.settings import DisruptionsSettings

from socbot.model import CommandError

_HARM = re.compile(
    r"\b(stab(bing|bed)?|shoot(ing)?|shot at|shot dead|murder(ed)?|killed|kill(ing)?|"
    r"assault(ed)?|attack(ed)?( on)?|wounding|gbh|robbery|robbed|kidnap(ped|ping)?|"
    r"firebomb(ed|ing)?|arson|acid attack|threats? to kill|intimidat(ed|ion)|beat(en|ing))\b",
    re.I,
)
_RESPONSE = re.compile(
    r"\b(arrest(ed|s)?|charg(ed|e)|remand(ed)?|convict(ed|ion)|sentenc(ed|e)|jailed|"
    r"warrants?|seiz(ed|ure)|closure|orders?|injunction|search(ed)?|recalled|bail)\b",
    re.I,
)
_ROUTINE = re.compile(
    r"\b(registered sex offenders?|sex offenders?|rso|visor|mappa|offender management|"
    r"notification requirements?|routine (home )?visits?|routine bail checks?|iom)\b",
    re.I,
)


def not_soc(description: str) -> list[str]:
    """Why this text may not be a SOC disruption (empty when nothing looks wrong)."""
    found: list[str] = []
    harm = _HARM.search(description)
    if harm and not _RESPONSE.search(description):
        found.append(
            f'"{harm.group(0)}" reads like harm the group caused, not harm done to the group. '
            "A disruption is what reduced its ability to operate (an arrest or charge for it, a "
            "seizure, an order); log the harm through crime recording and the OCG's review."
        )
    routine = _ROUTINE.search(description)
    if routine:
        found.append(
            f'"{routine.group(0)}" reads like routine offender management, which the national '
            "minimum standards do not count as SOC disruption (HMICFRS south-east SOC "
            "inspection). Log it only if it was aimed at this group and hurt it."
        )
    return found


def definitions_text(settings: DisruptionsSettings, kind: str) -> str:
    """``major: ...; moderate: ...; minor: ...``: the definitions, one line each."""
    return "\n".join(f"- {k}: {v}" for k, v in settings.definitions(kind).items())


def explain(exc: CommandError, settings: DisruptionsSettings, kind: str) -> CommandError:
    """The same error, with the definitions of each choice appended."""
    return CommandError(
        f"{exc.message}\n{definitions_text(settings, kind)}", field=exc.field, hint=exc.hint
    )
