"""What a paper says it does without, so that it is not grouped under it.

"Attention Is All You Need" proposes an architecture "dispensing with recurrence and
convolutions entirely", and its abstract's background names "recurrent or convolutional
neural networks": a draft on convolutional networks put it in its "Convolutional Neural
Networks" theme (2 of a trial's drafts on the real PDFs). A paper's text, as themes are
formed from it, leaves out the words of what it says it does without.

A word the paper's own claims use outside such a phrase is kept: "we train without clean
labels ... on noisy labels" is still about labels.
"""

from __future__ import annotations

import re

from litreview.evidence.claims import own_claims
from litreview.evidence.scoring import terms

_DOING_WITHOUT = re.compile(
    r"\b(?:dispens(?:e|es|ed|ing) with|eschew(?:s|ed|ing)?|do(?:es)? away with|"
    r"without(?: (?:any|the need for|the use of|using|relying on))?|free of|"
    r"(?:do|does|did) not (?:need|require|use|rely on)|no (?:need for|use of)|"
    r"rather than|instead of|replac(?:e|es|ed|ing)(?: the)?)"
    r"\s+(?P<scope>(?:[\w-]+\s+){0,5}[\w-]+)",
    re.IGNORECASE,
)
# Where the thing done without ends: "recurrence and convolutions entirely", not what follows.
_SCOPE_END = re.compile(
    r"[.,;:()]|\b(?:but|while|which|that|with|by|where|when|to|for|in|on|as|so|through)\b",
    re.IGNORECASE,
)


def _scopes(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names what it does without (start, end of each phrase)."""
    out = []
    for match in _DOING_WITHOUT.finditer(text):
        scope = match.group("scope")
        end = _SCOPE_END.search(scope)
        length = end.start() if end else len(scope)
        out.append((match.start("scope"), match.start("scope") + length))
    return out


def done_without(abstract: str) -> frozenset[str]:
    """Stemmed terms the abstract says its work does without, less those its own claims
    use elsewhere (:func:`~litreview.evidence.claims.own_claims`)."""
    said: set[str] = set()
    for start, end in _scopes(abstract):
        said |= terms(abstract[start:end])
    if not said:
        return frozenset()
    used: set[str] = set()
    for claim in own_claims(abstract):
        kept, at = [], 0
        for start, end in _scopes(claim):
            kept.append(claim[at:start])
            at = end
        kept.append(claim[at:])
        used |= terms(" ".join(kept))
    return frozenset(said - used)


def without_words(text: str, stems: frozenset[str]) -> str:
    """``text`` without the words whose stems are in ``stems``."""
    if not stems:
        return text

    def keep(match: re.Match[str]) -> str:
        return "" if terms(match.group(0)) & stems else match.group(0)

    return re.sub(r"[^\W\d_][\w-]*", keep, text)
