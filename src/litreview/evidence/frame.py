"""What a question asks for papers about, without the words that only ask for papers.

"Which papers discuss ray tracing?" was searched as written, and its frame ranked the wrong
papers: "discuss" matched Bigler et al.'s "We discuss situations ...", "papers" every abstract
that says "this paper", so on a real graphics library "Distributed ray tracing" (Cook et al.)
fell out of the first eight, where "ray tracing" alone ranks it first. The frame names no
topic; the words after it do, and they are what is searched.
"""

from __future__ import annotations

import re

_ASKS = (
    r"(?:which|what|are\s+there(?:\s+any)?|is\s+there(?:\s+an?y?)?|any|find(?:\s+me)?|list|"
    r"show(?:\s+me)?|give\s+me|search(?:\s+for)?|look\s+for|do\s+i\s+have|quais|que|h[aá])"
)
# The nouns a question names papers by, in English and Portuguese: one list for every reader
# of questions (this frame, and ``review.limits``' "about papers" and "papers from <year>").
PAPER_NOUNS = (
    r"(?:papers?|works?|articles?|studies|study|publications?|references?|items?|"
    r"artigos?|trabalhos?|estudos?|publica[cç](?:[aã]o|[oõ]es)|refer[eê]ncias?|itens)"
)
_MINE = (
    r"(?:\s+(?:(?:in|of|from)\s+(?:my|the|this)\s+library|"
    r"(?:da|na)\s+(?:minha\s+)?biblioteca))?"
)
_ABOUT = (
    r"(?:discuss(?:es)?|address(?:es)?|cover(?:s)?|deal(?:s)?\s+with|(?:are|is)\s+about|"
    r"talk(?:s)?\s+about|mention(?:s)?|focus(?:es)?\s+on|treat(?:s)?|on|about|regarding|"
    r"concerning|related\s+to|tratam\s+de|trata\s+de|falam\s+(?:de|sobre)|fala\s+(?:de|sobre)|"
    r"discutem|discute|abordam|aborda|sobre)"
)
_FRAME = re.compile(
    rf"^\s*(?:{_ASKS}\s+)?(?:(?:the|os|as)\s+)?{PAPER_NOUNS}{_MINE}\s+(?:(?:that|which|que)\s+)?"
    rf"{_ABOUT}\s+",
    re.IGNORECASE,
)


def without_frame(question: str) -> str:
    """``question`` without an opening that only asks for papers ("Which papers discuss",
    "Are there any papers on", "Quais artigos tratam de"); as it was when nothing follows."""
    rest = _FRAME.sub("", question, count=1)
    return rest if rest != question and re.search(r"\w{2,}", rest) else question
