"""When an overdue action's owner is reminded: on the 1st, 2nd and 4th working day it is
overdue, then once a week (every as many working days as a week has) until it is closed, its due
date moves or its owner acknowledges it ("Seen", ``ocg seen <id>``).

The reminder due is worked out from the due date and the last reminder, so a missed day (an
outage) is caught up once, never doubled, and a new due date starts the round again.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from socbot_plugins.actions.models import Action

from socbot.clock import local

STEPS = (1, 2, 4)  # working days overdue; then weekly after the last


def working_days_after(start: date, until: date, days: Collection[int]) -> int:
    """How many working days fall after ``start``, up to and including ``until``."""
    span = (until - start).days
    if span <= 0:
        return 0
    weeks, rest = divmod(span, 7)  # every run of seven days holds each weekday once
    extra = sum((start + timedelta(days=i)).weekday() in days for i in range(1, rest + 1))
    return weeks * len(days) + extra


def nth_working_day(start: date, n: int, days: Collection[int]) -> date:
    """The ``n``-th working day after ``start`` (n >= 1)."""
    weeks, left = divmod(n - 1, len(days))
    day = start + timedelta(days=7 * weeks)
    while True:
        day += timedelta(days=1)
        if day.weekday() in days:
            if left == 0:
                return day
            left -= 1


def reminder_day(action: Action, today: date, days: Collection[int]) -> date | None:
    """The working day of the latest reminder due by ``today``; None before the first."""
    if not days:
        return None
    due = local(action.due_at).date()
    late = working_days_after(due, today, days)
    if late < STEPS[0]:
        return None
    if late < STEPS[-1]:
        step = max(s for s in STEPS if s <= late)
    else:
        step = STEPS[-1] + (late - STEPS[-1]) // len(days) * len(days)
    return nth_working_day(due, step, days)


def seen(action: Action) -> bool:
    """Its owner has acknowledged it at its current due date."""
    return action.seen_due_at is not None and action.seen_due_at == action.due_at


def due(action: Action, today: date, days: Collection[int]) -> bool:
    """A reminder is due today: one is scheduled by now and none was sent since it fell due."""
    if seen(action):
        return False
    day = reminder_day(action, today, days)
    last = action.last_nudged_at
    return day is not None and (last is None or local(last).date() < day)
