"""BibTeX for exactly the papers a draft cites: stable, readable keys, written by bibtexparser.

What goes in is what a paper's bibliography should print: text fields escaped for LaTeX,
identifiers (DOI, URL, eprint) as written since styles print them verbatim, a URL for every
paper that has any identifier, the user's own fields (``note`` included), each author once.
litreview's own paper id goes in a field no style prints.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from litreview.reading.build import written_once
from litreview.reading.dedupe import alias_keys, citation_key
from litreview.reading.paper import Paper
from litreview.review.bibtypes import entry_type, short_title

if TYPE_CHECKING:
    from bibtexparser.model import Entry

# Plain text (titles, names, abstracts from any format) -> LaTeX: the characters that stop
# LaTeX or BibTeX. Braces become commands: BibTeX counts every brace, escaped or not, so an
# unbalanced one (even ``\{``) breaks the whole .bib file.
LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\^{}",
}
_BARE = re.compile(r"(?<!\\)([&%#])")
# Fields styles print verbatim (``\url{}``, ``\doi{}``, biblatex's verbatim fields): an
# escape there is printed, so ``10.1007/...-5\_6`` is a broken DOI. ``howpublished`` is one
# when its value is a ``\url{...}``.
VERBATIM = frozenset({"doi", "url", "eprint", "file"})
_WRAPPED_URL = re.compile(r"^\s*\\url\s*\{(.*)\}\s*$", re.DOTALL)
# What escaping it as a text field (BibDesk's ``Doi = {...\_21}``) did to a verbatim value.
_ESCAPED = re.compile(r"\\([_%#&$])")
_SYMBOLS = (
    (re.compile(r"\{\\textunderscore\}|\\textunderscore(?:\{\}|\s*)"), "_"),
    (re.compile(r"\{\\textasciitilde\}|\\textasciitilde(?:\{\}|\s*)|\\~\{\}"), "~"),
)
# The field litreview's paper id goes in: styles print ``note``, none prints this.
ID_FIELD = "litreview-id"
# Imported fields written back as they came (raw BibTeX), in this order.
PASSED_THROUGH = (
    "journal",
    "booktitle",
    "editor",
    "volume",
    "number",
    "pages",
    "chapter",
    "edition",
    "series",
    "month",
    "publisher",
    "address",
    "organization",
    "institution",
    "school",
    "howpublished",
    "isbn",
    "issn",
    "doi",
    "eprint",
    "archiveprefix",
    "primaryclass",
    "note",
)

# What exports write where a value is unknown: a Zotero library's place "Not Known" (6 items
# of ganeshbelgur's), an abstract "Not Available" (thiagohonorato's); plainnat printed it as
# the value ("143--150, Not Known, 1986."). Compared ignoring case, spaces and braces.
_PLACEHOLDERS = frozenset(
    {"", "-", "--", "–", "—", "?", "not known", "unknown", "not available", "n/a", "n.d."}
)

# BibTeX's month macros: written back braced ("{mar}"), a style would print "mar" as is;
# the month's name prints as the macro would.
_MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
_MONTHS = {name[:3].casefold(): name for name in _MONTH_NAMES.split()}

# A citation key BibTeX and biblatex read as one (no space, comma, brace, quote...).
_KEY = re.compile(r'^[^\s,{}"#%\'()=\\~]+$')

_STOP = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "via", "towards", "is"}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def base_key(paper: Paper) -> str:
    """``smith2023robust`` when authors and year are known, else from the title (``harmony``).

    A key the paper already had (from a BibTeX import) is kept, so drafts cite
    what the researcher's own bibliography calls it. A first author with no Latin letters
    ("苑宁之") counts as none: the key comes from the title's Latin words, or is
    ``anon2023`` for a title without any (it was the bare year, ``2023``);
    :func:`assign_keys` tells such papers apart as it does any clash.
    """
    kept = citation_key(paper)  # a BibTeX import's, Zotero 7's / Better BibTeX's
    if kept:
        return kept
    words = [w for w in re.findall(r"[a-z0-9]+", _ascii(paper.title).lower()) if w not in _STOP]
    head = paper.title.split(":", 1)[0]
    if ":" in paper.title and len(head.split()) <= 3:
        title_part = re.sub(r"[^a-z0-9]", "", _ascii(head).lower())
    else:
        title_part = "".join(words[:2])
    if paper.authors:
        last = (
            paper.authors[0].split(",")[0].split()[-1]
            if "," in paper.authors[0]
            else paper.authors[0].split()[-1]
        )
        surname = re.sub(r"[^a-z]", "", _ascii(last).lower())
        if surname:
            # The title's first word of letters: "3-D Visual simulation" gave goldstein19713,
            # read as the year 19713.
            word = next((w for w in words if w[0].isalpha() and len(w) > 1), "")
            return f"{surname}{paper.year or ''}{word}"
    return f"{title_part or 'anon'}{paper.year or ''}"


def assign_keys(papers: Sequence[Paper]) -> dict[str, str]:
    """paper_id -> key, unique within the draft (b, c, ... suffixes in citation order)."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    for paper in papers:
        key = base_key(paper)
        candidate, suffix = key, ord("b")
        while candidate in used:
            candidate = f"{key}{chr(suffix)}"
            suffix += 1
        used.add(candidate)
        keys[paper.paper_id] = candidate
    return keys


