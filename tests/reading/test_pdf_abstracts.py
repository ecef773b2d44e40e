"""Where a PDF's abstract ends, on the real papers of shared/real (sources in its README).

Page 1 sets footnotes, the venue line, the arXiv stamp and received/funding/e-mail notes
right below the abstract's column, and the text layer reads them as its next lines: the
Transformer paper's abstract went on into "Ashish, with Illia, designed and implemented the
first Transformer models ..." and "31st Conference on Neural Information Processing
Systems", the Chinese journal paper's stopped at "which is better than the" and ran into
收稿日期 and the authors' e-mails. Each real PDF's abstract ending is pinned, so a fix for
one cannot cut another.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from litreview.reading import read_file
from litreview.reading.readers.pdf import _FRONT_MATTER, abstract_section, extract

REAL = Path("/work/shared/real")
PDFS = REAL / "pdfs"
SAN7O = REAL / "zotero" / "San7o+research-papers-collection" / "storage"
pytestmark = pytest.mark.skipif(not PDFS.is_dir(), reason="shared/real material not present")

# Each real PDF's abstract ends here (read by eye on the page: the abstract's own last words).
ENDINGS = {
    "1995_svm_cortes_vapnik.pdf": "a benchmark study of Optical Character Recognition.",
    "2016_squeezenet_iandola.pdf": "available for download here: https://github.com/DeepScale/SqueezeNet",
    "2017_attention_is_all_you_need_vaswani_v7.pdf": "both with large and limited training data.",
    "2023_code_as_policies_liang.pdf": "Code and videos are available at https://code-as-policies.github.io",
    "2023_edge_inference_tobiasz.pdf": "research/edge_inference_results.csv.",
    "2023_poster_batteryfree_ml_mcu_huang.pdf": "feasibility of battery-free ML inference on MCUs.",
    "2023_raman_plastic_cnn_chinese_yuan.pdf": "the detection performance of plastic products.",
    "2023_react_yao.pdf": "while being prompted with only one or two in-context examples.",
    "2023_reflexion_shinn.pdf": "at https://github.com/noahshinn024/reflexion.",
    "2023_sentiment_llm_zhang.pdf": "https://github. com/DAMO-NLP-SG/LLM-Sentiment.",
    "2024_autodroid_wen.pdf": "outperforming the GPT-4-powered baselines by 36.4% and 39.7%.",
    # its footnote mark "1" after the full stop is not the abstract's
    "2024_query2cad_badagabettu.pdf": "We have open-sourced our data, model, and code.",
}
# Words of page-1 notes that are no abstract's: footnotes, venue, stamp, dates, funding, e-mail.
NOT_ABSTRACT = (
    "Equal contribution", "Work performed while", "Conference on Neural", "arXiv:", "收稿日期",
    "基金项目", "E-mail", "@google.com", "Corresponding author", "Permission to make",
    "Copyright", "ISBN",
)  # fmt: skip


@cache
def _abstract(path: Path) -> str:
    (paper,) = read_file(path).papers
    assert paper.extra.get("abstract_from") == "abstract section of the PDF"
    return paper.abstract


@pytest.mark.parametrize("name", sorted(ENDINGS))
def test_every_real_pdf_abstract_ends_where_the_paper_ends_it(name: str) -> None:
    """All 12 real PDFs: the abstract ends on its own last words and holds no page-1 note."""
    abstract = _abstract(PDFS / name)
    assert abstract.endswith(ENDINGS[name])
    assert not [word for word in NOT_ABSTRACT if word in abstract]


def test_the_transformer_abstract_stops_before_its_footnotes_and_venue_line() -> None:
    """Vaswani et al. 2017 (arXiv v7): the author-contribution footnote, the affiliation notes,
    the NIPS venue line and the arXiv stamp follow "training data." on page 1."""
    abstract = _abstract(PDFS / "2017_attention_is_all_you_need_vaswani_v7.pdf")
    assert abstract.startswith("The dominant sequence transduction models are based on complex")
    assert "Ashish, with Illia" not in abstract and "Long Beach" not in abstract
    assert len(abstract) == 1139  # the abstract whole: eight sentences


def test_the_chinese_papers_english_abstract_continues_on_page_two() -> None:
    """Yuan et al. 2023 (光学仪器): the English abstract is cut at page 1's foot by the received
    date, funding, author notes and e-mails, and goes on at the top of page 2 up to
    "Keywords:"; the continuation is joined, the notes are left out."""
    abstract = _abstract(PDFS / "2023_raman_plastic_cnn_chinese_yuan.pdf")
    assert abstract.startswith("Raman spectroscopy can identify the spectral characteristic")
    assert (
        "which is better than the three traditional machine learning algorithm models. "
        "The results show that the multi-classification method" in abstract
    )
    assert "收稿日期" not in abstract and "OPTICAL INSTRUMENTS" not in abstract


def test_autodroids_abstract_skips_the_permission_block_inside_it() -> None:
    """Wen et al. 2024 (MobiCom): "The results" ends the left column, the corresponding-author
    note and ACM's permission block follow, and the sentence goes on in the right column."""
    abstract = _abstract(PDFS / "2024_autodroid_wen.pdf")
    assert "with 158 common tasks. The results demonstrated that AutoDroid is able" in abstract
    assert "MobiCom" not in abstract and "doi.org" not in abstract


