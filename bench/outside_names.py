"""Questions that name what the library lacks: does the answer say so, and how often is it
said of a question the library does answer?

    python -m bench.outside_names

Retrieval always returns the nearest papers, so "How does GFS handle master failure?" on a
library without GFS was answered from whatever came closest. ``ask`` now opens such an
answer with "No paper in your library mentions “GFS”: ..." when a name the question uses
(``litreview.evidence.names``) is written by no source and by no paper of the library. Over
the sample library (264 ML papers), searched as ``ask`` searches:

- *outside*: ``outside_names_questions.jsonl``, 25 questions naming systems, methods and
  people the sample does not contain (GFS, Paxos, Kajiya, ...): the share whose answer
  says so (recall);
- *inside*: the labelled retrieval questions (222 easy, 203 hard), each about a paper the
  library holds: the share whose answer would say a name is missing (false notes; the note
  is then still true of the library, but needless).

The check's cost per question is timed too (its word lists load once, on the first
capitalised word no paper writes; that load is reported apart).
"""

from __future__ import annotations

import time

from bench.common import Result, Row, load_questions, sample_library, save_result, stamped
from litreview.evidence.frame import without_frame
from litreview.review.ask import build_sources, lacked
from litreview.review.followup import retrieve

SETS = {
    "outside": "outside_names_questions.jsonl",
    "easy": "retrieval_questions.jsonl",
    "hard": "retrieval_questions_hard.jsonl",
}


def main() -> Result:
    library = sample_library()
    result: Result = {}
    with library:
        began = time.process_time()
        from litreview.evidence.names import uncommon

        uncommon(["Kajiya"])  # both word lists loaded once, apart from the per-question cost
        result["word_lists_load_cpu_s"] = round(time.process_time() - began, 2)
        for name, file in SETS.items():
            questions = [str(q["question"]) for q in load_questions(file) if "question" in q]
            noted: list[dict[str, object]] = []
            spent = 0.0
            k = library.settings.retrieval.k
            for question in questions:
                hits = retrieve(library, without_frame(question), (), k=k)
                sources = build_sources(hits, question, None)
                began = time.process_time()
                missing = lacked(library, question, sources)
                spent += time.process_time() - began
                if missing:
                    noted.append({"question": question, "names": missing})
            result[name] = {
                "questions": len(questions),
                "noted": len(noted),
                "share": round(len(noted) / max(1, len(questions)), 3),
                "check_cpu_ms": round(1000 * spent / max(1, len(questions)), 2),
                "which": noted if name != "outside" else [],
                "missed": (
                    [q for q in questions if q not in {str(n["question"]) for n in noted}]
                    if name == "outside"
                    else []
                ),
            }
            print(name, {k: v for k, v in result[name].items() if k not in ("which",)})
            for n in result[name]["which"]:
                print("   ", n)
    save_result("outside_names", stamped(result))
    return result


def rows(result: Result) -> list[Row]:
    if "outside" not in result:
        return []
    outside, easy, hard = result["outside"], result["easy"], result["hard"]
    return [
        (
            "Questions naming what the sample lacks (25: GFS, Paxos, Kajiya, ...): answers "
            "that say so / labelled questions about papers it holds (easy, hard) whose answers "
            "would say a name is missing; CPU of the check a question",
            f"{outside['noted']}/{outside['questions']} / {easy['noted']}/{easy['questions']}, "
            f"{hard['noted']}/{hard['questions']}; {easy['check_cpu_ms']} ms (word lists "
            f"once: {result['word_lists_load_cpu_s']} s)",
        )
    ]


if __name__ == "__main__":
    main()
