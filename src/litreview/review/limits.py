"""Limits a question puts on which papers it is about: years, authors, venues, kinds of item.

"Which of those are from before 1990?", "Which papers are by Kajiya?", "Quais deles são
anteriores a 2015?", "Which of those from before 1995 use ray tracing?" and "What did Kajiya
propose in 1986?" each name papers by their catalog metadata, not by what they say: searched as
words, the limit is lost (the trial's answer to the fourth cited Wald et al. 2001). :func:`read`
takes the limits out of a question, in English and Portuguese (the library's users write
both), and says what is left of it: nothing but filler (a listing, :mod:`metadata_followup`),
or a question about content to answer from the limited papers (:mod:`limited`).

A phrase is read as a limit only in the forms people use for one ("by Cohen", "before 1990",
"journal articles", "did Kajiya ..." for an author the library has); "What changed in rendering
after 1990?" keeps its year as part of the question unless it is tied to the papers asked about
("papers from before 1990") or to an author (:attr:`Reading.applies_to_library`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from litreview.evidence.frame import PAPER_NOUNS
from litreview.index.catalog import AuthorQuery, fold_name
from litreview.reading.paper import VENUE_FIELDS, Paper

_PERIOD = r"(?:the\s+)?(?:'?(\d{2})s|(1[5-9]\d\d|20\d\d)(s)?)\b"
# Year constraints, each an operator before (or after) a year or a decade ("the 1980s", "'80s").
# Portuguese decades ("anos 80", "década de 1980") are rewritten to "'80s" first (_DECADES_PT).
_YEAR_RULES: tuple[tuple[str, str], ...] = (
    ("between", rf"\bbetween\s+{_PERIOD}\s+and\s+{_PERIOD}"),
    ("between", rf"\bentre\s+{_PERIOD}\s+e\s+{_PERIOD}"),
    ("between", rf"\bfrom\s+{_PERIOD}\s*(?:to|until|till|through|-|–)\s*{_PERIOD}"),
    ("between", rf"\bde\s+{_PERIOD}\s*(?:a|até|-|–)\s*{_PERIOD}"),
    ("between", rf"\b{_PERIOD}\s*(?:-|–)\s*{_PERIOD}"),
    ("since", rf"\b(?:from|in)\s+{_PERIOD}\s+(?:on|onwards?|forwards?|or later|and later)"),
    ("since", rf"\b(?:de|em)\s+{_PERIOD}\s+em\s+diante"),
    ("since", rf"\b{_PERIOD}\s+(?:or|and)\s+(?:later|after|newer)"),
    ("since", rf"\b{_PERIOD}\s+(?:ou|e)\s+(?:depois|posteriores|mais\s+recentes)"),
    ("until", rf"\b{_PERIOD}\s+(?:or|and)\s+(?:earlier|before|older)"),
    ("until", rf"\b{_PERIOD}\s+(?:ou|e)\s+(?:antes|anteriores|mais\s+antigos)"),
    ("since", rf"\b(?:since|starting(?:\s+(?:in|from))?|as of|no earlier than)\s+{_PERIOD}"),
    ("since", rf"\b(?:desde|a\s+partir\s+de)\s+{_PERIOD}"),
    ("until", rf"\b(?:until|till|up to|up until|through|no later than|by)\s+{_PERIOD}"),
    ("until", rf"\b(?:até)\s+{_PERIOD}"),
    ("before", rf"\b(?:before|prior to|earlier than|older than|pre-?)\s*{_PERIOD}"),
    ("before", rf"\b(?:antes\s+de|anteriores?\s+a|mais\s+antig[oa]s?\s+(?:do\s+)?que)\s*{_PERIOD}"),
    ("after", rf"\b(?:after|later than|newer than|more recent than|post-?)\s*{_PERIOD}"),
    (
        "after",
        rf"\b(?:depois\s+de|ap[oó]s|posteriores?\s+a|mais\s+recentes?\s+(?:do\s+)?que)\s*"
        rf"{_PERIOD}",
    ),
    ("in", rf"\b(?:in|from|during|of|dated)\s+{_PERIOD}"),
    ("in", rf"\b(?:em|de|do|dos|no|nos|da|na|durante)\s+(?:ano\s+de\s+)?{_PERIOD}"),
)
_DECADES_PT = (
    (re.compile(r"\banos\s+(\d{2})\b", re.I), r"'\1s"),
    (re.compile(r"\banos\s+((?:19|20)\d0)\b", re.I), r"\1s"),
    (re.compile(r"\bd[ée]cada\s+de\s+(\d{2})\b", re.I), r"'\1s"),
    (re.compile(r"\bd[ée]cada\s+de\s+((?:19|20)\d0)\b", re.I), r"\1s"),
)
_SORT_VERB = r"(?:(?:sort|order|rank|list|arrange|orden[ea]r?|organiz[ea]r?|list[ea]r?)\s+)?"
_SORT_RULES: tuple[tuple[bool | None, str], ...] = (
    (True, r"\b(?:in\s+)?reverse(?:d)?\s+chronological(?:ly|\s+order)?"),
    (False, r"\b(?:in\s+)?chronological(?:ly|\s+order)?"),
    (True, r"\b(?:em\s+)?ordem\s+cronol[oó]gica\s+(?:inversa|decrescente)"),
    (False, r"\b(?:em\s+)?ordem\s+cronol[oó]gica"),
    (True, r"\b(?:newest|latest|most recent|youngest)\s+(?:ones?\s+|papers?\s+)?first"),
    (False, r"\b(?:oldest|earliest)\s+(?:ones?\s+|papers?\s+)?first"),
    (True, r"\b(?:d?os\s+)?mais\s+(?:recentes?|novos?)\s+(?:primeiro|antes)"),
    (False, r"\b(?:d?os\s+)?mais\s+antigos?\s+(?:primeiro|antes)"),
    (False, r"\bdo\s+mais\s+antigo\s+(?:ao|para\s+o)\s+mais\s+(?:recente|novo)"),
    (True, r"\bdo\s+mais\s+(?:recente|novo)\s+(?:ao|para\s+o)\s+mais\s+antigo"),
    (None, rf"\b{_SORT_VERB}by\s+(?:their\s+)?(?:publication\s+)?(?:year|date|age)s?\b"),
    (None, rf"\b{_SORT_VERB}(?:-?(?:os|as)\s+)?por\s+(?:ano|data)s?(?:\s+de\s+publica[cç][aã]o)?"),
)
_DESCENDING = re.compile(
    r"\b(?:descending|decreasing|reverse|decrescente|inversa)\b", re.IGNORECASE
)
_EXTREME = re.compile(
    r"\b(?:the\s+)?(?:(oldest|earliest|first published)|(newest|latest|most recent|youngest))"
    r"(?:\s+(?:ones?|papers?))?\b|"
    r"\b(?:[oa]s?\s+)?mais\s+(?:(antig[oa]s?)|(recentes?|nov[oa]s?))\b",
    re.IGNORECASE,
)
# Kinds of item, as Zotero (item_type) and BibTeX (entry_type) record them.
KINDS: tuple[tuple[str, frozenset[str], str], ...] = (
    (
        "journal articles",
        frozenset({"journalArticle", "article", "magazineArticle"}),
        r"(?:journal|periodical)\s+(?:articles?|papers?)|"
        r"(?:articles?|papers?|published|appeared)\s+in\s+(?:an?\s+|the\s+)?journals?|"
        r"(?:artigos?|trabalhos?|publicad[oa]s?)\s+(?:de|em|n[oa]s?)\s+(?:uma?\s+)?"
        r"(?:peri[oó]dicos?|revistas?)",
    ),
    (
        "conference papers",
        frozenset({"conferencePaper", "inproceedings", "proceedings"}),
        r"(?:conference|proceedings|workshop)\s+(?:papers?|articles?)|"
        r"(?:articles?|papers?|published|appeared|presented)\s+(?:in|at)\s+(?:an?\s+|the\s+)?"
        r"(?:conferences?|workshops?)|"
        r"(?:artigos?|trabalhos?|publicad[oa]s?|apresentad[oa]s?)\s+(?:de|em|n[oa]s?)\s+"
        r"(?:uma?\s+)?(?:confer[eê]ncias?|congressos?|eventos?|anais)",
    ),
    (
        "book chapters",
        frozenset({"bookSection", "incollection", "inbook"}),
        r"book\s+(?:chapters?|sections?)|chapters|cap[ií]tulos?\s+de\s+livros?|cap[ií]tulos",
    ),
    ("books", frozenset({"book"}), r"books|livros"),
    (
        "theses",
        frozenset({"thesis", "phdthesis", "mastersthesis"}),
        r"theses|dissertations|teses|disserta[cç][oõ]es",
    ),
    (
        "reports",
        frozenset({"report", "techreport"}),
        r"technical\s+reports?|reports|relat[oó]rios\s+t[eé]cnicos|relat[oó]rios",
    ),
    ("preprints", frozenset({"preprint"}), r"preprints"),
    (
        "web pages",
        frozenset({"webpage", "blogPost", "online"}),
        r"web\s*pages?|websites?|blog\s+posts?|p[aá]ginas?\s+(?:da\s+)?web",
    ),
)
_ONE_KIND = {
    "journal articles": "a journal article",
    "conference papers": "a conference paper",
    "book chapters": "a book chapter",
    "books": "a book",
    "theses": "a thesis",
    "reports": "a report",
    "preprints": "a preprint",
    "web pages": "a web page",
}
# Where a name or a venue typed after "by" / "in" ends: the next constraint or the question's.
# Portuguese words only in lower case, so that an initial ("E. Letier") is still a name.
_BOUNDARY = (
    r"(?:(?:and|or|but|before|after|since|until|between|in|at|from|by|published|written|"
    r"appeared|sorted|ordered|that|which|who|with|as|among)\b|"
    r"(?-i:(?:e|ou|mas|antes|depois|desde|até|entre|em|de|do|da|por|que|publicad[oa]s?|"
    r"escrit[oa]s?|anteriores|posteriores|após|com|são|foram)\b))"
)
_STOP = rf"(?=\s*(?:[?,;!.]?\s*$|[?,;!]|\b{_BOUNDARY}))"
_NAME_WORD = rf"(?!{_BOUNDARY})[^\W\d_][\w.'’-]*"
_NAME = rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}?)"
_JOIN = r"(?:and|or|e|ou)"
_AUTHOR_RULES = (
    rf"\b(?:(?:written|authored|co-?authored)\s+)?by\s+(?:either\s+)?{_NAME}"
    rf"(?:\s+{_JOIN}\s+{_NAME})?{_STOP}",
    rf"\b(?:has|have|with)\s+{_NAME}\s+(?:as|among)\s+(?:an?\s+|the\s+|their\s+)?"
    r"(?:co-?)?authors?\b",
    rf"\b(?:(?:escrit[oa]s?|publicad[oa]s?|assinad[oa]s?)\s+)?por\s+{_NAME}"
    rf"(?:\s+{_JOIN}\s+{_NAME})?{_STOP}",
    rf"\b(?:d[oa]s?\s+autor(?:es|a|as)?|de\s+autoria\s+de)\s+{_NAME}"
    rf"(?:\s+{_JOIN}\s+{_NAME})?{_STOP}",
)
# A capitalised name where an author is the subject ("What did Kajiya propose", "Kajiya's
# paper", "o que Kajiya propôs", "artigos de Kajiya"): read as an author only when the library
# (or the earlier answer) has one by that name.
_CAPITAL = r"(?-i:[A-ZÀ-Ý])[\w'’-]+"
_SUBJECT_NAME = rf"({_CAPITAL}(?:\s+{_CAPITAL}){{0,2}})"
_IMPLIED_AUTHOR_RULES = (
    rf"\b(?:did|does|do|has|have|had)\s+{_SUBJECT_NAME}(?=\s+[a-z])",
    rf"\b{_SUBJECT_NAME}(?:'s|’s)(?=\s)",
    rf"\b{_SUBJECT_NAME}\s+et\s+al\b\.?",
    rf"\bo\s+que\s+{_SUBJECT_NAME}(?=\s+[a-zà-ý])",
    rf"\b(?:artigos?|trabalhos?|papers?|works?|publica[cç](?:[aã]o|[oõ]es))\s+(?:de|of)\s+"
    rf"{_SUBJECT_NAME}{_STOP}",
    rf"\b(?:são|é|foram|foi|sejam)\s+de\s+{_SUBJECT_NAME}{_STOP}",
)
_VENUE_WORDS = re.compile(
    r"\b(?:journal|conference|proceedings|transactions|symposium|workshop|letters|review)\b",
    re.IGNORECASE,
)
_VENUE_WORD = rf"(?!{_BOUNDARY})[^\W_][\w.&'’:+-]*"
_VENUE = rf"({_VENUE_WORD}(?:\s+[^\W_][\w.&'’:+-]*){{0,7}}?)"
_PUBLISHED = (
    r"\b(?:appeared|appear|published|presented|printed|came out|publicad[oa]s?|"
    r"apresentad[oa]s?|sa[ií]ram)\s+(?:in|at|em|n[oa]s?)\s+"
)
_PUBLISHED_IN = rf"{_PUBLISHED}(?:the\s+)?{_VENUE}{_STOP}"
_PUBLISHED_BY = rf"\bpublished\s+by\s+{_VENUE}{_STOP}"  # an author or a publisher
_BARE_IN = rf"\b(?:in|at|from)\s+(?:the\s+)?{_VENUE}{_STOP}"

# The question points back at the earlier papers.
_BACK = re.compile(
    r"\b(?:those|these|them|they|their|theirs|above)\b|"
    r"\b(?:which|any|how many|none|all|some|each|one) of\b|\bwhich ones?\b|"
    r"\b(?:the|only|just)\s+ones\b|"
    r"\b(?:deles|delas|desses|dessas|destes|destas|esses|essas|estes|estas|eles|elas)\b|"
    r"-(?:os|as)\b",
    re.IGNORECASE,
)
# Words that say the question is about papers as such: "Which papers are from before 1990?"
_PAPERS = re.compile(
    rf"\b(?:{PAPER_NOUNS}|library|biblioteca)\b|"
    + "|".join(rf"\b(?:{pattern})\b" for _, _, pattern in KINDS),
    re.IGNORECASE,
)
# A year tied to the papers asked about ("papers from before 1995", "artigos anteriores a").
_TIED = re.compile(
    rf"\b(?:{PAPER_NOUNS}|ones)\s+(?:(?:that|which)\s+(?:were|are|was|is)\s+|"
    r"(?:que\s+)?(?:foram|são|sejam)\s+)?(?:(?:published|written|dated|publicad[oa]s?|"
    r"escrit[oa]s?)\s+)?(?:from\s+|de\s+)?$",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words left around the constraints of a metadata question: any other word asks about content.
FILLER = _words(
    "which what who of those these them they their theirs the a an are is were was be been any "
    "ones one papers paper articles article sources source references reference works work "
    "items item books book published publish written write wrote appeared appear come came dated "
    "date list show give tell me us only sort sorted order ordered rank ranked arrange "
    "arranged please can could would you do does did have has there among how many and or that "
    "all some none each just also i want to it year years please cited above previous "
    "again now then so out within from in at by with as on for library my our "
    # Portuguese
    "quais qual deles delas desses dessas destes destas esses essas estes estas eles elas "
    "são é foram foi sejam seja estão está publicados publicadas publicado publicada "
    "escritos escritas escrito escrita apareceram saíram datados datadas mostre mostrar mostra "
    "me liste listar lista dê apenas somente só os as o a um uma uns umas de do da dos das "
    "em no na nos nas por e ou que artigos artigo trabalhos trabalho referências referência "
    "fontes itens item ano anos data datas ordene ordenar ordena ordem organize coloque há "
    "tem têm algum alguns algumas nenhum nenhuma todos todas cada quantos quantas acima "
    "citados citadas anteriormente agora então também favor minha biblioteca meus minhas "
    "ordene-os ordene-as ordena-os ordenar-os liste-os liste-as mostre-os mostre-as"
)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_GENERIC_VENUE = re.compile(r"^(?:the\s+)?(?:journal|conference|proceedings|venue)\s+", re.I)


@dataclass(frozen=True)
class YearRange:
    """Years from ``low`` to ``high`` (both included; ``None``: open)."""

    low: int | None
    high: int | None
    words: str  # as the answer says it: "from before 1990"

    def holds(self, year: int | None) -> bool:
        if year is None:
            return False
        return (self.low is None or year >= self.low) and (self.high is None or year <= self.high)


@dataclass(frozen=True)
class Limits:
    """What a question asks of its papers' metadata."""

    years: tuple[YearRange, ...] = ()
    authors: tuple[str, ...] = ()  # as typed: matched as ``--author`` matches (AuthorQuery)
    venues: tuple[str, ...] = ()  # as typed: a folded substring of the paper's venue
    authors_or_venues: tuple[str, ...] = ()  # "from X": either
    sort: bool | None = None  # by year: False oldest first, True newest first
    extreme: bool | None = None  # only the oldest (False) or newest (True)
    any_authors: tuple[str, ...] = ()  # "by Goldstein or Arvo": one of them at least
    kinds: tuple[str, ...] = ()  # "journal articles": a name in KINDS

    @property
    def filters(self) -> bool:
        return bool(
            self.years
            or self.authors
            or self.venues
            or self.authors_or_venues
            or self.any_authors
            or self.kinds
        )

    def describe(self, one: bool = False) -> str:
        """The constraints as the answer states them: "from before 1990 and by Cohen"; ``one``:
        of one paper ("a journal article", not "journal articles")."""
        kinds = [_ONE_KIND.get(kind, kind) if one else kind for kind in self.kinds]
        parts = [" or ".join(kinds)] if kinds else []  # a paper is of one kind
        parts += [y.words for y in self.years]
        parts += [f"by {a}" for a in self.authors]
        if self.any_authors:
            parts.append("by " + " or ".join(self.any_authors))
        parts += [f"in {v}" for v in self.venues]
        parts += [f"from {v}" for v in self.authors_or_venues]
        return " and ".join(parts)

    def matches(self, paper: Paper) -> bool:
        return (
            all(y.holds(paper.year) for y in self.years)
            and all(has_author(paper, a) for a in self.authors)
            and (not self.any_authors or any(has_author(paper, a) for a in self.any_authors))
            and all(in_venue(paper, v) for v in self.venues)
            and all(has_author(paper, x) or in_venue(paper, x) for x in self.authors_or_venues)
            and (not self.kinds or any(of_kind(paper, k) for k in self.kinds))
        )


