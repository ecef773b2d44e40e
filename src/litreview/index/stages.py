"""How far a library is indexed, and what the faces say while it is not finished.

A paper goes pending -> searchable (chunks and MiniLM vectors in Chroma,
token vectors for late interaction, BM25 once refreshed) -> complete (the
re-ranking model's vectors too). The second stage is the slow one (MPNet
over every chunk), so a big ingest makes the library searchable first and
completes it after, in the same run or the next. Until then search leaves
the re-ranking model out for every candidate (one consistent ranking), and
every face says so with :attr:`IndexingState.notice`: results that are worse
than they will be must never look final.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class IndexingState:
    """Counts of papers per stage; ``reranking`` is whether a second stage exists at all
    (off when ``retrieval.rerank_model = "none"`` or its packages are missing)."""

    papers: int
    searchable: int
    complete: int
    reranking: bool = True

    @property
    def partial(self) -> bool:
        """Whether search ranks without the re-ranking model because it is not done."""
        return self.reranking and self.complete < self.searchable

    @property
    def notice(self) -> str | None:
        """The one sentence every face shows while ranking is partial; ``None`` when not."""
        if not self.partial:
            return None
        return (
            f"ranking is partial: the re-ranking model has indexed {self.complete} of "
            f"{self.papers} papers; `litreview ingest` finishes it"
        )

    @property
    def unsearchable_notice(self) -> str | None:
        """What to say when some papers are not in the vector and token stores yet
        (BM25 may still find them, so "not searchable" would be wrong)."""
        waiting = self.papers - self.searchable
        if waiting <= 0:
            return None
        return f"{waiting} papers are not fully indexed yet; run 'litreview ingest' to finish"

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "partial": self.partial}
