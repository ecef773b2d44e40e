from __future__ import annotations

from litreview.encoders.minilm import MiniLMEmbedder
from litreview.index.chunking import Chunker
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper


def test_short_abstract_is_one_chunk_long_text_splits_with_overlap() -> None:
    emb = MiniLMEmbedder()
    chunker = Chunker(emb.count_tokens, size=256, overlap=48)
    short = Paper(paper_id_for("S"), "S", "A short abstract about graphs.")
    (only,) = chunker.chunks(short)
    assert only.chunk_id == f"{short.paper_id}:0" and only.text.startswith("S. ")

    sentences = [f"Sentence number {i} describes experiment {i} in detail." for i in range(80)]
    long = Paper(paper_id_for("L"), "Long paper", " ".join(sentences))
    chunks = chunker.chunks(long)
    assert len(chunks) > 2
    assert [c.chunk_id for c in chunks] == [f"{long.paper_id}:{i}" for i in range(len(chunks))]
    assert all(c.paper_id == long.paper_id for c in chunks)
    assert all(emb.count_tokens(c.text) <= 254 for c in chunks)
    assert all(c.text.startswith("Long paper. ") for c in chunks)
    # overlap: the end of one chunk reappears at the start of the next
    first_tail = chunks[0].text.split(". ")[-2]
    assert first_tail in chunks[1].text


def test_models_embed_each_papers_abstract_and_only_its_first_body_chunks() -> None:
    """The cap is per paper, whatever the batch holds (a batch-wide count once left most
    papers of a 12-PDF ingest with no embedded body at all)."""
    from litreview.index.chunking import embedded_part
    from litreview.index.vectors import Chunk

    def paper(pid: str, body: int) -> list[Chunk]:
        head = [Chunk(f"{pid}:0", pid, "abstract", 0)]
        return head + [Chunk(f"{pid}:{n}", pid, "body", n, page=n) for n in range(1, body + 1)]

    chunks = paper("a", 5) + paper("b", 2) + paper("c", 9)
    kept = embedded_part(chunks, 3)
    assert [c.chunk_id for c in kept] == [
        *("a:0", "a:1", "a:2", "a:3"),
        *("b:0", "b:1", "b:2"),
        *("c:0", "c:1", "c:2", "c:3"),
    ]
    assert [c.chunk_id for c in embedded_part(chunks, 0)] == ["a:0", "b:0", "c:0"]
