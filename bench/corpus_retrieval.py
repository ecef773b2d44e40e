"""Retrieval quality on the real corpus: 30 questions written for 30 of its papers (issue 11).

    python -m bench.corpus_retrieval [--sizes 1000,5000] [--cache DIR] [--seed-home N=DIR]

The labelled sets of ``bench.retrieval_quality`` were written for the 264-paper
sample; this asks whether the search still finds a paper among thousands of
strangers. ``bench/data/corpus_questions.jsonl`` holds the questions (its first
line says how the papers were picked and the questions written); every target
is among the first 1,000 lines of ``conference-abstracts-50k.jsonl.gz``, so the
library of the first N lines (N >= 1,000, the same deterministic sample the
scale benchmarks use) holds all of them among N - 30 other papers.

Each size's library is built once with the pipeline's defaults and kept under
``--cache`` (``/tmp/litreview-corpusq`` unless ``LITREVIEW_CORPUSQ_CACHE``
says otherwise), so a re-run only checks it: ingest skips unchanged papers.
``--seed-home N=DIR`` copies a home another benchmark built from the same first
N lines into the cache first (ingest then adds only what that home lacks, or
re-embeds what its stores cannot serve). One ingest at a time, sizes in order.

Modes as in ``bench.retrieval_quality``: lexical and dense alone; the hybrid
with re-ranking off (*fusion*, RRF of the two), with MiniLM's MaxSim only
(*late*), and as ``search`` runs by default (*hybrid*: MaxSim and MPNet).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

from bench.common import DATA, save_result
from bench.retrieval_quality import MODES, evaluate, mode_search
from litreview.index.library import Library
from litreview.reading.normalize import paper_id_for
from litreview.settings import load_settings

CORPUS = Path(
    os.environ.get(
        "LITREVIEW_SCALE_CORPUS", "/work/shared/real/corpora/conference-abstracts-50k.jsonl.gz"
    )
)
CACHE = Path(os.environ.get("LITREVIEW_CORPUSQ_CACHE", "/tmp/litreview-corpusq"))
QUESTIONS = DATA / "corpus_questions.jsonl"
# The questions' targets are all among the corpus's first lines; smaller samples would miss some.
SMALLEST = 1000


# Words a question may share with its paper's title: the rule's stopwords.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "and",
        "or",
        "in",
        "on",
        "with",
        "via",
        "to",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "be",
        "its",
        "their",
        "using",
        "based",
        "toward",
        "towards",
        "among",
        "up",
        "do",
        "does",
    ]
)


def title_words_used(question: str, title: str) -> list[str]:
    """The question's words that the writing rule forbids: those sharing a title word's stem.

    The stem is the first 5 letters (the whole word when shorter than 4), so
    inflections count as the same word ("learner" / "learns"); hyphenated words
    are split, stopwords are free.
    """

    def words(text: str) -> list[str]:
        return [w for w in re.split(r"[^A-Za-z0-9.]+", text.replace("-", " ").lower()) if w]

    def stem(word: str) -> str:
        return word[:5] if len(word) >= 4 else word

    forbidden = {stem(w) for w in words(title) if w not in STOPWORDS}
    return [w for w in words(question) if w not in STOPWORDS and stem(w) in forbidden]


def load() -> tuple[str, list[dict[str, Any]]]:
    """The selection and writing rule (first line) and the questions."""
    lines = [json.loads(x) for x in QUESTIONS.read_text(encoding="utf-8").splitlines() if x]
    return str(lines[0]["rule"]), lines[1:]


def write_subset(n: int, path: Path) -> Path:
    """The first ``n`` lines of the corpus as plain JSON Lines, streamed (never all in memory)."""
    if path.exists() and sum(1 for _ in path.open(encoding="utf-8")) == n:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, path.open("w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            if i >= n:
                break
            out.write(line)
    return path


def open_library(n: int, cache: Path, seed: Path | None) -> tuple[Library, dict[str, Any]]:
    """The library of the first ``n`` papers, ingested once and kept in ``cache``.

    A seeded home is copied only when the cache has none; ingest runs every time
    because it is what proves the cached home complete (it skips unchanged papers).
    """
    home = cache / f"home-{n}"
    if seed is not None and not home.exists():
        shutil.copytree(seed, home)
    home.mkdir(parents=True, exist_ok=True)
    subset = write_subset(n, cache / f"first-{n}.jsonl")
    os.environ["LITREVIEW_HOME"] = str(home)
    library = Library(load_settings())
    began = time.perf_counter()
    report = library.ingest([subset])
    built = {
        "home": str(home),
        "papers": library.count(),
        "embedded_now": report.embedded,
        "ingest_s": round(time.perf_counter() - began, 1),
        "rerank_problem": library.rerank_problem,
    }
    return library, built


def measure(library: Library, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """R@5 / R@10 / MRR@10 per mode, and each question's rank of its paper in the default mode."""
    retrieval = library.settings.retrieval
    model_weight = retrieval.rerank_model_weight
    out: dict[str, Any] = {}
    ranks: dict[str, int | None] = {}
    for mode in MODES:
        search = mode_search(library, mode, model_weight)
        out[mode] = evaluate(search, questions)
        if mode == "hybrid":
            for q in questions:
                wanted = {paper_id_for(t) for t in q["relevant_titles"]}
                ranked = search(str(q["question"]))
                ranks[q["id"]] = next((i for i, pid in enumerate(ranked, 1) if pid in wanted), None)
    retrieval.rerank, retrieval.rerank_model_weight = True, model_weight
    out["hybrid_rank_per_question"] = ranks
    return out


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--seed-home", action="append", default=[], metavar="N=DIR")
    args = parser.parse_args()
    seeds = {int(k): Path(v) for k, v in (s.split("=", 1) for s in args.seed_home)}
    sizes = [int(s) for s in args.sizes.split(",")]
    if min(sizes) < SMALLEST:
        parser.error(f"sizes must be at least {SMALLEST}: the targets are in the first {SMALLEST}")
    _, questions = load()
    result: dict[str, object] = {
        "command": f"python -m bench.corpus_retrieval --sizes {args.sizes}",
        "questions": len(questions),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    for n in sizes:
        library, built = open_library(n, args.cache, seeds.get(n))
        with library:
            present = library.get(
                [paper_id_for(t) for q in questions for t in q["relevant_titles"]]
            )
            built["targets_present"] = len(present)
            figures = measure(library, questions)
        result[str(n)] = {"library": built, **figures}
        for mode in MODES:
            print(f"{n:>6} {mode:>8} {figures[mode]}", flush=True)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    save_result("corpus_retrieval", result)
    return result


def rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """README rows: per library size, R@5 / MRR@10 for every mode side by side."""
    out: list[tuple[str, str]] = []
    load = "/".join(f"{x:.0f}" for x in result.get("load_before", []))
    for key, sized in result.items():
        if not key.isdigit():
            continue
        figures = "; ".join(
            f"{mode} {sized[mode]['recall@5']:.3f} / {sized[mode]['mrr@10']:.3f}" for mode in MODES
        )
        out.append(
            (
                f"Retrieval on the real corpus, 30 questions written for 30 of its papers, library "
                f"of its first {int(key):,} papers (`bench.corpus_retrieval`, load {load}): "
                "R@5 / MRR@10 per mode (fusion = re-ranking off; late = MaxSim; hybrid = default)",
                figures,
            )
        )
    return out


if __name__ == "__main__":
    main()
