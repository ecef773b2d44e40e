"""Does the sentence an extractive answer leads with answer the question?

Two labelled sets, each scored under several policies side by side in one run, on what
the answer shows (its sentences in the order it prints them). *Before* is the policy main
shipped before this change (a paper's best sentence first; a full-text page read like an
abstract, its sentences before a "we" background; headings unused); *page_openers* reads a
page as opening anywhere (only sentences about others' work are background); *headings*
adds a section heading that matches the question raising the sentences under it
(:func:`litreview.llm.extractive.answer.headings`); *pointer* demotes a sentence that only
announces the next one ("... as follows."); *fragments* demotes a piece
of a sentence or a table's row (``evidence.sentences.fragment``) too; *after* is the shipped
policy: that, and a sentence about the paper's own text (``evidence.sentences.signposts``:
"For brevity, we have omitted ...", "In Section 2 we review ...", a caption) demoted:

- *abstracts*: 31 hard questions whose relevant paper's sentences were labelled by hand
  (``bench/data/answer_sentence_labels.json``, with the rule used), on the sample library;
- *full text*: questions answered in a paper's body, on the real PDFs of ``shared/real``
  (the ``pdfs/`` folder and the San7o Zotero library's PDFs, ingested with the cheap
  pipeline): the 59 of ``bench/data/fulltext_questions.jsonl``, 4 on the systems papers
  (MapReduce, GFS, Bigtable, Paxos) in ``bench/data/fulltext_answer_questions.jsonl`` and
  24 in ``bench/data/fulltext_section_questions.jsonl``: questions a researcher asks of a
  section (how a mechanism works, what the limitations are), written by reading the pages
  of the 12 PDFs of ``pdfs/`` and the 4 systems papers. A sentence answers when it holds
  one of the question's ``evidence`` phrases (the exact words of litreview's extraction,
  labelled by reading the paper; compared without case and spacing).

The heading weights were chosen on the even-numbered half of the full-text questions (in
file order); ``halves`` reports the lead figure on each half, the odd one held out.

Per set:

- *lead answers*: the answer's first quoted sentence is an answering sentence of the
  relevant paper;
- *answering quoted*: some quoted sentence is one;
- *relevant-paper precision*: of the quoted sentences of the relevant paper, the share
  that answer;

and on the full-text set, of the answer as written: *citation validity* (markers that
resolve to a source) and *supported* (cited sentences the support check accepts).

    python -m bench.answer_sentences
    LITREVIEW_BENCH_PDF_HOME=/tmp/pdfs-home python -m bench.answer_sentences  # reuse an ingest
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench.common import (
    DATA,
    Result,
    Row,
    load_questions,
    sample_library,
    save_result,
    uptime,
)
from litreview.evidence.scoring import Evidence, EvidenceScorer
from litreview.index.library import Library
from litreview.index.retriever import SearchHit, SearchRequest
from litreview.llm.extractive.answer import (
    BEST_FIRST,
    FRAGMENTS,
    HEADINGS,
    POINTER,
    POLICY,
    Policy,
    compose_answer,
    quoted,
)
from litreview.reading.normalize import normalize_title, paper_id_for
from litreview.review.ask import build_sources
from litreview.review.citations import check
from litreview.review.support import check_support
from litreview.settings import load_settings

REAL = Path(os.environ.get("LITREVIEW_REAL", "/work/shared/real"))
SYSTEMS = "zotero/San7o+research-papers-collection"


RUNS: tuple[tuple[str, Policy], ...] = (
    ("before", BEST_FIRST),
    ("page_openers", replace(BEST_FIRST, page_openers=False)),
    ("headings", HEADINGS),
    ("pointer", POINTER),
    ("fragments", FRAGMENTS),
    ("after", POLICY),
)


def _flat(text: str) -> str:
    return " ".join(text.casefold().split())


def retrieve(library: Library, cases: list[dict[str, object]]) -> list[list[SearchHit]]:
    """Each question's hits, searched once: every policy and reading reads the same ones."""
    k = library.settings.retrieval.k
    return [library.search(SearchRequest(str(case["question"]), k=k)) for case in cases]


def score(
    policy: Policy,
    cases: list[dict[str, object]],
    retrieved: list[list[SearchHit]],
    relevant: Callable[[Evidence, dict[str, object]], bool],
    answers: Callable[[Evidence, dict[str, object]], bool],
    written: bool = False,
) -> dict[str, object]:
    """The three figures over ``cases``; with ``written``, the answer's citations and support;
    ``leads``: for each case, whether its lead sentence answers."""
    scorer = EvidenceScorer.shared()
    anywhere = quoted_n = good = markers = valid = claims = supported = 0
    leads: list[bool] = []
    for case, hits in zip(cases, retrieved, strict=True):
        question = str(case["question"])
        sources = build_sources(hits, question, None)
        shown = quoted(scorer, question, sources, policy) or []
        leads.append(bool(shown) and relevant(shown[0], case) and answers(shown[0], case))
        mine = [e for e in shown if relevant(e, case)]
        anywhere += any(answers(e, case) for e in mine)
        quoted_n += len(mine)
        good += sum(answers(e, case) for e in mine)
        if written:
            text = compose_answer(scorer, question, sources, policy)
            checked = check(text, sources)
            markers += len(checked.citations) + len(checked.dropped)
            valid += len(checked.citations)
            support = check_support(scorer, checked.text, sources)
            claims += len(support)
            supported += sum(s.supported for s in support)
    n = len(cases)
    out: dict[str, object] = {
        "lead_answers": round(sum(leads) / n, 3),
        "answering_quoted": round(anywhere / n, 3),
        "relevant_paper_precision": round(good / quoted_n, 3) if quoted_n else 0.0,
    }
    if written:
        out["citation_validity"] = round(valid / markers, 3) if markers else 1.0
        out["supported"] = round(supported / claims, 3) if claims else 1.0
    out["leads"] = leads
    return out