# -- characters pdflatex cannot typeset --------------------------------------------------------
# pdflatex reads UTF-8 (inputenc utf8, the default) but typesets only what a font encoding
# declares; anything else stops the build: "Unicode character ε (U+03B5) not set up for use with
# LaTeX". T1 declares the accented Latin letters (é, ã, ç, ł, ő, ș...) and typographic quotes
# and dashes: those stay as written, readable in the .tex and .bib. The rest becomes LaTeX.
_T1_LATIN_MISSING = frozenset("ĦħĸĿŀŉŦŧſ")  # Latin-1 and Latin Extended-A letters T1 lacks
_T1_PUNCTUATION = frozenset("\u00a0«»–—‘’“”")


def _kept_as_utf8(ch: str) -> bool:
    return (
        "\u00c0" <= ch <= "\u017f"
        and unicodedata.category(ch).startswith("L")
        and ch not in _T1_LATIN_MISSING
    ) or ("\u0218" <= ch <= "\u021b" or ch in _T1_PUNCTUATION)


def _ranges(spec: str) -> frozenset[int]:
    points: set[int] = set()
    for part in spec.split():
        first, _, last = part.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


# pylatexenc's table (1,540 characters) also names macros of packages a paper may not load
# (amssymb's, mathrsfs's, Cyrillic fonts'); only the characters whose LaTeX compiles in a bare
# article (utf8, OT1 or T1 fonts) are taken from it. test_latex_unicode.py compiles them all.
_PYLATEXENC_COMPILES = _ranges(
    """
    00A0-00AA 00AC-00B7 00B9-00BA 00BC-00CF 00D1-00DD 00DF-00EF 00F1-00FD 00FF-0103 0106-010F
    0112-0117 011A-012D 0130-0148 014C-0171 0174-017E 0192 01E7 01F5 0228-0229 02B7 02BC 02C6-02C7
    02D8-02DA 02DC-02DD 0307-0308 0386 0388-038A 038C 038E-038F 0391-03A1 03A3-03CE 03D1 03D5-03D6
    03F1 03F5 0E3F 2000-200A 200C 2010 2012-2016 2018-2019 201C-201D 2020-2022 2024-2026 2030-2034
    203B 203D 2044 204E 2052 2057 205F-2061 2070-2071 2074-208E 2090-2093 2095-209C 20A1 20A4 20A6
    20A9 20AB-20AC 20B1 2103 2109-210A 210E-210F 2113 2116-2118 211E 2120 2122 2126-2127 212A-212B
    212E-212F 2134-2135 2190-2199 21A6 21A9-21AA 21BC-21BD 21C0-21C1 21CC 21D0-21D5 2200 2202-2203
    2206-220D 220F-2213 2215 2217-221E 2220 2223 2225 2227-222B 222E 2236-2237 223A 223C 2240-2241
    2243-2245 2247-2249 224D 2250 2254-2255 2260-2262 2264-2265 226A-226B 226D 227A-227D 2282-2287
    228E 2291-2299 22A2-22A5 22C0-22C6 22C8 22E2-22E3 22EE-22EF 22F1 2308-230B 2316 2322-2323
    2329-232A 23B0-23B1 2422-2423 25AD 25B3 25B9 25BD 25C3 25CB 25E6 25EF 2662 266A 27E8-27E9
    27F5-27FA 27FC 2993 2A3F 2A6E 2A75 2AAF-2AB0 2AFD 3008-3009 FB00-FB04 1D400-1D467 1D5A0-1D5D3
    1D670-1D6A3 1D7CE-1D7D7 1D7E2-1D7EB 1D7F6-1D7FF
    """
)
# Accents base LaTeX puts over any letter, for one that neither T1 nor pylatexenc has:
# Vietnamese "ễ" is e, circumflex, tilde: {\~{\^{e}}}.
_ACCENTS = {
    "\u0300": "\\`",
    "\u0301": "\\'",
    "\u0302": "\\^",
    "\u0303": "\\~",
    "\u0304": "\\=",
    "\u0306": "\\u",
    "\u0307": "\\.",
    "\u0308": '\\"',
    "\u030a": "\\r",
    "\u030b": "\\H",
    "\u030c": "\\v",
    "\u0323": "\\d",
    "\u0326": "\\textcommabelow",
    "\u0327": "\\c",
    "\u0331": "\\b",
}
# A letter with the combining accents that follow it.
_CLUSTER = re.compile(r".[\u0300-\u036f]*", re.DOTALL)
# What a run of characters nothing typesets (Chinese, emoji) is written as: visibly missing
# rather than dropped, so the reader of the PDF sees something is gone.
UNTYPESET = "{[?]}"


