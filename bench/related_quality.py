"""Related-work drafts: do they cite the topic's papers (recall) and only those (precision)?

    python -m bench.related_quality [--signals]

Topics are the multi-paper questions of both labelled sets (each lists every
paper of the library on that topic). Two label sets are scored side by side:
"old", the questions' own lists, and "audited", the same lists corrected by
``bench/data/related_judgments.jsonl``: every paper any variant can cite (the
12 best of the whole-input search) judged against a rule written before any
was read (TREC-style pooling; labelled papers outside the pool stay relevant).

Three rules are compared on the same drafts: "count only" (the best
``max_papers`` whatever the topic's size: drafts before any cut), "search
score" (a paper within a margin of the best paper's search score: the cut
before the relevance judge) and "judge" (``litreview.review.relevance``: the
search score plus the similarity to the topic's two best papers and the
coverage of the topic's rarer words in the paper's own claims, within a
margin of the best). Each rule's parameters (the margin; the judge's two
weights and margin) are chosen on one half of the topics and measured on the
other (2-fold, even/odd topics), under each label set, so the figures are
held out; the shipped judge is the one chosen on all topics with the audited
labels. Drafts are written by the extractive engine through the real
pipeline; every cited paper must be one the draft was given (validity).

Also printed: the ceiling of any cut of each ranking (per topic, the shortest
prefix holding every relevant paper in it: what a perfect per-topic cut would
cite), what any cut can reach at the target recall and the cut rules that did
not beat the judge (``bench/related_limits.py``; the judges that read the
topic's wording: ``bench/related_wording.py``), the judge's cost per draft,
and with ``--signals`` how well each candidate relevance signal orders a
topic's candidates (within-topic AUC): the evidence for the method notes in
the README.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from bench.common import DATA, Result, Row, load_questions, sample_library, save_result
from bench.related_limits import Limits
from bench.related_wording import wording, wording_families
from litreview.evidence.scoring import EvidenceScorer
from litreview.evidence.source import Source
from litreview.index.library import Library
from litreview.index.retriever import SearchHit, SearchRequest
from litreview.llm.extractive import ExtractiveBackend
from litreview.llm.extractive.answer import background
from litreview.reading.normalize import paper_id_for
from litreview.review.related import derive_queries, draft_related_work
from litreview.review.relevance import JUDGE, SEARCH_SCORE_ONLY, Judge, Signals, signals

TARGET_RECALL = 0.95
MARGINS = [round(0.05 + 0.01 * i, 2) for i in range(76)]
SIMILARITY_WEIGHTS = [0.0, 0.3, 0.5, 0.7]
COVERAGE_WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4]
NO_CUT = Judge(0.0, 0.0, 99.0)
POOL = 12  # what the count-only draft cites; every other variant cites a subset
JUDGMENTS = DATA / "related_judgments.jsonl"

Topic = dict[str, object]
Labels = Callable[[Topic], set[str]]


def old_labels(topic: Topic) -> set[str]:
    return {paper_id_for(str(t)) for t in topic["relevant_titles"]}  # type: ignore[attr-defined]


def load_judgments() -> tuple[str, dict[tuple[str, str], bool]]:
    """The audit's rule and its verdicts, keyed by (topic id, paper id)."""
    lines = [json.loads(x) for x in JUDGMENTS.read_text(encoding="utf-8").splitlines() if x]
    verdicts = {(str(j["topic"]), str(j["paper_id"])): bool(j["relevant"]) for j in lines[1:]}
    return str(lines[0]["rule"]), verdicts


def audited_labels(verdicts: dict[tuple[str, str], bool]) -> Labels:
    """Old labels, with every judged paper of the topic's pool taking its verdict."""

    def labels(topic: Topic) -> set[str]:
        tid = str(topic["id"])
        kept = {pid for pid in old_labels(topic) if verdicts.get((tid, pid), True)}
        return kept | {pid for (t, pid), ok in verdicts.items() if t == tid and ok}

    return labels


def ranked(library: Library, topics: Sequence[Topic]) -> list[list[SearchHit]]:
    """Per topic, the hits the draft's relevance judge sees (``gather_hits``'s search)."""
    out = []
    for topic in topics:
        query = derive_queries(str(topic["question"]))[0]
        out.append(library.search(SearchRequest(query, k=17)))
    return out


