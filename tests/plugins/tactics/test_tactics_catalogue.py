"""Tests for the menu of tactics catalogue (issue 6, phase 1)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from socbot_plugins.tactics.search import search

REPO_ROOT = Path(__file__).resolve().parents[3]
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
MIN_PER_CATEGORY = 4
MIN_TOTAL = 60
SEED_NAME_RE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")


def _import_catalogue() -> Any:
    """Import the module whether or not the package is installed (editable or not)."""
    try:
        from socbot_plugins.tactics import catalogue as tactics_catalogue
    except ImportError:
        path = REPO_ROOT / "plugins" / "tactics_catalogue.py"
        spec = importlib.util.spec_from_file_location("_tactics_catalogue_under_test", path)
        assert spec is not None and spec.loader is not None
        tactics_catalogue = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = tactics_catalogue  # dataclasses look the module up by name
        spec.loader.exec_module(tactics_catalogue)
    return tactics_catalogue


tc = _import_catalogue()


def _entry(**overrides: Any) -> dict[str, Any]:
    """A valid entry; tests change or drop one field at a time."""
    entry: dict[str, Any] = {
        "id": "local-test-tactic",
        "category": "vehicles",
        "title": "Local test tactic",
        "summary": "A made-up tactic used by the tests.",
        "power": "",
        "lead": "Police",
        "ask": "Ask nobody for anything.",
        "pillar": "pursue",
        "phases": ["clear"],
        "keywords": ["testing"],
        "source": "001_2dc6819ec62cb00e.txt, Requesting information from partners: Vehicles",
    }
    entry.update(overrides)
    return {k: v for k, v in entry.items() if v is not None}


def _write_toml(path: Path, entries: list[dict[str, Any]]) -> Path:
    """Write entries as [[tactic]] tables (JSON strings and arrays are valid TOML values)."""
    blocks = []
    for entry in entries:
        lines = ["[[tactic]]"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in entry.items()]
        blocks.append("\n".join(lines))
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def catalogue() -> list[Any]:
    return tc.load_catalogue()


def _top_ids(tactics: list[Any], query: str, n: int) -> list[str]:
    return [t.id for t, _ in search(tactics, query, limit=n)]


# --- the built-in catalogue ----------------------------------------------------------------


def test_constants_are_consistent() -> None:
    assert len(tc.CATEGORIES) == 12
    assert set(tc.CATEGORY_LABELS) == set(tc.CATEGORIES)
    assert tc.PILLARS == ("pursue", "prevent", "protect", "prepare")
    assert tc.PHASES == ("clear", "hold", "build")


def test_builtin_catalogue_validates_and_covers_every_category(catalogue: list[Any]) -> None:
    assert len(catalogue) >= MIN_TOTAL
    counts = Counter(t.category for t in catalogue)
    thin = {c: counts[c] for c in tc.CATEGORIES if counts[c] < MIN_PER_CATEGORY}
    assert not thin, f"categories with fewer than {MIN_PER_CATEGORY} tactics: {thin}"
    assert len({t.id for t in catalogue}) == len(catalogue)
    assert {t.origin for t in catalogue} == {"tactics.toml"}


def test_builtin_entries_are_complete(catalogue: list[Any]) -> None:
    for t in catalogue:
        for field in ("title", "summary", "lead", "ask", "source"):
            assert getattr(t, field).strip(), (t.id, field)
        assert t.keywords and t.phases, t.id
        assert set(t.phases) <= set(tc.PHASES), t.id
        assert t.pillar in tc.PILLARS, t.id
        if t.category.startswith("prevent-"):
            assert t.pillar == "prevent", t.id
        if t.category in ("protect", "prepare"):
            assert t.pillar == t.category, t.id
        sentences = re.findall(r"[.!?](?:\s|$)", t.summary)
        assert 1 <= len(sentences) <= 3, f"{t.id}: summary should be 1-3 sentences"


def test_every_source_names_a_seed_document(catalogue: list[Any]) -> None:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"reference documents not available at {SEEDS_DIR}")
    for t in catalogue:
        names = SEED_NAME_RE.findall(t.source)
        assert names, f"{t.id}: source {t.source!r} names no seed document"
        for name in names:
            assert (SEEDS_DIR / name).is_file(), f"{t.id}: {name} not found in {SEEDS_DIR}"


def test_text_is_in_our_own_words(catalogue: list[Any]) -> None:
    """No summary, ask or title may repeat six or more consecutive words of a seed document."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"reference documents not available at {SEEDS_DIR}")
    n = 6

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))

    seed_grams: set[tuple[str, ...]] = set()
    for doc in SEEDS_DIR.glob("*.txt"):
        w = words(doc.read_text(encoding="utf-8", errors="replace"))
        seed_grams.update(tuple(w[i : i + n]) for i in range(len(w) - n + 1))
    copied = []
    for t in catalogue:
        for field in ("title", "summary", "ask"):
            w = words(getattr(t, field))
            copied += [
                f"{t.id}.{field}: {' '.join(w[i : i + n])}"
                for i in range(len(w) - n + 1)
                if tuple(w[i : i + n]) in seed_grams
            ]
    assert not copied, "phrases copied from the guidance:\n" + "\n".join(copied)


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected", "within"),
    [
        ("fire doors", {"bus-fire-safety", "bus-hmo-licensing"}, 1),
        ("number plate", {"veh-plate-spacing"}, 1),
        ("loan", {"crime-illegal-money-lending"}, 3),
        ("loans", {"crime-illegal-money-lending"}, 3),
        ("construction and use", {"veh-construction-use-defects"}, 1),
        ("driving licence photo", {"veh-licence-photo-address"}, 1),
        ("health and safety", {"bus-health-safety"}, 1),
        ("illegal working", {"bus-illegal-working"}, 1),
        ("HMO", {"bus-hmo-licensing"}, 1),
        ("environmental permit", {"bus-environmental-permits"}, 1),
        ("business names", {"bus-business-names"}, 1),
        ("cash seizure", {"crime-cash-seizure"}, 1),
        ("confiscation", {"crime-confiscation-enforcement"}, 1),
        ("electoral registration", {"life-electoral-registration"}, 1),
        ("travel restriction order", {"trv-travel-restriction-order"}, 1),
        ("byelaws", {"beh-byelaw-breach"}, 1),
        ("ancillary order breach", {"beh-ancillary-order-breach"}, 1),
        ("community protection notice", {"beh-community-protection-notice"}, 1),
        ("licence review", {"enb-premises-licence-review"}, 1),
        ("license review", {"enb-premises-licence-review"}, 1),
        ("cuckooing", {"pr-cuckooing-victims", "beh-closure-order"}, 2),
    ],
)
def test_search_finds_the_obvious_entry(
    catalogue: list[Any], query: str, expected: set[str], within: int
) -> None:
    top = _top_ids(catalogue, query, within)
    assert expected & set(top), f"{query!r}: expected one of {expected} in top {within}, got {top}"


