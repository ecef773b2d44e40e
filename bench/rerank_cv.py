"""How the re-ranking weight was chosen: 2-fold cross-validation on the hard set.

    python -m bench.rerank_cv

The final hybrid score is MaxSim + w x dense cosine. Each half of the hard
single-paper questions picks the w that maximises recall@5 + MRR@10 on it;
that w is then scored on the other half, so no figure comes from the
questions that chose it.
"""

from __future__ import annotations

import random

from bench.common import load_questions, sample_library, save_result
from bench.retrieval_quality import SETS, score
from litreview.index.retriever import SearchRequest
from litreview.library.normalize import paper_id_for

WEIGHTS = (0.0, 0.125, 0.25, 0.5, 0.75, 1.0)


def main() -> dict[str, object]:
    library = sample_library()
    questions = [q for q in load_questions(SETS["hard"]) if q["kind"] == "single"]
    per_weight: dict[float, list[dict[str, float]]] = {}
    for weight in WEIGHTS:
        library.settings.retrieval.rerank_dense = weight
        per_weight[weight] = [
            score(
                [h.paper.paper_id for h in library.search(SearchRequest(str(q["question"]), k=10))],
                {paper_id_for(str(t)) for t in q["relevant_titles"]},  # type: ignore[attr-defined]
            )
            for q in questions
        ]
    order = list(range(len(questions)))
    random.Random(0).shuffle(order)
    halves = [order[::2], order[1::2]]

    def mean(weight: float, rows: list[int], key: str) -> float:
        return sum(per_weight[weight][i][key] for i in rows) / len(rows)

    folds = []
    for pick, test in (halves, halves[::-1]):
        best = max(WEIGHTS, key=lambda w: mean(w, pick, "recall@5") + mean(w, pick, "mrr@10"))
        folds.append(
            {
                "chosen_weight": best,
                "held_out_recall@5": round(mean(best, test, "recall@5"), 4),
                "held_out_mrr@10": round(mean(best, test, "mrr@10"), 4),
            }
        )
    everyone = list(range(len(questions)))
    result: dict[str, object] = {
        "folds": folds,
        "by_weight": {
            str(w): {
                "recall@5": round(mean(w, everyone, "recall@5"), 4),
                "mrr@10": round(mean(w, everyone, "mrr@10"), 4),
            }
            for w in WEIGHTS
        },
    }
    for key, value in result.items():
        print(f"{key}: {value}")
    save_result("rerank_cv", result)
    return result


if __name__ == "__main__":
    main()
