"""Compact stores (issue 11): fewer bytes a paper, and stores written before still read.

Each store records its rows' layout (a key in its meta table, or the column's
type in the catalog); a store written before says nothing and is read the old
way. The "old" stores here are written as the code before wrote them: the same
rows, in the old layout, without the key.
"""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import numpy as np

from litreview.encoders.minilm import TokenVectors
from litreview.index.catalog import Catalog
from litreview.index.late import DEFAULT_CODEC, Codec, TokenStore, codec_of_store
from litreview.index.reranker import SHARED_ROWS, VectorTable
from litreview.index.sqlite_store import free_share, vacuum_if_sparse
from litreview.reading.paper import Paper
from litreview.settings import Settings

DIM = 384


def unit(n: int, seed: int, dim: int = DIM) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def chunk(names: list[str], vectors: np.ndarray, first_id: int = 2000) -> TokenVectors:
    ids = np.arange(first_id, first_id + len(names), dtype=np.int32)
    return TokenVectors(ids, tuple(names), vectors)


def make_old_token_store(path: Path, papers: dict[str, list[TokenVectors]]) -> None:
    """A 2-bit store as the code before wrote it: int32 token ids, no layout key, 4 KB pages."""
    store = TokenStore(path, "m1", Codec(bits=2))
    store.replace_papers(papers)
    with store._writing() as db:
        for pid, blob in db.execute("SELECT paper_id, token_ids FROM paper_tokens").fetchall():
            ids = np.frombuffer(blob, dtype=np.uint16).astype(np.int32).tobytes()
            db.execute("UPDATE paper_tokens SET token_ids = ? WHERE paper_id = ?", (ids, pid))
        db.execute("DELETE FROM meta WHERE key = 'token_ids'")
    store.close()


def test_an_old_token_store_still_reads_scores_and_forgets(tmp_path: Path) -> None:
    path = tmp_path / "tokens.sqlite3"
    papers = {f"p{n}": [chunk([f"w{i}" for i in range(12)], unit(12, n))] for n in range(3)}
    make_old_token_store(path, papers)
    # Kept, no re-embedding: the same format ("rot2"); its new papers are merged (read alike).
    assert codec_of_store(path, "m1") == DEFAULT_CODEC
    old = TokenStore(path, "m1", codec_of_store(path, "m1"))
    assert old.readable and old.count() == 3
    query = chunk([f"w{i}" for i in range(4)], papers["p1"][0].vectors[:4])
    scores = old.score(query, list(papers))
    assert scores is not None and max(scores, key=scores.__getitem__) == "p1"
    # The distinct ids still read as int32: the shared server's copy and the IDF counts agree.
    _, _, ids = old.raw(["p1"])["p1"]
    assert np.array_equal(np.frombuffer(ids, np.int32), np.arange(2000, 2012))
    old.replace_papers({"p3": [chunk(["w0"], unit(1, 9))]})  # new rows in the store's layout
    old.remove_papers(["p0", "p1", "p2"])
    assert dict(old._db.execute("SELECT token, df FROM token_df").fetchall()) == {2000: 1}
    assert old._db.execute("SELECT value FROM meta WHERE key = 'token_ids'").fetchone() == (
        "int32",
    )