@functools.cache
def _encoder() -> object:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True, replacement_latex_protection="braces-almost-all"
    )


@functools.lru_cache(maxsize=4096)
def _as_latex(cluster: str) -> str | None:
    """LaTeX for a character pdflatex cannot typeset as UTF-8 (with its accents), or None."""
    if len(cluster) == 1 and ord(cluster) in _PYLATEXENC_COMPILES:
        return str(_encoder().unicode_to_latex(cluster))  # type: ignore[attr-defined]
    category = unicodedata.category(cluster[0])
    if category in ("Zs", "Zl", "Zp"):  # thin, narrow no-break... spaces, line separators
        return " "
    if category in ("Cf", "Cc"):  # zero-width space, byte-order mark, joiners: nothing shows
        return ""
    pieces: list[str] = []  # a compatibility form: "ǅ" is Dž, "ﬀ" is ff, "ễ" e + accents
    accented: set[int] = set()
    for ch in unicodedata.normalize("NFKD", cluster):
        if ch in _ACCENTS and pieces:
            pieces[-1] = f"{_ACCENTS[ch]}{{{pieces[-1]}}}"
            accented.add(len(pieces) - 1)
        elif ch.isascii():
            pieces.append(LATEX_SPECIAL.get(ch, ch))
        elif _kept_as_utf8(ch):
            pieces.append(ch)
        elif ord(ch) in _PYLATEXENC_COMPILES:
            pieces.append(str(_encoder().unicode_to_latex(ch)))  # type: ignore[attr-defined]
        else:
            return None
    # braced as BibTeX's special characters are, so it sorts and abbreviates them as letters
    return "".join(f"{{{p}}}" if i in accented else p for i, p in enumerate(pieces)) or None


