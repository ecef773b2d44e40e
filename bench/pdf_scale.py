"""What one PDF costs, stage by stage, and what 1,000 of them would (an extrapolation, said so).

    python -m bench.pdf_scale            # the 12 real PDFs of shared/real/pdfs
    python -m bench.pdf_scale --embed 0  # embed every chunk (default: an even sample of 256)
    python -m bench.pdf_scale --mpnet 48 # MPNet timed on this many of their chunks (default 32)

A real 1,000-PDF set cannot be made by copying the 12 real ones: each copy carries its
arXiv id or DOI on its first page, so litreview rightly files every copy under the same
paper (identity is DOI and arXiv id first) and would embed 12 papers, not 1,000. So each
stage of the pipeline is timed on the 12 real PDFs (192 pages) in one process, side by side:

- *read*: pypdfium2 extraction with litreview's repairs (``reading.readers.pdf.extract``);
- *chunk*: the body split into MiniLM windows (256 tokens, 48 overlap: ``ingest`` settings)
  by the same :class:`~litreview.index.chunking.Chunker` that splits abstracts;
- *MiniLM*: those chunks embedded with their token vectors (the dense and late-interaction
  stages, one forward pass);
- *store*: the chunks written to Chroma and the token store, as ingest writes them;
- *MPNet*: the re-ranking model on a sample of the chunks (it is the slow stage).

The extrapolation scales each stage by pages (read) or chunks (the rest) to 1,000 PDFs of
15 pages, for three choices of what sees the full text: every body chunk through MiniLM;
also through MPNet; and the default (``ingest.embed_body_chunks`` /
``ingest.rerank_body_chunks``): each paper's abstract through MiniLM and MPNet, its first
N body chunks through MiniLM (dense + late interaction), every body chunk into BM25 (timed
here too: ``bm25``, the index built over all chunks). Wall time depends on what else the
shared 2-core machine runs (``load`` is recorded), so each stage's CPU time is recorded too:
the models use both cores, so an idle machine's wall time is about CPU time / 2, the
``idle_estimate`` (an estimate, not a measurement). It assumes cost linear in chunks
(true of the models and BM25; Chroma's index grows as n log n, not timed past this size).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.common import Result, Row, save_result
from litreview.index.chunking import Chunker
from litreview.reading.paper import Paper

REAL = Path(os.environ.get("LITREVIEW_REAL", "/work/shared/real"))
TARGET_PDFS, TARGET_PAGES = 1000, 15


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embed", type=int, default=256, help="chunks to embed (0: all)")
    parser.add_argument("--mpnet", type=int, default=32, help="chunks to time MPNet on")
    args = parser.parse_args()
    from litreview.encoders.minilm import MiniLMEmbedder
    from litreview.index.stores import Stores
    from litreview.index.vectors import Chunk
    from litreview.reading.readers.pdf import extract
    from litreview.settings import load_settings

    os.environ["LITREVIEW_HOME"] = tempfile.mkdtemp(prefix="litreview-pdfscale-")
    settings = load_settings()
    pdfs = sorted((REAL / "pdfs").glob("*.pdf"))

    cpu: dict[str, float] = {}
    began, cpu0 = time.perf_counter(), time.process_time()
    texts = {path.stem: extract(path) for path in pdfs}
    read_s = time.perf_counter() - began
    cpu["read"] = time.process_time() - cpu0
    pages = sum(len(t.pages) for t in texts.values())
    chars = sum(len(p.text) for t in texts.values() for p in t.pages)

    embedder = MiniLMEmbedder()
    embedder.embed(["warm up"])  # model load is a per-process cost, not a per-PDF one
    options = settings.ingest
    chunker = Chunker(embedder.count_tokens, options.chunk_tokens, options.chunk_overlap)
    began, cpu0 = time.perf_counter(), time.process_time()
    chunks: list[Chunk] = []
    for stem, text in texts.items():
        body = "\n\n".join(p.text for p in text.pages)
        paper = Paper(stem, text.title or stem, body)
        chunks += chunker.chunks(paper)
    chunk_s = time.perf_counter() - began
    cpu["chunk"] = time.process_time() - cpu0
    every = max(1, len(chunks) // args.embed) if args.embed else 1
    embedded = chunks[::every][: args.embed or None]

    began, cpu0 = time.perf_counter(), time.process_time()
    encoded = embedder.encode([c.text for c in embedded])
    minilm_s = time.perf_counter() - began
    cpu["minilm"] = time.process_time() - cpu0

    stores = Stores(settings)
    began, cpu0 = time.perf_counter(), time.process_time()
    stores.vectors.replace_papers(embedded, encoded.vectors)
    by_paper: dict[str, list[object]] = {}
    for chunk, tokens in zip(embedded, encoded.tokens, strict=True):
        by_paper.setdefault(chunk.paper_id, []).append(tokens)
    stores.tokens.replace_papers(by_paper)  # type: ignore[arg-type]
    store_s = time.perf_counter() - began
    cpu["store"] = time.process_time() - cpu0

    from litreview.index.catalog import StoredPassage
    from litreview.index.lexical import LexicalIndex

    began, cpu0 = time.perf_counter(), time.process_time()
    LexicalIndex.build([], ((c.paper_id, StoredPassage(c.index, 1, c.text)) for c in chunks))
    bm25_s = time.perf_counter() - began
    cpu["bm25"] = time.process_time() - cpu0

    mpnet: dict[str, float] | None = None
    reranker = stores.reranker
    if reranker is not None and args.mpnet:
        sample = [c.text for c in chunks[:: max(1, len(chunks) // args.mpnet)]][: args.mpnet]
        reranker.encoder.embed(["warm up"])
        began, cpu0 = time.perf_counter(), time.process_time()
        reranker.encoder.embed(sample)
        seconds = time.perf_counter() - began
        cpu["mpnet"] = time.process_time() - cpu0
        mpnet = {"chunks": len(sample), "seconds": seconds}
    stores.close()

    n_embedded = len(embedded)
    per_chunk = {"chunk": chunk_s / len(chunks), "minilm": minilm_s / n_embedded}
    per_chunk["store"] = store_s / n_embedded
    per_chunk["bm25"] = bm25_s / len(chunks)
    cpu_chunk = {"chunk": cpu["chunk"] / len(chunks), "minilm": cpu["minilm"] / n_embedded}
    cpu_chunk["store"] = cpu["store"] / n_embedded
    cpu_chunk["bm25"] = cpu["bm25"] / len(chunks)
    if mpnet:
        per_chunk["mpnet"] = mpnet["seconds"] / mpnet["chunks"]
        cpu_chunk["mpnet"] = cpu["mpnet"] / mpnet["chunks"]
    target_pages = TARGET_PDFS * TARGET_PAGES
    target_chunks = len(chunks) / pages * target_pages
    per_paper = target_chunks / TARGET_PDFS
    body_n, rerank_n = options.embed_body_chunks, options.rerank_body_chunks
    # Per paper, the default: one abstract chunk (a stand-in: abstracts are about one window)
    # through MiniLM and MPNet, the first body chunks through MiniLM (MPNet: rerank_n).
    strategy_minilm = TARGET_PDFS * (1 + min(body_n, per_paper))
    strategy_mpnet = TARGET_PDFS * (1 + min(rerank_n, per_paper))

    def minutes(read: float, chunk: dict[str, float], divide: float) -> dict[str, float | None]:
        """Minutes for the target; ``divide`` spreads the model stages over the cores
        (reading and BM25 are one thread: never divided)."""
        serial = read / pages * target_pages + (chunk["chunk"] + chunk["bm25"]) * target_chunks
        spread = (chunk["minilm"] + chunk["store"]) * target_chunks / divide
        base = (serial + spread) / 60
        mpnet = chunk.get("mpnet")
        embedded = (chunk["minilm"] + chunk["store"]) * strategy_minilm / divide
        return {
            "full_text_minilm_min": round(base, 1),
            "full_text_with_mpnet_min": None
            if mpnet is None
            else round(base + mpnet * target_chunks / divide / 60, 1),
            "default_min": None
            if mpnet is None
            else round((serial + embedded + mpnet * strategy_mpnet / divide) / 60, 1),
        }

    result: dict[str, object] = {
        "pdfs": len(pdfs),
        "pages": pages,
        "chars": chars,
        "chunks": len(chunks),
        "chunks_embedded": n_embedded,
        "read_pages_per_s": round(pages / read_s, 1),
        "chunk_per_s": round(len(chunks) / chunk_s, 1),
        "minilm_chunks_per_s": round(1 / per_chunk["minilm"], 1),
        "store_chunks_per_s": round(1 / per_chunk["store"], 1),
        "mpnet_chunks_per_s": round(1 / per_chunk["mpnet"], 2) if mpnet else None,
        "bm25_chunks_per_s": round(1 / per_chunk["bm25"], 1),
        "cpu_s": {k: round(v, 1) for k, v in cpu.items()},
        "default": {"embed_body_chunks": body_n, "rerank_body_chunks": rerank_n},
        "extrapolated_1000x15": {
            "chunks": round(target_chunks),
            "read_min": round(read_s / pages * target_pages / 60, 1),
            "measured_load": minutes(read_s, per_chunk, 1.0),
            "idle_estimate": minutes(cpu["read"], cpu_chunk, 2.0),
        },
        "load": round(os.getloadavg()[0], 1),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    for key, value in result.items():
        print(f"{key}: {value}", flush=True)
    save_result("pdf_scale", result)
    return result


def rows(result: Result) -> list[Row]:
    x = result["extrapolated_1000x15"]
    measured, idle = x["measured_load"], x["idle_estimate"]
    default = result.get("default") or {}
    out = [
        (
            f"PDF pipeline per stage on the {result['pdfs']} real PDFs ({result['pages']} pages, "
            f"{result['chunks']} body chunks): read pages/s; MiniLM, store, MPNet, BM25 chunks/s",
            f"{result['read_pages_per_s']}; {result['minilm_chunks_per_s']}, "
            f"{result['store_chunks_per_s']}, {result['mpnet_chunks_per_s']}, "
            f"{result.get('bm25_chunks_per_s')}",
        ),
        (
            f"Extrapolated: 1,000 PDFs of 15 pages (~{x['chunks']} chunks), every body chunk "
            f"through MiniLM / also MPNet, minutes: at load {result['load']}; idle "
            "estimate (CPU time / 2 cores)",
            f"{measured['full_text_minilm_min']} / {measured['full_text_with_mpnet_min']}; "
            f"{idle['full_text_minilm_min']} / {idle['full_text_with_mpnet_min']}",
        ),
    ]
    if "default_min" in idle:
        out.append(
            (
                "Extrapolated, the default (abstract: MiniLM + MPNet; first "
                f"{default.get('embed_body_chunks')} body chunks: MiniLM + late interaction; "
                f"MPNet on {default.get('rerank_body_chunks')} of them; all: BM25), minutes: "
                f"at load {result['load']}; idle estimate (aim: under 30)",
                f"{measured['default_min']}; {idle['default_min']}",
            )
        )
    return out


if __name__ == "__main__":
    main()
