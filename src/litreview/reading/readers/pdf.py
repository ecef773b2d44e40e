"""Paper PDFs: full text page by page, and the title, authors and identifiers to file it under.

Extraction is pypdfium2 (PDFium, Chrome's PDF engine): on the 12 real papers
of ``shared/real/pdfs`` it reads 10x more pages per second than pypdf, keeps
slightly more text, decodes the CFF fonts pypdf needs fontTools for, and
marks hyphens at line ends (U+FFFE) so they can be repaired rather than
guessed (``bench/real_library.py`` measures both side by side).

What is repaired: ligatures (U+FB00-FB06), words hyphenated at a line end
(joined when the joined word occurs elsewhere in the paper, else the hyphen
is kept: "English-to-German" stays; an English dictionary settles the halves
the paper uses nowhere else: "pri-marily" joins, "smart-home" stays; see
:func:`_repair`), a determiner glued to the next word ("Oursimple"), small caps
split by extraction ("REAC T"
-> "REACT" when the paper uses the word), running headers/footers and bare
page numbers (lines repeated on most pages), figure text in fonts without a
Unicode map (:mod:`.pdf_unmapped`), and the reference list (from its heading,
"References" or "参考文献：", to an appendix or the end). The title is the largest-type line of the
first page that is not a venue line, an arXiv stamp or a licence notice,
unless the PDF's metadata has one. The abstract section (a paper's stand-in abstract when
the library has none) runs from its heading to the introduction or keywords, and stops at
the footnotes, venue line and received/funding/e-mail notes page 1 sets below it, picking
up a sentence they cut where the text goes on (:func:`abstract_section`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from litreview.reading.build import Collected
from litreview.reading.errors import LibraryFileError
from litreview.reading.normalize import clean_text, find_arxiv, find_doi
from litreview.reading.paper import PageText
from litreview.reading.readers.pdf_unmapped import without_unmapped_lines
from litreview.reading.readers.word_lists import is_english_word

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
_LIGATURES |= {"\ufb05": "st", "\ufb06": "st"}
_SOFT_BREAK = "\ufffe"  # PDFium: a hyphen where a line was broken
_HYPHENATED = re.compile(r"(\w+)[\ufffe\u00ad]\s*(\w+)")
_SPLIT_CAPS = re.compile(r"\b([A-Z]{2,}) ([A-Z])\b")
_BROKEN = re.compile(r"\w+[\ufffe\u00ad]\s*\w+")
# A determiner run into the next word where a PDF draws the space as a gap ("Oursimple"):
# only these few, whose joins with a following word are never English words themselves.
_JOINED = re.compile(
    r"\b(These|these|Their|their|This|this|The|the|Our|our|Its|its|We|we)([a-z]{4,})\b"
)
_REFERENCES = re.compile(
    r"^\s*(?:\d+\.?\s*|[IVX]+\.\s*)?(references|bibliography|references and notes|"
    r"参\s*考\s*文\s*献)\s*[:：]?\s*$",
    re.IGNORECASE,
)
# An appendix heading: "Appendix", "APPENDIX A", "Supplementary Material", or a lettered
# section in title case ("A Additional Results", "B.1 Prompts"); case matters here, or a
# reference line such as "A scalable approach ..." would end the reference list.
_APPENDIX = re.compile(
    r"^\s*(?:(?:Appendix|APPENDIX|Appendices|APPENDICES|Supplementary [Mm]aterials?|"
    r"SUPPLEMENTARY MATERIALS?)\b|[A-H](?:\.\d+)?\.?\s+[A-Z][A-Za-z-]+(?:\s+[A-Za-z-]+){0,7}$)"
)
_NOT_TITLE = re.compile(
    r"(arxiv|preprint|published as|conference|proceedings|workshop|journal|vol\.|volume|"
    r"copyright|©|licen[cs]e|permission|attribution|doi|https?://|www\.|@|"
    r"accepted|submitted|under review|symposium|transactions|issn|isbn)",
    re.IGNORECASE,
)
_ABSTRACT_START = re.compile(r"^\s*(abstract|a b s t r a c t|summary)\b[\s.:—–-]*", re.IGNORECASE)
_ABSTRACT_END = re.compile(
    r"^\s*((1|I)\.?\s+introduction|introduction\b|keywords|key words|index terms|"
    r"ccs concepts|acm reference format|1\s+[A-Z][a-z]+|categories and subject descriptors|"
    r"general terms\b|additional key words|biograph(?:y|ies)\s*$)",
    re.IGNORECASE,
)
# Page-1 material a PDF sets beside or inside the abstract's column: footnotes (a marker at the
# line start, "Equal contribution"), the venue and arXiv stamp, received/funding/author notes
# (Chinese journals' 收稿日期, 基金项目, 通信作者), e-mails, and the copyright/permission block.
# Anchored at a line's start, capitalised as such notes are and worded as they are (an ordinal
# before "Conference", a date after "Received", "[cs.CL]" after an arXiv id), so that an
# abstract's own wrapped line ("copyright law", "accepted to", "arXiv:1411.4952).") is not one.
_FRONT_MATTER = re.compile(
    r"^\s*(?:[∗†‡§¶⋆✉]|\*(?![^*]*\*)"  # a footnote marker; "*De novo*" is emphasis
    r"|\d?\s*(?:Equal contribution|These authors contributed equally)"
    r"|(?:\d+(?:st|nd|rd|th)|(?i:[a-z]+-)?(?i:first|second|third|[a-z]+th))\s+(?:Annual\s+)?"
    r"(?:AAAI\s+|ACM\s+|IEEE\s+)?(?:International\s+)?(?:Conference|Workshop|Symposium)\b"
    r"|Proceedings of the\b|Published as a\b|Accepted (?:at|to|for|by|in)\b|Under review\b"
    r"|(?i:arxiv):\s*(?:\d{4}\.\d{4,5}|[a-z.-]+/\d{7})(?:v\d+)?\s*(?:\[|$)"
    r"|(?:A\s+)?(?:Preprint|PREPRINT)(?:\s*[.,:–—-]|\s+(?:submitted|under|version)\b|\s*$)"
    r"|(?:Received|Revised|Accepted|Published(?: online)?)\s*[:：]?\s*"
    r"(?:\d|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b)"
    r"|收\s*稿\s*日\s*期|修\s*回\s*日\s*期|基\s*金\s*项\s*目|作\s*者\s*简\s*介|第一作者|通[信讯]作者"
    r"|第\s*\d+\s*卷\s*第\s*\d+\s*期"
    r"|(?i:e-?mail(?:\s+address(?:es)?)?)\s*[:：]|Corresponding [Aa]uthor|Funding\s*[:：]"
    r"|This (?:work|research|project) (?:was|is) (?:partially |partly |in part )?"
    r"(?:supported|funded)\b|Work (?:done|performed) (?:while|during|at)\b"
    r"|©|\([cC]\)\s*(?:19|20)\d\d|Copyright\b|COPYRIGHT\b|Permission to make digital"
    r"|This work is licensed under|(?:ACM |IEEE )?ISBN\b|ISSN\b|DOI\s*[:：]"
    r"|https?://(?:dx\.)?doi\.org/\S+$)"
)
# An abstract cut mid-sentence by such a block continues on a line that carries on its
# sentence in lower case ("The results" ... "demonstrated that AutoDroid ..."); a URL does not.
_CONTINUES = re.compile(r"^[a-z][a-z'’-]*(?:[\s,;:]|$)")
_ENDS_SENTENCE = re.compile(r"[.!?。！？]['\"’”)\]]*$")
# Two to four capitalised words; any script's capitals ("Łukasz Kaiser"), checked in _is_name.
_NAME = re.compile(r"^[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){1,3}$")
_NOT_NAME = re.compile(
    r"(universit|institut|google|research|department|school|college|laborator|lab\b|"
    r"inc\b|corp|center|centre|academy|abstract|introduction|brain|deepmind|microsoft|group|"
    r"engineering|science|berkeley|stanford|\bmit\b|nvidia|openai|\bmeta\b|ltd|labs?\b|"
    r"foundation|company|hospital|ministry|key words|subject descriptors|general terms)",
    re.IGNORECASE,
)
ABSTRACT_CHARS = 2500
SHORT_ABSTRACT_WORDS = 8
TITLE_MIN_CHARS = 8


class PdfText:
    """A PDF's cleaned pages plus what its first page and metadata say about it."""

    def __init__(
        self,
        pages: tuple[PageText, ...],
        title: str | None,
        authors: list[str],
        doi: str | None,
        arxiv_id: str | None,
        year: str | None,
        encrypted: bool,
        unreadable_pages: list[int] | None = None,
    ) -> None:
        self.pages = pages
        self.title = title
        self.authors = authors
        self.doi = doi
        self.arxiv_id = arxiv_id
        self.year = year
        self.encrypted = encrypted
        self.unreadable_pages = unreadable_pages or []


