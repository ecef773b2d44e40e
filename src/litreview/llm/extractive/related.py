"""Related-work pieces without a model: theme names and per-theme paragraphs.

A theme's name is the key phrase its papers share (and the others do not);
a paragraph gives each paper its contribution sentence, rewritten in the
third person and cited, ordered as the papers were numbered.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from litreview.evidence.absence import done_without, without_words
from litreview.evidence.claims import CONTRIBUTION, OWN
from litreview.evidence.keyphrases import (
    adjectival,
    generic,
    key_phrases,
    proper_name,
    shared_phrase,
    spelled_as_name,
    title_case,
)
from litreview.evidence.scoring import EvidenceScorer, terms
from litreview.evidence.sentences import points_ahead, short_name, split_sentences, third_person
from litreview.evidence.source import Source
from litreview.llm.extractive.agreement import agree
from litreview.reading.normalize import family_name, normalize_title

OTHER_THEME = "Other Related Work"


def theme_name(
    sources: Sequence[Source],
    others: Sequence[Source] = (),
    phrase_share: Mapping[str, float] | None = None,
) -> str:
    # What a paper says it does without does not name its theme (evidence.absence).
    texts = [without_words(f"{s.title}. {s.text}", done_without(s.text)) for s in sources]
    others_texts = [f"{s.title}. {s.text}" for s in others]
    abstracts = [without_words(s.text, done_without(s.text)) for s in sources]
    phrase = shared_phrase(texts, others_texts, phrase_share, abstracts)
    if phrase:
        return title_case(phrase).rstrip(" .;:,")
    # Several papers that share no phrase: naming them after one of them would be false.
    # A heading ends without the title's own full stop ("... Grow Faster." read as a name).
    if len(sources) > 1:
        return OTHER_THEME
    return short_name(sources[0].title, text=sources[0].text).rstrip(" .;:,")


def contribution(scorer: EvidenceScorer, work: str, source: Source) -> str:
    """The sentence that best says what the paper did, as it relates to the user's work.

    A sentence stating a contribution ("we propose ...") wins, else one in the authors'
    voice, over background ones however close those are to the work: a related-work paragraph says
    what each paper contributes, not what its introduction says of the field.
    """
    repaired = glued_sentences_apart(source.text)
    if repaired != source.text:
        source = dataclasses.replace(source, text=repaired)
    evidence = scorer.sentences(work, [source]) if work else []
    if not evidence:
        sentences = split_sentences(source.text)
        return sentences[0] if sentences else source.text
    evidence = [e for e in evidence if not _BLURB.search(e.text)] or evidence
    evidence = [e for e in evidence if not points_ahead(e.text)] or evidence
    evidence = [e for e in evidence if not _MID_ARGUMENT.search(third_person(e.text))] or evidence
    evidence = [e for e in evidence if not points_back(e.text)] or evidence
    # A question the abstract asks ("What are directions for research regarding quality
    # control?") says what the paper wonders, not what it did; quoted, it read "According to
    # Wesselius and Ververs [8], what are directions ...?." in a real library's draft.
    evidence = [e for e in evidence if not e.text.rstrip().endswith("?")] or evidence
    authored = [e for e in evidence if CONTRIBUTION.search(e.text)]
    # Else one in the authors' voice ("Here, we investigate how ..."), not the field's
    # ("Text-to-video diffusion models have shown remarkable progress ...", quoted for Atzmon
    # et al. once their "understanding this dual role enabled us" pointed back).
    own = [e for e in evidence if OWN.search(e.text)]
    return max(authored or own or evidence, key=lambda e: e.score).text


# What a book's jacket says of the book as an object, not of its subject: "special highlights
# include 93 illustrations and 45 color plates" (a real Zotero library's record of a textbook),
# or to its buyer: "now you can use radiosity to create extremely realistic, true-color images"
# (the same library's "From the Publisher" text, quoted as Ashdown's contribution). A paper
# speaks of itself and its authors; a sentence addressed to "you" is selling the book ("you" in
# lower case, or opening the sentence: "You Only Look Once" is a name).
_BLURB = re.compile(
    r"\b(?:illustrations|colou?r plates|highlights include|companion (?:web ?site|cd)|"
    r"end-of-chapter|exercises at the end|suitable as a (?:text|textbook))\b"
    r"|(?-i:\byour?\b|^Your?\b)",
    re.IGNORECASE,
)


# A sentence that continues an argument ("But processes are also important ...", "Also they
# have introduced metrics ...") or points at the paper's own reference list ("as described in
# ref. 10", beside a draft whose [10] is another paper): not a contribution to quote.
_MID_ARGUMENT = re.compile(r"^(?:but|and|yet|or|nor|so|also|thus|hence|still)\b|\brefs?\. \d", re.I)


# What a paper calls itself and its own parts ("this paper", "these models"), and phrases
# that point nowhere ("in this way", "to this end").
_OWN_NOUNS = (
    r"paper|article|work|study|thesis|book|report|chapter|edition|text|volume|survey|review|"
    r"note|letter|dissertation|tutorial|tool|system|framework|method|approach|model|algorithm|"
    r"technique|architecture|software|dataset|benchmark|contribution|project|course|research|"
    r"investigation|analysis|way|end|paradigm|pipeline|design|implementation|kind|type|class|"
    r"manuscript|presentation|talk|session|methods|models|systems|tools|techniques|algorithms|"
    r"approaches|architectures|datasets|benchmarks|papers|works|studies|experiments|results|"
    r"findings|problems|tasks|features|components|modules|networks|network"
)

# A sentence whose subject or object is something said before it, in the abstract the draft
# does not quote: "According to Ward [10], this includes specular, diffuse ...", "...
# consideration of all of these factors allows the shader ...", "a method for doing so",
# "every protocol for this problem", "which addresses these challenges", "Zhang et al. [8]
# then design ...". A paper's own name ("this paper", "this tool") is not such a reference.
_POINTS_BACK = re.compile(
    r"^(?:this|these|those|it|such)\b(?!\s+(?:paper|article|work|study|thesis|book|report|"
    r"chapter|edition|text|volume|survey|review|note|letter|dissertation|tutorial|tool|system|"
    r"framework|method|approach|model|algorithm|technique|architecture|software|dataset|"
    r"benchmark)\b)"
    r"|^(?:then|further|furthermore|moreover|additionally|in addition|however|therefore)\b"
    r"|\b(?:doing so|(?:all )?(?:of )?(?:these|those|such) (?:factors|challenges|problems|"
    r"issues|limitations|difficulties|questions|observations|results|findings|methods|"
    r"approaches|techniques|effects|steps|fields|areas|domains|disciplines|roles|ideas|"
    r"insights|properties)|this (?:(?:dual|double|twofold|key|crucial|central|important) )?"
    r"(?:problem|issue|challenge|limitation|question|difficulty|gap|observation|finding|role|"
    r"insight|idea|property|phenomenon|trade-?off|tension))\b"
    r"|^\w+(?: et al\.| and \w+)? (?:then|further|also) \w+",
    re.IGNORECASE,
)
# ... and, in a sentence not in the authors' voice, "this"/"these" anywhere: "used to carry
# out this calculation", "operate on these micropolygons", "it is shown that this has not
# yet filtered through" (real graphics and software-quality drafts). The authors' own
# sentences keep theirs ("we investigate how X, Y and Z ... when these representations
# interact"): what they did is still the best sentence to quote.
_REFERS_BACK = re.compile(rf"\b(?:this|these|those)\s+(?!(?:{_OWN_NOUNS})\b)[a-z]", re.I)
# What _as_subject drops before the authors: "As many surveys have been carried out in this
# area, they have tried ..." is quoted from "they" on.
_LEAD_IN = re.compile(r"^[^,]{0,120},\s*(?=(?:they|the authors)\s)", re.IGNORECASE)


def points_back(sentence: str) -> bool:
    """Whether a sentence's subject or object is something an earlier sentence said
    (:data:`_POINTS_BACK`, read as quoted: "To address these challenges, we propose X" is
    "They propose X"), or it draws a consequence from an earlier sentence without the
    authors' voice ("Consequently, many of the powerful techniques ...")."""
    if _CONSEQUENCE.match(sentence) and not CONTRIBUTION.search(sentence):
        return True
    quoted = third_person(sentence)
    if _POINTS_BACK.search(quoted):
        return True
    own = re.search(r"\bwe\b", sentence, re.IGNORECASE)
    return not own and bool(_REFERS_BACK.search(_LEAD_IN.sub("", quoted)))


