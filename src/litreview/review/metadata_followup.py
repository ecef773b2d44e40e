"""Follow-ups on an answer's papers by their metadata: "Which of those are from before 1990?"

Years, authors and venues are the catalog's metadata, not sentences of the papers: searched as a
question, "Which of those are from before 1990?" finds no abstract that says so and the answer
declines ("the library does not cover..."). A researcher means the papers the previous answer
cited, filtered (year, author, venue) or sorted by year, so that is what is answered: a listing
built from the metadata, each paper cited ``[n]``, and a plain "none" when none match.

Only a question whose words are all metadata limits (:mod:`litreview.review.limits`, English
and Portuguese) is listed here: pointing back ("those", "deles") at the earlier answer's
papers; asking about papers with no earlier answer to narrow ("Which papers are by Kajiya?", a
first turn's "Which of those are from before 1990?", which says there was none), the library's.
A question with words of content besides ("Which of those from before 1995 use ray tracing?") is
answered from the papers the limit leaves (:mod:`litreview.review.limited`).

With a model configured the listing is still built here, not by the model: the prompt holds
no metadata to filter on, a small model misreads years, and the exact listing costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from litreview.index.retriever import Filters, SearchHit
from litreview.llm.extractive.related import spelled_count
from litreview.llm.types import Message, Usage
from litreview.reading.paper import Paper
from litreview.review.limits import (
    Limits,
    Reading,
    has_author,
    in_venue,
    kind_name,
    read,
    venue,
)
from litreview.review.session import earlier_citations
from litreview.review.wording import counted

if TYPE_CHECKING:
    from litreview.index.library import Library
    from litreview.review.ask import AskResult

MODEL = "extractive"  # the listing is written without a model (llm.registry.EXTRACTIVE)
MAX_LISTED = 30  # of the library's papers: more is a catalog, not an answer
MetadataQuery = Limits  # what a metadata follow-up asks (the name session 18 gave it)


def parse(question: str, earlier: Sequence[Paper] = ()) -> MetadataQuery | None:
    """The metadata ``question`` asks of the earlier papers, or ``None`` when it asks about
    anything else: it must point back at them ("those", "them", "which of", "deles"; a bare
    sort, "Sort by year", need not) and hold no word but its limits and filler
    (:func:`litreview.review.limits.read`)."""
    reading = read(question, earlier)
    if reading is None or reading.content:
        return None
    query = reading.limits
    if not reading.back and (query.filters or query.extreme is not None):
        return None  # "Which were published before 1990?" may be a question of its own
    return query


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
    named = (*query.authors, *either, *query.any_authors)
    if any(not any(has_author(p, a) for p in papers) for a in named):
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
    if query.kinds and not any(query.matches(p) for p in papers):
        recorded = sorted({kind_name(p) or "no item type recorded" for p in papers})
        hints.append(f"their item types are {', '.join(recorded)}")
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
            return f"The one paper cited before, {said}, is not {query.describe(True)}.", []
        head = f"None of the {total} cited before are {asked}"
        hint = _none_hint(query, papers)
        return (f"{head}; {hint.rstrip('.')}." if hint else f"{head}."), []
    if one:
        head = "the one paper cited before"
        head += f" is {query.describe(True)}" if query.filters else ""
    elif not query.filters:
        head = f"the {total} cited before"
    elif len(matched) == len(papers):
        every = "both papers" if len(papers) == 2 else f"all {total}"  # not "All 2 papers"
        head = f"{every} cited before are {asked}"
    else:  # "One of the 3 papers ...": a sentence does not open with a numeral
        count = spelled_count(len(matched))
        single = len(matched) == 1
        head = f"{count} of the {total} cited before {_are(len(matched))} {query.describe(single)}"
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


def _by_year(papers: Sequence[Paper], newest_first: bool) -> list[Paper]:
    dated = sorted((p for p in papers if p.year), key=lambda p: p.year or 0, reverse=newest_first)
    return dated + [p for p in papers if not p.year]


def library_listing(
    query: MetadataQuery, matched: Sequence[Paper], total: int, no_earlier: bool
) -> tuple[str, list[Paper]]:
    """The library's papers that meet ``query`` (of ``total``), by year, at most
    :data:`MAX_LISTED`. ``no_earlier``: the question pointed back at an earlier answer that
    there is not, which the answer says before answering for the whole library."""
    from litreview.review.export import reference

    opening = (
        "There is no earlier answer in this chat to narrow, so this is for the whole library. "
        if no_earlier
        else ""
    )
    library = f"the {counted(total, 'paper')} in the library"
    asked = query.describe()
    if not matched:
        said = f"None of {library} {'is' if total == 1 else 'are'} {asked}."
        return (opening + said) if no_earlier else said, []
    chosen = _by_year(matched, bool(query.sort))
    if query.extreme is not None and any(p.year for p in chosen):
        dated = [p for p in chosen if p.year]
        wanted = max if query.extreme else min
        year = wanted(p.year or 0 for p in dated)
        chosen = [p for p in dated if p.year == year]
        which = "newest" if query.extreme else "oldest"
        among = library + (f" that {_are(len(matched))} {asked}" if query.filters else "")
        head = f"Of {among}, the {which} {_are(len(chosen))}"
    else:
        count = spelled_count(len(matched))
        head = f"{count} of {library} {_are(len(matched))} {query.describe(len(matched) == 1)}"
        if len(matched) > 1:
            head += ", newest first" if query.sort else ", oldest first"
        head = head[0].upper() + head[1:]
    shown = chosen[:MAX_LISTED]
    lines = [f"- {reference(p)} [{n}]" for n, p in enumerate(shown, start=1)]
    more = ""
    if len(chosen) > len(shown):
        more = (
            f"\n\n(and {len(chosen) - len(shown)} more: narrow the question with a year range, "
            "an author or a venue to see them)"
        )
    return opening + f"{head}:\n\n" + "\n".join(lines) + more, shown


def library_papers(
    library: Library, query: MetadataQuery, filters: Filters | None, exclude: frozenset[str]
) -> tuple[list[Paper], int]:
    """The library's papers meeting ``query`` (within ``filters``), and how many it holds."""
    bounded = filters or Filters()
    everything = library.ids_matching(bounded) - exclude
    ids = everything
    lows = [y.low for y in query.years if y.low is not None]
    highs = [y.high for y in query.years if y.high is not None]
    narrowed = replace(
        bounded,
        year_from=max([*lows, *([bounded.year_from] if bounded.year_from else [])], default=None),
        year_to=min([*highs, *([bounded.year_to] if bounded.year_to else [])], default=None),
        author=bounded.author or (query.authors[0] if query.authors else None),
    )
    if narrowed != bounded:
        try:
            ids = library.ids_matching(narrowed) - exclude
        except ValueError:  # an author with no name in it: every paper is read below
            ids = everything
    found = library.get(ids)
    return [p for p in found.values() if query.matches(p)], len(everything)