def _encode(
    text: str, specials: Mapping[str, str], lost: list[str] | None = None, unicode: bool = False
) -> str:
    if text.isascii() or unicode:  # xelatex, lualatex and biber read any character as itself
        return "".join(specials.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
    out: list[str] = []
    for cluster in _CLUSTER.findall(unicodedata.normalize("NFC", text)):
        if cluster.isascii() and len(cluster) == 1:
            out.append(specials.get(cluster, cluster))
        elif len(cluster) == 1 and _kept_as_utf8(cluster):
            out.append(cluster)
        elif (latex := _as_latex(cluster)) is not None:
            out.append(latex)
        else:
            if lost is not None:
                lost.append(cluster)
            if not out or out[-1] != UNTYPESET:
                out.append(UNTYPESET)
    return "".join(out)


def latex_escape(
    text: str, specials: Mapping[str, str] = LATEX_SPECIAL, *, unicode: bool = False
) -> str:
    """Plain text as LaTeX that typesets to the same characters with pdflatex.

    ``specials`` spells the ASCII characters LaTeX reads as markup (BibTeX's, by
    default). Accented Latin letters stay as written; Greek, math symbols and the
    like become LaTeX (``\\ensuremath{\\varepsilon}``, ``{\\texttimes}``); a run of
    characters nothing typesets (Chinese, emoji) becomes :data:`UNTYPESET`.
    With ``unicode`` (for xelatex, lualatex, biber) only the ASCII markup is
    escaped: every other character stays as written.
    """
    return _encode(text, specials, unicode=unicode)


def untypeset(text: str) -> str:
    """The characters of ``text`` written as :data:`UNTYPESET`, each once."""
    lost: list[str] = []
    _encode(text, {}, lost)
    return "".join(dict.fromkeys(lost))


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def latex_safe(raw: str, *, unicode: bool = False) -> str:
    """A raw imported BibTeX value, kept as written unless it would stop LaTeX.

    Its markup (``{\\"u}``, ``\\&``, ``--``) is the researcher's and is kept; a
    bare ``&``, ``%`` or ``#`` (common in hand-edited or converted files) is
    escaped, and a value with unbalanced braces is escaped as plain text.
    Other characters are as :func:`latex_escape` writes them (``unicode`` too).
    """
    if not _balanced(raw):
        return latex_escape(raw, unicode=unicode)
    # markup is ASCII: only the rest changes
    return _encode(_BARE.sub(r"\\\1", raw), {}, unicode=unicode)


def verbatim(raw: str) -> str:
    """A DOI, URL or eprint as a style prints it: verbatim, so as the identifier itself.

    Whatever made it LaTeX on the way in is undone: escapes a text field needed
    (``\\_``, ``\\%``, ``\\textunderscore{}``) and a ``\\url{...}`` wrapper. Braces are
    the one thing BibTeX itself needs balanced; unbalanced ones are percent-encoded.
    """
    value = raw.strip()
    wrapped = _WRAPPED_URL.match(value)
    if wrapped:
        value = wrapped.group(1).strip()
    for pattern, char in _SYMBOLS:
        value = pattern.sub(char, value)
    value = _ESCAPED.sub(r"\1", value)
    if not _balanced(value):
        value = value.replace("{", "%7B").replace("}", "%7D")
    return value


def ascii_url(url: str) -> str:
    """A URL with its non-ASCII characters (and spaces) percent-encoded as UTF-8, RFC 3986's
    URI for an IRI: ``.../wiki/Müller`` -> ``.../wiki/M%C3%BCller``.

    ``\\url{}`` reads its argument verbatim, byte by byte: pdflatex printed and linked
    ``https://x.org/Müller`` as "https://x.org/MÃ¼ller". Encoded, the link is the same
    one, and it prints. The rest is kept as written, an existing ``%XX`` included (it
    is not encoded twice).
    """
    from urllib.parse import quote

    def encoded(ch: str) -> str:
        if ch.isascii() and ch.isprintable() and ch != " ":
            return ch
        return quote(ch, safe="", errors="replace")

    return "".join(encoded(ch) for ch in url)


def _name_key(name: str) -> str:
    """``Gamus, Benny`` and ``Benny  gamus`` are one person: compared as "benny gamus"."""
    last, comma, first = name.partition(",")
    ordered = f"{first} {last}" if comma else name
    return " ".join(ordered.casefold().split())


def unique_authors(authors: Sequence[str]) -> tuple[str, ...]:
    """The authors as a bibliography prints them: a list written twice over once.

    Corpus rows repeat whole author lists ("Benny Gamus, Yizhar Or, Benny Gamus,
    Yizhar Or": 18,002 of 50,000 rows of the shared conference corpus); the reader
    reads them once, and this is for a catalog filled before it did. The reader's
    rule (:func:`~litreview.reading.build.written_once`), spellings compared as one
    person's: one name met twice is two people and stays (it dropped a second
    "Wei Wang").
    """
    return written_once(authors, _name_key)


# Han, kana, Hangul: scripts whose names are written family name first ("山田 太郎").
_CJK = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]")


