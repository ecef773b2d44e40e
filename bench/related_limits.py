"""What any cut of the related-work ranking can reach, and the cut rules that did not beat it.

Used by ``bench.related_quality`` (same run, same hits and signals). The aim is
0.85 precision at 0.95 recall held out. Two figures say how far a cut alone
can go, whatever rule makes it:

- **best cut at the target recall**: per topic, any prefix of the judge's
  ranking may be cited; the prefixes are chosen together (a Lagrangian sweep
  over precision + lambda x recall) for the best mean precision with mean
  recall >= 0.95. No rule that sees only this ranking can do better; it is an
  upper bound, chosen with the labels.
- **recall the candidates allow**: the share of each topic's relevant papers
  that are among the 12 candidates at all. A topic whose papers the search
  does not bring (the theses topic: a question about the kind of document,
  not its subject) costs recall that no cut can win back, and so makes every
  other topic's cut keep its far relevant papers.

The rules below (and the judges that read the topic's wording,
``bench.related_wording``) were each chosen on one half of the topics (recall
>= 0.95 first, then precision) and measured on the other, like the shipped
judge, and are run here beside it under the same protocol (the judge as a
family of its own weights and margins, over the first 12 candidates); with 28
topics a half that is noisy, so each is also chosen on all topics but one and
measured on that one (leave-one-topic-out), and chosen on all topics and
measured there: a bound on what the family can do at all with these signals.

- **largest gap**: cut the judge's ranking where its relevance drops most
  (after at least 2 papers, within a margin): the per-topic adaptive cut.
- **first step**: cut at the first drop of at least ``g`` after 2 papers.
- **whole-abstract coverage**: the judge with the topic's words counted in the
  whole title and abstract instead of the paper's own claims.
- **contrast with the background**: the judge minus ``c`` x the paper's cosine
  to the centroid of the topic's candidates ranked 6-17, a paper nearer the
  neighbouring topics than to this one.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Sequence

import numpy as np

from litreview.evidence.scoring import terms
from litreview.index.library import Library
from litreview.index.retriever import SearchHit
from litreview.review.relevance import Judge, Signals, rarity, topic_terms

POOL = 12
TARGET_RECALL = 0.95
MIN_PAPERS = 2
SIMILARITY = [0.0, 0.3, 0.5, 0.7]
COVERAGE = [0.0, 0.1, 0.2, 0.3]
MARGINS = [round(0.05 + 0.02 * i, 2) for i in range(38)]

Labels = Callable[[dict[str, object]], set[str]]
# Per topic: the judge's relevance of its first POOL candidates -> the indices it keeps.
Cut = Callable[[int], list[int]]


def best_cut_at_target(
    order_flags: Sequence[Sequence[bool]], sizes: Sequence[int], target: float = TARGET_RECALL
) -> dict[str, float]:
    """The best mean precision any per-topic prefix cut reaches with mean recall >= target.

    ``order_flags`` per topic: whether each candidate, in ranking order, is on topic;
    ``sizes``: how many papers the topic has in all.
    """
    options = [
        [(sum(f[:t]) / t, sum(f[:t]) / n) for t in range(1, len(f) + 1)]
        for f, n in zip(order_flags, sizes, strict=True)
    ]
    best = {"precision": 0.0, "recall": 0.0}
    for lam in np.linspace(0.0, 10.0, 2001):
        chosen = [max(o, key=lambda x: x[0] + lam * x[1]) for o in options]
        precision = statistics.mean(c[0] for c in chosen)
        recall = statistics.mean(c[1] for c in chosen)
        if recall >= target and precision > best["precision"]:
            best = {"precision": round(precision, 4), "recall": round(recall, 4)}
    return best


class Limits:
    """The figures above for one label set, from the hits and signals of one run."""

    def __init__(
        self,
        library: Library,
        rows: Sequence[Sequence[SearchHit]],
        sigs: Sequence[Signals],
        topics: Sequence[dict[str, object]],
        queries: Sequence[str],
    ) -> None:
        self.rows = [list(r[:POOL]) for r in rows]
        self.sigs = [Signals(s.search[:POOL], s.similarity[:POOL], s.coverage[:POOL]) for s in sigs]
        self.topics = topics
        self.abstract_coverage = [
            _abstract_coverage(library, q, r) for q, r in zip(queries, self.rows, strict=True)
        ]
        self.background = [_background_similarity(library, list(r)) for r in rows]

    def ceiling(self, labels: Labels, judge: Judge) -> dict[str, object]:
        """Best cut at the target recall, and the recall the candidates allow."""
        flags, sizes, allowed = [], [], []
        for hits, sig, topic in zip(self.rows, self.sigs, self.topics, strict=True):
            rel = labels(topic)
            order = Judge(judge.similarity_weight, judge.coverage_weight, 99.0).keep(sig, POOL)
            flags.append([hits[i].paper.paper_id in rel for i in order])
            sizes.append(len(rel))
            allowed.append(sum(h.paper.paper_id in rel for h in hits) / len(rel))
        return {
            "best_cut_at_target_recall": best_cut_at_target(flags, sizes),
            "recall_the_candidates_allow": round(statistics.mean(allowed), 4),
            "topics_missing_papers_from_candidates": sum(a < 1 for a in allowed),
        }

    def relevance(
        self, i: int, a: float, b: float, whole: bool = False, c: float = 0.0
    ) -> np.ndarray:
        """Topic ``i``'s judge relevance with weights ``a``, ``b`` (and the two variants)."""
        sig = self.sigs[i]
        coverage = self.abstract_coverage[i] if whole else sig.coverage
        return sig.search + a * sig.similarity + b * coverage - c * self.background[i]

    def families(self) -> dict[str, Family]:
        """Each rule family: the training topics -> parameters -> cut. Only the logistic fit
        looks at the training topics; the others are fixed grids chosen among."""

        def judge(a: float, b: float, m: float, whole: bool = False, c: float = 0.0) -> Cut:
            return lambda i: margin_cut(self.relevance(i, a, b, whole, c), m)

        def gap(a: float, b: float, m: float, first: float | None) -> Cut:
            def cut(i: int) -> list[int]:
                r = self.relevance(i, a, b)
                kept = margin_cut(r, m)
                drops = [(r[kept[t - 1]] - r[kept[t]], t) for t in range(MIN_PAPERS, len(kept))]
                if first is not None:
                    return kept[: next((t for d, t in drops if d >= first), len(kept))]
                return kept[: max(drops)[1]] if drops else kept

            return cut

        grid = list(itertools.product(SIMILARITY, COVERAGE, MARGINS))
        out: dict[str, Family] = {
            "relevance judge (shipped rule), same protocol": fixed(
                lambda: {p: judge(*p) for p in grid}
            ),
            "largest gap in the judge's relevance": fixed(lambda: {p: gap(*p, None) for p in grid}),
            "first step of the judge's relevance": fixed(
                lambda: {
                    (*p, g): gap(*p, g)
                    for p in itertools.product(SIMILARITY, COVERAGE, MARGINS[8::2])
                    for g in np.round(np.arange(0.06, 0.4, 0.04), 2)
                }
            ),
            "judge with whole-abstract coverage": fixed(
                lambda: {p: judge(*p, whole=True) for p in grid}
            ),
            "judge minus contrast with the topic's background": fixed(
                lambda: {
                    (*p, c): judge(*p, c=c)
                    for p in itertools.product(SIMILARITY[1:], COVERAGE, MARGINS)
                    for c in (0.2, 0.4, 0.6, 0.8)
                }
            ),
        }
        return out

    def table(self, relevant: Sequence[set[str]], cuts: Sequence[Cut]) -> np.ndarray:
        """Per cut and topic: precision, recall and papers of what the cut keeps."""
        out = np.zeros((len(cuts), len(self.topics), 3))
        for r, cut in enumerate(cuts):
            for i in range(len(self.topics)):
                kept = cut(i) or [0]
                found = sum(self.rows[i][j].paper.paper_id in relevant[i] for j in kept)
                out[r, i] = (found / len(kept), found / len(relevant[i]), len(kept))
        return out

    def measure(self, labels: list[set[str]], cut: Cut, which: Sequence[int]) -> tuple[float, ...]:
        """Mean precision, recall and papers kept by ``cut`` over topics ``which``."""
        means = self.table(labels, [cut])[0][list(which)].mean(axis=0)
        return tuple(float(x) for x in means)

    def held_out(
        self, labels: Labels, extra: dict[str, Family] | None = None
    ) -> dict[str, dict[str, list[float]]]:
        """Each family (``extra`` too) chosen on some topics and measured on others: on one
        half (even/odd topics) for the other, on all topics but one for that one
        (leave-one-topic-out), and, as a bound on the family, chosen and measured on all
        topics with the labels."""
        n = len(self.topics)
        relevant = [labels(t) for t in self.topics]
        halves = [list(range(0, n, 2)), list(range(1, n, 2))]
        protocols = {
            "two_fold": [(halves[0], halves[1]), (halves[1], halves[0])],
            "leave_one_topic_out": [([j for j in range(n) if j != i], [i]) for i in range(n)],
            "chosen_on_all_topics": [(list(range(n)), list(range(n)))],
        }
        out: dict[str, dict[str, list[float]]] = {}
        for name, family in (self.families() | (extra or {})).items():
            fixed_table = None if family.trained else self.table(relevant, family([], relevant))
            out[name] = {}
            for protocol, splits in protocols.items():
                per_topic = np.zeros((n, 3))
                counted = np.zeros(n)
                for train, test in splits:
                    tab = (
                        fixed_table
                        if fixed_table is not None
                        else self.table(relevant, family(train, relevant))
                    )
                    best = choose(tab, train)
                    per_topic[test] += tab[best][test]
                    counted[test] += 1
                out[name][protocol] = [round(float(x), 3) for x in (per_topic.T / counted).mean(1)]
        return out


