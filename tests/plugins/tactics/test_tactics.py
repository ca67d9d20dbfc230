"""The menu of tactics in chat: browsing, search, suggestions, profiles, local tactics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.tactics import menu_for
from socbot_plugins.tactics.catalogue import CATEGORIES, Tactic, load_catalogue
from socbot_plugins.tactics.models import ProfileFact
from socbot_plugins.tactics.suggest import Picture, rank
from sqlmodel import Session, select

from socbot import hookimpl
from socbot.identify import Who
from socbot.model import Reply
from socbot.registry import PluginError
from socbot.render_text import render
from socbot.store.models import AuditEvent, Ocg

BUILTIN = load_catalogue()


def ids(reply: Reply) -> list[str]:
    """Tactic ids in a reply's items (each item starts with the id in backticks)."""
    return [item.text.split("`")[1] for item in reply.items]


def why(reply: Reply, tactic_id: str) -> str:
    return next(i.detail or "" for i in reply.items if i.text.startswith(f"`{tactic_id}`"))


def facts_of(bot: Any, ref: str) -> list[ProfileFact]:
    with Session(bot.engine) as session:
        ocg = session.exec(select(Ocg).where(Ocg.ref == ref)).one()
        return list(session.exec(select(ProfileFact).where(ProfileFact.ocg_id == ocg.id)).all())


def entry(**overrides: Any) -> dict[str, Any]:
    base = {
        "id": "local-bike-marking",
        "category": "vehicles",
        "title": "Forensic marking of off-road bikes",
        "summary": "Mark bikes seized and returned so that stolen ones are proven later.",
        "power": "",
        "lead": "Police neighbourhood team",
        "ask": "Ask the council for places where off-road bikes are reported.",
        "pillar": "pursue",
        "phases": ["clear", "hold"],
        "keywords": ["bike", "off-road"],
        "source": "local force guidance, 2026",
    }
    return {**base, **overrides}


class LocalTactics:
    """A force plugin adding its own tactics through the hook."""

    def __init__(self, *items: Any) -> None:
        self.items = items

    @hookimpl
    def register_tactics(self, register: Any) -> None:
        for item in self.items:
            register(item)


# -- browsing and search --------------------------------------------------------------------


def test_tactics_lists_every_category_with_its_count(say):
    reply = say("okafor", "ocg tactics")
    assert not reply.error
    assert f"{len(BUILTIN)} tactics in {len(CATEGORIES)} categories" in (reply.title or "")
    for category, item in zip(CATEGORIES, reply.items, strict=True):
        count = sum(t.category == category for t in BUILTIN)
        assert f"`{category}`" in item.text
        assert item.detail == f"{count} tactics"


def test_a_category_lists_its_entries_and_words_narrow_it(say):
    whole = say("okafor", "ocg tactics vehicles")
    assert set(ids(whole)) == {t.id for t in BUILTIN if t.category == "vehicles"}
    narrowed = say("okafor", "ocg tactics vehicle plate")
    assert ids(narrowed) == ["veh-plate-spacing"]
    prevent = say("okafor", "ocg tactics prevent")
    assert {t.category for t in BUILTIN if t.id in ids(prevent)} == {
        "prevent-primary",
        "prevent-secondary",
        "prevent-tertiary",
    }


def test_unknown_category_lists_them_and_suggests_the_closest(say):
    reply = say("okafor", "ocg tactics vehicals")
    assert reply.error and reply.field == "category"
    assert "Did you mean `vehicles`?" in (reply.text or "")
    assert all(c in (reply.text or "") for c in CATEGORIES)


def test_one_tactic_in_full(say):
    reply = say("evans", "ocg tactic veh-plate-spacing")  # partners browse the menu too
    assert not reply.error
    labels = {f.label: f.value for f in reply.facts}
    assert labels["Pillar"] == "Pursue" and labels["Phases"] == "Clear"
    assert "Vehicle Excise and Registration Act 1994" in labels["Power"]
    assert labels["Lead"] == "Police; DVLA"
    assert "DVLA" in labels["Ask partners for"]
    assert labels["Source"].startswith("001_2dc6819ec62cb00e.txt")
    assert "personalised" in (reply.text or "").lower()
    assert "from tactic veh-plate-spacing" in (reply.context or "")


