"""A plan as PDF (ReportLab platypus), A4, for the tasking meeting.

Every page carries the protective marking at its top and bottom and a footer with "page X of
Y" and when the document was made. Table cells are paragraphs, so long texts wrap; tables repeat
their header on each page and split between rows, or inside a row taller than a page.

The text is set in DejaVu Sans, which matplotlib (already a dependency) ships: ReportLab's
built-in fonts cannot draw "→" or most characters outside Western Europe.
"""

from __future__ import annotations

import functools
import io
from importlib.resources import files
from typing import Any
from xml.sax.saxutils import escape

from reportlab import platypus
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from socbot_plugins.plan import document
from socbot_plugins.plan.document import Bullets, Document, Heading, Image, PageBreak, Para
from socbot_plugins.plan.view import PlanData

FONT = "DejaVuSans"
MARGIN = 18 * mm
TOP, BOTTOM = MARGIN + 8 * mm, MARGIN + 12 * mm  # room for the marking and the footer
PADDING = 6  # the frame's own padding on each side (ReportLab's default)
WIDTH = A4[0] - 2 * MARGIN - 2 * PADDING
FRAME_HEIGHT = A4[1] - TOP - BOTTOM - 2 * PADDING
INK = colors.HexColor("#1f2933")
RULE = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#e4e7eb")
MARKING_INK = colors.HexColor("#b00020")


def render(data: PlanData) -> bytes:
    return render_document(document.build(data), creator="socbot export plan")


def render_document(doc: Document, *, creator: str) -> bytes:
    """Any ``Document`` (a plan, an OCG on a page, a meeting pack, a board report) as a PDF,
    marked at the top and bottom of every page."""
    _fonts()
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=doc.title,
        author="socbot",
        subject=doc.marking,
        creator=creator,
    )
    template.build(_story(doc), canvasmaker=functools.partial(_PagedCanvas, doc))
    return out.getvalue()


