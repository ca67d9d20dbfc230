"""The papers, as a chair would read them, on the demo force: an OCG on a page (police and
partner), the tasking meeting pack and the SOC board report, each a marked PDF."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pypdf import PdfReader
from socbot_plugins.nominals.models import NominalAlias
from sqlmodel import Session, select

from socbot import Nominal, Ocg, cli
from socbot.render_text import render as render_text

NOW = "2027-03-03T09:00"


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, whitespace folded (pypdf: no system package needed)."""
    pages = [page.extract_text(extraction_mode="layout") or "" for page in PdfReader(path).pages]
    return [" ".join(p.split()) for p in pages if p.strip()]


@pytest.fixture
def run_cli(bot, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOCBOT_DATABASE_URL", str(bot.engine.url))
    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_NOW", NOW)

    def run(*argv: str) -> tuple[int, str]:
        status = cli.main(list(argv))
        return status, capsys.readouterr().err

    return run


def marked(pages: list[str], marking: str) -> bool:
    """The marking opens and closes every page (and no stricter one appears on a partner's)."""
    return all(p.startswith(marking + " ") and p.endswith(" " + marking) for p in pages)


def test_the_police_page_holds_what_the_meeting_needs(run_cli, tmp_path):
    out = tmp_path / "page.pdf"
    status, err = run_cli("export", "page", "smith", "--out", str(out))
    assert status == 0 and "OFFICIAL-SENSITIVE" in err
    pages = pdf_pages(out)
    assert len(pages) == 1 and marked(pages, "OFFICIAL-SENSITIVE")
    page = pages[0]
    for seen in (
        "OCG-0001 Smith Brothers",
        "1A / 1: comprehensive investigation",
        "DI Grace Okafor",
        "12 days overdue",
        "pillar with no objective: prepare",
        "4P progress",
        "Warrant at the Fratton Road lock-up",
        "Target the car wash before the nail bar",
        "Agree a date for the overdue review",
        "Moderate 1 disruption awaiting it",
    ):
        assert seen in page, seen


def test_no_partner_page_names_a_nominal(bot, run_cli, tmp_path):
    with Session(bot.engine) as session:
        ocgs = session.exec(select(Ocg.ref, Ocg.name)).all()
        names = set(session.exec(select(Nominal.name)).all())
        names |= set(session.exec(select(NominalAlias.alias)).all())
    assert len(ocgs) >= 10 and len(names) >= 20  # the demo force, with aliases
    for ref, name in ocgs:
        out = tmp_path / f"{ref}.pdf"
        status, _ = run_cli("export", "page", ref, "--partner", "--out", str(out))
        assert status == 0
        pages = pdf_pages(out)
        assert len(pages) == 1 and marked(pages, "OFFICIAL"), ref
        text = pages[0].lower()
        assert "official-sensitive" not in text and "no names, no sensitive work" in text
        assert name.lower() not in text, ref  # the partner-safe name only
        leaked = [n for n in names if n.lower() in text]
        assert not leaked, (ref, leaked)
        assert "lro" not in text.split() and "morile" not in text


def test_a_page_in_chat_for_police_and_for_a_partner(say):
    police = render_text(say("okafor", "ocg page smith"))
    assert "Band: 1A" in police and "Asked of the meeting" in police
    assert "Pursue: 2 open (2 overdue)" in police
    partner = say("evans", "ocg page OCG-0001")
    assert not partner.error and partner.sanitised
    text = render_text(partner)
    assert "OCG-0001 Group A (Fratton): on a page" in text
    assert "Band" not in text and "LRO" not in text and "Smith" not in text


def test_the_pack_is_for_the_sro_and_coordinators(say):
    card = render_text(say("hart", "ocg pack"))
    assert "Tasking meeting pack: 10 OCGs" in card
    assert card.index("OCG-0001 Smith Brothers") < card.index("OCG-0008 Quarry Road")
    assert say("evans", "ocg pack").error


def test_the_tasking_pack_has_a_page_per_ocg_in_threat_order(run_cli, tmp_path):
    out = tmp_path / "pack.pdf"
    status, _ = run_cli("pack", "tasking", "--out", str(out))
    assert status == 0
    pages = pdf_pages(out)
    assert marked(pages, "OFFICIAL-SENSITIVE")
    summary, per_ocg = pages[:-10], pages[-10:]
    assert 1 <= len(summary) <= 3  # the summary, then one page per agenda OCG
    assert [p.split("OCG on a page")[0] for p in per_ocg]  # none empty
    bands = [p.split(" Band / tier ")[1][:2] for p in per_ocg]
    assert bands == sorted(bands)  # threat order
    whole = " ".join(summary)
    for heading in (
        "Agenda, in threat order",
        "Reviews due and overdue",
        "Plans failing a health check",
        "Overdue actions by agency and owner",
        "Disruptions awaiting moderation",
        "Band, tier and phase changes since",
    ):
        assert heading in whole, heading
    assert "Victor Hale charged with conspiracy to supply" in whole  # awaiting moderation
    status, _ = run_cli("pack", "tasking", "--area", "Southampton", "--out", str(out))
    assert status == 0 and len(pdf_pages(out)) < len(pages)


def test_the_board_report_and_its_figures(run_cli, tmp_path):
    out, figures = tmp_path / "board.pdf", tmp_path / "board.csv"
    argv = ("report", "board", "--from", "2026-09-01", "--to", "2027-02-28", "--out", str(out))
    status, _ = run_cli(*argv, "--csv", str(figures))
    assert status == 0
    pages = pdf_pages(out)
    assert 2 <= len(pages) <= 5 and marked(pages, "OFFICIAL-SENSITIVE")
    whole = " ".join(pages)
    assert "Between Tue 1 Sep 2026 and Sun 28 Feb 2027" in whole  # the generated summary
    assert "of the 10 active OCGs have a plan that passes every health check" in whole
    rows = list(csv.DictReader(figures.open()))
    kinds = {r["figure"] for r in rows}
    assert {
        "review compliance",
        "plan coverage",
        "disruptions by month",
        "disruptions by pillar",
        "disruptions by area",
        "partner action completion",
        "actions overdue today",
        "OCGs",
    } <= kinds
    pillar = {r["group"]: int(r["value"]) for r in rows if r["figure"] == "disruptions by pillar"}
    assert f"{sum(pillar.values())} disruptions were recorded" in whole
    assert run_cli("report", "board", "--from", "2027-03-01", "--to", "2027-01-01",
                   "--out", str(out))[0] == 2  # fmt: skip


def word_text(path: Path) -> tuple[list[str], list[str], str]:
    """A .docx's header and footer paragraphs and its body text."""
    from docx import Document

    word = Document(str(path))
    section = word.sections[0]
    body = [p.text for p in word.paragraphs]
    for table in word.tables:
        body += [cell.text for row in table.rows for cell in row.cells]
    return (
        [p.text for p in section.header.paragraphs if p.text],
        [p.text for p in section.footer.paragraphs if p.text],
        "\n".join(body),
    )


@pytest.mark.parametrize(
    ("argv", "seen"),
    [
        (("pack", "tasking"), ("Tasking meeting pack", "OCG-0001 Smith Brothers", "Agenda")),
        (
            ("report", "board", "--from", "2026-09-01", "--to", "2027-02-28"),
            ("SOC board report", "Review compliance", "Between"),
        ),
        (("export", "page", "smith"), ("OCG on a page: OCG-0001", "4P progress", "Okafor")),
    ],
)
def test_the_papers_as_word_documents_carry_the_marking_top_and_bottom(
    run_cli, tmp_path, argv, seen
):
    out = tmp_path / "paper.docx"
    status, err = run_cli(*argv, "--out", str(out))
    assert status == 0 and f"wrote {out} (OFFICIAL-SENSITIVE)" in err
    header, footer, body = word_text(out)
    assert header == ["OFFICIAL-SENSITIVE"] and footer[-1] == "OFFICIAL-SENSITIVE"
    assert "Page 1 of 1" in footer[0]
    for text in seen:
        assert text in body, text


def test_the_partner_page_as_a_word_document_is_official_and_names_no_one(run_cli, tmp_path):
    out = tmp_path / "partner.docx"
    status, _ = run_cli("export", "page", "OCG-0001", "--partner", "--out", str(out))
    assert status == 0
    header, footer, body = word_text(out)
    assert header == ["OFFICIAL"] and footer[-1] == "OFFICIAL"
    assert "Smith Brothers" not in body and "Okafor" not in body and "Group A" in body
