"""A folder of N distinct ~15-page paper PDFs whose text is real prose (made, not collected).

Only 12 real paper PDFs are at hand (``shared/real/pdfs``), and copies of them cannot
stand in for 1,000: each carries its DOI or arXiv id, so litreview files every copy as
one paper. So the PDFs are *written* here, with fpdf2, from the real corpus
(``conference-abstracts-50k.jsonl.gz``): PDF *i* takes record *i*'s title, authors and
abstract for its first page, then fills its body with other records' abstracts as the
paragraphs of numbered sections ("1 Introduction", "2 Related Work", ...) up to the page
count, and ends with a reference list of other records' authors, titles and years. Every
page has a running header (a short title) and a page number, as papers do; half the PDFs
are set in two columns (the body; title and abstract span the page, as in IEEE/ACM
layouts), half in one. No PDF metadata title is set (most arXiv PDFs have none), so the
title is read from the first page's largest type, the path litreview takes for them.

What this does not have that real papers do: figures, tables, equations, footnotes,
ligatures, words hyphenated at line ends and fonts without a Unicode map; the prose is
real, but a paper's sections do not follow from one another. So it measures the cost of
reading, chunking and indexing ~15 pages of real-length prose per paper, not the quirks
(``tests/reading/test_pdf_quirks.py`` covers those on the real PDFs).

Text is set in the PDF core fonts (Latin-1): characters outside it are transliterated
(NFKD, then dropped), which loses a few math symbols of the abstracts.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path("/work/shared/real/corpora/conference-abstracts-50k.jsonl.gz")
SECTIONS = (
    "Introduction",
    "Related Work",
    "Background",
    "Method",
    "Experimental Setup",
    "Results",
    "Analysis",
    "Discussion",
    "Limitations",
    "Conclusion",
)
# A figure (blank area + caption) after every third paragraph: real papers give about a
# third of a page to figures and tables, so prose per page comes near theirs (measured by
# bench.pdf_folder beside the real PDFs: characters and chunks per page).
FIGURE_EVERY = 2
REFERENCES = 24  # entries in each PDF's reference list (about a page, as in a short paper)
_ASCII = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "−": "-"})


def latin1(text: str) -> str:
    """Text the core fonts can set: typographic quotes and dashes plain, accents kept
    where Latin-1 has them, anything else transliterated (NFKD) or dropped."""
    text = re.sub(r"\s+", " ", text.translate(_ASCII)).strip()
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
        else:
            out.append("".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) < 128))
    return "".join(out)


def read_records(n: int, corpus: Path = CORPUS) -> list[dict[str, Any]]:
    """The first ``n`` records of the corpus that have a title and an abstract."""
    records: list[dict[str, Any]] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as src:
        for line in src:
            record = json.loads(line)
            if record.get("title") and len(str(record.get("abstract") or "").split()) >= 40:
                records.append(record)
                if len(records) >= n:
                    break
    return records


def _authors(record: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for name in record.get("authors") or []:  # some robotics records list each author twice
        if name not in names:
            names.append(name)
    return names[:8]


PAGE_W, PAGE_H = 215.9, 279.4  # US Letter, mm
MARGIN_X, TOP, BOTTOM, GUTTER = 19.0, 20.0, 20.0, 7.0
BODY_PT, LINE_MM = 10.0, 4.4


@dataclass(frozen=True)
class Layout:
    """One column or two (the body; title and abstract always span the page)."""

    columns: int

    @property
    def name(self) -> str:
        return "two-column" if self.columns == 2 else "one-column"

    @property
    def column_w(self) -> float:
        return (PAGE_W - 2 * MARGIN_X - GUTTER * (self.columns - 1)) / self.columns

    @property
    def figure_lines(self) -> int:
        """A figure's height in body lines: 70 mm, a plot with its axes."""
        return round(70.0 / LINE_MM)


class _Pages:
    """Body text set line by line into columns and pages, with fpdf2 as the PDF writer.

    fpdf2's own flowing text (``multi_cell``, ``text_columns``) measures every character
    in Python, ~2.5 s of CPU a 15-page paper, which would make building 1,000 of them
    take longer than ingesting them; here words are measured once each (cached) and
    lines placed with ``FPDF.text``: the same PDF text objects, ~20x faster.
    """

    def __init__(self, pdf: Any, layout: Layout, running_head: str, y: float) -> None:
        self.pdf, self.layout, self.head = pdf, layout, running_head
        self.column, self.y = 0, y
        self.widths: dict[tuple[str, str], float] = {}

    def _width(self, word: str, style: str) -> float:
        key = (word, style)
        if key not in self.widths:
            self.widths[key] = self.pdf.get_string_width(word)
        return self.widths[key]

    def new_page(self) -> None:
        pdf = self.pdf
        pdf.add_page()
        pdf.set_font("Helvetica", "I", 8)
        pdf.text(PAGE_W / 2 - pdf.get_string_width(self.head) / 2, 12, self.head)
        pdf.set_font("Helvetica", "", 8)
        pdf.text(PAGE_W / 2 - 2, PAGE_H - 10, str(pdf.page_no()))
        self.column, self.y = 0, TOP

    def _advance(self, limit: int) -> bool:
        """Move down a line; a full column moves to the next, a full page to the next
        page. False when that would start page ``limit + 1``."""
        self.y += LINE_MM
        if self.y <= PAGE_H - BOTTOM:
            return True
        if self.column + 1 < self.layout.columns:
            self.column, self.y = self.column + 1, self.top + LINE_MM
            return True
        if self.pdf.page_no() >= limit:
            return False
        self.new_page()
        self.top = TOP
        self.y = TOP + LINE_MM
        return True

    top = TOP

    def paragraph(self, text: str, style: str = "", limit: int = 10_000) -> bool:
        """Set ``text`` as wrapped lines; False (and stop) at the end of page ``limit``."""
        pdf = self.pdf
        pdf.set_font("Times", style, BODY_PT + (1 if style == "B" else 0))
        space, width = self._width(" ", style), self.layout.column_w
        line: list[str] = []
        used = 0.0
        for word in text.split():
            w = self._width(word, style)
            if line and used + space + w > width:
                if not self._emit(" ".join(line), limit):
                    return False
                line, used = [], 0.0
            used += (space if line else 0.0) + w
            line.append(word)
        if line and not self._emit(" ".join(line), limit):
            return False
        return self._advance(limit)  # the gap after a paragraph

    def _emit(self, line: str, limit: int) -> bool:
        if not self._advance(limit):
            return False
        x = MARGIN_X + self.column * (self.layout.column_w + GUTTER)
        self.pdf.text(x, self.y, line)
        return True

    def skip(self, lines: int, limit: int) -> bool:
        return all(self._advance(limit) for _ in range(lines))


