"""BibTeX, as Zotero, Mendeley, JabRef and BibDesk export it (``abstract`` fields included).

Real exports are not clean: BibDesk capitalises field names (``Abstract =``),
hand-edited files repeat a field (which bibtexparser refuses), some entries
have no title or a date nobody can parse. Each such record is repaired or
skipped with a ``file:line`` warning; only a file with no entries fails.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from litreview.reading.build import Collected, parse_year
from litreview.reading.errors import LibraryFileError

_ABSTRACT_LABEL = re.compile(r"^\s*abstract\s*[:.\-—]\s*", re.IGNORECASE)


# Fields of an imported entry that a draft's references.bib writes back as they came, so a
# cited paper keeps its volume, pages, publisher... (stored raw, LaTeX markup and all, in
# ``Paper.extra``; title, authors and abstract are decoded for search instead).
KEPT_FIELDS = (
    "doi",
    "journal",
    "booktitle",
    "eprint",
    "archiveprefix",
    "primaryclass",
    "volume",
    "number",
    "pages",
    "month",
    "publisher",
    "address",
    "editor",
    "edition",
    "series",
    "chapter",
    "organization",
    "institution",
    "school",
    "howpublished",
    "isbn",
    "issn",
    "note",  # the user's own (Better BibTeX's "Comment: Project Page at ..."): written back
    "ids",  # biblatex's alias keys; a merged duplicate's key joins them (reading.dedupe)
)


def _fields(entry: object) -> tuple[dict[str, str], list[str]]:
    """Field values by lower-case name; the first of a repeated field wins (and is named)."""
    out: dict[str, str] = {}
    repeated: list[str] = []
    for item in getattr(entry, "fields", []):
        name = str(item.key).casefold()
        if name in out:
            if name not in repeated:
                repeated.append(name)
            continue
        out[name] = str(item.value)
    return out, repeated


# Text-mode symbols exporters write that pylatexenc drops: Zotero's own export writes "<" as
# ``{\\textless}``, so "P < 0.05" would read "P 0.05", the opposite finding.
_SYMBOLS = {
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textquotedbl": '"',
    "textunderscore": "_",
    "textminus": "\u2212",
    "S": "\u00a7",
    "P": "\u00b6",
}


def _unknown_macro(node: Any, l2tobj: Any = None) -> str:
    """An unknown macro keeps its name as a word: ``high\\load capacity`` (a mangled
    hyphen) stays "high load capacity", ``we propose \\tool,`` keeps the system's name."""
    return f" {node.macroname}{getattr(node, 'macro_post_space', '')}"


@cache
def _converter() -> Any:
    """pylatexenc's converter, told the symbols above and to keep unknown macros' names."""
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    context = get_default_latex_context_db().filter_context()  # a copy: the default is shared
    context.add_context_category(
        "litreview-symbols",
        macros=[MacroTextSpec(name, text) for name, text in _SYMBOLS.items()],
        prepend=True,
    )
    context.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))
    return LatexNodes2Text(math_mode="verbatim", latex_context=context)


# TeX's quotes: ``...'' and `...'. pylatexenc turns the double pair into curly quotes only
# when something else sends the text through it (a brace, a macro), and leaves the single
# pair alone, so a BibDesk title kept "the need for an ``automatic crap detector''". Paired,
# so an apostrophe ("Hemingway's", "`don't'") and an accent macro (\`e, \'e) are not quotes;
# a single quote opens before a word and closes after one, so "`x` and users' data" is none.
_TEX_DOUBLE_QUOTES = re.compile(r"(?<!\\)``((?:(?!``|'').)+?)''", re.DOTALL)
_TEX_SINGLE_QUOTES = re.compile(
    r"(?<![\w\\`])`(?=[^\s`'])((?:[^`']|(?<=\\)'|'(?=\w))+?)(?<=\S)(?<!\\)'(?![\w'])"
)


