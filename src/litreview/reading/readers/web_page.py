"""A web page saved as a paper's copy (a Zotero HTML snapshot): its running text and abstract.

Zotero keeps the page an item was saved from as ``storage/<key>/<name>.html`` (Zotero 7 writes
it with SingleFile: one file, images inlined as ``data:`` URIs, what the page hid marked with
the class ``sf-hidden``). For a paper published as a web page, Burrows' "The Chubby lock
service" on usenix.org in San7o's library, that page is the only full text there is, and the
item, with no abstract field, was skipped for having none.

What is kept is the text a reader of the page reads: scripts, styles, navigation, page-level
headers and footers, form controls and what the page hid are left out; where the page marks
its main content (``<main>`` or ``role="main"``, else ``<article>``) only that is kept, which
also drops the cookie banners and site menus that are not in a ``<nav>``. Within it, what is
no part of the paper is left out by what marks it, not by its wording alone: an element whose
class names an advert, a paywall (Emerald's ``turnaway`` block: "To read this content
please select one of the options below: 32.00€ ..."), a cookie notice, or a widget of related
articles, sharing, citing or buying access (:func:`_chrome`), one whose aria-label is such a
section's title, a ``rel="sponsored"`` link; and a section opened by such a heading ("Related
articles", "Sponsored", "Cited by", "Citation", "How to cite", "Share", "Access options": see
:data:`_CHROME_HEADING`), to the end of the element the heading stands in or the next heading
as high. Emerald's page had its "Related articles" (other papers' titles, authors and venues,
and adverts) and its "Citation" block read as the paper's text, and answers quoted them.

Entities are decoded; each block (paragraph, heading, list item, table row) is a paragraph of
its own, paragraphs apart by a blank line (``<br>`` a line break within one), white space
inside one collapsed. The standard library's ``html.parser`` does this: nothing in the
environment parses HTML better (no lxml, no BeautifulSoup), and what is wanted is text and a
few tags, not a tree.

A page is the paper's full text (:attr:`WebPage.pages`) only when it has more running text
beyond its abstract than an abstract's worth (:data:`MIN_BODY_CHARS`, measured by
:meth:`WebPage.body_chars`): a landing page (a publisher's paywall page, an arXiv or
research.google abstract page) gives its abstract, authors and year only.

The abstract a page gives an item that has none (:func:`stand_in`): a meta tag holding a
real one (Highwire's ``citation_abstract``, Dublin Core's, OpenGraph's, the plain
``description``), whole, not cut short as arXiv's ``og:description`` is ("... this...") and not
the title again as Emerald's description is ("<title> - Author: ..."); else the page's
"Abstract" section, found as a PDF's is (:func:`.pdf.abstract_section`, told the page's
headings); else its first paragraphs of prose.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from litreview.reading.build import STAND_IN_CHARS
from litreview.reading.errors import LibraryFileError
from litreview.reading.normalize import clean_text, normalize_title
from litreview.reading.paper import NO_PAGE, PageText

# Elements whose text is no part of what the page says.
_SKIPPED = frozenset(
    {
        "head", "title", "script", "style", "noscript", "template", "svg", "canvas", "iframe",
        "object", "nav", "aside", "button", "select", "textarea", "dialog",
    }
)  # fmt: skip
_SKIPPED_ROLES = frozenset({"navigation", "search", "menu", "menubar", "complementary", "dialog"})
# The site's banner and footer: skipped unless inside the main content, where a <header>
# holds the article's title and authors.
_CHROME = frozenset({"header", "footer"})
_CHROME_ROLES = frozenset({"banner", "contentinfo"})
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "blockquote", "pre",
        "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption",
        "figure", "figcaption", "hr", "address", "details", "summary", "center", "form",
        "fieldset", "legend", "h1", "h2", "h3", "h4", "h5", "h6",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
# Elements that always have an end tag and hold others: the section a heading opens ends with
# the one it stands in (or at the next heading of its level or higher).
_CONTAINERS = frozenset(
    {
        "html", "body", "div", "section", "article", "main", "aside", "header", "footer",
        "nav", "form", "blockquote", "figure", "details", "fieldset", "center", "ul", "ol",
        "dl", "table",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Words of a class that mark what is no part of the paper wherever they stand
# ("ad-holder", "cookie-banner", "turnaway" Emerald's paywall, "paywall").
_CHROME_WORDS = frozenset(
    {
        "ad", "ads", "adsbygoogle", "advert", "adverts", "advertisement", "advertisements",
        "advertising", "sponsor", "sponsors", "sponsored", "paywall", "turnaway", "cookie",
        "cookies", "consent", "gdpr",
    }
)  # fmt: skip
# Words that mark it alone ("related", "share") or beside a widget's word ("related-articles",
# "share-buttons"), not in a heading's slug ("related-work", "market-share"); and words that
# mark it beside a widget's word only ("citation-tools", "access-options"): an in-text
# citation is a ``<span class="citation">``, a policy paper has its "recommendations".
_WIDGET_ALONE = frozenset({"related", "recommended", "share", "sharing", "purchase"})
_WIDGET_SUBJECTS = _WIDGET_ALONE | {
    "recommend", "recommendation", "recommendations", "access", "citation", "citations", "cite",
}  # fmt: skip
_WIDGET_WORDS = frozenset(
    {
        "articles", "article", "content", "contents", "posts", "papers", "items", "links",
        "reading", "stories", "list", "widget", "widgets", "box", "books", "chapters", "titles",
        "suggestions", "tools", "tool", "buttons", "button", "bar", "icons", "menu", "options",
        "denied", "export", "download", "this", "panel", "popup", "modal", "banner",
    }
)  # fmt: skip
# The heading (or aria-label) of a section that is no part of the paper: a list of other
# papers, adverts, how to cite it, sharing, cookies, buying access.
_CHROME_HEADING = re.compile(
    r"(?:related|recommended|similar|suggested|popular|trending|most read|most cited)"
    r"(?:\s+(?:articles?|content|papers?|posts?|stories|reading|items|titles|books|chapters"
    r"|links|publications|journals))?(?:\s+for you)?"
    r"|you (?:might|may) also (?:like|enjoy|be interested in)"
    r"|(?:people|readers) also (?:read|viewed)"
    r"|more (?:like this|articles like this|from (?:this|the) (?:authors?|journal|issue))"
    r"|also read|read next|cited by|citing (?:articles|literature|papers|publications)"
    r"|(?:articles |papers )?citing this (?:article|paper)"
    r"|sponsored(?: content| links| articles)?|advertisements?|ads?"
    r"|citations?|cite this(?: article| paper| page| work| chapter)?"
    r"|how to cite(?: this(?: article| paper| page| work| chapter)?)?"
    r"|(?:export|download|get) (?:the )?citations?"
    r"|share(?: this(?: article| paper| page| post)?| on)?|sharing"
    r"|cookies?(?: settings| policy| preferences| consent| notice)?"
    r"|(?:we use|this (?:web)?site uses) cookies.*"
    r"|(?:access|purchase|buying|subscription)(?: and purchase)? options|get access"
    r"|buy (?:this )?(?:article|paper|chapter)|access through your institution"
)
_COUNT = re.compile(r"[\s:.(\[]*\d*[)\]]?\s*$")
# Elements with no end tag: never the start of a region.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source"}
    | {"track", "wbr"}
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BREAK = "\u2028"  # a <br> inside a paragraph, until white space is collapsed
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
# A main element with less text than this is not where the page keeps its text.
MIN_MAIN_CHARS = 200
# Running text beyond the abstract that makes a page the paper's text, not its landing page:
# more than an abstract's worth (150 to 250 words). On the real snapshots a landing page has
# 0 to 110 characters of it (a site's blurb), a paper or an essay 5,470 and more.
MIN_BODY_CHARS = 1_500
_ABSTRACT_HEADING = re.compile(r"(?:abstract|summary)\W*", re.IGNORECASE)

# Meta tags that may hold the abstract, the surest first (names lower-cased).
ABSTRACT_TAGS = (
    "citation_abstract",
    "dcterms.abstract",
    "dc.description",
    "dcterms.description",
    "og:description",
    "twitter:description",
    "description",
)
# A description shorter than this is a teaser or a byline, not an abstract.
MIN_META_ABSTRACT_WORDS = 25
_ENDS_SENTENCE = re.compile(r"[.!?]['\"’”)\]]*$")
_LABEL = re.compile(r"^\s*abstract\b[\s.:—–-]*", re.IGNORECASE)
# Emerald's dc.Description holds a structured abstract's parts joined by commas (".,However").
_GLUED = re.compile(r"(?<=[a-z0-9)][.!?]),(?=[A-Z])")
# How much of the page's start is searched for an "Abstract" section: about the first two
# pages of a paper, where the PDF reader looks for one.
ABSTRACT_SEARCH_CHARS = 10_000
_PROSE_WORDS = 8
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


@dataclass(eq=False)  # removed from the open list by identity
class _Region:
    """An open element whose content is skipped, or is the main content or an article."""

    tag: str
    kind: str  # "skip", "main" or "article"
    depth: int = 1  # elements named ``tag`` open within it, itself included
    level: int | None = None  # skipped from a heading of this level: ends at one as high


@dataclass(frozen=True)
class WebPage:
    """A page's running text as paragraphs, which of them are headings, and its meta tags."""

    paragraphs: tuple[str, ...]
    headings: dict[str, int] = field(default_factory=dict)  # heading paragraph -> its level
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased name -> contents

    @property
    def text(self) -> str:
        """All the page's text, paragraphs apart by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def pages(self) -> tuple[PageText, ...]:
        """The text as a paper's full text: one text without a page number (:data:`NO_PAGE`),
        so that an answer cites it as ``[3]``, not as a "p. 1" the page does not have.

        Nothing when the page is not the paper's text but its landing page (a publisher's
        paywall, an arXiv or research.google abstract page): what it says is the abstract,
        which the item has or takes from it (:func:`stand_in`), and lines around it.
        """
        if self.body_chars() < MIN_BODY_CHARS:
            return ()
        return (PageText(NO_PAGE, self.text),)

    def body_chars(self) -> int:
        """How much running text the page has beyond its abstract: the characters of its
        paragraphs of prose (8 words or more, ending as a sentence does; not a heading), leaving
        out those of the abstract (under an "Abstract" heading up to the next heading as high,
        opened by an "Abstract:" label, or within the meta tags' abstract, :func:`meta_abstract`).

        A paper's or an essay's page has thousands (Chubby's 74,097; situational-awareness.ai's
        5,470); a landing page has the title, the names, the venue, links, keywords and a
        site's blurb or two: 0 on Emerald's paywall page and the arXiv abstract pages, 110 on
        research.google's.
        """
        from litreview.reading.readers.pdf import _ABSTRACT_START

        found = meta_abstract(self, "")
        abstract = " ".join(found[0].split()).casefold() if found else ""
        under: int | None = None  # the level of the "Abstract" heading whose section this is
        chars = 0
        for paragraph in self.paragraphs:
            line = " ".join(paragraph.split())
            level = self.headings.get(line)
            if level is not None:
                if under is not None and level <= under:
                    under = None
                if _ABSTRACT_HEADING.fullmatch(line):
                    under = level
                continue
            if under is not None or _ABSTRACT_START.match(line):
                continue
            if abstract and line.casefold() in abstract:
                continue
            if len(line.split()) >= _PROSE_WORDS and _ENDS_SENTENCE.search(line):
                chars += len(line)
        return chars


class _Text(HTMLParser):
    """Collects paragraphs, skipping what is no text of the page (see the module's doc)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._regions: list[_Region] = []
        self._skipping = 0
        self._parts: list[str] = []
        self._level: int | None = None  # the heading being read
        self._pre = 0
        self._open: list[str] = []  # the containers open (:data:`_CONTAINERS`), innermost last
        self._heading: tuple[int, str] | None = None  # where the heading read began, its parent
        # (paragraph, heading level, inside <main>, inside <article>)
        self.blocks: list[tuple[str, int | None, bool, bool]] = []
        self.meta: dict[str, list[str]] = {}

    def _inside(self, *kinds: str) -> bool:
        return any(region.kind in kinds for region in self._regions)

    def _kind(self, tag: str, attrs: dict[str, str | None]) -> str | None:
        role = (attrs.get("role") or "").casefold()
        classes = (attrs.get("class") or "").split()
        hidden = (
            "hidden" in attrs
            or (attrs.get("aria-hidden") or "").casefold() == "true"
            or "sf-hidden" in classes
            or bool(_HIDDEN_STYLE.search(attrs.get("style") or ""))
        )
        if tag in _SKIPPED or role in _SKIPPED_ROLES or hidden or _chrome(tag, attrs):
            return "skip"
        if tag in _CHROME or role in _CHROME_ROLES:
            return None if self._inside("main", "article") else "skip"
        if tag == "main" or role == "main":
            return "main"
        return "article" if tag == "article" else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {name.casefold(): value for name, value in attrs}
        if tag == "meta":
            key = (named.get("name") or named.get("property") or "").casefold()
            if key and named.get("content"):
                self.meta.setdefault(key, []).append(str(named["content"]))
            return
        if tag in _VOID:
            if tag == "br":
                self._parts.append(_BREAK)
            elif tag == "hr":
                self._flush()
            return
        if tag in _HEADINGS:
            self._end_sections(int(tag[1]))
        for region in self._regions:
            if region.tag == tag:
                region.depth += 1
        if tag in _CONTAINERS:
            self._open.append(tag)
        kind = self._kind(tag, named)
        if kind is not None:
            self._regions.append(_Region(tag, kind))
            self._skipping += 1 if kind == "skip" else 0
        if tag in _BLOCKS:
            self._flush()
            if tag in _HEADINGS:
                self._level = int(tag[1])
                self._heading = (len(self.blocks), self._open[-1] if self._open else "")
            self._pre += 1 if tag == "pre" else 0
        elif tag in _CELLS:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._flush()
            self._level = None
            if tag == "pre" and self._pre:
                self._pre -= 1
        elif tag in _CELLS:
            self._parts.append(" ")
        for region in list(self._regions):
            if region.tag == tag:
                region.depth -= 1
                if region.depth == 0:
                    self._regions.remove(region)
                    self._skipping -= 1 if region.kind == "skip" else 0
        if tag in _CONTAINERS and tag in self._open:  # and what was left open inside it
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]
        if tag in _HEADINGS and self._heading is not None:
            self._chrome_heading(int(tag[1]))

    def _chrome_heading(self, level: int) -> None:
        """A heading that opens no part of the paper ("Related articles", "Citation"): it
        and what follows it are skipped, to the end of the element it stands in or the next
        heading as high as it."""
        start, parent = self._heading or (0, "")
        self._heading = None
        text = " ".join(block[0] for block in self.blocks[start:])
        if not text or not _chrome_title(text):
            return
        del self.blocks[start:]
        # The parent is open: its end tag ends the region (none at the top level: "" never ends)
        self._regions.append(_Region(parent, "skip", level=level))
        self._skipping += 1

    def _end_sections(self, level: int) -> None:
        """A heading as high as one that opened a skipped section ends that section, unless
        it is inside something skipped that began after the section did."""
        for at, region in reversed(list(enumerate(self._regions))):
            if region.level is None or region.level < level:
                continue
            if any(later.kind == "skip" for later in self._regions[at + 1 :]):
                continue
            self._regions.remove(region)
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        self._parts.append(data.replace("\n", _BREAK) if self._pre else data)

    def _flush(self) -> None:
        raw = unicodedata.normalize("NFC", "".join(self._parts).translate(_INVISIBLE))
        self._parts = []
        lines = [" ".join(line.split()) for line in raw.split(_BREAK)]
        text = "\n".join(line for line in lines if line)
        if text:
            main, article = self._inside("main"), self._inside("article")
            self.blocks.append((text, self._level, main, article))

    def close(self) -> None:
        super().close()
        self._flush()

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """A marked section html.parser does not know ("<![foo", "<![<p") is skipped to the
        next ">", as a browser reads it, instead of raising AssertionError mid-page."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i)


def _words(name: str) -> set[str]:
    """A class's words: "trendmd-widget_title" -> trendmd, widget, title;
    "relatedContent" -> related, content."""
    return set(re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", name).casefold()))


def _chrome(tag: str, attrs: dict[str, str | None]) -> bool:
    """Whether an element is no part of the paper by what marks it: a class naming an
    advert, a paywall, a cookie notice, or a widget of related articles, sharing, citing or
    buying access (:data:`_CHROME_WORDS`, :data:`_WIDGET_SUBJECTS`); a container whose
    aria-label is such a section's title; a link marked ``rel="sponsored"``."""
    if tag == "a" and "sponsored" in (attrs.get("rel") or "").casefold().split():
        return True
    # Not its id: often a heading's slug ("informed-consent", "ad-hoc-networks") on the
    # <section> or <div> of the paper's own section.
    for name in (attrs.get("class") or "").split():
        words = _words(name)
        if words & _CHROME_WORDS:
            return True
        if words & _WIDGET_SUBJECTS and words & _WIDGET_WORDS:
            return True
        if words and words <= _WIDGET_ALONE:
            return True
    label = attrs.get("aria-label")
    return bool(label) and tag in _CONTAINERS and _chrome_title(label or "")


def _chrome_title(text: str) -> bool:
    """Whether a heading's text is the title of a section that is no part of the paper
    (:data:`_CHROME_HEADING`), a count after it or not ("Cited by (12)")."""
    title = _COUNT.sub("", " ".join(text.split()).casefold())
    return bool(_CHROME_HEADING.fullmatch(title))


def _decode(data: bytes) -> str:
    """A page's text: by its byte-order mark, else UTF-8, else the charset its meta tag
    declares (an old snapshot keeps the page's own bytes), else Windows-1252."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("cp1252", errors="replace")


def read_page(path: Path) -> WebPage:
    """The running text of a saved web page; a file that cannot be read raises."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LibraryFileError(path, f"cannot read: {exc.strerror or exc}") from exc
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data[:8192] and not utf16:
        raise LibraryFileError(path, "looks like a binary file, not a web page")
    parser = _Text()
    parser.feed(_decode(data))
    parser.close()
    blocks = parser.blocks
    for region in (2, 3):  # the main content, else the article(s), else all of it
        chosen = [block for block in blocks if block[region]]
        if sum(len(block[0]) for block in chosen) >= MIN_MAIN_CHARS:
            blocks = chosen
            break
    paragraphs = _without_references([block[0] for block in blocks])
    headings: dict[str, int] = {}
    for text, level, _, _ in blocks:
        if level is not None:
            headings.setdefault(" ".join(text.split()), level)
    meta = {name: [clean_text(v) for v in values] for name, values in parser.meta.items()}
    return WebPage(paragraphs, headings, meta)


def _without_references(paragraphs: list[str]) -> tuple[str, ...]:
    """The paragraphs without the reference list, from its heading to an appendix or the end,
    as a PDF's text is kept (:func:`.pdf.clean_pages`): "References" and the 24 entries after
    it on the Chubby page are no part of what the paper says."""
    from litreview.reading.readers.pdf import ends_references, references_heading

    kept: list[str] = []
    inside = False
    for paragraph in paragraphs:
        line = " ".join(paragraph.split())
        if references_heading(line):
            inside = True
        elif not inside or ends_references(line):
            inside = False
            kept.append(paragraph)
    return tuple(kept)


def meta_abstract(page: WebPage, title: str) -> tuple[str, str] | None:
    """The abstract a meta tag holds, and which tag, when it is a whole, real one."""
    for name in ABSTRACT_TAGS:
        for value in page.meta.get(name, []):
            text = _GLUED.sub(" ", _LABEL.sub("", clean_text(re.sub(r"<[^>]*>", " ", value))))
            if _real_abstract(text, title):
                return text, name
    return None


def _real_abstract(text: str, title: str) -> bool:
    """Long enough, ending as a sentence does (not "..." or cut mid-word), not the title."""
    if len(text.split()) < MIN_META_ABSTRACT_WORDS or text.endswith(("...", "…")):
        return False
    if not _ENDS_SENTENCE.search(text):
        return False
    named = normalize_title(title)
    return not (named and normalize_title(text).startswith(named))


def stand_in(page: WebPage, title: str) -> tuple[str, str] | None:
    """What a paper whose only text is this page is searched by, and where it came from."""
    from litreview.reading.readers.pdf import abstract_section

    found = meta_abstract(page, title)
    if found:
        return found[0], f"{found[1]} meta tag of the web page"
    head: list[str] = []
    for paragraph in page.paragraphs:
        head.append(" ".join(paragraph.split()))
        if sum(map(len, head)) >= ABSTRACT_SEARCH_CHARS:
            break
    section = abstract_section((PageText(1, "\n".join(head)),), headings=page.headings)
    if section:
        return section, "abstract section of the web page"
    prose = [p for p in head if len(p.split()) >= _PROSE_WORDS and p not in page.headings]
    text = clean_text(" ".join(prose or head))[:STAND_IN_CHARS]
    return (text, "first paragraphs of the web page") if text else None


# Meta tags naming the authors, one name a tag (Highwire's, then Dublin Core's creator; its
# contributor may be an editor or a translator, and a plain "author" tag often names the site).
AUTHOR_TAGS = ("citation_author", "dc.creator", "dcterms.creator")
# Meta tags dating the work, the surest first (an online date may precede the year).
DATE_TAGS = (
    "citation_publication_date",
    "citation_date",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "article:published_time",
    "citation_online_date",
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# A date as a byline writes it ("6 September 2006", "June 2024", "Feb 12, 2020", "2020-02-12").
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?"
    r"((?:19|20)\d\d)\b|\b((?:19|20)\d\d)[-/](?:0?[1-9]|1[0-2])[-/]\d{1,2}\b"
)
_BYLINE_LABEL = re.compile(r"^\s*(?:by|authors?|written by)\b\s*:?\s*", re.IGNORECASE)
_TITLE_LABEL = re.compile(r"^\s*title\s*:\s*", re.IGNORECASE)
# How many paragraphs after the title a byline and its date are looked for in.
BYLINE_PARAGRAPHS = 8


def byline(page: WebPage, title: str) -> tuple[list[str], str | None]:
    """Who wrote the page's paper and the year it dates it by, where the page is sure of them.

    From the meta tags first (``citation_author``, ``DC.creator``; ``citation_date``,
    ``DC.date``, ``article:published_time`` ...), each on its own: a tag with a name that is not
    a person's (an organisation, a URL) gives no authors, as a list missing someone would be
    wrong. Else from the lines right under the page's title heading (:func:`_visible_byline`).
    A wrong author is worse than none: anything unclear gives nothing.
    """
    authors = _meta_authors(page)
    year = _meta_year(page)
    if not authors or year is None:
        seen_names, seen_year = _visible_byline(page, title)
        authors = authors or seen_names
        year = year or seen_year
    return authors, year


def _meta_authors(page: WebPage) -> list[str]:
    for name in AUTHOR_TAGS:
        values = [part.strip() for v in page.meta.get(name, []) for part in v.split(";")]
        names = list(dict.fromkeys(v for v in values if v))
        if names and all(_person(n) for n in names):
            return names[:30]
    return []


def _person(name: str) -> bool:
    """A person's name as a tag holds it ("De Bock, Jasper", "Jeffrey Dean"), not a site, an
    organisation or a profile's URL."""
    from litreview.reading.readers.pdf import _NOT_NAME

    words = name.replace(",", " ").split()
    if not 2 <= len(words) <= 6 or re.search(r"\d|@|https?:|www\.", name):
        return False
    capitals = [w[0].isupper() for w in words]
    return (
        not _NOT_NAME.search(name)
        and any(capitals)
        and all(c or w.islower() for c, w in zip(capitals, words, strict=True))
    )


def _meta_year(page: WebPage) -> str | None:
    from litreview.reading.build import parse_year

    for name in DATE_TAGS:
        for value in page.meta.get(name, []):
            year = parse_year(value)
            if year is not None:
                return str(year)
    return None


def _visible_byline(page: WebPage, title: str) -> tuple[list[str], str | None]:
    """The names and year in the lines under the title heading, up to the abstract.

    The title is the first heading that is the item's title (or holds it, or is held by it:
    "Introduction - SITUATIONAL AWARENESS: ..." saved from its "SITUATIONAL AWARENESS: ..."
    page). Names are taken from the lines right after it that hold nothing but names, or names
    then an affiliation or a date ("Mike Burrows, Google Inc.", "Leopold Aschenbrenner, June
    2024"), as a PDF's page 1 is read (:func:`.pdf._name_line`); the block ends at the
    abstract, a heading or running text. The year is the one the block's date and venue lines
    give ("6 September 2006", "San Francisco, CA(2004)"), when they give one only: Emerald's
    "Article publication date: 4 October 2022" beside "Issue publication date: 15 August
    2023" gives none.
    """
    from litreview.reading.readers.pdf import (
        _ABSTRACT_END,
        _ABSTRACT_START,
        _DATED_LINE,
        _PAGE_YEAR,
        _prose,
    )

    at = next(
        (i for i, p in enumerate(page.paragraphs[:20]) if p in page.headings and _titled(p, title)),
        None,
    )
    if at is None:
        return [], None
    names: list[str] = []
    years: set[str] = set()
    names_ended = False
    for paragraph in page.paragraphs[at + 1 : at + 1 + BYLINE_PARAGRAPHS]:
        line = " ".join(paragraph.split())
        if (
            paragraph in page.headings
            or _ABSTRACT_START.match(line)
            or _ABSTRACT_END.match(line)
            or _prose(line)
        ):
            break
        dates = [m.group(1) or m.group(2) for m in _DATE.finditer(line)]
        years.update(dates)
        if _DATED_LINE.search(line):
            years.update(_PAGE_YEAR.findall(line))
        found = None if names_ended else _byline_names(line)
        if found:
            names.extend(n for n in found if n not in names)
        else:
            names_ended = True  # the names are the lines right under the title, together
    return names[:30], (years.pop() if len(years) == 1 else None)


def _titled(paragraph: str, title: str) -> bool:
    """Whether a heading is the item's title, or holds it, or is held by it (3 words or more)."""
    heading = normalize_title(_TITLE_LABEL.sub("", paragraph))
    named = normalize_title(title)
    if not heading or not named:
        return False
    if heading == named:
        return True
    shorter, longer = sorted((heading, named), key=len)
    return len(shorter.split()) >= 3 and f" {shorter} " in f" {longer} "


def _byline_names(line: str) -> list[str] | None:
    """The names a byline line holds: names only, or names followed by what is not a person
    (an affiliation, a date); None when a part is neither, no name leads, or a number is left
    once dates are taken out (a web page's names carry no footnote numbers to strip)."""
    from litreview.reading.readers.pdf import (
        _CONNECTOR,
        _NAME_SEPARATORS,
        _NOT_NAME,
        _bare,
        _is_name,
    )

    if "@" in line or len(line) > 300:
        return None
    rest = _DATE.sub(" ", _BYLINE_LABEL.sub("", line))
    if re.search(r"\d", rest):  # an address ("Some Street 12"), a venue, an ISSN
        return None
    parts = [_bare(p) for p in _NAME_SEPARATORS.split(rest)]
    parts = [p for p in parts if p and not _CONNECTOR.match(p)]
    names: list[str] = []
    for index, part in enumerate(parts):
        if _is_name(part):
            names.append(part)
            continue
        tail = parts[index:]
        if not names or not all(_NOT_NAME.search(p) for p in tail):
            return None
        break
    return names or None