_CONSEQUENCE = re.compile(
    r"^(?:consequently|as a consequence|as a result|accordingly|therefore|thus|hence)\b", re.I
)


# Two sentences a PDF's or a database's text glued together ("... with the shaded
# images.The proposed method ...", a real graphics abstract) and a list run into its lead
# ("... the following advanced points:1) The indirect ... images.2) The proposed ..."): each
# is read as a sentence of its own, the list's numbers dropped.
_GLUED = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
_RUN_IN_ITEM = re.compile(r"(?<=[.:;])[ \t]*\(?\d{1,2}\)[ \t]*(?=[A-Z])")


def glued_sentences_apart(text: str) -> str:
    """``text`` with a space after a full stop glued to the next sentence and a paragraph
    break before each run-in list item ("points:1) The ..."), so sentences split there."""
    return _RUN_IN_ITEM.sub("\n\n", _GLUED.sub(" ", text))


def paragraph(scorer: EvidenceScorer, theme: str, work: str, sources: Sequence[Source]) -> str:
    """A paragraph a researcher can start from, not a reading list.

    It opens with what the theme's papers share (the theme, and the phrases
    several of them use), then gives each paper's contribution as a sentence
    with the paper as its subject ("NNSmith [3] generates ..."), tied to an
    earlier paper of the theme by a phrase they share, or marked as a
    different angle when they share none.
    """
    if not sources:
        return ""
    versions = _versions(sources)
    sources = [s for s in sources if s.n in versions]  # one work, one sentence
    phrases = {s.n: _phrases(s) for s in sources}
    counts = Counter(key for s in sources for key in phrases[s.n])
    common = frozenset(k for k, c in counts.items() if c > len(sources) / 2)
    parts = []
    if len(sources) > 1:
        opening, threads = _opening(theme, sources, phrases)
        parts.append(opening)
        common |= frozenset(threads)
    names = _names(parts[0]) if parts else []
    for i, source in enumerate(sources):
        chosen = contribution(scorer, work, source)
        sentence = _unlabelled(third_person(chosen)).rstrip(" .;:")
        last = i == len(sources) - 1 and len(sources) > 2
        name, plural, by_authors = _cited(source)
        marks = "".join(f"[{n}]" for n in versions[source.n])
        # A "they" the abstract wrote itself is someone else (the images, the LLMs), not the
        # authors: only the authors' "we" (third_person's "they") becomes the paper's name.
        own_they = bool(re.search(r"\bthey\b", chosen, re.IGNORECASE))
        text = _as_subject(
            sentence, f"{name} {marks}", last, plural, own_they, system=not by_authors
        )
        parts.append(_spelled_as_names(text, names))
        if i:
            link = _link(source, sources[:i], phrases, theme, common, plural)
            parts.append(f"{link}." if link else "")
    return " ".join(p for p in parts if p)