def test_a_new_token_store_keeps_ids_in_two_bytes_and_small_pages(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.sqlite3", "m1")
    store.replace_papers({"a": [chunk(["x", "y", "z"], unit(3, 1))]})
    blob = store._db.execute("SELECT token_ids FROM paper_tokens").fetchone()[0]
    assert len(blob) == 3 * 2
    assert store._db.execute("PRAGMA page_size").fetchone()[0] == TokenStore.PAGE_SIZE == 1024
    _, _, ids = store.raw(["a"])["a"]  # what a shared server receives is int32, as before
    assert np.frombuffer(ids, np.int32).tolist() == [2000, 2001, 2002]
    other = TokenStore(tmp_path / "other.sqlite3", "m1")
    other.put_raw(store.raw(["a"]))
    assert other.raw(["a"]) == store.raw(["a"])


def test_pruning_keeps_content_tokens_and_one_of_near_twins(tmp_path: Path) -> None:
    # [CLS]/[SEP], punctuation and stop words are never stored; within a chunk, a token at
    # cosine >= 0.95 to one already kept (the word repeated in a like context) is not either,
    # but a different word, or the same word in another sense (cosine < 0.95), is.
    base = unit(4, 3)
    twin = base[1] + 0.05 * base[2]
    other_sense = base[1] + 0.6 * base[3]
    rows = np.vstack(
        [unit(1, 5), base[0], unit(1, 6), base[1], base[2], twin, other_sense, unit(1, 7)]
    )
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    names = ["[CLS]", "backdoor", "the", "trigger", "model", "trigger", "trigger", "[SEP]"]
    assert float(rows[5] @ rows[3]) >= 0.95 > float(rows[6] @ rows[3])
    assert DEFAULT_CODEC.merge == 0.95
    store = TokenStore(tmp_path / "tokens.sqlite3", "m1")
    store.replace_papers({"a": [chunk(names, rows)]})
    sizes = store._db.execute("SELECT chunk_rows FROM paper_tokens").fetchone()[0]
    assert np.frombuffer(sizes, np.int32).tolist() == [4]  # backdoor, trigger, model, trigger'
    stored, _ = DEFAULT_CODEC.decode(
        store._db.execute("SELECT vectors FROM paper_tokens").fetchone()[0], 4, DIM
    )
    rotation = store._rotation_for(DIM)
    assert rotation is not None
    expected = DEFAULT_CODEC.encode(rows[[1, 3, 4, 6]], rotation)
    assert np.array_equal(stored, DEFAULT_CODEC.decode(expected, 4, DIM)[0])
    # The dropped twin is still matched (by the kept one) nearly as well as stored exactly.
    query = chunk(["trigger"], rows[5:6])
    score = store.score(query, ["a"])
    assert score is not None and score["a"] > 0.9


def test_an_old_float16_rerank_table_still_reads_and_a_new_one_is_int8(tmp_path: Path) -> None:
    vectors = unit(3, 4, dim=768)
    old_path = tmp_path / "old.sqlite3"
    table = VectorTable(old_path, "mpnet")  # as the code before wrote it: float16, no layout key
    table._db.execute("DELETE FROM meta WHERE key = 'rows'")
    table._db.execute("INSERT INTO paper_vectors VALUES ('a', ?)", (vectors.astype(np.float16),))
    table.close()
    old = VectorTable(old_path, "mpnet")
    assert old.rows == "float16"
    assert np.allclose(old.get(["a"])["a"], vectors, atol=1e-3)
    new = VectorTable(tmp_path / "new.sqlite3", "mpnet")
    new.replace_papers({"a": vectors})
    assert new.rows == "int8"
    blob = new._db.execute("SELECT vectors FROM paper_vectors").fetchone()[0]
    assert len(blob) == 3 * (768 + 4)  # half of float16's 3 * 1536
    query = unit(1, 8, dim=768)[0]
    assert np.abs(new.get(["a"])["a"] @ query - vectors @ query).max() < 2e-3
    # Rows from a shared server come flat, as float16 bytes read back: stored the same.
    new.replace_papers({"b": np.frombuffer(vectors.astype(np.float16).tobytes(), np.float16)})
    assert np.allclose(new.get(["b"])["b"], vectors, atol=2e-3)


def test_a_shared_librarys_rows_reach_every_member_as_the_same_numbers(tmp_path: Path) -> None:
    # A member sends its rows as float16 (what the server carries) and another stores them as
    # they come: both then score with the same numbers. int8 codes re-made from float16 would
    # not be (the scale moves), which made two members' scores differ in the sixth decimal.
    vectors = unit(3, 5, dim=768)
    writer = VectorTable(tmp_path / "a.sqlite3", "mpnet", SHARED_ROWS)
    reader = VectorTable(tmp_path / "b.sqlite3", "mpnet", SHARED_ROWS)
    writer.replace_papers({"p": vectors})
    sent = writer.get(["p"])["p"].astype(np.float16).tobytes()
    reader.replace_papers({"p": np.frombuffer(sent, np.float16)})
    assert np.array_equal(writer.get(["p"])["p"], reader.get(["p"])["p"])
    # The same journey through int8 tables: the numbers move.
    a, b = (
        VectorTable(tmp_path / "c.sqlite3", "mpnet"),
        VectorTable(tmp_path / "d.sqlite3", "mpnet"),
    )
    a.replace_papers({"p": vectors})
    b.replace_papers(
        {"p": np.frombuffer(a.get(["p"])["p"].astype(np.float16).tobytes(), np.float16)}
    )
    assert not np.array_equal(a.get(["p"])["p"], b.get(["p"])["p"])


def test_an_old_catalog_abstract_reads_and_new_ones_are_compressed(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    catalog = Catalog(path)
    text = "We study backdoor triggers in language models. " * 8
    catalog.upsert([Paper("a", "New paper", text), Paper("b", "Old paper", "placeholder")])
    with catalog.transaction() as db:  # b as the code before stored it: plain text
        db.execute("UPDATE papers SET abstract = ? WHERE paper_id = 'b'", ("Older text.",))
    stored = dict(catalog._db.execute("SELECT paper_id, abstract FROM papers").fetchall())
    assert isinstance(stored["a"], bytes) and len(stored["a"]) < len(text) / 3
    assert zlib.decompress(stored["a"]).decode() == text
    got = catalog.get(["a", "b"])
    assert got["a"].abstract == text and got["b"].abstract == "Older text."
    assert catalog.phrase_share(["backdoor triggers", "older text"]) == {
        "backdoor triggers": 0.5,
        "older text": 0.5,
    }
    catalog.close()


def test_a_phrase_is_said_at_the_start_of_a_word_not_inside_one(tmp_path: Path) -> None:
    """The relevance judge weighs a topic's words by how rare they are: "age" read as
    common because every abstract saying "image" held it."""
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.upsert(
        [
            Paper("a", "Image models", "Image classification with large models."),
            Paper("b", "Estimating age", "We estimate age and ageing from faces."),
        ]
    )
    assert catalog.phrase_share(["age", "model", "imag"]) == {
        "age": 0.5,
        "model": 0.5,
        "imag": 0.5,
    }
    catalog.close()


def test_free_pages_are_given_back_only_when_they_are_many(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)")
    db.executemany("INSERT INTO t VALUES (?, ?)", [(i, bytes(3000)) for i in range(200)])
    db.execute("DELETE FROM t WHERE k < 20")
    assert free_share(db) < 0.2 and not vacuum_if_sparse(db)
    db.execute("DELETE FROM t WHERE k < 150")
    size = path.stat().st_size
    assert vacuum_if_sparse(db) and free_share(db) == 0.0
    assert path.stat().st_size < size / 3
    db.close()


def test_the_embedded_chunk_store_gives_back_its_free_pages_and_still_answers(
    settings: Settings,
) -> None:
    # Chroma keeps new vectors in a queue table until its HNSW index takes them (every 1,000),
    # then deletes them and keeps the pages. compact() rewrites the file under the open client.
    from litreview.index.vectors import Chunk, VectorStore

    store = VectorStore(settings)
    vectors = unit(1100, 11)
    for start in range(0, 1100, 100):
        ids = range(start, start + 100)
        store.replace_papers([Chunk(f"p{i}:0", f"p{i}", "", 0) for i in ids], vectors[start:][:100])
    path = settings.chroma_path / "chroma.sqlite3"
    size = path.stat().st_size
    assert store.compact()
    assert path.stat().st_size < 0.8 * size and not store.compact()  # nothing left to give
    hits = store.query(vectors[1050], 3)
    assert hits[0].paper_id == "p1050" and store.count() == 1100
    store.replace_papers([Chunk("q:0", "q", "", 0)], unit(1, 12))  # still writable
    assert store.count() == 1101


def test_after_an_ingest_only_stores_with_many_free_pages_are_rewritten(
    settings: Settings,
) -> None:
    from litreview.index.stores import Stores

    stores = Stores(settings)  # (the store also holds its 590 KB rotation)
    papers = {f"p{n}": [chunk([f"w{i}" for i in range(40)], unit(40, n))] for n in range(200)}
    stores.tokens.replace_papers(papers)
    assert stores.compact() == []  # nothing freed: nothing rewritten
    stores.tokens.remove_papers([f"p{n}" for n in range(180)])
    assert stores.compact() == ["tokens"] and stores.tokens.count() == 20
    stores.close()


def test_merge_matches_its_definition_row_by_row() -> None:
    # A row is left out when a row kept before it in the chunk is at cosine >= merge.
    rng = np.random.default_rng(5)
    base = unit(30, 6, dim=32)
    noisy = base[rng.integers(0, 30, 40)] + np.linspace(0.05, 0.6, 40)[:, None] * unit(40, 7, 32)
    rows = np.vstack([base, noisy / np.linalg.norm(noisy, axis=1, keepdims=True)])
    for merge in (0.9, 0.95, 0.99):
        expected = np.ones(len(rows), dtype=bool)
        for i in range(1, len(rows)):
            kept = np.flatnonzero(expected[:i])
            expected[i] = not (len(kept) and (rows[kept] @ rows[i]).max() >= merge)
        assert Codec(bits=2, merge=merge).kept(rows).tolist() == expected.tolist()
        assert 0 < (~expected).sum() < 40  # some twins near enough, some not
