"""The extractive engine on the labelled questions: does the answer cite the right paper,
are citations valid, are off-topic questions declined, and how fast is it.

    python -m bench.answer_quality
"""

from __future__ import annotations

import statistics
import time

from bench.common import DATA, Result, Row, load_questions, sample_library, save_result
from litreview.index.library import Library
from litreview.llm.extractive import ExtractiveBackend
from litreview.llm.extractive.answer import POLICY, PREVIOUS, Policy
from litreview.reading.normalize import paper_id_for
from litreview.review.ask import ask

DECLINE = "Your library does not seem to cover this question"


def main() -> dict[str, object]:
    """The current policy's figures, and the previous policy's beside them (same run)."""
    library = sample_library()
    result = measure(library, POLICY)
    result["before"] = measure(library, PREVIOUS)
    save_result("answer_quality", result)
    return result


def measure(library: Library, policy: Policy) -> dict[str, object]:
    backend = ExtractiveBackend(policy)
    ask(library, backend, "warm up the models")
    result: dict[str, object] = {}
    latencies: list[float] = []
    for name in ("retrieval_questions_hard.jsonl", "retrieval_questions.jsonl"):
        questions = [q for q in load_questions(name) if q["kind"] == "single"]
        cited_gold = declined = kept = valid = 0
        for q in questions:
            start = time.perf_counter()
            answer = ask(library, backend, str(q["question"]))
            latencies.append(time.perf_counter() - start)
            gold = paper_id_for(str(q["relevant_titles"][0]))  # type: ignore[index]
            source_ids = {h.paper.paper_id for h in answer.sources}
            kept += len(answer.citations)
            valid += sum(c.paper_id in source_ids for c in answer.citations)
            cited_gold += any(c.paper_id == gold for c in answer.citations)
            declined += answer.answer.startswith(DECLINE)
        key = name.removeprefix("retrieval_questions").removesuffix(".jsonl").strip("_") or "easy"
        result[key] = {
            "questions": len(questions),
            "cites_relevant_paper": round(cited_gold / len(questions), 4),
            "citation_validity": round(valid / kept, 4) if kept else None,
            "wrongly_declined": round(declined / len(questions), 4),
        }
        print(key, result[key])
    offtopic = [
        line.strip()
        for line in (DATA / "offtopic_questions.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    declined_off = sum(ask(library, backend, q).answer.startswith(DECLINE) for q in offtopic)
    result["offtopic"] = {
        "questions": len(offtopic),
        "declined": round(declined_off / len(offtopic), 4),
    }
    ordered = sorted(latencies)
    result["latency"] = {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
    }
    print(result["offtopic"], result["latency"])
    return result


def rows(result: Result) -> list[Row]:
    hard, easy, offtopic = result["hard"], result["easy"], result["offtopic"]
    return [
        (
            "Extractive answers cite the relevant paper (hard / easy single questions)",
            f"{hard['cites_relevant_paper']:.3f} / {easy['cites_relevant_paper']:.3f}",
        ),
        (
            "Extractive answers: citation validity; on-topic wrongly declined; off-topic declined",
            f"{hard['citation_validity']:.2f}; {hard['wrongly_declined']:.2f}; "
            f"{offtopic['declined']:.2f} of {offtopic['questions']}",
        ),
        (
            "Extractive answer latency p50 / p95 (retrieval included)",
            f"{result['latency']['p50_ms']} ms / {result['latency']['p95_ms']} ms",
        ),
    ]


if __name__ == "__main__":
    main()
