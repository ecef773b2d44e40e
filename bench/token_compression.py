"""Compact token vectors for late interaction: bytes per paper and retrieval, per format.

python -m bench.token_compression [--home DIR]

Every format is written from the same token vectors (the sample library's chunks, encoded
once with MiniLM as ingest does) into its own store, then the same library searches the
labelled sets with each store in turn: one run, side by side, "int8" being the format before
this change. The MPNet stage is fp32 for all (the prebuilt library's vectors), so the token
format is the only difference. Hybrid search (the default mode) only: every mode of
bench/retrieval_quality.py per format would take an hour on a loaded machine. ``--home`` is
an ingested library to copy (default: ingest the sample library into a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import Result, Row, load_questions, sample_library_and_stores, save_result
from bench.retrieval_quality import SETS, evaluate
from litreview.encoders.minilm import MODEL_ID, TokenVectors
from litreview.index.chunking import Chunker
from litreview.index.late import DEFAULT_CODEC, Codec, TokenStore
from litreview.index.library import Library
from litreview.index.retriever import SearchRequest
from litreview.index.stores import Stores

CODECS = [
    Codec(bits=8),  # before: int8, every content token
    Codec(bits=4),
    Codec(bits=2),
    Codec(bits=2, merge=0.95),  # the default since 2026-11-29 (issue 11: disk)
    Codec(bits=2, merge=0.9),
    Codec(bits=1),
    Codec(bits=1, merge=0.9),
]


def encode_library(stores: Stores) -> dict[str, list[TokenVectors]]:
    """Each paper's chunks' token vectors, as ingest computes them."""
    options = stores.settings.ingest
    embedder = stores.vectors.embedder
    chunker = Chunker(
        embedder.count_tokens, options.chunk_tokens, options.chunk_overlap, options.max_chunks
    )
    papers = stores.catalog.get(sorted(stores.catalog.indexed_ids()))
    chunks = [c for paper in papers.values() for c in chunker.chunks(paper)]
    encoded = embedder.encode([c.text for c in chunks])
    by_paper: dict[str, list[TokenVectors]] = {pid: [] for pid in papers}
    for chunk, tokens in zip(chunks, encoded.tokens, strict=True):
        by_paper[chunk.paper_id].append(tokens)
    return by_paper


def build_store(folder: Path, codec: Codec, papers: dict[str, list[TokenVectors]]) -> TokenStore:
    store = TokenStore(folder / f"tokens-{codec.name}.sqlite3", MODEL_ID, codec)
    store.replace_papers(papers)
    return store


def store_bytes(store: TokenStore) -> dict[str, float]:
    db = store._db  # a benchmark may look inside
    papers, vectors, total = db.execute(
        "SELECT COUNT(*), SUM(LENGTH(vectors)), "
        "SUM(LENGTH(vectors) + LENGTH(chunk_rows) + LENGTH(token_ids)) FROM paper_tokens"
    ).fetchone()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    size = store.path.stat().st_size
    return {
        "vector_bytes_per_paper": round(vectors / papers),
        "row_bytes_per_paper": round(total / papers),
        "file_bytes_per_paper": round(size / papers),
    }


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--formats", help="comma-separated format names (default: all)")
    parser.add_argument("--skip-quality", action="store_true", help="sizes and timing only")
    args = parser.parse_args()
    chosen = args.formats.split(",") if args.formats else [c.name for c in CODECS]
    work = Path(tempfile.mkdtemp(prefix="litreview-tokens-"))
    home = work / "home"
    if args.home:
        shutil.copytree(args.home, home)
    library, library_stores = sample_library_and_stores(
        home, retrieval={"rerank_model_precision": "fp32"}
    )
    papers = encode_library(library_stores)
    stores = {c.name: build_store(work, c, papers) for c in CODECS if c.name in chosen}
    # The library's own store must be complete before the library opens it (or it would
    # re-queue every paper): the default format, from the same vectors.
    build_store(work, DEFAULT_CODEC, papers).close()
    shutil.copy(work / f"tokens-{DEFAULT_CODEC.name}.sqlite3", library.settings.tokens_path)
    questions = {name: load_questions(filename) for name, filename in SETS.items()}
    if args.skip_quality:
        questions = {}
    # Scoring time alone (what the format changes in a query): 50 candidates, as search
    # re-ranks, for the first 100 hard questions; the formats take turns on each question.
    embedder = library_stores.vectors.embedder
    query_tokens = [
        embedder.encode([str(q["question"])]).tokens[0] for q in load_questions(SETS["hard"])[:100]
    ]
    candidates = sorted(papers)[::5][:50]
    timings: dict[str, list[float]] = {name: [] for name in stores}
    for tokens in query_tokens:
        for name, store in stores.items():
            began = time.perf_counter()
            store.score(tokens, candidates)
            timings[name].append((time.perf_counter() - began) * 1000)
    result: dict[str, object] = {"papers": len(papers), "default": DEFAULT_CODEC.name}
    for name, store in stores.items():
        library_stores.tokens = store  # the format under test, in a library opened on it
        library = Library(library.settings, library_stores)
        row: dict[str, object] = dict(store_bytes(store))
        ordered = sorted(timings[name])
        row["score_ms_p50_p95"] = [
            round(ordered[len(ordered) // 2], 2),
            round(ordered[int(len(ordered) * 0.95)], 2),
        ]
        began = time.perf_counter()
        for set_name, subset in questions.items():
            ranked = {}
            for q in subset:
                hits = library.search(SearchRequest(str(q["question"]), k=10, mode="hybrid"))
                ranked[str(q["question"])] = [h.paper.paper_id for h in hits]
            for kind in ("single", "multi"):
                of_kind = [q for q in subset if q["kind"] == kind]
                row[f"{set_name}/{kind}/hybrid"] = evaluate(ranked.__getitem__, of_kind)
        row["search_seconds"] = round(time.perf_counter() - began, 1)
        result[name] = row
        print(name, json.dumps(row), flush=True)
    if not args.skip_quality:
        save_result("token_compression", result)
    shutil.rmtree(work, ignore_errors=True)
    return result


def rows(result: Result) -> list[Row]:
    """One row per format: bytes, quality on both sets, scoring time."""
    out: list[Row] = []
    for codec in CODECS:
        row = result.get(codec.name)
        if not row:
            continue
        # Labelled by today's default, not the one recorded with the run (rot2 until 1-bit codes).
        note = " (the default for new libraries)" if codec.name == DEFAULT_CODEC.name else ""
        quality = ""
        if "hard/single/hybrid" in row:
            hard, hard_multi = row["hard/single/hybrid"], row["hard/multi/hybrid"]
            easy, easy_multi = row["easy/single/hybrid"], row["easy/multi/hybrid"]
            quality = (
                f"; {hard['recall@5']:.3f} / {hard['mrr@10']:.4f}, {hard_multi['recall@5']:.3f}; "
                f"{easy['mrr@10']:.3f}, {easy_multi['recall@5']:.3f}"
            )
        timing = row.get("score_ms_p50_p95")
        scoring = f"; scoring {timing[0]} / {timing[1]} ms" if timing else ""
        out.append(
            (
                f"Token vectors, {codec.name}{note}: vector / file bytes per paper; hard single "
                "R@5 / MRR@10, multi R@5; easy single MRR@10, multi R@5 (hybrid); scoring 50 "
                "candidates p50 / p95",
                f"{row['vector_bytes_per_paper'] / 1000:.1f} / "
                f"{row['file_bytes_per_paper'] / 1000:.1f} KB{quality}{scoring}",
            )
        )
    return out


if __name__ == "__main__":
    main()
