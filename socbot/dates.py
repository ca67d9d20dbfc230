"""UK date reading for due dates, snoozes and disruption dates.

dateparser does the heavy lifting (day-first, Europe/London, relative to the bot's clock); the
phrases it misses (``end of month``, ``end of week``) are handled here. Every parsed date is echoed
back in words by the caller so a misreading is caught at once.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta

from socbot.clock import LONDON
from socbot.model import CommandError

DUE_EXAMPLES = "friday, next friday, in 2 weeks, 05/03/2027, end of month, tomorrow 5pm"
PAST_EXAMPLES = "today, yesterday, last tuesday, 05/03/2027, 3 days ago"
_END_OF = re.compile(r"^(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?(next\s+)?(month|week)$", re.I)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FULL_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")  # day first, a 4-digit year
# A phrase that names a time of day (or an offset in hours): anything else is due at day's end.
_HAS_TIME = re.compile(
    r"\d\s*(?:am|pm)\b|\d{1,2}:\d{2}|\bnoon\b|\bmidday\b|\b(?:hours?|hrs?|minutes?|mins?)\b",
    re.I,
)
_DAY = r"(mon|tue|wed|thu|fri|sat|sun)(?:day|s|sday|nesday|r|rs|rsday|urday)?"
_WEEKDAY = re.compile(rf"^(?:by\s+|on\s+|this\s+)?{_DAY}$", re.I)
_NEXT_WEEKDAY = re.compile(rf"^(?:by\s+|on\s+)?next\s+{_DAY}$", re.I)
_CLOCK_ONLY = re.compile(r"^(?:by\s+|at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.I)
_DAY_OF_MONTH = re.compile(r"^(?:by\s+|on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)$", re.I)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NUMERIC_DATE = re.compile(r"(?<![\d:])(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?(?![\d:])")
EARLIEST = date(2000, 1, 1)  # nothing socbot records happened before this


def _settings(now: datetime, prefer: str) -> dict[str, object]:
    return {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": prefer,
        "RELATIVE_BASE": now.astimezone(LONDON).replace(tzinfo=None),
        "PREFER_DAY_OF_MONTH": "first",
    }


def _parse(text: str, now: datetime, prefer: str, field: str = "when") -> datetime | None:
    import dateparser  # imported on first use: it costs ~0.3 s at start-up

    text = text.strip()
    _check_day_first(text, field)
    if _ISO.match(text):
        try:
            return datetime.fromisoformat(text).replace(tzinfo=LONDON)
        except ValueError:
            return None
    if match := _FULL_DATE.match(text):  # the usual written form: read here, ~50x faster
        day, month, year = (int(g) for g in match.groups())
        try:
            return datetime(year, month, day, tzinfo=LONDON)
        except ValueError:
            return None
    # Parsed as London wall-clock time, then zoned: dateparser's own TIMEZONE would apply the
    # offset in force *now*, putting "tomorrow 5pm" an hour out across a clock change.
    found = dateparser.parse(text, languages=["en"], settings=_settings(now, prefer))
    if found is None:
        return None
    zoned = found.replace(tzinfo=LONDON)
    if zoned.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != found.replace(tzinfo=None):
        raise CommandError(
            f"{found:%H:%M} on {found:%a %d %b %Y} doesn't exist in the UK: the clocks go forward "
            "that night. Pick another time.",
            field=field,
        )
    return zoned


def _check_day_first(text: str, field: str) -> None:
    """Refuse a numeric date that only reads month-first (12/13/2027): we never guess."""
    for match in _NUMERIC_DATE.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        if month > 12 or day > 31 or day == 0 or month == 0:
            raise CommandError(
                f"{match.group(0)!r} isn't a day-first date: write the day, then the month, "
                "e.g. 05/03/2027 for 5 March 2027.",
                field=field,
            )


def parse_due(text: str, now: datetime, *, end_of_day: time = time(18, 0)) -> datetime:
    """A due moment in the future. A bare date means the end of that working day.

    UK readings dateparser gets wrong or misses are settled here first: ``next friday`` on a
    Wednesday is the Friday of next week (``friday`` is this week's), ``friday`` said on a Friday
    is today, ``end of (next) week/month``, a bare ``5pm`` or ``the 10th`` is the next one to come.
    """
    text = " ".join(text.split())
    if not text:
        raise CommandError(f"When is it due? For example: {DUE_EXAMPLES}.", field="when")
    local_now = now.astimezone(LONDON)
    found = _uk_phrase(text, local_now, end_of_day)
    if found is None:
        parsed = _parse(text, local_now, "future")
        if parsed is None:
            raise CommandError(
                f"I couldn't read {text!r} as a date. Try one of: {DUE_EXAMPLES} "
                "(dates are day first: 05/03/2027 is 5 March).",
                field="when",
            )
        if parsed.year > local_now.year + 50:  # "12 mar 27" read as 2127 by "prefer future"
            parsed = parsed.replace(year=parsed.year - 100)
        found = parsed
        if not _HAS_TIME.search(text):
            found = datetime.combine(found.date(), end_of_day, LONDON)
    if found <= local_now:
        from socbot.clock import say_when

        raise CommandError(
            f"{text!r} reads as {say_when(found)}, which has passed. "
            f"A due date must be in the future, e.g. {DUE_EXAMPLES}.",
            field="when",
        )
    return found


def _uk_phrase(text: str, now: datetime, end_of_day: time) -> datetime | None:
    """The phrases read here rather than by dateparser, or None to let dateparser try."""
    today = now.date()

    def at_end(day: date) -> datetime:
        return datetime.combine(day, end_of_day, LONDON)

    if match := _END_OF.match(text):
        ahead, unit = bool(match.group(1)), match.group(2).lower()
        if unit == "week":
            day = today + timedelta(days=(4 - today.weekday()) % 7)  # this week's Friday
            if ahead or at_end(day) <= now:
                day += timedelta(days=7)
            return at_end(day)
        day = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        if ahead or at_end(day) <= now:
            first = day + timedelta(days=1)
            day = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return at_end(day)
    if match := _NEXT_WEEKDAY.match(text):
        monday = today + timedelta(days=7 - today.weekday())
        return at_end(monday + timedelta(days=_DAYS.index(match.group(1).lower())))
    if match := _WEEKDAY.match(text):
        days = (_DAYS.index(match.group(1).lower()) - today.weekday()) % 7
        if days == 0 and at_end(today) <= now:
            days = 7
        return at_end(today + timedelta(days=days))
    if (match := _CLOCK_ONLY.match(text)) and (match.group(2) or match.group(3)):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if match.group(3):
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if match.group(3).lower() == "pm" else 0)
        if hour > 23 or minute > 59:
            return None
        moment = datetime.combine(today, time(hour, minute), LONDON)
        return moment if moment > now else moment + timedelta(days=1)
    if match := _DAY_OF_MONTH.match(text):
        wanted, day = int(match.group(1)), today.replace(day=1)
        for _ in range(13):
            last = calendar.monthrange(day.year, day.month)[1]
            if wanted <= last and at_end(day.replace(day=wanted)) > now:
                return at_end(day.replace(day=wanted))
            day = (day + timedelta(days=last)).replace(day=1)
    return None


def parse_past(text: str, now: datetime, *, what: str = "date") -> date:
    """A day that has happened: today or earlier (disruptions, reviews, imports)."""
    parsed = _parse(text, now.astimezone(LONDON), "past", "date")
    if parsed is None:
        raise CommandError(
            f"I couldn't read {text!r} as a {what}. Try one of: {PAST_EXAMPLES} "
            "(dates are day first: 05/03/2027 is 5 March).",
            field="date",
        )
    day = parsed.date()
    if day < EARLIEST:
        raise CommandError(
            f"{text!r} reads as {day:%a %d %b %Y}, which is too long ago to be right. "
            f"Give the {what} day first, e.g. 05/03/2027.",
            field="date",
        )
    if day > now.astimezone(LONDON).date():
        raise CommandError(
            f"{text!r} reads as {day:%a %d %b %Y}, which is in the future. "
            f"The {what} must be today or earlier.",
            field="date",
        )
    return day


def parse_day(text: str) -> date:
    """A plain date as written in a file: ISO ``2027-03-05`` or UK ``05/03/2027``."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"{text!r} is not a date; use 2027-03-05 or 05/03/2027.")