def judged(
    library: Library, rows: Sequence[Sequence[SearchHit]], topics: Sequence[Topic]
) -> tuple[list[Signals], float]:
    """Per topic, the judge's signals for its hits; and the median seconds they took."""
    out, seconds = [], []
    for hits, topic in zip(rows, topics, strict=True):
        start = time.perf_counter()
        out.append(signals(library, derive_queries(str(topic["question"]))[0], hits))
        seconds.append(time.perf_counter() - start)
    return out, statistics.median(seconds)


def offline(
    rows: Sequence[Sequence[SearchHit]],
    sigs: Sequence[Signals],
    topics: Sequence[Topic],
    labels: Labels,
    judge: Judge,
) -> tuple[float, float, float]:
    """Precision, recall and papers per topic of what ``judge`` keeps (no draft written)."""
    precision, recall, size = [], [], []
    for hits, sig, topic in zip(rows, sigs, topics, strict=True):
        rel = labels(topic)
        kept = [hits[i] for i in judge.keep(sig, POOL)]
        found = sum(h.paper.paper_id in rel for h in kept)
        precision.append(found / len(kept))
        recall.append(found / len(rel))
        size.append(len(kept))
    return statistics.mean(precision), statistics.mean(recall), statistics.mean(size)


def judges(weighted: bool) -> list[Judge]:
    """The rules a fold chooses among: margins alone, or margins and the judge's weights."""
    if not weighted:
        return [Judge(0.0, 0.0, m) for m in MARGINS]
    return [Judge(a, b, m) for a in SIMILARITY_WEIGHTS for b in COVERAGE_WEIGHTS for m in MARGINS]


def choose(
    rows: Sequence[Sequence[SearchHit]],
    sigs: Sequence[Signals],
    topics: Sequence[Topic],
    labels: Labels,
    weighted: bool,
) -> Judge:
    """Best precision among the rules that keep recall >= TARGET_RECALL (else best recall)."""
    scored = [(offline(rows, sigs, topics, labels, j), j) for j in judges(weighted)]
    good = [s for s in scored if s[0][1] >= TARGET_RECALL]
    if good:
        return max(good, key=lambda s: (s[0][0], s[0][1]))[1]
    return max(scored, key=lambda s: (s[0][1], s[0][0]))[1]


def ceiling(
    rows: Sequence[Sequence[SearchHit]],
    sigs: Sequence[Signals],
    topics: Sequence[Topic],
    labels: Labels,
    judge: Judge,
) -> dict[str, float]:
    """A perfect per-topic cut of the ranking ``judge`` gives the first POOL hits: the
    shortest prefix holding its relevant papers."""
    precision, recall = [], []
    for hits, sig, topic in zip(rows, sigs, topics, strict=True):
        rel = labels(topic)
        order = Judge(judge.similarity_weight, judge.coverage_weight, 99.0).keep(sig, POOL)
        flags = [hits[i].paper.paper_id in rel for i in order]
        last = max((i for i, f in enumerate(flags) if f), default=0)
        precision.append(sum(flags[: last + 1]) / (last + 1))
        recall.append(sum(flags) / len(rel))
    return {
        "precision": round(statistics.mean(precision), 4),
        "recall": round(statistics.mean(recall), 4),
    }


