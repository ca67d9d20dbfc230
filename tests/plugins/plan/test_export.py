"""``socbot export plan``: the plan and its decision log as Markdown, PDF and Word, whole or in
the partner version, which holds only what is written for partners with every name withheld."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from argparse import Namespace
from datetime import date

import docx
import pytest
from pypdf import PdfReader
from sample_plan import NOW, UNICODE, sample_plan
from socbot_plugins.plan import document, export, export_docx, export_md, export_pdf
from sqlmodel import Session, select

from socbot import cli
from socbot.bot import Who
from socbot.store.models import AuditEvent
from socbot.withhold import WITHHELD

UNICODE_BITS = ("→", "£", "é", "“", "’", "—")


def pdf_pages(raw: bytes) -> list[str]:
    """Each page's text, with runs of white space (where a line wrapped) as one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(raw)).pages]


def docx_text(raw: bytes) -> str:
    """Every paragraph, table cell, header and footer of a Word file."""
    word = docx.Document(io.BytesIO(raw))
    parts = [p.text for p in word.paragraphs]
    parts += [c.text for t in word.tables for row in t.rows for c in row.cells]
    for section in word.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


# -- the renderers, on a plan built by hand ---------------------------------------------------


def test_markdown_holds_the_whole_plan_in_order():
    text = export_md.render(sample_plan())
    lines = text.splitlines()
    assert lines[0] == lines[-1] == "**OFFICIAL-SENSITIVE**"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## Aim",
        "## Clear, Hold, Build",
        "## Pursue",
        "## Prevent",
        "## Protect",
        "## Prepare",
        "## Nominals in focus",
        "## Business-model targets",
        "## Partners tasked",
        "## Intelligence requirements",
        "## Decision log",
    ]
    assert "| #17 (secondary) Prevent objective 1: reduce the group's reach |" in text
    assert "Tue 2 Mar 2027 (overdue)" in text
    assert "- no exit work yet (because principals on remand until the trial in June)" in text
    assert "| Danny Smith | principal | active |" in text
    # the decision log, newest first, each with its rationale
    log = text.split("## Decision log")[1]
    assert log.index("| 34 |") < log.index("| 33 |") < log.index("| 1 |")
    assert "(corrects #21)" in text
    assert all(bit in text for bit in UNICODE_BITS)


def test_a_review_already_due_says_so():
    plan = sample_plan()
    assert "- **Review due:** Wed 31 Mar 2027\n" in export_md.render(plan)
    late = dataclasses.replace(plan, review_due=date(2027, 3, 2))
    assert "- **Review due:** Tue 2 Mar 2027 (overdue)" in export_md.render(late)


def test_markdown_keeps_typed_text_from_breaking_the_table():
    plan = sample_plan()
    odd = dataclasses.replace(plan.decisions[0], text="a | b *c* <script> [x](y)", rationale="x\ny")
    text = export_md.render(dataclasses.replace(plan, decisions=[odd]))
    assert r"a \| b \*c\* \<script\> [x\](y)" in text and "| x<br>y |" in text


def test_the_pdf_marks_and_numbers_every_page():
    pages = pdf_pages(export_pdf.render(sample_plan()))
    assert len(pages) >= 4  # 34 decisions and long texts run over several pages
    for number, page in enumerate(pages, 1):
        assert page.count("OFFICIAL-SENSITIVE") == 2, number  # at the top and at the bottom
        assert f"Page {number} of {len(pages)}" in page
        assert "Generated Wed 3 Mar 2027 09:00 (Europe/London)" in page
    text = "\n".join(pages)
    for part in ("Reference", "OCG-0001", "2A", "comprehensive investigation", "Clear",
                 "Insp Ada Okafor (@okafor)", "Supt Lee Hart (@hart)", "Wed 31 Mar 2027",
                 "Nominals in focus", "Intelligence requirements", "Decision log",
                 "Strands not developed, and why"):  # fmt: skip
        assert part in text, part
    assert all(bit in text for bit in UNICODE_BITS)
    # the longest rationale (taller than a page) is there to its last words
    assert text.count("not to close lawful businesses") >= 9 + 1


def test_the_pdf_decision_log_is_newest_first_across_pages():
    text = "\n".join(pdf_pages(export_pdf.render(sample_plan())))
    found = [int(n) for n in re.findall(r"Decision (\d+):", text)]
    assert found == sorted(found, reverse=True) and len(found) == 34