@dataclass(frozen=True)
class Reading:
    """A question with its limits taken out."""

    limits: Limits
    rest: str  # the question's words that are not limits
    back: bool  # it points back at the earlier answer's papers ("those", "deles")
    content: bool  # words of content are left: a question to answer from the limited papers
    tied: bool = False  # a year tied to the papers asked about ("papers from before 1995")
    about_papers: bool = False  # it asks about papers as such ("Which papers ...")
    implied: tuple[str, ...] = field(default=())  # authors read from "did Kajiya ..."
    unknown_names: bool = False  # an author "by X" that no paper has (see :func:`read`)

    @property
    def applies_to_library(self) -> bool:
        """Without an earlier answer to narrow, do the limits bound the whole library? For a
        listing, whenever it asks about papers; for content, when an author is named or a year
        is tied to the papers ("What changed in rendering after 1990?" keeps its year). A kind
        of item does not bound the library in a question about content: "How do crawlers rank
        web pages?" and "Which items are theses rather than conference papers?" (a labelled
        question of a library that records no item types) ask about the words."""
        limits = self.limits
        if not self.content:
            return limits.filters or limits.extreme is not None
        named = bool(limits.authors or limits.any_authors or limits.venues)
        return named or self.tied


def has_author(paper: Paper, typed: str) -> bool:
    """Is an author of ``paper`` the name as typed? The matching of ``--author`` (initials,
    either order, accents and case ignored)."""
    try:
        query = AuthorQuery.parse(typed)
    except ValueError:
        return False
    return any(query.matches(name) for name in paper.authors)