class Drafts:
    """Real drafts per (topic, margin), written once and scored under any label set."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.backend = ExtractiveBackend()
        self.cache: dict[tuple[str, Judge], tuple[set[str], int, int, float]] = {}

    def cited(self, topic: Topic, judge: Judge) -> tuple[set[str], int, int, float]:
        """(cited paper ids, valid markers, markers, seconds)."""
        key = (str(topic["id"]), judge)
        if key not in self.cache:
            start = time.perf_counter()
            draft = draft_related_work(
                self.library, self.backend, str(topic["question"]), judge=judge
            )
            seconds = time.perf_counter() - start
            by_n = {n: p.paper_id for n, p in draft.papers}
            markers = [int(n) for t in draft.themes for n in re.findall(r"\[(\d+)\]", t.paragraph)]
            cited = {by_n[n] for n in markers if n in by_n}
            self.cache[key] = (cited, sum(n in by_n for n in markers), len(markers), seconds)
        return self.cache[key]

    def score(self, topics: Sequence[Topic], judge: Judge, labels: Labels) -> dict[str, float]:
        """Precision / recall of what real drafts cite, per-topic means."""
        precision, recall, sizes, seconds = [], [], [], []
        valid = markers_total = 0
        for topic in topics:
            rel = labels(topic)
            cited, ok, total, took = self.cited(topic, judge)
            valid += ok
            markers_total += total
            seconds.append(took)
            precision.append(len(cited & rel) / len(cited) if cited else 0.0)
            recall.append(len(cited & rel) / len(rel))
            sizes.append(len(cited))
        return {
            "precision": round(statistics.mean(precision), 4),
            "recall": round(statistics.mean(recall), 4),
            "all_relevant_cited": round(sum(r == 1.0 for r in recall) / len(recall), 4),
            "mean_cited": round(statistics.mean(sizes), 2),
            "citation_validity": round(valid / markers_total, 4) if markers_total else 0.0,
            "median_draft_s": round(statistics.median(seconds), 2),
        }


def pooled(halves: list[dict[str, float]], sizes: list[int]) -> dict[str, float]:
    total = sum(sizes)
    return {
        k: round(sum(h[k] * n for h, n in zip(halves, sizes, strict=True)) / total, 4)
        for k in halves[0]
    }


def held_out(
    drafts: Drafts,
    rows: list[list[SearchHit]],
    sigs: list[Signals],
    topics: list[Topic],
    labels: Labels,
) -> dict[str, object]:
    folds = [list(range(0, len(topics), 2)), list(range(1, len(topics), 2))]
    before, margin_only, judged_, chosen = [], [], [], []
    for train, test in (folds, folds[::-1]):
        train_args = (
            [rows[i] for i in train],
            [sigs[i] for i in train],
            [topics[i] for i in train],
        )
        by_margin = choose(*train_args, labels, weighted=False)
        judge = choose(*train_args, labels, weighted=True)
        chosen.append({"search_score_margin": by_margin.margin, "judge": judge.__dict__})
        test_topics = [topics[i] for i in test]
        before.append(drafts.score(test_topics, NO_CUT, labels))
        margin_only.append(drafts.score(test_topics, by_margin, labels))
        judged_.append(drafts.score(test_topics, judge, labels))
    sizes = [len(f) for f in folds[::-1]]
    on_all = choose(rows, sigs, topics, labels, weighted=True)
    return {
        "count_only": pooled(before, sizes),
        "search_score_cut_held_out": pooled(margin_only, sizes),
        "judge_held_out": pooled(judged_, sizes),
        "chosen_per_fold": chosen,
        "judge_chosen_on_all": on_all.__dict__,
        "shipped_judge_on_all": [round(x, 3) for x in offline(rows, sigs, topics, labels, JUDGE)],
        "ceiling_of_any_cut": ceiling(rows, sigs, topics, labels, SEARCH_SCORE_ONLY),
        "ceiling_of_any_cut_judge_order": ceiling(rows, sigs, topics, labels, JUDGE),
    }


def auc(scores: Sequence[float], flags: Sequence[bool]) -> float | None:
    pos = [s for s, f in zip(scores, flags, strict=True) if f]
    neg = [s for s, f in zip(scores, flags, strict=True) if not f]
    if not pos or not neg:
        return None
    return float(np.mean([1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg]))


Features = list[dict[str, list[float]]]  # per topic: signal name -> one value per candidate


def signal_features(
    library: Library, rows: list[list[SearchHit]], sigs: list[Signals], topics: list[Topic]
) -> Features:
    """Each candidate relevance signal for each topic's 12 candidates."""
    scorer = EvidenceScorer.shared()
    out: Features = []
    for hits, sig, topic in zip(rows, sigs, topics, strict=True):
        hits = hits[:POOL]
        queries = derive_queries(str(topic["question"]))
        sources = [
            Source(i + 1, h.paper.paper_id, h.paper.title, h.paper.abstract)
            for i, h in enumerate(hits)
        ]
        evidence = scorer.sentences(queries[0], sources)
        best, own = [], []
        for s in sources:
            mine = [e for e in evidence if e.source.n == s.n]
            context = background(mine)
            best.append(max((e.score for e in mine), default=0.0))
            own.append(max((e.score for e in mine if e.index not in context), default=best[-1]))
        sub = [library.search(SearchRequest(q, k=17)) for q in queries[1:]]
        agreement = [
            sum(
                1.0 / next((x.rank for x in s if x.paper.paper_id == h.paper.paper_id), 1e9)
                for s in sub
            )
            for h in hits
        ]
        vectors = library.paper_vectors([h.paper.paper_id for h in hits])
        top = np.mean([vectors[h.paper.paper_id] for h in hits[:2]], axis=0)
        dense_floor = min((h.dense_score for h in hits if h.dense_score is not None), default=0.0)
        out.append(
            {
                "search score (shipped)": [h.score for h in hits],
                "MaxSim (late interaction)": [h.late_score or 0.0 for h in hits],
                "dense cosine": [
                    dense_floor if h.dense_score is None else h.dense_score for h in hits
                ],
                "MPNet cosine (re-ranking model)": [h.rerank_score or 0.0 for h in hits],
                "best sentence (evidence)": best,
                "best contribution sentence": own,
                "sub-query agreement (sum 1/rank)": agreement,
                "similarity to the two best papers": [
                    float(vectors[h.paper.paper_id] @ top) for h in hits
                ],
                "coverage of the topic's words in own claims": list(sig.coverage[:POOL]),
                "relevance judge (shipped)": list(JUDGE.relevance(sig)[:POOL]),
            }
        )
    return out


