"""Dense search's candidate pool per HNSW beam: exact or not, the same in every graph build, cost.

python -m bench.hnsw_beam [--home DIR] [--builds 2]

Chroma rebuilds a small library's HNSW graph in every process (see index/vectors.py), and
each build differs (records go in in parallel). HNSW is approximate at the end of its beam,
whose width is max(ef_search, hits asked for). Dense search keeps a pool of 50 papers from
their best chunks (2 per paper asked for). For each way of asking, this takes the chunk
vectors of a library (``--home``, the sample library if none), builds fresh Chroma collections
from them ``--builds`` times, and runs the easy-set questions against each: how often the pool
is the exact one (brute force over all vectors), how often every build gives the same pool, and
the query time (the ways interleaved, so load falls on each alike; read the ratios).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import Result, Row, load_questions, sample_library_and_stores, save_result
from litreview.index.stores import Stores
from litreview.settings import load_settings

POOL, PER_PAPER = 50, 2
# (ef_search, hits asked for): the doubled request at Chroma's ef, and one request at wider beams.
WAYS = {
    "ef 100, 2x request (before)": (100, 2 * POOL * PER_PAPER),
    "ef 100, 1x request": (100, POOL * PER_PAPER),
    "ef 200, 1x request": (200, POOL * PER_PAPER),
    "ef 400, 1x request (now)": (400, POOL * PER_PAPER),
}


def pool_of(chunk_ids: list[str], similarities: list[float]) -> list[str]:
    """The 50 papers of the best chunks, as the retriever ranks them (near-ties by paper id)."""
    best: dict[str, float] = {}
    for chunk_id, similarity in zip(chunk_ids, similarities, strict=True):
        best.setdefault(chunk_id.rpartition(":")[0], similarity)
    ranked = sorted(best.items(), key=lambda item: (-round(item[1], 6), item[0]))
    return [paper for paper, _ in ranked[:POOL]]


def build(folder: Path, ef: int, ids: list[str], vectors: np.ndarray, metas: list[Any]) -> Any:
    """A fresh embedded collection of these chunks, written in ingest-sized batches."""
    import chromadb
    from chromadb.config import Settings as ChromaConfig

    client = chromadb.PersistentClient(
        path=str(folder), settings=ChromaConfig(anonymized_telemetry=False)
    )
    collection = client.create_collection(
        "beam",
        configuration={"hnsw": {"space": "cosine", "ef_search": ef}},
        embedding_function=None,  # vectors given: Chroma's own (downloading) model is not wanted
    )
    for start in range(0, len(ids), 64):
        end = start + 64
        collection.upsert(
            ids=ids[start:end], embeddings=vectors[start:end], metadatas=metas[start:end]
        )
    return collection


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a library home (default: the sample library)")
    parser.add_argument("--builds", type=int, default=2)
    args = parser.parse_args()
    if args.home:
        os.environ["LITREVIEW_HOME"] = str(args.home)
        stores = Stores(load_settings())
    else:
        stores = sample_library_and_stores()[1]
    got = stores.vectors.collection.get(include=["embeddings", "metadatas"])
    ids, metas = list(got["ids"]), list(got["metadatas"] or [])
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    papers = len({str(m["paper_id"]) for m in metas})
    questions = [str(q["question"]) for q in load_questions()]
    queries = stores.vectors.embedder.embed(questions).astype(np.float32)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = []
    for query in queries:
        sims = unit @ (query / np.linalg.norm(query))
        top = np.argsort(-sims)[: 4 * POOL * PER_PAPER]
        exact.append(pool_of([ids[i] for i in top], [float(sims[i]) for i in top]))

    work = Path(tempfile.mkdtemp(prefix="litreview-beam-"))
    try:
        pools: dict[str, list[list[list[str]]]] = {way: [] for way in WAYS}
        seconds: dict[str, list[float]] = {way: [] for way in WAYS}
        for b in range(args.builds):
            built = {
                ef: build(work / f"ef{ef}-{b}", ef, ids, vectors, metas)
                for ef in sorted({ef for ef, _ in WAYS.values()})
            }
            found: dict[str, list[list[str]]] = {way: [] for way in WAYS}
            for query in queries:
                for way, (ef, n) in WAYS.items():
                    start = time.perf_counter()
                    hits = built[ef].query(
                        query_embeddings=[query], n_results=n, include=["metadatas", "distances"]
                    )
                    seconds[way].append(time.perf_counter() - start)
                    sims = [1.0 - d for d in hits["distances"][0]]
                    found[way].append(pool_of(hits["ids"][0], sims))
            for way in WAYS:
                pools[way].append(found[way])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    before = statistics.median(seconds["ef 100, 2x request (before)"])
    result: dict[str, object] = {
        "chunks": len(ids),
        "papers": papers,
        "questions": len(questions),
        "builds": args.builds,
        "load": round(os.getloadavg()[0], 1),
    }
    for way, runs in pools.items():
        result[way] = {
            "pool_exact": round(
                statistics.mean(p == e for run in runs for p, e in zip(run, exact, strict=True)), 3
            ),
            "pool_same_in_every_build": round(
                statistics.mean(
                    all(run[i] == runs[0][i] for run in runs) for i in range(len(exact))
                ),
                3,
            ),
            "query_p50_ms": round(statistics.median(seconds[way]) * 1000, 2),
            "p50_ratio_to_before": round(statistics.median(seconds[way]) / before, 2),
        }
        print(f"{way:30} {result[way]}")
    save_result("hnsw_beam", result)
    return result


def rows(result: Result) -> list[Row]:
    where = (
        f"{result['papers']} papers / {result['chunks']} chunks, {result['questions']} questions, "
        f"{result['builds']} builds, load {result['load']}"
    )
    return [
        (
            f"Dense pool (50 papers) per HNSW beam, {way} ({where}): pool exact / same in every "
            "build / query p50 (x the doubled request)",
            f"{figures['pool_exact']} / {figures['pool_same_in_every_build']} / "
            f"{figures['query_p50_ms']} ms (x{figures['p50_ratio_to_before']})",
        )
        for way, figures in result.items()
        if way in WAYS
    ]


if __name__ == "__main__":
    main()
