"""Themes are phrases their papers share, not clusters under joined names (issue 14).

Real abstracts: the sample library's and the San7o Zotero library's in
``shared/real`` (GFS, Bigtable, MapReduce and two consensus papers).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.evidence.keyphrases import shared_phrase, topical, truncated
from litreview.evidence.themes import Group, form_themes
from litreview.reading import read_file, sample_paths
from litreview.review.related import lone_words_specific

SAN7O = Path("/work/shared/real/zotero/San7o+research-papers-collection/zotero.sqlite")


def _sample(*starts: str) -> list[tuple[str, str]]:
    """(title. abstract, abstract) of sample papers whose titles start with ``starts``."""
    papers = {p.title: p for path in sample_paths() for p in read_file(path).papers}
    chosen = [next(p for t, p in papers.items() if t.startswith(s)) for s in starts]
    return [(f"{p.title}. {p.abstract}", p.abstract) for p in chosen]


def _no_share(phrases: list[str]) -> dict[str, float]:
    return dict.fromkeys(phrases, 0.0)


def _themes(rows: list[tuple[str, str]], labels: list[int]) -> list[Group]:
    return form_themes([t for t, _ in rows], [a for _, a in rows], labels, _no_share, 5)


def test_a_paper_that_shares_nothing_with_its_cluster_is_not_joined_to_it_by_name() -> None:
    # k-means put these three together and the drafts called them "Gradient Boosting and
    # Backdoor Attacks": the backdoor paper shares no phrase with the two others.
    rows = _sample(
        "Sequential Training of Neural Networks with Gradient Boosting",
        "XGrad",
        "Towards Practical Deployment-Stage Backdoor Attack",
        "A Brief Review of Hypernetworks",
        "Continual Learning with Dependency Preserving Hypernetworks",
    )
    groups = _themes(rows, [0, 0, 0, 1, 1])
    names = [g.phrase for g in groups]
    assert all(" and " not in str(n) for n in names)
    backdoor = next(g for g in groups if 2 in g.members)
    assert backdoor.members == [2]  # on its own, not under the others' name
    hyper = next(g for g in groups if 3 in g.members)
    assert hyper.members == [3, 4] and hyper.phrase is not None


def test_one_catch_all_at_most_and_it_comes_last() -> None:
    rows = _sample(
        "BaDExpert",
        "UMD: Unsupervised Model Detection",
        "Scalable Neural Network Kernels",
        "Neural Circuit Diagrams",
        "Categorical Hopfield Networks",
    )
    groups = _themes(rows, [0, 0, 1, 1, 2])
    assert sorted(i for g in groups for i in g.members) == list(range(len(rows)))
    unnamed = [g for g in groups if g.phrase is None]
    assert len(unnamed) <= 1
    if unnamed:
        assert groups[-1] is unnamed[0]
    backdoor = next(g for g in groups if 0 in g.members)
    assert backdoor.members == [0, 1] and "backdoor" in str(backdoor.phrase).lower()


@pytest.mark.skipif(not SAN7O.exists(), reason="shared/real material not present")
def test_real_distributed_systems_papers_group_by_what_they_say() -> None:
    papers = read_file(SAN7O).papers
    wanted = ["MapReduce", "The Google File System", "Bigtable", "Impossibility", "Internet"]
    chosen = [next(p for p in papers if p.title.startswith(w)) for w in wanted]
    rows = [(f"{p.title}. {p.abstract}", p.abstract) for p in chosen]
    groups = _themes(rows, [0, 0, 0, 1, 1])
    by_member = {i: g for g in groups for i in g.members}
    assert by_member[0] is by_member[1] and by_member[0].phrase == "data processing"
    assert by_member[3] is by_member[4] and str(by_member[3].phrase).lower() == "consensus"
    # Bigtable says neither "data processing" nor a phrase GFS or MapReduce say: its own theme.
    assert by_member[2].members == [2]


def test_a_phrase_every_theme_says_does_not_tell_one_theme_from_another() -> None:
    rows = _sample(
        "Single Image Backdoor Inversion",
        "Backdoor Contrastive Learning",
        "BaDExpert",
        "T-Miner",
    )
    texts = [t for t, _ in rows]
    # Both halves say "backdoor"; what the first two share and the others do not is their
    # target class.
    name = str(shared_phrase(texts[:2], texts[2:], abstracts=[a for _, a in rows[:2]]))
    assert "backdoor" not in name.lower()


def test_title_fragments_cut_before_their_noun_name_nothing() -> None:
    title = "Scaling physics-informed hard constraints with mixture-of-experts"
    assert truncated("Scaling physics-informed hard", [f"{title}. We scale it."])
    assert truncated(
        "Edge-assisted Real-time Object",
        ["Neural Compression and Filtering for Edge-assisted Real-time Object Detection"],
    )
    monte = ["Monte Carlo Tree Search guides it.", "We use Monte Carlo Tree Search (MCTS)."]
    assert truncated("Carlo Tree Search", monte) and not truncated("Monte Carlo Tree Search", monte)
    assert not truncated("Image Backdoor Inversion", ["Single Image Backdoor Inversion via X"])
    assert not truncated("diffusion models", ["Diffusion models generate images."])
    assert not topical("Matrix That Rotates") and not topical("Multi-Scene")


def test_a_lone_word_names_a_theme_only_if_it_is_specific_to_the_draft() -> None:
    library = {"image": 60 / 264, "radiosity": 4 / 264, "BERT": 40 / 264, "image restoration": 0.1}
    texts = ["Image restoration with radiosity.", "Radiosity for images.", "Radiosity again."]
    share = lone_words_specific(lambda ps: {p: library.get(p, 0.0) for p in ps}, texts, 264)
    got = share(["image", "radiosity", "BERT", "image restoration"])
    assert got["image"] == 1.0  # 60 papers of the library say it, 2 of the draft
    assert got["radiosity"] == library["radiosity"]  # the draft holds most of its users
    assert got["BERT"] == library["BERT"]  # a method's own name is specific by construction
    assert got["image restoration"] == 0.1  # phrases are weighed by the namer, not here


def test_library_shares_apply_whatever_the_spelling() -> None:
    texts = [
        "Optimization of networks. Optimization helps.",
        "Optimization again. More optimization.",
    ]
    assert shared_phrase(texts) is not None
    assert shared_phrase(texts, library_share={"optimization": 1.0}) is None


@pytest.mark.skipif(not SAN7O.exists(), reason="shared/real material not present")
def test_a_paper_with_a_one_sentence_abstract_joins_its_theme_by_its_passages() -> None:
    """A user's consensus draft on San7o's library gave Paxos Made Simple a theme of its own,
    named after its title: its whole abstract is "The Paxos algorithm, when presented in plain
    English, is very simple.", which shares no phrase with the consensus papers. The passage
    the topic found it by does."""
    from litreview.reading.paper import PageText
    from litreview.review.related import _theme_text

    papers = read_file(SAN7O).papers
    wanted = ["MapReduce", "The Google File System", "Bigtable"]
    wanted += ["Impossibility", "Internet", "Paxos Made Simple"]
    chosen = [next(p for p in papers if p.title.startswith(w)) for w in wanted]
    found_by = {
        chosen[5].paper_id: (
            PageText(
                2,
                "The Paxos algorithm for implementing a fault-tolerant distributed "
                "system ... is built around a consensus algorithm.",
            ),
        )
    }
    rows = [(_theme_text(p, found_by.get(p.paper_id, ())), p.abstract) for p in chosen]
    assert rows[0][0] == f"{chosen[0].title}. {chosen[0].abstract}"  # a full abstract alone
    groups = _themes(rows, [0, 0, 0, 1, 1, 2])
    by_member = {i: g for g in groups for i in g.members}
    assert by_member[5] is by_member[3] and str(by_member[3].phrase).lower() == "consensus"
