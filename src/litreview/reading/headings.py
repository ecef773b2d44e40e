"""Which lines of a PDF page are headings, not running text.

A page's text keeps the PDF's line breaks, and a heading is a line of its own:
"3.3 Fault Tolerance", "Handling Worker Failures", "3.3.1 OTHER SQUEEZENET
DETAILS", "ABSTRACT", a venue stamp left on page 1. Flattened into one string
it becomes the first words of the next sentence ("3.3.1 OTHER SQUEEZENET
DETAILS For brevity, ..."), which an answer then quotes and a match on the
heading's words ranks high. Text is cut into blocks at headings, so no
sentence spans one and none starts with one.

A heading is judged by the line and its neighbours, with no font information
(passages are stored as plain text): it does not end like a sentence, it
follows a line that ended one (or another heading, or nothing), the line after
it does not continue it in lower case, and its shape is a heading's: a section
number, capitals, a known section name, title case, or a venue stamp.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# "3", "3.3", "3.3.1", "3.", "IV.", "A.", "B.2": a section number before a title.
_NUMBER = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,4}\.|[A-H](?:\.\d{1,2}){0,2}\.?)\s+"
)
_NAMED = re.compile(
    r"^(?:abstract|introduction|background|related work|preliminaries|method|methods|"
    r"methodology|approach|experiments?|experimental setup|evaluation|results|discussion|"
    r"limitations|conclusions?|conclusion and future work|future work|acknowledge?ments?|"
    r"references|bibliography|appendix|appendices|keywords|index terms)[.:]?$",
    re.IGNORECASE,
)
# Venue lines, arXiv stamps and licence notes: page furniture, never a sentence of the paper.
_STAMP = re.compile(
    r"(arxiv:\d|preprint|published as|under review|proceedings of|conference on|"
    r"copyright|©|licen[cs]ed? under|creative commons|doi\.org|https?://)",
    re.IGNORECASE,
)
_MINOR = {
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or",
    "the", "to", "via", "vs", "vs.", "with", "without", "is", "are", "its", "their",
}  # fmt: skip
# A running head's page number: "Bigtable: A Distributed Storage System ... · 4: 9".
_PAGE_NUMBER = re.compile(r"(?:^|\s)(?:[·|•]\s*)?\d{1,4}(?::\s*\d{1,4})?$")
_ENDS_SENTENCE = re.compile(r"[.!?:]['\"’”)\]]*$")
_ENDS_CLAUSE = re.compile(r"[.!?;:,]['\"’”)\]]*$")
MAX_HEADING_WORDS = 12
MAX_TITLE_CASE_WORDS = 9
SHORT_LINE = 0.6  # a sentence-case heading is shorter than this share of the page's lines
MAX_SENTENCE_CASE_WORDS = 6


def _capitalised(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and letters[0].isupper()


def _title_case(words: Sequence[str]) -> bool:
    """Every word but the minor ones capitalised ("Semantics in the Presence of Failures")."""
    major = [w for w in words if w.casefold() not in _MINOR and any(ch.isalpha() for ch in w)]
    return bool(major) and all(_capitalised(w) for w in major)


def _all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


def heading_shape(line: str, typical_length: float = 0.0) -> bool:
    """Whether a line, alone, reads as a heading or page furniture rather than prose."""
    text = line.strip()
    if not text or len(text.split()) > MAX_HEADING_WORDS:
        return False
    if _STAMP.search(text) and not _ENDS_SENTENCE.search(text):
        return True
    if _NAMED.match(_NUMBER.sub("", text, count=1)):
        return True
    if _ENDS_CLAUSE.search(text):
        return False
    number = _NUMBER.match(text)
    rest = text[number.end() :] if number else text
    words = rest.split()
    if not words or not _capitalised(words[0]) or not any(ch.isalpha() for ch in rest):
        return False
    if number or _all_caps(rest):
        return True
    named = [w for w in words if any(ch.isalpha() for ch in w)]
    if len(named) <= MAX_TITLE_CASE_WORDS and _title_case(named):
        return True
    short = typical_length > 0 and len(text) < SHORT_LINE * typical_length
    return short and len(words) <= MAX_SENTENCE_CASE_WORDS


def _numbered_title(line: str) -> bool:
    """A section number before a title in title case or capitals ("3.5 Positional
    Encoding"): a heading even after a table row or figure text that ended no sentence."""
    number = _NUMBER.match(line.strip())
    if not number or not re.match(r"\d", line.strip()):
        return False
    words = [w for w in line.strip()[number.end() :].split() if any(ch.isalpha() for ch in w)]
    return bool(words) and (_title_case(words) or _all_caps(" ".join(words)))


def heading_lines(lines: Sequence[str]) -> set[int]:
    """Indices of the lines of one page (or passage) that are headings.

    A line of heading shape counts only where a heading can stand: after a
    line that ended a sentence (or after another heading, or first), and
    before a line that does not carry on in lower case. A numbered title needs no
    sentence end before it (a table may precede it), and a page's first line with a
    page number is a running head even when the sentence it interrupts carries on.
    """
    lengths = [len(line) for line in lines if len(line.split()) > MAX_SENTENCE_CASE_WORDS]
    typical = statistics.median(lengths) if lengths else 0.0
    found: set[int] = set()
    for i, line in enumerate(lines):
        before = lines[i - 1].strip() if i else ""
        after = lines[i + 1].strip() if i + 1 < len(lines) else ""
        starts = not before or (i - 1) in found or bool(_ENDS_SENTENCE.search(before))
        continued = bool(after) and (after[0].islower() or after[0] in ",;:.)]")  # "P2b\n, let's"
        running_head = i == 0 and bool(_PAGE_NUMBER.search(line))
        placed = starts or running_head or _numbered_title(line)
        if placed and (running_head or not continued) and heading_shape(line, typical):
            found.add(i)
    return found


# What a section's title does not hold once its number is off: figures ("ByteNet [18] 23.75",
# "Completion 75.4% 69.9%": a table row), formulas ("Attention(Q, K, V ) = softmax(QKT").
_NOT_TITLE = re.compile(r"[\d=\[\]{}%“”\"]|\(.*\)|\)|\(")


def section_heading(line: str) -> bool:
    """Whether a heading line names a section rather than being page furniture (a venue
    stamp, a running head with its page number) or a table row or formula that took a
    heading's shape: those cut the text but head nothing."""
    text = line.strip()
    title = _NUMBER.sub("", text, count=1)
    return not (_STAMP.search(text) or _PAGE_NUMBER.search(text) or _NOT_TITLE.search(title))


@dataclass(frozen=True)
class Block:
    """A stretch of running text between headings, with the section heading it falls
    under and whether it ``opens`` that section (its heading stands right before it in the
    text read, rather than being carried over from before the text's start or a cut at
    page furniture)."""

    heading: str
    text: str
    opens: bool


def sections(text: str, heading: str = "") -> list[Block]:
    """A page's (or passage's) running text as blocks, each with the section heading it
    falls under: ``heading`` (the one in force where ``text`` starts, "" if unknown) until
    the text's own first section heading. Blocks are cut where headings were, without
    them, each block's lines joined by single spaces."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    headings = heading_lines(lines)
    blocks: list[tuple[str, bool, list[str]]] = [(heading, False, [])]
    for i, line in enumerate(lines):
        if i in headings:
            named = section_heading(line)
            current = (" ".join(line.split()), True) if named else (blocks[-1][0], False)
            if blocks[-1][2]:
                blocks.append((*current, []))
            else:
                blocks[-1] = (*current, [])
        else:
            blocks[-1][2].append(line)
    return [Block(h, " ".join(" ".join(b).split()), opens) for h, opens, b in blocks if b]


def last_heading(text: str, heading: str = "") -> str:
    """The section heading in force at the end of ``text`` (``heading`` if it has none)."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    found = [lines[i] for i in sorted(heading_lines(lines)) if section_heading(lines[i])]
    return " ".join(found[-1].split()) if found else heading


def running_text(text: str) -> list[str]:
    """A page's (or passage's) running text as blocks, cut where headings were and
    without them; each block's lines joined by single spaces."""
    return [block.text for block in sections(text)]


def without_closing_heading(text: str) -> str:
    """``text`` (a passage: a window of a page) less the section headings on its last lines,
    and an arXiv stamp there.

    A window cut just after a heading ends on the next section's title, which belongs to
    the text that follows, not to this one: a search hit on Chubby read "... we did not
    need general transactions.\n\n2.11 Backup", one on a sentiment study "... MAST
    tasks.\n6 Discussions\n6.1 LLMs for SA in Practice". About 4% of the passages of a real
    systems library end so. Sentences never held those lines (:func:`sections` cuts headings
    off); this is for the passage as shown.
    """
    lines = text.rstrip().split("\n")
    while True:
        kept = [line.strip() for line in lines if line.strip()]
        if len(kept) < 2:
            return "\n".join(lines).rstrip() if kept else text
        stamp = bool(_ARXIV_STAMP.match(kept[-1]))  # margin text, wherever it falls
        if not stamp and (
            (len(kept) - 1) not in heading_lines(kept) or not section_heading(kept[-1])
        ):
            return "\n".join(lines).rstrip()
        lines = "\n".join(lines).rstrip().split("\n")[:-1]  # the last line: text was stripped


# arXiv's margin stamp, a line of its own in the text of every page it is printed on.
_ARXIV_STAMP = re.compile(r"arXiv:\d{4}\.\d{4,5}(?:v\d+)?\s+\[[\w.-]+\]\s+\d{1,2}\s+\w+\s+\d{4}$")
