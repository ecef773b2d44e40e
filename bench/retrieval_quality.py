"""Retrieval quality on the labelled question set: recall@5/10 and MRR@10 per mode.

python -m bench.retrieval_quality [--modes hybrid,late] [--sets hard]

``--modes`` / ``--sets`` measure some rows only (e.g. after a change to the
re-ranking model, which moves only ``hybrid``); the other rows keep what the
last full run saved.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bench.common import (
    Result,
    Row,
    load_questions,
    previous_result,
    sample_library,
    save_result,
)
from litreview.index.library import Library
from litreview.index.retriever import SearchRequest
from litreview.reading.normalize import paper_id_for

# "fusion" is the hybrid's first stage alone: RRF of dense and BM25, no re-ranking;
# "late" adds MiniLM's MaxSim re-ranking; "hybrid" (the default) adds MPNet's opinion too.
MODES = ("lexical", "dense", "fusion", "late", "hybrid")


def mode_search(library: Library, mode: str, model_weight: float) -> Callable[[str], list[str]]:
    """Set the library's re-ranking for one of MODES and return its top-10 paper ids search.

    fusion = hybrid without re-ranking, late = MaxSim alone (no second model), hybrid = both.
    """
    retrieval = library.settings.retrieval
    retrieval.rerank = mode != "fusion"
    retrieval.rerank_model_weight = model_weight if mode == "hybrid" else 0.0
    search_mode = "hybrid" if mode in ("fusion", "late") else mode

    def search(text: str) -> list[str]:
        hits = library.search(SearchRequest(text, k=10, mode=search_mode))
        return [h.paper.paper_id for h in hits]

    return search


# "hard" paraphrases avoid the abstracts' distinctive words (BM25 ~0.92 recall@5);
# "easy" reuses them and mostly checks that nothing is broken.
SETS = {"hard": "retrieval_questions_hard.jsonl", "easy": "retrieval_questions.jsonl"}


def score(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    found5 = len(relevant & set(ranked[:5]))
    found10 = len(relevant & set(ranked[:10]))
    first = next((i for i, pid in enumerate(ranked[:10], start=1) if pid in relevant), None)
    return {
        # For multi-paper questions recall@k caps at k papers, as a reader sees only k.
        "recall@5": found5 / min(len(relevant), 5),
        "recall@10": found10 / min(len(relevant), 10),
        "mrr@10": 1.0 / first if first else 0.0,
    }


def evaluate(
    search: Callable[[str], list[str]], questions: list[dict[str, object]]
) -> dict[str, float]:
    totals = {"recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0}
    for q in questions:
        relevant = {paper_id_for(str(t)) for t in q["relevant_titles"]}  # type: ignore[attr-defined]
        for key, value in score(search(str(q["question"])), relevant).items():
            totals[key] += value
    return {key: round(value / len(questions), 4) for key, value in totals.items()}


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--sets", default=",".join(SETS))
    args = parser.parse_args()
    modes = [m for m in MODES if m in args.modes.split(",")]
    sets = {k: v for k, v in SETS.items() if k in args.sets.split(",")}
    library = sample_library()
    retrieval = library.settings.retrieval
    model_weight = retrieval.rerank_model_weight
    result: dict[str, object] = previous_result("retrieval_quality")
    for name, filename in sets.items():
        questions = load_questions(filename)
        for kind in ("single", "multi", "all"):
            subset = [q for q in questions if kind == "all" or q["kind"] == kind]
            for mode in modes:
                search = mode_search(library, mode, model_weight)
                key = f"{name}/{kind}/{mode}"
                result[key] = {"n": len(subset), **evaluate(search, subset)}
                print(f"{key:>22} {result[key]}")
    save_result("retrieval_quality", result)
    return result


def rows(result: Result) -> list[Row]:
    """README rows: every mode on both sets, single- and multi-paper questions."""
    out: list[Row] = []
    for name, label in (("hard", "hard paraphrases (203 q.)"), ("easy", "easy set (222 q.)")):
        for mode in MODES:
            single, multi = result.get(f"{name}/single/{mode}"), result.get(f"{name}/multi/{mode}")
            if single and multi:
                out.append(
                    (
                        f"Retrieval, {label}, {mode}: single-paper R@5 / R@10 / MRR@10; "
                        "multi-paper R@5 / R@10",
                        f"{single['recall@5']:.3f} / {single['recall@10']:.3f} / "
                        f"{single['mrr@10']:.3f}; "
                        f"{multi['recall@5']:.3f} / {multi['recall@10']:.3f}",
                    )
                )
    return out


if __name__ == "__main__":
    main()