def venue(paper: Paper) -> str:
    """Where ``paper`` appeared, as its metadata names it ("" when nothing does)."""
    return next((paper.extra[n] for n in VENUE_FIELDS if paper.extra.get(n)), "")


def kind(paper: Paper) -> str:
    """What sort of item ``paper`` is, as its record says ("journalArticle", "article"...)."""
    return paper.extra.get("item_type") or paper.extra.get("entry_type") or ""


def kind_name(paper: Paper) -> str:
    """What sort of item ``paper`` is, in words ("journal article", not Zotero's
    "journalArticle"); the record's own name for a sort :data:`KINDS` does not list, and ""
    when none is recorded."""
    recorded = kind(paper)
    said = next((said for said, types, _ in KINDS if recorded in types), None)
    return _ONE_KIND[said].split(" ", 1)[1] if said else recorded


def of_kind(paper: Paper, name: str) -> bool:
    """Is ``paper`` of the kind named in :data:`KINDS` ("journal articles")?"""
    recorded = kind(paper)
    return any(recorded in types for said, types, _ in KINDS if said == name)


def in_venue(paper: Paper, typed: str) -> bool:
    """Does ``paper``'s venue hold ``typed`` ("SIGGRAPH" in "ACM SIGGRAPH Computer Graphics"),
    case and accents ignored, as whole words?"""
    names = [" ".join(_WORD.findall(fold_name(paper.extra.get(n, "")))) for n in VENUE_FIELDS]
    for said in (typed, _GENERIC_VENUE.sub("", typed)):  # "the journal Computer Graphics"
        wanted = " ".join(_WORD.findall(fold_name(said)))
        if wanted and any(f" {wanted} " in f" {name} " for name in names if name):
            return True
    return False