def test_the_word_document_has_real_headings_tables_and_markings():
    raw = export_docx.render(sample_plan())
    word = docx.Document(io.BytesIO(raw))
    heading1 = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert heading1[:6] == ["Aim", "Clear, Hold, Build", "Pursue", "Prevent", "Protect", "Prepare"]
    assert heading1[-1] == "Decision log"
    log = word.tables[-1]
    assert [c.text for c in log.rows[0].cells] == ["#", "When, by", "Decision", "Rationale"]
    assert len(log.rows) == 35 and log.rows[1].cells[0].text == "34"
    assert 'w:tblHeader w:val="true"' in log.rows[0]._tr.xml  # repeated on each page
    section = word.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    footer = "".join(p._p.xml for p in section.footer.paragraphs)
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert section.footer.paragraphs[-1].text == "OFFICIAL-SENSITIVE"
    assert all(bit in docx_text(raw) for bit in UNICODE_BITS)


def test_the_partner_version_says_so_and_holds_only_what_partners_may_read():
    plan = sample_plan(partner=True)
    md = export_md.render(plan)
    pdf = "\n".join(pdf_pages(export_pdf.render(plan)))
    word = docx_text(export_docx.render(plan))
    for text in (md, pdf, word):
        assert document.PARTNER_NOTE in text
        assert "OFFICIAL" in text and "OFFICIAL-SENSITIVE" not in text
        assert "Fratton supply group" in text
        # the sample carries police-only parts: the partner version leaves them out
        for police_only in ("Nominals in focus", "Danny Smith", "Intelligence requirements",
                            "Band", "Insp Ada Okafor", "Partners tasked", "Clear, Hold, Build",
                            "Dismantle the supply"):  # fmt: skip
            assert police_only not in text, police_only
        assert "Decisions shared with partners" in text


def test_withheld_reaches_every_string_however_nested():
    plan = sample_plan()
    shouted = document.withheld(plan, str.upper)
    assert shouted.pillars[1].objectives[0].what.startswith("PREVENT OBJECTIVE")
    assert shouted.pillars[0].done_actions[0].result == f"Two workers referred; {UNICODE}".upper()
    assert shouted.decisions[5].rationale.isupper() and shouted.nominals[0].name == "DANNY SMITH"
    assert shouted.generated_at == NOW and shouted.review_due == plan.review_due
    assert shouted.pillars[2].lead is None  # None stays None


# -- end to end: chat, then the command line ---------------------------------------------------


