"""The near-topic caution on real libraries: are its bars, chosen on the ML sample, right
for a graphics library of the 1970s-2000s and a 2024-25 video-generation export?

    python -m bench.near_topic_real [--homes /tmp/litreview-near-real]

Why: ``ask`` opens with a caution when a question that uses no name is far from every paper
(the first paper's MiniLM similarity < 0.33 and its MPNet one < 0.30:
``review.ask.far_from``), or declines when no sentence is close enough. The bars were chosen
on the 264-paper ML sample (``bench.near_topic``); other fields write otherwise (short
abstracts of classic graphics papers, long ones of recent arXiv papers), so a caution could
be needless on one library and missing on another.

What it does: builds two real libraries with the default pipeline (MPNet on), each in its
own home: ``shared/real/zotero/ganeshbelgur+zotero-sync`` (43 papers with abstracts: rendering,
radiosity, ray tracing, rotations) and ``shared/real/bibtex/elmoghany_betterbibtex_video_
diffusion.bib`` (66 papers: video and image generation, personalisation). It asks each the
questions of ``bench/data/near_topic_real_questions.jsonl``, written before measuring: *held*
questions that paraphrase a paper of the library (its title's start given, to check it is
found in the first five), and *near* questions of the same field on what the library does
not hold (neural radiance fields, mesh simplification; talking heads, video super-resolution).
Each is searched as ``ask`` searches and scored with ``bench.near_topic``'s signals: whether
the shipped rule cautions it (``far``), whether the extractive answer declines, and the first
paper's similarities. Per library: the share of near questions cautioned and of held ones
cautioned needlessly, and the held questions' labelled paper in the first five.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from bench.common import Result, Row, save_result, stamped

REAL = Path("/work/shared/real")
LIBRARIES = {
    "graphics": REAL / "zotero/ganeshbelgur+zotero-sync",
    "video": REAL / "bibtex/elmoghany_betterbibtex_video_diffusion.bib",
}
QUESTIONS = Path(__file__).parent / "data" / "near_topic_real_questions.jsonl"


def library_in(home: Path, source: Path) -> Any:
    """The library of ``source`` in ``home`` (ingested the first time, every model)."""
    from litreview.index.library import Library
    from litreview.settings import load_settings

    os.environ["LITREVIEW_HOME"] = str(home)
    library = Library(load_settings())
    if library.count() == 0 or not library.indexing_state().complete:
        library.ingest([source])
    return library


def measure(name: str, library: Any, questions: list[dict[str, str]]) -> dict[str, Any]:
    """Each question's signals (``bench.near_topic.signals``) and, for a held one, the rank of
    its labelled paper; the shares per kind."""
    from bench.near_topic import _median, signals
    from litreview.evidence.frame import without_frame
    from litreview.evidence.scoring import EvidenceScorer
    from litreview.review.followup import retrieve

    scorer = EvidenceScorer.shared()
    rows: list[dict[str, Any]] = []
    with library:
        k = library.settings.retrieval.k
        everything = [f"{p.title}. {p.abstract}" for p in library.papers()]
        for q in questions:
            row: dict[str, Any] = {
                "kind": q["kind"],
                **signals(library, scorer, q["question"], k, everything),
            }
            if q["kind"] == "held":
                hits = retrieve(library, without_frame(q["question"]), (), k=5)
                titles = [h.paper.title for h in hits]
                row["labelled_rank"] = next(
                    (i + 1 for i, t in enumerate(titles) if t.startswith(q["paper"])), None
                )
            rows.append(row)
    near = [r for r in rows if r["kind"] == "near"]
    held = [r for r in rows if r["kind"] == "held"]

    def share(rs: list[dict[str, Any]], key: str) -> float:
        return round(sum(float(r[key]) for r in rs) / max(1, len(rs)), 3)

    def median(rs: list[dict[str, Any]], key: str) -> float:  # the signals keep it negated
        return _median([-float(r[key]) for r in rs])

    return {
        "near": len(near),
        "held": len(held),
        "near_far": share(near, "far"),
        "near_declined": share(near, "declined"),
        "near_cautioned": share(near, "cautioned"),
        "held_far": share(held, "far"),
        "held_cautioned": share(held, "cautioned"),
        "held_found_top5": round(
            sum(r["labelled_rank"] is not None for r in held) / max(1, len(held)), 3
        ),
        "median_top_dense": {
            "near": median(near, "neg_top_dense"),
            "held": median(held, "neg_top_dense"),
        },
        "median_top_rerank": {
            "near": median(near, "neg_top_rerank"),
            "held": median(held, "neg_top_rerank"),
        },
        "questions": [
            {
                k: r[k]
                for k in (
                    "kind",
                    "question",
                    "far",
                    "declined",
                    "neg_top_dense",
                    "neg_top_rerank",
                    "top",
                )
                if k in r
            }
            | ({"labelled_rank": r["labelled_rank"]} if "labelled_rank" in r else {})
            for r in rows
        ],
        "library": name,
    }


def main() -> Result:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=Path, default=Path("/tmp/litreview-near-real"))
    args = parser.parse_args()
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    result: Result = {}
    for name, source in LIBRARIES.items():
        if not source.exists():
            print(f"{name}: {source} not present; skipped")
            continue
        library = library_in(args.homes / name, source)
        mine = [q for q in questions if q["library"] == name]
        result[name] = measure(name, library, mine)
        shown = {k: v for k, v in result[name].items() if k != "questions"}
        print(name, json.dumps(shown))
    save_result("near_topic_real", stamped(result))
    return result


def rows(result: Result) -> list[Row]:
    out: list[Row] = []
    for name in LIBRARIES:
        r = result.get(name)
        if not r:
            continue
        out.append(
            (
                f"Near-topic caution on a real library ({name}: `bench.near_topic_real`, "
                f"{r['near']} near-topic / {r['held']} held questions, written before "
                "measuring): near cautioned (the far rule; or declined) / held cautioned "
                "needlessly; held questions' paper in the first five",
                f"{r['near_far']:.2f} ({r['near_cautioned']:.2f}) / {r['held_cautioned']:.2f}; "
                f"{r['held_found_top5']:.2f} (first paper's MiniLM / MPNet similarity, medians: "
                f"near {r['median_top_dense']['near']:.2f} / {r['median_top_rerank']['near']:.2f},"
                f" held {r['median_top_dense']['held']:.2f} / "
                f"{r['median_top_rerank']['held']:.2f})",
            )
        )
    return out


if __name__ == "__main__":
    main()