def signal_auc(
    features: Features, rows: list[list[SearchHit]], topics: list[Topic], labels: Labels
) -> dict[str, float]:
    """Within-topic AUC of each signal: how often it puts an on-topic candidate above an
    off-topic one. A signal helps the cut only if it orders candidates better than the
    search score already does."""
    table: dict[str, list[float]] = {}
    for parts, hits, topic in zip(features, rows, topics, strict=True):
        rel = labels(topic)
        flags = [h.paper.paper_id in rel for h in hits[:POOL]]
        for name, values in parts.items():
            value = auc(values, flags)
            if value is not None:
                table.setdefault(name, []).append(value)
    return {name: round(statistics.mean(v), 3) for name, v in table.items()}


# A cut rule: for topic ``index`` and its hits, keep each of the first POOL candidates or not
# (the best is always kept). Families map a parameter to a rule; the parameter is chosen on
# one fold's topics and the rule measured on the other's, as for the shipped margin.
Keep = Callable[[int, Sequence[SearchHit]], list[bool]]
Family = Callable[[list[int]], dict[object, Keep]]


def measure(
    rows: Sequence[Sequence[SearchHit]],
    topics: Sequence[Topic],
    labels: Labels,
    keep: Keep,
    which: Sequence[int],
) -> tuple[float, float, float]:
    precision, recall, size = [], [], []
    for i in which:
        hits = rows[i][:POOL]
        rel = labels(topics[i])
        flags = keep(i, hits)
        kept = [h for j, (h, f) in enumerate(zip(hits, flags, strict=True)) if f or j == 0]
        found = sum(h.paper.paper_id in rel for h in kept)
        precision.append(found / len(kept))
        recall.append(found / len(rel))
        size.append(len(kept))
    return statistics.mean(precision), statistics.mean(recall), statistics.mean(size)


def cross_validate(
    rows: Sequence[Sequence[SearchHit]], topics: Sequence[Topic], labels: Labels, family: Family
) -> list[float]:
    """Held-out (precision, recall, papers) of a rule family, 2-fold as for the margin."""
    folds = [list(range(0, len(topics), 2)), list(range(1, len(topics), 2))]
    parts = []
    for train, test in (folds, folds[::-1]):
        rules = family(train)
        scored = [(measure(rows, topics, labels, r, train), r) for r in rules.values()]
        good = [x for x in scored if x[0][1] >= TARGET_RECALL]
        best = (
            max(good, key=lambda x: (x[0][0], x[0][1]))
            if good
            else max(scored, key=lambda x: (x[0][1], x[0][0]))
        )
        parts.append((measure(rows, topics, labels, best[1], test), len(test)))
    total = sum(n for _, n in parts)
    return [round(sum(p[k] * n for p, n in parts) / total, 3) for k in range(3)]


def _scores(hits: Sequence[SearchHit]) -> np.ndarray:
    return np.array([h.score for h in hits])


def _margin(i: int, hits: Sequence[SearchHit], m: float) -> list[bool]:
    return [bool(x) for x in _scores(hits) >= hits[0].score - m]


