"""A paper's own claims versus its background: which sentences of an abstract say what the
paper itself does.

Abstracts open with context (the field, others' work, the problem) and state
the paper's own contribution after it. Two readers need the difference: the
extractive engine quotes a paper's answer, not its background; the relevance
judge of related work asks whether a topic's key words are the paper's own
subject or only mentioned ("our attack evades existing defenses" is not a
defense paper).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from litreview.evidence.sentences import split_sentences

# The paper speaking for itself ("we propose", "this paper", "our method").
OWN = re.compile(
    r"\b(we|our|us|this (paper|work|study|thesis|article)|the (proposed|presented) "
    r"(method|approach|framework|system|model|technique))\b",
    re.IGNORECASE,
)
# Someone else's work, or the state of the field: what a paper argues against, not its answer.
OTHERS = re.compile(
    r"\b(existing|prior|previous(ly)?|recent (work|works|studies|research|years|advances)|"
    r"current (approaches|methods|techniques|solutions|defenses|models)|"
    r"traditional|conventional|researchers have|have been (widely|extensively)|"
    r"has been (widely|extensively)|remains? (a|an|challenging|unclear|open)|"
    r"(increasing|growing) (interest|interests|attention)|"
    r"few if any|limited (efforts|attention|work))\b",
    re.IGNORECASE,
)
# Sentences that state what a paper contributes (preferred over background sentences).
CONTRIBUTION = re.compile(
    r"\b(we|this paper|this work|our)\b.{0,40}\b(propose|present|introduce|develop|design|"
    r"show|demonstrate|find|achieve|outperform|reduce|improve)",
    re.IGNORECASE,
)


def background_of(sentences: Sequence[tuple[int, str]]) -> set[int]:
    """Indices of one abstract's background sentences, given as (index, text) in order.

    Every sentence before the first one in which the paper speaks for itself,
    and any later sentence about others' work or the field that states no
    contribution of its own ("our attack evades existing defenses" is about
    defenses only as others' work; "our method outperforms existing ones" is a
    finding). An abstract that never speaks for itself has no opening
    background by this rule.
    """
    own = [i for i, text in sentences if OWN.search(text)]
    first = min(own, default=0)
    return {i for i, text in sentences if i < first or about_others(text)}


def about_others(sentence: str) -> bool:
    """A sentence about others' work or the field that states no contribution of its own.

    The one background rule that holds in a paper's body too: a page of full text
    opens wherever the page break fell, not with the paper's context, so its
    sentences before a "we" are not background (a method section says "The master
    pings every worker" without one).
    """
    return bool(OTHERS.search(sentence)) and not CONTRIBUTION.search(sentence)


def own_claims(abstract: str) -> list[str]:
    """The abstract's sentences that are not background: what the paper itself claims."""
    sentences = list(enumerate(split_sentences(abstract)))
    context = background_of(sentences)
    return [text for i, text in sentences if i not in context]