# A structured abstract's part label ("Metodologia: Foi desenvolvido ...", "Design/methodology/
# approach: ..."), beyond those :func:`third_person` drops: a quoted sentence does not start
# with it ("According to Galante [12], Metodologia: ..." in a Portuguese library's draft).
_PART_LABEL = re.compile(
    r"^(?:metodologia|m[ée]todo|objetivos?(?: gerais?| espec[íi]ficos?)?|objectives?|aims?|"
    r"goals?|introdu[çc][ãa]o|introduction|discuss(?:ão|ao|ion)|conclus(?:ões|ão|ion)s?|"
    r"considera[çc](?:ões|ão) finais|resultados?|results?|background|methods?|methodology|"
    r"materials? (?:and|e) m[ée]t(?:hods|odos)|design(?:/methodology/approach)?|setting|"
    r"participants|measurements|originality/value|(?:practical|research) implications|"
    r"limitations|motivation|fundamentos?|justificativa|prop[óo]sito|purpose)\s*:\s*(?=\S)",
    re.IGNORECASE,
)


def _unlabelled(sentence: str) -> str:
    text = _PART_LABEL.sub("", sentence, count=1)
    return text[:1].upper() + text[1:]


def _names(opening: str) -> list[str]:
    """The names a theme sentence spells with capitals ("Monte Carlo" in "Four works study
    Monte Carlo methods"), past its first word."""
    body = opening.split(" ", 1)[1] if " " in opening else ""
    return re.findall(r"(?<![\w-])[A-Z][a-z]+(?: [A-Z][a-z]+)*(?![\w-])", body)


def _spelled_as_names(sentence: str, names: Sequence[str]) -> str:
    """``sentence`` with ``names`` spelled as the theme sentence spells them where it has them
    in lower case (Kajiya's "a monte carlo solution" beside "Monte Carlo" methods)."""
    for name in names:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
        sentence = pattern.sub(name, sentence)
    return sentence


def _versions(sources: Sequence[Source]) -> dict[int, list[int]]:
    """The first source of each work, with the numbers of all its versions (itself first).

    A conference paper and its journal version (Cook and Torrance 1981 in SIGGRAPH, 1982 in
    TOG: two DOIs, so two papers, rightly kept apart) were cited one after the other with
    the same sentence twice; a draft cites them together ("Cook and Torrance [1][2]
    present ..."). Versions: the same title (case and punctuation aside) by the same
    authors; papers without authors are never taken for versions of each other.
    """
    first: dict[tuple[str, tuple[str, ...]], int] = {}
    out: dict[int, list[int]] = {}
    for source in sources:
        surnames = tuple(family_name(a).casefold() for a in source.authors)
        key = (normalize_title(source.title), surnames)
        if surnames and all(surnames) and key in first:
            out[first[key]].append(source.n)
            continue
        first.setdefault(key, source.n)
        out[source.n] = [source.n]
    return out


def cited_name(source: Source) -> tuple[str, bool]:
    """How a draft names a paper, as papers do, and whether the name is plural: its system
    ("BaDExpert"), else its authors ("Dean and Ghemawat", "Chang et al."), else its title.

    A title clipped mid-phrase ("Neural Compression and Filtering for Edge-assisted
    Real-time Object Detection in…") made every sentence about the paper hard to read."""
    name, plural, _ = _cited(source)
    return name, plural


def _cited(source: Source) -> tuple[str, bool, bool]:
    """:func:`cited_name`, and whether the name is the paper's authors (not its system or
    title, which cannot be the "they" of the authors' own "we")."""
    head, sep, _ = source.title.partition(":")
    head = head.strip()
    if sep and _system_name(head):
        return head, False, False
    surnames = [family_name(a) for a in source.authors]
    if surnames and all(surnames[:2]):
        if len(surnames) == 1:
            return surnames[0], False, True
        if len(surnames) == 2:
            return f"{surnames[0]} and {surnames[1]}", True, True
        return f"{surnames[0]} et al.", True, True
    return _short_title(head if sep and len(head.split()) >= 2 else source.title), False, False


# Where a long title may be cut: before the words that start its qualifiers.
_QUALIFIERS = frozenset(
    {"for", "in", "with", "via", "toward", "towards", "at", "on", "using", "by", "from", "under"}
)


def _short_title(title: str, most: int = 6) -> str:
    """A long title cut before a qualifier ("Neural Compression and Filtering for Edge-assisted
    Real-time Object Detection in Challenged Networks" -> "Neural Compression and
    Filtering"), else at ``most`` words with an ellipsis."""
    words = title.split()
    if len(words) <= most:
        return title
    for i in range(most, 2, -1):
        if words[i].lower() in _QUALIFIERS:
            return " ".join(words[:i])
    return short_name(title, most)


def _system_name(head: str) -> bool:
    """A title's head before its colon names a system when it is one word spelled as names
    are ("BaDExpert", "UMD", "T-Miner", "Query2CAD"), not a word ("Radiosity: A Programmer's
    Perspective", a book) nor a phrase ("The hemi-cube")."""
    if len(head.split()) != 1:
        return False
    letters = [c for c in head if c.isalpha()]
    return any(c.isdigit() for c in head) or any(c.isupper() for c in letters[1:])


