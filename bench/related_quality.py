"""Related-work coverage: of the papers a topic should bring in, how many the draft cites.

    python -m bench.related_quality

Topics are the multi-paper questions of both labelled sets (each lists every
paper of the library on that topic); the draft is written by the extractive
engine, and every cited paper must be one the draft was given (validity).
"""

from __future__ import annotations

import re
import statistics
import time

from bench.common import load_questions, sample_library, save_result
from litreview.library.normalize import paper_id_for
from litreview.llm.extractive import ExtractiveBackend
from litreview.review.related import draft_related_work


def main() -> dict[str, object]:
    library = sample_library()
    backend = ExtractiveBackend()
    topics = [
        q
        for name in ("retrieval_questions.jsonl", "retrieval_questions_hard.jsonl")
        for q in load_questions(name)
        if q["kind"] == "multi"
    ]
    shares: list[float] = []
    valid = cited_total = 0
    seconds: list[float] = []
    for topic in topics:
        relevant = {paper_id_for(str(t)) for t in topic["relevant_titles"]}  # type: ignore[attr-defined]
        start = time.perf_counter()
        draft = draft_related_work(library, backend, str(topic["question"]))
        seconds.append(time.perf_counter() - start)
        given = {p.paper_id: n for n, p in draft.papers}
        by_n = {n: pid for pid, n in given.items()}
        cited = {
            by_n[int(n)]
            for theme in draft.themes
            for n in re.findall(r"\[(\d+)\]", theme.paragraph)
            if int(n) in by_n
        }
        markers = [int(n) for t in draft.themes for n in re.findall(r"\[(\d+)\]", t.paragraph)]
        cited_total += len(markers)
        valid += sum(n in by_n for n in markers)
        shares.append(len(relevant & cited) / len(relevant))
    result = {
        "topics": len(topics),
        "relevant_cited_share": round(statistics.mean(shares), 4),
        "topics_fully_covered": round(sum(s == 1.0 for s in shares) / len(shares), 4),
        "citation_validity": round(valid / cited_total, 4) if cited_total else None,
        "median_draft_s": round(statistics.median(seconds), 2),
    }
    for key, value in result.items():
        print(f"{key:>22}: {value}")
    save_result("related_quality", result)
    return result


if __name__ == "__main__":
    main()
