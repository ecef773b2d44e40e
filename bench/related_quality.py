"""Related-work drafts: do they cite the topic's papers (recall) and only those (precision)?

    python -m bench.related_quality

Topics are the multi-paper questions of both labelled sets (each lists every
paper of the library on that topic). The relevance cut's margin (how far below
the best paper's score a paper may be) is chosen on one half of the topics and
measured on the other (2-fold, even/odd topics), so the reported figures are
held out; the shipped margin is the one chosen on all topics. "count only" is
the rule drafts used before: the best ``max_papers`` papers whatever the
topic's size. Drafts are written by the
extractive engine through the real pipeline; every cited paper must be one the
draft was given (validity).
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Sequence

from bench.common import load_questions, sample_library, save_result
from litreview.index.library import Library
from litreview.index.retriever import SearchRequest
from litreview.llm.extractive import ExtractiveBackend
from litreview.reading.normalize import paper_id_for
from litreview.review.related import (
    RELEVANCE_MARGIN,
    derive_queries,
    draft_related_work,
    relevance_cut,
)

TARGET_RECALL = 0.95
MARGINS = [round(0.05 + 0.01 * i, 2) for i in range(36)]
NO_CUT = 99.0

Topic = dict[str, object]


def relevant(topic: Topic) -> set[str]:
    return {paper_id_for(str(t)) for t in topic["relevant_titles"]}  # type: ignore[attr-defined]


def ranked(library: Library, topics: Sequence[Topic]) -> list[list[tuple[float, bool]]]:
    """Per topic, (score, on topic?) of the whole input's hits, best first."""
    out = []
    for topic in topics:
        query = derive_queries(str(topic["question"]))[0]
        rel = relevant(topic)
        hits = library.search(SearchRequest(query, k=17))
        out.append([(h.score, h.paper.paper_id in rel) for h in hits])
    return out


def offline(
    rows: list[list[tuple[float, bool]]], topics: Sequence[Topic], margin: float
) -> tuple[float, float]:
    precision, recall = [], []
    for hits, topic in zip(rows, topics, strict=True):
        kept = hits[: min(12, relevance_cut([s for s, _ in hits], margin))]
        found = sum(r for _, r in kept)
        precision.append(found / len(kept))
        recall.append(found / len(relevant(topic)))
    return statistics.mean(precision), statistics.mean(recall)


def choose(rows: list[list[tuple[float, bool]]], topics: Sequence[Topic]) -> float:
    """Best precision among the margins that keep recall >= TARGET_RECALL (else best recall)."""
    scored = [(offline(rows, topics, m), m) for m in MARGINS]
    good = [s for s in scored if s[0][1] >= TARGET_RECALL]
    if good:
        return max(good, key=lambda s: (s[0][0], s[0][1]))[1]
    return max(scored, key=lambda s: (s[0][1], s[0][0]))[1]


def drafts(library: Library, topics: Sequence[Topic], margin: float) -> dict[str, float]:
    """Precision / recall of what real drafts cite, per-topic means."""
    backend = ExtractiveBackend()
    precision, recall, sizes, seconds = [], [], [], []
    valid = markers_total = 0
    for topic in topics:
        rel = relevant(topic)
        start = time.perf_counter()
        draft = draft_related_work(library, backend, str(topic["question"]), margin=margin)
        seconds.append(time.perf_counter() - start)
        by_n = {n: p.paper_id for n, p in draft.papers}
        markers = [int(n) for t in draft.themes for n in re.findall(r"\[(\d+)\]", t.paragraph)]
        markers_total += len(markers)
        valid += sum(n in by_n for n in markers)
        cited = {by_n[n] for n in markers if n in by_n}
        precision.append(len(cited & rel) / len(cited) if cited else 0.0)
        recall.append(len(cited & rel) / len(rel))
        sizes.append(len(cited))
    return {
        "precision": round(statistics.mean(precision), 4),
        "recall": round(statistics.mean(recall), 4),
        "all_relevant_cited": round(sum(r == 1.0 for r in recall) / len(recall), 4),
        "mean_cited": round(statistics.mean(sizes), 2),
        "citation_validity": round(valid / markers_total, 4) if markers_total else 0.0,
        "median_draft_s": round(statistics.median(seconds), 2),
    }


def pooled(halves: list[dict[str, float]], sizes: list[int]) -> dict[str, float]:
    total = sum(sizes)
    return {
        k: round(sum(h[k] * n for h, n in zip(halves, sizes, strict=True)) / total, 4)
        for k in halves[0]
    }


def main() -> dict[str, object]:
    library = sample_library()
    topics: list[Topic] = [
        q
        for name in ("retrieval_questions.jsonl", "retrieval_questions_hard.jsonl")
        for q in load_questions(name)
        if q["kind"] == "multi"
    ]
    rows = ranked(library, topics)
    folds = [list(range(0, len(topics), 2)), list(range(1, len(topics), 2))]
    before, after, chosen = [], [], []
    for train, test in (folds, folds[::-1]):
        margin = choose([rows[i] for i in train], [topics[i] for i in train])
        chosen.append(margin)
        held_out = [topics[i] for i in test]
        before.append(drafts(library, held_out, NO_CUT))
        after.append(drafts(library, held_out, margin))
    sizes = [len(f) for f in folds[::-1]]
    result: dict[str, object] = {
        "topics": len(topics),
        "count_only": pooled(before, sizes),
        "relevance_cut_held_out": pooled(after, sizes),
        "margin_per_fold": chosen,
        "margin_chosen_on_all": choose(rows, topics),
        "shipped_margin": RELEVANCE_MARGIN,
    }
    for key, value in result.items():
        print(f"{key:>24}: {value}")
    save_result("related_quality", result)
    return result


if __name__ == "__main__":
    main()