def _lines_with_sizes(textpage: object, text: str) -> list[tuple[float, str]]:
    """Lines of a page with the largest type size in each (PDFium indexes chars 1:1).

    The size a reader sees is the font size times the text matrix's vertical scale: dvips
    and some Word PDFs set every font at size 1 and scale it by the matrix (The Google File
    System's title is "size 1" at a 17.9 scale), so the font size alone made every line of
    such a page the same size and the whole page its title.
    """
    import ctypes
    import math

    import pypdfium2.raw as pdfium_c

    raw = textpage.raw  # type: ignore[attr-defined]
    matrix = pdfium_c.FS_MATRIX()

    def type_size(index: int) -> float:
        size = float(pdfium_c.FPDFText_GetFontSize(raw, index))
        if pdfium_c.FPDFText_GetMatrix(raw, index, ctypes.byref(matrix)):
            size *= math.hypot(matrix.c, matrix.d) or 1.0
        return size

    out: list[tuple[float, str]] = []
    current: list[str] = []
    size = 0.0
    for index, char in enumerate(text):
        if char == "\n":
            out.append((size, "".join(current).strip()))
            current, size = [], 0.0
        elif char != "\r":
            current.append(char)
            if not char.isspace():
                size = max(size, type_size(index))
    if current:
        out.append((size, "".join(current).strip()))
    return [(s, line) for s, line in out if line]


