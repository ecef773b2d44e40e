"""Ingest throughput next to the raw embedding model's on the same texts, cold and warm.

    python -m bench.throughput

"cold" is a new process (imports, model load, Chroma start); "warm" is a
process that has already loaded everything. The raw models' figure (MiniLM
over its chunks plus MPNet over its own, larger chunks) is the limit on this
machine: ingest can only approach it. Warm ingest without the MPNet stage
(``retrieval.rerank_model = "none"``) is measured too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Result, Row, save_result
from litreview.encoders.minilm import MiniLMEmbedder
from litreview.index.chunking import Chunker
from litreview.index.library import Library
from litreview.reading import read_file, sample_paths
from litreview.reading.dedupe import merge_papers
from litreview.settings import load_settings


def _fresh_home() -> Path:
    return Path(tempfile.mkdtemp(prefix="litreview-bench-"))


def main() -> dict[str, object]:
    papers, _ = merge_papers([p for path in sample_paths() for p in read_file(path).papers])
    n = len(papers)

    # Cold ingest: the installed command in a new process on an empty home.
    home = _fresh_home()
    litreview = str(Path(sys.executable).parent / "litreview")
    start = time.perf_counter()
    subprocess.run(
        [litreview, "ingest", "--sample"],
        env={**os.environ, "LITREVIEW_HOME": str(home)},
        check=True,
        capture_output=True,
    )
    cold_ingest = time.perf_counter() - start

    # Raw models, cold: load + embed every chunk text in a new process.
    code = (
        "import time; t=time.perf_counter(); "
        "from bench.throughput import embed_everything; "
        "embed_everything(); print(time.perf_counter()-t)"
    )
    raw_cold = float(
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    # Warm: models already loaded in this process.
    raw_warm = embed_everything()  # its timer starts once both models are loaded

    os.environ["LITREVIEW_HOME"] = str(_fresh_home())
    library = Library(load_settings())
    library.warm_up()
    assert library.rerank_problem is None, library.rerank_problem
    start = time.perf_counter()
    library.ingest(sample_paths())
    warm_ingest = time.perf_counter() - start

    os.environ["LITREVIEW_HOME"] = str(_fresh_home())
    minilm_only = Library(load_settings(**{"retrieval.rerank_model": "none"}))
    minilm_only.embed(["warm up"])
    start = time.perf_counter()
    minilm_only.ingest(sample_paths())
    warm_minilm_ingest = time.perf_counter() - start
    texts = chunk_texts()

    result: dict[str, object] = {
        "papers": n,
        "chunks": len(texts),
        "ingest_cold_s": round(cold_ingest, 2),
        "ingest_cold_papers_per_s": round(n / cold_ingest, 1),
        "ingest_warm_s": round(warm_ingest, 2),
        "ingest_warm_papers_per_s": round(n / warm_ingest, 1),
        "model_cold_s": round(raw_cold, 2),
        "model_cold_papers_per_s": round(n / raw_cold, 1),
        "model_warm_s": round(raw_warm, 2),
        "model_warm_papers_per_s": round(n / raw_warm, 1),
        "ingest_warm_minilm_only_papers_per_s": round(n / warm_minilm_ingest, 1),
    }
    for key, value in result.items():
        print(f"{key:>28}: {value}")
    save_result("throughput", result)
    return result


def embed_everything() -> float:
    """Seconds for both models to embed exactly the texts ingest gives them."""
    from litreview.encoders.model_files import materialise
    from litreview.encoders.mpnet import MAX_TOKENS, MPNetEncoder

    papers, _ = merge_papers([p for path in sample_paths() for p in read_file(path).papers])
    settings = load_settings()
    minilm = MiniLMEmbedder()
    mpnet = MPNetEncoder(materialise(settings.model_cache))
    mpnet_chunker = Chunker(mpnet.count_tokens, MAX_TOKENS, settings.ingest.chunk_overlap)
    minilm_texts = chunk_texts()
    mpnet_texts = [c.text for p in papers for c in mpnet_chunker.chunks(p)]
    start = time.perf_counter()
    minilm.embed(minilm_texts)
    mpnet.embed(mpnet_texts)
    return time.perf_counter() - start


def chunk_texts() -> list[str]:
    """Exactly the texts ingest embeds for the sample library."""
    papers, _ = merge_papers([p for path in sample_paths() for p in read_file(path).papers])
    settings = load_settings()
    chunker = Chunker(
        MiniLMEmbedder().count_tokens, settings.ingest.chunk_tokens, settings.ingest.chunk_overlap
    )
    return [c.text for p in papers for c in chunker.chunks(p)]


def rows(result: Result) -> list[Row]:
    return [
        (
            f"Ingest, {result['papers']} papers ({result['chunks']} chunks), cold / warm",
            f"{result['ingest_cold_papers_per_s']} / {result['ingest_warm_papers_per_s']} "
            "papers/s (warm without the MPNet stage: "
            f"{result['ingest_warm_minilm_only_papers_per_s']})",
        ),
        (
            "Raw embedding models (MiniLM + MPNet) on the same texts, cold / warm (the limit)",
            f"{result['model_cold_papers_per_s']} / {result['model_warm_papers_per_s']} papers/s",
        ),
    ]


if __name__ == "__main__":
    main()