@pytest.mark.skipif(not SAN7O.is_dir(), reason="shared/real Zotero storage not present")
@pytest.mark.parametrize(
    ("folder", "ending"),
    [
        ("QIYJPXTB", "micro-benchmarks and real world use."),  # GFS: ACM's subject descriptors
        ("ILY4REGN", "the synchronous case, the “Byzantine Generals” problem."),  # JACM 1985
        ("L5VFETMG", "more than twenty petabytes of data per day."),  # CACM: "Biographies"
    ],
)
def test_acm_descriptors_and_biographies_end_an_abstract(folder: str, ending: str) -> None:
    """San7o's Zotero PDFs: "Categories and Subject Descriptors", "General Terms",
    "Additional Key Words" and a "Biographies" heading follow the abstract, and are not it."""
    (path,) = (SAN7O / folder).glob("*.pdf")
    abstract = abstract_section(extract(path).pages)
    assert abstract is not None and abstract.endswith(ending)


@pytest.mark.parametrize(
    "line",
    [
        "∗Equal contribution. Listing order is random.",
        "†Work performed while at Google Brain.",
        "* Shanhui Zhao and Tao Yu were student interns at Tsinghua University.",
        "31st Conference on Neural Information Processing Systems (NIPS 2017), Long Beach, CA.",
        "Thirty-seventh Conference on Neural Information Processing Systems (NeurIPS 2023).",
        "arXiv:1706.03762v7 [cs.CL] 2 Aug 2023",
        "Preprint. Under review.",
        "A PREPRINT - MARCH 14, 2023",
        "Received 12 May 2020; accepted 3 June 2020",
        "收稿日期 ：2022-12-30",
        "基金项目 ：国家自然科学基金 (62003047)",
        "E-mail：buaa38605@sina.com",
        "Corresponding author: Yuanchun Li (liyuanchun@air.tsinghua.edu.cn).",
        "© 2024 Copyright held by the owner/author(s).",
        "Permission to make digital or hard copies of part or all of this work for",
        "https://doi.org/10.1145/3636534.3649379",
    ],
)
def test_page_one_notes_are_front_matter(line: str) -> None:
    assert _FRONT_MATTER.match(line)


@pytest.mark.parametrize(
    "line",
    [
        "copyright law and fair use, and show that",  # an abstract about copyright
        "accepted to the main track, we find",
        "arXiv:1411.4952). The model is trained via maximizing global semantic",  # a citation
        "*De novo* drug design is a pivotal issue in pharmacology",  # emphasis, not a footnote
        "received considerable attention in recent years",
        "Conference on Robot Learning benchmarks show that",
        "preprint servers such as arXiv have grown",
    ],
)
def test_an_abstracts_own_lines_are_not_front_matter(line: str) -> None:
    """Lines that wrap inside real abstracts (the corpus of shared/real has the first three)."""
    assert not _FRONT_MATTER.match(line)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("We release our code.1", "We release our code."),
        ("It works.2 We then show", "It works. We then show"),
        ("with version 2.1 of the tool.", "with version 2.1 of the tool."),
        ("as Table 3.2 shows.", "as Table 3.2 shows."),
        ("was done.2017 saw more.", "was done.2017 saw more."),
    ],
)
def test_a_footnote_mark_after_a_full_stop_is_dropped(text: str, kept: str) -> None:
    from litreview.reading.readers.pdf import _FOOTNOTE_MARK

    assert _FOOTNOTE_MARK.sub("", text) == kept
