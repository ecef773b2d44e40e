"""Paper text to chunks that fit the embedding model's window.

An abstract is usually one chunk. Longer texts split on paragraph, sentence
and word boundaries with overlap, measured in the model's own tokens so no
chunk is silently truncated by the model. Every chunk starts with the
paper's title (so it knows what paper it is from) and has the id
``<paper_id>:<n>``, mapping it back to its paper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from litreview.index.vectors import Chunk
from litreview.reading.paper import PageText, Paper

SPECIAL_TOKENS = 2  # [CLS] and [SEP]
MIN_PIECE_TOKENS = 32


class Chunker:
    """Splits papers; ``max_chunks`` bounds the work one paper can cost.

    A broken record (a whole book pasted as an abstract, 1 MB of text) would
    otherwise hold an ingest for many minutes and gigabytes; beyond the cap
    the text is not indexed, and :attr:`truncated` names the papers it cut.
    """

    def __init__(
        self, count_tokens: Callable[[str], int], size: int, overlap: int, max_chunks: int = 0
    ) -> None:
        self._count = count_tokens
        self._budget = size - SPECIAL_TOKENS
        self._overlap = overlap
        self._max_chunks = max_chunks
        self.truncated: dict[str, int] = {}  # paper id -> chunks it would have had
        self.with_full_text: dict[str, bool] = {}  # paper id -> chunked with its pages

    def chunks(self, paper: Paper) -> list[Chunk]:
        pieces = self._split(paper)
        if self._max_chunks and len(pieces) > self._max_chunks:
            self.truncated[paper.paper_id] = len(pieces)
            pieces = pieces[: self._max_chunks]
        return pieces

    def with_pages(self, paper: Paper, pages: Sequence[PageText]) -> list[Chunk]:
        """The abstract's chunks, then the full text's passages, within ``max_chunks``.

        The abstract comes first so that the cap, when it cuts, cuts the end of
        the body (appendices, mostly), never what the paper says of itself.
        """
        chunks = self.chunks(paper)
        self.with_full_text[paper.paper_id] = bool(pages)
        n = len(chunks)
        total = n
        for page in pages:
            for piece in self._pieces(paper, self._bounded(page.text)):
                total += 1
                if self._max_chunks and n >= self._max_chunks:
                    continue
                chunks.append(Chunk(f"{paper.paper_id}:{n}", paper.paper_id, piece, n, page.page))
                n += 1
        if self._max_chunks and total > self._max_chunks:
            self.truncated[paper.paper_id] = total
        return chunks

    def _split(self, paper: Paper) -> list[Chunk]:
        head = f"{paper.title}. "
        if self._count(head + paper.abstract) <= self._budget:
            return [Chunk(f"{paper.paper_id}:0", paper.paper_id, head + paper.abstract, 0)]
        return [
            Chunk(f"{paper.paper_id}:{i}", paper.paper_id, piece, i)
            for i, piece in enumerate(self._pieces(paper, self._bounded(paper.abstract)))
        ]

    def _pieces(self, paper: Paper, text: str) -> list[str]:
        """``text`` split to fit the window after the title, each piece led by the title."""
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        head = f"{paper.title}. "
        if not text.strip():
            return []
        piece_budget = max(self._budget - self._count(head), MIN_PIECE_TOKENS)
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=piece_budget,
            chunk_overlap=min(self._overlap, piece_budget // 2),
            length_function=self._count,
            separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
            keep_separator="end",
        )
        return [head + piece.strip() for piece in splitter.split_text(text) if piece.strip()]

    def _bounded(self, text: str) -> str:
        """Only as much text as the cap can index (a generous 8 characters per token)."""
        if not self._max_chunks:
            return text
        return text[: self._max_chunks * self._budget * 8]


def passage_of(chunk_text: str, title: str) -> str:
    """A passage as a reader sees it: the chunk without the title it was embedded with."""
    head = f"{title}. "
    return chunk_text[len(head) :] if chunk_text.startswith(head) else chunk_text


def embedded_part(chunks: Sequence[Chunk], body: int) -> list[Chunk]:
    """The chunks the embedding models see: every abstract chunk and the body's first ``body``.

    Why a cap: on two cores MiniLM costs ~0.1 CPU-second per 256-token chunk, and a 15-page
    paper has ~65 of them, so embedding every body chunk of 1,000 PDFs takes about an hour.
    The rest of the body stays searchable by BM25 (its passages are stored all the same), and
    the paper's front (introduction, method) is what the first chunks hold.
    """
    out: list[Chunk] = []
    seen: dict[str, int] = {}  # body chunks met so far, per paper
    for chunk in chunks:
        if chunk.page is not None:
            seen[chunk.paper_id] = seen.get(chunk.paper_id, 0) + 1
            if seen[chunk.paper_id] > body:
                continue
        out.append(chunk)
    return out