# A sentence does not open with a numeral ("11 works study realistic image synthesis"): the
# count is spelled out up to twenty (a theme rarely holds more; --max-papers caps it).
_NUMBERS: tuple[str, ...] = ("", "One", "Two", "Three", "Four", "Five", "Six", "Seven")
_NUMBERS += ("Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen")
_NUMBERS += ("Sixteen", "Seventeen", "Eighteen", "Nineteen", "Twenty")


def spelled_count(n: int) -> str:
    """``n`` as a sentence opens with it: "Eleven", not "11" (a numeral past twenty)."""
    return _NUMBERS[n] if 0 < n < len(_NUMBERS) else str(n)


def _phrases(source: Source) -> dict[frozenset[str], str]:
    """A paper's key phrases, keyed by their content terms (word order and case aside)."""
    out: dict[frozenset[str], str] = {}
    for phrase in key_phrases(f"{source.title}. {source.text}"):
        key = _key(phrase)
        if key and not generic(key) and not adjectival(phrase):
            out.setdefault(key, phrase)
    return out


def _key(phrase: str) -> frozenset[str]:
    """A phrase's content terms, plurals folded ("backdoor attacks" is "backdoor attack")."""
    return frozenset(t[:-1] if len(t) > 3 and t.endswith("s") else t for t in terms(phrase))


def _opening(
    theme: str, sources: Sequence[Source], phrases: dict[int, dict[frozenset[str], str]]
) -> tuple[str, list[frozenset[str]]]:
    """ "Three works study X, with Y and Z as common threads.": what the theme's papers share
    (and the threads it names, which then link no two papers in particular)."""
    theme_key = _key(theme)
    texts = [s.text for s in sources]
    counts: dict[frozenset[str], int] = {}
    for s in sources:
        for key in phrases[s.n]:
            counts[key] = counts.get(key, 0) + 1
    surface = {k: v for s in reversed(sources) for k, v in phrases[s.n].items()}
    shared = sorted(
        (k for k, c in counts.items() if c >= 2 and not k <= theme_key),
        key=lambda k: (-counts[k], -len(k)),
    )
    threads: list[str] = []
    for key in shared:
        if all(not (key & other) for other in threads_keys(threads)):
            threads.append(in_running_text(surface[key], texts))
        if len(threads) == 2:
            break
    count = spelled_count(len(sources))
    if theme.startswith(OTHER_THEME):
        # "further" than the themes before it: the catch-all comes last, so one holding [1]
        # is the draft's only theme ("Two further works relate ..." opened a one-theme draft).
        further = " further" if min(s.n for s in sources) > 1 else ""
        return f"{count}{further} works relate to the topic from different directions.", []
    opening = f"{count} works study {_plural_head(in_running_text(theme, texts))}"
    if len(threads) == 2:
        opening += f", with {threads[0]} and {threads[1]} as common threads"
    elif threads:
        opening += f", with {threads[0]} as a common thread"
    return opening + ".", threads_keys(threads)


# Head nouns a theme names one of, that the theme sentence speaks of in the plural
# ("Four works study radiosity methods", not "... study radiosity method").
_COUNT_NOUNS = frozenset(
    [
        "accelerator",
        "actuator",
        "agent",
        "algorithm",
        "application",
        "approach",
        "architecture",
        "attack",
        "benchmark",
        "camera",
        "classifier",
        "compiler",
        "controller",
        "curve",
        "database",
        "dataset",
        "decoder",
        "detector",
        "developer",
        "device",
        "encoder",
        "engine",
        "estimator",
        "filter",
        "framework",
        "generator",
        "graph",
        "heuristic",
        "kernel",
        "mesh",
        "method",
        "metric",
        "model",
        "network",
        "optimizer",
        "planner",
        "policy",
        "processor",
        "protocol",
        "renderer",
        "robot",
        "scheduler",
        "sensor",
        "shader",
        "simulator",
        "solver",
        "spline",
        "strategy",
        "system",
        "technique",
        "tool",
        "tracer",
        "transformer",
    ]
)


def in_running_text(phrase: str, texts: Sequence[str] = ()) -> str:
    """A phrase as a sentence's middle writes it: words lower-cased, but not acronyms or
    names spelled with capitals inside ("SMA spring", "ImageNet", not "sma spring"), nor
    words ``texts`` (the papers' abstracts) always write capitalised ("Monte Carlo": a
    graphics draft read "with monte carlo as a common thread")."""
    words = phrase.split()
    # A name the texts capitalise leads the phrase ("Monte Carlo solution"); a capital further
    # in is a spelled-out name's ("long context Tuning" from "Long Context Tuning (LCT)").
    lead = 0
    while lead < len(words) and _mostly_capitalised(words[lead], texts):
        lead += 1
    return " ".join(
        word if i < lead or spelled_as_name(word) or proper_name(word, texts) else word.lower()
        for i, word in enumerate(words)
    )


# Capitals that spell out an acronym, not a name: "Large Language Models (LLMs)".
_SPELLED_OUT = re.compile(r"(?:[\s-]+[A-Z][\w-]*){0,3}\s*\([^)]{0,12}?[A-Z]{2,}")


