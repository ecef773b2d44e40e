"""Themes from embedding clusters and the phrases their papers share (issue 14).

Clusters of paper embeddings are close in meaning, but a cluster is not yet a
theme a related-work section can head: k-means put "XGrad: Boosting
Gradient-Based Optimizers", "Sequential Training of Neural Networks with
Gradient Boosting" and a backdoor-attack paper together, which the namer could
only call "Gradient Boosting and Backdoor Attacks". Here a theme is a phrase
and the papers that say it: each cluster keeps the papers that say its best
contrastive phrase (:func:`litreview.evidence.keyphrases.shared_users`), the
others are set loose; a loose paper joins the theme whose phrase it says, and
loose papers that share a phrase among themselves form a theme of their own.
What is left is one catch-all (or a one-paper theme when a single paper is
left). Deterministic and model-free: the same papers give the same themes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from litreview.evidence.absence import done_without
from litreview.evidence.keyphrases import (
    candidate_phrases,
    content_stems,
    generic,
    shared_users,
    uses,
)
from litreview.evidence.scoring import terms

# Phrases -> each one's share of the library (1.0: names nothing), as the caller weighs them.
ShareFn = Callable[[list[str]], dict[str, float]]


@dataclass
class Group:
    """A theme's papers (indices into the draft's papers, best-ranked first) and the phrase
    they were grouped by (None for the catch-all and a lone left-over paper)."""

    members: list[int]
    phrase: str | None = None


def _says(stems: Sequence[str], phrase: str) -> bool:
    return uses(stems, frozenset(terms(phrase)))


def form_themes(
    texts: Sequence[str],
    abstracts: Sequence[str],
    labels: Sequence[int],
    share: ShareFn,
    max_themes: int,
) -> list[Group]:
    """Themes for the draft's papers (``texts``: title and abstract, best-ranked first).

    ``labels`` are the embedding clusters; ``share`` weighs candidate phrases
    (the library's share of each, names already taken marked 1.0); at most
    ``max_themes`` themes get a phrase, the rest of the papers go to the
    catch-all, which comes last.
    """
    n = len(texts)
    if n < 2:
        return [Group(list(range(n)))] if n else []
    # A paper is not grouped under what it says it does without (the Transformer's
    # "dispensing with recurrence and convolutions" under "Convolutional Neural Networks").
    gone = [done_without(a) for a in abstracts]

    def disowns(i: int, phrase: str | None) -> bool:
        return bool(phrase and gone[i] & frozenset(terms(phrase)))

    stems = [content_stems(t) for t in texts]
    groups: list[Group] = []
    used: list[str] = []
    loose: list[int] = []

    def everywhere(key: frozenset[str]) -> bool:
        """Said by most of the draft: what the draft is about, which ties no two papers."""
        return sum(uses(s, key) for s in stems) * 2 > n

    def name(members: Sequence[int]) -> tuple[str, frozenset[int]] | None:
        inside = [texts[i] for i in members]
        rest = [texts[i] for i in range(n) if i not in set(members)]
        shares = taken_shares(share, used)(candidate_phrases(inside))
        found = shared_users(inside, rest, shares, [abstracts[i] for i in members])
        if found is None:
            return None
        users = frozenset(j for j in found[1] if not disowns(members[j], found[0]))
        return (found[0], users) if len(users) >= min(2, len(members)) else None

    for label in sorted(set(labels), key=list(labels).index):
        cluster = [i for i in range(n) if labels[i] == label]
        found = name(cluster) if len(cluster) > 1 and len(groups) < max_themes else None
        if found is None:
            loose.extend(cluster)
            continue
        phrase, users = found
        members = [cluster[j] for j in sorted(users)]
        # A paper of the cluster that does not say the name stays if it shares a phrase with
        # a paper that does; one that shares nothing with them is set loose.
        kept = [
            i
            for i in cluster
            if i in members
            or (not disowns(i, phrase) and _linked(i, members, texts, stems, everywhere))
        ]
        groups.append(Group(kept, phrase))
        used.append(phrase)
        loose.extend(i for i in cluster if i not in kept)
    # A loose paper that says a theme's phrase belongs to that theme (the first, best-ranked),
    # unless most of the draft says it ("Backdoor Attacks" heading one theme of a backdoor
    # draft would take in every paper).
    separating = [g for g in groups if g.phrase and not everywhere(frozenset(terms(g.phrase)))]
    for i in sorted(loose):
        home = next(
            (g for g in separating if _says(stems[i], str(g.phrase)) and not disowns(i, g.phrase)),
            None,
        )
        if home is not None:
            home.members.append(i)
            loose.remove(i)
    # One that shares a phrase with papers of a theme joins the theme it shares most with.
    for i in list(loose):
        links = [
            0
            if disowns(i, g.phrase)
            else sum(_linked(i, [j], texts, stems, everywhere) for j in g.members)
            for g in groups
        ]
        if links and max(links) > 0:
            groups[links.index(max(links))].members.append(i)
            loose.remove(i)
    # Loose papers that share a phrase among themselves (and not with the rest) are a theme.
    loose.sort()
    while len(loose) >= 2 and len(groups) < max_themes:
        found = name(loose)
        if found is None:
            break
        phrase, users = found
        members = [loose[j] for j in sorted(users)]
        groups.append(Group(members, phrase))
        used.append(phrase)
        loose = [i for i in loose if i not in members]
    for group in groups:
        group.members.sort()
    groups.sort(key=lambda g: g.members[0])
    if loose:
        groups.append(Group(sorted(loose)))
    return groups


def _linked(
    i: int,
    members: Sequence[int],
    texts: Sequence[str],
    stems: Sequence[Sequence[str]],
    everywhere: Callable[[frozenset[str]], bool],
) -> bool:
    """Whether paper ``i`` says a key phrase of several words of one of ``members``, or one of
    them says one of its own; phrases most of the draft says (``everywhere``) tie nothing."""
    mine = [k for k in _link_keys(texts[i]) if not everywhere(k)]
    for j in members:
        theirs = [k for k in _link_keys(texts[j]) if not everywhere(k)]
        if any(uses(stems[j], k) for k in mine) or any(uses(stems[i], k) for k in theirs):
            return True
    return False


def _link_keys(text: str) -> list[frozenset[str]]:
    """The text's key phrases of two words or more, and each two-word run inside a longer one
    (Bigtable's "distributed storage system" is GFS's "distributed storage")."""
    keys: list[frozenset[str]] = []
    for phrase in candidate_phrases([text]):
        words = [w for w in phrase.split() if terms(w)]
        pairs = [words[k : k + 2] for k in range(len(words) - 1)] if len(words) > 2 else []
        runs = [words, *pairs]
        for run in runs:
            key = frozenset(terms(" ".join(run)))
            if len(key) > 1 and not generic(key) and key not in keys:
                keys.append(key)
    return keys


def taken_shares(share: ShareFn, used: Sequence[str]) -> ShareFn:
    """Library shares, with the names earlier themes took (and their parts) counted as used
    by every paper: a second theme headed "Backdoor Attack" after "Backdoor Attacks", or
    "Backdoor", says nothing the first did not."""
    keys = [frozenset(terms(u)) for u in used if u]

    def weigh(phrases: list[str]) -> dict[str, float]:
        base = share(phrases)
        return {
            p: 1.0 if any(frozenset(terms(p)) <= k for k in keys) else base.get(p, 0.0)
            for p in phrases
        }

    return weigh