def _first_step(i: int, hits: Sequence[SearchHit], m: float, g: float) -> list[bool]:
    """Within ``m`` of the best, up to the first step of ``g`` or more after 3 papers."""
    s = _scores(hits)
    steps = [j for j in range(3, len(s)) if s[j - 1] - s[j] >= g]
    end = steps[0] if steps else len(s)
    return [j < end and bool(s[j] >= s[0] - m) for j in range(len(s))]


def score_rules(rows: Sequence[Sequence[SearchHit]]) -> dict[str, Family]:
    """Cut rules on the search score alone, besides the shipped margin."""

    def normalised(i: int, hits: Sequence[SearchHit], tau: float, m: float = 99.0) -> list[bool]:
        # How far above the topic's background (its candidates ranked 6-17) a paper stands,
        # as a share of how far the best one does.
        s = _scores(rows[i])
        floor = float(np.mean(s[5:17]))
        z = (s[:POOL] - floor) / max(s[0] - floor, 1e-9)
        return [bool(x) for x in (z >= tau) & (s[:POOL] >= s[0] - m)]

    def margin(_: list[int]) -> dict[object, Keep]:
        return {m: partial(_margin, m=m) for m in MARGINS}

    def background(_: list[int]) -> dict[object, Keep]:
        return {t: partial(normalised, tau=t) for t in np.round(np.arange(-0.3, 0.9, 0.02), 2)}

    def both(_: list[int]) -> dict[object, Keep]:
        taus = np.round(np.arange(-0.2, 0.5, 0.05), 2)
        return {(m, t): partial(normalised, tau=t, m=m) for m in MARGINS[15:] for t in taus}

    def first_step(_: list[int]) -> dict[object, Keep]:
        steps = [g / 100 for g in range(4, 30)]
        return {(m, g): partial(_first_step, m=m, g=g) for m in MARGINS[15:] for g in steps}

    return {
        "margin below the best (shipped)": margin,
        "height above the topic's background": background,
        "margin and height above background": both,
        "margin, stopping at the first step after 3 papers": first_step,
    }


def logistic_rule(
    features: Features, rows: Sequence[Sequence[SearchHit]], topics: Sequence[Topic], labels: Labels
) -> Family:
    """A logistic fit of every signal, each taken relative to the topic's best candidate,
    fitted on the training fold; the threshold on its output is the rule's parameter."""
    from scipy.optimize import minimize

    names = sorted(features[0])
    matrices = [np.stack([np.array(f[n]) - max(f[n]) for n in names], axis=1) for f in features]

    def family(train: list[int]) -> dict[object, Keep]:
        x = np.vstack([matrices[i] for i in train])
        y = np.array(
            [h.paper.paper_id in labels(topics[i]) for i in train for h in rows[i][:POOL]],
            dtype=float,
        )
        mu, sd = x.mean(0), x.std(0) + 1e-9

        def loss(w: np.ndarray) -> float:
            p = 1 / (1 + np.exp(-(((x - mu) / sd) @ w[:-1] + w[-1])))
            ll = y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)
            return float(-ll.mean() + 0.01 * np.sum(w[:-1] ** 2))

        w = minimize(loss, np.zeros(len(names) + 1), method="L-BFGS-B").x

        def keep(i: int, hits: Sequence[SearchHit], t: float) -> list[bool]:
            return [bool(v) for v in ((matrices[i] - mu) / sd) @ w[:-1] + w[-1] >= t]

        return {t: partial(keep, t=t) for t in np.round(np.arange(-6, 4, 0.05), 2)}

    return family


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--signals", action="store_true", help="within-topic AUC per signal")
    args = parser.parse_args()
    library = sample_library()
    topics: list[Topic] = [
        q
        for name in ("retrieval_questions.jsonl", "retrieval_questions_hard.jsonl")
        for q in load_questions(name)
        if q["kind"] == "multi"
    ]
    _, verdicts = load_judgments()
    label_sets: dict[str, Labels] = {"old": old_labels, "audited": audited_labels(verdicts)}
    rows = ranked(library, topics)
    sigs, judge_seconds = judged(library, rows, topics)
    unjudged = sum(
        (str(t["id"]), h.paper.paper_id) not in verdicts
        for t, hits in zip(topics, rows, strict=True)
        for h in hits[:POOL]
    )
    drafts = Drafts(library)
    result: dict[str, object] = {
        "topics": len(topics),
        "shipped_judge": JUDGE.__dict__,
        "judge_median_s_per_draft": round(judge_seconds, 3),
        "pooled_papers_without_judgment": unjudged,
        "audit": {
            "judged": len(verdicts),
            "labelled_off_topic": sum(
                pid in old_labels(t) and not verdicts.get((str(t["id"]), pid), True)
                for t in topics
                for pid in old_labels(t)
            ),
            "added_on_topic": sum(len(label_sets["audited"](t) - old_labels(t)) for t in topics),
        },
    }
    features = signal_features(library, rows, sigs, topics) if args.signals else None
    queries = [derive_queries(str(t["question"]))[0] for t in topics]
    limits = Limits(library, rows, sigs, topics, queries)
    scorer = EvidenceScorer.shared()
    words = [wording(scorer, q, r[:POOL]) for q, r in zip(queries, rows, strict=True)]
    extra = wording_families(limits, words)
    for name, labels in label_sets.items():
        part = held_out(drafts, rows, sigs, topics, labels)
        part["limits_of_any_cut"] = limits.ceiling(labels, JUDGE)
        part["judge_variants_held_out"] = limits.held_out(labels, extra)
        families = score_rules(rows)
        if features is not None:
            part["signal_auc"] = signal_auc(features, rows, topics, labels)
            families["logistic fit of every signal"] = logistic_rule(features, rows, topics, labels)
        part["other_cuts_held_out"] = {
            name: cross_validate(rows, topics, labels, family) for name, family in families.items()
        }
        result[name] = part
    for key, value in result.items():
        if isinstance(value, dict) and key in label_sets:
            for sub, part in value.items():
                print(f"{key + ' ' + sub:>38}: {part}")
        else:
            print(f"{key:>38}: {value}")
    save_result("related_quality", result)
    return result


