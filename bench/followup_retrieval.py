"""Follow-up retrieval: does the second turn of a conversation find its paper?

    python -m bench.followup_retrieval

Two-turn conversations over the sample library: in about half the second question changes the
topic (it stands alone), in the others it leans on the first ("Which of them ...?", "And for
diffusion models?"). Three sets: ``followup_conversations.jsonl`` was written while the rule that
decides was being written (so it flatters the rule), ``followup_conversations_heldout.jsonl``
afterwards, with the rule frozen (then used once more, to choose *after* over *combined*);
``followup_conversations_entity.jsonl`` (follow-ups only) after a user's "What is ReAct?" then
"Which benchmarks was it evaluated on?" lost ReAct, written before the change it measures.
The second turn is searched six ways, side by side:

- *before*: the old query, the previous question always prepended;
- *combined*: the rule alone (``retrieval_query``): the history only when the question depends
  on it, the two questions searched as one text;
- *fused*: the history always, the question alone and with it fused by reciprocal rank;
- *fused_when_leaning*: ``retrieve`` until 2026-11-30: the question alone when the rule reads
  it as standing alone, else the question alone and in context (``retrieval_query``) fused;
- *after*: what ``ask`` now searches (``retrieve``): as *fused_when_leaning*, but a question
  about the one thing named before ("Which benchmarks was it evaluated on?",
  ``points_to_one``) is searched in context only;
- *alone*: the second question without any history (a reference: a topic change should match it).
"""

from __future__ import annotations

from collections.abc import Callable

from bench.common import Result, Row, load_questions, sample_library, save_result
from litreview.index.library import Library
from litreview.index.retriever import SearchRequest
from litreview.llm.types import Message
from litreview.reading.normalize import paper_id_for
from litreview.review.followup import depends_on_history, retrieval_query, retrieve

TOP = 5
DEPTH = 10  # for MRR@10
SETS = {
    "written_with_the_rule": "followup_conversations.jsonl",
    "held_out": "followup_conversations_heldout.jsonl",
    "entity": "followup_conversations_entity.jsonl",
}
KINDS = ("topic_change", "follow_up")


def before_query(question: str, history: list[Message]) -> str:
    """The query ``ask`` searched before: the previous question, always, then this one."""
    previous = [m.content for m in history if m.role == "user"][-1:]
    return " ".join([*previous, question])


def top_ids(library: Library, query: str, k: int = DEPTH) -> list[str]:
    return [h.paper.paper_id for h in library.search(SearchRequest(query, k=k))]


def fused(library: Library, question: str, history: list[Message]) -> list[str]:
    """Reciprocal-rank fusion of the question alone and the question with its history."""
    scores: dict[str, float] = {}
    for query in (question, before_query(question, history)):
        for rank, paper_id in enumerate(top_ids(library, query, k=20)):
            scores[paper_id] = scores.get(paper_id, 0.0) + 1.0 / (60 + rank)
    return sorted(scores, key=lambda p: -scores[p])[:DEPTH]


def fused_when_leaning(library: Library, question: str, history: list[Message]) -> list[str]:
    """``retrieve`` until 2026-11-30: a question that leans on the history was always fused
    with its own search, also when it asks about the one thing named before ("Which
    benchmarks was it evaluated on?"), where its own search ranks anything on benchmarks."""
    in_context = retrieval_query(question, history)
    if in_context == question:
        return top_ids(library, question)
    scores: dict[str, float] = {}
    for query in (question, in_context):
        for rank, paper_id in enumerate(top_ids(library, query, k=20)):
            scores[paper_id] = scores.get(paper_id, 0.0) + 1.0 / (60 + rank)
    return sorted(scores, key=lambda p: -scores[p])[:DEPTH]


