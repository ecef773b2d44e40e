"""What ``[n]`` in an answer refers to: one numbered piece of evidence from one paper.

Defined with the evidence stage, below the backends and the review tasks that
both pass it around, so the evidence code needs nothing from above it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from litreview.evidence.sentences import split_sentences
from litreview.reading.paper import NO_PAGE, PageText


@dataclass(frozen=True)
class Section:
    """A stretch of a retrieved passage's running text and the section heading it falls
    under; ``opens``: the heading stands right before it (it is the section's beginning)."""

    page: int
    heading: str
    text: str
    opens: bool


@dataclass(frozen=True)
class Source:
    """One numbered piece of evidence: what ``[n]`` in an answer refers to.

    ``text`` is the abstract (or the part of it that matters); ``passages``
    are the paper's full-text passages retrieved for the question, each with
    its page, which an answer cites as ``[n, p. 7]``. ``page`` is set only on
    the one-page views of :meth:`page_views` (the text is then that page's
    passages), so code scoring sentences knows which page a sentence is on.
    A web page's text has no page number: its view has ``page`` :data:`.paper.NO_PAGE`
    (full text, not the abstract, whose view has None) and is cited ``[n]``.
    """

    n: int
    paper_id: str
    title: str
    text: str
    passages: tuple[PageText, ...] = ()
    page: int | None = None
    sections: tuple[Section, ...] = ()
    # The paper's authors, as stored: a draft names a paper the way papers do ("Dean and
    # Ghemawat [3]", "Chang et al. [4]").
    authors: tuple[str, ...] = ()

    @property
    def pages(self) -> tuple[int, ...]:
        """The pages an answer may cite for this source, in order of first retrieval."""
        return tuple(dict.fromkeys(p.page for p in self.passages if p.page != NO_PAGE))

    def on_page(self, page: int) -> str:
        """The retrieved passages on ``page``, as one text."""
        return "\n".join(p.text for p in self.passages if p.page == page)

    def page_views(self) -> tuple[Source, ...]:
        """One source per retrieved page (same ``n``), holding that page's passages; a web
        page's text is one view, on page :data:`.paper.NO_PAGE`."""
        return tuple(
            replace(
                self,
                text=self.on_page(page),
                passages=(),
                page=page,
                sections=tuple(s for s in self.sections if s.page == page),
            )
            for page in dict.fromkeys(p.page for p in self.passages)
        )

    def section_of(self, sentence: str) -> tuple[Section, int] | None:
        """The section holding ``sentence`` and the sentence's place in it (0: first)."""
        for section in self.sections:
            at = section.text.find(sentence)
            if at >= 0:
                return section, len(split_sentences(section.text[:at], min_words=1))
        return None

    def whole(self) -> str:
        """Abstract and every retrieved passage: what a citation without a page rests on."""
        return "\n".join([self.text, *(p.text for p in self.passages)])