def rows(result: Result) -> list[Row]:
    out: list[Row] = []
    for labels in ("old", "audited"):
        part = result.get(labels)
        if not part or "judge_held_out" not in part:
            continue
        steps = [part[k] for k in ("count_only", "search_score_cut_held_out", "judge_held_out")]
        judge = part["judge_held_out"]
        ceiling = part["ceiling_of_any_cut_judge_order"]
        out.append(
            (
                f"Related work (extractive), {result['topics']} topics, {labels} labels, held out "
                "(2-fold): precision / recall of cited papers, papers per draft; top 12 -> "
                "search-score margin -> relevance judge; a perfect per-topic cut of the judge's "
                "ranking",
                " -> ".join(
                    f"{s['precision']:.2f} / {s['recall']:.2f}, {s['mean_cited']:.1f}"
                    for s in steps
                )
                + f" (judge: all relevant cited in {judge['all_relevant_cited']:.0%} of topics; "
                f"citation validity {judge['citation_validity']:.2f}; median draft "
                f"{judge['median_draft_s']:.2f} s, of which the judge "
                f"{result['judge_median_s_per_draft']:.2f} s); "
                f"{ceiling['precision']:.2f} / {ceiling['recall']:.2f}",
            )
        )
        limits, variants = part.get("limits_of_any_cut"), part.get("judge_variants_held_out")
        if limits and variants:
            best = limits["best_cut_at_target_recall"]
            out.append(
                (
                    f"Related work, {labels} labels: what a cut can reach "
                    "(bench/related_limits.py): "
                    "the best per-topic cut of the judge's ranking at recall >= 0.95 (chosen with "
                    "the labels: an upper bound); recall the 12 candidates allow; other cut rules "
                    "(first 12 candidates), precision / recall / papers held out 2-fold, "
                    "precision / recall leave-one-topic-out, and precision chosen on all topics "
                    "(the family's own bound)",
                    f"{best['precision']:.2f} / {best['recall']:.2f}; "
                    f"{limits['recall_the_candidates_allow']:.3f} "
                    f"({limits['topics_missing_papers_from_candidates']} topics miss a paper); "
                    + "; ".join(
                        f"{name}: {v['two_fold'][0]:.2f} / {v['two_fold'][1]:.2f} / "
                        f"{v['two_fold'][2]:.1f}, {v['leave_one_topic_out'][0]:.2f} / "
                        f"{v['leave_one_topic_out'][1]:.2f}, {v['chosen_on_all_topics'][0]:.2f}"
                        for name, v in variants.items()
                    ),
                )
            )
    return out


if __name__ == "__main__":
    main()