@functools.cache
def _fonts() -> None:
    ttf = files("matplotlib") / "mpl-data" / "fonts" / "ttf"
    faces = {"": "DejaVuSans", "-Bold": "DejaVuSans-Bold", "-Oblique": "DejaVuSans-Oblique"}
    for suffix, file in faces.items():
        pdfmetrics.registerFont(TTFont(FONT + suffix, str(ttf / f"{file}.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT + "-Bold", italic=FONT + "-Oblique", boldItalic=FONT + "-Bold"
    )


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "body": body,
        "quiet": ParagraphStyle("quiet", body, fontName=FONT + "-Oblique", textColor=RULE),
        "cell": ParagraphStyle("cell", body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", body, fontName=FONT + "-Bold", fontSize=8.5, leading=10.5),
        "title": ParagraphStyle(
            "title", body, fontName=FONT + "-Bold", fontSize=18, leading=22, spaceAfter=4
        ),
        "h1": ParagraphStyle(
            "h1", body, fontName=FONT + "-Bold", fontSize=13, leading=16, spaceBefore=10,
            spaceAfter=4, keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2", body, fontName=FONT + "-Bold", fontSize=10.5, leading=13, spaceBefore=6,
            spaceAfter=3, keepWithNext=1,
        ),
        "note": ParagraphStyle(
            "note", body, fontName=FONT + "-Bold", fontSize=11, leading=14, alignment=TA_CENTER,
            borderColor=MARKING_INK, borderWidth=1, borderPadding=6, leftIndent=6, rightIndent=6,
            spaceBefore=8, spaceAfter=12,
        ),
    }  # fmt: skip


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph("<br/>".join(escape(line) for line in text.splitlines()), _styles()[style])


def _story(doc: Document) -> list[Flowable]:
    story: list[Flowable] = [_p(doc.title, "title")]
    story.append(_p(f"Generated {doc.generated}", "quiet"))
    if doc.note:
        story.append(_p(doc.note, "note"))
    story.append(Spacer(1, 3 * mm))
    previous: document.Block | None = None
    for n, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            # a heading never ends a page: near the foot it starts a new one, and it keeps
            # with what follows (a heading straight after another keeps with that one; one
            # over a picture with the whole picture)
            following = doc.blocks[n + 1] if n + 1 < len(doc.blocks) else None
            if isinstance(following, Image):
                story.append(CondPageBreak(FRAME_HEIGHT * 0.5))
            elif not isinstance(previous, Heading):
                story.append(CondPageBreak((30 if block.level == 1 else 24) * mm))
            story.append(_p(block.text, f"h{block.level}"))
        else:
            story.append(_block(block))
        previous = block
    return story


def _block(block: document.Block) -> Flowable:
    assert not isinstance(block, Heading)  # headings are set by _story
    if isinstance(block, Para):
        return _p(block.text, "quiet" if block.quiet else "body")
    if isinstance(block, PageBreak):
        return platypus.PageBreak()
    if isinstance(block, Image):
        return _image(block)
    if isinstance(block, Bullets):
        return ListFlowable(
            [ListItem(_p(item), leftIndent=12) for item in block.items],
            bulletType="bullet",
            start="•",
            leftIndent=12,
            bulletFontName=FONT,
            bulletFontSize=8,
        )
    return _table(block)


def _image(block: Image) -> Flowable:
    from PIL import Image as Picture

    with Picture.open(block.path) as picture:
        across, down = picture.size
    width = WIDTH * block.width
    height = min(width * down / across, FRAME_HEIGHT * 0.6)
    width = height * across / down
    picture = platypus.Image(str(block.path), width=width, height=height, hAlign="LEFT")
    return platypus.KeepTogether([picture, _p(block.caption, "quiet"), Spacer(1, 3 * mm)])


def _table(block: document.Table) -> Table:
    share = sum(block.widths)
    widths = [WIDTH * w / share for w in block.widths]
    rows: list[list[Any]] = []
    if block.header:
        rows.append([_p(c, "head") for c in block.columns])
        cells = [[_p(v, "cell") for v in row] for row in block.rows]
    else:  # label / value
        cells = [[_p(label, "head"), _p(value, "cell")] for label, value in block.rows]
    rows += cells
    table = _Table(
        rows,
        colWidths=widths,
        repeatRows=1 if block.header else 0,
        splitByRow=1,
        splitInRow=1,
        hAlign="LEFT",
        spaceBefore=2,
        spaceAfter=6,
    )
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if block.header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    table.setStyle(TableStyle(style))
    return table


class _Table(Table):
    """Splits between rows wherever it must, but inside a row only at the top half of a page:
    a row too tall for a whole page still fits (split over pages), while a row that merely
    doesn't fit at the foot of a page moves to the next page whole, with the header repeated,
    instead of leaving a sliver of itself behind."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.splitInRow = 1 if availHeight > FRAME_HEIGHT / 2 else 0
        return super().split(availWidth, availHeight)  # type: ignore[no-any-return]


class _PagedCanvas(Canvas):
    """Holds each page until the last, so that every page can say "page X of Y"."""

    def __init__(self, doc: Document, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._document = doc
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, page in enumerate(self._pages, 1):
            self.__dict__.update(page)
            self._furniture(number, total)
            super().showPage()
        super().save()

    def _furniture(self, number: int, total: int) -> None:
        width, height = A4
        self.saveState()
        self.setFillColor(MARKING_INK)
        self.setFont(FONT + "-Bold", 10)
        self.drawCentredString(width / 2, height - MARGIN + 2 * mm, self._document.marking)
        self.drawCentredString(width / 2, MARGIN - 6 * mm, self._document.marking)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.line(MARGIN, MARGIN + 4 * mm, width - MARGIN, MARGIN + 4 * mm)
        self.setFillColor(INK)
        self.setFont(FONT, 7.5)
        self.drawString(MARGIN, MARGIN, self._document.title[:90])
        self.drawRightString(
            width - MARGIN,
            MARGIN,
            f"Page {number} of {total}  ·  Generated {self._document.generated}",
        )
        self.restoreState()
