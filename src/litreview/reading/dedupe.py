"""One paper, however many times and places it appears; two papers, however alike their titles.

Identity is DOI and arXiv id first, the normalised title only when neither
side has one to compare. The same title with different DOIs, or with
clearly different years *and* authors (two "Introduction" chapters, a
workshop paper and an unrelated journal paper), stays two papers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from litreview.reading.normalize import cut_title, distinct_id_for, normalize_title, surname
from litreview.reading.paper import Paper

# Preprint and proceedings of one paper are often a year or two apart.
YEAR_SLACK = 2
# A record's own citation keys: a BibTeX import's, Zotero 7's / Better BibTeX's (the order in
# which references.bib picks the one it writes), and ``ids``, biblatex's alias keys.
KEY_FIELDS = ("bibtex_key", "citation_key")
ALIASES = "ids"
# How many merges the merge note names.
NAMED_MERGES = 10


def same_work(a: Paper, b: Paper) -> bool:
    """Whether two records are one paper (see the module docstring for the rules)."""
    if a.doi and b.doi:
        if a.doi == b.doi:
            return True
        if not (a.arxiv_id and a.arxiv_id == b.arxiv_id):
            return False
    if a.arxiv_id and b.arxiv_id:
        return a.arxiv_id == b.arxiv_id
    if normalize_title(a.title) != normalize_title(b.title):
        return False
    if a.year and b.year and abs(a.year - b.year) > YEAR_SLACK and a.authors and b.authors:
        names_a = {surname(n) for n in a.authors}
        names_b = {surname(n) for n in b.authors}
        if not names_a & names_b:
            return False
    return True


def distinct_id(paper: Paper) -> str:
    """The id of a paper whose title id belongs to a different paper (stable across runs)."""
    if paper.doi:
        return distinct_id_for(f"doi:{paper.doi}")
    if paper.arxiv_id:
        return distinct_id_for(f"arxiv:{paper.arxiv_id}")
    first = surname(paper.authors[0]) if paper.authors else ""
    return distinct_id_for(f"title:{normalize_title(paper.title)}|{paper.year or ''}|{first}")


def citation_key(paper: Paper) -> str | None:
    """The key a draft cites the paper by, when the user's library gave it one."""
    return next((paper.extra[k] for k in KEY_FIELDS if paper.extra.get(k)), None)


def alias_keys(paper: Paper) -> list[str]:
    """The paper's other citation keys (``extra["ids"]``, comma-separated as biblatex's)."""
    return [k.strip() for k in paper.extra.get(ALIASES, "").split(",") if k.strip()]


def _aliases(kept: Paper, other: Paper, extra: dict[str, str]) -> str:
    """Every key either record was cited by, except the one the merged paper is cited by."""
    keys = [
        k
        for p in (kept, other)
        for k in (*(p.extra.get(f, "") for f in KEY_FIELDS), *alias_keys(p))
    ]
    first = next((extra[k] for k in KEY_FIELDS if extra.get(k)), None)
    return ", ".join(k for k in dict.fromkeys(keys) if k and k != first)


def merge_two(kept: Paper, other: Paper) -> tuple[Paper, str | None]:
    """Fold ``other`` into ``kept``: sources are unioned, missing fields filled.

    Every citation key either had stays the paper's: the first as its key, the others in
    ``extra["ids"]`` (written to references.bib as biblatex's ``ids``), so a manuscript
    citing a duplicate's key (Better BibTeX's ``...2024a``) still finds the paper.

    The first copy's abstract wins; a differing abstract is reported rather
    than silently picked, because it usually means two versions of a paper.
    A stand-in abstract (from a PDF's text) gives way to a real one.
    """
    sources = tuple(dict.fromkeys(kept.sources + other.sources))
    warning = None
    abstract, extra = kept.abstract, {**other.extra, **kept.extra}
    if "abstract_from" in kept.extra and "abstract_from" not in other.extra:
        abstract = other.abstract
        extra.pop("abstract_from", None)
    elif kept.abstract != other.abstract and "abstract_from" not in other.extra:
        warning = (
            f"{kept.title!r}: abstracts differ between {', '.join(kept.sources)} and "
            f"{', '.join(other.sources)}; keeping the first"
        )
    if "abstract_from" not in kept.extra:
        extra.pop("abstract_from", None)  # the kept abstract is a real one
    aliases = _aliases(kept, other, extra)
    if aliases:
        extra[ALIASES] = aliases
    else:
        extra.pop(ALIASES, None)
    merged = replace(
        kept,
        abstract=abstract,
        sources=sources,
        authors=kept.authors or other.authors,
        year=kept.year or other.year,
        url=kept.url or other.url,
        links=tuple(dict.fromkeys(kept.links + other.links)),
        extra=extra,
        doi=kept.doi or other.doi,
        arxiv_id=kept.arxiv_id or other.arxiv_id,
        full_text=kept.full_text or other.full_text,
    )
    return merged, warning


