"""Real exports as they are (``/work/shared/real/bibtex``, sources in its README), and repairs.

Counts below are the README's independent ones: entries and entries with an abstract.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from litreview.reading import LibraryFileError, read_file
from litreview.reading.dedupe import merge_papers
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper

REAL = Path("/work/shared/real")
ABSTRACT = "We propose a method for robust training of deep networks that improves accuracy by 5%."

# file: (entries, entries with an abstract) from shared/real/README.md
BIBTEX = {
    "elmoghany_betterbibtex_video_diffusion.bib": (77, 74),
    "extrav_zotero_native_medical.bib": (30, 24),
    "seobuk_mendeley_style_robotics.bib": (16, 11),
    "pathologicalhandwaving_bibdesk.bib": (264, 20),
}

needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real material not present")


@needs_real
@pytest.mark.parametrize("name", sorted(BIBTEX))
def test_every_real_bibtex_export_accounts_for_every_entry(name: str) -> None:
    """Each export of shared/real/bibtex: every entry read is kept, merged or skipped with why."""
    entries, with_abstract = BIBTEX[name]
    result = read_file(REAL / "bibtex" / name)
    assert result.records == entries
    assert len(result.papers) + result.merged == with_abstract
    assert result.skip_reasons == {"no abstract": entries - with_abstract}


@needs_real
def test_bibdesk_capitalised_fields_and_mendeley_abstract_label() -> None:
    """pathologicalhandwaving/Bibliography (BibDesk ``Abstract =``) and Seobuk/zotero (Mendeley)."""
    bibdesk = read_file(REAL / "bibtex" / "pathologicalhandwaving_bibdesk.bib")
    assert all(p.abstract for p in bibdesk.papers) and len(bibdesk.papers) == 20
    mendeley = read_file(REAL / "bibtex" / "seobuk_mendeley_style_robotics.bib")
    assert not any(p.abstract.casefold().startswith("abstract") for p in mendeley.papers)


@needs_real
def test_better_bibtex_duplicates_merge_by_arxiv_id_and_keep_keys() -> None:
    """elmoghany/my-zotero-sync: Better BibTeX exported eight papers twice (keys ``...2024a``)."""
    result = read_file(REAL / "bibtex" / "elmoghany_betterbibtex_video_diffusion.bib")
    assert result.merged == 8
    cog = [p for p in result.papers if p.title.startswith("CogVideoX")]
    assert len(cog) == 1 and cog[0].arxiv_id == "2408.06072"
    assert cog[0].extra["bibtex_key"] == "yangCogVideoXTexttoVideoDiffusion2025"


def test_bad_records_are_repaired_or_skipped_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "messy.bib"
    path.write_text(
        "@article{dup,\n title = {First Title},\n title = {Second Title},\n"
        f" abstract = {{{ABSTRACT}}},\n year = {{2020}}\n}}\n\n"
        f"@article{{notitle,\n abstract = {{{ABSTRACT}}}\n}}\n\n"
        f"@article{{baddate,\n title = {{Dated}},\n abstract = {{{ABSTRACT}}},\n"
        " year = {someday}\n}\n",
        encoding="utf-8",
    )
    result = read_file(path)
    assert [p.title for p in result.papers] == ["First Title", "Dated"]
    assert result.records == 3 and result.skip_reasons == {"no title": 1}
    assert "messy.bib:1: entry 'dup' repeats title; keeping the first value" in result.warnings
    assert "messy.bib:8: entry 'notitle' has no title; skipped" in result.warnings
    assert any(
        w.startswith("messy.bib:12: entry 'baddate': cannot read a year") for w in result.warnings
    )
    assert result.papers[1].year is None


def test_bibtex_abstracts_are_latex_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latex.bib"
    path.write_text(
        "@article{k,\n title = {T},\n abstract = {M{\\\"u}ller's method is 5\\% better "
        "than {\\'E}cole's, a robust result on deep networks.}\n}\n",
        encoding="utf-8",
    )
    (paper,) = read_file(path).papers
    assert paper.abstract.startswith("Müller's method is 5% better than École's")


def test_json_array_and_arxiv_style_columns(tmp_path: Path) -> None:
    path = tmp_path / "papers.json"
    rows = [
        {"titles": "A", "summaries": ABSTRACT, "authors": ["X Y"]},
        {"title": "B", "abstract": ABSTRACT, "year": 2021},
        {"title": "", "abstract": ABSTRACT},
    ]
    path.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    result = read_file(path)
    assert [p.title for p in result.papers] == ["A", "B"]
    assert result.records == 3 and result.skip_reasons == {"no title": 1}
    assert "lines 14" in result.warnings[0]  # the third object starts on line 14


def test_json_lines_saved_as_json(tmp_path: Path) -> None:
    path = tmp_path / "papers.json"
    path.write_text(
        json.dumps({"title": "A", "abstract": ABSTRACT})
        + "\n"
        + json.dumps({"title": "B", "abstract": ABSTRACT})
        + "\n",
        encoding="utf-8",
    )
    assert [p.title for p in read_file(path).papers] == ["A", "B"]


def test_zotero_csv_export_columns(tmp_path: Path) -> None:
    path = tmp_path / "zotero.csv"
    path.write_text(
        '"Key","Item Type","Publication Year","Author","Title","Abstract Note","DOI","Url",'
        '"Extra"\n'
        f'"ABCD1234","journalArticle","2019","Doe, Jane; Roe, Rick","A Paper","{ABSTRACT}",'
        '"10.1000/X1","https://e.org",""\n'
        f'"EFGH5678","preprint","2020","Poe, Al","Other","{ABSTRACT}","","",'
        '"arXiv: 2001.00001\nDOI: 10.1000/y2"\n',
        encoding="utf-8",
    )
    first, second = read_file(path).papers
    assert first.authors == ("Doe, Jane", "Roe, Rick") and first.year == 2019
    assert first.doi == "10.1000/x1" and first.extra["Key"] == "ABCD1234"
    assert second.doi == "10.1000/y2"  # from Zotero's Extra field


def _paper(title: str, **kw: object) -> Paper:
    return Paper(paper_id_for(title), title, ABSTRACT, sources=("a.bib",), **kw)  # type: ignore[arg-type]


def test_same_title_different_dois_stays_two_papers() -> None:
    a = _paper("Introduction", doi="10.1/a")
    b = _paper("Introduction", doi="10.1/b")
    merged, _ = merge_papers([a, b])
    assert len(merged) == 2 and merged[0].paper_id == paper_id_for("Introduction")
    assert merged[1].paper_id != merged[0].paper_id


def test_same_title_different_years_and_authors_stays_two_papers() -> None:
    a = _paper("Deep Learning", year=2015, authors=("LeCun, Yann",))
    b = _paper("Deep Learning", year=2006, authors=("Smith, Al",))
    c = _paper("Deep Learning", year=2016, authors=("Yann LeCun",))  # preprint a year on: same
    merged, _ = merge_papers([a, b, c])
    assert len(merged) == 2


def test_doi_and_arxiv_id_identify_across_title_spellings() -> None:
    a = _paper("ReAct: Synergizing Reasoning and Acting", arxiv_id="2210.03629")
    b = _paper("REACT: SYNERGIZING REASONING AND ACTING IN LANGUAGE MODELS", arxiv_id="2210.03629")
    merged, _ = merge_papers([a, b])
    assert len(merged) == 1 and merged[0].paper_id == a.paper_id


def test_paper_without_doi_keeps_its_title_id() -> None:
    """Libraries built before identity counted DOIs keep their ids (compatibility)."""
    (paper,) = merge_papers([_paper("Robust Training")])[0]
    assert paper.paper_id == paper_id_for("Robust Training")


def test_json_object_holding_a_list_and_invalid_json_named_by_line(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"papers": [{"title": "A", "abstract": ABSTRACT}]}), "utf-8")
    assert [p.title for p in read_file(path).papers] == ["A"]
    path.write_text('[\n {"title": "A",\n  "abstract": oops}\n]\n', encoding="utf-8")
    with pytest.raises(LibraryFileError) as err:
        read_file(path)
    assert err.value.line == 3 and "invalid JSON" in err.value.message
    path.write_text('"just a string"', encoding="utf-8")
    with pytest.raises(LibraryFileError, match="expected a JSON array of records"):
        read_file(path)


def test_bare_percent_in_a_bibtex_abstract_keeps_the_rest_of_the_line(tmp_path: Path) -> None:
    """Mendeley leaves "%" unescaped; decoded as LaTeX it would start a comment."""
    path = tmp_path / "mendeley.bib"
    path.write_text(
        "@article{k,\n title = {T},\n abstract = {Accuracy improves by 5% on {ImageNet} with "
        "robust training of deep networks, and M{\\\"u}ller's baseline by 2%.}\n}\n",
        encoding="utf-8",
    )
    (paper,) = read_file(path).papers
    assert paper.abstract == (
        "Accuracy improves by 5% on ImageNet with robust training of deep networks, and "
        "Müller's baseline by 2%."
    )


def test_zotero_escaped_comparison_signs_survive_latex_decoding(tmp_path: Path) -> None:
    """Zotero's own BibTeX export writes ``<`` as ``{\\textless}``: "P < 0.05" must not read
    "P 0.05" (the opposite finding to a reader); an unknown macro keeps its word."""
    path = tmp_path / "zotero.bib"
    path.write_text(
        "@article{k,\n title = {Evaluation with high\\load capacity},\n"
        " abstract = {Tension fell after 40 years (P {\\textless} 0.05); severe "
        "({\\textgreater}40\\% height loss) fractures; a {\\textbar}b{\\textbar} norm; "
        "we propose \\tool, a method.}\n}\n",
        encoding="utf-8",
    )
    (paper,) = read_file(path).papers
    assert paper.title == "Evaluation with high load capacity"
    assert "(P < 0.05)" in paper.abstract
    assert "severe (>40% height loss)" in paper.abstract
    assert "a |b| norm" in paper.abstract
    assert "we propose tool, a method." in paper.abstract


@needs_real
def test_real_zotero_export_keeps_p_value_signs() -> None:
    """extrav/research (Zotero's built-in export, medicine): every {\\textless} is a "<"."""
    result = read_file(REAL / "bibtex" / "extrav_zotero_native_medical.bib")
    text = " ".join(p.abstract for p in result.papers)
    assert "(P < 0.05)" in text and "p<0.0001" in text and "severe (>40% height loss)" in text
    seobuk = read_file(REAL / "bibtex" / "seobuk_mendeley_style_robotics.bib")
    assert any("high load capacity" in p.title for p in seobuk.papers)


def test_zotero_rich_text_tags_are_not_title_words(tmp_path: Path) -> None:
    """Zotero keeps ``<i>``/``<sub>``/``<p>`` in titles; its export escapes them as LaTeX."""
    path = tmp_path / "rich.bib"
    path.write_text(
        "@article{k,\n title = {{\\textless}p{\\textgreater}{Exploring} the Role of "
        "{\\textless}i{\\textgreater}E. coli{\\textless}/i{\\textgreater} in "
        "CO{\\textless}sub{\\textgreater}2{\\textless}/sub{\\textgreater}"
        "{\\textless}/p{\\textgreater}},\n abstract = {A study of x < y.}\n}\n",
        encoding="utf-8",
    )
    (paper,) = read_file(path).papers
    assert paper.title == "Exploring the Role of E. coli in CO2"
    assert paper.abstract == "A study of x < y."


@needs_real
def test_bibdesk_tex_quotes_become_curly_quotes() -> None:
    """pathologicalhandwaving/Bibliography (BibDesk) stores a title with TeX's ``...'' and no
    brace or macro around it, so it was never decoded: "an ``automatic crap detector''"."""
    bibdesk = read_file(REAL / "bibtex" / "pathologicalhandwaving_bibdesk.bib")
    (paper,) = [p for p in bibdesk.papers if p.title.startswith("News in an online world")]
    assert paper.title == "News in an online world: The need for an “automatic crap detector”"
    assert "inspired by Hemingway's “automatic crap detector” (Manning, 1965)" in paper.abstract


def test_tex_single_and_double_quotes_decode_and_apostrophes_stay(tmp_path: Path) -> None:
    """`...' is ‘...’ and ``...'' is “...”, beside other TeX (decoded as before); an apostrophe,
    an accent macro and a backtick that opens no quote are left as they are."""
    path = tmp_path / "quotes.bib"
    path.write_text(
        "@article{k,\n title = {The `one-shot' learner: {\\'E}cole's ``caf{\\'e}'' data},\n"
        " abstract = {Users' `don't ask' replies and ``quoted'' text; code `x` and 2'' gaps.}\n}\n",
        encoding="utf-8",
    )
    (paper,) = read_file(path).papers
    assert paper.title == "The ‘one-shot’ learner: École's “café” data"
    assert paper.abstract == "Users' ‘don't ask’ replies and “quoted” text; code `x` and 2'' gaps."


def test_a_placeholder_abstract_is_no_abstract(tmp_path: Path) -> None:
    """thiagohonorato's Zotero library has an IEEE book review whose abstract is "Not
    Available"; an answer quoted it ("According to Larrabee [1], not Available.")."""
    result = read_file(REAL / "zotero" / "thiagohonorato+referencias")
    assert not [p for p in result.papers if p.title.endswith("[Book Review]")]
    assert result.skip_reasons.get("placeholder abstract") == 1
    note = "skipped 1 record(s) whose abstract is a placeholder such as 'Not Available' (items"
    assert any(w.startswith(note) for w in result.warnings)
    bib = tmp_path / "refs.bib"
    entries = [("a", "[No abstract available]"), ("b", "N/A"), ("c", "Abstract: we study x.")]
    bib.write_text(
        "\n".join(f"@article{{{k}, title={{Paper {k}}}, abstract={{{a}}}}}" for k, a in entries)
    )
    assert [p.title for p in read_file(bib).papers] == ["Paper c"]


def test_an_author_list_written_twice_is_read_once() -> None:
    """18,002 of the 50,000 corpus rows repeat their whole author list; a name met twice in a
    list that is not a repeat is two people and stays."""
    import gzip

    from litreview.reading.build import parse_authors

    assert parse_authors("Benny Gamus; Yizhar Or; Benny Gamus; Yizhar Or") == (
        "Benny Gamus",
        "Yizhar Or",
    )
    assert parse_authors("Wei Wang and Li Chen and Wei Wang") == ("Wei Wang", "Li Chen", "Wei Wang")
    corpus = REAL / "corpora" / "conference-abstracts-50k.jsonl.gz"
    if not corpus.is_file():
        pytest.skip("the real corpus is not on this machine")
    with gzip.open(corpus, "rt", encoding="utf-8") as rows:
        first = json.loads(next(row for row in rows if "Benny Gamus" in row))
    (paper,) = read_file_text(first)
    assert paper.authors.count("Benny Gamus") == 1


def read_file_text(row: dict[str, object]) -> list[Paper]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "one.jsonl"
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
        return read_file(path).papers


def test_latex_font_macros_and_symbols_in_abstracts_are_read_as_text() -> None:
    """The real video-generation export's arXiv abstracts: "we introduce
    \\textbf{StoryGPT-V}", "\\url{https://...}", "5.9$\\times$ speedup", "(\\eg, ControlNet)"
    read as their words; an unknown macro (an author's ``\\tool``) is kept."""
    from litreview.reading.normalize import clean_text

    assert clean_text(r"we introduce \textbf\{StoryGPT-V\}, a model") == (
        "we introduce StoryGPT-V, a model"
    )
    assert clean_text(r"5.9$\times$ speedup (\eg, ControlNet) at \url{https://a.b/c}") == (
        "5.9× speedup (e.g., ControlNet) at https://a.b/c"
    )
    assert clean_text(r"we propose \tool, a 1-$\mu$m stage; \eggs") == (
        r"we propose \tool, a 1-µm stage; \eggs"
    )
    bib = Path("/work/shared/real/bibtex/elmoghany_betterbibtex_video_diffusion.bib")
    if not bib.exists():
        pytest.skip("shared/real not present")
    papers = read_file(bib).papers
    (story,) = [p for p in papers if p.title.startswith("StoryGPT-V")]
    assert "we introduce StoryGPT-V, which" in story.abstract
    assert not [p.title for p in papers if re.search(r"\\(?:textbf|url|eg)\b", p.abstract)]