def is_author(library: Library) -> Callable[[str], bool]:
    """Whether a name is one of ``library``'s authors (as ``--author`` matches it)."""

    def known(name: str) -> bool:
        try:
            return bool(library.ids_matching(Filters(author=name)))
        except ValueError:
            return False

    return known


def _result(
    question: str,
    history: Sequence[Message],
    text: str,
    chosen: Sequence[Paper],
    rest: Sequence[Paper],
    on_delta: Callable[[str], None] | None,
) -> AskResult:
    from litreview.review.ask import AskResult, build_sources
    from litreview.review.citations import check

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


def plain(
    question: str,
    history: Sequence[Message],
    text: str,
    on_delta: Callable[[str], None] | None = None,
) -> AskResult:
    """An answer that cites nothing ("None of the 3 papers cited before are ..."), written
    without a model."""
    return _result(question, history, text, [], [], on_delta)


def earlier_papers(
    library: Library,
    history: Sequence[Message],
    exclude: frozenset[str] = frozenset(),
    filters: Filters | None = None,
) -> list[Paper]:
    """The papers the latest citing answer cited, in its order, within ``exclude`` and
    ``filters`` (a collection, ``--year-from``...) as they bound a search."""
    cited = [i for i in earlier_citations(history) if i not in exclude]
    if cited and filters is not None and filters.active():
        passing = library.ids_matching(filters)
        cited = [i for i in cited if i in passing]
    if not cited:
        return []
    found = library.get(cited)
    return [found[i] for i in cited if i in found]


def reading_of(
    library: Library,
    question: str,
    history: Sequence[Message],
    exclude: frozenset[str] = frozenset(),
    filters: Filters | None = None,
) -> Reading | None:
    """``question``'s limits, read against the earlier answer's papers: what :func:`answer`
    and :func:`litreview.review.limited.scope` both take, so that ``ask`` reads a question
    once (each possible author in it is a look-up in the catalog)."""
    return read(question, earlier_papers(library, history, exclude, filters), is_author(library))


def answer(
    library: Library,
    question: str,
    history: Sequence[Message],
    exclude: frozenset[str] = frozenset(),
    filters: Filters | None = None,
    on_delta: Callable[[str], None] | None = None,
    reading: Reading | None = None,
) -> AskResult | None:
    """The answer to a question made only of metadata limits, or ``None`` when ``question``
    is not one: it is then asked as usual. Pointing back at an earlier answer ("Which of those
    are by Cohen?"), its papers are listed; asking about papers with no earlier answer to
    narrow ("Which papers are by Kajiya?", or a first turn's "Which of those are from before
    1990?"), the library's. ``exclude`` and ``filters`` bound the papers as they bound a
    search. ``reading``: the question as :func:`~litreview.review.limits.read` read it."""
    papers = earlier_papers(library, history, exclude, filters)
    if reading is None:
        reading = read(question, papers, is_author(library))
    if reading is None or reading.content:
        return None
    query = reading.limits
    bare_sort = not query.filters and query.extreme is None
    # "the oldest one", "o mais antigo": only an end of the earlier answer's papers, whose
    # "those" is understood (it was searched as content and declined)
    bare_end = not query.filters and query.sort is None and query.extreme is not None
    if papers and (reading.back or bare_sort or bare_end):
        text, chosen = listing(query, papers)
        shown = {p.paper_id for p in chosen}
        return _result(
            question,
            history,
            text,
            chosen,
            [p for p in papers if p.paper_id not in shown],
            on_delta,
        )
    if papers and not reading.about_papers:
        return None  # "Which were published before 1990?" after an answer: as before
    if bare_sort:  # "Sort them by year" with nothing before it
        text = (
            'There is no earlier answer in this chat to sort. Ask a question first ("Which '
            'papers discuss radiosity?"), then "Sort them by year"; or ask for the '
            'library\'s papers of a period: "Which papers are from before 1990?"'
        )
        return _result(question, history, text, [], [], on_delta)
    matched, total = library_papers(library, query, filters, exclude)
    text, chosen = library_listing(query, matched, total, reading.back and not papers)
    return _result(question, history, text, chosen, [], on_delta)
