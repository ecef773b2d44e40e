"""With a model: does its reading of the judge's papers raise related work's precision?

    python -m bench.related_screening [--model openai/gemma-3-270m]
        [--api-base http://127.0.0.1:8081/v1] [--topics N]

For each labelled topic of ``bench.related_quality`` (the multi-paper
questions, old and audited labels), the papers the relevance judge keeps
(``gather_hits``, as a draft) are screened by the model with the prompt the
product sends (``review.relevance.screen``, ``prompts/related_relevance.*``);
precision / recall / papers per topic before and after, side by side in one
run. Also: how many replies decided nothing (a draft then keeps the judge's
papers), seconds and tokens a screening. The default model is the one the
fixtures are recorded from (gemma-3-270m on llama.cpp, ``make
record-fixtures`` starts it): a floor for what a model does, not what a
hosted model would. Without a model server answering, nothing is measured
and nothing is saved.
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.request

from bench.common import Result, Row, load_questions, sample_library, save_result, stamped
from bench.related_quality import Labels, Topic, audited_labels, load_judgments, old_labels
from litreview.llm.litellm_backend import LiteLLMBackend
from litreview.review.related import derive_queries, found_sources, gather_hits
from litreview.review.relevance import screen
from litreview.settings import LLMSettings, ModelSettings


def reachable(api_base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_base.rstrip('/')}/models", timeout=5):
            return True
    except OSError:
        return False


def score(kept: list[list[str]], topics: list[Topic], labels: Labels) -> dict[str, float]:
    """Per-topic means of precision and recall, and papers per topic."""
    precision, recall = [], []
    for ids, topic in zip(kept, topics, strict=True):
        rel = labels(topic)
        found = sum(pid in rel for pid in ids)
        precision.append(found / len(ids) if ids else 0.0)
        recall.append(found / len(rel))
    return {
        "precision": round(statistics.mean(precision), 4),
        "recall": round(statistics.mean(recall), 4),
        "mean_cited": round(statistics.mean(len(ids) for ids in kept), 2),
    }


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="openai/gemma-3-270m")
    parser.add_argument("--api-base", default="http://127.0.0.1:8081/v1")
    parser.add_argument("--topics", type=int, default=0, help="only the first N topics")
    args = parser.parse_args()
    if not reachable(args.api_base):
        print(f"no model server answers at {args.api_base}: nothing measured")
        return {}
    backend = LiteLLMBackend(
        ModelSettings(model=args.model, api_base=args.api_base, temperature=0.0, max_tokens=60),
        LLMSettings(max_retries=1, timeout=600),
    )
    library = sample_library()
    topics: list[Topic] = [
        q
        for name in ("retrieval_questions.jsonl", "retrieval_questions_hard.jsonl")
        for q in load_questions(name)
        if q["kind"] == "multi"
    ]
    if args.topics:
        topics = topics[: args.topics]
    judge_kept, model_kept, seconds, prompt_tokens, undecided = [], [], [], [], 0
    for topic in topics:
        work = " ".join(str(topic["question"]).split())
        hits = gather_hits(library, derive_queries(work), 12)
        ids = [h.paper.paper_id for h in hits]
        judge_kept.append(ids)
        if len(hits) < 2:  # a draft does not screen a single paper
            model_kept.append(ids)
            continue
        start = time.perf_counter()
        verdict = screen(backend, work, found_sources(hits))
        seconds.append(time.perf_counter() - start)
        prompt_tokens.append(verdict.usage.prompt_tokens)
        undecided += verdict.note is not None
        model_kept.append([ids[n - 1] for n in verdict.kept])
    _, verdicts = load_judgments()
    label_sets: dict[str, Labels] = {"old": old_labels, "audited": audited_labels(verdicts)}
    result: dict[str, object] = {
        "model": args.model,
        "topics": len(topics),
        "screened": len(seconds),
        "undecided_replies": undecided,
        "median_s_per_screening": round(statistics.median(seconds), 2) if seconds else None,
        "median_prompt_tokens": int(statistics.median(prompt_tokens)) if prompt_tokens else None,
    }
    for name, labels in label_sets.items():
        result[name] = {
            "judge": score(judge_kept, topics, labels),
            "judge_then_model": score(model_kept, topics, labels),
        }
    for key, value in result.items():
        print(f"{key:>24}: {value}")
    save_result("related_screening", stamped(result))
    return result


def rows(result: Result) -> list[Row]:
    if "audited" not in result:
        return []
    figures = []
    for labels in ("audited", "old"):
        before, after = result[labels]["judge"], result[labels]["judge_then_model"]
        figures.append(
            f"{labels} {before['precision']:.2f} / {before['recall']:.2f}, "
            f"{before['mean_cited']:.1f} -> {after['precision']:.2f} / {after['recall']:.2f}, "
            f"{after['mean_cited']:.1f}"
        )
    return [
        (
            f"Related work with a model reading the judge's papers ({result['model']}, "
            f"{result['topics']} topics; judge -> judge then model): precision / recall of the "
            "papers kept, papers per draft; replies that decided nothing; median seconds and "
            "prompt tokens a screening",
            "; ".join(figures) + f"; {result['undecided_replies']} of {result['screened']}; "
            f"{result['median_s_per_screening']} s, {result['median_prompt_tokens']} tokens "
            f"({result['load_after']})",
        )
    ]


if __name__ == "__main__":
    main()
