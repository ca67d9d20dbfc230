"""What a partner sees of an action, wherever it is shown: never a nominal's or the OCG's name.

Also: partners hand actions on only within their agency; action numbers and pages that are
not numbers are answered politely. Demo force at Wed 3 Mar 2027 09:00 (ids as in
``test_actions.py``: 2 evans, 5 Council Housing, 12 Trading Standards on OCG-0001/0009).
"""

from __future__ import annotations

import pytest
from socbot_plugins.actions.models import Action
from sqlmodel import Session, select

from socbot.identify import Who
from socbot.render_text import render
from socbot.store.models import Person

NAMES = ("Danny", "DANNY", "Smith", "SMITH", "smith", "Lee")


@pytest.fixture
def named(say) -> int:  # type: ignore[no-untyped-def]
    """An action for evans whose description names the group's nominals, as officers write."""
    reply = say(
        "okafor",
        'ocg action smith protect @evans "Check DANNY SMITH shop and the smiths van, ask Lee" '
        "by friday",
    )
    assert not reply.error, reply.text
    return int(reply.title.split("#")[1].split()[0])


def assert_no_names(shown: str) -> None:
    for name in NAMES:
        assert name not in shown, (name, shown)
    assert "[name withheld]" in shown


def test_the_partner_status_view_withholds_names(say, named) -> None:  # type: ignore[no-untyped-def]
    shown = render(say("evans", "ocg status OCG-0001"))
    assert f"#{named} Check [name withheld] shop" in shown
    assert_no_names(shown)
    assert "Danny Smith" not in shown
    # the police still read it as written
    assert "DANNY SMITH" in render(say("okafor", f'ocg snooze {named} "in 2 weeks" "later"'))


@pytest.mark.parametrize(
    "line",
    [
        '"in 1 week" "waiting for the council"',
        '"checked the shop" disrupt=no',  # done
        '"no longer needed here"',  # cancel
    ],
    ids=["snooze", "done", "cancel"],
)
def test_replies_about_one_action_withhold_names_from_partners(say, named, line) -> None:  # type: ignore[no-untyped-def]
    verb = {"in": "snooze", "ch": "done", "no": "cancel"}[line[1:3]]
    reply = say("evans", f"ocg {verb} {named} {line}")
    assert not reply.error, reply.text
    assert_no_names(render(reply))


def test_take_and_reassign_replies_withhold_names(bot, say) -> None:  # type: ignore[no-untyped-def]
    reply = say(
        "okafor", 'ocg action smith protect "Trading Standards" "Visit lee smith at home" by friday'
    )
    ident = int(reply.title.split("#")[1].split()[0])
    took = say("evans", f"ocg take {ident}")
    assert not took.error, took.text
    assert "Visit [name withheld] at home" in render(took)
    back = say("evans", f'ocg reassign {ident} "Trading Standards"')
    assert not back.error, back.text
    shown = render(back).lower()
    assert "lee" not in shown and "smith" not in shown and "[name withheld]" in shown


def test_the_done_form_withholds_names(bot, named) -> None:  # type: ignore[no-untyped-def]
    reply = bot.open_form(
        Who("console", "evans"), "action.done", {"id": str(named)}, face="console"
    )
    assert not reply.error, reply.text
    assert_no_names(" ".join(f.label for f in reply.form.inputs))


def test_the_partner_status_view_counts_colleagues_actions_as_sees_action_does(
    bot,
    say,  # type: ignore[no-untyped-def]
) -> None:
    with Session(bot.engine) as s:  # an action given to "trading standards" in another case
        price = s.exec(select(Person).where(Person.handle == "price")).one()
        one = s.get(Action, 5)
        one.owner_id, one.owner_agency = price.id, None  # a colleague of evans holds it
        s.add(one)
        two = s.get(Action, 3)
        two.owner_id, two.owner_agency = None, "trading STANDARDS"
        s.add(two)
        s.commit()
    reply = say("evans", "ocg status OCG-0001")
    mine = next(s for s in reply.sections if s.title == "Your actions")
    assert sorted(i.text.split()[0] for i in mine.items) == ["#2", "#3", "#5"]


def test_names_are_withheld_in_any_case_with_first_names_and_plurals(say) -> None:  # type: ignore[no-untyped-def]
    line = "ask Danny and Lee about SMITH BROTHERS stock; the smiths van; Smith's yard"
    assert not say("okafor", f'ocg action smith protect @evans "{line}" by friday').error
    shown = render(say("evans", "ocg actions mine"))
    assert (
        "ask [name withheld] and [name withheld] about [name withheld] stock; [name withheld] "
        "van; [name withheld]'s yard" in shown
    )


def test_common_words_survive_in_lower_case(say) -> None:  # type: ignore[no-untyped-def]
    # Owen Black (OCG-0010) and the alias "Docks" (OCG-0009): everyday words in lower case
    line = "Check the black van by the docks for Owen Black"
    reply = say("brennan", f'ocg action blackwater protect @lowe "{line}" by friday')
    assert not reply.error, reply.text
    shown = render(say("lowe", "ocg actions mine"))
    assert "Check the black van by the docks for [name withheld]" in shown


def test_a_partner_reassigns_only_within_their_agency(bot, say) -> None:  # type: ignore[no-untyped-def]
    assert not say("ford", "ocg take 5").error
    for target in ("@evans", '"Trading Standards"'):
        reply = say("ford", f"ocg reassign 5 {target}")
        assert reply.error and "only within Council Housing" in reply.text
    with Session(bot.engine) as s:
        assert s.get(Action, 5).owner_agency is None  # still ford's
    assert not say("ford", 'ocg reassign 5 "Council Housing"').error
    assert not say("okafor", "ocg reassign 5 @evans").error  # police as before


def test_a_huge_action_number_is_said_back_as_typed(say) -> None:  # type: ignore[no-untyped-def]
    reply = say("okafor", 'ocg done 99999999999999999999 "x"')
    assert reply.error and "action 99999999999999999999 " in reply.text
    assert "2147483647" not in reply.text
    assert say("okafor", 'ocg done abc "x"').field == "id"


@pytest.mark.parametrize("page", ["page=99999999999999999999", "page=0", "page=x", "page two"])
def test_a_bad_page_is_refused_politely(say, page) -> None:  # type: ignore[no-untyped-def]
    reply = say("okafor", f"ocg actions smith {page}")
    assert reply.error and reply.field == "page", reply.text


def test_pages_of_actions(bot, say) -> None:  # type: ignore[no-untyped-def]
    for n in range(30):
        assert not say("okafor", f'ocg action smith pursue @nguyen "task {n}" by friday').error
    first, second = say("okafor", "ocg actions smith"), say("okafor", "ocg actions smith page 2")
    ids = [[i.text.split()[0] for s in r.sections for i in s.items] for r in (first, second)]
    assert len(ids[0]) == 25 and len(ids[1]) == 10 and not set(ids[0]) & set(ids[1])
    assert "page 1 of 2" in first.context and "page 2" in first.context
    assert say("okafor", "ocg actions smith page=3").error
