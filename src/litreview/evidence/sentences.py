"""Abstracts to sentences, and sentences to something that reads well out of context."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from litreview.evidence.verbs import third_singular
from litreview.reading.headings import Block, sections
from litreview.reading.normalize import family_name

MIN_WORDS = 6

# Discourse openers that refer to the previous sentence, meaningless once extracted.
_OPENERS = re.compile(
    r"^(however|moreover|furthermore|besides|additionally|in addition|specifically|in particular|"
    r"consequently|therefore|thus|hence|finally|to this end|to address (this|these) "
    r"(issue|issues|limitation|limitations|challenge|challenges|problem|problems)|"
    r"unfortunately|importantly|notably|as a result|in this (paper|work|study)|"
    r"more than this|also|further|nevertheless|similarly|likewise|in contrast|"
    r"on the other hand|then|second(ly)?|third(ly)?|lastly|in this way)\s*,\s*",
    re.IGNORECASE,
)
# A label that heads a structured abstract's part or a publisher's blurb ("From the Publisher:",
# "Conclusões:", "Results:"): a quoted sentence does not start with it (users' drafts read
# "According to Apodaca et al. [3], from the Publisher: Introduced by Pixar ...").
_LABEL = re.compile(
    r"^(?:from the publisher|conclusions?|conclus(?:ões|ão)|results?|resultados|findings|"
    r"background|objectives?|objetivos?|methods?|m[ée]todos?|purpose|abstract|resumo|summary|"
    r"aims?|context|contexto|significance|description)\s*:\s*(?=\S)",
    re.IGNORECASE,
)
_FIRST_PERSON: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\bIn this (paper|work|study), we\b"), "The authors"),
    (re.compile(r"\bHere,? we\b"), "The authors"),
    (re.compile(r"^We\b"), "The authors"),
    (re.compile(r"\bwe\b"), "they"),
    (re.compile(r"^Our\b"), "Their"),
    (re.compile(r"\bour\b"), "their"),
    (re.compile(r"\bours\b"), "theirs"),
    (re.compile(r"\bus\b"), "them"),
    # One author's "I" (a talk's or a thesis's abstract: "In this talk I will describe ..."),
    # only before a verb of the author's doing: "Type I errors", "Phase I trials" stay.
    (
        re.compile(
            r"\bI ((?:also|then|first|further) )?(will|would|am|have|had|was|describe|present|"
            r"propose|show|argue|discuss|introduce|review|use|study|explore|investigate|focus|"
            r"believe|think|consider|examine|develop|find|found|demonstrate|suggest|outline)\b"
        ),
        lambda m: f"the author {m.group(1) or ''}{_third_singular(m.group(2))}",
    ),
    (re.compile(r"\bmy\b"), "their"),  # "an overview of my efforts"
]


def _third_singular(verb: str) -> str:
    """ "I describe" as "the author describes": the verb after a singular subject."""
    if verb in {"will", "would", "had", "was", "found"}:
        return verb
    irregular = {"am": "is", "have": "has"}
    return irregular.get(verb) or third_singular(verb)


# pysbd's Segmenter keeps the text being split on the instance (``original_text``) and
# looks the sentences up in it afterwards: two threads segmenting at once each find
# their sentences in the other's text and lose them (batch -j 4, the TUI's workers).
# Segmentation is pure Python under the GIL, so one lock costs no parallelism.
_segment_lock = threading.Lock()


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


BLOCK_CHARS = 3000  # pysbd's time grows with the square of its input: feed it blocks this long


def blocks(text: str, size: int = BLOCK_CHARS) -> list[str]:
    """``text`` cut into pieces of about ``size`` characters at places no sentence spans.

    A cut falls at a paragraph break, else at a line break, else after ". "
    followed by a capital letter, so pysbd still sees whole sentences; text
    shorter than ``size`` (every real abstract) is one block, split as before.
    """
    out: list[str] = []
    rest = text
    while len(rest) > size:
        window = rest[: 2 * size]
        cut = -1
        for pattern in (r"\n\s*\n", r"\n", r"[.!?]\s+(?=[A-Z])"):
            found = [m.end() for m in re.finditer(pattern, window) if m.end() >= size // 2]
            if found:
                cut = found[0] if found[0] <= size else min(found)
                break
        if cut <= 0:
            cut = size  # one run-on "sentence" of thousands of characters: cut it anyway
        out.append(rest[:cut])
        rest = rest[cut:]
    out.append(rest)
    return out


# pysbd reads a capital letter and a period as an initial ("J. Smith") and does not split
# "read the data from worker B. MapReduce is resilient ...": a letter naming a thing (a
# worker, a matrix, Appendix B) ends a sentence when a capitalised word follows. A name's
# initial follows a first name or "by", "and", "of" ..., which are left alone.
_LABEL_END = re.compile(r"\b([A-Za-z][a-z-]+) [A-Z]\.(?= [A-Z][A-Za-z]*[a-z])")
_NAME_BEFORE = {
    "by",
    "and",
    "in",
    "of",
    "with",
    "from",
    "to",
    "for",
    "cf",
    "see",
    "et",
    "al",
    "or",
    "as",
}
_LABELLED = {"Appendix", "Section", "Figure", "Table", "Step", "Phase", "Part", "Case", "Type"}


def _label_ends(piece: str) -> list[str]:
    """``piece`` split after each "worker B." that ends a sentence (see above)."""
    out: list[str] = []
    start = 0
    for match in _LABEL_END.finditer(piece):
        word = match.group(1)
        if word in _LABELLED or (word[0].islower() and word not in _NAME_BEFORE):
            out.append(piece[start : match.end()])
            start = match.end() + 1
    out.append(piece[start:])
    return out


@lru_cache(maxsize=4096)
def split_sentences(text: str, min_words: int = MIN_WORDS) -> tuple[str, ...]:
    """Sentences of an abstract (pysbd: abbreviations, decimals and 'et al.' handled).

    Long texts (a pasted book, a runaway model answer) are split block by block,
    so the cost grows with the text's length, not its square.
    """
    pieces: list[str] = []
    with _segment_lock:
        for block in blocks(text):
            pieces.extend(p for piece in _segmenter().segment(block) for p in _label_ends(piece))
    return tuple(s.strip() for s in pieces if len(s.split()) >= min_words)


def whole_sentences(passage: str) -> str:
    """A full-text passage as running text, without its headings or the sentence pieces
    its cut left (:func:`whole_sections`, joined)."""
    return " ".join(block.text for block in whole_sections(passage))


def whole_sections(passage: str, heading: str = "") -> list[Block]:
    """A full-text passage as blocks of whole sentences, each under its section heading.

    A passage is a window of a page: its line breaks are the PDF's layout, not
    sentence ends, and it may start or stop mid-sentence. Heading lines ("3.3 Fault
    Tolerance", "ABSTRACT", a venue stamp) are dropped and the text is split into
    sentences block by block between them (:func:`sections`), so no sentence
    begins with a heading's words; each block keeps the heading it falls under
    (``heading``, the one in force where the passage starts, until the passage's own).
    In each block a first piece that starts in lower case and a last one that does not
    end a sentence are dropped, so what is quoted or judged is what the paper says, not
    a fragment.
    """
    kept: list[Block] = []
    for block in sections(passage, heading):
        sentences = list(split_sentences(block.text, min_words=1))
        if sentences and not sentences[0][:1].isupper() and not sentences[0][:1].isdigit():
            sentences = sentences[1:]
        if sentences and not sentences[-1].rstrip("\"')]”’ ").endswith((".", "!", "?")):
            sentences = sentences[:-1]
        sentences = [without_table_lead(s) for s in sentences]
        if sentences:
            kept.append(replace(block, text=" ".join(sentences)))
    return kept


# The end of a table's rows run into the sentence after it: a cell's number ("27.3", "3.3 ·
# 1018", "94%"), or the "·" of "3.3 · 1018". A run-in paragraph heading then often stands
# before the sentence ("Residual Dropout We apply dropout ..."): a few capitalised words
# before a capitalised word that opens sentences.
_CELL = re.compile(r"^(?:[-+±~≈<>]?\d[\d.,]*(?:%|x|×)?|[·×±])$")
_RUN_IN_HEADING = re.compile(
    r"^(?:[A-Z][\w-]*\s+){1,4}(?=(?:We|Our|The|This|These|In|For|To|It|Each|All)\s+[a-z])"
)
TABLE_LEAD_CELLS = 4  # numbers before the sentence: fewer is a sentence's own ("In 2017 ...")
TABLE_LEAD_SHARE = 0.4  # ... and this share of the words before it
SENTENCE_WORDS = 6  # words without a number after the last cell: where the sentence starts


def without_table_lead(sentence: str) -> str:
    """A sentence without the table rows a PDF's text ran into its start, nor the run-in
    heading between them and it.

    The Transformer paper's page 8 reads "Transformer (base model) 27.3 38.1 3.3 · 1018
    Transformer (big) 28.4 41.8 2.3 · 1019 Residual Dropout We apply dropout [33] to the
    output of each sub-layer ...": the rows' words matched "What dropout rate did the
    Transformer base model use?" and that "sentence" led the answer. The rows end at the
    last number that a stretch of :data:`SENTENCE_WORDS` number-free words follows, the
    first capitalised, when at least :data:`TABLE_LEAD_CELLS` numbers, and
    :data:`TABLE_LEAD_SHARE` of the words, came before it.
    """
    tokens = sentence.split()
    cells = [_CELL.match(t.strip("(),;:")) is not None for t in tokens]
    for i, cell in enumerate(cells):
        after = cells[i + 1 : i + 1 + SENTENCE_WORDS]
        if not cell or len(after) < SENTENCE_WORDS or any(after):
            continue
        before = sum(cells[: i + 1])
        starts = tokens[i + 1][:1].isupper()  # "In 2017, 2018, ... and 2020 we ..." goes on
        if starts and before >= TABLE_LEAD_CELLS and before >= TABLE_LEAD_SHARE * (i + 1):
            rest = " ".join(tokens[i + 1 :])
            return _RUN_IN_HEADING.sub("", rest, count=1)
        return sentence
    return sentence


# A paper's own numbered references ("in the presence of faults [2]", "[5, 12-14]"): quoted
# in an answer they would read as citations of the answer's sources 2, 5, 12... An interval
# such as "[0, 1]" holds a 0 and is kept. A run of them ("[10], [11]", "[1] and [2]") is one.
_MARK = r"\[(?!0)\d{1,3}(?:\s*[,;\u2013-]\s*(?!0)\d{1,3})*\]"
_REFERENCE_RUN = re.compile(rf"\s*(?P<run>{_MARK}(?:\s*(?:,\s*and|,|;|and)\s*{_MARK})*)")
_MARK_INSIDE = re.compile(r"\[([^\]]*)\]")
# Where a mark is the sentence's noun ("as described in [10] constitute"), dropping it leaves
# "as described in constitute": after these words it is kept, as "ref. 10", not a citation.
_NOUN_AFTER = frozenset(
    {
        "in",
        "of",
        "from",
        "at",
        "to",
        "by",
        "on",
        "see",
        "cf.",
        "e.g.",
        "e.g.,",
        "i.e.",
        "i.e.,",
        "with",
        "than",
        "like",
        "unlike",
        "per",
        "via",
        "and",
        "or",
        "as",
        "following",
    }
)


def without_reference_marks(sentence: str) -> str:
    """A sentence from a paper's full text without its numbered references to other work."""

    def replace(match: re.Match[str]) -> str:
        before = match.string[: match.start()].rstrip()
        word = before.rsplit(None, 1)[-1].lower().lstrip("([") if before else ""
        if before and word not in _NOUN_AFTER:
            return ""
        numbers = _MARK_INSIDE.sub(r"\1", match.group("run"))
        label = "refs." if re.search(r"\d\D+\d", numbers) else "ref."
        return f" {label} {numbers}" if before else f"{label.capitalize()} {numbers}"

    return _BRACKETED_YEARS.sub(r"(\1)", _REFERENCE_RUN.sub(replace, sentence))


# An author-year reference in brackets ("Alexa [2002]", "[1998; 2007a]"): quoted as is, an
# answer's citation check read "[2002]" as a citation of source 2002 and dropped it.
_YEAR = r"(?:1[5-9]|20)\d\d[a-z]?"
_BRACKETED_YEARS = re.compile(rf"\[({_YEAR}(?:\s*[,;]\s*{_YEAR})*)\]")


# A sentence that points at what follows it ("We define the Fire module as follows."):
# quoted alone, it says nothing.
_POINTER = re.compile(r"(?:\bas follows|\bthe following|:)\s*[.:]?\s*$", re.IGNORECASE)


def points_ahead(sentence: str) -> bool:
    """Whether a sentence only announces what the next one says."""
    return bool(_POINTER.search(sentence))


# A sentence about the paper's own text rather than its subject: what it leaves out ("For
# brevity, we have omitted ... from Table 1", which led an answer on how SqueezeNet cuts its
# parameters), where things are ("In Section 2 we review the related work", "This section
# describes ..."), how it is organised; and a short caption (below).
_SIGNPOST = re.compile(
    r"^\s*(?:for (?:the sake of )?brevity|due to (?:space|page) (?:limit|constraint|restriction)s?"
    r"|(?:this|the next|the following) (?:sub)?(?:section|chapter|appendix) (?:briefly )?"
    r"(?:describes|presents|discusses|introduces|reviews|explains|details|summari[sz]es"
    r"|outlines|gives|provides|covers)\b)"
    r"|\b(?:we|they|the authors) (?:have |had )?(?:omit|omitted|leave out|left out)\b"
    r"|\b(?:the )?(?:rest|remainder) of (?:this|the) (?:paper|article|section|chapter)\b"
    r"|\bbeyond the scope of (?:this|the) (?:paper|work|article)\b"
    r"|^\s*(?:in|see) (?:section|sec\.|appendix|chapter)\s*[\dA-Z][\d.]*,?\s+"
    r"(?:we|they|the authors)\s+(?:briefly\s+)?(?:review|describe|present|discuss|summari[sz]e"
    r"|conclude|introduce|give|provide|outline|explain|detail|report|show)\b"
    # "In the following sections, we will describe the Transformer, motivate ...": it led an
    # answer on the Transformer's warmup steps.
    r"|^\s*in (?:the )?(?:following|next|remaining|subsequent) (?:sub)?(?:sections?|chapters?),?"
    r"\s+(?:we|they|the authors)\s+(?:will\s+)?(?:briefly\s+)?(?:review|describe|present"
    r"|discuss|summari[sz]e|introduce|give|provide|outline|explain|detail|report|show)\b",
    re.IGNORECASE,
)
# Where the paper's code, data or videos are: "All videos from this paper are available at
# https://go.fb.me/..." led an answer on generating video from an image (Movie Gen). Only in a
# sentence of at most LINK_NOTICE_WORDS words: an abstract the splitter left whole ends so too.
_LINK_NOTICE = re.compile(
    r"\b(?:is|are|will be|can be|has been|have been|made)\s+(?:publicly\s+|freely\s+)?"
    r"(?:available|released|accessible|hosted)\s+(?:online\s+)?(?:at|on|from|via|in)\s+"
    r"(?:https?://|www\.|github|our\s+(?:project|web)|the\s+project)",
    re.IGNORECASE,
)
LINK_NOTICE_WORDS = 40


# A caption on its own ("Table 2: Overall accuracy and test generation performance for
# HumanEval ..." followed a user's right answer): short. A long one is a table's text and often
# the finding below it, read into the caption's "sentence" (one benchmark answer is one).
_CAPTION = re.compile(r"^\s*(?:table|figure|fig\.)\s*\d+\s*[:.|]\s", re.IGNORECASE)
# A sub-figure's caption, shorter still: "(a) AlfWorld performance across 134 tasks" and "(b)
# Classification of AlfWorld trajectories by reason of failure." were a user's answer. (A list
# item, "(ii) ...", is often a whole claim: demoting those lost a benchmark answer.)
_PANEL = re.compile(r"^\s*\([a-h]\)\s")
PANEL_WORDS = 15
CAPTION_WORDS = 25


def signposts(sentence: str) -> bool:
    """Whether a sentence is about the paper's own text (what it omits, where things are,
    how it is laid out, a short caption) rather than about its subject."""
    if _SIGNPOST.search(sentence):
        return True
    words = len(sentence.split())
    if words <= LINK_NOTICE_WORDS and _LINK_NOTICE.search(sentence):
        return True
    return (bool(_CAPTION.match(sentence)) and words <= CAPTION_WORDS) or (
        bool(_PANEL.match(sentence)) and words <= PANEL_WORDS
    )


def credits_authors(sentence: str, authors: tuple[str, ...]) -> bool:
    """Whether a sentence names the paper's own authors by their given names alone: a note on
    who did what ("Ashish, with Illia, designed and implemented the first Transformer
    models"), which the Transformer's answers quoted in 4 of 5 questions of a trial, not a
    sentence about the subject (others' work is cited by family name)."""
    given: set[str] = set()
    family: set[str] = set()
    for author in authors:
        last = family_name(author)
        rest = author.split(",", 1)[1] if "," in author else author.replace(last, " ", 1)
        family.update(last.split())
        given.update(w for w in rest.split() if len(w) > 2 and w.isalpha() and w[0].isupper())
    words = set(re.findall(r"\b[A-Z][a-z]+\b", sentence))
    return bool(words & (given - family)) and not words & family


# A "sentence" a PDF's layout cut out of something else: it opens with a closing bracket, a
# comma or a joining word ("and", "which"), the end of a line the splitter took as a start.
# (A bullet opens a list item, often a whole sentence: "• Dropout ... is applied after fire9.")
_FRAGMENT_OPENING = re.compile(
    r"^\s*(?:[)\]},;:]|(?:and|or|but|which|whereas|while|as|of|to|with|by)\s)"
)
_GOES_ON = re.compile(r"(?:,|\s)\s*(?:and|or|but|as well as)\s*$", re.IGNORECASE)
_NUMERIC = re.compile(r"^[-+±~≈<>]?\d[\d.,]*(?:%|x|×)?$|^[-+±]$")


def fragment(sentence: str) -> bool:
    """Whether a sentence is a piece of one or a table's row, not a sentence to quote.

    Real answers on the 12 PDFs of shared/real quoted ") • SqueezeNet with complex bypass
    connections ..." and "Success True positive Correct reasoning trace and facts 94% 86%
    False positive ...": a row of cells reads as words to the scorer. A row is told by its
    numbers: at least four, and a sixth of its tokens or eight, and no verb a results sentence
    states them with ("The model reaches 94% and 86% ..." is a sentence).
    """
    if _FRAGMENT_OPENING.match(sentence) or sentence.rstrip().endswith((",", ";")):
        return True  # ... or it stops where a list goes on: "(i) code as policies: a ...,"
    if _GOES_ON.search(sentence):
        return True  # "(iii) a new benchmark to evaluate ... on robotics code-gen problems, and"
    letters = [c for c in sentence if c.isalpha()]
    if sum(c.isascii() for c in letters) < len(letters) / 2:
        return False  # the verbs below are English: a Chinese sentence's numbers are no row
    tokens = sentence.split()
    numbers = sum(1 for t in tokens if _NUMERIC.match(t.strip("()[],;:")))
    many = numbers >= 8 or numbers >= len(tokens) / 6  # a long row runs into its caption
    return numbers >= 4 and many and not _STATING.search(sentence)


_STATING = re.compile(
    r"\b(?:we|is|are|was|were|has|have|had|achiev\w*|reach\w*|obtain\w*|improv\w*|"
    r"outperform\w*|show\w*|report\w*|yield\w*|get|gets|got|scor\w*|gain\w*|reduc\w*)\b",
    re.IGNORECASE,
)


# What a thing is, not what it did: "An Edge AI accelerator is hardware specialized in ...",
# "X is defined as ...", "X refers to ...", "The TPU is an ASIC ...". A sentence with a number,
# a comparison or the authors' own voice states a finding or a claim instead.
_DEFINITION = re.compile(
    r"^\s*(?:an?\s+[^,;:]{1,60}?\s(?:is|are)\s"
    r"|(?:the\s+)?[^,;:]{1,50}?\s(?:is|are)\s+(?:defined\s+as|called|known\s+as"
    r"|an?\s|(?:a\s+)?(?:type|kind|form|class|family)\s+of\b)"
    r"|[^,;:]{1,50}?\s(?:refers?\s+to|denotes?|stands\s+for)\s)",
    re.IGNORECASE,
)
# A comparison or a ranking: what a question about a result asks and what a finding states.
COMPARING = re.compile(
    r"\b(?:fastest|slowest|quickest|best|worst|highest|lowest|most|least|largest|smallest|"
    r"greatest|better|worse|faster|slower|quicker|higher|lower|than|outperform\w*|beats?|"
    r"superior|inferior)\b",
    re.IGNORECASE,
)
_OWN_VOICE = re.compile(r"\b(?:we|our|us)\b", re.IGNORECASE)


def defines(sentence: str) -> bool:
    """Whether a sentence only says what something is (a definition), not what it did.

    A user's "Which hardware accelerator gave the fastest inference in the edge device
    comparison?" led with "An Edge AI accelerator is hardware specialized in processing AI
    workloads at the edge." ahead of the paper's "Google platforms offer the fastest
    average inference time".
    """
    if any(c.isdigit() for c in sentence) or COMPARING.search(sentence):
        return False
    return bool(_DEFINITION.match(sentence)) and not _OWN_VOICE.search(sentence)


def third_person(sentence: str) -> str:
    """A sentence as an answer quotes it: an abstract's "we"/"our" as "the authors"/"their",
    no dangling opener, and none of the paper's own reference numbers (they are not ours)."""
    text = _LABEL.sub("", without_reference_marks(sentence).strip(), count=1)
    text = _OPENERS.sub("", text, count=1)
    text = text[:1].upper() + text[1:]
    for pattern, replacement in _FIRST_PERSON:
        text = pattern.sub(replacement, text)
    return text[:1].upper() + text[1:] if text else text


def short_name(title: str, max_words: int | None = 6, text: str = "") -> str:
    """What a researcher calls a paper: the system name before a colon, else the title,
    clipped to ``max_words`` (``None``: whole, for text that is scored rather than shown).

    With the paper's ``text``, one word before the colon that the text writes in lower case
    is a subject, not a name: "Radiosity: A Programmer's Perspective" (a real Zotero record,
    whose abstract says "use radiosity to create ...") is not called "Radiosity", while
    "Bigtable: A Distributed Storage System ..." is "Bigtable"."""
    head, sep, _ = title.partition(":")
    if sep and 0 < len(head.split()) <= 4 and not _common_word(head.strip(), text):
        return head.strip()
    words = title.split()
    if max_words is None or len(words) <= max_words:
        return " ".join(words)
    return " ".join(words[:max_words]) + "…"


def _common_word(head: str, text: str) -> bool:
    """Whether ``head`` is one word that ``text`` also writes in lower case."""
    word = head.lower()
    if " " in head or not head.isalpha() or head == word:
        return False
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None
