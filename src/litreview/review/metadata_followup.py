"""Follow-ups on an answer's papers by their metadata: "Which of those are from before 1990?"

Years, authors and venues are the catalog's metadata, not sentences of the papers: searched as a
question, "Which of those are from before 1990?" finds no abstract that says so and the answer
declines ("the library does not cover..."). A researcher means the papers the previous answer
cited, filtered (year, author, venue) or sorted by year, so that is what is answered: a listing
built from the metadata, each paper cited ``[n]``, and a plain "none" when none match.

Only a question that points back at the earlier papers ("those", "them", "which of") and whose
other words are all metadata constraints is read so (:func:`parse`): "What changed in rendering
after 1990?" or "Which of those use radiosity in games?" ask about content and are answered from
the papers' text as before.

With a model configured the listing is still built here, not by the model: the prompt holds
no metadata to filter on, a small model misreads years, and the exact listing costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from litreview.index.catalog import AuthorQuery, fold_name
from litreview.index.retriever import Filters, SearchHit
from litreview.llm.extractive.related import spelled_count
from litreview.llm.types import Message, Usage
from litreview.reading.paper import VENUE_FIELDS, Paper
from litreview.review.session import earlier_citations
from litreview.review.wording import counted

if TYPE_CHECKING:
    from litreview.index.library import Library
    from litreview.review.ask import AskResult

MODEL = "extractive"  # the listing is written without a model (llm.registry.EXTRACTIVE)

_PERIOD = r"(?:the\s+)?(?:'?(\d{2})s|(1[5-9]\d\d|20\d\d)(s)?)\b"
# Year constraints, each an operator before (or after) a year or a decade ("the 1980s", "'80s").
_YEAR_RULES: tuple[tuple[str, str], ...] = (
    ("between", rf"\bbetween\s+{_PERIOD}\s+and\s+{_PERIOD}"),
    ("between", rf"\bfrom\s+{_PERIOD}\s*(?:to|until|till|through|-|–)\s*{_PERIOD}"),
    ("between", rf"\b{_PERIOD}\s*(?:-|–)\s*{_PERIOD}"),
    ("since", rf"\b(?:from|in)\s+{_PERIOD}\s+(?:on|onwards?|forwards?|or later|and later)"),
    ("since", rf"\b{_PERIOD}\s+(?:or|and)\s+(?:later|after|newer)"),
    ("until", rf"\b{_PERIOD}\s+(?:or|and)\s+(?:earlier|before|older)"),
    ("since", rf"\b(?:since|starting(?:\s+(?:in|from))?|as of|no earlier than)\s+{_PERIOD}"),
    ("until", rf"\b(?:until|till|up to|up until|through|no later than|by)\s+{_PERIOD}"),
    ("before", rf"\b(?:before|prior to|earlier than|older than|pre-?)\s*{_PERIOD}"),
    ("after", rf"\b(?:after|later than|newer than|more recent than|post-?)\s*{_PERIOD}"),
    ("in", rf"\b(?:in|from|during|of|dated)\s+{_PERIOD}"),
)
_SORT_RULES: tuple[tuple[bool | None, str], ...] = (
    (True, r"\b(?:in\s+)?reverse(?:d)?\s+chronological(?:ly|\s+order)?"),
    (False, r"\b(?:in\s+)?chronological(?:ly|\s+order)?"),
    (True, r"\b(?:newest|latest|most recent|youngest)\s+(?:ones?\s+|papers?\s+)?first"),
    (False, r"\b(?:oldest|earliest)\s+(?:ones?\s+|papers?\s+)?first"),
    (None, r"\bby\s+(?:their\s+)?(?:publication\s+)?(?:year|date|age)s?\b"),
)
_DESCENDING = re.compile(r"\b(?:descending|decreasing|reverse)\b", re.IGNORECASE)
_EXTREME = re.compile(
    r"\b(?:the\s+)?(?:(oldest|earliest|first published)|(newest|latest|most recent|youngest))"
    r"(?:\s+(?:ones?|papers?))?\b",
    re.IGNORECASE,
)
# Where a name or a venue typed after "by" / "in" ends: the next constraint or the question's.
_BOUNDARY = (
    r"(?:and|or|but|before|after|since|until|between|in|at|from|by|published|written|"
    r"appeared|sorted|ordered|that|which|who|with|as|among)\b"
)
_STOP = rf"(?=\s*(?:[?,;!.]?\s*$|[?,;!]|\b{_BOUNDARY}))"
_NAME_WORD = rf"(?!{_BOUNDARY})[^\W\d_][\w.'’-]*"
_NAME = rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}?)"
_AUTHOR_RULES = (
    rf"\b(?:(?:written|authored|co-?authored)\s+)?by\s+{_NAME}(?:\s+and\s+{_NAME})?{_STOP}",
    rf"\b(?:has|have|with)\s+{_NAME}\s+(?:as|among)\s+(?:an?\s+|the\s+|their\s+)?"
    r"(?:co-?)?authors?\b",
)
_VENUE_WORDS = re.compile(
    r"\b(?:journal|conference|proceedings|transactions|symposium|workshop|letters|review)\b",
    re.IGNORECASE,
)
_VENUE_WORD = rf"(?!{_BOUNDARY})[^\W_][\w.&'’:+-]*"
_VENUE = rf"({_VENUE_WORD}(?:\s+[^\W_][\w.&'’:+-]*){{0,7}}?)"
_PUBLISHED = r"\b(?:appeared|appear|published|presented|printed|came out)\s+(?:in|at)\s+"
_PUBLISHED_IN = rf"{_PUBLISHED}(?:the\s+)?{_VENUE}{_STOP}"
_PUBLISHED_BY = rf"\bpublished\s+by\s+{_VENUE}{_STOP}"  # an author or a publisher
_BARE_IN = rf"\b(?:in|at|from)\s+(?:the\s+)?{_VENUE}{_STOP}"

# The question points back at the earlier papers.
_BACK = re.compile(
    r"\b(?:those|these|them|they|their|theirs|above)\b|"
    r"\b(?:which|any|how many|none|all|some|each|one) of\b|\bwhich ones?\b",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words left around the constraints of a metadata follow-up: any other word asks about content.
_FILLER = _words(
    "which what who of those these them they their theirs the a an are is were was be been any "
    "ones one papers paper articles article sources source references reference "
    "items books book published publish written write wrote appeared appear come came dated "
    "date list show give tell me us only sort sorted order ordered rank ranked arrange "
    "arranged please can could would you do does did have has there among how many and or that "
    "all some none each just also i want to it year years please cited above previous "
    "again now then so out within from in at by with as on for"
)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_GENERIC_VENUE = re.compile(r"^(?:the\s+)?(?:journal|conference|proceedings|venue)\s+", re.I)


@dataclass(frozen=True)
class YearRange:
    """Years from ``low`` to ``high`` (both included; ``None``: open)."""

    low: int | None
    high: int | None
    words: str  # as the answer says it: "from before 1990"

    def holds(self, year: int | None) -> bool:
        if year is None:
            return False
        return (self.low is None or year >= self.low) and (self.high is None or year <= self.high)


@dataclass(frozen=True)
class MetadataQuery:
    """What a metadata follow-up asks of the earlier papers."""

    years: tuple[YearRange, ...] = ()
    authors: tuple[str, ...] = ()  # as typed: matched as ``--author`` matches (AuthorQuery)
    venues: tuple[str, ...] = ()  # as typed: a folded substring of the paper's venue
    authors_or_venues: tuple[str, ...] = ()  # "from X": either
    sort: bool | None = None  # by year: False oldest first, True newest first
    extreme: bool | None = None  # only the oldest (False) or newest (True)

    @property
    def filters(self) -> bool:
        return bool(self.years or self.authors or self.venues or self.authors_or_venues)

    def describe(self) -> str:
        """The constraints as the answer states them: "from before 1990 and by Cohen"."""
        parts = [y.words for y in self.years]
        parts += [f"by {a}" for a in self.authors]
        parts += [f"in {v}" for v in self.venues]
        parts += [f"from {v}" for v in self.authors_or_venues]
        return " and ".join(parts)

    def matches(self, paper: Paper) -> bool:
        return (
            all(y.holds(paper.year) for y in self.years)
            and all(has_author(paper, a) for a in self.authors)
            and all(in_venue(paper, v) for v in self.venues)
            and all(has_author(paper, x) or in_venue(paper, x) for x in self.authors_or_venues)
        )


def has_author(paper: Paper, typed: str) -> bool:
    """Is an author of ``paper`` the name as typed? The matching of ``--author`` (initials,
    either order, accents and case ignored)."""
    try:
        query = AuthorQuery.parse(typed)
    except ValueError:
        return False
    return any(query.matches(name) for name in paper.authors)


def venue(paper: Paper) -> str:
    """Where ``paper`` appeared, as its metadata names it ("" when nothing does)."""
    return next((paper.extra[n] for n in VENUE_FIELDS if paper.extra.get(n)), "")


def in_venue(paper: Paper, typed: str) -> bool:
    """Does ``paper``'s venue hold ``typed`` ("SIGGRAPH" in "ACM SIGGRAPH Computer Graphics"),
    case and accents ignored, as whole words?"""
    names = [" ".join(_WORD.findall(fold_name(paper.extra.get(n, "")))) for n in VENUE_FIELDS]
    for said in (typed, _GENERIC_VENUE.sub("", typed)):  # "the journal Computer Graphics"
        wanted = " ".join(_WORD.findall(fold_name(said)))
        if wanted and any(f" {wanted} " in f" {name} " for name in names if name):
            return True
    return False


def _period(groups: Sequence[str | None]) -> tuple[int, int]:
    """A matched year ("1990") or decade ("1980s", "'80s") as its first and last year."""
    short, year, decade = groups
    if short is not None:
        start = (1900 if int(short) >= 30 else 2000) + int(short)
        return start, start + 9
    assert year is not None
    start = int(year)
    return (start, start + 9) if decade and start % 10 == 0 else (start, start)


def _label(groups: Sequence[str | None]) -> str:
    short, year, decade = groups
    if short is not None:
        return f"the {_period(groups)[0]}s"
    return f"the {year}s" if decade else str(year)


def _year_range(kind: str, groups: Sequence[str | None]) -> YearRange:
    first, last = _period(groups[:3])
    label = _label(groups[:3])
    if kind == "between":
        end = _period(groups[3:6])[1]
        return YearRange(first, end, f"from {label} to {_label(groups[3:6])}")
    if kind == "before":
        return YearRange(None, first - 1, f"from before {label}")
    if kind == "after":
        return YearRange(last + 1, None, f"from after {label}")
    if kind == "since":
        return YearRange(first, None, f"from {label} on")
    if kind == "until":
        return YearRange(None, last, f"from {label} or earlier")
    return YearRange(first, last, f"from {label}")


def parse(question: str, earlier: Sequence[Paper] = ()) -> MetadataQuery | None:
    """The metadata ``question`` asks of the earlier papers, or ``None`` when it asks about
    anything else: it must point back at them ("those", "them", "which of"; a bare sort, "Sort
    by year", need not) and hold no word but its constraints and filler ("which of", "are",
    "published"). ``earlier``'s venues let a venue typed in lower case count ("in siggraph");
    otherwise a bare "in X" is a venue only when written as one (capitals, "journal"), so that
    "Which of them work in real time?" stays a question about content."""
    text = " ".join(question.split())
    rest = text
    years: list[YearRange] = []
    for kind, pattern in _YEAR_RULES:
        for match in re.finditer(pattern, rest, re.IGNORECASE):
            years.append(_year_range(kind, match.groups()))
        rest = re.sub(pattern, " ", rest, flags=re.IGNORECASE)
    sort: bool | None = None
    for descending, pattern in _SORT_RULES:  # "by year, newest first": the direction said wins
        if re.search(pattern, rest, re.IGNORECASE):
            if sort is None:
                sort = bool(_DESCENDING.search(rest)) if descending is None else descending
            rest = re.sub(pattern, " ", rest, flags=re.IGNORECASE)
    if sort is not None:
        rest = _DESCENDING.sub(" ", rest)
    extreme: bool | None = None
    ends = _EXTREME.search(rest)
    if ends:
        extreme = ends.group(2) is not None
        rest = rest[: ends.start()] + " " + rest[ends.end() :]
    either = [m.group(1) for m in re.finditer(_PUBLISHED_BY, rest, re.IGNORECASE)]
    rest = re.sub(_PUBLISHED_BY, " ", rest, flags=re.IGNORECASE)
    authors: list[str] = []
    for pattern in _AUTHOR_RULES:
        for match in re.finditer(pattern, rest, re.IGNORECASE):
            authors += [name for name in match.groups() if name]
        rest = re.sub(pattern, " ", rest, flags=re.IGNORECASE)
    venues = [m.group(1) for m in re.finditer(_PUBLISHED_IN, rest, re.IGNORECASE)]
    rest = re.sub(_PUBLISHED_IN, " ", rest, flags=re.IGNORECASE)
    for match in re.finditer(_BARE_IN, rest, re.IGNORECASE):
        typed = match.group(1)
        named = any(c.isupper() for c in typed) or _VENUE_WORDS.search(typed)
        if not (named or any(in_venue(p, typed) for p in earlier)):
            continue  # "in real time": content, not a venue
        (either if match.group(0).lower().startswith("from") else venues).append(typed)
        rest = rest.replace(match.group(0), " ", 1)
    found = MetadataQuery(tuple(years), tuple(authors), tuple(venues), tuple(either), sort, extreme)
    if not (found.filters or sort is not None or extreme is not None):
        return None
    if any(w.casefold() not in _FILLER for w in _WORD.findall(rest)):
        return None  # a word of content: "Which of those use radiosity before 1990?"
    if not _BACK.search(text) and (found.filters or extreme is not None):
        return None  # "Which were published before 1990?" may be a question of its own
    return found


def _year(paper: Paper) -> str:
    return str(paper.year) if paper.year else "no year recorded"


def _who(paper: Paper) -> str:
    from litreview.review.export import short_authors

    names = short_authors(paper.authors)
    return f"{names}, {_year(paper)}" if names else _year(paper)


def _none_hint(query: MetadataQuery, papers: Sequence[Paper]) -> str:
    """What the earlier papers are instead, for the constraint none of them meets."""
    dated = sorted((p for p in papers if p.year), key=lambda p: p.year or 0)
    hints: list[str] = []
    if query.years and not dated:  # a library read without dates (plain abstracts)
        hints.append("none of them has a year recorded")
    for years in query.years:
        if any(years.holds(p.year) for p in papers) or not dated:
            continue
        if years.high is not None and years.low is None:
            p = dated[0]
            hints.append(f"the earliest is “{p.title}” ({_who(p)})")
        elif years.low is not None and years.high is None:
            p = dated[-1]
            hints.append(f"the latest is “{p.title}” ({_who(p)})")
        else:
            hints.append(f"their years run from {dated[0].year} to {dated[-1].year}")
    either = query.authors_or_venues
    if any(not any(has_author(p, a) for p in papers) for a in (*query.authors, *either)):
        from litreview.review.export import short_authors

        names = "; ".join(short_authors(p.authors) or "no authors recorded" for p in papers)
        hints.append(f"their authors are {names}")
    if any(not any(in_venue(p, v) for p in papers) for v in (*query.venues, *either)):
        where = sorted({venue(p) for p in papers if venue(p)})
        unknown = sum(1 for p in papers if not venue(p))
        said = [f"they appeared in {'; '.join(where)}"] if where else []
        if unknown:
            said.append(f"{unknown} {'has' if unknown == 1 else 'have'} no venue recorded")
        hints.append(", and ".join(said))
    return "; ".join(hints)


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def listing(query: MetadataQuery, papers: Sequence[Paper]) -> tuple[str, list[Paper]]:
    """The answer's text and the papers it cites as ``[1]``, ``[2]``... in that order.

    None matching is said plainly with what the papers are instead (the earliest year, their
    authors or venues), and cites nothing: a next "Which of those ..." still means the papers
    before it (:func:`earlier_citations`)."""
    from litreview.review.export import reference

    total = counted(len(papers), "paper")
    asked = query.describe()
    matched = [p for p in papers if query.matches(p)] if query.filters else list(papers)
    one = len(papers) == 1
    if not matched:
        if one:  # "None of the 1 paper" reads as a slip: say which paper it is
            paper = papers[0]
            said = f"“{paper.title}” ({_who(paper)})"
            return f"The one paper cited before, {said}, is not {asked}.", []
        head = f"None of the {total} cited before are {asked}"
        hint = _none_hint(query, papers)
        return (f"{head}; {hint.rstrip('.')}." if hint else f"{head}."), []
    if one:
        head = "the one paper cited before" + (f" is {asked}" if query.filters else "")
    elif not query.filters:
        head = f"the {total} cited before"
    elif len(matched) == len(papers):
        every = "both papers" if len(papers) == 2 else f"all {total}"  # not "All 2 papers"
        head = f"{every} cited before are {asked}"
    else:  # "One of the 3 papers ...": a sentence does not open with a numeral
        count = spelled_count(len(matched))
        head = f"{count} of the {total} cited before {_are(len(matched))} {asked}"
    chosen = matched
    dated = sorted((p for p in matched if p.year), key=lambda p: p.year or 0)
    if query.extreme is not None and dated:
        wanted = dated[-1].year if query.extreme else dated[0].year
        chosen = [p for p in dated if p.year == wanted]
        which = "newest" if query.extreme else "oldest"
        among = f"the {total} cited before"
        if query.filters:
            among = f"the {counted(len(matched), 'paper')} cited before that {_are(len(matched))}"
            among += f" {asked}"
        head = f"of {among}, the {which} {_are(len(chosen))}"
    elif query.sort is not None:
        undated = [p for p in matched if not p.year]
        if query.sort:  # newest first; a tie keeps the earlier answer's order, as oldest first
            dated = sorted(dated, key=lambda p: -(p.year or 0))
        chosen = dated + undated
        if len(chosen) > 1:
            head += ", newest first" if query.sort else ", oldest first"
    head = head[0].upper() + head[1:]
    lines = [f"- {reference(p)} [{n}]" for n, p in enumerate(chosen, start=1)]
    undated = [p for p in papers if not p.year]
    note = ""
    if (query.years or query.sort is not None or query.extreme is not None) and undated:
        has = "has" if len(undated) == 1 else "have"
        note = f"\n\n({counted(len(undated), 'paper')} cited before {has} no year recorded.)"
    return f"{head}:\n\n" + "\n".join(lines) + note, chosen


def answer(
    library: Library,
    question: str,
    history: Sequence[Message],
    exclude: frozenset[str] = frozenset(),
    filters: Filters | None = None,
    on_delta: Callable[[str], None] | None = None,
) -> AskResult | None:
    """The answer to a metadata follow-up on the latest answer's papers, or ``None`` when
    ``question`` is not one (or no earlier answer cited a paper): it is then asked as usual.
    ``exclude`` and ``filters`` (a collection, ``--year-from``...) bound the papers as they
    bound a search."""
    cited = [i for i in earlier_citations(history) if i not in exclude]
    if cited and filters is not None and filters.active():
        passing = library.ids_matching(filters)
        cited = [i for i in cited if i in passing]
    if not cited:
        return None
    found = library.get(cited)
    papers = [found[i] for i in cited if i in found]
    query = parse(question, papers) if papers else None
    if query is None:
        return None
    from litreview.review.ask import AskResult, build_sources
    from litreview.review.citations import check

    text, chosen = listing(query, papers)
    shown = {p.paper_id for p in chosen}
    rest = [p for p in papers if p.paper_id not in shown]
    hits = [SearchHit(p, rank, 0.0) for rank, p in enumerate([*chosen, *rest], start=1)]
    checked = check(text, build_sources(hits, question, None), renumber=True)
    if on_delta is not None:
        on_delta(checked.text)
    return AskResult(
        question=question,
        answer=checked.text,
        citations=checked.citations,
        sources=[hits[n - 1] for n in checked.order],
        dropped_citations=checked.dropped,
        usage=Usage(),
        model=MODEL,
        messages=[*history, Message("user", question)],
    )
