"""Does the sentence an extractive answer leads with answer the question?

Two labelled sets, each scored before and after side by side in one run, on what the
answer shows (its sentences in the order it prints them). *Before* is the previous policy
with the previous reading of full text (a passage flattened whole, so a heading ran into
the next sentence, and pysbd's sentences as they came: "from worker B. MapReduce is ..."
stayed one); *reading only* is the new reading under the previous policy; *after* is both:

- *abstracts*: 31 hard questions whose relevant paper's sentences were labelled by hand
  (``bench/data/answer_sentence_labels.json``, with the rule used), on the sample library;
- *full text*: questions answered in a paper's body, on the real PDFs of ``shared/real``
  (the ``pdfs/`` folder and the San7o Zotero library's PDFs, ingested with the cheap
  pipeline): the 59 of ``bench/data/fulltext_questions.jsonl`` and 4 on the systems papers
  (MapReduce, GFS, Bigtable, Paxos) in ``bench/data/fulltext_answer_questions.jsonl``. A
  sentence answers when it holds one of the question's ``evidence`` phrases (the exact words
  of litreview's extraction, labelled by reading the paper; compared without case and
  spacing).

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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager, nullcontext
from pathlib import Path

from bench.common import DATA, Result, Row, load_questions, sample_library, save_result
from litreview.evidence.scoring import Evidence, EvidenceScorer
from litreview.index.library import Library
from litreview.index.retriever import SearchHit, SearchRequest
from litreview.llm.extractive.answer import POLICY, PREVIOUS, Policy, compose_answer, quoted
from litreview.reading.normalize import normalize_title, paper_id_for
from litreview.review.ask import build_sources
from litreview.review.citations import check
from litreview.review.support import check_support
from litreview.settings import load_settings

REAL = Path(os.environ.get("LITREVIEW_REAL", "/work/shared/real"))
SYSTEMS = "zotero/San7o+research-papers-collection"


@contextmanager
def previous_reading() -> Iterator[None]:
    """Full text read as before: passages flattened whole, pysbd's sentences unsplit."""
    from litreview.evidence import scoring, sentences
    from litreview.review import ask as ask_stage

    def split(text: str, min_words: int = sentences.MIN_WORDS) -> tuple[str, ...]:
        with sentences._segment_lock:
            pieces = [p for b in sentences.blocks(text) for p in sentences._segmenter().segment(b)]
        return tuple(p.strip() for p in pieces if len(p.split()) >= min_words)

    def whole(passage: str) -> str:
        found = list(split(" ".join(passage.split()), min_words=1))
        if found and not found[0][:1].isupper() and not found[0][:1].isdigit():
            found = found[1:]
        if found and not found[-1].rstrip("\"')]”’ ").endswith((".", "!", "?")):
            found = found[:-1]
        return " ".join(found)

    patches: dict[tuple[object, str], object] = {
        (scoring, "split_sentences"): split,
        (ask_stage, "whole_sentences"): whole,
    }
    kept = {place: getattr(*place) for place in patches}
    for (module, name), replacement in patches.items():
        setattr(module, name, replacement)
    try:
        yield
    finally:
        for (module, name), original in kept.items():
            setattr(module, name, original)


RUNS: tuple[tuple[str, Policy, Callable[[], ContextManager[None]]], ...] = (
    ("before", PREVIOUS, previous_reading),
    ("reading_only", PREVIOUS, nullcontext),
    ("after", POLICY, nullcontext),
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
) -> dict[str, float]:
    """The three figures over ``cases``; with ``written``, the answer's citations and support."""
    scorer = EvidenceScorer.shared()
    lead = anywhere = quoted_n = good = markers = valid = claims = supported = 0
    for case, hits in zip(cases, retrieved, strict=True):
        question = str(case["question"])
        sources = build_sources(hits, question, None)
        shown = quoted(scorer, question, sources, policy) or []
        lead += bool(shown) and relevant(shown[0], case) and answers(shown[0], case)
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
    out = {
        "lead_answers": round(lead / n, 3),
        "answering_quoted": round(anywhere / n, 3),
        "relevant_paper_precision": round(good / quoted_n, 3) if quoted_n else 0.0,
    }
    if written:
        out["citation_validity"] = round(valid / markers, 3) if markers else 1.0
        out["supported"] = round(supported / claims, 3) if claims else 1.0
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
    for name, policy, reading in RUNS:
        with reading():
            result[name] = score(policy, cases, retrieved, relevant, answers)
        print("abstracts", name, result[name])
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
    library = pdf_library()

    def relevant(e: Evidence, case: dict[str, object]) -> bool:
        return normalize_title(e.source.title) == normalize_title(str(case["title"]))

    def answers(e: Evidence, case: dict[str, object]) -> bool:
        text = _flat(e.text)
        return any(_flat(p) in text for p in case["evidence"])  # type: ignore[attr-defined]

    result: dict[str, object] = {"questions": len(cases)}
    retrieved = retrieve(library, cases)
    for name, policy, reading in RUNS:
        with reading():
            result[name] = score(policy, cases, retrieved, relevant, answers, written=True)
        print("full text", name, result[name])
    return result


def main() -> dict[str, object]:
    result: dict[str, object] = {"abstracts": abstracts(), "full_text": full_text()}
    save_result("answer_sentences", result)
    return result


def rows(result: Result) -> list[Row]:
    out: list[Row] = []
    for key, label in (("abstracts", "hand-labelled hard q."), ("full_text", "full-text q.")):
        part = result.get(key)
        if not part:
            continue
        before, after = part["before"], part["after"]
        out.append(
            (
                f"Extractive answers: the quoted sentence answers the question "
                f"({part['questions']} {label}): lead sentence; some sentence; share of the "
                "relevant paper's quoted sentences, before -> after",
                f"{before['lead_answers']:.2f} -> {after['lead_answers']:.2f}; "
                f"{before['answering_quoted']:.2f} -> {after['answering_quoted']:.2f}; "
                f"{before['relevant_paper_precision']:.2f} -> "
                f"{after['relevant_paper_precision']:.2f}",
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
    return out


if __name__ == "__main__":
    main()
