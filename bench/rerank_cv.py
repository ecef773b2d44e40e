"""How the re-ranking weights were chosen: 2-fold cross-validation on the hard set.

    python -m bench.rerank_cv

The final hybrid score is MaxSim + a x MiniLM's dense cosine + c x MPNet's
cosine. Each half of the hard single-paper questions picks the (a, c) that
maximises recall@5 + MRR@10 on it; that pair is then scored on the other
half, so no held-out figure comes from the questions that chose it.
"""

from __future__ import annotations

import itertools
import random

from bench.common import Result, Row, load_questions, sample_library, save_result
from bench.retrieval_quality import SETS, score
from litreview.index.retriever import SearchRequest
from litreview.reading.normalize import paper_id_for

DENSE = (0.0, 0.125, 0.25, 0.5)
MODEL = (0.0, 0.25, 0.5, 0.75, 1.0)
GRID = list(itertools.product(DENSE, MODEL))


def main() -> dict[str, object]:
    library = sample_library()
    retrieval = library.settings.retrieval
    questions = [q for q in load_questions(SETS["hard"]) if q["kind"] == "single"]
    per_pair: dict[tuple[float, float], list[dict[str, float]]] = {}
    for dense, model in GRID:
        retrieval.rerank_dense, retrieval.rerank_model_weight = dense, model
        per_pair[dense, model] = [
            score(
                [h.paper.paper_id for h in library.search(SearchRequest(str(q["question"]), k=10))],
                {paper_id_for(str(t)) for t in q["relevant_titles"]},  # type: ignore[attr-defined]
            )
            for q in questions
        ]
    order = list(range(len(questions)))
    random.Random(0).shuffle(order)
    halves = [order[::2], order[1::2]]

    def mean(pair: tuple[float, float], rows: list[int], key: str) -> float:
        return sum(per_pair[pair][i][key] for i in rows) / len(rows)

    folds = []
    for pick, test in (halves, halves[::-1]):
        best = max(GRID, key=lambda p: mean(p, pick, "recall@5") + mean(p, pick, "mrr@10"))
        folds.append(
            {
                "chosen_dense_weight": best[0],
                "chosen_model_weight": best[1],
                "held_out_recall@5": round(mean(best, test, "recall@5"), 4),
                "held_out_mrr@10": round(mean(best, test, "mrr@10"), 4),
            }
        )
    everyone = list(range(len(questions)))
    result: dict[str, object] = {
        "folds": folds,
        "by_weights": {
            f"dense={a} model={c}": {
                "recall@5": round(mean((a, c), everyone, "recall@5"), 4),
                "mrr@10": round(mean((a, c), everyone, "mrr@10"), 4),
            }
            for a, c in GRID
        },
    }
    for key, value in result.items():
        print(f"{key}: {value}")
    save_result("rerank_cv", result)
    return result


def rows(result: Result) -> list[Row]:
    folds = "; ".join(
        f"dense {f['chosen_dense_weight']}, MPNet {f['chosen_model_weight']} -> "
        f"{f['held_out_recall@5']:.3f} / {f['held_out_mrr@10']:.3f}"
        for f in result["folds"]
    )
    return [
        (
            "Re-ranking weights by 2-fold cross-validation on the hard set: "
            "chosen on one half -> R@5 / MRR@10 on the other",
            folds,
        )
    ]


if __name__ == "__main__":
    main()