def test_unknown_tactic_id_names_the_closest(say):
    reply = say("okafor", "ocg tactic veh-plate")
    assert reply.error and reply.field == "tactic"
    assert "`veh-plate-spacing`" in (reply.text or "")
    assert say("okafor", "ocg tactic").error


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("fire doors", "bus-fire-safety"),
        ("number plate", "veh-plate-spacing"),
        ("loan", "crime-illegal-money-lending"),
    ],
)
def test_search_finds_the_obvious_entry_first(say, words, expected):
    assert ids(say("okafor", f"ocg tactics search {words}"))[0] == expected


def test_search_with_nothing_to_find(say):
    assert say("okafor", "ocg tactics search").error
    reply = say("okafor", "ocg tactics search xyzzy")
    assert not reply.error and not reply.items and "fewer" in (reply.text or "")


# -- suggestions ----------------------------------------------------------------------------


def test_suggestions_for_contrasting_ocgs_differ_for_stated_reasons(say):
    smith = say("okafor", "ocg tactics for smith")
    kite = say("okafor", "ocg tactics for red kite")
    assert not smith.error and not kite.error
    assert set(ids(smith)).isdisjoint(ids(kite))
    # Smith Brothers: Clear phase, a profile, every pillar but Prepare already open.
    assert "“private plate”" in why(smith, "veh-plate-spacing")
    assert "its profile has vehicles facts" in why(smith, "veh-plate-spacing")
    prepare = [i for i in smith.items if "· Prepare ·" in (i.detail or "")]
    assert prepare and "no open Prepare action" in (prepare[0].detail or "")
    assert all("suits the Clear phase" in (i.detail or "") for i in smith.items)
    # Red Kite: Build phase, empty profile and plan: Build-phase work in every open pillar.
    assert all("suits the Build phase" in (i.detail or "") for i in kite.items)
    assert not any("profile" in (i.detail or "") for i in kite.items)
    assert "profile is empty" in (kite.text or "")
    assert 'ocg profile OCG-0007 add business "' in (kite.text or "")


def test_a_pursue_only_plan_gets_the_other_ps_and_is_told_so(say):
    reply = say("brennan", "ocg tactics for kestrel")
    assert "Pursue-only" in (reply.text or "")
    pillars = {(i.detail or "").split(" · ")[1] for i in reply.items}
    assert {"Prevent", "Protect", "Prepare"} <= pillars
    assert "“cannabis”" in why(reply, "crime-electricity-abstraction")


def test_a_new_profile_fact_changes_the_ranking(say):
    assert "veh-plate-spacing" not in ids(say("okafor", "ocg tactics for red kite"))
    added = say("okafor", 'ocg profile red kite add vehicles "private plate on the boss\'s car"')
    assert not added.error
    after = say("okafor", "ocg tactics for red kite")
    assert "“private plate”" in why(after, "veh-plate-spacing")


def test_tactics_already_used_are_left_out(bot, say):
    before = ids(say("okafor", "ocg tactics for smith"))
    assert {"veh-plate-spacing", "bus-illegal-working"} <= set(before)
    with Session(bot.engine) as session:
        ocg = session.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()
        action = session.exec(select(Action).where(Action.ocg_id == ocg.id)).first()
        disruption = session.exec(select(Disruption).where(Disruption.ocg_id == ocg.id)).first()
        assert action and disruption
        action.tactic_id, disruption.tactic_id = "veh-plate-spacing", "bus-illegal-working"
        session.add_all([action, disruption])
        session.commit()
    reply = say("okafor", "ocg tactics for smith")
    assert not {"veh-plate-spacing", "bus-illegal-working"} & set(ids(reply))
    left_out = {f.label: f.value for f in reply.facts}["Left out (already used)"]
    assert left_out == "bus-illegal-working, veh-plate-spacing"