def _period(groups: Sequence[str | None]) -> tuple[int, int]:
    """A matched year ("1990") or decade ("1980s", "'80s") as its first and last year."""
    short, year, decade = groups
    if short is not None:
        start = (1900 if int(short) >= 30 else 2000) + int(short)
        return start, start + 9
    assert year is not None
    start = int(year)
    return (start, start + 9) if decade and start % 10 == 0 else (start, start)


def _label(groups: Sequence[str | None]) -> str:
    short, year, decade = groups
    if short is not None:
        return f"the {_period(groups)[0]}s"
    return f"the {year}s" if decade else str(year)


def _year_range(kind: str, groups: Sequence[str | None]) -> YearRange:
    first, last = _period(groups[:3])
    label = _label(groups[:3])
    if kind == "between":
        end = _period(groups[3:6])[1]
        return YearRange(first, end, f"from {label} to {_label(groups[3:6])}")
    if kind == "before":
        return YearRange(None, first - 1, f"from before {label}")
    if kind == "after":
        return YearRange(last + 1, None, f"from after {label}")
    if kind == "since":
        return YearRange(first, None, f"from {label} on")
    if kind == "until":
        return YearRange(None, last, f"from {label} or earlier")
    return YearRange(first, last, f"from {label}")


def _known_part(
    typed: str, earlier: Sequence[Paper], is_author: Callable[[str], bool] | None
) -> tuple[str, str, bool]:
    """A name typed before the question goes on ("by Kajiya use BSP trees"): its longest start
    that is an author of an earlier paper or of the library, the words after it, and
    ``True``. With neither known, the whole is the name, as typed, and ``False``."""
    words = typed.split()
    if words and words[0] in _NOT_A_NAME:  # "by an opponent's or partner's ...": no name
        return typed, "", False
    for n in range(len(words), 0, -1):
        name = " ".join(words[:n])
        if any(has_author(p, name) for p in earlier) or (is_author and is_author(name)):
            return name, " ".join(words[n:]), True
    return typed, "", False


