"""When a scheduled paper is due: the few rules a coordinator says, read in UK time.

``every first monday 08:00``, ``every monday 08:00``, ``monthly on the 1st 07:30``, ``every
weekday 08:00``. Anything else is refused with the list, rather than guessed: a pack that comes
on the wrong day is worse than none. Times are Europe/London wall-clock, so 08:00 stays 08:00
across the clock change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from socbot.model import CommandError

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4}
ORDINALS |= {"4th": 4, "last": -1}
EXAMPLES = (
    "every first monday 08:00, every monday 08:00, monthly on the 1st 08:00, every weekday 08:00"
)
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_DAY_OF_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")


@dataclass(frozen=True)
class Rule:
    """``kind``: weekly | weekday | nth (``nth`` weekday ``day`` of the month) | monthly
    (day ``day`` of the month, the last day in a shorter month)."""

    kind: str
    at: time
    day: int = 0
    nth: int = 0

    def runs_on(self, on: date) -> bool:
        if self.kind == "weekday":
            return on.weekday() < 5
        if self.kind == "weekly":
            return on.weekday() == self.day
        if self.kind == "nth":
            if on.weekday() != self.day:
                return False
            if self.nth == -1:
                return (on + timedelta(days=7)).month != on.month
            return (on.day - 1) // 7 + 1 == self.nth
        last = ((on.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day
        return on.day == min(self.day, last)

    def latest(self, now: datetime) -> datetime | None:
        """The latest run at or before ``now`` (aware, London) within the last 35 days."""
        for back in range(36):
            on = now.date() - timedelta(days=back)
            moment = datetime.combine(on, self.at, tzinfo=now.tzinfo)
            if self.runs_on(on) and moment <= now:
                return moment
        return None

    def next(self, now: datetime) -> datetime:
        """The first run after ``now``."""
        for ahead in range(0, 370):
            on = now.date() + timedelta(days=ahead)
            moment = datetime.combine(on, self.at, tzinfo=now.tzinfo)
            if self.runs_on(on) and moment > now:
                return moment
        raise AssertionError("every rule runs at least once a year")


def parse(text: str) -> Rule:
    """A rule from what the coordinator typed, or a polite error listing what is understood."""
    words = text.lower().replace(",", " ").split()
    if not words or not _TIME.match(words[-1]):
        raise _refused(text, "End with the time, 24-hour UK time: 08:00.")
    hour, minute = (int(x) for x in _TIME.match(words.pop()).groups())  # type: ignore[union-attr]
    if hour > 23 or minute > 59:
        raise _refused(text, f"{hour:02d}:{minute:02d} isn't a time of day.")
    at = time(hour, minute)
    if words[:1] == ["every"]:
        rest = words[1:]
        if rest == ["weekday"] or rest == ["working", "day"]:
            return Rule("weekday", at)
        if len(rest) == 1 and _day(rest[0]) is not None:
            return Rule("weekly", at, day=_day(rest[0]) or 0)
        if len(rest) == 2 and rest[0] in ORDINALS and _day(rest[1]) is not None:
            return Rule("nth", at, day=_day(rest[1]) or 0, nth=ORDINALS[rest[0]])
    if words[:2] == ["monthly", "on"] and len(words) in (3, 4):
        found = _DAY_OF_MONTH.match(words[-1])
        if found and (len(words) == 3 or words[2] == "the") and 1 <= int(found.group(1)) <= 31:
            return Rule("monthly", at, day=int(found.group(1)))
    raise _refused(text, "")


def describe(rule: Rule) -> str:
    at = rule.at.strftime("%H:%M")
    if rule.kind == "weekday":
        return f"every weekday at {at}"
    if rule.kind == "weekly":
        return f"every {DAYS[rule.day].capitalize()} at {at}"
    if rule.kind == "nth":
        which = {v: k for k, v in ORDINALS.items() if not k[0].isdigit()}[rule.nth]
        return f"every {which} {DAYS[rule.day].capitalize()} of the month at {at}"
    return f"monthly on day {rule.day} at {at}"


def _day(word: str) -> int | None:
    for i, name in enumerate(DAYS):
        if len(word) >= 3 and name.startswith(word):
            return i
    return None


def _refused(text: str, why: str) -> CommandError:
    return CommandError(
        f"I can't read {text!r} as a schedule. {why} I understand: {EXAMPLES} (UK time).".replace(
            "  ", " "
        ),
        field="when",
    )
