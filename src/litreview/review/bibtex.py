"""BibTeX for exactly the papers a draft cites: stable, readable keys, written by bibtexparser.

What goes in is what a paper's bibliography should print: text fields escaped for LaTeX,
identifiers (DOI, URL, eprint) as written since styles print them verbatim, a URL for every
paper that has any identifier, the user's own fields (``note`` included), each author once.
litreview's own paper id goes in a field no style prints.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from litreview.reading.build import written_once
from litreview.reading.dedupe import alias_keys, citation_key
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
    what the researcher's own bibliography calls it.
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


def finding_url(paper: Paper, doi: str | None = None) -> str | None:
    """Where a reader finds the paper: its own URL, else its DOI's, else its arXiv page.

    plainnat prints a ``@misc``'s ``url`` but not its ``doi`` or ``eprint``, so an
    arXiv-only paper printed as authors, title and year, with no way to find it.
    The DOI comes first when both are known: it names the version of record.
    """
    if paper.url and verbatim(paper.url):
        return verbatim(paper.url)
    doi = doi or paper.doi
    if doi:
        return f"https://doi.org/{verbatim(doi)}"
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    return None


def entry_type(paper: Paper, fields: dict[str, str]) -> str:
    """The entry's type: the paper's, but an ``@article`` without a journal is a ``@misc``.

    BibTeX warns "empty journal" for such an article (a Zotero item typed as a journal
    article with no publication: ``bloom2003errors``) and prints a dangling comma. The
    user's own BibTeX entry keeps the type they gave it, whatever it lacks.
    """
    kind = paper.extra.get("entry_type") or "misc"
    users_own = bool(paper.extra.get("bibtex_key"))
    if kind.casefold() == "article" and not fields.get("journal") and not users_own:
        return "misc"
    return kind


def _aliases(paper: Paper, taken: set[str]) -> list[str]:
    """The paper's other keys (merged duplicates'), each once and none another entry's."""
    out = [k for k in alias_keys(paper) if _KEY.match(k) and k not in taken]
    taken.update(out)
    return out


def write_bibtex(papers: Sequence[Paper], keys: dict[str, str]) -> str:
    """The entries, valid for BibTeX and LaTeX whatever the papers' text contains.

    A paper with other keys (its merged duplicates', ``extra["ids"]``) lists them in
    biblatex's ``ids`` field, so a manuscript citing any of them finds the entry;
    BibTeX ignores the field.
    """
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()  # type: ignore[attr-defined]
    taken = set(keys.values())
    for paper in papers:
        fields = [Field("title", "{" + latex_escape(paper.title) + "}")]
        authors = unique_authors(paper.authors)
        if authors:
            fields.append(Field("author", " and ".join(latex_escape(a) for a in authors)))
        if paper.year:
            fields.append(Field("year", str(paper.year)))
        aliases = _aliases(paper, taken)
        if aliases:
            fields.append(Field("ids", ", ".join(aliases)))
        # A BibTeX import's values are LaTeX (kept as written); any other source's (a Zotero
        # item's journal, a note with "%") are plain text. Identifiers are neither.
        as_latex = latex_safe if paper.extra.get("bibtex_key") else latex_escape
        passed = _passed_through(paper)
        for name, value in passed.items():
            if name in VERBATIM or (name == "howpublished" and _WRAPPED_URL.match(value)):
                fields.append(Field(name, verbatim(value) if name in VERBATIM else value))
            else:
                fields.append(Field(name, as_latex(value)))
        url = finding_url(paper, passed.get("doi"))
        if url:
            fields.append(Field("url", url))
        # Abstracts are plain text once read (the readers undo \%, \& ...), whatever the format.
        fields.append(Field("abstract", latex_escape(paper.abstract)))
        fields.append(Field(ID_FIELD, paper.paper_id))
        library.add(Entry(entry_type(paper, passed), keys[paper.paper_id], fields))
    return str(bibtexparser.write_string(library))  # type: ignore[attr-defined]