def test_search_is_ranked_limited_and_deterministic(catalogue: list[Any]) -> None:
    first = search(catalogue, "loan shark", limit=5)
    assert len(first) <= 5
    assert first == search(list(reversed(catalogue)), "loan shark", limit=5)
    scores = [s for _, s in first]
    assert scores == sorted(scores, reverse=True)
    assert search(catalogue, "", limit=5) == []
    assert search(catalogue, "zzzz qqqq", limit=5) == []
    assert search(catalogue, "loan", limit=0) == []


def test_search_weights_title_and_phrases() -> None:
    tactics = tc.load_entries(
        [
            _entry(id="b-summary", title="Something else", summary="Check the gates here."),
            _entry(id="a-title", title="Gates", summary="Nothing relevant."),
            _entry(id="c-scattered", title="Fire checks", summary="Look at all doors."),
            _entry(id="d-phrase", title="Fire doors", summary="Nothing relevant."),
            _entry(id="e-tie", title="Gates", summary="Nothing relevant."),
        ],
        "unit",
    )
    assert _top_ids(tactics, "gate", 3) == ["a-title", "e-tie", "b-summary"]  # tie -> by id
    assert _top_ids(tactics, "fire doors", 2) == ["d-phrase", "c-scattered"]


# --- validation -----------------------------------------------------------------------------


def test_bad_entries_are_all_reported_with_id_and_field(tmp_path: Path) -> None:
    bad = _write_toml(
        tmp_path / "bad.toml",
        [
            _entry(id="veh-x", pillar="pursuit"),
            _entry(id="veh-no-lead", lead=None),
            _entry(id="veh-phase", phases=["clear", "later"]),
            _entry(id="veh-extra", colour="red"),
            _entry(id="veh-dup"),
            _entry(id="veh-dup"),
        ],
    )
    with pytest.raises(tc.CatalogueError) as info:
        tc.load_catalogue(bad, builtin=False)
    problems = info.value.problems
    assert len(problems) == 5, problems
    assert (
        "bad.toml: entry 'veh-x': field 'pillar' must be one of pursue, prevent, protect, prepare"
        " (got 'pursuit')"
    ) in problems
    expected = {
        "'veh-no-lead': field 'lead' is missing",
        "'veh-phase': field 'phases' must only contain clear, hold, build (got 'later')",
        "'veh-extra': field 'colour' is not allowed",
        "'veh-dup': field 'id' must be unique",
    }
    for fragment in expected:
        assert any(fragment in p for p in problems), (fragment, problems)
    assert all(p.startswith("bad.toml: entry ") for p in problems)
    assert "5 problems" in str(info.value)


