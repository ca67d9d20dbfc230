"""UK due dates on the fixed clock (Wed 3 Mar 2027 09:00, London), as typed after ``by``.

DOMAIN.md's dateparser notes were checked on this date; these cases pin the readings people
expect, including the ones dateparser gets wrong on its own.
"""

from __future__ import annotations

from datetime import datetime, time

import pytest

from socbot.clock import LONDON
from socbot.dates import parse_due
from socbot.model import CommandError
from socbot.plugins import get_plugin_manager

NOW = datetime(2027, 3, 3, 9, 0, tzinfo=LONDON)  # a Wednesday


@pytest.fixture
def pm():  # type: ignore[no-untyped-def]
    """Only the plugins under test, so work in progress elsewhere can't break these."""
    return get_plugin_manager(load_entrypoints=False, allow="help,actions")


def at(day: int, month: int = 3, hour: int = 18, minute: int = 0, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("friday", at(5)),  # this week's Friday, at the end of the working day
        ("Friday", at(5)),
        ("by friday", at(5)),
        ("next friday", at(12)),  # on a Wednesday: next week's, not the day after tomorrow
        ("next monday", at(8)),
        ("in 2 weeks", at(17)),
        ("05/03/2027", at(5)),  # day first: 5 March, not 3 May
        ("5/3", at(5)),
        ("end of month", at(31)),  # dateparser returns None for this one
        ("end of the month", at(31)),
        ("end of week", at(5)),
        ("end of next week", at(12)),
        ("tomorrow 5pm", at(4, hour=17)),
        ("1st april", at(1, 4)),
        ("next month", at(1, 4)),  # was 10:00: dateparser's relative dates cross the clock change
        ("the 10th", at(10)),
        ("5pm", at(3, hour=17)),
        ("12 mar 27", at(12)),  # dateparser alone says 2127
        ("2027-03-10", at(10)),  # what a date picker sends
        ("in 2 hours", at(3, hour=11)),
    ],
)
def test_due_dates_read_the_uk_way(typed: str, expected: datetime) -> None:
    assert parse_due(typed, NOW) == expected


def test_a_bare_date_means_the_end_of_that_working_day() -> None:
    assert parse_due("friday", NOW, end_of_day=time(17, 30)) == at(5, hour=17, minute=30)


@pytest.mark.parametrize(
    ("now", "typed", "expected"),
    [
        (at(5, hour=9), "friday", at(5)),  # said on a Friday morning: today
        (at(5, hour=19), "friday", at(12)),  # after work on Friday: next week's
        (at(5, hour=19), "end of week", at(12)),
        (at(31, hour=19), "end of month", at(30, 4)),
        (at(31, hour=19), "the 10th", at(10, 4)),
        (at(31, hour=19), "5pm", at(1, 4, hour=17)),  # dateparser alone says 1 March
    ],
)
def test_readings_that_depend_on_the_day(now: datetime, typed: str, expected: datetime) -> None:
    assert parse_due(typed, now) == expected


@pytest.mark.parametrize("typed", ["yesterday", "01/03/2027", "last tuesday", "today 8am"])
def test_a_past_date_is_refused_with_examples(typed: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse_due(typed, NOW)
    assert "has passed" in caught.value.message
    assert "next friday" in caught.value.message  # shows what works
    assert caught.value.field == "when"


@pytest.mark.parametrize("typed", ["blah", "31/02/2027", "someday soon"])
def test_an_unreadable_date_is_refused_with_examples(typed: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse_due(typed, NOW)
    assert "couldn't read" in caught.value.message
    assert "05/03/2027 is 5 March" in caught.value.message


def test_the_parsed_date_is_echoed_in_words(say) -> None:  # type: ignore[no-untyped-def]
    for typed, words in [
        ("friday", "Fri 5 Mar 2027, end of the working day"),
        ("next friday", "Fri 12 Mar 2027"),
        ("in 2 weeks", "Wed 17 Mar 2027"),
        ("05/03/2027", "Fri 5 Mar 2027"),
        ("end of month", "Wed 31 Mar 2027"),
        ("tomorrow 5pm", "Thu 4 Mar 2027 at 17:00 (tomorrow)"),
    ]:
        reply = say("okafor", f'ocg action smith pursue @nguyen "Check the accounts" by {typed}')
        assert not reply.error, reply.text
        assert words in (reply.text or ""), (typed, reply.text)
    hint = say("okafor", 'ocg action smith pursue @nguyen "Check it" by next friday')
    assert 'say "friday" for this week\'s' in (hint.text or "")