def test_each_suggestion_offers_a_one_step_action(say):
    reply = say("okafor", "ocg tactics for smith")
    for item, tactic_id in zip(reply.items, ids(reply), strict=True):
        [button] = item.buttons
        assert button.action == "form:action.add"
        assert button.payload["ocg"] == "OCG-0001" and button.payload["tactic"] == tactic_id
        assert button.payload["what"] == next(t.title for t in BUILTIN if t.id == tactic_id)
    assert "ocg action OCG-0001 from tactic <id>" in (reply.context or "")


def test_a_suggestion_becomes_an_action_in_one_step(bot, say):
    [first, *_] = say("okafor", "ocg tactics for red kite").items
    tactic_id = first.text.split("`")[1]
    added = say("okafor", f"ocg action OCG-0007 from tactic {tactic_id} @patel by friday")
    assert not added.error, added.text
    with Session(bot.engine) as session:
        action = session.exec(select(Action).where(Action.tactic_id == tactic_id)).one()
    assert action.description == next(t.title for t in BUILTIN if t.id == tactic_id)
    assert tactic_id not in ids(say("okafor", "ocg tactics for red kite"))
    [button] = first.buttons
    form = bot.press(Who("console", "okafor"), button.action, button.payload, face="console").form
    assert form is not None
    values = {i.name: i.value for i in form.inputs}
    assert values["ocg"] == "OCG-0007" and values["what"] == button.payload["what"]
    assert values["pillar"] == next(t.pillar for t in BUILTIN if t.id == tactic_id)


def test_partners_get_suggestions_without_the_intelligence_profile(say):
    reply = say("evans", "ocg tactics for OCG-0001")
    assert not reply.error and reply.items
    assert "Smith" not in (reply.title or "")
    assert not any("profile" in (i.detail or "") for i in reply.items)
    assert not any(i.buttons for i in reply.items)
    assert not reply.facts
    assert "Pursue action" not in " ".join(i.detail or "" for i in reply.items)


def test_suggestions_respect_need_to_know_and_need_an_ocg(say):
    assert say("brennan", "ocg tactics for OCG-0001").error
    assert say("okafor", "ocg tactics for").field == "ocg"


def test_rank_keeps_a_menu_and_gives_each_empty_pillar_a_place():
    pic = Picture("clear", {"business": ["car wash"]}, {"pursue": 3}, frozenset())
    ranked = rank(BUILTIN, pic, limit=8)
    assert len(ranked) == 8
    categories = [s.tactic.category for s in ranked]
    assert max(categories.count(c) for c in categories) <= 2
    assert {"prevent", "protect", "prepare"} <= {s.tactic.pillar for s in ranked}
    assert all(s.reasons for s in ranked)
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)


# -- profile --------------------------------------------------------------------------------


def test_profile_shows_facts_grouped_by_category(say):
    reply = say("okafor", "ocg profile smith")
    assert [s.title for s in reply.sections] == ["Business", "Vehicles", "Lifestyle"]
    assert reply.sections[0].items[1].text == "nail salon, Southsea"
    assert "Nothing yet on crime, travel, behaviour, enablers" in (reply.context or "")


def test_profile_add_writes_a_fact_and_audits_it(bot, say):
    reply = say("okafor", 'ocg profile OCG-0007 add travel "monthly flights to Tirana"')
    assert not reply.error and "travel" in (reply.title or "")
    [fact] = facts_of(bot, "OCG-0007")
    assert (fact.category, fact.fact) == ("travel", "monthly flights to Tirana")
    with Session(bot.engine) as session:
        event = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
    assert event and event.ocg_ref == "OCG-0007" and event.outcome == "ok"
    shown = say("okafor", "ocg profile red kite")
    assert shown.sections[0].title == "Travel"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('ocg profile smith add money "cash"', "category"),
        ("ocg profile smith add business", "fact"),
        ('ocg profile smith add business "' + "x" * 301 + '"', "fact"),
        ('ocg profile smith add business "nail salon, southsea"', "fact"),
        ("ocg profile smith add", "category"),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_written(bot, say, line, field):
    reply = say("okafor", line)
    assert reply.error and reply.field == field
    assert len(facts_of(bot, "OCG-0001")) == 4


