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