def main() -> dict[str, object]:
    library = sample_library()
    ways: dict[str, Callable[[str, list[Message]], list[str]]] = {
        "before": lambda q, h: top_ids(library, before_query(q, h)),
        "combined": lambda q, h: top_ids(library, retrieval_query(q, h)),
        "fused": lambda q, h: fused(library, q, h),
        "fused_when_leaning": lambda q, h: fused_when_leaning(library, q, h),
        "after": lambda q, h: [hit.paper.paper_id for hit in retrieve(library, q, h, k=DEPTH)],
        "alone": lambda q, h: top_ids(library, q),
    }
    result: dict[str, object] = {}
    for set_name, file_name in SETS.items():
        conversations = load_questions(file_name)
        print(f"== {set_name} ({file_name}); x: the right paper in the top {TOP}")
        print("id    " + " ".join(f"{w:>6}" for w in ways) + "  read as  second question")
        summary: dict[str, object] = {}
        for kind in KINDS:
            subset = [c for c in conversations if c["kind"] == kind]
            if not subset:  # the entity set has follow-ups only
                continue
            found = dict.fromkeys(ways, 0)
            reciprocal = dict.fromkeys(ways, 0.0)
            read_right = 0
            for conversation in subset:
                first, second = (str(t) for t in conversation["turns"])  # type: ignore[attr-defined]
                history = [Message("user", first), Message("assistant", "(an answer)")]
                gold = paper_id_for(str(conversation["relevant_title"]))
                marks = []
                for way, search in ways.items():
                    ranked = search(second, history)
                    hit = gold in ranked[:TOP]
                    found[way] += hit
                    reciprocal[way] += 1 / (ranked.index(gold) + 1) if gold in ranked else 0.0
                    marks.append("x" if hit else ".")
                dependent = depends_on_history(second)
                read_right += dependent == (kind == "follow_up")
                print(
                    f"{conversation['id']:5} "
                    + " ".join(f"{m:>6}" for m in marks)
                    + f"  {'follow ' if dependent else 'fresh  '}  {second[:70]}"
                )
            summary[kind] = {
                "conversations": len(subset),
                **{f"{way}_hit@{TOP}": round(found[way] / len(subset), 4) for way in ways},
                **{f"{way}_mrr@{DEPTH}": round(reciprocal[way] / len(subset), 4) for way in ways},
                "read_right": round(read_right / len(subset), 4),
            }
        result[set_name] = summary
        print(f"\n{'':14} " + " ".join(f"{w:>13}" for w in ways) + f"  (hit@{TOP} / MRR@{DEPTH})")
        for kind in KINDS:
            if kind not in summary:
                continue
            r = summary[kind]
            assert isinstance(r, dict)
            print(
                f"{kind:14} "
                + " ".join(
                    f"{r[f'{way}_hit@{TOP}']:>6.3f} / {r[f'{way}_mrr@{DEPTH}']:.3f}" for way in ways
                )
                + f"  ({r['conversations']} conversations; dependence read right: "
                f"{r['read_right']:.2f})"
            )
        print()
    save_result("followup_retrieval", result)
    return result


def rows(result: Result) -> list[Row]:
    out: list[Row] = []
    for set_name, label in (
        ("written_with_the_rule", "written with the rule"),
        ("held_out", "held out"),
    ):
        if set_name not in result:
            continue
        change, follow = result[set_name]["topic_change"], result[set_name]["follow_up"]
        out.append(
            (
                f"Follow-up retrieval, second turn, {change['conversations']} topic changes / "
                f"{follow['conversations']} true follow-ups ({label}): right paper in the top 5, "
                "MRR@10, before -> after",
                f"{change['before_hit@5']:.3f}, {change['before_mrr@10']:.3f} -> "
                f"{change['after_hit@5']:.3f}, {change['after_mrr@10']:.3f} / "
                f"{follow['before_hit@5']:.3f}, {follow['before_mrr@10']:.3f} -> "
                f"{follow['after_hit@5']:.3f}, {follow['after_mrr@10']:.3f}",
            )
        )
    if "entity" in result:
        follow = result["entity"]["follow_up"]
        way = "fused_when_leaning"
        if f"{way}_hit@5" in follow:
            out.append(
                (
                    f"Follow-up retrieval, {follow['conversations']} follow-ups about the one "
                    'paper the first turn named ("What is UMD?" then "Does it need clean '
                    'data?"): right paper in the top 5, MRR@10, the previous question always '
                    "prepended -> fused whenever the question leans on it -> searched in context "
                    "when it asks about one thing",
                    f"{follow['before_hit@5']:.3f}, {follow['before_mrr@10']:.3f} -> "
                    f"{follow[f'{way}_hit@5']:.3f}, {follow[f'{way}_mrr@10']:.3f} -> "
                    f"{follow['after_hit@5']:.3f}, {follow['after_mrr@10']:.3f}",
                )
            )
    return out


if __name__ == "__main__":
    main()
