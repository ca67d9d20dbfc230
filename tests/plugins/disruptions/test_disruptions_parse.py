"""Reading outcomes as people type them: money, counts, grades, pillars, descriptions."""

import pytest
from socbot_plugins.disruptions import parse

from socbot.model import CommandError


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("£12,500", 1_250_000),
        ("12500", 1_250_000),
        ("£12,500.50", 1_250_050),
        ("12,500.5", 1_250_050),
        ("£1,234,567", 123_456_700),
        ("£12.5k", 1_250_000),
        ("2k", 200_000),
        ("£1.2m", 120_000_000),
        ("GBP 300", 30_000),
        ("£0", 0),
        (" £ 40 ", 4_000),
    ],
)
def test_money_accepts_pounds_as_people_write_them(typed, pence):
    assert parse.money(typed, "cash") == pence


@pytest.mark.parametrize(
    "typed", ["12,50", "1,2345", "12.345", "-500", "£-5", "£", "", "lots", "$100", "€5", "5 quid"]
)
def test_malformed_money_is_refused_with_examples(typed):
    with pytest.raises(CommandError) as err:
        parse.money(typed, "assets")
    assert err.value.field == "assets"
    assert "£12,500" in err.value.message


def test_absurd_money_is_caught_as_a_typo():
    with pytest.raises(CommandError, match="over £10bn"):
        parse.money("£20bn", "cash")


@pytest.mark.parametrize(("typed", "n"), [("0", 0), ("2", 2), (" 12 ", 12), ("1,000", 1000)])
def test_counts_are_whole_numbers(typed, n):
    assert parse.count(typed, "arrests") == n


@pytest.mark.parametrize("typed", ["-1", "two", "1.5", "", "²", "3 people", "100000"])
def test_bad_counts_are_refused(typed):
    with pytest.raises(CommandError) as err:
        parse.count(typed, "arrests")
    assert err.value.field == "arrests"


def test_grade_and_pillar_take_exact_words_and_unique_prefixes():
    assert parse.grade("MAJOR") == "major"
    assert parse.grade("mod") == "moderate"
    assert parse.pillar("pur") == "pursue"


@pytest.mark.parametrize(
    ("typed", "suggested", "field"),
    [("majr", "'major'", "grade"), ("severe", None, "grade"), ("persue", "'pursue'", "pillar")],
)
def test_unknown_grade_or_pillar_suggests_the_closest(typed, suggested, field):
    read = parse.grade if field == "grade" else parse.pillar
    with pytest.raises(CommandError) as err:
        read(typed)
    assert err.value.field == field
    if suggested:
        assert f"Did you mean {suggested}" in err.value.message
    else:
        assert "Did you mean" not in err.value.message
    assert "Use one of:" in err.value.message


def test_an_ambiguous_prefix_names_both_candidates():
    with pytest.raises(CommandError) as err:
        parse.pillar("pre")
    assert "'prevent'" in err.value.message and "'prepare'" in err.value.message


def test_intelligence_is_not_a_disruption_pillar():
    with pytest.raises(CommandError, match="not a pillar"):
        parse.pillar("intel")


def test_description_must_say_what_happened():
    assert parse.description("  Van   seized for no insurance ") == "Van seized for no insurance"
    for short in ("Raid", "arrest made", "x y z"):
        with pytest.raises(CommandError) as err:
            parse.description(short)
        assert err.value.field == "what"
    with pytest.raises(CommandError, match="under 2,000"):
        parse.description("word " * 500)


def test_unknown_option_is_refused_with_the_closest_name():
    with pytest.raises(CommandError) as err:
        parse.check_options({"arest": "2"}, parse.RECORD_OPTIONS)
    assert "Did you mean `arrests=`?" in err.value.message
    assert err.value.field == "arest"


def test_outcomes_become_model_fields():
    found = parse.outcomes(
        {
            "arrests": "2",
            "cash": "£12,500",
            "assets": "1.2m",
            "drugs": " 2.5kg  cocaine ",
            "orders": "",
        }
    )
    assert found == {
        "arrests": 2,
        "cash_pence": 1_250_000,
        "assets_pence": 120_000_000,
        "drugs": "2.5kg cocaine",
    }


def test_summary_reads_like_a_sentence():
    text = parse.summary({"arrests": 1, "warrants": 2, "cash_pence": 1_250_050, "drugs": "1kg"})
    assert text == "1 arrest, 2 warrants, £12,500.50 cash, drugs: 1kg"
    assert parse.summary({}) == ""
