"""UK date reading for due dates, snoozes and disruption dates.

dateparser does the heavy lifting (day-first, Europe/London, relative to the bot's clock); the
phrases it misses (``end of month``, ``end of week``) are handled here. Every parsed date is echoed
back in words by the caller so a misreading is caught at once.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta

from socbot.clock import LONDON
from socbot.model import CommandError

DUE_EXAMPLES = "friday, next friday, in 2 weeks, 05/03/2027, end of month, tomorrow 5pm"
PAST_EXAMPLES = "today, yesterday, last tuesday, 05/03/2027, 3 days ago"
_END_OF = re.compile(r"^(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?(month|week)$", re.I)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HAS_TIME = re.compile(r"\d\s*(?:am|pm)\b|\d{1,2}:\d{2}|\bnoon\b|\bmidday\b", re.I)


def _settings(now: datetime, prefer: str) -> dict[str, object]:
    return {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": prefer,
        "TIMEZONE": "Europe/London",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": now.astimezone(LONDON).replace(tzinfo=None),
        "PREFER_DAY_OF_MONTH": "first",
    }


def _parse(text: str, now: datetime, prefer: str) -> datetime | None:
    import dateparser  # imported on first use: it costs ~0.3 s at start-up

    text = text.strip()
    if _ISO.match(text):
        try:
            return datetime.fromisoformat(text).replace(tzinfo=LONDON)
        except ValueError:
            return None
    found = dateparser.parse(text, languages=["en"], settings=_settings(now, prefer))
    return found.astimezone(LONDON) if found else None


def parse_due(text: str, now: datetime, *, end_of_day: time = time(18, 0)) -> datetime:
    """A due moment in the future. A bare date means the end of that working day."""
    text = text.strip()
    if not text:
        raise CommandError(f"When is it due? For example: {DUE_EXAMPLES}.", field="when")
    local_now = now.astimezone(LONDON)
    end = _END_OF.match(text)
    if end:
        today = local_now.date()
        if end.group(1).lower() == "month":
            day = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        else:
            day = today + timedelta(days=(4 - today.weekday()) % 7)  # Friday of this week
        found = datetime.combine(day, end_of_day, LONDON)
    else:
        parsed = _parse(text, local_now, "future")
        if parsed is None:
            raise CommandError(
                f"I couldn't read {text!r} as a date. Try one of: {DUE_EXAMPLES} "
                "(dates are day first: 05/03/2027 is 5 March).",
                field="when",
            )
        found = parsed
        if not _HAS_TIME.search(text) and (found.hour, found.minute) in (
            (0, 0),
            (local_now.hour, local_now.minute),
        ):
            found = datetime.combine(found.date(), end_of_day, LONDON)
    if found <= local_now:
        raise CommandError(
            f"{text!r} reads as {found:%a %d %b %Y %H:%M}, which has passed. "
            f"A due date must be in the future, e.g. {DUE_EXAMPLES}.",
            field="when",
        )
    return found


def parse_past(text: str, now: datetime, *, what: str = "date") -> date:
    """A day that has happened: today or earlier (disruptions, reviews, imports)."""
    parsed = _parse(text, now.astimezone(LONDON), "past")
    if parsed is None:
        raise CommandError(
            f"I couldn't read {text!r} as a {what}. Try one of: {PAST_EXAMPLES} "
            "(dates are day first: 05/03/2027 is 5 March).",
            field="date",
        )
    day = parsed.date()
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