def bibtex_name(name: str, latex: str) -> str:
    """An author as BibTeX should read it: ``latex`` (``name`` escaped), braced whole when
    ``name`` is a Chinese, Japanese or Korean name with a space ("山田 太郎").

    BibTeX takes the last word for the family name, so plainnat cited "山田 太郎" as "太郎"
    (the given name) and sorted by it; braced, it cites and sorts the name as written.
    """
    if "," in name or not _CJK.search(name) or re.search(r"[A-Za-z]", _ascii(name)):
        return latex
    return f"{{{latex}}}" if len(name.split()) > 1 else latex


def placeholder(value: str | None) -> bool:
    """Whether a field's value says only that it is unknown ("Not Known", "N/A", "-", "")."""
    return (value or "").strip().strip("{}").strip().casefold() in _PLACEHOLDERS


def _passed_through(paper: Paper) -> dict[str, str]:
    """The imported fields to write, plus the DOI and arXiv id whatever the paper came from."""
    values = {n: v for n in PASSED_THROUGH if (v := paper.extra.get(n)) and not placeholder(v)}
    if values.get("month", "").casefold() in _MONTHS:
        values["month"] = _MONTHS[values["month"].casefold()]
    if paper.doi and not placeholder(paper.doi) and "doi" not in values:
        values["doi"] = paper.doi
    if paper.arxiv_id and not placeholder(paper.arxiv_id) and "eprint" not in values:
        values |= {"eprint": paper.arxiv_id, "archiveprefix": "arXiv"}
    return {name: values[name] for name in PASSED_THROUGH if name in values}


def finding_url(paper: Paper, doi: str | None = None) -> str | None:
    """Where a reader finds the paper: its own URL, else its DOI's, else its arXiv page.

    plainnat prints a ``@misc``'s ``url`` but not its ``doi`` or ``eprint``, so an
    arXiv-only paper printed as authors, title and year, with no way to find it.
    The DOI comes first when both are known: it names the version of record.
    """
    if not placeholder(paper.url) and verbatim(paper.url or ""):
        return ascii_url(verbatim(paper.url or ""))
    doi = doi or paper.doi
    if not placeholder(doi):
        return ascii_url(f"https://doi.org/{verbatim(doi or '')}")
    if not placeholder(paper.arxiv_id):
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    return None


def _aliases(paper: Paper, taken: set[str]) -> list[str]:
    """The paper's other keys (merged duplicates'), each once and none another entry's."""
    out = [k for k in alias_keys(paper) if _KEY.match(k) and k not in taken]
    taken.update(out)
    return out


# The file beside references.bib with the entries' original text, when pdflatex cannot
# typeset some of it (Chinese, Japanese, Cyrillic...): for xelatex, lualatex or biber.
UTF8_NAME = "references-utf8.bib"


def write_bibtex(
    papers: Sequence[Paper], keys: dict[str, str], *, unicode: bool = False, original: str = ""
) -> str:
    """The entries, valid for BibTeX and LaTeX whatever the papers' text contains.

    For pdflatex by default; with ``unicode``, every character as written, for xelatex,
    lualatex and biber. What pdflatex cannot typeset is :data:`UNTYPESET` and named in a
    comment at the top, which says it is in ``original`` (a file's name) when given.
    A paper with other keys (its merged duplicates', ``extra["ids"]``) lists them in
    biblatex's ``ids`` field, so a manuscript citing any of them finds the entry;
    BibTeX ignores the field.
    """
    import bibtexparser
    from bibtexparser.model import ImplicitComment

    library = bibtexparser.Library()  # type: ignore[attr-defined]
    taken = set(keys.values())
    lost: list[str] = []
    entries = [_entry(paper, keys[paper.paper_id], taken, unicode, lost) for paper in papers]
    if unicode:
        library.add(ImplicitComment(_original_note()))
    elif lost:
        library.add(ImplicitComment(untypeset_note(lost, original)))
    for entry in entries:
        library.add(entry)
    return str(bibtexparser.write_string(library))  # type: ignore[attr-defined]


