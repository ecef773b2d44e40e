"""The extractive engine on the labelled questions: does the answer cite the right paper,
are citations valid, are off-topic questions declined, and how fast is it.

    python -m bench.answer_quality
"""

from __future__ import annotations

import statistics
import time

from bench.common import (
    DATA,
    Result,
    Row,
    load_questions,
    sample_library,
    save_result,
    stamped,
    uptime,
)
from litreview.index.library import Library
from litreview.llm.extractive import ExtractiveBackend
from litreview.llm.extractive.answer import FRAGMENTS, POLICY, Policy
from litreview.reading.normalize import paper_id_for
from litreview.review.ask import ask

DECLINE = "Your library does not seem to cover this question"
# The same decline after the note that the library lacks a name the question uses ("No paper in
# your library mentions “Champagne”: ..."), which opens the answer since 2026-12-01.
NEAREST_DECLINE = "none of them says anything close to it"


def declined(answer: str) -> bool:
    """Whether the extractive engine found nothing close to the question, in either form."""
    return answer.startswith(DECLINE) or NEAREST_DECLINE in answer


def main() -> dict[str, object]:
    """The current policy's figures, and the previous policy's beside them (same run)."""
    library = sample_library()
    load_before = uptime()
    result = measure(library, POLICY)
    result["before"] = measure(library, FRAGMENTS)
    result["load_before"] = load_before
    save_result("answer_quality", stamped(result))
    return result


def measure(library: Library, policy: Policy) -> dict[str, object]:
    backend = ExtractiveBackend(policy)
    ask(library, backend, "warm up the models")
    result: dict[str, object] = {}
    latencies: list[float] = []
    for name in ("retrieval_questions_hard.jsonl", "retrieval_questions.jsonl"):
        questions = [q for q in load_questions(name) if q["kind"] == "single"]
        cited_gold = refused = kept = valid = papers = labelled = 0
        for q in questions:
            start = time.perf_counter()
            answer = ask(library, backend, str(q["question"]))
            latencies.append(time.perf_counter() - start)
            gold = paper_id_for(str(q["relevant_titles"][0]))  # type: ignore[index]
            source_ids = {h.paper.paper_id for h in answer.sources}
            kept += len(answer.citations)
            valid += sum(c.paper_id in source_ids for c in answer.citations)
            cited_gold += any(c.paper_id == gold for c in answer.citations)
            refused += declined(answer.answer)
            cited = {c.paper_id for c in answer.citations}
            papers += len(cited)
            labelled += gold in cited
        key = name.removeprefix("retrieval_questions").removesuffix(".jsonl").strip("_") or "easy"
        result[key] = {
            "questions": len(questions),
            "cites_relevant_paper": round(cited_gold / len(questions), 4),
            "citation_validity": round(valid / kept, 4) if kept else None,
            "wrongly_declined": round(refused / len(questions), 4),
            # Papers an answer cites, and the share of them that is the question's paper:
            # a lower bound on precision (a neighbour may speak to the question too).
            "papers_per_answer": round(papers / len(questions), 2),
            "labelled_share": round(labelled / papers, 3) if papers else None,
        }
        print(key, result[key])
    result["multi"] = _multi(library, backend)
    offtopic = [
        line.strip()
        for line in (DATA / "offtopic_questions.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    declined_off = sum(declined(ask(library, backend, q).answer) for q in offtopic)
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


def _multi(library: Library, backend: ExtractiveBackend) -> dict[str, object]:
    """Questions with several labelled papers: how many of them an answer cites, and how many
    of the papers it cites are labelled."""
    papers = labelled = wanted = 0
    questions = [
        q
        for name in ("retrieval_questions_hard.jsonl", "retrieval_questions.jsonl")
        for q in load_questions(name)
        if q["kind"] == "multi"
    ]
    for q in questions:
        gold = {paper_id_for(str(t)) for t in q["relevant_titles"]}  # type: ignore[attr-defined]
        cited = {c.paper_id for c in ask(library, backend, str(q["question"])).citations}
        papers += len(cited)
        labelled += len(cited & gold)
        wanted += len(gold)
    out: dict[str, object] = {
        "questions": len(questions),
        "papers_per_answer": round(papers / len(questions), 2),
        "labelled_share": round(labelled / papers, 3) if papers else None,
        "labelled_cited": round(labelled / wanted, 3),
    }
    print("multi", out)
    return out


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
            "Extractive answers, papers cited per answer and the share of them labelled (hard /"
            " easy single questions: one labelled paper each); multi-paper questions: the same"
            " and the share of their labelled papers cited; the policy before the title prior"
            " -> after",
            _papers(result),
        ),
        (
            "Extractive answer latency p50 / p95 (retrieval included)",
            f"{result['latency']['p50_ms']} ms / {result['latency']['p95_ms']} ms"
            + (f" ({_load(result)})" if "date" in result else ""),
        ),
    ]


def _load(result: Result) -> str:
    def average(line: str) -> str:
        return line.split("load average:")[-1].split(",")[0].strip()

    before, after = average(result["load_before"]), average(result["load_after"])
    return f"load {before} -> {after}, {result['date']}"


def _papers(result: Result) -> str:
    def one(part: Result) -> str:
        hard, easy, multi = part["hard"], part["easy"], part.get("multi")
        text = (
            f"{hard.get('papers_per_answer')}, {hard.get('labelled_share')} / "
            f"{easy.get('papers_per_answer')}, {easy.get('labelled_share')}"
        )
        if multi:
            text += (
                f"; {multi['papers_per_answer']}, {multi['labelled_share']}, "
                f"{multi['labelled_cited']}"
            )
        return text

    before = result.get("before")
    return f"{one(before)} -> {one(result)}" if before else one(result)


if __name__ == "__main__":
    main()