@pytest.fixture
def run_cli(bot, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOCBOT_DATABASE_URL", str(bot.engine.url))
    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_NOW", NOW.strftime("%Y-%m-%dT%H:%M"))  # the bot's clock

    def run(*argv: str) -> tuple[int, str, str]:
        status = cli.main(["export", "plan", *argv])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def plan_in_chat(say) -> None:
    """An LRO writes the plan in chat; a nominal's name slips into texts partners will read."""
    for line in (
        'ocg plan smith aim "dismantle the supply into Fratton → stop child recruitment" '
        'because "the review moved the aim to the children"',
        'ocg decide smith "inspect the car wash with Trading Standards" because '
        '"Carl Rowe launders the cash through it; Stan Voss supplies it" partner=yes',
        'ocg decide smith not prepare "no exit work yet" because "principals on remand"',
        'ocg decide smith "keep the covert source on the Rowe family" because "it is working"',
        'ocg action smith protect @evans "check the licence of the car wash Carl Rowe runs" '
        "by friday",
    ):
        reply = say("okafor", line)
        assert not reply.error, (line, reply.text)


def test_an_lro_exports_the_plan_they_wrote_in_chat(bot, say, run_cli, tmp_path):
    plan_in_chat(say)
    status, out, err = run_cli("smith")  # Markdown on standard output
    assert status == 0 and not err
    assert out.startswith("**OFFICIAL-SENSITIVE**")
    assert "dismantle the supply into Fratton → stop child recruitment" in out
    assert "Carl Rowe launders the cash" in out and "keep the covert source" in out
    assert "@okafor" in out
    for fmt in ("pdf", "docx"):
        path = tmp_path / f"plan.{fmt}"
        status, _, err = run_cli("OCG-0001", "--out", str(path))  # the format from the name
        assert status == 0 and f"to {path}" in err
        raw = path.read_bytes()
        text = "\n".join(pdf_pages(raw)) if fmt == "pdf" else docx_text(raw)
        assert "dismantle the supply into Fratton → stop child recruitment" in text
        assert "Not doing (prepare): no exit work yet" in text
        assert "Danny Smith" in text and "OFFICIAL-SENSITIVE" in text


@pytest.mark.parametrize("fmt", ["md", "pdf", "docx"])
def test_the_partner_version_withholds_a_name_typed_in_chat(bot, say, run_cli, tmp_path, fmt):
    plan_in_chat(say)
    path = tmp_path / f"partner.{fmt}"
    argv = ("smith", "--partner", "--agency", "Trading Standards", "--out", str(path))
    status, _, err = run_cli(*argv, "--format", fmt)
    assert status == 0, err
    raw = path.read_bytes()
    text = {"md": raw.decode, "pdf": lambda: "\n".join(pdf_pages(raw))}.get(
        fmt, lambda: docx_text(raw)
    )()
    assert document.PARTNER_NOTE in text and "Group A (Fratton)" in text
    assert "inspect the car wash with Trading Standards" in text  # marked for partners
    assert "check the licence of the car wash" in text  # their agency's action
    assert WITHHELD in text
    for secret in ("Rowe", "Voss", "Smith Brothers", "covert source", "no exit work",
                   "@okafor", "OFFICIAL-SENSITIVE"):  # fmt: skip
        assert secret not in text, secret


def test_every_export_is_audited_with_what_was_handed_out(bot, say, run_cli, tmp_path):
    plan_in_chat(say)
    path = tmp_path / "partner.pdf"
    assert run_cli("smith", "--partner", "--out", str(path))[0] == 0
    with Session(bot.engine) as s:
        row = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert row.action == "export" and row.ocg_ref == "OCG-0001"
    assert row.actor.startswith("cli")
    assert row.text == "export plan OCG-0001 format=pdf version=partner"
    assert hashlib.sha256(path.read_bytes()).hexdigest() in row.detail


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("nobody-at-all",), "no OCG matches 'nobody-at-all'"),
        (("smith", "--format", "pdf"), "--format pdf writes a file: give --out FILE"),
        (("smith", "--agency", "HMRC"), "--agency goes with --partner"),
        (("smith", "--partner", "--agency", "police"), "--agency names a partner agency"),
        (("smith", "--partner", "--agency", "Nobody Ltd"), "no one in socbot belongs"),
    ],
)
def test_bad_usage_is_refused_in_one_line(bot, run_cli, argv, says):
    status, out, err = run_cli(*argv)
    assert status == 2 and not out
    assert err.count("\n") == 1 and says in err
    with Session(bot.engine) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.action != "export"


def test_a_file_it_cannot_write_is_said_in_one_line(bot, run_cli, tmp_path):
    status, _, err = run_cli("smith", "--out", str(tmp_path / "no" / "such" / "plan.pdf"))
    assert status == 1 and err.startswith("can't write") and err.count("\n") == 1


def test_export_plan_sits_beside_the_other_exports(run_cli, capsys):
    with pytest.raises(SystemExit):
        cli.main(["export", "--help"])
    shown = capsys.readouterr().out
    assert all(name in shown for name in ("plan", "disruptions", "audit"))


def test_render_picks_the_renderer():
    plan = sample_plan()
    assert export.render(plan, "pdf")[:5] == b"%PDF-"
    assert export.render(plan, "docx")[:2] == b"PK"  # a zip
    assert isinstance(export.render(plan, "md"), str)


def test_the_partner_version_on_every_database(make_bot, any_engine, tmp_path):
    bot = make_bot(any_engine, demo=True)
    plan_in_chat(lambda handle, line: bot.handle(line, Who("console", handle), face="console"))
    out = tmp_path / "partner.md"
    args = Namespace(
        ocg="smith", format="md", out=str(out), partner=True, agency="Trading Standards"
    )
    assert export.run(bot, args) == 0
    text = out.read_text()
    assert "check the licence of the car wash [name withheld] runs" in text
    assert "Rowe" not in text and "Voss" not in text