# Lower-case words no name starts with: each start of "by an opponent's or partner's
# changing behaviors" was looked up among the authors, 2.6 s apiece at 50,000 papers.
_NOT_A_NAME = frozenset(
    {"a", "an", "the", "its", "their", "his", "her", "our", "this", "that", "these", "those",
     "each", "any", "some", "one", "two", "both", "all", "using", "means", "way", "o",
     "os", "as", "um", "uma", "meio", "seu", "sua", "seus", "suas"}
)  # fmt: skip


# A clause that rules things out: "theses rather than conference papers" asks for theses.
_RULED_OUT = re.compile(
    r"\b(?:rather\s+than|other\s+than|instead\s+of|except|excluding|but\s+not|not|"
    r"em\s+vez\s+de|exceto|menos|n[aã]o)\b[^,;.?!]*$",
    re.IGNORECASE,
)


def _take(pattern: str, rest: str) -> tuple[list[re.Match[str]], str]:
    """The matches of ``pattern`` in ``rest``, and ``rest`` without them."""
    found = list(re.finditer(pattern, rest, re.IGNORECASE))
    return found, re.sub(pattern, " ", rest, flags=re.IGNORECASE)


def read(
    question: str,
    earlier: Sequence[Paper] = (),
    is_author: Callable[[str], bool] | None = None,
) -> Reading | None:
    """The limits ``question`` puts on its papers and what is left of it (:func:`_read`).

    "by X" names an author when X is one (of an earlier paper or of the library); a name no
    paper has counts only in a listing with nothing else to ask and written as a name ("Which
    of those are by Smith?": none are, which the answer says). Otherwise it is the question's
    words: "learning where the levels sit by gradient descent", "aided by DSP features" (the
    labelled retrieval questions) are methods, not authors."""
    if is_author is not None:  # asked once a name: a lookup scans the library's authors
        is_author = _remembered(is_author)
    reading = _read(question, earlier, is_author, unknown_names=True)
    if reading is not None and reading.content and reading.unknown_names:
        return _read(question, earlier, is_author, unknown_names=False)
    return reading


