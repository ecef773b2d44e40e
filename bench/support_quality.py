"""The support check against labelled claims: precision/recall of flagging weak support.

    python -m bench.support_quality

Each labelled claim is scored against its paper's abstract. The threshold is
chosen on one half of the labels (even ids) and measured on the other half
(odd ids), so the figures are not fitted to what they measure.
"""

from __future__ import annotations

from collections import defaultdict

from bench.common import Result, Row, load_questions, save_result
from litreview.evidence.scoring import EvidenceScorer
from litreview.evidence.source import Source
from litreview.reading import read_file, sample_paths
from litreview.reading.dedupe import merge_papers
from litreview.review.support import SUPPORT_THRESHOLD, support_score


def flag_metrics(rows: list[tuple[float, bool, str]], threshold: float) -> dict[str, float]:
    """Flagging = score below threshold; positives are the unsupported claims."""
    tp = sum(1 for s, ok, _ in rows if s < threshold and not ok)
    fp = sum(1 for s, ok, _ in rows if s < threshold and ok)
    fn = sum(1 for s, ok, _ in rows if s >= threshold and not ok)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def main() -> dict[str, object]:
    papers, _ = merge_papers([p for path in sample_paths() for p in read_file(path).papers])
    by_title = {p.title: p for p in papers}
    scorer = EvidenceScorer.shared()
    rows: list[tuple[float, bool, str, int]] = []
    for item in load_questions("support_labels.jsonl"):
        paper = by_title[str(item["title"])]
        source = Source(1, paper.paper_id, paper.title, paper.abstract)
        score, _ = support_score(scorer, str(item["claim"]), source)
        rows.append(
            (score, item["label"] == "supported", str(item["kind"]), int(str(item["id"])[1:]))
        )
    tune = [(s, ok, k) for s, ok, k, i in rows if i % 2 == 0]
    test = [(s, ok, k) for s, ok, k, i in rows if i % 2 == 1]
    grid = [round(0.30 + 0.01 * i, 2) for i in range(50)]
    best = max(grid, key=lambda t: flag_metrics(tune, t)["f1"])
    result: dict[str, object] = {
        "labels": len(rows),
        "tuned_threshold": best,
        "shipped_threshold": SUPPORT_THRESHOLD,
        "held_out_at_shipped": flag_metrics(test, SUPPORT_THRESHOLD),
        "all_at_shipped": flag_metrics([(s, ok, k) for s, ok, k, _ in rows], SUPPORT_THRESHOLD),
    }
    per_kind: dict[str, list[bool]] = defaultdict(list)
    for s, ok, kind, _ in rows:
        per_kind[kind].append((s < SUPPORT_THRESHOLD) != ok)  # correct decision
    result["accuracy_by_kind"] = {k: round(sum(v) / len(v), 4) for k, v in sorted(per_kind.items())}
    for key, value in result.items():
        print(f"{key:>22}: {value}")
    save_result("support_quality", result)
    return result


def rows(result: Result) -> list[Row]:
    held_out = result["held_out_at_shipped"]
    return [
        (
            f"Support check flags unsupported claims (held-out half of {result['labels']} "
            "labels), precision / recall",
            f"{held_out['precision']:.2f} / {held_out['recall']:.2f}",
        )
    ]


if __name__ == "__main__":
    main()