def _mostly_capitalised(word: str, texts: Sequence[str]) -> bool:
    """Whether as many of ``texts`` write ``word`` capitalised inside a sentence as write it in
    lower case, and one does: "Monte Carlo" in Arvo and Kirk's graphics abstract, Kajiya's
    "a monte carlo solution" in another (a theme sentence read "Three works study monte
    carlo solution"); a sentence's first word tells nothing."""
    if not word[:1].isupper() or "-" in word:  # "Retrieval-Augmented": a title's capitals
        return False
    pattern = re.compile(rf"(?<=[\w,;)] ){re.escape(word)}(?![\w-])", re.IGNORECASE)
    capitals = lower = 0
    for text in texts:
        seen = [
            m.group(0)[0].isupper()
            for m in pattern.finditer(text)
            if not _SPELLED_OUT.match(text, m.end())  # "Large Language Models (LLMs)"
            and not _in_title_run(text, m.start(), m.end())
        ]
        capitals += any(seen)
        lower += not all(seen)
    return capitals >= max(lower, 1)


_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+$")
_CAPITALISED_AFTER = re.compile(r"\s+[A-Z][\w'’-]*")


def _in_title_run(text: str, start: int, end: int) -> bool:
    """Whether the word at ``start:end`` is one of three or more capitalised words in a row:
    a title quoted in an abstract ("MovieBench: A Hierarchical Movie-Level Dataset for Long
    Video Generation"), whose capitals say nothing of the word (a draft read "Four works
    study Long video generation"); "Monte Carlo" is two."""
    if not text[start].isupper():
        return False
    run, at = 1, end
    while run < 3 and (after := _CAPITALISED_AFTER.match(text, at)) is not None:
        run, at = run + 1, after.end()
    at = start
    while run < 3 and (before := _CAPITALISED_BEFORE.search(text, 0, at)) is not None:
        run, at = run + 1, before.start()
    return run >= 3


# Count nouns whose plural is not the rule's ("Four works study matrices, with rotation as a
# common thread": a graphics draft read "Four works study matrix").
_IRREGULAR_PLURALS = {"matrix": "matrices", "vertex": "vertices", "index": "indices"}


def _plural_head(name: str) -> str:
    head, _, last = name.rpartition(" ")
    if last in _IRREGULAR_PLURALS:
        return f"{head} {_IRREGULAR_PLURALS[last]}".strip()
    if last in _COUNT_NOUNS:
        if last.endswith("y") and last[-2:-1] not in "aeiou":
            plural = last[:-1] + "ies"  # "policies", "strategies"
        elif last.endswith(("ch", "sh", "s", "x")):
            plural = last + "es"
        else:
            plural = last + "s"
        return f"{head} {plural}".strip()
    return name


def threads_keys(threads: Sequence[str]) -> list[frozenset[str]]:
    return [_key(t) for t in threads]


def _link(
    source: Source,
    earlier: Sequence[Source],
    phrases: dict[int, dict[frozenset[str], str]],
    theme: str,
    common: frozenset[frozenset[str]] = frozenset(),
    plural: bool = False,
) -> str:
    """How this paper relates to the ones before it: a phrase it shares with one of them.

    Phrases of the theme itself and those most of the theme shares (``common``,
    said once in the opening) relate nothing in particular and are skipped, and so is a
    lone word that is not a name ("Like MovieBench [3], it deals with long." and "... with
    object." in users' drafts: a word two abstracts share relates them on nothing said).
    ``plural``: the paper was named by its authors ("Patashnik et al. [5]"), who "deal".
    """
    theme_key = _key(theme)
    subject = "they deal" if plural else "it deals"
    for key, phrase in phrases[source.n].items():
        if key <= theme_key or any(key <= said for said in common):
            continue  # "edge" once "edge computing" is a thread of the opening
        if len(phrase.split()) == 1 and not spelled_as_name(phrase):
            continue
        for other in reversed(earlier):
            if key in phrases[other.n]:
                name = cited_name(other)[0]
                shown = in_running_text(phrase, [source.text, other.text])
                return f"Like {name} [{other.n}], {subject} with {shown}"
    # No key phrase shared: a word both titles use as the head of a noun phrase ("Backdoor
    # Input Detection", "Unsupervised Model Detection for ...": "detection"). A word both
    # titles merely use as a modifier linked papers on nothing ("it deals with object").
    said = theme_key | {t for key in common for t in key}
    mine = {w for w in _title_words(source.title) & _title_heads(source.title) if _key(w) - said}
    for other in reversed(earlier):
        shared = sorted(mine & _title_words(other.title) & _title_heads(other.title) - _VAGUE)
        if shared:
            return f"Like {cited_name(other)[0]} [{other.n}], {subject} with {shared[0]}"
    return ""


# Title heads that say what kind of text a paper is, not what it is about ("Like Sung et al.
# [2], it deals with implementation" after a paper on RenderMan's design).
_VAGUE = frozenset(
    {
        "implementation",
        "implementations",
        "object",
        "objects",
        "vector",
        "vectors",
        "analysis",
        "study",
        "studies",
        "approach",
        "approaches",
        "system",
        "systems",
        "method",
        "methods",
        "framework",
        "overview",
        "survey",
        "introduction",
        "perspective",
        "experience",
        "design",
        # what any paper does or has ("Like Shirley et al. [2], they deal with calculations" in
        # a Monte Carlo draft of a real graphics library)
        "calculation",
        "calculations",
        "computation",
        "computations",
        "solution",
        "solutions",
        "application",
        "applications",
        "problem",
        "problems",
        "procedure",
        "procedures",
        "technique",
        "techniques",
        "results",
    }
)
_TITLE_STOP = frozenset(
    {"towards", "via", "using", "based", "efficient", "simple", "new", "first", "large", "small"}
)


def _title_words(title: str) -> set[str]:
    words = {w.lower() for w in re.findall(r"[A-Za-z][a-z]{4,}", title)}
    return {w for w in words if w not in _TITLE_STOP and not adjectival(w) and not generic(_key(w))}