def _remembered(is_author: Callable[[str], bool]) -> Callable[[str], bool]:
    answers: dict[str, bool] = {}

    def known(name: str) -> bool:
        if name not in answers:
            answers[name] = is_author(name)
        return answers[name]

    return known


def _read(
    question: str,
    earlier: Sequence[Paper],
    is_author: Callable[[str], bool] | None,
    unknown_names: bool,
) -> Reading | None:
    """The limits ``question`` puts on its papers and what is left of it, or ``None`` when it
    puts none. ``earlier``'s venues let a venue typed in lower case count ("in siggraph");
    otherwise a bare "in X" is a venue only when written as one (capitals, "journal") and,
    in a question about content, only when an earlier paper appeared there ("Which of them
    are used in PBRT?" keeps "in PBRT" as words). ``is_author`` says whether a capitalised name
    in an author's place ("What did Kajiya propose") is one of the library's authors."""
    text = " ".join(question.split())
    for spelled, decade in _DECADES_PT:
        text = spelled.sub(decade, text)
    rest = text
    years: list[YearRange] = []
    tied = False
    for rule, pattern in _YEAR_RULES:
        for match in re.finditer(pattern, rest, re.IGNORECASE):
            years.append(_year_range(rule, match.groups()))
            tied = tied or bool(_TIED.search(rest[: match.start()]))
        rest = re.sub(pattern, " ", rest, flags=re.IGNORECASE)
    sort: bool | None = None
    for descending, pattern in _SORT_RULES:  # "by year, newest first": the direction said wins
        if re.search(pattern, rest, re.IGNORECASE):
            if sort is None:
                sort = bool(_DESCENDING.search(rest)) if descending is None else descending
            rest = re.sub(pattern, " ", rest, flags=re.IGNORECASE)
    if sort is not None:
        rest = _DESCENDING.sub(" ", rest)
    extreme: bool | None = None
    ends = _EXTREME.search(rest)
    if ends:
        extreme = ends.group(2) is not None or ends.group(4) is not None
        rest = rest[: ends.start()] + " " + rest[ends.end() :]
    kinds: list[str] = []
    for name, _, pattern in KINDS:
        for match in list(re.finditer(rf"\b(?:{pattern})\b", rest, re.IGNORECASE)):
            if _RULED_OUT.search(rest[: match.start()]):
                continue  # "rather than conference papers": not what is asked for
            rest = rest.replace(match.group(0), " ", 1)
            if name not in kinds:
                kinds.append(name)
    matched, rest = _take(_PUBLISHED_BY, rest)
    either = [m.group(1) for m in matched]
    authors: list[str] = []
    any_authors: list[str] = []
    unknown = False
    for pattern in _AUTHOR_RULES:
        for match in list(re.finditer(pattern, rest, re.IGNORECASE)):
            names, lefts = [], []
            for typed in (name for name in match.groups() if name):
                name, left, known = _known_part(typed, earlier, is_author)
                if not known and not (unknown_names and typed[:1].isupper()):
                    break  # "by gradient descent": the question's words
                unknown = unknown or not known
                names.append(name)
                lefts.append(left)
            else:
                rest = rest.replace(match.group(0), " " + " ".join(lefts), 1)
                alternatives = re.search(r"\s(?:or|ou)\s", match.group(0), re.IGNORECASE)
                (any_authors if alternatives and len(names) > 1 else authors).extend(names)
    implied: list[str] = []
    for pattern in _IMPLIED_AUTHOR_RULES:
        for match in re.finditer(pattern, rest, re.IGNORECASE):
            name = match.group(1)
            known = any(has_author(p, name) for p in earlier)
            if known or (is_author is not None and is_author(name)):
                implied.append(name)
                rest = rest.replace(name, " ", 1)
    authors += implied
    matched, rest = _take(_PUBLISHED_IN, rest)
    venues = [m.group(1) for m in matched]
    bare: list[tuple[str, str, bool]] = []  # (typed, as written, seen among earlier venues)
    for match in re.finditer(_BARE_IN, rest, re.IGNORECASE):
        typed = match.group(1)
        seen = any(in_venue(p, typed) for p in earlier)
        # Written as a venue's name: "in SIGGRAPH", not "from use Monte Carlo" (what is left
        # of "Which of those from before 1995 use Monte Carlo?").
        named = typed[:1].isupper() or _VENUE_WORDS.search(typed)
        if named or seen:
            bare.append((typed, match.group(0), seen))
    without_bare = rest
    for _, written, _ in bare:
        without_bare = without_bare.replace(written, " ", 1)
    content = any(w.casefold() not in FILLER for w in _WORD.findall(without_bare))
    for typed, written, seen in bare:
        if content and not seen:
            continue  # "Which of them are used in PBRT?": words of the question
        (either if written.lower().startswith("from") else venues).append(typed)
        rest = rest.replace(written, " ", 1)
    limits = Limits(
        tuple(years),
        tuple(authors),
        tuple(venues),
        tuple(either),
        sort,
        extreme,
        tuple(any_authors),
        tuple(kinds),
    )
    if not (limits.filters or sort is not None or extreme is not None):
        return None
    rest = " ".join(rest.split())
    content = any(w.casefold() not in FILLER for w in _WORD.findall(rest))
    if content and not limits.filters:
        return None  # "Which of those is the newest method?": a question of its own
    return Reading(
        limits,
        rest,
        back=bool(_BACK.search(text)),
        content=content,
        tied=tied,
        about_papers=bool(_PAPERS.search(text)),
        implied=tuple(implied),
        unknown_names=unknown,
    )
