"""Full-text retrieval: questions answered only in a PDF's body, not its abstract.

    python -m bench.fulltext_retrieval                  # the 12 real PDFs among the sample library
    python -m bench.fulltext_retrieval --no-distractors # the 12 PDFs alone (5 of 12 is easy)
    python -m bench.fulltext_retrieval --embed-body-chunks 128  # every passage embedded

``bench/data/fulltext_questions.jsonl`` holds 59 questions on the 12 PDFs of
``shared/real/pdfs`` (57 in English, 2 in Chinese on the Chinese paper). Labelling rule:
each question is answered by one passage of the paper's body (not its abstract or title),
named in ``evidence`` (exact words of litreview's own extraction, so the page can be checked
mechanically: ``pages`` are the pages holding the evidence, as litreview numbers them, the
PDF viewer's 1-based page); the question is written in other words (no run of five words in
common with the paper's text) so that it does not simply match the passage lexically.
Each question comes twice: ``question`` as a reader who knows the work asks it (it may name
the system: "the Transformer", "SqueezeNet", "ReAct"), and ``question_unnamed``, which names
no system or method the paper introduces, so the paper must be found by what its body says
(topic words such as "sentiment" or "edge devices" stay; 24 questions differ).

Two libraries are built side by side in temporary homes, each on a copy of the same
ingested sample library (264 papers: distractors, so that "the right paper in the top 5"
means something; without them 5 of 12 is 42% by chance):

- *full text*: the PDF folder ingested as a user would (``litreview ingest pdfs/``);
- *abstract only*: the same 12 papers as title + abstract records (the abstract litreview
  read from each PDF, or its stand-in), i.e. what a library without full text can search.

Each question is asked through ``Library.search`` (k = 5, the settings' mode). Reported:
recall@5 of the right paper, and of the right page: the right paper is in the top 5 and its
hit's ``page`` is one of the labelled pages. A hit has a page only where full-text search
gives it one (``SearchHit.page``); where the field does not exist yet, page recall is
reported as not available rather than as zero.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import DATA, Result, Row, load_questions, sample_library, save_result
from litreview.index.library import Library
from litreview.reading.normalize import normalize_title
from litreview.settings import load_settings

REAL = Path(os.environ.get("LITREVIEW_REAL", "/work/shared/real"))
TOP = 5


def _abstract_records(pdfs: Path, out: Path) -> Path:
    """The PDFs' papers as title + abstract records: what an abstract-only library holds."""
    from litreview.reading import read_file

    rows = []
    for path in sorted(pdfs.glob("*.pdf")):
        for paper in read_file(path).papers:
            rows.append(
                {
                    "title": paper.title,
                    "abstract": paper.abstract,
                    "authors": list(paper.authors),
                    "year": paper.year,
                    "doi": paper.doi,
                }
            )
    out.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    return out


def _open(home: Path, **overrides: object) -> Library:
    os.environ["LITREVIEW_HOME"] = str(home)
    return Library(load_settings(**overrides))


def evaluate(
    library: Library, questions: list[dict[str, object]], field: str = "question"
) -> dict[str, object]:
    """Recall@5 of the paper and of the page, per language and overall, plus the misses."""
    found = {"all": 0, "en": 0, "zh": 0}
    on_page = {"all": 0, "en": 0, "zh": 0}
    count = {"all": 0, "en": 0, "zh": 0}
    pages_known = False
    misses: list[str] = []
    took: list[float] = []
    for q in questions:
        lang = str(q.get("lang", "en"))
        want = normalize_title(str(q["title"]))
        began = time.perf_counter()
        hits = library.search(library.request(str(q[field]), k=TOP))
        took.append(time.perf_counter() - began)
        right = [h for h in hits if normalize_title(h.paper.title) == want]
        count["all"] += 1
        count[lang] += 1
        if not right:
            misses.append(str(q["id"]))
            continue
        found["all"] += 1
        found[lang] += 1
        page = getattr(right[0], "page", None)
        pages_known = pages_known or hasattr(right[0], "page")
        if page is not None and page in list(q["pages"]):  # type: ignore[call-overload]
            on_page["all"] += 1
            on_page[lang] += 1
    took.sort()
    out: dict[str, object] = {"questions": count["all"], "misses": misses}
    out["search_ms_p50"] = round(1000 * took[len(took) // 2]) if took else None
    for lang in ("all", "en", "zh"):
        if not count[lang]:
            continue
        out[f"paper_recall@5/{lang}"] = round(found[lang] / count[lang], 3)
        out[f"page_recall@5/{lang}"] = (
            round(on_page[lang] / count[lang], 3) if pages_known else "not available"
        )
    return out


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--no-distractors", action="store_true", help="the 12 PDFs alone, no sample library"
    )
    parser.add_argument(
        "--embed-body-chunks",
        type=int,
        default=None,
        help="ingest.embed_body_chunks for the full-text library (default: the settings')",
    )
    args = parser.parse_args()
    overrides = {"ingest.embed_body_chunks": args.embed_body_chunks}
    questions = load_questions("fulltext_questions.jsonl")
    pdfs = REAL / "pdfs"
    scratch = Path(tempfile.mkdtemp(prefix="litreview-fulltext-"))
    homes = {"full_text": scratch / "full", "abstract_only": scratch / "abstract"}
    try:
        if args.no_distractors:
            for home in homes.values():
                home.mkdir()
        else:
            base = sample_library()
            base_home = Path(base.settings.catalog_path).parent
            base.close()
            for home in homes.values():
                shutil.copytree(base_home, home)
        records = _abstract_records(pdfs, scratch / "abstracts.jsonl")
        result: dict[str, object] = {"distractors": not args.no_distractors}
        for name, home in homes.items():
            began = time.perf_counter()
            with _open(home, **overrides) as library:
                report = library.ingest([pdfs] if name == "full_text" else [records])
                ingest_s = time.perf_counter() - began
                evaluation: dict[str, object] = {
                    "embed_body_chunks": library.settings.ingest.embed_body_chunks,
                    "papers": library.count(),
                    "ingest_s": round(ingest_s, 1),
                    "chunks": report.chunks,
                }
                for field in ("question", "question_unnamed"):
                    evaluation[field] = evaluate(library, questions, field)
            result[name] = evaluation
            print(f"{name:>14}: {json.dumps(evaluation, ensure_ascii=False)}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result["labels"] = str(DATA / "fulltext_questions.jsonl")
    save_result("fulltext_retrieval", result)
    return result


def rows(result: Result) -> list[Row]:
    out: list[Row] = []
    among = "among the sample library" if result.get("distractors") else "alone"
    body = (result.get("full_text") or {}).get("embed_body_chunks")
    if body is not None:
        among += f", first {body} body passages of each embedded"
    for field, label in (("question", "naming the work"), ("question_unnamed", "unnamed")):
        if not (result.get("full_text") and result.get("abstract_only")):
            break
        full, abstract = result["full_text"][field], result["abstract_only"][field]
        page = full["page_recall@5/all"]
        out.append(
            (
                f"Full-text questions ({full['questions']}, answer only in the body; {label}) on "
                f"the 12 real PDFs {among}: right paper in the top 5, abstract only -> full "
                "text; right page in the top 5",
                f"{abstract['paper_recall@5/all']:.3f} -> {full['paper_recall@5/all']:.3f}; "
                + (
                    f"{page:.3f}"
                    if isinstance(page, float)
                    else "not available (hits carry no page yet)"
                ),
            )
        )
    return out


if __name__ == "__main__":
    main()
