"""Questions about content under a metadata limit: "Which of those from before 1995 use ray
tracing?", "What did Kajiya propose in 1986?".

Searched as words, the limit is lost: the trial's answer to the first cited Wald et al. (2001)
and a 2006 paper, and the second was declined. Here the limit (:mod:`limits`) chooses the papers
the answer may draw on, the earlier answer's papers that meet it when the question points back
at them, else the library's, and the rest of the question is answered from those alone, as any
question is. The answer opens by saying which limit was applied, so that a reader never takes
a narrowed answer for the library's whole; when no paper meets the limit it says so, and what
the papers are instead, without asking a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from litreview.index.library import Library
from litreview.index.retriever import Filters, SearchHit
from litreview.llm.types import Message
from litreview.reading.paper import Paper
from litreview.review import metadata_followup
from litreview.review.limits import Reading, read
from litreview.review.wording import counted


@dataclass(frozen=True)
class Scope:
    """The papers a limited question is answered from, and what the answer says of them."""

    papers: tuple[Paper, ...]  # in the earlier answer's order, or the library's by year
    note: str  # the answer's opening: which limit was applied (or that no paper meets it)
    searched: str  # what ranks the papers: the question without its limits


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def scope(
    library: Library,
    question: str,
    history: Sequence[Message],
    exclude: frozenset[str] = frozenset(),
    filters: Filters | None = None,
    reading: Reading | None = None,
) -> Scope | None:
    """The papers ``question``'s limits leave, or ``None`` when it is not a question about
    content under a limit that applies (:attr:`Reading.applies_to_library`; pointing back at
    an earlier answer, always). ``reading``: the question as
    :func:`~litreview.review.metadata_followup.reading_of` read it (read here if not given)."""
    earlier = metadata_followup.earlier_papers(library, history, exclude, filters)
    if reading is None:
        reading = read(question, earlier, metadata_followup.is_author(library))
    if reading is None or not reading.content or not reading.limits.filters:
        return None
    limits = reading.limits
    asked = limits.describe()
    if earlier and reading.back:
        matched = tuple(p for p in earlier if limits.matches(p))
        if not matched:
            text, _ = metadata_followup.listing(limits, earlier)
            return Scope((), f"{text} Ask without the limit to search the whole library.", "")
        cited = counted(len(earlier), "paper")
        note = (
            f"Limited to the papers cited before that are {asked} ({len(matched)} of the {cited})."
        )

        return Scope(matched, note, _searched(reading, question, matched))
    if not (reading.applies_to_library or reading.back):
        return None  # "What changed in rendering after 1990?": the year is the question's
    found, total = metadata_followup.library_papers(library, limits, filters, exclude)
    opening = "There is no earlier answer in this chat to narrow, so " if reading.back else ""
    library_total = f"the {counted(total, 'paper')} in the library"
    if not found:
        none = f"none of {library_total} {_are(total)} {asked}."
        return Scope((), opening + (none if opening else none[0].upper() + none[1:]), "")
    limited = f"limited to the library's papers {asked} ({len(found)} of {library_total})."
    note = opening + (limited if opening else limited[0].upper() + limited[1:])
    return Scope(tuple(found), note, _searched(reading, question, found))


SUBJECT_TITLES = 3  # "What did Kajiya propose?" names his papers up to this many


def _searched(reading: Reading, question: str, papers: Sequence[Paper]) -> str:
    """The question's own words, without its limits ("Which of those use ray tracing"), to rank
    the limited papers by: "1995" and "Kajiya" match no sentence of what is asked. An author
    who was the question's subject ("What did Kajiya propose") is replaced by the titles of
    their papers: "What did propose" is close to no sentence, "What did propose The rendering
    equation" to its abstract's "We present an integral equation ..."."""
    rest = reading.rest if reading.rest.strip() else question
    if reading.implied and len(papers) <= SUBJECT_TITLES:
        rest += " " + "; ".join(p.title for p in papers)
    return rest


def hits(library: Library, limited: Scope, k: int, filters: Filters | None) -> list[SearchHit]:
    """At most ``k`` of the limited papers, best first for the question: searched among them
    alone (every other paper excluded), and any the search's candidate pool missed after,
    in the scope's order, without passages."""
    wanted = {p.paper_id for p in limited.papers}
    if not wanted:
        return []
    bounded = filters or Filters()
    others = frozenset(library.ids_matching(replace(bounded, exclude=frozenset())) - wanted)
    request = library.request(
        limited.searched,
        k=min(k, len(wanted)),
        filters=replace(bounded, exclude=bounded.exclude | others),
    )
    found = [h for h in library.search(request) if h.paper.paper_id in wanted]
    seen = {h.paper.paper_id for h in found}
    rest = [p for p in limited.papers if p.paper_id not in seen]
    found += [SearchHit(p, len(found) + n, 0.0) for n, p in enumerate(rest, start=1)]
    return found[:k]
