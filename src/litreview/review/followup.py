"""A question in a conversation: does it lean on the turns before it, and what to search for it.

A follow-up is searched with the question it follows only when it leans on it: a topic change
("How can huge models be trained with little GPU memory?" after a question on backdoors) must
retrieve exactly what it would as a first question, or the earlier topic crowds it out.
``bench/followup_retrieval`` measures the rule and the alternatives to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from litreview.index.fusion import reciprocal_rank_fusion
from litreview.index.library import Library
from litreview.index.retriever import Filters, SearchHit
from litreview.llm.types import Message
from litreview.review.session import earlier_citations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|‘[^’]*’")
_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
# Words that point back at something said before, whatever surrounds them.
_DEICTIC = _words(
    "this these those such former latter above aforementioned abovementioned previous mentioned"
)
# Personal pronouns point back only when nothing in the question came before them to refer to
# ("Does it need clean data?", not "How do diffusion models generalize, and why do they ...").
_PRONOUNS = _words("it its itself they them their theirs themselves")
# "that" is mostly a relative pronoun ("methods that prune"); it points back on its own, or
# before a noun that names an earlier answer's subject ("that approach").
_THAT_NOUNS = _words(
    "one ones approach approaches method methods paper papers work works model models "
    "technique techniques idea ideas result results system systems defense defence attack "
    "supervision framework algorithm"
)
# Openings that continue the previous question ("And for diffusion models?", "What about ...").
_CONTINUATIONS = (
    "and ",
    "also ",
    "what about ",
    "how about ",
    "same ",
    "any other",
    "anything else",
    "what else",
    "others",
    "more ",
    "but ",
    "or ",
    "so ",
    "then ",
    "how so",
    "which one",
    "the first",
    "the second",
    "the last",
)
_STOPWORDS = _words(
    "a an the and or but if of to in on for with by from at as is are was were be been being "
    "do does did done doing has have had can could may might must shall should will would "
    "what which who whom whose when where why how there here not no nor so than too very "
    "i me my we our you your he she him her his one any all each some most more other "
    "about into over under between through during before after again further only own same "
    "just also both either neither much many few less least way ways paper papers library "
    "exist exists existing use used using work works make makes made"
)


# Words that ask about something without naming it: a question made only of these and stopwords
# ("Which is fastest?", "Tell me more about the first one") is about the previous topic.
_GENERIC = _words(
    "fastest slowest best worst cheapest newest oldest latest recent biggest smallest largest "
    "fast faster slow slower better worse bigger smaller cheaper cost costs code data dataset "
    "datasets result results accuracy limitation limitations drawback drawbacks advantage "
    "advantages pros cons difference differences differ compare compared comparison tell "
    "explain describe summarize summarise show give list detail details example examples "
    "first second third last else"
)


def _unquoted(question: str) -> str:
    """The question as the rules read it: case folded, one apostrophe, quoted text (a title
    in "papers like “…”") set aside, since its words never point back."""
    return _QUOTED.sub(" quoted ", question.casefold().replace("’", "'"))


# "it" that refers to nothing: "Is it possible to ...", "Does it matter which ...", "How long
# does it take to ...".
_EXPLETIVE_IT = re.compile(
    r"\bit (?:is |was |would be |might be )?(?:possible|true|necessary|feasible|worth|better|"
    r"known|common|hard|easy|important|matter|matters|likely|enough|takes?|took)\b"
)
# A pronoun that is a clause's subject or object (not "its", not "itself") cannot stand for a
# noun of its own clause: in "How much training time does it save?" the two content words
# before "it" are what is asked, not what "it" is. Only the question's first clause is read so:
# after one of these, a pronoun may take its noun from the clause before ("How does federated
# learning work and what does it cost?", "How can models be compressed to make them faster?").
_CLAUSE_PRONOUNS = _words("it they them")
_CLAUSE_BREAKS = _words(
    "and or but if when whenever while because since once so that which who whom whose where "
    "without by to unless until although though after before as whether than"
)
_CLAUSE_PUNCTUATION = re.compile(r"[,;:()]")


def _content_before(words: list[str], index: int) -> int:
    return sum(1 for w in words[:index] if w not in _STOPWORDS and len(w) > 2)


def _in_first_clause(question: str) -> bool:
    """Is a subject or object pronoun in the question's first clause ("How much training time
    does it save?", "Is reinforcement learning used for it?")? It then points back, whatever
    words come before it."""
    text = _EXPLETIVE_IT.sub(" ", _unquoted(question))
    first = _CLAUSE_PUNCTUATION.split(text, maxsplit=1)[0]
    for word in _WORD.findall(first):
        if word in _CLAUSE_BREAKS:
            return False
        if word in _CLAUSE_PRONOUNS:
            return True
    return False


def depends_on_history(question: str) -> bool:
    """Does ``question`` lean on the turns before it (an anaphor, an ellipsis)?

    Deliberately lexical: it runs on every question and costs nothing. Reading
    a topic change as a follow-up costs little (``retrieve`` fuses in the
    question's own search); the reverse loses the context, so the rule leans
    to "follow-up" (``bench/followup_retrieval`` counts both mistakes). Quoted
    text (a title in "papers like “…”") is not read: its words never point back.
    """
    words = _WORD.findall(_unquoted(question))
    if not words:
        return False
    stripped = " ".join(words) + " "
    if stripped.startswith(_CONTINUATIONS):
        return True
    if not any(w not in _STOPWORDS and w not in _GENERIC and len(w) > 2 for w in words):
        return True  # "Which is fastest?", "Any code?"
    if _in_first_clause(question):
        return True
    for i, word in enumerate(words):
        if word in _DEICTIC:
            return True
        if word in _PRONOUNS and _content_before(words, i) < 2:
            return True
        if word in ("one", "ones") and _content_before(words, i) < 2:
            after = words[i + 1] if i + 1 < len(words) else ""
            if after in _STOPWORDS or after in ("that", ""):  # "one that ...", not "one network"
                return True
        if word == "that":
            after = words[i + 1] if i + 1 < len(words) else ""
            if not after or after in _THAT_NOUNS or i == 0:
                return True
    return False


_SINGULAR = _words("it its itself it's")
_WITHIN_A_SET = re.compile(
    r"\b(?:any|some|each|which|one|all|none|both|either|neither|many|most|few) of\b|"
    r"\bwhich ones?\b|\b(?:these|those|others)\b"
)
# A plural pronoun is a set ("Which needs less data, and do they scale?") unless the question
# also names one thing: in "Which benchmarks did they evaluate it on?" "they" are its authors.
_PLURAL = re.compile(r"\b(?:they|them|their|theirs)\b")
_SINGULAR_NOUNS = _words(
    "one approach method paper work model technique idea result system defense defence attack "
    "framework algorithm architecture tool dataset benchmark study"
)


def points_to_one(question: str) -> bool:
    """Does ``question`` ask about one thing named before ("Which datasets was it evaluated
    on?", "What are this method's limitations?"), rather than within a set ("Which of them
    ...")? Read only for a question that :func:`depends_on_history`.

    Why it matters: the question alone names nothing ("it"), so its own search ranks whatever
    papers talk of datasets or evaluation, and fusing that in pushed the one paper the
    conversation is about out of the sources (a user's "What is ReAct?" then "Which
    benchmarks was it evaluated on?"). A set's follow-up is different: its own words rank
    the papers within the set, which fusion keeps.
    """
    text = _EXPLETIVE_IT.sub(" ", _unquoted(question))
    if _WITHIN_A_SET.search(text):  # "Which one combines it with ...", "Does any of it ..."
        return False
    words = _WORD.findall(text)
    if _PLURAL.search(text) and not _SINGULAR & set(words):
        return False
    for i, word in enumerate(words):
        if word in _SINGULAR:
            return True
        if word in ("this", "that") and i + 1 < len(words):
            after = words[i + 1].removesuffix("'s")
            if after in _SINGULAR_NOUNS:
                return True
    return False


# Words a follow-up asks *about* its set with, which name no topic of their own: "What
# datasets were they evaluated on?" searched alone ranks whatever papers talk of datasets and
# evaluation (a user's backdoor-detection follow-up drew an ImageNet study and a verifier
# benchmark into first place).
_ASKING = _words(
    "evaluate evaluated evaluates evaluation evaluations test tested tests testing train "
    "trained training benchmark benchmarks metric metrics baseline baselines performance "
    "perform performed performs report reported reports need needed needs require required "
    "requires requirement requirements outperform outperformed outperforms measure measured "
    "published publish year years author authors propose proposed run runs"
)


_NO_TOPIC = _STOPWORDS | _GENERIC | _ASKING | _PRONOUNS | _DEICTIC


def names_a_topic(question: str) -> bool:
    """Does ``question`` hold a word of its own that could rank papers (not only "datasets",
    "evaluated", "best" and the like)?"""
    return any(
        w not in _NO_TOPIC and len(w) > 2 and not w.isdigit()
        for w in _WORD.findall(_unquoted(question))
    )


MAX_CONTEXT_QUESTIONS = 3


def leaned_on(question: str, history: Sequence[Message]) -> list[str]:
    """The earlier questions ``question`` leans on: the previous one, and the one before
    while those lean back too; none for a question that stands alone."""
    if not depends_on_history(question):
        return []
    earlier = [m.content for m in history if m.role == "user"]
    context: list[str] = []
    for previous in reversed(earlier[-MAX_CONTEXT_QUESTIONS:]):
        context.insert(0, previous)
        if not depends_on_history(previous):
            break
    return context


def retrieval_query(question: str, history: Sequence[Message]) -> str:
    """The text retrieval searches for ``question`` asked after ``history``.

    A question that leans on the previous one ("Which of them needs no clean
    data?") is searched with it, and with the one before while those lean back
    too; any other question is searched alone, exactly as a first question.
    """
    return " ".join([*leaned_on(question, history), question])


def about_one(question: str, history: Sequence[Message]) -> bool:
    """Is ``question`` about the one thing an earlier turn named (:func:`points_to_one`, and
    it leans on the turns before it)? Its search then ranks that thing first, and its answer
    is that thing's (``ask``): "Which benchmarks did they evaluate it on?" after a question on
    Reflexion quoted AutoDroid's and a sentiment paper's benchmarks, whose words match the
    question alone better."""
    return retrieval_query(question, history) != question and points_to_one(question)


def retrieve(
    library: Library,
    question: str,
    history: Sequence[Message] = (),
    *,
    k: int,
    exclude: frozenset[str] = frozenset(),
    filters: Filters | None = None,
) -> list[SearchHit]:
    """The papers for ``question`` asked after ``history``.

    A question that stands alone is searched alone. One that leans on the turns in words
    that name no topic (:func:`names_a_topic`: "Which benchmarks was it evaluated on?") is
    searched by the questions it leans on alone: they name the thing, and its own words
    ("benchmarks", "evaluated") only rank other papers that use them above it (ReAct fell to
    fourth behind AutoDroid's and a sentiment paper's benchmarks on a user's library of real
    PDFs); its words choose the sentences of the answer instead. One about the single thing
    an earlier turn named (:func:`points_to_one`) in words of its own is searched with the
    questions it leans on, and only so. One that leans on a set ("Which of them
    ...?") is searched twice, alone and with the questions it leans on, and the two rankings
    are fused (reciprocal rank): the earlier question says what "them" is, the new one's own
    words still rank the papers within it, and a topic change misread as a follow-up keeps
    its own papers near the top.
    ``bench/followup_retrieval`` measures the alternatives. ``filters`` (a Zotero
    collection or tag, ...) bound both searches; ``exclude`` adds to its exclusions.
    """
    filters = filters or Filters()
    filters = replace(filters, exclude=filters.exclude | exclude)
    context = leaned_on(question, history)
    if not context:
        return library.search(library.request(question, k=k, filters=filters))
    only = the_one_cited(history) if points_to_one(question) else None
    if only is not None:
        return _first(library, only, " ".join(context), k, filters)
    # In words that name no topic ("Which benchmarks was it evaluated on?", "What datasets
    # were they evaluated on?"): the earlier turns' words say what is asked about, alone.
    if not names_a_topic(question):
        return library.search(library.request(" ".join(context), k=k, filters=filters))
    in_context = " ".join([*context, question])
    # About the one thing named before (:func:`about_one`), in words of its own ("Has it been
    # applied to graph neural networks?"): both say which.
    if points_to_one(question):
        return library.search(library.request(in_context, k=k, filters=filters))
    depth = max(2 * k, 20)
    rankings = [
        library.search(library.request(query, k=depth, filters=filters))
        for query in (question, in_context)
    ]
    by_id: dict[str, SearchHit] = {}
    for ranking in reversed(rankings):  # the question's own hit (and scores) wins
        by_id.update((hit.paper.paper_id, hit) for hit in ranking)
    fused = reciprocal_rank_fusion(
        [[hit.paper.paper_id for hit in ranking] for ranking in rankings], [1.0, 1.0]
    )
    order = sorted(fused, key=lambda paper_id: -fused[paper_id])[:k]
    return [replace(by_id[paper_id], rank=rank) for rank, paper_id in enumerate(order, start=1)]


def the_one_cited(history: Sequence[Message]) -> str | None:
    """The paper the previous answer cited when it cited exactly one: what "it" is in the next
    question. After "Which of those are from before 1990?" listed the hemi-cube paper alone,
    "How does it work?" searched by the earlier questions ("radiosity ... before 1990") was
    answered from another radiosity book; the answer the user read named one paper. An answer
    that cited nothing in between (a refusal, "None of the 3 papers cited before are from after
    2020") changes nothing: "How does it work?" after one was answered from a paper the chat
    never mentioned."""
    cited = earlier_citations(history)
    return cited[0] if len(set(cited)) == 1 else None


# How deep the search by the earlier turns looks for the one paper cited before.
_ONE_DEPTH = 50


def _first(
    library: Library, paper_id: str, query: str, k: int, filters: Filters
) -> list[SearchHit]:
    """The search for ``query``, with ``paper_id`` moved first (its own hit, passages and all,
    when the search finds it; its bare record when filters or depth leave it out)."""
    hits = library.search(library.request(query, k=max(k, _ONE_DEPTH), filters=filters))
    found = [hit for hit in hits if hit.paper.paper_id == paper_id]
    if found:
        head = found[0]
    else:
        paper = library.get([paper_id]).get(paper_id)
        ruled_out = paper_id in filters.exclude or (
            filters.active() and paper_id not in library.ids_matching(filters)
        )
        if paper is None or ruled_out:  # removed since, or the chat's filters leave it out
            return hits[:k]
        head = SearchHit(paper=paper, rank=1, score=hits[0].score if hits else 0.0)
    rest = [hit for hit in hits if hit.paper.paper_id != paper_id][: k - 1]
    return [replace(hit, rank=rank) for rank, hit in enumerate([head, *rest], start=1)]
