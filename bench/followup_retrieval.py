"""Follow-up retrieval: does the second turn of a conversation find its paper?

    python -m bench.followup_retrieval

Two-turn conversations over the sample library (``bench/data/followup_conversations.jsonl``):
half change the topic (the second question stands alone), half lean on the first ("Which of
them ...?", "And for diffusion models?"). The second turn is searched three ways, side by side:
*before*, the old query (the previous question always prepended); *after*, what ``ask`` now
searches (``retrieval_query``: the history only when the question depends on it); *alone*, the
second question without any history (a reference: a topic change should match it).
"""

from __future__ import annotations

from bench.common import load_questions, sample_library, save_result
from litreview.index.retriever import SearchRequest
from litreview.library.normalize import paper_id_for
from litreview.llm.types import Message
from litreview.review.ask import depends_on_history, retrieval_query

TOP = 5


def before_query(question: str, history: list[Message]) -> str:
    """The query ``ask`` searched before: the previous question, always, then this one."""
    previous = [m.content for m in history if m.role == "user"][-1:]
    return " ".join([*previous, question])


def main() -> dict[str, object]:
    library = sample_library()
    conversations = load_questions("followup_conversations.jsonl")
    ways = {
        "before": before_query,
        "after": retrieval_query,
        "alone": lambda question, history: question,
    }
    result: dict[str, object] = {}
    detection: dict[str, int] = {}
    rows: list[str] = []
    for kind in ("topic_change", "follow_up"):
        subset = [c for c in conversations if c["kind"] == kind]
        found = dict.fromkeys(ways, 0)
        for conversation in subset:
            first, second = conversation["turns"]  # type: ignore[misc]
            history = [Message("user", str(first)), Message("assistant", "(an answer)")]
            gold = paper_id_for(str(conversation["relevant_title"]))
            marks = []
            for way, build in ways.items():
                hits = library.search(SearchRequest(build(str(second), history), k=TOP))
                hit = gold in {h.paper.paper_id for h in hits}
                found[way] += hit
                marks.append("x" if hit else ".")
            dependent = depends_on_history(str(second))
            detection[kind] = detection.get(kind, 0) + (dependent == (kind == "follow_up"))
            rows.append(f"{conversation['id']}  {'  '.join(marks)}  {str(second)[:70]}")
        result[kind] = {
            "conversations": len(subset),
            **{f"{way}_hit@{TOP}": round(found[way] / len(subset), 4) for way in ways},
            "classified_right": round(detection[kind] / len(subset), 4),
        }
    print(f"id   before after alone  second question (x: the right paper in the top {TOP})")
    print("\n".join(rows))
    print(f"\n{'':14} {'before':>8} {'after':>8} {'alone':>8}  (hit@{TOP}, second turn)")
    for kind in ("topic_change", "follow_up"):
        r = result[kind]
        assert isinstance(r, dict)
        print(
            f"{kind:14} "
            + " ".join(f"{r[f'{way}_hit@{TOP}']:>8.3f}" for way in ways)
            + f"  ({r['conversations']} conversations; dependence read right: "
            f"{r['classified_right']:.2f})"
        )
    save_result("followup_retrieval", result)
    return result


if __name__ == "__main__":
    main()
