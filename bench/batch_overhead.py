"""Batch overhead per question: everything but the model's own time.

    python -m bench.batch_overhead

The model is a scripted OpenAI-compatible server on 127.0.0.1 that replays
a fixed streamed answer at once (tests/support/loopback.py), so what is timed is
retrieval, evidence trimming, prompt rendering, litellm, HTTP, streaming,
citation and support checks, and the JSONL write.

The 1- and 4-worker runs start cold, as a batch in a new process does:
each retrieved abstract's sentences are split (pysbd) and embedded (MiniLM,
for evidence trimming) once per paper per process, which is most of a cold
question's time. A third run, with one worker, repeats the questions warm.
(Until session 3 the README showed a warm figure without saying so: the
other benchmarks had already warmed those caches in the same process.)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.support.loopback import Reply, loopback

from bench.common import Result, Row, load_questions, sample_library, save_result
from litreview.evidence.scoring import EvidenceScorer
from litreview.evidence.sentences import split_sentences
from litreview.llm.litellm_backend import LiteLLMBackend
from litreview.review.batch import run_batch
from litreview.review.questions import Question
from litreview.settings import ModelSettings


def main() -> dict[str, object]:
    library = sample_library()
    questions = [Question(str(q["id"]), str(q["question"])) for q in load_questions()[:60]]
    words = ["Harmony ", "trains ", "large ", "models ", "on ", "small ", "GPUs ", "[1]. "] * 4
    result: dict[str, object] = {"questions": len(questions)}
    with loopback(Reply(words=words)) as (api_base, _):
        backend = LiteLLMBackend(
            ModelSettings(model="openai/replay", api_base=api_base), library.settings.llm
        )
        run_batch(library, backend, questions[:3], Path(tempfile.mkdtemp()) / "warm.jsonl")
        for concurrency, cold in ((1, True), (4, True), (1, False)):
            out = Path(tempfile.mkdtemp()) / "results.jsonl"
            if cold:
                split_sentences.cache_clear()
                EvidenceScorer._shared = None  # its sentence-vector cache
            summary = run_batch(library, backend, questions, out, concurrency=concurrency)
            per = summary.seconds / len(questions)
            name = f"concurrency_{concurrency}" + ("" if cold else "_warm")
            result[name] = {
                "total_s": round(summary.seconds, 2),
                "per_question_ms": round(per * 1000, 1),
                "failed": summary.failed,
            }
            print(f"{name}: {per * 1000:.1f} ms/question")
    save_result("batch_overhead", result)
    return result


def rows(result: Result) -> list[Row]:
    return [
        (
            "Batch overhead per question, replay model: new process, 1 / 4 workers; warm, 1 worker",
            f"{result['concurrency_1']['per_question_ms']} ms / "
            f"{result['concurrency_4']['per_question_ms']} ms; "
            f"{result['concurrency_1_warm']['per_question_ms']} ms",
        )
    ]


if __name__ == "__main__":
    main()