def test_entry_without_id_is_named_by_index(tmp_path: Path) -> None:
    bad = _write_toml(tmp_path / "noid.toml", [_entry(), _entry(id=None, title="No id")])
    with pytest.raises(tc.CatalogueError) as info:
        tc.load_catalogue(bad, builtin=False)
    assert info.value.problems == ["noid.toml: entry #2: field 'id' is missing"]
    assert str(info.value) == "noid.toml: entry #2: field 'id' is missing"


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"id": "Veh X"}, "entry 'Veh X': field 'id' must be a slug"),
        ({"category": "cars"}, "field 'category' must be one of business, crime"),
        ({"category": "prevent-primary"}, "field 'pillar' must be 'prevent'"),
        ({"title": "   "}, "field 'title' must not be empty"),
        ({"keywords": "plates"}, "field 'keywords' must be a list of strings"),
        ({"phases": []}, "field 'phases' must be a non-empty list"),
        ({"phases": ["hold", "hold"]}, "field 'phases' must not repeat"),
        ({"summary": 3}, "field 'summary' must be a string (got int)"),
        ({"origin": "x"}, "field 'origin' is not allowed"),
    ],
)
def test_load_entries_validates_like_a_file(overrides: dict[str, Any], fragment: str) -> None:
    with pytest.raises(tc.CatalogueError) as info:
        tc.load_entries([_entry(**overrides)], "plugin:test")
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith("plugin:test: entry ")
    assert fragment in info.value.problems[0]


def test_power_may_be_empty_and_phases_are_normalised() -> None:
    (tactic,) = tc.load_entries([_entry(power="", phases=["build", "clear"])], "plugin:test")
    assert tactic.power == ""
    assert tactic.phases == ("clear", "build")
    assert tactic.keywords == ("testing",)
    assert tactic.origin == "plugin:test"
    assert tactic.category_label == "Vehicles"


def test_load_entries_refuses_ids_already_loaded(catalogue: list[Any]) -> None:
    with pytest.raises(tc.CatalogueError) as info:
        tc.load_entries([_entry(id="veh-plate-spacing")], "plugin:test", existing=catalogue)
    assert "already defined in tactics.toml" in info.value.problems[0]


def test_unreadable_files_are_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[[tactic]]\nid = \n", encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('title = "no tables"\n', encoding="utf-8")
    with pytest.raises(tc.CatalogueError) as info:
        tc.load_catalogue(broken, other, tmp_path / "missing.toml", builtin=False)
    problems = info.value.problems
    assert any(p.startswith("broken.toml: not valid TOML") for p in problems)
    assert "other.toml: top-level key 'title' is not allowed (only [[tactic]] tables)" in problems
    assert "other.toml: has no [[tactic]] entries" in problems
    assert any(p.startswith("missing.toml: file not found") for p in problems)


# --- a force's local tactics ----------------------------------------------------------------


def test_local_file_adds_entries(tmp_path: Path, catalogue: list[Any]) -> None:
    local = _write_toml(
        tmp_path / "local_tactics.toml",
        [
            _entry(
                id="local-quad-bikes",
                title="Quad bike patrols on the moor",
                keywords=["quad bike", "moor", "rural"],
            ),
        ],
    )
    merged = tc.load_catalogue(local)
    assert len(merged) == len(catalogue) + 1
    added = [t for t in merged if t.origin == "local_tactics.toml"]
    assert [t.id for t in added] == ["local-quad-bikes"]
    assert _top_ids(merged, "quad bikes", 1) == ["local-quad-bikes"]
    assert len(tc.load_catalogue(tc.BUILTIN_PATH)) == len(catalogue)  # never loaded twice


def test_local_file_cannot_redefine_a_builtin_id(tmp_path: Path) -> None:
    local = _write_toml(tmp_path / "local.toml", [_entry(id="crime-cash-seizure")])
    with pytest.raises(tc.CatalogueError) as info:
        tc.load_catalogue(local)
    assert info.value.problems == [
        "local.toml: entry 'crime-cash-seizure': field 'id' must be unique"
        " (already defined in tactics.toml)"
    ]
