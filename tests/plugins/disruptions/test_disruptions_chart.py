"""``ocg chart``: a PNG a person can read, stacked by grade, with score changes marked."""

from datetime import date

import pytest
from socbot_plugins.disruptions import chart
from socbot_plugins.ocg.models import Review
from sqlmodel import Session, select

from socbot.identify import Who
from socbot.plugins import get_plugin_manager
from socbot.store.models import Ocg, Person

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def pm():
    # actions too: partners reach OCGs through the actions they hold (its ocg_reach hook)
    return get_plugin_manager(load_entrypoints=False, allow="help,actions,disruptions")


def add_review(bot, **change):
    with Session(bot.engine) as s:
        smith = s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()
        okafor = s.exec(select(Person).where(Person.handle == "okafor")).one()
        review = Review(
            ocg_id=smith.id,
            reviewed_on=date(2026, 11, 14),
            by_id=okafor.id,
            recorded_at=bot.clock.utcnow(),
            next_due=date(2026, 12, 14),
            **change,
        )
        s.add(review)
        s.commit()


def test_the_chart_is_a_real_png_saved_under_the_data_dir(say, settings):
    reply = say("okafor", "chart smith")
    assert not reply.error, reply.text
    [path] = reply.images
    assert path.parent == settings.data_dir / "charts"
    data = path.read_bytes()
    assert data.startswith(PNG)
    assert len(data) > 15_000  # bars, labels and a legend, not an empty canvas
    assert {f.label: f.value for f in reply.facts} == {"Major": "1", "Moderate": "1", "Minor": "1"}
    assert "Includes 1 awaiting moderation" in reply.text


def test_counts_fall_in_their_months_and_band_changes_are_marked(bot, say, monkeypatch):
    add_review(bot, band_before="2A", band_after="1A", morile_before=72, morile_after=88)
    add_review(bot, notes="no change", band_before="1A", band_after="1A")
    with Session(bot.engine) as s:
        smith = s.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).one()
    seen = {}

    def keep(series, path):
        seen["series"] = series
        return path

    monkeypatch.setattr(chart, "draw", keep)
    reply = say("okafor", "chart smith months=6")
    series = seen["series"]
    assert not reply.error
    assert [m.strftime("%b") for m in series.months] == ["Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
    assert series.counts == {
        "major": [0, 0, 0, 0, 1, 0],
        "moderate": [0, 0, 0, 1, 0, 0],
        "minor": [0, 0, 0, 0, 1, 0],
    }
    [(where, label)] = series.markers
    assert 0.5 < where < 1.5  # 14 November: inside the November bar's slot (index 1)
    assert label == "14 Nov 2026: band 2A→1A, MoRiLE 72→88"
    assert series.partial
    assert smith.band in series.title


def test_a_chart_with_markers_is_drawn(bot, say):
    add_review(bot, morile_before=80, morile_after=88)
    path = say("okafor", "chart OCG-0001 months=24").images[0]
    assert path.read_bytes().startswith(PNG)


def test_partners_get_the_safe_name_and_no_scores(bot, say, monkeypatch):
    add_review(bot, band_before="2A", band_after="1A")
    seen = {}
    monkeypatch.setattr(chart, "draw", lambda series, path: seen.setdefault("s", series) and path)
    reply = say("evans", "chart OCG-0001")
    assert reply.sanitised
    assert seen["s"].markers == []
    assert "Smith" not in seen["s"].title and "band" not in seen["s"].title
    assert "Group A (Fratton)" in seen["s"].title


def test_an_area_chart_covers_the_ocgs_there(say):
    reply = say("hart", "chart area portsmouth")
    assert not reply.error, reply.text
    assert reply.title == "Portsmouth: disruptions per month (5 OCGs)"
    assert {f.label: f.value for f in reply.facts} == {"Major": "3", "Moderate": "3", "Minor": "3"}
    assert reply.images[0].read_bytes().startswith(PNG)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("chart", "ocg"),
        ("chart smith months=0", "months"),
        ("chart smith months=61", "months"),
        ("chart smith months=six", "months"),
        ("chart smith colour=red", "colour"),
        ("chart area Atlantis", "area"),
        ("chart nosuchgroup", "ocg"),
    ],
)
def test_bad_chart_requests_are_explained(say, text, field):
    reply = say("okafor", text)
    assert reply.error and reply.field == field, reply.text
    assert not reply.images


def test_unknown_area_lists_the_known_ones(say):
    assert "Portsmouth, Southampton" in say("hart", "chart area Atlantis").text


def test_chart_on_every_database(make_bot, any_engine):
    bot = make_bot(any_engine, demo=True)
    reply = bot.handle("chart smith", Who("console", "okafor"), face="console")
    assert reply.images[0].read_bytes().startswith(PNG)


def test_a_partner_learns_no_area_from_the_chart(say):
    # the partner view shows no areas: every area name gets the same answer, naming none
    replies = [
        say("evans", f"chart area {name}") for name in ("Nowhere", "Portsmouth", "Southampton")
    ]
    assert all(r.error and r.field == "area" for r in replies)
    assert len({r.text for r in replies}) == 1
    assert "Portsmouth" not in replies[0].text and "Southampton" not in replies[0].text


def test_an_unknown_area_lists_only_the_areas_an_officer_can_see(say):
    reply = say("brennan", "chart area Nowhere")
    assert reply.error and reply.field == "area" and "see:" in reply.text
