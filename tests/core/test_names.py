"""The name detector that holds text before it reaches a partner (socbot.names), measured on a
labelled sample and on every demo and catalogue text. docs/security.md quotes these figures."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.tactics.models import ProfileFact
from sqlmodel import Session, select

from socbot.names import suspected_names
from socbot.store.models import Nominal, Person

SAMPLE = Path(__file__).parent / "data" / "names_sample.tsv"
CATALOGUE = Path(__file__).parents[2] / "plugins" / "tactics" / "tactics.toml"
AGENCIES = ["Trading Standards", "Council Housing", "HMRC", "Fire", "Police"]


def _sample() -> list[tuple[str, list[str], str]]:
    lines = [line for line in SAMPLE.read_text().splitlines() if not line.startswith("#")]
    rows = [line.split("\t") for line in lines[1:]]
    return [(text, [n for n in names.split("; ") if n], kind) for text, names, kind in rows]


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def rates(kind: str) -> tuple[int, int, int, int]:
    """(missed, texts with names, false alarms, texts without) on one part of the sample."""
    rows = [(t, n) for t, n, k in _sample() if k == kind]
    named = [t for t, n in rows if n]
    plain = [t for t, n in rows if not n]
    missed = sum(1 for t in named if not suspected_names(t, AGENCIES))
    alarms = sum(1 for t in plain if suspected_names(t, AGENCIES))
    return missed, len(named), alarms, len(plain)


def test_the_sample_is_big_enough_and_labelled_both_ways() -> None:
    sample = _sample()
    assert len(sample) >= 140
    assert {k for _, _, k in sample} == {"tuning", "held-out"}
    assert sum(1 for _, n, _ in sample if n) >= 60 and sum(1 for _, n, _ in sample if not n) >= 80


@pytest.mark.parametrize(
    ("kind", "most_missed", "most_alarms"), [("tuning", 0, 0), ("held-out", 1, 0)]
)
def test_measured_error_rates(kind: str, most_missed: int, most_alarms: int) -> None:
    missed, named, alarms, plain = rates(kind)
    assert missed <= most_missed, f"{kind}: missed {missed} of {named}"
    assert alarms <= most_alarms, f"{kind}: {alarms} false alarms in {plain}"


def test_the_names_found_are_the_names_written() -> None:
    for text, names, _ in _sample():
        found = {n.removesuffix("'s") for n in suspected_names(text, AGENCIES)}
        assert found <= {n.removesuffix("'s") for n in names}, text


@pytest.mark.parametrize(
    "text",
    [
        "Trading Standards test purchase on Fratton Road",
        "Council Housing to check the tenancy at Victoria Park",
        "Will check the HMRC returns on Monday",
        "The Grange hub opened a drop-in",
        "Operation Talon briefing",
    ],
)
def test_places_agencies_and_everyday_words_pass(text: str) -> None:
    assert suspected_names(text, AGENCIES) == []


def test_no_catalogue_text_is_held() -> None:
    texts = _strings(tomllib.loads(CATALOGUE.read_text()))
    assert len(texts) > 1000
    assert [t for t in texts if suspected_names(t, AGENCIES)] == []


def test_demo_texts_are_held_only_for_the_nominals_they_name(bot) -> None:
    with Session(bot.engine) as s:
        nominals = {n.lower() for n in s.exec(select(Nominal.name)).all()}
        known = [*s.exec(select(Person.name)).all(), *AGENCIES]
        texts = [
            *s.exec(select(Action.description)).all(),
            *s.exec(select(Disruption.description)).all(),
            *s.exec(select(ProfileFact.fact)).all(),
        ]
    assert len(texts) > 20
    for text in texts:
        for name in suspected_names(text, known):
            assert name.lower().removesuffix("'s") in nominals, (text, name)
