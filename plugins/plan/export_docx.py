"""A plan as a Word document (python-docx): real headings (the navigation pane lists them) and
real tables, so an LRO can edit it for the meeting.

The protective marking is in every page's header and footer; the footer also says "page X of
Y" (Word fields, filled in when the document is opened or printed) and when it was made.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph
from socbot_plugins.plan import document
from socbot_plugins.plan.document import Bullets, Document, Heading, Image, PageBreak, Para
from socbot_plugins.plan.view import PlanData

MARKING_INK = RGBColor(0xB0, 0x00, 0x20)
QUIET_INK = RGBColor(0x61, 0x6E, 0x7C)
SHADE = "E4E7EB"


def render(data: PlanData) -> bytes:
    return render_document(document.build(data))


def render_document(doc: Document) -> bytes:
    """Any paper built of ``document`` blocks (a plan, the tasking pack, the board report)."""
    word = new_document()
    _page(word, doc)
    word.core_properties.title = doc.title
    word.core_properties.subject = doc.marking
    word.core_properties.author = word.core_properties.last_modified_by = "socbot"
    word.core_properties.comments = ""
    word.add_heading(doc.title, level=0)
    _quiet(word.add_paragraph(), f"Generated {doc.generated}")
    if doc.note:
        note = word.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = note.add_run(doc.note)
        run.bold = True
        run.font.size = Pt(12)
        run.font.color.rgb = MARKING_INK
    for block in doc.blocks:
        _block(word, block)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _page(word: WordDocument, doc: Document) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))
    word.styles["Normal"].font.size = Pt(10)
    _marking(section.header.paragraphs[0], doc.marking)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _small(footer, "Page ")
    _field(footer, "PAGE")
    _small(footer, " of ")
    _field(footer, "NUMPAGES")
    _small(footer, f"  ·  Generated {doc.generated}")
    _marking(section.footer.add_paragraph(), doc.marking)


def _marking(paragraph: Paragraph, marking: str) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(marking)
    run.bold = True
    run.font.size = Pt(10)
    run.font.color.rgb = MARKING_INK


def _small(paragraph: Paragraph, text: str) -> None:
    paragraph.add_run(text).font.size = Pt(8)


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) that Word fills in as it lays the pages out."""
    run = paragraph.add_run()
    run.font.size = Pt(8)
    begin, instr, sep, text, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
        OxmlElement("w:t"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    sep.set(qn("w:fldCharType"), "separate")
    text.text = "1"
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, sep, text, end):
        run._r.append(element)


def _quiet(paragraph: Paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.italic = True
    run.font.color.rgb = QUIET_INK


def _block(word: WordDocument, block: document.Block) -> None:
    if isinstance(block, Heading):
        word.add_heading(block.text, level=block.level)
    elif isinstance(block, Para):
        if block.quiet:
            _quiet(word.add_paragraph(), block.text)
        else:
            word.add_paragraph(block.text)
    elif isinstance(block, Bullets):
        for item in block.items:
            word.add_paragraph(item, style="List Bullet")
    elif isinstance(block, Image):
        word.add_picture(str(block.path), width=int(Mm(210 - 36) * block.width))
        _quiet(word.add_paragraph(), block.caption)
    elif isinstance(block, PageBreak):
        word.add_page_break()
    else:
        _table(word, block)


def _table(word: WordDocument, block: document.Table) -> None:
    header = 1 if block.header else 0
    table = word.add_table(rows=len(block.rows) + header, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    share = sum(block.widths)
    usable = Mm(210 - 36)
    widths = [int(usable * w / share) for w in block.widths]
    if block.header:
        _repeat_header(table)
        for cell, text in zip(table.rows[0].cells, block.columns, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
            _shade(cell)
    for r, values in enumerate(block.rows, header):
        for c, (cell, text) in enumerate(zip(table.rows[r].cells, values, strict=True)):
            lines = text.splitlines() or [""]
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(lines[0])
            for line in lines[1:]:
                run.add_break()
                run.add_text(line)
            if not block.header and c == 0:
                run.bold = True
                _shade(cell)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice reads...
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # ...and the cell widths Word reads
    word.add_paragraph()


def _repeat_header(table: WordTable) -> None:
    """Word repeats the header row on every page the table runs onto."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _shade(cell) -> None:  # type: ignore[no-untyped-def]
    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:color"), "auto")
    fill.set(qn("w:fill"), SHADE)
    cell._tc.get_or_add_tcPr().append(fill)
