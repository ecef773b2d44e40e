"""Verb agreement in a contribution rewritten with the paper as its subject.

The related-work draft turns "We propose X and evaluate it on ImageNet" into "Smith [1]
proposes X ..." and "This paper studies X and proposes Y" into "Zhang and Li [1] study X
...": the main verb is made to agree with the new subject, and so must the verbs
coordinated with it ("... and evaluates it", "... and propose Y"; a CJK test library's
drafts read "张伟 and 李娜 [1] propose ... and evaluates it on ImageNet").

Only verbs joined to the main verb by "and" or a comma ("summarizes X, explains Y, then
describes Z") are changed, and only known verbs of what
papers do: a word after "and" may be a noun ("methods and results"), and a verb inside a
relative or infinitive clause ("a network that detects X and reduces Y", "to detect X and
classify Y") agrees with something else, so the scan stops at the first such clause.
"""

from __future__ import annotations

import re

from litreview.evidence.verbs import third_singular


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Base forms of what papers do; the third person singular is made by rule (and listed below
# where the rule would be wrong).
_BASES = _words(
    """
    propose present introduce describe give show develop explore examine investigate report
    argue derive provide offer extend demonstrate consider outline review survey prove define
    evaluate compare characterize characterise analyze analyse address discuss focus study
    apply summarize summarise achieve outperform improve reduce obtain validate verify assess
    implement design build construct release train test measure identify establish highlight
    find conclude suggest quantify formulate integrate combine leverage exploit employ adopt
    learn generate produce surpass attain yield enable allow use discover reveal explain
    predict detect estimate simulate solve model discuss illustrate confirm examine explore
    """
)
# Verbs that are nouns as often ("detection and design of ...", "methods and uses of"):
# changed only when an object follows ("and design a ...", "and test it").
_AMBIGUOUS = _words(
    "design study report use test release review survey outline focus offer measure model "
    "train find show build yield"
)
_OBJECT = _words(
    "a an the it them that how its their this these those what whether several two three "
    "four each both new various multiple"
)
# Main verbs whose coordinated verbs keep their form ("X [1] can detect A and classify B").
_AUXILIARY = _words(
    "can could will would may might must should shall do does did have has had is are was "
    "were be been"
)
# Where the main verb's predicate ends and a clause with a subject of its own begins (an
# infinitive's "to", not a preposition's: "apply X to Y and show Z" goes on).
_CLAUSE = re.compile(
    r"\b(?:that|which|who|whom|whose|where|when|while|whereas|because|since|if|so|"
    rf"although|though|thus|thereby|to(?=\s+(?:{'|'.join(sorted(_BASES))})\b))\b|[;:]",
    re.IGNORECASE,
)
_CONJUNCT = re.compile(
    r"(?P<join>(?:,?\s+and|,)\s+(?:then\s+|also\s+|further\s+|finally\s+)?)(?P<verb>[a-z]+)\b"
    r"(?:\s+(?P<next>[\w-]+))?"
)


_SINGULARS = {third_singular(base): base for base in _BASES}


def agree(verb: str, rest: str, plural: bool) -> str:
    """``rest`` (what follows the main ``verb``) with the verbs coordinated with it in the
    number of the new subject: plural ("Zhang and Li [1]", "Chang et al. [2]") or not."""
    if verb.lower() in _AUXILIARY:
        return rest
    clause = _CLAUSE.search(rest)
    end = clause.start() if clause else len(rest)

    def fix(match: re.Match[str]) -> str:
        word = match.group("verb")
        if match.start("verb") >= end:
            return match.group(0)
        after = (match.group("next") or "").lower()
        if plural:
            base = _SINGULARS.get(word)
            new = base if base and (base not in _AMBIGUOUS or after in _OBJECT) else None
        else:
            fits = word in _BASES and (word not in _AMBIGUOUS or after in _OBJECT)
            new = third_singular(word) if fits else None
        if new is None:
            return match.group(0)
        start = match.start("verb") - match.start()
        return match.group(0)[:start] + new + match.group(0)[start + len(word) :]

    return _CONJUNCT.sub(fix, rest)
