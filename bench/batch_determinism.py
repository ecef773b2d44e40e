"""Batch answers do not depend on the concurrency, and why they used to.

Two figures, in one run:

- the cause: every abstract of the library split into sentences by 4 threads at
  once, with pysbd's segmenter used bare (as before) and through
  ``split_sentences`` (locked): the share of abstracts whose sentences differ
  from a split done alone;
- the effect: 40 labelled questions through ``run_batch`` with the extractive
  engine at 1 and 4 workers: the share of identical answers (text, citations, sources).

    python -m bench.batch_determinism
"""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import Result, Row, load_questions, sample_library, save_result
from litreview.evidence.sentences import MIN_WORDS, _segmenter, split_sentences
from litreview.llm.extractive import ExtractiveBackend
from litreview.review.batch import run_batch
from litreview.review.questions import Question


def bare(text: str) -> tuple[str, ...]:
    """The splitter as it was: pysbd's shared segmenter with no lock."""
    return tuple(s.strip() for s in _segmenter().segment(text) if len(s.split()) >= MIN_WORDS)


def split_race(texts: list[str]) -> dict[str, float]:
    alone = [split_sentences.__wrapped__(t) for t in texts]
    out = {}
    for name, split in (("bare_pysbd", bare), ("split_sentences", split_sentences.__wrapped__)):
        with ThreadPoolExecutor(4) as pool:
            threaded = list(pool.map(split, texts))
        out[name] = round(sum(a != b for a, b in zip(alone, threaded, strict=True)) / len(texts), 3)
    return out


def main() -> dict[str, object]:
    library = sample_library()
    texts = [p.abstract for p in library.papers()]
    result: dict[str, object] = {"abstracts": len(texts), "differ_in_4_threads": split_race(texts)}
    print(result)
    picked = load_questions("retrieval_questions_hard.jsonl")[:40]
    questions = [Question(str(q["id"]), str(q["question"])) for q in picked]
    answers: dict[int, dict[str, object]] = {}
    folder = Path(tempfile.mkdtemp(prefix="litreview-determinism-"))
    for jobs in (1, 4):
        out = folder / f"j{jobs}.jsonl"
        run_batch(library, ExtractiveBackend(), questions, out, concurrency=jobs)
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        answers[jobs] = {
            r["id"]: (r["answer"], r["citations"], [s["paper_id"] for s in r["sources"]])
            for r in rows
        }
    same = sum(answers[1][q.id] == answers[4].get(q.id) for q in questions)
    result["batch"] = {"questions": len(questions), "identical_at_1_and_4_workers": same}
    print(result["batch"])
    save_result("batch_determinism", result)
    return result


def rows(result: Result) -> list[Row]:
    race, batch = result["differ_in_4_threads"], result["batch"]
    return [
        (
            f"Batch at any concurrency: abstracts ({result['abstracts']}) split differently in "
            "4 threads than alone, pysbd bare / locked; identical answers at 1 and 4 workers",
            f"{race['bare_pysbd']:.2f} / {race['split_sentences']:.2f}; "
            f"{batch['identical_at_1_and_4_workers']} of {batch['questions']}",
        )
    ]


if __name__ == "__main__":
    main()
