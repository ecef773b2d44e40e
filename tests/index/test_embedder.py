"""The real shipped model: semantics, no padding artefacts, registered with Chroma."""

from __future__ import annotations

import numpy as np

from litreview.index.embedder import DIMENSION, EMBEDDER_NAME, MiniLMEmbedder


def test_similar_texts_are_closer_than_unrelated() -> None:
    emb = MiniLMEmbedder()
    a, b, c = emb.embed(
        [
            "Defending neural networks against backdoor trojan attacks.",
            "A defense that detects trojaned deep learning models.",
            "A recipe for baking sourdough bread at home.",
        ]
    )
    assert a.shape == (DIMENSION,)
    assert np.isclose(np.linalg.norm(a), 1.0, atol=1e-4)
    assert float(a @ b) > float(a @ c) + 0.3


def test_batch_padding_does_not_change_vectors() -> None:
    emb = MiniLMEmbedder(batch_size=8)
    texts = ["short query", "a much longer sentence " * 20]
    together = emb.embed(texts)
    alone = np.vstack([emb.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-3)


def test_long_text_truncates_at_256_not_128_tokens() -> None:
    emb = MiniLMEmbedder()
    base = "neural networks learn representations. " * 30  # ~180 tokens
    tail = " completely different ending about cooking pasta and tomatoes."
    a, b = emb.embed([base, base + tail])
    assert not np.allclose(a, b, atol=1e-4), "text past 128 tokens must still count"


def test_registered_config_round_trip() -> None:
    from chromadb.utils.embedding_functions import known_embedding_functions

    assert known_embedding_functions[EMBEDDER_NAME] is MiniLMEmbedder
    rebuilt = MiniLMEmbedder.build_from_config(MiniLMEmbedder().get_config())
    assert isinstance(rebuilt, MiniLMEmbedder)


def test_token_count_is_not_truncated() -> None:
    emb = MiniLMEmbedder()
    assert emb.count_tokens("word " * 600) == 600
