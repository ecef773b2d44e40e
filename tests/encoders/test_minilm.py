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


def test_batches_group_similar_lengths_within_the_token_budget() -> None:
    from litreview.encoders.minilm import length_batches

    lengths = [200, 12, 130, 11, 250, 13, 120]
    batches = length_batches(lengths, most=8, budget=256)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) * max(lengths[i] for i in batch) <= 256 or len(batch) == 1
    assert [3, 1, 5] in batches  # the short ones share a pass, shortest first
    assert [4] in batches and [0] in batches  # a long chunk runs alone: no padding


def test_bulk_encoding_gives_each_text_its_vectors_alone() -> None:
    """Texts tokenised once, batched by length and run side by side: each text's pooled and
    token vectors are those it gets embedded alone (the query path), in input order."""
    emb = MiniLMEmbedder()
    texts = [
        "a much longer sentence about attention in transformers " * 12,
        "short query",
        "token vectors for late interaction, from the same forward pass",
        "another short one",
        "medium length text about retrieval with dense and lexical search " * 3,
    ]
    bulk = emb.encode(texts)
    for i, text in enumerate(texts):
        alone = emb.encode([text])
        assert np.allclose(bulk.vectors[i], alone.vectors[0], atol=1e-5)
        assert bulk.tokens[i].tokens == alone.tokens[0].tokens
        assert np.array_equal(bulk.tokens[i].ids, alone.tokens[0].ids)
        assert np.allclose(bulk.tokens[i].vectors, alone.tokens[0].vectors, atol=1e-5)


def test_sessions_keep_no_per_shape_memory() -> None:
    """An ingest meets every sequence length; arena and memory patterns grew per length."""
    from litreview.encoders.minilm import session_options

    options = session_options()
    assert options.enable_cpu_mem_arena is False
    assert options.enable_mem_pattern is False
    assert options.intra_op_num_threads == 1
