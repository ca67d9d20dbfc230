"""UK date reading at the edges: clock changes, month-first dates, absurd years."""

from datetime import date, datetime, timedelta

import pytest

from socbot.clock import Clock, say_date
from socbot.dates import parse_due, parse_past
from socbot.model import CommandError

BEFORE_SPRING = Clock.parse("2027-03-27T12:00").now()  # clocks go forward 28 Mar 2027 01:00
BEFORE_AUTUMN = Clock.parse("2027-10-29T09:00").now()  # clocks go back 31 Oct 2027 02:00


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        (BEFORE_SPRING, "tomorrow 5pm", "2027-03-28 17:00"),
        (BEFORE_SPRING, "in 3 days 5pm", "2027-03-30 17:00"),
        (BEFORE_AUTUMN, "in 3 days 5pm", "2027-11-01 17:00"),
        (BEFORE_AUTUMN, "05/11/2027", "2027-11-05 18:00"),
    ],
)
def test_times_are_london_wall_clock_across_clock_changes(now, text, expected):
    assert f"{parse_due(text, now):%Y-%m-%d %H:%M}" == expected


def test_a_time_that_does_not_exist_is_refused():
    with pytest.raises(CommandError, match="clocks go forward"):
        parse_due("28/03/2027 01:30", BEFORE_SPRING)


@pytest.mark.parametrize("text", ["12/13/2027", "31/02/2027 9am", "00/05/2027"])
def test_month_first_or_impossible_dates_are_refused(text):
    with pytest.raises(CommandError) as error:
        parse_due(text, BEFORE_SPRING)
    assert error.value.field == "when"


def test_past_dates_must_be_plausible_and_not_shifted():
    assert str(parse_past("05/03/2027", BEFORE_AUTUMN)) == "2027-03-05"
    with pytest.raises(CommandError, match="too long ago") as error:
        parse_past("01/01/1000", BEFORE_AUTUMN)
    assert error.value.field == "date"


def test_dates_are_said_in_english_day_month_year() -> None:
    start = date(2027, 1, 1)
    said = [say_date(start + timedelta(days=n)) for n in range(0, 365, 29)]
    assert said[:4] == ["Fri 1 Jan 2027", "Sat 30 Jan 2027", "Sun 28 Feb 2027", "Mon 29 Mar 2027"]
    assert said[-3:] == ["Mon 18 Oct 2027", "Tue 16 Nov 2027", "Wed 15 Dec 2027"]
    assert say_date(datetime(2027, 3, 5, 23, 30)) == "Fri 5 Mar 2027"


def test_a_written_date_reads_as_dateparser_reads_it() -> None:
    """``dd/mm/yyyy`` is read without dateparser (the usual form, ~50x faster): every day of
    six years, and impossible days, read exactly as dateparser reads them."""
    import dateparser

    from socbot import dates

    now = datetime(2027, 3, 3, 9).astimezone(dates.LONDON)
    day, texts = date(2026, 1, 1), ["31/02/2027", "29/02/2027", "31.04.2028", "30/02/2028"]
    while day < date(2032, 1, 1):
        texts += [f"{day:%d/%m/%Y}", f"{day.day}.{day.month}.{day.year}"]
        day += timedelta(days=1)
    for text in texts:
        old = dateparser.parse(text, languages=["en"], settings=dates._settings(now, "future"))
        assert dates._parse(text, now, "future") == (old and old.replace(tzinfo=dates.LONDON))