def test_profile_permissions(bot, say):
    assert say("khan", 'ocg profile smith add crime "cannabis grows"').error is False
    assert say("patel", 'ocg profile smith add lifestyle "boxing gym"').error is False
    refused = say("evans", 'ocg profile OCG-0001 add business "nail bar"')
    assert refused.error and "isn't available to you" in (refused.text or "")
    hidden = say("evans", "ocg profile OCG-0001")
    assert hidden.error and "isn't available to you" in (hidden.text or "")
    assert "profile" not in [
        line.split()[0] for line in render(say("evans", "help")).split("`ocg ")[1:]
    ]
    assert "nail salon" not in (hidden.text or "")
    assert say("brennan", "ocg profile OCG-0001").error
    assert say("brennan", 'ocg profile OCG-0001 add crime "x"').error
    assert len(facts_of(bot, "OCG-0001")) == 6


# -- local tactics --------------------------------------------------------------------------


def write_toml(path: Path, **overrides: Any) -> Path:
    fields = entry(**overrides)
    lines = ["[[tactic]]"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key} = [{', '.join(repr(v).replace(chr(39), chr(34)) for v in value)}]")
        else:
            lines.append(f'{key} = "{value}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_plugin_adds_local_tactics(make_bot, engine, pm, tmp_path):
    toml = write_toml(tmp_path / "hampshire.toml", id="local-fly-tipping", category="behaviour")
    pm.register(LocalTactics([entry()], toml), name="hampshire")
    bot = make_bot(engine, demo=True)
    menu = menu_for(pm)
    assert len(menu) == len(BUILTIN) + 2 and menu_for(pm) is menu
    assert isinstance(menu.get("LOCAL-BIKE-MARKING"), Tactic)
    reply = bot.handle("ocg tactic local-bike-marking", Who("console", "okafor"), face="console")
    assert {f.label: f.value for f in reply.facts}["Local tactic"] == "plugin hampshire"
    listed = bot.handle("ocg tactics behaviour", Who("console", "okafor"), face="console")
    assert "local-fly-tipping" in ids(listed)


def test_local_tactics_files_from_settings(make_bot, engine, plugin_settings, tmp_path):
    plugin_settings["tactics"] = {"files": str(write_toml(tmp_path / "local.toml"))}
    bot = make_bot(engine, demo=True)
    reply = bot.handle(
        "ocg tactics search forensic marking", Who("console", "okafor"), face="console"
    )
    assert ids(reply)[0] == "local-bike-marking"


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (entry(pillar="pursuit"), "entry 'local-bike-marking': field 'pillar'"),
        (entry(id="veh-plate-spacing"), "entry 'veh-plate-spacing': field 'id' must be unique"),
        ({k: v for k, v in entry().items() if k != "ask"}, "field 'ask' is missing"),
    ],
)
def test_a_bad_local_tactic_stops_the_bot_at_start(make_bot, engine, pm, bad, expected):
    pm.register(LocalTactics([bad]), name="hampshire")
    with pytest.raises(PluginError) as raised:
        make_bot(engine)
    assert expected in str(raised.value)
    assert "plugin hampshire" in str(raised.value)


def test_a_bad_local_file_is_reported_with_its_name(make_bot, engine, pm, tmp_path):
    pm.register(LocalTactics(write_toml(tmp_path / "bad.toml", phases=["later"])), name="x")
    with pytest.raises(PluginError, match=r"bad\.toml: entry 'local-bike-marking': field 'phases'"):
        make_bot(engine)
