import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socbot.model import CommandError
from socbot.parser import parse, split


def test_quoted_description_stays_one_argument():
    cmd = parse('ocg action smith pursue @nguyen "visit the car wash" by friday')
    assert cmd.verb == "action"
    assert cmd.args == ("smith", "pursue", "@nguyen", "visit the car wash", "by", "friday")
    assert cmd.mentions == ("nguyen",)


def test_slash_prefix_options_refs_and_share():
    cmd = parse(
        '/ocg disrupt #OCG-0042 major pursue "two arrested" cash=£12,500 drugs="2kg x" share'
    )
    assert cmd.verb == "disrupt"
    assert cmd.refs == ("OCG-0042",)
    assert cmd.options == {"cash": "£12,500", "drugs": "2kg x"}
    assert cmd.share is True
    assert "share" not in cmd.args


def test_curly_quotes_from_phones_are_folded():
    cmd = parse("ocg done 12 “closed the account”")
    assert cmd.args == ("12", "closed the account")


def test_apostrophes_inside_words_are_not_quotes():
    assert parse("ocg status O'Brien").args == ("O'Brien",)


def test_slack_mentions_become_platform_handles():
    cmd = parse("ocg reassign 4 <@U0123ABC|jo>")
    assert cmd.mentions == ("slack:U0123ABC",)


def test_slack_broadcasts_are_defused():
    cmd = parse("ocg status <!channel>")
    assert cmd.args == ("channel",)


def test_unbalanced_quote_explains_itself():
    with pytest.raises(CommandError, match="quote mark"):
        parse('ocg done 3 "never closed')


def test_empty_text_asks_for_help():
    assert parse("").verb == "help"
    assert parse("/ocg").verb == "help"


def _shlex_words(text: str) -> list[str] | None:
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split, lexer.quotes, lexer.commenters = True, '"', ""
    try:
        return list(lexer)
    except ValueError:
        return None


@given(
    st.text(alphabet=st.sampled_from(list("ab' \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\"\\é")), max_size=12)
)
def test_plain_text_splits_into_the_words_shlex_reads(text: str) -> None:
    """Text without quotes is split the quick way: always into shlex's words."""
    try:
        words: list[str] | None = split(text)
    except CommandError:
        words = None
    assert words == _shlex_words(text)