def _tex_quotes(value: str) -> str:
    """``a'' -> “a”, `a' -> ‘a’."""
    if "`" not in value:
        return value
    value = _TEX_DOUBLE_QUOTES.sub("\u201c\\1\u201d", value)
    return _TEX_SINGLE_QUOTES.sub("\u2018\\1\u2019", value)


def _decode_latex(value: str | None) -> str | None:
    """``M{\\"u}ller`` -> ``Müller``: names, titles, abstracts are searched as people type them."""
    if value is None:
        return value
    value = _tex_quotes(value)
    if "\\" not in value and "{" not in value:
        return value
    # A bare "%" is a LaTeX comment: decoded as is, "5% better" would lose the rest of the
    # line. Exporters that do not escape it (Mendeley) mean a percent sign.
    value = re.sub(r"(?<!\\)%", r"\\%", value)
    try:
        return " ".join(str(_converter().latex_to_text(value)).split())
    except Exception:  # pylatexenc gives up on some unbalanced input; keep the raw text
        return value


def _authors(value: str | None) -> list[str]:
    names = [_decode_latex(n.strip()) or "" for n in (value or "").split(" and ")]
    return [n for n in names if n and n.casefold() not in ("others", "et al.", "et al")]


def read_bibtex(path: Path, text: str) -> Collected:
    import logging

    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # we report errors ourselves

    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    collected = Collected()
    entries: list[object] = list(library.entries)
    for block in library.failed_blocks:
        start = getattr(block, "start_line", None)
        line = None if start is None else start + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            entries.append(block.ignore_error_block)  # same key twice: still a record
            continue
        if isinstance(block, DuplicateFieldKeyBlock):
            entries.append(block.ignore_error_block)  # repaired below (first value wins)
            continue
        detail = str(getattr(block, "error", "") or "").strip()
        collected.skip(
            path,
            line,
            f"cannot parse this BibTeX entry{f' ({detail})' if detail else ''}",
            "unparseable entry",
        )
        collected.warn(
            path, line, f"cannot parse this BibTeX entry; skipped{f' ({detail})' if detail else ''}"
        )
    if not entries and not collected.skipped:
        raise LibraryFileError(path, "no BibTeX entries found", 1)
    entries.sort(key=lambda e: getattr(e, "start_line", 0) or 0)
    for entry in entries:
        _entry(collected, path, entry)
    return collected


def _entry(collected: Collected, path: Path, entry: object) -> None:
    line = (getattr(entry, "start_line", 0) or 0) + 1
    key = str(getattr(entry, "key", ""))
    fields, repeated = _fields(entry)
    if repeated:
        collected.warn(
            path, line, f"entry {key!r} repeats {', '.join(repeated)}; keeping the first value"
        )
    title = fields.get("title")
    if not title:
        collected.warn(path, line, f"entry {key!r} has no title; skipped")
    abstract = _decode_latex(fields.get("abstract"))
    if abstract:
        abstract = _ABSTRACT_LABEL.sub("", abstract, count=1)
    url = fields.get("url")
    doi = fields.get("doi")
    if not url and doi:
        url = f"https://doi.org/{doi}"
    date = fields.get("year") or fields.get("date")
    if date and parse_year(date) is None:
        collected.warn(path, line, f"entry {key!r}: cannot read a year from {date!r}; left empty")
    extra = {"bibtex_key": key, "entry_type": str(getattr(entry, "entry_type", ""))}
    for name in KEPT_FIELDS:
        value = fields.get(name)
        if value:
            extra[name] = value
    eprint = fields.get("eprint")
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").casefold()
    arxiv = eprint if eprint and (archive == "arxiv" or "arxiv" in (url or "").casefold()) else None
    collected.keep(
        path,
        line,
        title=_decode_latex(title),
        abstract=abstract,
        authors=_authors(fields.get("author")),
        year=date,
        url=url,
        extra=extra,
        doi=doi,
        arxiv_id=arxiv or fields.get("arxivid") or (url if url and "arxiv.org" in url else None),
    )