class Family:
    """Training topics and every topic's relevant papers -> the family's cuts (a list; its
    order is the parameters'). ``trained``: whether the cuts depend on the training topics
    (a fitted model) or are a fixed grid chosen among."""

    def __init__(
        self, make: Callable[[list[int], Sequence[set[str]]], list[Cut]], trained: bool
    ) -> None:
        self.make = make
        self.trained = trained

    def __call__(self, train: list[int], relevant: Sequence[set[str]]) -> list[Cut]:
        return self.make(train, relevant)


def fixed(grid: Callable[[], dict[object, Cut]]) -> Family:
    """A family whose cuts do not depend on the training topics: built once."""
    cuts: list[Cut] = []

    def make(_: list[int], __: Sequence[set[str]]) -> list[Cut]:
        if not cuts:
            cuts.extend(grid().values())
        return cuts

    return Family(make, trained=False)


def choose(table: np.ndarray, train: Sequence[int]) -> int:
    """The cut with the best mean precision on ``train`` among those with mean recall >=
    TARGET_RECALL there (else the best recall), as the shipped judge was chosen."""
    means = table[:, list(train), :].mean(axis=1)
    good = np.flatnonzero(means[:, 1] >= TARGET_RECALL)
    if len(good):
        return int(max(good, key=lambda r: (means[r, 0], means[r, 1], -r)))
    return int(max(range(len(means)), key=lambda r: (means[r, 1], means[r, 0], -r)))


