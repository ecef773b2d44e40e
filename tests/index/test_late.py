"""Late interaction: the token store's bookkeeping, MaxSim, and its place in a library."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from litreview.encoders.minilm import MiniLMEmbedder, TokenVectors
from litreview.index.late import (
    DEFAULT_CODEC,
    Codec,
    TokenStore,
    _pack,
    _unpack,
    chunk_maxsims,
    content_rows,
    random_rotation,
)
from litreview.index.library import Library
from litreview.index.retriever import SearchRequest
from litreview.index.stores import Stores
from litreview.settings import Settings
from tests.support.catalog import sqlite_statements
from tests.support.papers import small_corpus


def tokens(ids: list[int], names: list[str], dim: int = 4, seed: int = 0) -> TokenVectors:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((len(ids), dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return TokenVectors(np.array(ids, dtype=np.int32), tuple(names), vectors)


def maxsim(query: np.ndarray, weights: np.ndarray, document: np.ndarray) -> float:
    """The definition, one document at a time: what chunk_maxsims must agree with."""
    return float((query @ document.T).max(axis=1) @ weights)


def df(store: TokenStore) -> dict[int, int]:
    return dict(store._db.execute("SELECT token, df FROM token_df").fetchall())


def test_content_rows_drop_special_tokens_punctuation_and_stop_words() -> None:
    keep = content_rows(
        ["[CLS]", "the", "back", "##door", ",", "of", "attack", "[SEP]"], frozenset({"the", "of"})
    )
    assert keep.tolist() == [False, False, True, True, False, False, True, False]


def test_content_rows_judge_each_word_once_per_stop_list() -> None:
    """Judgements are remembered per stop-word list: another list judges afresh."""
    words = ["the", "model", "##s", "!", "[SEP]"]
    assert content_rows(words, frozenset({"the"})).tolist() == [False, True, True, False, False]
    assert content_rows(words, frozenset({"model"})).tolist() == [True, False, True, False, False]
    assert content_rows(words, frozenset({"the"})).tolist() == [False, True, True, False, False]
    assert content_rows([], frozenset()).tolist() == []


def test_document_frequencies_follow_replacements(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "t.sqlite3", "m1")
    store.replace_papers({"a": [tokens([101, 5, 6, 102], ["[CLS]", "x", "y", "[SEP]"])]})
    store.replace_papers({"b": [tokens([101, 5, 102], ["[CLS]", "x", "[SEP]"])]})
    assert df(store) == {101: 2, 102: 2, 5: 2, 6: 1}
    # Re-embedding a paper (a resumed batch, a changed abstract) replaces, never adds up.
    store.replace_papers({"a": [tokens([101, 7, 102], ["[CLS]", "z", "[SEP]"])]})
    store.replace_papers({"a": [tokens([101, 7, 102], ["[CLS]", "z", "[SEP]"])]})
    assert df(store) == {101: 2, 102: 2, 5: 1, 7: 1}
    assert store.count() == 2 and store.paper_ids() == {"a", "b"}


def test_chunks_score_separately_not_as_the_union_of_their_tokens() -> None:
    q = np.eye(2, dtype=np.float32)  # two query tokens, equal weight
    w = np.array([0.5, 0.5], dtype=np.float32)
    rows = np.eye(2, dtype=np.float32)  # chunk 1 matches token 1, chunk 2 token 2
    assert maxsim(q, w, rows) == pytest.approx(1.0)  # the union would match both
    per_chunk = chunk_maxsims(q, w, rows, np.array([1, 0, 1], dtype=np.int32))
    assert per_chunk.tolist() == pytest.approx([0.5, 0.0, 0.5])
    rng = np.random.default_rng(1)
    many = rng.standard_normal((7, 2)).astype(np.float32)
    sizes = np.array([3, 4], dtype=np.int32)
    expected = [maxsim(q, w, many[:3]), maxsim(q, w, many[3:])]
    assert chunk_maxsims(q, w, many, sizes).tolist() == pytest.approx(expected)


def test_score_refuses_a_partial_ranking_and_rare_tokens_weigh_more(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "t.sqlite3", "m1")
    dim = 3
    common, rare = np.array([1.0, 0, 0]), np.array([0, 1.0, 0])

    def paper(vectors: list[np.ndarray], ids: list[int]) -> list[TokenVectors]:
        names = ["[CLS]", *[f"w{i}" for i in ids], "[SEP]"]
        rows = np.stack([np.zeros(dim), *vectors, np.zeros(dim)]).astype(np.float32)
        return [TokenVectors(np.array([101, *ids, 102], dtype=np.int32), tuple(names), rows)]

    store.replace_papers({"has-common": paper([common], [10]), "has-rare": paper([rare], [20])})
    store.replace_papers({"filler": paper([common], [10])})
    query = TokenVectors(
        np.array([101, 10, 20, 102], dtype=np.int32),
        ("[CLS]", "w10", "w20", "[SEP]"),
        np.stack([np.zeros(dim), common, rare, np.zeros(dim)]).astype(np.float32),
    )
    scores = store.score(query, ["has-common", "has-rare"])
    assert scores is not None and scores["has-rare"] > scores["has-common"]
    assert store.score(query, ["has-common", "never-stored"]) is None


def test_another_model_starts_the_store_over(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    TokenStore(path, "m1").replace_papers({"a": [tokens([101, 5, 102], ["[CLS]", "x", "[SEP]"])]})
    assert TokenStore(path, "m1").count() == 1
    assert TokenStore(path, "m2").count() == 0


def test_encode_gives_the_pooled_vectors_and_every_token() -> None:
    embedder = MiniLMEmbedder()
    texts = ["Backdoor attacks on neural networks.", "A short one."]
    encoded = embedder.encode(texts)
    assert np.allclose(encoded.vectors, embedder.embed(texts), atol=1e-6)
    for text, tv in zip(texts, encoded.tokens, strict=True):
        assert len(tv.ids) == embedder.count_tokens(text) + 2 == len(tv.vectors) == len(tv.tokens)
        assert tv.tokens[0] == "[CLS]" and tv.tokens[-1] == "[SEP]"
        assert np.allclose(np.linalg.norm(tv.vectors, axis=1), 1.0, atol=1e-5)


def test_hybrid_hits_are_reranked_and_a_lost_token_store_reindexes(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = small_corpus(tmp_path, n=8)
    question = "borderline inputs whose right label is unclear, to test DNN supervisors"
    stores = Stores(settings)
    with Library(settings, stores) as lib:
        lib.ingest([corpus])
        assert stores.tokens.count() == 8
        hits = lib.search(SearchRequest(question, k=3))
        assert hits[0].paper.title.startswith("A Forgotten Danger in DNN Supervision Testing")
        assert all(h.late_score is not None for h in hits)
        assert all(h.late_score is None for h in lib.search(SearchRequest(question, mode="dense")))
    for leftover in settings.home.glob(settings.tokens_path.name + "*"):
        leftover.unlink()
    with Library(settings) as lib:
        assert lib.reconcile() == 8  # missing token vectors put the papers back to pending
        fused = lib.search(SearchRequest(question, k=3))  # still answers, in the fused order
        assert fused and all(h.late_score is None for h in fused)
        assert lib.ingest([]).embedded == 8 and lib.pending == 0
    with Library(settings) as lib:
        assert lib.search(SearchRequest(question, k=3))[0].late_score is not None


def unit_rows(count: int, dim: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.mark.parametrize("bits", [1, 2, 4])
@pytest.mark.parametrize("dim", [3, 384])
def test_codes_pack_and_unpack_exactly(bits: int, dim: int) -> None:
    codes = np.random.default_rng(bits).integers(0, 1 << bits, (5, dim)).astype(np.uint8)
    packed = _pack(codes, bits)
    assert packed.shape == (5, -(-dim * bits // 8))  # whole bytes, a row never shares one
    assert np.array_equal(_unpack(packed, bits, dim), codes)


def test_rotation_is_orthogonal_and_the_same_every_time() -> None:
    rotation = random_rotation(384)
    assert np.allclose(rotation @ rotation.T, np.eye(384), atol=1e-5)
    assert np.array_equal(rotation, random_rotation(384))


@pytest.mark.parametrize(("bits", "tolerance"), [(8, 0.01), (4, 0.03), (2, 0.07), (1, 0.14)])
def test_decoded_rows_estimate_cosines_without_bias(bits: int, tolerance: float) -> None:
    # Queries close to the stored tokens, as matching tokens are: the estimate of their
    # cosine must be near the truth and not systematically low (MaxSim adds it to the dense
    # score, so a shrunken scale would shift the balance between them).
    codec = Codec(bits=bits)
    rows = unit_rows(400, 384, seed=1)
    near = rows + 0.6 * unit_rows(400, 384, seed=2)
    near /= np.linalg.norm(near, axis=1, keepdims=True)
    rotation = random_rotation(384)
    levels, scale = codec.decode(codec.encode(rows, rotation), len(rows), 384)
    decoded = levels * scale[:, None]
    assert len(codec.encode(rows, rotation)) == len(rows) * codec.row_bytes(384)
    truth = (near * rows).sum(axis=1)
    estimate = (codec.query(near, rotation) * decoded).sum(axis=1)
    assert np.abs(estimate - truth).mean() < tolerance
    assert abs(float((estimate - truth).mean())) < tolerance / 4


def test_merge_keeps_one_of_near_identical_tokens() -> None:
    rows = unit_rows(4, 8, seed=3)
    twin = rows[1] + 0.01 * rows[2]
    chunk = np.vstack([rows, twin / np.linalg.norm(twin)])
    assert Codec(bits=2, merge=0.9).kept(chunk).tolist() == [True, True, True, True, False]
    assert Codec(bits=2).kept(chunk).all()


def test_store_scores_match_exact_maxsim_closely(tmp_path: Path) -> None:
    # The default compact format against the definition on unquantised vectors.
    store = TokenStore(tmp_path / "t.sqlite3", "m1")
    dim = 384
    names = ["[CLS]", *[f"w{i}" for i in range(30)], "[SEP]"]
    ids = [101, *range(1000, 1030), 102]
    papers = {
        f"p{n}": [TokenVectors(np.array(ids, np.int32), tuple(names), unit_rows(32, dim, n))]
        for n in range(6)
    }
    store.replace_papers(papers)
    target = papers["p2"][0].vectors[1:9] + 0.5 * unit_rows(8, dim, seed=99)
    target /= np.linalg.norm(target, axis=1, keepdims=True)
    query = TokenVectors(np.array(ids[1:9], np.int32), tuple(names[1:9]), target)
    scores = store.score(query, list(papers))
    assert scores is not None
    weights = np.full(8, 1 / 8, dtype=np.float32)
    exact = {pid: maxsim(target, weights, tv[0].vectors[1:-1]) for pid, tv in papers.items()}
    assert max(scores, key=lambda pid: scores[pid]) == "p2"
    assert all(abs(scores[pid] - exact[pid]) < 0.05 for pid in papers), (scores, exact)


def test_an_old_format_store_is_emptied_and_its_rotation_kept(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    paper = {"a": [tokens([101, 5, 102], ["[CLS]", "x", "[SEP]"], dim=8)]}
    TokenStore(path, "m1", Codec(bits=8)).replace_papers(paper)  # the format before this one
    assert TokenStore(path, "m1", Codec(bits=8)).count() == 1
    store = TokenStore(path, "m1")  # the current format: the int8 rows cannot be read as it
    assert store.codec == DEFAULT_CODEC and store.count() == 0
    store.replace_papers(paper)
    saved = store._rotation_for(8)
    store.close()
    reopened = TokenStore(path, "m1")
    assert reopened.count() == 1
    assert np.array_equal(reopened._rotation_for(8), saved)  # read back, not drawn again


def test_a_read_only_store_in_an_old_format_is_not_misread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read-only library is never emptied; its int8 rows must not be decoded as 2-bit ones.
    from litreview.index import sqlite_store

    path = tmp_path / "t.sqlite3"
    paper = {"a": [tokens([101, 5, 102], ["[CLS]", "x", "[SEP]"], dim=8)]}
    writer = TokenStore(path, "m1", Codec(bits=8))
    writer.replace_papers(paper)
    writer.close()  # a read-only (immutable) open sees no write-ahead log
    query = tokens([101, 5, 102], ["[CLS]", "x", "[SEP]"], dim=8)
    monkeypatch.setattr(sqlite_store.os, "access", lambda *args: False)
    old = TokenStore(path, "m1", Codec(bits=8))
    assert old.readable and old.score(query, ["a"]) is not None
    current = TokenStore(path, "m1")
    assert not current.readable and current.count() == 1
    assert current.score(query, ["a"]) is None  # search keeps the fused order instead


def test_a_one_bit_store_is_kept_and_a_new_one_is_two_bit(tmp_path: Path) -> None:
    from litreview.index.late import codec_of_store

    path = tmp_path / "t.sqlite3"
    assert codec_of_store(path, "m1") == DEFAULT_CODEC == Codec(bits=2, merge=0.95)  # a new one
    assert DEFAULT_CODEC.format == "rot2"  # what stores and a shared library record
    paper = {"a": [tokens([101, 5, 102], ["[CLS]", "x", "[SEP]"], dim=8)]}
    TokenStore(path, "m1", Codec(bits=1)).replace_papers(paper)  # written while 1 bit was default
    kept = codec_of_store(path, "m1")
    assert kept == Codec(bits=1) and TokenStore(path, "m1", kept).count() == 1  # no re-embed
    TokenStore(path, "m1", Codec(bits=8)).close()  # an int8 store is still re-embedded
    assert codec_of_store(path, "m1") == DEFAULT_CODEC


def test_idf_counts_the_papers_once_per_change_of_the_file(tmp_path: Path) -> None:
    """Counting the papers walked the store's whole key index on every query (4.5 ms of CPU
    at 100,000 papers); the count is now kept until this or another connection writes."""
    path = tmp_path / "t.sqlite3"
    store = TokenStore(path, "m1")

    def papers(names: list[str]) -> dict[str, list[TokenVectors]]:
        return {n: [tokens([101, 5, 102], ["[CLS]", "x", "[SEP]"])] for n in names}

    store.replace_papers(papers(["a"]))
    assert store._paper_count() == 1
    store.replace_papers(papers(["b", "c"]))  # this connection's write
    assert store._paper_count() == 3
    other = TokenStore(path, "m1")  # another process's ingest
    other.remove_papers(["a"])
    other.close()
    assert store._paper_count() == 2
    ids = [101, 5, 102]

    def counts() -> int:
        ran = sqlite_statements(store._db, lambda: store._idf(ids))
        return sum("COUNT(*)" in statement for statement in ran)

    assert counts() == 0  # counted above, nothing written since
    store.replace_papers(papers([f"p{i}" for i in range(300)]))
    assert counts() == 1 and counts() == 0
    assert store._idf([5])[5] == pytest.approx(np.log(303 / 302.5))