def _title_from_page(lines: list[tuple[float, str]]) -> tuple[str | None, int]:
    """The largest type among the top lines that are not venue/arXiv/licence lines.

    Returns the title and the index of its last line (authors come after it).
    """
    head = [
        (i, s, line)
        for i, (s, line) in enumerate(lines[:40])
        if not _NOT_TITLE.search(line) and sum(ch.isalpha() for ch in line) >= 3
    ]
    if not head:
        return None, -1
    top = max(s for _, s, _ in head)
    parts: list[str] = []
    last = -1
    previous = (0.0, "")
    for index, size, line in head:
        if last < 0:
            starts = abs(size - top) < 0.6
        else:
            # A title's next line: same type, or small caps again (a smaller all-caps line
            # after an all-caps one); an author line in slightly smaller type is not.
            same = abs(size - previous[0]) < 0.6
            caps = line.isupper() and previous[1].isupper() and size >= top * 0.7
            starts = index == last + 1 and (same or caps)
        if starts:
            parts.append(line)
            last = index
            previous = (size, line)
        elif last >= 0:
            break
    title = clean_text(" ".join(parts))
    return (title if len(title) >= TITLE_MIN_CHARS else None), last


def _clean_names(candidates: list[str]) -> list[str]:
    names: list[str] = []
    for part in candidates:
        name = _bare(part)
        if _is_name(name) and name not in names:
            names.append(name)
    return names[:30]


def _bare(part: str) -> str:
    """A name without its footnote markers, affiliation numbers and "et al."."""
    return re.sub(r"[\d∗*†‡§¶✉]+|\bet\.? al\.?", "", part).strip(" ,.·")


def _is_name(text: str) -> bool:
    if not _NAME.match(text) or _NOT_NAME.search(text):
        return False
    return all(word[0].isupper() for word in text.split(" "))


_NAME_SEPARATORS = re.compile(r",|;|·|\s&\s|\s+(?i:and)\s+|\s{2,}|(?<=[\d∗*†‡§¶])\s+")
_CONNECTOR = re.compile(r"^(?i:and|&)?$")