def margin_cut(r: np.ndarray, m: float) -> list[int]:
    """Indices within ``m`` of the best of ``r``, best first."""
    order = sorted(range(len(r)), key=lambda j: (-r[j], j))
    return [j for j in order if r[j] >= r[order[0]] - m]


def _abstract_coverage(library: Library, work: str, hits: Sequence[SearchHit]) -> np.ndarray:
    """Rarity-weighted share of the topic's words anywhere in the title or abstract."""
    weights = rarity(library, topic_terms(work))
    total = sum(weights.values())
    if total <= 0:
        return np.zeros(len(hits))
    texts = [terms(f"{h.paper.title} {h.paper.abstract}") for h in hits]
    return np.array([sum(w for word, w in weights.items() if word in t) / total for t in texts])


def _background_similarity(library: Library, hits: Sequence[SearchHit]) -> np.ndarray:
    """Cosine of each of the first POOL hits to the centroid of the hits ranked 6-17."""
    ids = [h.paper.paper_id for h in hits]
    vectors = library.paper_vectors(ids)
    if len(ids) <= 5 or any(pid not in vectors for pid in ids):
        return np.zeros(min(len(ids), POOL))
    matrix = np.stack([vectors[pid] for pid in ids])
    centroid = matrix[5:].mean(axis=0)
    return np.asarray(matrix[:POOL] @ (centroid / np.linalg.norm(centroid)), dtype=float)