class Identities:
    """Papers seen so far, findable by DOI, arXiv id and title id."""

    def __init__(self) -> None:
        self.by_id: dict[str, Paper] = {}
        self._doi: dict[str, str] = {}
        self._arxiv: dict[str, str] = {}

    def find(self, paper: Paper) -> str | None:
        """The id of a known paper that is the same work, if any."""
        for pid in (
            self._doi.get(paper.doi or ""),
            self._arxiv.get(paper.arxiv_id or ""),
            paper.paper_id,
            distinct_id(paper),
        ):
            if pid and pid in self.by_id and same_work(self.by_id[pid], paper):
                return pid
        return None

    def put(self, paper: Paper) -> None:
        self.by_id[paper.paper_id] = paper
        if paper.doi:
            self._doi.setdefault(paper.doi, paper.paper_id)
        if paper.arxiv_id:
            self._arxiv.setdefault(paper.arxiv_id, paper.paper_id)


def merge_papers(papers: list[Paper]) -> tuple[list[Paper], list[str]]:
    """De-duplicate by identity (DOI, arXiv id, then title), keeping first-seen order.

    The warnings are the merges' conflicts (differing abstracts); :func:`merge_counted`
    also names the merges.
    """
    merged, warnings, _, _ = _merge(papers, ())
    return merged, warnings


def _named(paper: Paper, line: int | None) -> str:
    """A record as the merge note names it: its line and key, else its title."""
    key = citation_key(paper)
    label = repr(key) if key else repr(cut_title(paper.title, 50))
    return f"line {line} {label}" if line else label


def merge_counted(
    papers: list[Paper], lines: Sequence[int | None] = ()
) -> tuple[list[Paper], list[str], int]:
    """:func:`merge_papers`, and how many records were folded into another.

    ``lines`` (the records' lines in their file, when the reader knows them) name the
    merged records in a note, with their keys: "merged 2 ... (line 9 'x2024a' into line 2
    'x2024', ...)", at most :data:`NAMED_MERGES` of them.
    """
    merged, warnings, folded, note = _merge(papers, lines)
    return merged, ([note] if note else []) + warnings, folded


def _merge(
    papers: list[Paper], lines: Sequence[int | None]
) -> tuple[list[Paper], list[str], int, str | None]:
    seen = Identities()
    warnings: list[str] = []
    first_line: dict[str, int | None] = {}
    named: list[str] = []
    folded = 0
    if len(lines) != len(papers):  # a reader that does not say (or not for every record)
        lines = [None] * len(papers)
    for index, paper in enumerate(papers):
        line = lines[index]
        pid = seen.find(paper)
        if pid is None:
            if paper.paper_id in seen.by_id:  # same title, a different paper
                paper = replace(paper, paper_id=distinct_id(paper))
            seen.put(paper)
            first_line[paper.paper_id] = line
            continue
        folded += 1
        first = seen.by_id[pid]
        named.append(f"{_named(paper, line)} into {_named(first, first_line.get(pid))}")
        kept, warning = merge_two(first, paper)
        seen.put(kept)
        if warning:
            warnings.append(warning)
    note = None
    if named:
        shown = ", ".join(named[:NAMED_MERGES]) + (" ..." if len(named) > NAMED_MERGES else "")
        note = f"merged {folded} record(s) into an earlier record of the same work ({shown})"
    return list(seen.by_id.values()), warnings, folded, note