def _name_line(line: str) -> list[str] | None:
    """The names on a line made of names only ("Sanjay Ghemawat, Howard Gobioff, and Shun-Tak
    Leung", "Samira Rasouli1 · Garima Gupta2"), or None when any part of it is something else.

    A whole line or nothing: an affiliation line splits into some parts that look like names
    ("Yale University, New Haven, Connecticut" gave the author "New Haven"; a venue line
    "Bolton Landing, New York" two), and no part of a line that is not all names is taken.
    """
    line = re.sub(r"^(?i:by)\s+", "", line)  # "by Jeffrey Dean and Sanjay Ghemawat"
    parts = [_bare(part) for part in _NAME_SEPARATORS.split(line)]
    parts = [part for part in parts if not _CONNECTOR.match(part)]
    if not parts or not all(_is_name(part) for part in parts):
        return None
    return parts


def _prose(line: str) -> bool:
    """Running text (an abstract without its heading, a body paragraph): no more authors."""
    words = line.split()
    return len(words) >= 6 and sum(w[0].islower() for w in words) * 2 >= len(words)


def _authors_from_page(lines: list[tuple[float, str]], after: int) -> list[str]:
    """The names between the title and the abstract, from lines that hold nothing but names.

    Taken only where page 1 is unambiguous, since a wrong author is worse than none (a
    library item filled from its PDF, a draft's "Bolton Landing et al."): the block ends at
    the abstract, an introduction or keywords heading, or running text; a line that is not
    all names (an affiliation, an address, an e-mail, a date, "A PREPRINT") is passed over;
    every name line is in the first one's type, as a paper sets its authors (an institute in
    the same capitalised form, "DFINITY Foundation" under "Jan Camenisch", is in smaller
    type); and a block with more one-author e-mail lines than names has an author the
    names missed ("Grzegorz Wilczynski ´", his accent set apart), so it gives none rather
    than a list that leaves someone out.
    """
    names: list[str] = []
    size: float | None = None
    mailboxes = 0
    for line_size, line in lines[after + 1 : after + 31]:
        if _ABSTRACT_START.match(line) or _ABSTRACT_END.match(line) or _prose(line):
            break
        if re.fullmatch(r"\S+@\S+", line):
            mailboxes += 1
        found = _name_line(line)
        if found is None or "@" in line or _FRONT_MATTER.match(line):
            continue
        if size is None:
            size = line_size
        elif abs(line_size - size) >= 0.6:
            continue
        names.extend(name for name in found if name not in names)
    return names[:30] if mailboxes <= len(names) else []


def _authors(metadata: dict[str, str], lines: list[tuple[float, str]], after: int) -> list[str]:
    """The PDF's /Author, unless page 1 names them all and more.

    Publishers' metadata often names the first author only ("David Sloan" for a paper by
    three, "Rafał Tobiasz et. al."); a page-1 list that holds every metadata name is the
    whole of it.
    """
    meta = _clean_names(re.split(r";|,| and ", metadata.get("Author", "")))
    page = _authors_from_page(lines, after)
    if not meta:
        return page
    folded = {name.casefold() for name in page}
    if len(page) > len(meta) and all(name.casefold() in folded for name in meta):
        return page
    return meta