def bibliographies(papers: Sequence[Paper], keys: dict[str, str]) -> tuple[str, str | None]:
    """references.bib for pdflatex, and :data:`UTF8_NAME`'s text when it lost characters.

    pdflatex users are the most; xelatex and biber users get their text back from the
    second file, which only exists when the first could not hold it all.
    """
    if not any(untypeset(" ".join(_texts(p))) for p in papers):
        return write_bibtex(papers, keys), None
    return (
        write_bibtex(papers, keys, original=UTF8_NAME),
        write_bibtex(papers, keys, unicode=True),
    )


def _texts(paper: Paper) -> list[str]:
    """The paper's text written in references.bib (its identifiers apart)."""
    authors = unique_authors([a for a in paper.authors if not placeholder(a)])
    passed = _passed_through(paper)
    return [
        paper.title,
        *authors,
        paper.abstract,
        *(v for n, v in passed.items() if n not in VERBATIM),
    ]


def _entry(paper: Paper, key: str, taken: set[str], unicode: bool, lost: list[str]) -> Entry:
    from bibtexparser.model import Entry, Field

    def text(value: str) -> str:
        return latex_escape(value, unicode=unicode)

    fields = [Field("title", "{" + text(paper.title) + "}")]
    authors = unique_authors([a for a in paper.authors if not placeholder(a)])
    if authors:
        names = (bibtex_name(a, text(a)) for a in authors)
        fields.append(Field("author", " and ".join(names)))
    elif sort_as := (paper.extra.get("key") or short_title(paper.title)):
        # plainnat sorts and cites a work with no author by its key ("noa, 2017" without one)
        fields.append(Field("key", text(sort_as)))
    if paper.year:
        fields.append(Field("year", str(paper.year)))
    aliases = _aliases(paper, taken)
    if aliases:
        fields.append(Field("ids", ", ".join(aliases)))
    # A BibTeX import's values are LaTeX (kept as written); any other source's (a Zotero
    # item's journal, a note with "%") are plain text. Identifiers are neither.
    imported = bool(paper.extra.get("bibtex_key"))
    passed = _passed_through(paper)
    for name, value in passed.items():
        if name in VERBATIM:
            fields.append(Field(name, verbatim(value)))
        elif name == "howpublished" and _WRAPPED_URL.match(value):
            fields.append(Field(name, f"\\url{{{ascii_url(verbatim(value))}}}"))
        else:
            fields.append(
                Field(name, latex_safe(value, unicode=unicode) if imported else text(value))
            )
    url = finding_url(paper, passed.get("doi"))
    if url:
        fields.append(Field("url", url))
    # Abstracts are plain text once read (the readers undo \%, \& ...), whatever the format.
    if not placeholder(paper.abstract):
        fields.append(Field("abstract", text(paper.abstract)))
    fields.append(Field(ID_FIELD, paper.paper_id))
    if missing := untypeset(" ".join(_texts(paper))):
        lost.append(f"{key} ({missing})")
    return Entry(entry_type(paper, passed), key, fields)


def _original_note() -> str:
    return _comment(
        "litreview: these entries with their original text (UTF-8), for xelatex, lualatex or "
        "biber. references.bib beside it has the same entries for pdflatex, which cannot "
        "typeset some of their characters."
    )


def _comment(text: str) -> str:
    import textwrap

    return "\n".join("% " + line for line in textwrap.wrap(text, 96, break_on_hyphens=False))


def untypeset_note(where: Sequence[str], original: str = "") -> str:
    """A LaTeX comment saying which characters were written as :data:`UNTYPESET`, and where:
    in the file itself, since the one who sees "[?]" in the PDF opens it, and a draft
    exported from the chat UI has no terminal to say it on. ``original`` names the file
    holding the text as written, when there is one.
    """
    if original.endswith(".tex"):
        then = (
            f"The draft as written is {original}, beside this file: input it instead, cite "
            f"from {UTF8_NAME}, and compile with xelatex or lualatex."
        )
    elif original:
        then = (
            f"Their original text is in {original}, beside this file: cite from it "
            f"(\\bibliography{{{original.removesuffix('.bib')}}}) and compile with xelatex or "
            "lualatex."
        )
    else:
        then = "Write them in by hand, and compile with xelatex or lualatex."
    return _comment(
        f"litreview: pdflatex cannot typeset these characters, so each run of them is written "
        f"{UNTYPESET}: {'; '.join(where)}. {then}"
    )
