"""MPNet fp32 against int8, side by side: speed, cosine to fp32 and to sentence-transformers.

python -m bench.mpnet_int8 [--texts 96] [--rounds 3] [--ingest 40]

The texts are the sample library's abstracts, chunked in MPNet's window as ingest does. The
two encoders run alternately, batch by batch, in one process: on a shared machine the load
then falls on both alike, and the ratio is what is worth reading. Hard-set retrieval with
each precision is bench/retrieval_quality.py (run once with each
``retrieval.rerank_model_precision``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from bench.common import Result, Row, save_result
from litreview.encoders.model_files import materialise
from litreview.encoders.mpnet import MAX_TOKENS, MPNetEncoder
from litreview.index.chunking import Chunker
from litreview.reading import read_file, sample_paths
from litreview.settings import load_settings

REFERENCE = Path(__file__).parents[1] / "tests" / "encoders" / "data" / "mpnet_reference.json"


def sample_texts(encoder: MPNetEncoder, count: int) -> list[str]:
    chunker = Chunker(encoder.count_tokens, MAX_TOKENS, load_settings().ingest.chunk_overlap)
    texts: list[str] = []
    for path in sample_paths():
        for paper in read_file(path).papers:
            texts += [c.text for c in chunker.chunks(paper)]
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def ingest_speed(count: int) -> dict[str, float]:
    """Papers/s of a whole ingest (MiniLM, tokens, MPNet) of ``count`` sample papers."""
    import os
    import shutil
    import tempfile

    from litreview.index.library import Library
    from litreview.index.stores import Stores

    papers = [p for path in sample_paths() for p in read_file(path).papers][:count]
    work = Path(tempfile.mkdtemp(prefix="litreview-ingest-"))
    source = work / "papers.jsonl"
    source.write_text(
        "".join(json.dumps({"title": p.title, "abstract": p.abstract}) + "\n" for p in papers)
    )
    speed: dict[str, float] = {}
    for precision in ("fp32", "int8"):
        os.environ["LITREVIEW_HOME"] = str(work / precision)
        settings = load_settings(**{"retrieval.rerank_model_precision": precision})
        stores = Stores(settings)
        with Library(settings, stores) as lib:
            stores.vectors.embedder.encode(["warm-up"])
            assert stores.reranker is not None
            stores.reranker.encoder.embed(["warm-up"])
            began = time.perf_counter()
            lib.ingest([source])
            speed[precision] = round(count / (time.perf_counter() - began), 2)
    shutil.rmtree(work, ignore_errors=True)
    return speed


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ingest", type=int, default=0)
    args = parser.parse_args()
    folder = materialise(load_settings().model_cache)
    encoders = {p: MPNetEncoder(folder, precision=p) for p in ("fp32", "int8")}
    texts = sample_texts(encoders["fp32"], args.texts)
    # int8 embeds one text at a time by default (see MPNetEncoder.embed); "int8-batched" is
    # what batches of 8 would gain, the price of that choice.
    runs = {
        "fp32": (encoders["fp32"], None),
        "int8": (encoders["int8"], None),
        "int8-batched": (encoders["int8"], 8),
    }
    for encoder, size in runs.values():
        encoder.embed(texts[:8], batch_size=size)  # warm-up
    seconds = dict.fromkeys(runs, 0.0)
    batch = 8
    for _ in range(args.rounds):
        for start in range(0, len(texts), batch):
            for name, (encoder, size) in runs.items():
                began = time.perf_counter()
                encoder.embed(texts[start : start + batch], batch_size=size)
                seconds[name] += time.perf_counter() - began
    vectors = {p: e.embed(texts) for p, e in encoders.items()}
    to_fp32 = (vectors["int8"] * vectors["fp32"]).sum(axis=1)
    reference = json.loads(REFERENCE.read_text())
    expected = np.array(reference["vectors"], dtype=np.float32)
    to_reference = {
        p: [round(float(c), 5) for c in (e.embed(reference["texts"]) * expected).sum(axis=1)]
        for p, e in encoders.items()
    }
    speed = {p: round(args.rounds * len(texts) / s, 2) for p, s in seconds.items()}
    result: dict[str, object] = {
        "texts": len(texts),
        "texts_per_s": speed,
        "speedup": round(speed["int8"] / speed["fp32"], 2),
        "int8_cosine_to_fp32": {
            "mean": round(float(to_fp32.mean()), 4),
            "min": round(float(to_fp32.min()), 4),
        },
        "cosine_to_reference": to_reference,
    }
    if args.ingest:
        result["ingest_papers"] = args.ingest
        result["ingest_papers_per_s"] = ingest_speed(args.ingest)
    print(json.dumps(result, indent=2))
    save_result("mpnet_int8", result)
    return result


def rows(result: Result) -> list[Row]:
    speed = result["texts_per_s"]
    cosine, reference = result["int8_cosine_to_fp32"], result["cosine_to_reference"]
    out: list[Row] = [
        (
            f"MPNet fp32 / int8 on {result['texts']} sample chunks, alternating in one run "
            "(`bench.mpnet_int8`)",
            f"{speed['fp32']} / {speed['int8']} texts/s (int8 x{result['speedup']}; "
            f"int8 in batches of 8: {speed['int8-batched']})",
        ),
        (
            f"MPNet int8 cosine to fp32, mean / min ({result['texts']} chunks); to "
            f"sentence-transformers ({len(reference['int8'])} reference texts)",
            f"{cosine['mean']:.3f} / {cosine['min']:.3f}; "
            + ", ".join(f"{c:.3f}" for c in reference["int8"])
            + f" (fp32: {min(reference['fp32']):.3f})",
        ),
    ]
    ingest = result.get("ingest_papers_per_s")
    if ingest:
        out.append(
            (
                f"Whole ingest of {result.get('ingest_papers', 'the')} sample papers, fp32 / "
                "int8 MPNet (same run, one after the other)",
                f"{ingest['fp32']} / {ingest['int8']} papers/s "
                f"(x{ingest['int8'] / ingest['fp32']:.2f})",
            )
        )
    return out


if __name__ == "__main__":
    main()
