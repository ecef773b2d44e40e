"""The real shipped model: semantics, no padding artefacts, registered with Chroma."""

from __future__ import annotations

import numpy as np

from litreview.encoders.minilm import DIMENSION, MiniLMEmbedder


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

    from litreview.index.chroma_function import EMBEDDER_NAME, ChromaMiniLM

    assert known_embedding_functions[EMBEDDER_NAME] is ChromaMiniLM
    rebuilt = ChromaMiniLM.build_from_config(ChromaMiniLM().get_config())
    assert isinstance(rebuilt, ChromaMiniLM)
    vectors = rebuilt(["a sentence"])
    assert np.allclose(vectors[0], MiniLMEmbedder().embed(["a sentence"])[0], atol=1e-5)


def test_the_encoder_does_not_load_chroma() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from litreview.evidence.scoring import EvidenceScorer; "
        "EvidenceScorer().count_tokens('x'); print('chromadb' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_token_count_is_not_truncated() -> None:
    emb = MiniLMEmbedder()
    assert emb.count_tokens("word " * 600) == 600
