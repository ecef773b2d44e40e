"""Does the sentence an extractive answer quotes answer the question?

On 31 hard questions whose relevant paper's sentences were labelled by hand
(``bench/data/answer_sentence_labels.json``, with the rule used), the engine's
choices under the previous policy and the current one, side by side in one run:

- *lead answers*: the answer's first (best) quoted sentence is a labelled answering
  sentence of the relevant paper;
- *answering quoted*: some quoted sentence is one;
- *relevant-paper precision*: of the quoted sentences of the relevant paper, the share
  labelled answering (a quote of its background counts against).

    python -m bench.answer_sentences
"""

from __future__ import annotations

import json

from bench.common import DATA, Result, Row, sample_library, save_result
from litreview.evidence.scoring import EvidenceScorer
from litreview.index.library import Library
from litreview.index.retriever import SearchRequest
from litreview.llm.extractive.answer import LEGACY, POLICY, Policy, choose
from litreview.reading.normalize import paper_id_for
from litreview.review.ask import build_sources


def score(policy: Policy, cases: list[dict[str, object]], library: Library) -> dict[str, float]:
    scorer = EvidenceScorer.shared()
    lead = anywhere = quoted = good = 0
    for case in cases:
        question = str(case["question"])
        hits = library.search(SearchRequest(question, k=library.settings.retrieval.k))
        sources = build_sources(hits, question, None)
        gold = paper_id_for(str(case["paper"]))
        answering = set(case["answering"])  # type: ignore[call-overload]
        chosen = choose(scorer, question, sources, policy) or []
        lead += bool(chosen) and chosen[0].source.paper_id == gold and chosen[0].text in answering
        mine = [e for e in chosen if e.source.paper_id == gold]
        anywhere += any(e.text in answering for e in mine)
        quoted += len(mine)
        good += sum(e.text in answering for e in mine)
    n = len(cases)
    return {
        "lead_answers": round(lead / n, 3),
        "answering_quoted": round(anywhere / n, 3),
        "relevant_paper_precision": round(good / quoted, 3) if quoted else 0.0,
    }


def main() -> dict[str, object]:
    library = sample_library()
    doc = json.loads((DATA / "answer_sentence_labels.json").read_text(encoding="utf-8"))
    cases = list(doc["labels"])
    result: dict[str, object] = {"questions": len(cases)}
    for name, policy in (("before", LEGACY), ("after", POLICY)):
        result[name] = score(policy, cases, library)
        print(name, result[name])
    save_result("answer_sentences", result)
    return result


def rows(result: Result) -> list[Row]:
    before, after = result["before"], result["after"]
    return [
        (
            f"Extractive answers: the quoted sentence answers the question ({result['questions']} "
            "hand-labelled hard q.): lead sentence; some sentence; share of the relevant "
            "paper's quoted sentences, before -> after",
            f"{before['lead_answers']:.2f} -> {after['lead_answers']:.2f}; "
            f"{before['answering_quoted']:.2f} -> {after['answering_quoted']:.2f}; "
            f"{before['relevant_paper_precision']:.2f} -> "
            f"{after['relevant_paper_precision']:.2f}",
        )
    ]


if __name__ == "__main__":
    main()