def write_paper(
    path: Path,
    record: dict[str, Any],
    body: list[dict[str, Any]],
    references: list[dict[str, Any]],
    layout: Layout,
    pages: int,
) -> int:
    """One paper PDF of ``pages`` pages: ``record``'s front matter, ``body``'s abstracts
    as section paragraphs up to the last page, ``references`` on it. Returns its pages."""
    from fpdf import FPDF

    pdf = FPDF(format="letter", unit="mm")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(MARGIN_X, TOP, MARGIN_X)
    title = latin1(record["title"])
    pdf.add_page()
    pdf.set_y(TOP)
    pdf.set_font("Times", "B", 17)
    pdf.multi_cell(0, 8, title, align="C")
    pdf.ln(3)
    pdf.set_font("Times", "", 11)
    pdf.multi_cell(0, 5.5, latin1(", ".join(_authors(record))) or "Anonymous", align="C")
    pdf.ln(5)
    pdf.set_font("Times", "B", 11)
    pdf.cell(0, 6, "Abstract", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Times", "", BODY_PT)
    pdf.multi_cell(0, LINE_MM + 0.2, latin1(record["abstract"]), align="J")
    pdf.set_font("Helvetica", "", 8)
    pdf.text(PAGE_W / 2 - 1, PAGE_H - 10, "1")
    flow = _Pages(pdf, layout, " ".join(title.split()[:8]), pdf.get_y() + 4)
    flow.top = flow.y
    body_end = pages - 1  # the last page holds the reference list
    paragraphs = [latin1(r["abstract"]) for r in body]
    per_section = -(-len(paragraphs) // len(SECTIONS))
    count = 0
    room = True  # False once the body has filled its pages
    for number, name in enumerate(SECTIONS, start=1):
        room = flow.paragraph(f"{number} {name}", "B", body_end)
        start = (number - 1) * per_section
        for paragraph in paragraphs[start : start + per_section] if room else []:
            room = flow.paragraph(paragraph, "", body_end)
            count += 1
            if room and count % FIGURE_EVERY == 0:  # a figure's blank area and caption
                caption = f"Figure {count // FIGURE_EVERY}: {' '.join(paragraph.split()[:14])}."
                room = flow.skip(layout.figure_lines, body_end)
                room = room and flow.paragraph(caption, "", body_end)
            if not room:
                break
        if not room:
            break
    flow.new_page()
    flow.top = TOP
    flow.paragraph("References", "B", pages)
    for index, ref in enumerate(references, start=1):
        authors = ", ".join(_authors(ref)[:4]) or "Anonymous"
        year = f" {ref['year']}." if ref.get("year") else ""
        if not flow.paragraph(latin1(f"[{index}] {authors}. {ref['title']}.{year}"), "", pages):
            break
    pdf.output(str(path))
    return int(pdf.page_no())


@dataclass(frozen=True)
class Built:
    """What :func:`build_folder` wrote: how many PDFs and pages."""

    folder: Path
    pdfs: int
    pages: int


def build_folder(folder: Path, n: int, pages: int = 15, seed: int = 0) -> Built:
    """``n`` PDFs of ``pages`` pages in ``folder`` (reused when already built)."""
    stamp = folder.parent / f"{folder.name}.json"  # beside it: the folder holds only PDFs
    if stamp.exists():
        saved = json.loads(stamp.read_text())
        if saved.get("n") == n and saved.get("pages_target") == pages and saved["seed"] == seed:
            return Built(folder, n, saved["pages"])
    folder.mkdir(parents=True, exist_ok=True)
    records = read_records(n + 4000)
    fronts, pool = records[:n], records[n:]
    layouts = (Layout(columns=2), Layout(columns=1))
    total_pages = 0
    for index, record in enumerate(fronts):
        rng = random.Random(seed * 1_000_003 + index)
        body = rng.sample(pool, 8 * pages)  # more than the pages hold: they stop it
        references = rng.sample(pool, REFERENCES)
        path = folder / f"paper-{index:05d}.pdf"
        total_pages += write_paper(path, record, body, references, layouts[index % 2], pages)
    stamp.write_text(
        json.dumps({"n": n, "seed": seed, "pages_target": pages, "pages": total_pages})
    )
    return Built(folder, n, total_pages)


def pdf_paths(folder: Path) -> Iterator[Path]:
    return iter(sorted(folder.glob("paper-*.pdf")))
