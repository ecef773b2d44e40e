"""Related-work theme names, before and after a change, on labelled topics (issue 14).

    python -m bench.theme_names [--baseline /work/main/src] [--topics 20] [--real HOME]

Theme names are words, so there is no score to compute from the drafts
alone: this writes the extractive drafts of the first ``--topics`` multi-paper
topics of ``bench/data/retrieval_questions.jsonl`` (and, with ``--real``, of
the topics in ``REAL_TOPICS`` on a library ingested from
``/work/shared/real``) through the real pipeline, once with this checkout's
code and once with ``--baseline``'s (a subprocess with that ``src`` on its
path), and prints the names side by side with the papers each draft cites.
Names are deterministic (no timing in them), so the two runs are comparable;
the cited papers must be the same set in both (a naming change must not move
precision or recall). The verdicts on each name are a person's, recorded in
``bench/data/theme_name_labels.json`` (name -> "good", "bad" or "neutral" with
why: "Other Related Work", the catch-all heading, is neutral); a name not yet
labelled is printed as such, for someone to judge. The rule, written down before
any name was labelled: good when it names a problem, method or object of study
a researcher would accept as the heading of a related-work theme on that
topic; bad when it is an affiliation, venue or person, boilerplate, a
fragment cut at a verb or adjective, or a lone word too general to say what
the papers are about ("Text", "Target", "Implications").

Also counted per side, from the drafts alone: how much of the draft the
catch-all holds, drafts with more than one catch-all, one-paper themes and
one-word names. Saved under ``theme_names`` in ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.common import DATA, load_questions, save_result, uptime

LABELS = DATA / "theme_name_labels.json"
# Topics a real library answers: (library home's label, topic). The Zotero library of
# distributed-systems classics (San7o+research-papers-collection) is where "Google" came from.
REAL_TOPICS = ["distributed storage and large-scale data processing systems"]
CATCH_ALL = "Other Related Work"


def drafts(topics: list[str], home: str | None) -> list[dict[str, object]]:
    """This process's drafts: per topic, its theme names and the paper ids it cites."""
    from bench.common import sample_library
    from litreview.llm.extractive import ExtractiveBackend
    from litreview.review.related import draft_related_work

    if home:
        os.environ["LITREVIEW_HOME"] = home
        from litreview.index.library import Library
        from litreview.index.stores import Stores
        from litreview.settings import load_settings

        settings = load_settings()
        library = Library(settings, Stores(settings))
    else:
        library = sample_library()
    backend = ExtractiveBackend()
    out: list[dict[str, object]] = []
    for topic in topics:
        draft = draft_related_work(library, backend, topic)
        out.append(
            {
                "topic": topic,
                "names": [t.name for t in draft.themes],
                "sizes": [len(t.papers) for t in draft.themes],
                "cited": sorted(p.paper_id for _, p in draft.papers),
            }
        )
    return out


def run(src: str, topics: list[str], home: str | None) -> list[dict[str, object]]:
    """:func:`drafts` in a subprocess importing ``litreview`` from ``src``."""
    bench_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=f"{src}:{bench_root}")
    args = [sys.executable, "-m", "bench.theme_names", "--child", json.dumps(topics)]
    if home:
        args += ["--home", home]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def verdicts() -> dict[str, str]:
    return dict(json.loads(LABELS.read_text(encoding="utf-8"))) if LABELS.exists() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default="/work/main/src")
    parser.add_argument("--topics", type=int, default=20)
    parser.add_argument("--real", help="a home holding an ingested real library")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(drafts(json.loads(args.child), args.home)))
        return
    here = str(Path(__file__).resolve().parent.parent / "src")
    sets = [(None, [str(q["question"]) for q in load_questions() if q["kind"] == "multi"])]
    sets[0] = (None, sets[0][1][: args.topics])
    if args.real:
        sets.append((args.real, REAL_TOPICS))
    labels = verdicts()
    tally = {"before": [0, 0, 0, 0], "after": [0, 0, 0, 0]}  # good, bad, neutral, unlabelled
    shape = {side: Counter[str]() for side in tally}
    same_cited = 0
    total = 0
    load_before = uptime()
    for home, topics in sets:
        before = run(args.baseline, topics, home)
        after = run(here, topics, home)
        for b, a in zip(before, after, strict=True):
            total += 1
            same_cited += b["cited"] == a["cited"]
            for side, draft in (("before", b), ("after", a)):
                shape[side].update(grouping(draft))
            print(f"\n# {str(b['topic'])[:100]}")
            for side, draft in (("before", b), ("after", a)):
                marks = []
                for name in draft["names"]:  # type: ignore[attr-defined]
                    verdict = labels.get(str(name), "?")
                    slot = {"good": 0, "bad": 1, "neutral": 2}.get(verdict.split(":")[0], 3)
                    tally[side][slot] += 1
                    marks.append(f"{name} [{verdict.split(':')[0]}]")
                print(f"  {side:6}: " + " | ".join(marks))
    print(f"\ncited papers identical before/after: {same_cited}/{total} drafts")
    result: dict[str, object] = {
        "drafts": total,
        "same_cited": same_cited,
        "load": f"{load_before} -> {uptime()}",
    }
    for side, (good, bad, neutral, unknown) in tally.items():
        judged = good + bad + neutral
        share = f"{good / judged:.2f}" if judged else "-"
        print(
            f"{side}: {good} good, {bad} bad, {neutral} neutral (a catch-all heading), "
            f"{unknown} unlabelled names; good share of judged {share}"
        )
        c = shape[side]
        catch_all = c["catch_all_papers"] / c["papers"] if c["papers"] else 0.0
        print(
            f"  {c['themes']} themes; catch-all holds {c['catch_all_papers']} of {c['papers']}"
            f" papers ({catch_all:.2f}); {c['extra_catch_alls']} drafts' second or later"
            f" catch-alls; {c['one_paper']} one-paper themes; {c['one_word']} one-word names"
        )
        result[side] = {
            "good": good,
            "bad": bad,
            "catch_all_names": neutral,
            "unlabelled": unknown,
            "themes": c["themes"],
            "catch_all_share": round(catch_all, 3),
            "extra_catch_alls": c["extra_catch_alls"],
            "one_paper_themes": c["one_paper"],
            "one_word_names": c["one_word"],
        }
    save_result("theme_names", result)


def grouping(draft: dict[str, object]) -> Counter[str]:
    """How a draft is grouped: themes, papers, the catch-all's papers, catch-alls beyond the
    first, one-paper themes and one-word names."""
    names = [str(n) for n in draft["names"]]  # type: ignore[attr-defined]
    sizes = [int(n) for n in draft.get("sizes", [0] * len(names))]  # type: ignore[attr-defined]
    other = [size for name, size in zip(names, sizes, strict=True) if name.startswith(CATCH_ALL)]
    return Counter(
        themes=len(names),
        papers=sum(sizes),
        catch_all_papers=sum(other),
        extra_catch_alls=max(0, len(other) - 1),
        one_paper=sum(size == 1 for size in sizes),
        one_word=sum(len(name.split()) == 1 for name in names),
    )


if __name__ == "__main__":
    main()
