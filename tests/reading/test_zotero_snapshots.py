"""HTML snapshots in Zotero libraries: the real pages of ``/work/shared/real/zotero``.

San7o/research-papers-collection: Burrows' "The Chubby lock service" is a web-page item whose
only attachment is the paper as an HTML page (storage/BRQIEUVL), with no abstract field: it was
skipped. Two items with abstracts have snapshots too (Emerald's paywall page of the birth-rate
paper, KR2L3ZDH, a landing page; situational-awareness.ai, FLDJUS8D), GFS has its
research.google page beside its PDF, and StraightOuttaCrompton's three items each have an arXiv
abstract page beside their PDF.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from litreview.evidence.source import Source
from litreview.llm.backend import Done
from litreview.llm.extractive import ExtractiveBackend
from litreview.reading import read_file
from litreview.reading.paper import NO_PAGE, PageText, Paper, page_label
from litreview.reading.readers.web_page import WebPage, byline, read_page, stand_in
from litreview.review.ask import answer_request
from litreview.review.citations import check
from litreview.review.prompts import render_sources

REAL = Path("/work/shared/real")
SAN7O = REAL / "zotero" / "San7o+research-papers-collection"
CROMPTON = REAL / "zotero" / "StraightOuttaCrompton+Zotero-git-backup"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real material not present")
CHUBBY = "The Chubby lock service for loosely-coupled distributed systems"


def _by_key(folder: Path) -> dict[str, Paper]:
    return {p.extra["zotero_key"]: p for p in read_file(folder).papers}


def test_a_paper_saved_as_a_web_page_is_read_from_its_snapshot() -> None:
    """Chubby: its abstract from the page's "Abstract:" section, its body as full text,
    without the reference list (as a PDF's text is kept)."""
    result = read_file(SAN7O)
    (chubby,) = [p for p in result.papers if p.title == CHUBBY]
    assert chubby.abstract.startswith(
        "We describe our experiences with the Chubby lock service, which is intended to provide "
        "coarse-grained locking"
    )
    assert chubby.abstract.endswith(
        "how the design had to be modified to accommodate the differences."
    )
    assert chubby.extra["abstract_from"] == "abstract section of the web page"
    assert chubby.extra["snapshot"].endswith("storage/BRQIEUVL/burrows_html.html")
    (page,) = chubby.full_text
    assert page.page == NO_PAGE and len(page.text) > 70_000
    assert "This paper describes a lock service called Chubby." in page.text
    assert "\n\n2.6 API\n\nClients see a Chubby handle as a pointer" in page.text  # paragraphs
    assert "The VAX/VMS distributed lock manager" not in page.text  # reference 23
    assert "&amp;" not in page.text and "<p>" not in page.text.casefold()
    assert "EMKZAIYM" not in " ".join(result.warnings)  # no longer skipped


def test_items_with_an_abstract_gain_their_snapshots_text_and_keep_their_abstract() -> None:
    """The essay's page is its text; Emerald's paywall page is the birth-rate paper's landing
    page, whose only running text is the abstract the item has: no full text, and said so."""
    result = read_file(SAN7O)
    papers = {p.extra["zotero_key"]: p for p in result.papers}
    emerald, essay = papers["SEULD9KS"], papers["GCNIDXV5"]
    assert "abstract_from" not in emerald.extra and "abstract_from" not in essay.extra
    assert emerald.abstract.startswith("Purpose This paper focuses on one vital consequence")
    assert emerald.full_text == () and "snapshot" not in emerald.extra
    assert (
        "item SEULD9KS: attachment storage/KR2L3ZDH/html.html is a landing page: no text "
        "beyond the abstract"
    ) in result.warnings
    (page,) = essay.full_text
    assert page.text.startswith("SITUATIONAL AWARENESS: The Decade Ahead\n\n")
    assert "The AGI race has begun." in page.text
    assert page.text.endswith("Dedicated to Ilya Sutskever.")


EMERALD = SAN7O / "storage" / "KR2L3ZDH" / "html.html"
RELATED = (  # Emerald's "Related articles" box (TrendMD): other papers, then adverts
    "Prospects for European sustainable rail freight transport during economic austerity",
    "Dewan Md Zahurul Islam",
    "Overview: the opportunity of BIM in railway",
    "Population projection of Oman",
    "A review on lightweight materials for defence applications",
    "In dedifferentiated liposarcoma",
    "Boehringer Ingelheim",
    "Qian-ran Hu",
    "Powered by",
)


def test_a_paywall_pages_text_is_the_papers_own() -> None:
    """Emerald's page: the paywall block (its "turnaway" class), the "Related articles" box
    and its sponsored links, and the "Citation" block (cut at "Vol." into a sentence an
    answer quoted) are no part of the paper; its title, byline, abstract and keywords are."""
    page = read_page(EMERALD)
    text = "\n\n".join(page.paragraphs)
    assert "32.00€" not in text and "To read this content" not in text
    assert "Add to cart" not in text and "30 days to view and download" not in text
    for other in RELATED:
        assert other not in text
    assert "Related articles" not in text and "Sponsored" not in text
    assert "Citation" not in text and "Vol. 50 No. 6" not in text
    assert text.startswith(
        "The impact of declining birth rates on future infrastructure maintenance costs per "
        "capita\n\nJohn D. McCollough, Gevorg Sargsyan, Zhe Luo\n\nJournal of Economic Studies"
    )
    assert "\n\nAbstract\n\nPurpose\n\nThis paper focuses on one vital consequence" in text
    assert "Keywords\n\nBirth rates" in text
    assert "Related articles" not in page.headings and "Citation" not in page.headings


def test_a_landing_page_is_no_full_text() -> None:
    """A page whose running text is its abstract and little else (Emerald's paywall page, the
    arXiv and research.google abstract pages) gives no full text, but still its abstract and
    byline; Chubby's and the essay's pages have thousands of characters beyond theirs."""
    crompton = CROMPTON / "storage"
    landing = {
        EMERALD: 0,
        crompton / "4Z6ESTQI" / "2002.html": 0,
        crompton / "AH5Z3RX7" / "2002.html": 0,
        crompton / "MCLH75Z3" / "2002.html": 0,
        SAN7O / "storage" / "YDG9GDUH" / "the-google-file-system.html": 110,
        SAN7O
        / "storage"
        / "WZYXIF2K"
        / "mapreduce-simplified-data-processing-on-large-clusters.html": 110,
    }
    for path, chars in landing.items():
        page = read_page(path)
        assert page.body_chars() == chars, path
        assert page.paragraphs and page.pages == (), path
    title = (
        "The impact of declining birth rates on future infrastructure maintenance costs per capita"
    )
    page = read_page(EMERALD)
    assert (stand_in(page, title) or ("", ""))[1] == "dc.description meta tag of the web page"
    chubby = read_page(SAN7O / "storage" / "BRQIEUVL" / "burrows_html.html")
    essay = read_page(SAN7O / "storage" / "FLDJUS8D" / "situational-awareness.ai.html")
    assert chubby.body_chars() > 70_000 and len(chubby.pages[0].text) > 79_000
    assert 5_000 < essay.body_chars() < 6_000 and len(essay.pages[0].text) > 5_700


def test_an_answer_does_not_quote_a_landing_pages_related_articles() -> None:
    """ "What is the outlook for European rail freight transport?" cited the birth-rate paper
    for a related article's title; its abstract is all that can be cited now."""
    emerald = _by_key(SAN7O)["SEULD9KS"]
    source = Source(1, emerald.paper_id, emerald.title, emerald.abstract, emerald.full_text)
    request = answer_request("What is the outlook for European rail freight transport?", (source,))
    done = list(ExtractiveBackend().stream(request))[-1]
    assert isinstance(done, Done)
    said = done.completion.text
    assert "Prospects for European" not in said and "Journal of Economic Studies, Vol." not in said
    assert "32.00" not in said and "Sponsored" not in said


def test_a_pdf_comes_before_a_snapshot_of_the_papers_landing_page() -> None:
    """GFS's research.google page and StraightOuttaCrompton's arXiv abstract pages do not
    replace the PDFs' full text; the libraries' counts are as before."""
    gfs = _by_key(SAN7O)["YETXCY5K"]
    assert gfs.extra["pdf"].endswith("945445.pdf") and "snapshot" not in gfs.extra
    assert len(gfs.full_text) == 15
    papers = _by_key(CROMPTON)
    assert len(papers) == 3
    for paper in papers.values():
        assert "snapshot" not in paper.extra and "abstract_from" not in paper.extra
        assert paper.extra["pdf"].endswith(".pdf") and len(paper.full_text) >= 5


def test_arxiv_abstract_page_meta_tags() -> None:
    """arXiv's og:description holds the whole abstract; its twitter:description is cut
    ("... this...") and is passed over."""
    page = read_page(CROMPTON / "storage" / "4Z6ESTQI" / "2002.html")
    assert page.meta["twitter:description"][0].endswith("...")
    whole, origin = stand_in(page, "Archimedean Choice Functions") or ("", "")
    assert origin == "og:description meta tag of the web page"
    assert whole.startswith("If uncertainty is modelled by a probability measure")
    assert whole.endswith("lies at the basis of both results.")
    cut = WebPage(
        page.paragraphs, page.headings, {"og:description": page.meta["twitter:description"]}
    )
    abstract, origin = stand_in(cut, "Archimedean Choice Functions") or ("", "")
    # "Abstract: If uncertainty ..." on the page: the paragraph the label opens, no more
    assert origin == "abstract section of the web page" and abstract == whole


def test_a_description_that_is_the_title_is_no_abstract() -> None:
    """Emerald's description is "<title> - Author: ..."; without its dc.Description (the
    structured abstract) the page's Abstract section stands in, sub-headings and all, up to
    "Keywords"."""
    page = read_page(SAN7O / "storage" / "KR2L3ZDH" / "html.html")
    title = (
        "The impact of declining birth rates on future infrastructure maintenance costs per capita"
    )
    abstract, origin = stand_in(page, title) or ("", "")
    assert origin == "dc.description meta tag of the web page"
    assert ".,However" not in abstract and ". However, this paper" in abstract
    only = WebPage(page.paragraphs, page.headings, {"description": page.meta["description"]})
    abstract, origin = stand_in(only, title) or ("", "")
    assert origin == "abstract section of the web page"
    assert abstract.startswith("Purpose This paper focuses on one vital consequence")
    assert "Originality/value From an extensive literature review" in abstract
    assert abstract.endswith("will continue to get more focus in the future.")


def test_an_abstract_under_a_heading_ends_where_the_page_moves_on() -> None:
    """research.google's MapReduce page: navigation, cookie notice and footer are left out,
    and the abstract under its <h3> stops at the next <h3> ("Research Areas")."""
    page = read_page(
        SAN7O
        / "storage"
        / "WZYXIF2K"
        / "mapreduce-simplified-data-processing-on-large-clusters.html"
    )
    text = page.text
    assert text.startswith(
        "MapReduce: Simplified Data Processing on Large Clusters\n\nJeffrey Dean"
    )
    assert "uses cookies" not in text and "Who we are" not in text and "Privacy" not in text
    abstract, origin = stand_in(page, "MapReduce") or ("", "")
    assert origin == "abstract section of the web page"
    assert abstract.startswith("MapReduce is a programming model")
    assert "Research Areas" not in abstract and "Distributed Systems and Parallel" not in abstract


def _san7o_with(tmp_path: Path, snapshot: bytes) -> Path:
    """San7o's database with Chubby's snapshot (and nothing else) holding ``snapshot``."""
    folder = tmp_path / "Zotero"
    (folder / "storage" / "BRQIEUVL").mkdir(parents=True)
    shutil.copy(SAN7O / "zotero.sqlite", folder)
    (folder / "storage" / "BRQIEUVL" / "burrows_html.html").write_bytes(snapshot)
    return folder


@pytest.mark.parametrize(
    ("snapshot", "said"),
    [
        (b"", " has no text"),
        (b"<html><head><script>var x = 1;</script></head><body> </body></html>", " has no text"),
        (b"PK\x03\x04\x00\x00" * 50, ": looks like a binary file, not a web page"),
    ],
    ids=["empty", "no text", "binary"],
)
def test_an_empty_or_unreadable_snapshot_is_its_items_warning(
    tmp_path: Path, snapshot: bytes, said: str
) -> None:
    result = read_file(_san7o_with(tmp_path, snapshot))
    assert f"item EMKZAIYM: attachment storage/BRQIEUVL/burrows_html.html{said}" in result.warnings
    # Chubby is skipped, having no abstract either, as before; and so are GFS, the birth-rate
    # paper and Paxos, whose PDFs are not in this copy: the other 11 items go in
    skipped = next(w for w in result.warnings if w.startswith("skipped 4 record(s) without an"))
    assert "EMKZAIYM" in skipped
    assert len(result.papers) == 11 and result.records == 16


def test_a_missing_snapshot_is_not_reported_as_a_missing_file(tmp_path: Path) -> None:
    """Fertility Rate's snapshot folder (LAWRCR8A) is empty in the real library: the item goes
    in from its metadata, and only the missing PDF is said."""
    result = read_file(SAN7O)
    assert [m.ref for m in result.files_missing] == ["8BVV9WNM"]
    assert not any("LAWRCR8A" in w for w in result.warnings)
    folder = _san7o_with(tmp_path, b"<p>x</p>")
    with sqlite3.connect(folder / "zotero.sqlite") as db:  # a link to a URL has no file
        links = db.execute("SELECT count(*) FROM itemAttachments WHERE linkMode = 3").fetchone()
    assert links[0] == 2 and not any("HCCKJQEK" in w for w in read_file(folder).warnings)


def test_page_text_is_decoded_and_cleaned(tmp_path: Path) -> None:
    """Entities, a declared charset, hidden and navigation elements, <br> and paragraphs."""
    html = (
        "<html><head><meta charset='iso-8859-1'><title>Tab title</title>"
        "<style>p {color: red}</style></head><body>"
        "<nav><a href='/'>Home</a></nav><header>Site banner</header>"
        "<div class='sf-hidden'>Hidden by the page</div><div hidden>Also hidden</div>"
        "<h1>A caf\xe9 study</h1><p>First &amp; second&nbsp;line<br>next line</p>"
        "<p>Caf&eacute; &#8212; &#x2013; done.</p><script>alert('no')</script>"
        "<footer>Site footer</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("latin-1"))
    page = read_page(path)
    assert page.text == "A café study\n\nFirst & second line\nnext line\n\nCafé — – done."
    assert page.headings == {"A café study": 1}


def test_a_snapshot_item_without_creators_takes_the_pages_byline() -> None:
    """Chubby and Aschenbrenner's essay have no creators and no date in Zotero: the lines under
    the page's title say who and when ("Mike Burrows, Google Inc." / "6 September 2006";
    "Leopold Aschenbrenner, June 2024"). Emerald's item keeps its own creators and date."""
    papers = _by_key(SAN7O)
    chubby, essay, emerald = papers["EMKZAIYM"], papers["GCNIDXV5"], papers["SEULD9KS"]
    assert chubby.authors == ("Mike Burrows",) and chubby.year == 2006
    assert essay.authors == ("Leopold Aschenbrenner",) and essay.year == 2024
    assert emerald.authors == ("McCollough, John D.", "Sargsyan, Gevorg", "Luo, Zhe")
    assert emerald.year == 2022


@pytest.mark.parametrize(
    ("library", "path", "title", "authors", "year"),
    [
        (SAN7O, "BRQIEUVL/burrows_html.html", CHUBBY, ["Mike Burrows"], "2006"),
        (
            SAN7O,
            "FLDJUS8D/situational-awareness.ai.html",
            "Introduction - SITUATIONAL AWARENESS: The Decade Ahead",
            ["Leopold Aschenbrenner"],
            "2024",
        ),
        (  # meta dc.date; the byline's two dates (article 2022, issue 2023) alone give none
            SAN7O,
            "KR2L3ZDH/html.html",
            "The impact of declining birth rates on future infrastructure maintenance costs per "
            "capita",
            ["John D. McCollough", "Gevorg Sargsyan", "Zhe Luo"],
            "2022",
        ),
        (
            SAN7O,
            "WZYXIF2K/mapreduce-simplified-data-processing-on-large-clusters.html",
            "MapReduce: Simplified Data Processing on Large Clusters",
            ["Jeffrey Dean", "Sanjay Ghemawat"],
            "2004",
        ),
        (
            SAN7O,
            "YDG9GDUH/the-google-file-system.html",
            "The Google File System",
            ["Sanjay Ghemawat", "Howard Gobioff", "Shun-Tak Leung"],
            "2003",
        ),
        (  # citation_author / citation_date meta tags
            CROMPTON,
            "4Z6ESTQI/2002.html",
            "Archimedean Choice Functions: an Axiomatic Foundation for Imprecise Decision Making",
            ["De Bock, Jasper"],
            "2020",
        ),
        (
            CROMPTON,
            "AH5Z3RX7/2002.html",
            "Optimal Multiple Stopping Rule for Warm-Starting Sequential Selection",
            ["Fekom, Mathilde", "Vayatis, Nicolas", "Kalogeratos, Argyris"],
            "2020",
        ),
        (
            CROMPTON,
            "MCLH75Z3/2002.html",
            "Fully Differentiable Procedural Content Generation through Generative Playing "
            "Networks",
            ["Bontrager, Philip", "Togelius, Julian"],
            "2020",
        ),
    ],
    ids=["chubby", "situational", "emerald", "mapreduce", "gfs", "arxiv1", "arxiv2", "arxiv3"],
)
def test_every_real_snapshots_byline(
    library: Path, path: str, title: str, authors: list[str], year: str
) -> None:
    assert byline(read_page(library / "storage" / path), title) == (authors, year)


def test_a_byline_is_taken_only_where_it_is_unambiguous(tmp_path: Path) -> None:
    """No title heading, a name line that is not all names, a site's "author" tag, two years:
    nothing."""
    html = (
        "<html><head><meta name='author' content='Example News Staff'>"
        "<meta name='citation_author' content='Ada Lovelace'>"
        "<meta name='citation_author' content='Example Research Group'></head><body>"
        "<h1>A Study of Things</h1><p>Ada Lovelace, Some Street 12</p>"
        "<p>Published 3 May 2019, updated 1 June 2021</p>"
        "<p>This study looks at all of the things that there are in the world.</p></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html)
    page = read_page(path)
    assert byline(page, "A Study of Things") == ([], None)
    assert byline(page, "Something else entirely") == ([], None)


def test_a_web_pages_text_is_cited_without_a_page() -> None:
    """Chubby's text is a web page: an answer resting on it cites "[1]" (not "[1, p. 1]"), a
    PDF's passage keeps its page, the prompt gives the passage no page, and a page cited for
    it anyway is dropped."""
    chubby = _by_key(SAN7O)["EMKZAIYM"]
    text = chubby.full_text[0].text
    at = text.index("The replicas use a distributed consensus protocol to elect a master")
    web = Source(
        1, chubby.paper_id, chubby.title, chubby.abstract, (PageText(NO_PAGE, text[at : at + 900]),)
    )
    pdf = Source(2, "p2", "Another paper", "An abstract.", (PageText(7, "A master is elected."),))
    assert web.pages == () and [v.page for v in web.page_views()] == [NO_PAGE]
    assert [v.page for v in pdf.page_views()] == [7]
    assert page_label(NO_PAGE) == "web page" and page_label(7) == "p. 7"
    assert '<passage page="none">' in render_sources([web])
    request = answer_request("How do Chubby's replicas elect a master?", (web,))
    done = list(ExtractiveBackend().stream(request))[-1]
    assert isinstance(done, Done)
    assert "[1]" in done.completion.text and "p. " not in done.completion.text
    assert "abstracts and full texts" in done.completion.text  # the page is no abstract
    checked = check("Masters are elected [1, p. 1].", (web,))
    assert checked.text == "Masters are elected [1]." and checked.dropped_pages == [(1, 1)]


def test_what_is_no_part_of_the_paper_is_known_by_its_markup(tmp_path: Path) -> None:
    """Class words, aria-labels, ``rel="sponsored"`` and the headings that open such
    sections; an id, often a heading's slug ("related-work", "informed-consent"), an in-text
    citation's class and a "Related Work" or "Recommendations" section of the paper are kept."""
    html = (
        "<html><body><main>"
        "<div class='paywall-box'><p>Subscribe to read the full text.</p></div>"
        "<h1>A Study of Things</h1>"
        "<section id='related-work'><h2>Related Work</h2>"
        "<p>Earlier work <span class='citation'>(Doe 2001)</span> looked at fewer things.</p>"
        "</section>"
        "<section id='market-share'><h2>Market share</h2><p>Shares rose.</p></section>"
        "<div id='informed-consent'><h2>Informed consent</h2><p>All agreed.</p></div>"
        "<h2>Recommendations</h2><p>Count the things twice.</p>"
        "<div class='col'><h2>Related articles</h2><ol><li>Another Study, Roe, 2019</li></ol>"
        "<p><a rel='sponsored nofollow' href='x'>Buy our widgets</a></p></div>"
        "<p>After the box, the paper goes on.</p>"
        "<div class='article-share-buttons'><p>Share on Mastodon</p></div>"
        "<div class='ad-slot'><p>Advert text</p></div>"
        "<section aria-label='You might also like'><p>Some other paper</p></section>"
        '<h2>Citation</h2><p>Doe, J. (2020), "A Study of Things", Journal, Vol. 1.</p>'
        "<h3>Download as .RIS</h3>"
        "<h2>Conclusion</h2><p>Things are many.</p>"
        "<h2>Cited by (12)</h2><p>A later paper</p>"
        "<p class='cookie-notice'>We use cookies.</p>"
        "</main></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html)
    page = read_page(path)
    assert page.paragraphs == (
        "A Study of Things",
        "Related Work",
        "Earlier work (Doe 2001) looked at fewer things.",
        "Market share",
        "Shares rose.",
        "Informed consent",
        "All agreed.",
        "Recommendations",
        "Count the things twice.",
        "After the box, the paper goes on.",
        "Conclusion",
        "Things are many.",
    )
    assert page.pages == ()  # a few lines are no paper's body