def _title_heads(title: str) -> set[str]:
    """The words a title's noun phrases end on: before a qualifier, "and", "of", a colon or
    the end ("Real-time Object Detection in ..." -> "detection", not "object"), lower case."""
    words = title.split()
    heads = set()
    for i, word in enumerate(words):
        after = words[i + 1].lower() if i + 1 < len(words) else ""
        if word.endswith(":") or not after or after in _QUALIFIERS | {"and", "of"}:
            heads.add(word.strip(":,.;").lower())
    return heads


_SUBJECT = re.compile(
    r"^(?P<lead>.*?)\b(?:the authors?|they)\s+(?P<adverb>(?:also|further|then|first|"
    r"additionally|finally)\s+)?(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
_AUTHORS_SUBJECT = re.compile(
    _SUBJECT.pattern.replace("(?:the authors?|they)", "the authors?"), re.I
)
# What a paper calls itself in "In this contribution, they present ...", "in this paper an
# overview ... is presented".
_SELF_NAMES = (
    r"paper|work|study|article|contribution|thesis|letter|note|report|survey|review|tutorial|"
    r"dissertation|chapter"
)
_IN_THIS = re.compile(
    rf"\b(?:in|with) this (?:project|{_SELF_NAMES}),?\s*$|\bhere,?\s*$", re.IGNORECASE
)
_THIS_PAPER = re.compile(
    r"^(?:(?:thoroughly |fully |completely )?(?:revised|updated|expanded), )?"  # a book's jacket
    r"(?:this|the present) (?:paper|work|article|study|note|letter|thesis|chapter|report|"
    r"book|volume|monograph|tutorial|survey|review|(?:\w+ )?edition)\s+"
    r"(?P<adverb>(?:also|further|then|first|finally)\s+)?(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
# The verbs a paper does things by, singular -> plural ("Ramamoorthi and Barr present"): a
# sentence with another verb ("This paper is organised as") stays attributed.
_REPORTING = {
    f"{stem}{ending}": stem
    for stem, ending in (
        *((v, "s") for v in ("present", "propose", "introduce", "describe", "give", "show")),
        *((v, "s") for v in ("develop", "explore", "examine", "investigate", "report")),
        *((v, "s") for v in ("argue", "derive", "provide", "offer", "extend", "demonstrate")),
        *((v, "s") for v in ("consider", "outline", "review", "survey", "prove", "define")),
        *((v, "s") for v in ("evaluate", "compare", "characterize", "characterise", "analyze")),
        *((v, "s") for v in ("summarize", "summarise", "explain", "deal")),
        *((v, "s") for v in ("explore", "highlight", "illustrate", "emphasize", "emphasise")),
        *((v, "es") for v in ("address", "discuss", "focus", "assess")),
    )
} | {"studies": "study", "applies": "apply", "analyses": "analyse", "identifies": "identify"}
_KEEP_VERB = {"can", "could", "will", "would", "may", "might", "must", "should", "also"}
_IRREGULAR = {"are": "is", "have": "has", "were": "was", "do": "does", "go": "goes"}


def _conjugate(verb: str) -> str:
    """Third person singular of a present-tense verb (past tenses and modals unchanged)."""
    lower = verb.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower in _KEEP_VERB or (lower.endswith(("ed", "s")) and not lower.endswith("ss")):
        return verb
    if re.search(r"(s|sh|ch|x|z|o)$", lower):
        return verb + "es"
    if re.search(r"[^aeiou]y$", lower):
        return verb[:-1] + "ies"
    return verb + "s"


def _as_subject(
    sentence: str,
    name: str,
    last: bool = False,
    plural: bool = False,
    own_they: bool = False,
    system: bool = False,
) -> str:
    """The contribution with the paper as its subject.

    "To fill these gaps, the authors propose X" -> "DQA [3] proposes X" (the
    lead-in refers to context the draft does not have; a ``plural`` name keeps
    the verb: "Dean and Ghemawat [3] propose X"); a sentence not in the
    authors' voice is attributed: "According to DyBit [1], ...". ``own_they``: the source
    sentence had a "they" of its own, which is not the authors ("..., they usually do not
    look realistic" of images became "Kay and Greenberg [10] usually do not look realistic").
    ``system``: ``name`` is the paper's system or title, not its authors, so a sentence that
    still speaks of the authors ("a summary of lessons they learned") has them as its
    subject: "The authors of BMRT [6] present ...", not "BMRT [6] presents ... they learned".
    """
    sentence = re.sub(r"^I\b", "The author", sentence)
    bare = _CITED.sub("", name)  # the name without its citation: "MapReduce"
    match = (_AUTHORS_SUBJECT if own_they else _SUBJECT).match(sentence)
    lead = match.group("lead") if match else ""
    this = _THIS_PAPER.match(sentence)
    unmodal = _without_modal(this.group("verb"), this.group("rest")) if this else ("", "")

    def who(rest: str) -> tuple[str, bool]:  # the subject, and whether it is plural
        # "propose DreamRunner, a novel ... method: First, they ..." stays the system's own
        # sentence ("DreamRunner [4] is a novel ...", :func:`_named_once`).
        introduces_itself = bare and re.match(rf"\s+(?:the )?{re.escape(bare)}\b", rest)
        if system and not own_they and not introduces_itself and _AUTHORS_STILL.search(rest):
            return f"the authors of {name}", True
        return name, plural

    if (
        match
        and len(lead.split()) <= 15
        and (not lead.strip() or lead.rstrip().endswith(",") or _IN_THIS.search(lead))
    ):
        adverb = (match.group("adverb") or "").lower()
        if adverb.strip() == "also":
            adverb = ""  # "also" pointed at the paper's own earlier sentences
        verb, rest = _without_modal(match.group("verb"), match.group("rest"))
        subject, many = who(rest)
        rest = agree(verb, rest, many)  # "... and evaluates it on ImageNet"
        text = f"{subject} {adverb}{verb if many else _conjugate(verb)}{rest}"
    elif this and unmodal[0] in _REPORTING_BARE:
        # "This paper presents a simple improved method": the paper is the subject already,
        # so it is named there, not "According to Ramamoorthi and Barr [2], this paper ...".
        verb, rest = unmodal
        subject, many = who(rest)
        rest = agree(verb, rest, many)  # "study X and propose Y"
        verb = _REPORTING.get(verb.lower(), verb) if many else _conjugate(verb)
        text = f"{subject} {this.group('adverb') or ''}{verb}{rest}"
    elif this and this.group("verb").lower() == "is" and re.match(r"\s+an?\s", this.group("rest")):
        # "This paper is a study about software quality ..." (a real library's abstract,
        # drafted "According to Singh and Singh [12], this paper is a study ...").
        subject, many = who(this.group("rest"))
        text = f"{subject} {'present' if many else 'presents'}{this.group('rest')}"
    elif aim := _THEIR_AIM.match(sentence):
        # "Their goal is to develop physically based lighting models ..." (Greenberg et al. in
        # a real graphics draft, "According to Greenberg et al. [1], their goal is to ...")
        text = f"{name} {'aim' if plural else 'aims'} to {aim.group('rest')}"
    elif (passive := _active(sentence, plural)) is not None:
        # "In this paper an overview of X is presented and a Y is proposed" -> "Lennon [6]
        # presents an overview of X and proposes a Y"; "new technology is presented for ..."
        text = f"{name} {passive[0]} {passive[1]}"
    elif owned := _THEIR_THING.match(sentence):
        # "Their model outperforms ..." / "The core idea they propose builds on ...": the
        # paper's own thing as the subject, named as the paper's, not "According to X, their".
        text = f"the {owned.group('noun').lower()} of {name}{owned.group('rest')}"
    elif bare and re.match(rf"{re.escape(bare)}\b", sentence):
        # "MapReduce is a programming model": the sentence's subject is the paper's name
        # already, so it is cited there, not "According to MapReduce [3], MapReduce is".
        text = f"{name}{sentence[len(bare) :]}"
    else:
        text = f"according to {name}, {_continue(sentence)}"
    text = _named_once(text, name, bare, plural)
    if last:
        text = f"Finally, {text}"
    return text[:1].upper() + text[1:] + "."


_THEIR_AIM = re.compile(
    r"^(?:in this (?:paper|work|study|article),?\s+)?(?:their|the authors'?) "
    r"(?:(?:main|primary|overall|ultimate|long-term) )?(?:goal|aim|objective|purpose) "
    r"(?:here )?(?:is|was) to (?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)
# The authors still spoken of after their "we" became the paper's name (third_person's
# "they", "their", "them").
_AUTHORS_STILL = re.compile(r"\b(?:they|their|them|themselves)\b", re.IGNORECASE)
_REPORTING_BARE = {*_REPORTING, *_REPORTING.values()}  # "presents" and, after "will", "present"


def _without_modal(verb: str, rest: str) -> tuple[str, str]:
    """ "will describe the philosophy ..." -> ("describe", " the philosophy ..."): what the
    paper does, in the present as a related-work section says it (a real graphics draft read
    "Sung et al. [6] will describe the philosophy, design decisions, ...")."""
    if verb.lower() in ("will", "shall"):
        found = re.match(r"\s+([a-z]+)\b(.*)$", rest, re.DOTALL)
        if found is not None and found.group(1) in _REPORTING.values():
            return found.group(1), found.group(2)
    return verb, rest


# What a paper does, said in the passive ("an overview ... is presented"), past participle ->
# the verb in the plural.
_PARTICIPLES = {
    "presented": "present",
    "proposed": "propose",
    "described": "describe",
    "introduced": "introduce",
    "discussed": "discuss",
    "developed": "develop",
    "derived": "derive",
    "investigated": "investigate",
    "examined": "examine",
    "studied": "study",
    "analyzed": "analyze",
    "analysed": "analyse",
    "evaluated": "evaluate",
    "reported": "report",
    "outlined": "outline",
    "considered": "consider",
    "given": "give",
    "provided": "provide",
    "demonstrated": "demonstrate",
    "explored": "explore",
    "reviewed": "review",
    "surveyed": "survey",
    "summarized": "summarize",
    "summarised": "summarise",
    "explained": "explain",
    "addressed": "address",
    "identified": "identify",
}
_PARTICIPLE = "|".join(_PARTICIPLES)
_PASSIVE = re.compile(
    rf"^(?:(?:in|with) this (?:{_SELF_NAMES}),?\s+)?"
    r"(?P<subject>(?!(?:it|there|this|these|those|that|which|what|such)\b)[^;:]{3,200}?),?\s+"
    rf"(?:is|are)\s+(?P<verb>{_PARTICIPLE})\b(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_SECOND_PASSIVE = re.compile(
    r"^(?P<mid>.*?)\s+and\s+(?P<subject>(?!(?:it|there)\b)[^,;:]{3,150}?)\s+(?:is|are)\s+"
    rf"(?P<verb>{_PARTICIPLE})\b(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had)\b", re.IGNORECASE)
# A lead clause is not the subject: "With examples from recent movies, the architectures ...
# are introduced" read "Keller et al. [1] introduce with examples from recent movies, ...".
_CLAUSE_OPENER = re.compile(
    r"(?:with|as|by|for|in|on|to|from|after|before|since|when|while|although|though|because|"
    r"using|based|given|unlike|like|through|via|under|over|among|at|of|if|once|here|now|"
    r"finally|first|then|thus|hence|moreover|furthermore|however|also|additionally)\b",
    re.IGNORECASE,
)


def _active(sentence: str, plural: bool) -> tuple[str, str] | None:
    """A sentence saying in the passive what the paper does, as (verb, what follows it) in
    the active voice, for a subject of that ``plural``; ``None`` for any other sentence (a
    subject with a verb of its own, "X is a method that is proposed", is left alone)."""
    found = _PASSIVE.match(sentence)
    if found is None:
        return None
    subject = found.group("subject").rstrip(" ,")
    if _FINITE.search(subject) or len(subject.split()) > 30 or _CLAUSE_OPENER.match(subject):
        return None

    def verb(participle: str) -> str:
        plain = _PARTICIPLES[participle.lower()]
        return plain if plural else _conjugate(plain)

    rest = found.group("rest")
    second = _SECOND_PASSIVE.match(rest)
    if second is not None and not _FINITE.search(second.group("subject")):
        # "... is presented and a prototype ... is proposed": both verbs the paper's
        rest = (
            f"{second.group('mid')} and {verb(second.group('verb'))} "
            f"{second.group('subject')}{second.group('rest')}"
        )
    return verb(found.group("verb")), f"{_continue(subject)}{rest}"


_CITED = re.compile(r"\s*\[\d+\]$")
_INTRODUCING = (
    r"introduces?|presents?|proposes?|develops?|designs?|builds?|describes?|implements?|"
    r"introduced|presented|proposed|developed|designed|built|described|implemented"
)


def _named_once(text: str, name: str, bare: str, plural: bool) -> str:
    """ "AutoDroid [2] introduces AutoDroid, a mobile task automation system ..." ->
    "AutoDroid [2] is a mobile task automation system ...": a system named after itself
    (the authors' "We introduce AutoDroid, a ..." with the paper's name as subject);
    ``bare`` is ``name`` without its citation."""
    if not bare:
        return text
    found = re.match(
        rf"^{re.escape(name)} (?:{_INTRODUCING}) (?:the )?{re.escape(bare)}\b(?P<rest>.*)$", text
    )
    if found is not None:
        rest = found.group("rest")
        if re.match(r"[,:]\s+(?:a|an|the)\s", rest):  # "presents MoMA: an open-vocabulary ..."
            return f"{name} {'are' if plural else 'is'} {rest.lstrip(',: ')}"
        return text  # "... introduces AutoDroid which ...": no appositive to say what it is
    # "BottleFit [2] proposes a new framework called BottleFit, which ...", "VideoStudio [3]
    # proposes a novel framework, namely VideoStudio, for ..."
    called = re.match(
        rf"^{re.escape(name)} (?:{_INTRODUCING}) (?P<what>(?:a|an) [^,;]{{1,60}}?),? "
        rf"(?:called|named|dubbed|termed|(?P<namely>namely)) {re.escape(bare)}\b(?P<rest>.*)$",
        text,
    )
    if called is None:
        return text
    rest = called.group("rest")
    if called.group("namely"):  # the appositive's closing comma goes with "namely"
        rest = rest.removeprefix(",")
    return f"{name} {'are' if plural else 'is'} {called.group('what')}{rest}"


_THINGS = (
    r"approach|method|model|framework|system|technique|algorithm|scheme|design|solution|"
    r"idea|architecture|tool|results?|experiments?|analysis|evaluation|findings|contribution|"
    r"study"
)
_THEIR_THING = re.compile(
    rf"^(?:their |the proposed |the (?=(?:core|main|key|central|basic) ))"
    rf"(?P<noun>(?:(?:core|main|key|central|basic|new|novel|proposed) )?(?:{_THINGS}))"
    rf"(?: (?:they|the authors?) (?:propose|present|introduce|develop)s?)?(?P<rest> .*)$",
    re.IGNORECASE,
)


_COMMON_OPENERS = {
    "the",
    "their",
    "they",
    "a",
    "an",
    "this",
    "these",
    "it",
    "its",
    "in",
    "to",
    "by",
}


# A sentence that opens with a cited author ("Alexa (2002) proposed", "Shoemake et al. [1985]",
# "Barr and Currin (1992)"): a name, whatever its letters look like.
_CITED_AUTHOR = re.compile(
    r"^[A-Z][\w'’-]*(?:\s+(?:et al\.?|(?:and|&)\s+[A-Z][\w'’-]*))?,?\s*[(\[](?:1[5-9]|20)\d\d"
)


def _continue(sentence: str) -> str:
    """Lower-case a sentence's first word inside another sentence, unless it is a name."""
    first = sentence.split(" ", 1)[0]
    if _CITED_AUTHOR.match(sentence):  # "according to ..., alexa (2002) proposed"
        return sentence
    # "O objetivo desta pesquisa ...": a one-letter word (Portuguese's article) is no name.
    one_letter = len(first) == 1 and first.isalpha() and first != "I"
    if first.lower() in _COMMON_OPENERS or one_letter or (first.isalpha() and first[1:].islower()):
        return sentence[:1].lower() + sentence[1:]
    return sentence