def _repair(text: str, vocabulary: set[str], standalone: set[str] | None = None) -> str:
    """Ligatures, line-end hyphens and split small caps, judged by the paper's own words.

    A hyphen at a line end is kept when both halves are words of the paper and the
    joined form is not ("English-to-German", "SVD-based"). When neither half occurs
    outside broken words (``standalone``), the paper cannot tell a word cut in two
    ("pri-marily") from a compound it uses once ("smart-home"): an English dictionary
    decides (:mod:`.word_lists`): the joined form a word, or either half not one,
    joins; two words whose join is none keep the hyphen. A right half starting with a
    capital or a digit is never a syllable.
    """
    for lig, plain in _LIGATURES.items():
        text = text.replace(lig, plain)

    def join(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        joined = left + right
        both_words = left.casefold() in vocabulary and right.casefold() in vocabulary
        alone = standalone is None or {left.casefold(), right.casefold()} & standalone
        named = right[0].isupper() or right[0].isdigit()  # "Cortex-A57": no syllable break
        if joined.casefold() in vocabulary or not both_words:
            return joined  # "compu-tation": a word broken at the line end
        if alone or named or _compound(left, right):
            return f"{left}-{right}"  # "English-to-German": a hyphenated compound
        return joined

    text = _HYPHENATED.sub(join, text)

    def caps(match: re.Match[str]) -> str:
        joined = match.group(1) + match.group(2)
        return joined if joined.casefold() in vocabulary else match.group(0)

    return _SPLIT_CAPS.sub(caps, text)


def _compound(left: str, right: str) -> bool:
    """Two English words whose join is none ("smart-home"; "pri-marily" is no compound)."""
    if is_english_word(left + right):
        return False
    return is_english_word(left) and is_english_word(right)


def _repeated_lines(pages: list[list[str]]) -> set[str]:
    """Running headers and footers: the same line (digits ignored) on most pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = lines[:3] + lines[-3:]
        counts.update({re.sub(r"\d+", "#", line) for line in edge})
    return {key for key, n in counts.items() if n >= max(3, len(pages) // 2)}


def references_heading(line: str) -> bool:
    """A reference list's heading: "References", "7 Bibliography", "参考文献："."""
    return bool(_REFERENCES.match(line))


def ends_references(line: str) -> bool:
    """An appendix's heading after a reference list, where the paper's text goes on (an
    entry of the list in that shape has a year in it)."""
    return bool(_APPENDIX.match(line)) and not re.search(r"\d{4}", line)


def clean_pages(raw_pages: list[str]) -> tuple[PageText, ...]:
    """Raw page texts to repaired page texts, headers and reference list removed."""
    pages = [
        [line.strip() for line in unicodedata.normalize("NFC", t).replace("\r", "").split("\n")]
        for t in raw_pages
    ]
    pages = [[line for line in lines if line] for lines in pages]
    vocabulary = {
        w.casefold() for lines in pages for line in lines for w in re.findall(r"\w+", line)
    }
    # The same without the halves of line-broken words: "pri-marily" must not vouch for itself.
    standalone = {
        w.casefold()
        for lines in pages
        for w in re.findall(r"\w+", _BROKEN.sub(" ", "\n".join(lines)))
    }
    repeated = _repeated_lines(pages)
    out: list[PageText] = []
    in_references = False
    for number, lines in enumerate(pages, start=1):
        kept: list[str] = []
        for line in lines:
            if re.sub(r"\d+", "#", line) in repeated or re.fullmatch(r"\d{1,4}", line):
                continue
            if references_heading(line):
                in_references = True
                continue
            if in_references:
                if ends_references(line):
                    in_references = False
                else:
                    continue
            kept.append(line)
        text = _repair("\n".join(kept), vocabulary, standalone)
        text = re.sub(r"[ \t]+", " ", text).strip()
        if text:
            out.append(PageText(number, text))
    return _split_joined(out)


def _split_joined(pages: list[PageText]) -> tuple[PageText, ...]:
    """ "Oursimple" -> "Our simple": a determiner glued to a word the paper uses elsewhere,
    when the glued form occurs nowhere else in it (a real word recurs, a gap does not)."""
    counts = Counter(w.casefold() for p in pages for w in re.findall(r"\w+", p.text))

    def split(match: re.Match[str]) -> str:
        whole, rest = match.group(0), match.group(2)
        if counts[whole.casefold()] > 1 or counts[rest] < 2:
            return whole
        return f"{match.group(1)} {rest}"

    return tuple(PageText(p.page, _JOINED.sub(split, p.text)) for p in pages)


# A footnote's mark after a sentence's full stop, the footnote itself left out (Query2CAD's
# abstract ended "model, and code.1"): after a word's letters and before the next sentence or
# the end, so "version 2.1" and "Table 3.2" keep their numbers.
_FOOTNOTE_MARK = re.compile(r"(?<=[a-z]{2}[.!?])\d{1,2}(?=\s+[A-Z]|\s*$)")


def abstract_section(
    pages: tuple[PageText, ...], headings: Mapping[str, int] | None = None
) -> str | None:
    """The text under a paper's "Abstract" heading, up to the introduction (or 2,500 chars).

    Footnotes, the venue line, the arXiv stamp and the received/funding/e-mail notes sit at
    the foot of page 1, often right below the abstract's column, and PDFium reads them as the
    abstract's next lines; an answer would then quote "Ashish, with Illia, designed ...". The
    abstract stops at the first such line, and when it stopped mid-sentence its continuation
    is looked for where a two-column page or a page break puts it (:func:`_continuation`).

    ``headings`` is given for text whose lines are paragraphs, a web page's (:mod:`.web_page`):
    its heading paragraphs and their levels (2 for ``<h2>``). There the abstract is found by
    the same label and ends in the same places, and also where the page's structure ends it
    (:func:`_abstract_paragraphs`).
    """
    for index, page in enumerate(pages[:2]):
        lines = page.text.split("\n")
        for i, line in enumerate(lines):
            match = _ABSTRACT_START.match(line)
            if not match:
                continue
            if headings is not None:
                body = _abstract_paragraphs(line[match.end() :], lines, i, headings)
            else:
                following = pages[index + 1] if index + 1 < len(pages) else None
                if following is not None and following.page != page.page + 1:
                    following = None
                body = _abstract_lines(line[match.end() :], lines, i, following)
            text = _FOOTNOTE_MARK.sub("", clean_text(" ".join(body)))[:ABSTRACT_CHARS]
            words = len(text.split())
            # A one-sentence abstract is still the abstract (Paxos Made Simple's has 11 words;
            # the page text around it would be its title, author and date).
            if words >= 20 or (words >= SHORT_ABSTRACT_WORDS and text.endswith((".", "!", "?"))):
                return text
    return None


def _abstract_lines(
    rest: str, lines: list[str], start: int, following: PageText | None
) -> list[str]:
    """A PDF page's abstract, its label on ``lines[start]`` and ``rest`` after the label: up
    to an end heading, or to front matter or the page's end, then what continues it."""
    body = [rest]
    for j in range(start + 1, len(lines) + 1):
        if j < len(lines) and _ABSTRACT_END.match(lines[j]):
            break
        if j == len(lines) or _FRONT_MATTER.match(lines[j]):
            body += _continuation(" ".join(body), lines, j, following)
            break
        body.append(lines[j])
    return body


def _abstract_paragraphs(
    rest: str, lines: list[str], start: int, headings: Mapping[str, int]
) -> list[str]:
    """An abstract in paragraphs, its label on ``lines[start]`` and ``rest`` after the label.

    A label with text after it ("Abstract: If uncertainty ..." on an arXiv page) opens a
    paragraph that is the abstract. Under a heading ("Abstract" as ``<h3>`` on the MapReduce
    page, ``<h2>`` on Emerald's) it is the paragraphs up to a heading of its level or above,
    an end heading ("1 Introduction", "Keywords"), front matter, or, once running text has
    begun, a paragraph that is no prose: the page's "HTML Slides" link and "Research Areas"
    list after the MapReduce abstract. A deeper heading stays: "Purpose", "Findings" in a
    structured abstract. A label that is no heading of the page (a bold "Abstract" paragraph)
    ends at any heading.
    """
    if rest.strip():
        return [rest]
    level = headings.get(lines[start].strip(), 6)
    body: list[str] = []
    for line in lines[start + 1 :]:
        deeper = headings.get(line, 0) > level
        heading = line in headings and not deeper
        if heading or _ABSTRACT_END.match(line) or _FRONT_MATTER.match(line):
            break
        if body and not deeper and not _prose(line):
            break
        body.append(line)
    return body


def _continuation(
    so_far: str, lines: list[str], stop: int, following: PageText | None
) -> list[str]:
    """The rest of an abstract interrupted at ``lines[stop]`` (a footnote block or the page's
    end), or nothing.

    Only an abstract cut mid-sentence continues, and only where the text shows it: after
    the block's last note, on this page, a line going on in lower case and running to the
    abstract's end heading ("CCS CONCEPTS"): AutoDroid's "The results" ... "demonstrated that
    ..." around its permission block; or at the top of the next page, likewise up to an end
    heading: the Chinese journal paper's "which is better than the" ... "three traditional
    machine learning algorithm models." before "Keywords:". A note's own wrapped lines are
    in lower case too, hence the end heading: without one the abstract stops where it was cut.
    """
    if not clean_text(so_far) or _ENDS_SENTENCE.search(clean_text(so_far)):
        return []
    end = next((k for k in range(stop, len(lines)) if _ABSTRACT_END.match(lines[k])), None)
    if end is not None:
        last_note = max(k for k in range(stop, end) if _FRONT_MATTER.match(lines[k]))
        rest = lines[last_note + 1 : end]
        if rest and _CONTINUES.match(rest[0]):
            return rest
        return []
    if following is None:
        return []
    next_lines = following.text.split("\n")
    end = next((k for k, line in enumerate(next_lines) if _ABSTRACT_END.match(line)), None)
    if end and _CONTINUES.match(next_lines[0]):
        rest = next_lines[:end]
        if not any(_FRONT_MATTER.match(line) for line in rest):
            return rest
    return []


def extract(path: Path) -> PdfText:
    """Open a PDF (an empty user password is tried) and read every page's text."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        message = str(exc)
        if "password" in message.casefold():
            raise LibraryFileError(
                path, "is encrypted and needs a password; save an unprotected copy"
            ) from exc
        raise LibraryFileError(path, f"cannot open as a PDF ({message})") from exc
    try:
        encrypted = bool(pdfium.raw.FPDF_GetSecurityHandlerRevision(document.raw) != -1)
        metadata = document.get_metadata_dict(skip_empty=True)
        raw_pages: list[str] = []
        first_lines: list[tuple[float, str]] = []
        unreadable: list[int] = []
        for index in range(len(document)):
            try:
                page = document[index]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                if index == 0:
                    first_lines = _lines_with_sizes(textpage, text)
                text = without_unmapped_lines(textpage) or text
                textpage.close()
                page.close()
            except pdfium.PdfiumError:  # one damaged page costs that page, not the paper
                text = ""
                unreadable.append(index + 1)
            raw_pages.append(text)
    finally:
        document.close()
    pages = clean_pages(raw_pages)
    meta_title = clean_text(metadata.get("Title", ""))
    if meta_title and (
        len(meta_title) < TITLE_MIN_CHARS
        or re.search(r"\.(pdf|dvi|docx?)$|^untitled|^microsoft word", meta_title, re.IGNORECASE)
    ):
        meta_title = ""
    page_title, last = _title_from_page(first_lines)
    vocabulary = {w.casefold() for p in pages for w in re.findall(r"\w+", p.text)}
    title = meta_title or (_repair(page_title, vocabulary) if page_title else None)
    authors = _authors(metadata, first_lines, last)
    first = "\n".join(raw_pages[:1])
    stamp_text = first + "\n" + metadata.get("Subject", "") + "\n" + metadata.get("Keywords", "")
    return PdfText(
        pages=without_front_matter(pages),
        title=title,
        authors=authors,
        doi=find_doi(stamp_text),
        arxiv_id=find_arxiv(stamp_text),
        # CreationDate is when the file was made, not when the paper appeared.
        year=_year_from_page(first),
        encrypted=encrypted,
        unreadable_pages=unreadable,
    )


# How much text may stand above a paper's "Abstract" heading and still be its front matter
# (title, authors, affiliations, e-mails, a permission notice): the real PDFs hold 82-717
# characters there, a Chinese journal's page 944 (its Chinese abstract, kept by the sentence
# test), and MapReduce's CACM reprint 3,912 (its introduction, set before the abstract).
FRONT_MATTER_CHARS = 1200
# A sentence's end after a word, not an initial's ("Forrest N. Iandola", "sp. z o. o.").
_SENTENCE_END = re.compile(r"(?<=[a-z]{2})[.!?](?=\s+[A-Z])|[。！？]")


def without_front_matter(pages: tuple[PageText, ...]) -> tuple[PageText, ...]:
    """The pages without what stands above the abstract's heading: the title, the authors,
    their affiliations and e-mails. Passages are searched and quoted as the paper's text, and
    that block was read into the abstract's first sentence: an answer quoted "Northeastern
    University noahshinn024@gmail.com Federico Cassano ... Abstract Large language models
    ..." as Reflexion's finding. The title and authors are the paper's metadata already.

    Only a short block with no sentences in it and no introduction heading is cut (a page
    that sets its introduction or another language's abstract first keeps it); a page before
    the abstract's page is dropped by the same test (Paxos Made Simple's page 1 is its title,
    author and date)."""
    for index, page in enumerate(pages[:2]):
        lines = page.text.split("\n")
        start = next((i for i, line in enumerate(lines) if _ABSTRACT_START.match(line)), None)
        if start is None:
            continue
        before = [*(p.text for p in pages[:index]), *lines[:start]]
        if not before or not _front_matter(before):
            return pages
        heading_page = PageText(page.page, "\n".join(lines[start:]))
        return (heading_page, *pages[index + 1 :])
    return pages


def _front_matter(lines: list[str]) -> bool:
    text = "\n".join(lines)
    return (
        len(text) <= FRONT_MATTER_CHARS
        and len(_SENTENCE_END.findall(text)) < 3
        and not any(_ABSTRACT_END.match(line) for line in text.split("\n"))
    )


_PAGE_YEAR = re.compile(r"(?<![\d.])(19[5-9]\d|20\d\d)(?![\d])")
_DATED_LINE = re.compile(r"©|\(c\)|copyright|\((?:19|20)\d\d\)", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"  # "Nov", "November"
# A line that is a date and nothing else ("01 Nov 2001", "November 1, 2001", "May 2004",
# "2001-11-01"): a manuscript dating itself under its title, as Paxos Made Simple does.
_DATE_ONLY = re.compile(
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?\d{{4}}"
    r"|\d{4}-\d\d-\d\d",
    re.IGNORECASE,
)


def _year_from_page(first_page: str) -> str | None:
    """The year a paper's first page dates it by, where no arXiv stamp does.

    Only lines that date the paper count: a venue, journal or copyright line
    ("Machine Learning, 20, 273-297 (1995)", "© 2023 Copyright held by the
    owner/author(s)"), or a line that is a date alone ("01 Nov 2001"), not the
    body ("(Fisher, 1936)"). The most frequent such year wins (the later on a
    tie); none later than this year.
    """
    import datetime

    this_year = datetime.date.today().year
    years: Counter[int] = Counter()
    for line in first_page.splitlines():
        if (
            _DATED_LINE.search(line)
            or _NOT_TITLE.search(line)
            or _DATE_ONLY.fullmatch(line.strip())
        ):
            years.update(y for y in map(int, _PAGE_YEAR.findall(line)) if y <= this_year)
    if not years:
        return None
    return str(max(years, key=lambda y: (years[y], y)))


def paper_year(text: PdfText) -> str | None:
    """The year a PDF dates its paper by: its arXiv id's, else its first page's dated lines."""
    return _arxiv_year(text.arxiv_id) or text.year


def _arxiv_year(arxiv_id: str | None) -> str | None:
    """``2303.11366`` was submitted in 2023 (a PDF's CreationDate is only when it was built)."""
    match = re.match(r"(\d\d)(\d\d)\.", arxiv_id or "")
    return f"20{match.group(1)}" if match else None


def _title_from_name(path: Path) -> str | None:
    """A file name that reads as a title ("Dean and Ghemawat - 2008 - MapReduce ...")."""
    stem = path.stem.replace("_", " ")
    parts = [p.strip() for p in stem.split(" - ")]
    candidate = parts[-1] if len(parts) >= 3 else stem
    return candidate if len(candidate.split()) >= 3 else None


def read_pdf(path: Path) -> Collected:
    """One PDF, one paper: its text is the full text; its abstract section stands in as abstract."""
    collected = Collected()
    text = extract(path)
    if not text.pages:
        raise LibraryFileError(
            path, "has no text layer (a scan without OCR?); nothing to index from it"
        )
    title = text.title or _title_from_name(path)
    if title is None:
        collected.warn(path, None, "no title in its metadata, on its first page or in its name")
    elif text.title is None:
        collected.warn(
            path, None, f"no title in its metadata or on its first page; using {title!r}"
        )
    if text.unreadable_pages:
        pages = ", ".join(map(str, text.unreadable_pages))
        collected.warn(path, None, f"page(s) {pages} could not be read; the rest is kept")
    collected.keep(
        path,
        None,
        title=title,
        abstract=None,
        authors=text.authors,
        year=paper_year(text),
        extra={"pdf": str(path)},
        doi=text.doi,
        arxiv_id=text.arxiv_id,
        full_text=text.pages,
    )
    return collected
