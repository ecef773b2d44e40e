"""BibTeX for exactly the papers a draft cites: stable, readable keys, written by bibtexparser."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from litreview.reading.paper import Paper

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
_URL_SPECIAL = re.compile(r"(?<!\\)([%#])")
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
)

# BibTeX's month macros: written back braced ("{mar}"), a style would print "mar" as is;
# the month's name prints as the macro would.
_MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
_MONTHS = {name[:3].casefold(): name for name in _MONTH_NAMES.split()}

_STOP = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "via", "towards", "is"}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def base_key(paper: Paper) -> str:
    """``smith2023robust`` when authors and year are known, else from the title (``harmony``).

    A key the paper already had (from a BibTeX import) is kept, so drafts cite
    what the researcher's own bibliography calls it.
    """
    for kept in ("bibtex_key", "citation_key"):  # a BibTeX import's, Zotero 7's / Better BibTeX's
        if paper.extra.get(kept):
            return paper.extra[kept]
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
        return f"{surname}{paper.year or ''}{words[0] if words else ''}"
    return f"{title_part or 'paper'}{paper.year or ''}"


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


def latex_escape(text: str) -> str:
    """Plain text as LaTeX that typesets to the same characters."""
    return "".join(LATEX_SPECIAL.get(ch, ch) for ch in text)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def latex_safe(raw: str) -> str:
    """A raw imported BibTeX value, kept as written unless it would stop LaTeX.

    Its markup (``{\\"u}``, ``\\&``, ``--``) is the researcher's and is kept; a
    bare ``&``, ``%`` or ``#`` (common in hand-edited or converted files) is
    escaped, and a value with unbalanced braces is escaped as plain text.
    """
    if not _balanced(raw):
        return latex_escape(raw)
    return _BARE.sub(r"\\\1", raw)


def _passed_through(paper: Paper) -> dict[str, str]:
    """The imported fields to write, plus the DOI and arXiv id whatever the paper came from."""
    values = {name: paper.extra[name] for name in PASSED_THROUGH if paper.extra.get(name)}
    if values.get("month", "").casefold() in _MONTHS:
        values["month"] = _MONTHS[values["month"].casefold()]
    if paper.doi and "doi" not in values:
        values["doi"] = paper.doi
    if paper.arxiv_id and "eprint" not in values:
        values |= {"eprint": paper.arxiv_id, "archiveprefix": "arXiv"}
    return {name: values[name] for name in PASSED_THROUGH if name in values}


def write_bibtex(papers: Sequence[Paper], keys: dict[str, str]) -> str:
    """The entries, valid for BibTeX and LaTeX whatever the papers' text contains."""
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()  # type: ignore[attr-defined]
    for paper in papers:
        fields = [Field("title", "{" + latex_escape(paper.title) + "}")]
        if paper.authors:
            fields.append(Field("author", " and ".join(latex_escape(a) for a in paper.authors)))
        if paper.year:
            fields.append(Field("year", str(paper.year)))
        # A BibTeX import's values are LaTeX (kept as written); any other source's (a Zotero
        # item's journal, a DOI with "_") are plain text.
        as_latex = latex_safe if paper.extra.get("bibtex_key") else latex_escape
        for name, value in _passed_through(paper).items():
            fields.append(Field(name, as_latex(value)))
        if paper.url:
            fields.append(Field("url", _URL_SPECIAL.sub(r"\\\1", paper.url)))
        # Abstracts are plain text once read (the readers undo \%, \& ...), whatever the format.
        fields.append(Field("abstract", latex_escape(paper.abstract)))
        fields.append(Field("note", f"litreview id {paper.paper_id}"))
        entry_type = paper.extra.get("entry_type", "misc")
        library.add(Entry(entry_type, keys[paper.paper_id], fields))
    return str(bibtexparser.write_string(library))  # type: ignore[attr-defined]