def abstracts() -> dict[str, object]:
    library = sample_library()
    doc = json.loads((DATA / "answer_sentence_labels.json").read_text(encoding="utf-8"))
    cases = list(doc["labels"])

    def relevant(e: Evidence, case: dict[str, object]) -> bool:
        return e.source.paper_id == paper_id_for(str(case["paper"]))

    def answers(e: Evidence, case: dict[str, object]) -> bool:
        return e.text in set(case["answering"])  # type: ignore[call-overload]

    result: dict[str, object] = {"questions": len(cases)}
    retrieved = retrieve(library, cases)
    for name, policy in RUNS:
        scored = score(policy, cases, retrieved, relevant, answers)
        scored.pop("leads")
        result[name] = scored
        print("abstracts", name, scored)
    return result


def pdf_library() -> Library:
    """The real PDFs ingested once (cheap pipeline), reused from ``LITREVIEW_BENCH_PDF_HOME``."""
    home = os.environ.get("LITREVIEW_BENCH_PDF_HOME") or tempfile.mkdtemp(prefix="answers-")
    os.environ["LITREVIEW_HOME"] = home
    library = Library(load_settings(**{"retrieval.rerank_model": "none"}))
    if library.count() == 0:
        library.ingest([REAL / "pdfs", REAL / SYSTEMS])
    return library


def full_text() -> dict[str, object]:
    cases = load_questions("fulltext_questions.jsonl")
    cases += load_questions("fulltext_answer_questions.jsonl")
    cases += load_questions("fulltext_section_questions.jsonl")
    library = pdf_library()

    def relevant(e: Evidence, case: dict[str, object]) -> bool:
        return normalize_title(e.source.title) == normalize_title(str(case["title"]))

    def answers(e: Evidence, case: dict[str, object]) -> bool:
        text = _flat(e.text)
        return any(_flat(p) in text for p in case["evidence"])  # type: ignore[attr-defined]

    result: dict[str, object] = {"questions": len(cases)}
    retrieved = retrieve(library, cases)
    halves: dict[str, dict[str, str]] = {}
    for name, policy in RUNS:
        scored = score(policy, cases, retrieved, relevant, answers, written=True)
        leads = list(scored.pop("leads"))  # type: ignore[call-overload]
        halves[name] = {
            "chosen_on": f"{sum(leads[0::2])}/{len(leads[0::2])}",
            "held_out": f"{sum(leads[1::2])}/{len(leads[1::2])}",
        }
        result[name] = scored
        print("full text", name, scored, halves[name])
    result["halves"] = halves
    return result


def main() -> dict[str, object]:
    load = uptime()
    result: dict[str, object] = {"abstracts": abstracts(), "full_text": full_text()}
    result["load"] = {"before": load, "after": uptime()}
    save_result("answer_sentences", result)
    return result


def rows(result: Result) -> list[Row]:
    out: list[Row] = []
    for key, label in (("abstracts", "hand-labelled hard q."), ("full_text", "full-text q.")):
        part = result.get(key)
        if not part:
            continue
        before, after = part["before"], part["after"]
        openers = part.get("page_openers", before)
        headings = part.get("headings", after)
        pointer = part.get("pointer", after)
        pieces = part.get("fragments", after)
        runs = (before, openers, headings, pointer, pieces, after)
        out.append(
            (
                f"Extractive answers: the quoted sentence answers the question "
                f"({part['questions']} {label}): lead sentence; some sentence; share of the "
                "relevant paper's quoted sentences, before -> page openers -> headings -> "
                "sentences pointing ahead demoted -> pieces and table rows demoted -> after "
                "(sentences about the paper's own text demoted)",
                "; ".join(
                    " -> ".join(f"{run[m]:.2f}" for run in runs)
                    for m in ("lead_answers", "answering_quoted", "relevant_paper_precision")
                ),
            )
        )
        if "supported" in after:
            out.append(
                (
                    f"Extractive answers on full text ({part['questions']} q.): citation "
                    "validity; cited sentences supported, before -> after",
                    f"{before['citation_validity']:.2f} -> {after['citation_validity']:.2f}; "
                    f"{before['supported']:.2f} -> {after['supported']:.2f}",
                )
            )
        halves = part.get("halves")
        if halves:
            out.append(
                (
                    "Extractive answers on full text: lead sentence answers, half the heading "
                    "weights were chosen on; held-out half, page openers -> headings -> after",
                    "; ".join(
                        " -> ".join(
                            halves[run][half]
                            for run in ("page_openers", "headings", "after")
                            if run in halves
                        )
                        for half in ("chosen_on", "held_out")
                    ),
                )
            )
    return out


if __name__ == "__main__":
    main()
