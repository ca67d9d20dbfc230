import pytest

from socbot.model import CommandError
from socbot.parser import parse


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
