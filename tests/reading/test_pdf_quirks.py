"""What the real PDFs of shared/real/pdfs taught the reading layer: figure text in fonts
without a Unicode map, a Chinese reference heading, and words the line ends broke or joined."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from litreview.reading import read_file
from litreview.reading.readers.pdf import clean_pages

PDFS = Path("/work/shared/real/pdfs")
pytestmark = pytest.mark.skipif(not PDFS.is_dir(), reason="shared/real material not present")
# Glyph codes read as letters: "$FW" is "Act", "7KLQN" is "Think", "2EV" is "Obs" (shifted by 29).
GARBAGE = re.compile(r"\$FW|7KLQN|2EV|<RX|WKH")


def _pages(name: str) -> dict[int, str]:
    (paper,) = read_file(PDFS / name).papers
    return {p.page: p.text for p in paper.full_text}


@pytest.mark.parametrize(
    ("name", "page", "kept"),
    [
        ("2023_react_yao.pdf", 2, "Figure 1: (1) Comparison of 4 prompting methods"),
        ("2023_reflexion_shinn.pdf", 3, "Figure 1: Reflexion works on decision-making"),
    ],
)
def test_figure_text_without_a_unicode_map_is_not_indexed(name: str, page: int, kept: str) -> None:
    """ReAct's and Reflexion's Figure 1 are drawn in a font PDFium cannot map: their lines
    (shifted letters) go, the caption and the prose of the page stay."""
    pages = _pages(name)
    assert not GARBAGE.search(pages[page])
    assert kept in pages[page]
    assert len(pages[page]) > 2000  # the rest of the page is still there
    assert not any(GARBAGE.search(text) for text in pages.values())


def test_every_real_pdf_is_prose_not_glyph_codes() -> None:
    """No page of any real PDF keeps glyph codes read as letters (PDFium's Unicode map errors
    mark them; see reading/readers/pdf_unmapped.py)."""
    for path in sorted(PDFS.glob("*.pdf")):
        for page in read_file(path).papers[0].full_text:
            assert not GARBAGE.search(page.text), (path.name, page.page)


def test_a_chinese_reference_list_with_a_colon_heading_is_left_out() -> None:
    """The Raman paper heads its references "参考文献：" (full-width colon) on page 8."""
    pages = _pages("2023_raman_plastic_cnn_chinese_yuan.pdf")
    body = "\n".join(pages.values())
    assert "参考文献" not in body and "[J]" not in body
    assert "明显的潜力和广阔的应用前景" in pages[8]  # the conclusion before the heading stays
    assert 9 not in pages  # page 9 is references only


def test_reference_headings_with_a_colon_or_spaced_characters() -> None:
    for heading in ("参考文献：", "参 考 文 献", "References:", "参考文献:"):
        pages = clean_pages([f"结论。\n{heading}\n[1] 刘万文. 检测方法[J]. 食品界, 2018."])
        assert pages[0].text == "结论。", heading


def test_line_end_hyphens_and_joined_words_in_squeezenet() -> None:
    """ "pri-marily" (both halves only ever in the broken word) is joined; "SVD-based" (SVD
    is a word of the paper) keeps its hyphen; "Oursimple" (no space drawn) is split."""
    pages = _pages("2016_squeezenet_iandola.pdf")
    assert "focused primarily on improving accuracy" in pages[1]
    assert "SVD-based" in pages[6]
    assert "Our simple bypass architecture" in pages[9] and "Oursimple" not in pages[9]
    text = "\n".join(pages.values())
    assert "pri-marily" not in text and "possi-ble" not in text


def test_a_compound_used_once_keeps_its_hyphen_in_autodroid() -> None:
    """AutoDroid breaks "smart-home" and "compute-intensive" at line ends and uses neither
    half anywhere else: an English dictionary tells them from a word cut in two."""
    pages = _pages("2024_autodroid_wen.pdf")
    assert "control smart-home devices" in pages[4]
    assert "costly and compute-intensive, while" in pages[2]
    text = "\n".join(pages.values())
    assert "smarthome" not in text and "computeintensive" not in text


def test_the_dictionary_joins_syllables_and_keeps_compounds() -> None:
    """Halves used nowhere else in the text: a dictionary word joined ("primarily"), two
    words whose join is no word kept apart ("smart-home"), a half that is no word joined."""
    raw = "We focus pri\ufffe\r\nmarily on smart\ufffe\r\nhome hubs and convolu\ufffe\r\ntional"
    (page,) = clean_pages([raw])
    assert page.text == "We focus primarily on smart-home hubs and convolutional"


def test_named_compounds_keep_their_hyphen() -> None:
    """A right half starting with a digit or capital is no syllable ("Cortex-A57", "PaLM-540B")."""
    assert "Cortex-A57" in "\n".join(_pages("2023_edge_inference_tobiasz.pdf").values())
    react = _pages("2023_react_yao.pdf")
    assert "PaLM540B" not in "\n".join(react.values())
    pages = clean_pages(["We ran it on a Cortex\ufffe\r\nA57 core and a Cortex-A57 board."])
    assert pages[0].text.startswith("We ran it on a Cortex-A57 core")


def test_a_glued_determiner_is_split_only_when_the_glued_form_is_no_word_of_the_paper() -> None:
    text = "The simple idea. Oursimple bypass. A simple net. Therefore the theory holds."
    (page,) = clean_pages([text])
    assert "Our simple bypass" in page.text and "Therefore the theory" in page.text
    (page,) = clean_pages(["Oursimple one. Oursimple two. A simple net, simple again."])
    assert page.text.count("Oursimple") == 2  # a form the paper repeats is its word


SAN7O = Path("/work/shared/real/zotero/San7o+research-papers-collection/storage")


@pytest.mark.parametrize(
    ("path", "opens"),
    [
        (PDFS / "2023_reflexion_shinn.pdf", "Abstract\nLarge language models (LLMs)"),
        (PDFS / "2016_squeezenet_iandola.pdf", "ABSTRACT\nRecent research on deep"),
        (PDFS / "2023_edge_inference_tobiasz.pdf", "ABSTRACT\nIn this work, we investigate"),
        (SAN7O / "Y82DIS32/paxos-simple.pdf", "Abstract\nThe Paxos algorithm"),
    ],
)
def test_the_title_and_author_block_is_not_the_papers_text(path: Path, opens: str) -> None:
    """A user's answer quoted "Northeastern University noahshinn024@gmail.com Federico
    Cassano ... Abstract Large language models ..." as Reflexion's finding: the block above
    the abstract's heading was read into its first sentence. Paxos Made Simple's page 1 is
    only its title, author and date, so its text starts on page 2."""
    (paper,) = read_file(path).papers
    first = paper.full_text[0]
    assert first.text.startswith(opens)
    assert "@" not in first.text.split("\n\n")[0][:400]
    assert paper.authors  # the metadata still has them


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        # CACM's reprint sets its introduction before the abstract: it is the paper's text
        (SAN7O / "L5VFETMG", "Prior to our development of MapReduce"),
        # a Chinese journal's page: the Chinese abstract above the English one
        (PDFS / "2023_raman_plastic_cnn_chinese_yuan.pdf", "摘要"),
    ],
)
def test_text_above_the_abstract_that_is_not_front_matter_stays(path: Path, kept: str) -> None:
    if path.is_dir():
        path = next(path.glob("*.pdf"))
    (paper,) = read_file(path).papers
    assert kept in paper.full_text[0].text
