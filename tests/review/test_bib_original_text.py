"""What pdflatex cannot typeset in references.bib is not lost: references-utf8.bib beside it
holds the entries' original text, for xelatex, lualatex or biber.

From a user's trial (session 18): every Chinese and Japanese character, and the Cyrillic
"Иван", became ``{[?]}`` in references.bib, whose comment said "compile the original text with
xelatex or lualatex", but no file held that text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from litreview.llm.types import Usage
from litreview.reading import read_file
from litreview.reading.paper import Paper
from litreview.review.bibtex import UNTYPESET, UTF8_NAME, assign_keys
from litreview.review.export import existing_outputs, render
from litreview.review.related import RelatedWorkDraft, Theme
from tests.support.latex import compile_plainnat, compile_xelatex, xelatex_missing

# The real Chinese paper of shared/real: a Chinese title, and no author the reader could read.
CHINESE_PDF = Path("/work/shared/real/pdfs/2023_raman_plastic_cnn_chinese_yuan.pdf")
CHINESE_TITLE = "拉曼光谱结合深度学习算法的塑料分类的研究"
# The trial's references (/tmp/s18t_cjk/t.bib): Chinese, Japanese and Cyrillic names.
TRIAL_BIB = """@article{a1,
  title = {基于深度学习的图像分类方法研究},
  author = {张三 and 李四},
  year = {2021},
  journal = {计算机学报},
  url = {https://example.org/论文/图像分类?id=1},
  abstract = {This paper studies image classification with deep convolutional neural networks.}
}
@article{a2,
  title = {Deep residual networks for image classification in remote sensing},
  author = {王 五 and Smith, John},
  year = {2020},
  journal = {Remote Sensing},
  abstract = {We propose deep residual networks for image classification of remote sensing scenes.}
}
@inproceedings{a3,
  title = {Image classification with vision transformers},
  author = {Ivanov, Иван and 山田 太郎},
  year = {2022},
  booktitle = {Not Known},
  publisher = {Unknown},
  abstract = {We study vision transformers for image classification.}
}
"""
XELATEX = pytest.mark.skipif(bool(xelatex_missing()), reason=xelatex_missing() or "ready")
LATEX = pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")),
    reason="no LaTeX toolchain (pdflatex, bibtex) installed",
)
needs_real = pytest.mark.skipif(not CHINESE_PDF.is_file(), reason="shared/real not present")


def _papers(tmp_path: Path) -> list[Paper]:
    (tmp_path / "trial.bib").write_text(TRIAL_BIB, encoding="utf-8")
    papers = read_file(tmp_path / "trial.bib").papers + read_file(CHINESE_PDF).papers
    assert len(papers) == 4 and papers[-1].title == CHINESE_TITLE
    return papers


def _draft(papers: list[Paper]) -> RelatedWorkDraft:
    numbers = list(range(1, len(papers) + 1))
    paragraph = " ".join(f"Work [{n}]." for n in numbers)
    theme = Theme("Image classification", papers, numbers, paragraph)
    return RelatedWorkDraft("work", [], [theme], Usage(), "extractive")


@needs_real
def test_the_original_text_is_written_beside_references_bib(tmp_path: Path) -> None:
    exported = render(_draft(_papers(tmp_path)), "latex")
    out = tmp_path / "out"
    exported.write(out)
    assert sorted(p.name for p in out.iterdir()) == [
        "references-utf8.bib",
        "references.bib",
        "related-work.tex",
    ]
    pdflatex = (out / "references.bib").read_text(encoding="utf-8")
    original = (out / UTF8_NAME).read_text(encoding="utf-8")
    entries = pdflatex[pdflatex.index("@") :]
    assert UNTYPESET in entries and "基" not in entries and "Иван" not in entries
    # the comment at the top of references.bib says where the text went
    comment = " ".join(pdflatex.split("@")[0].replace("%", "").split())
    assert "Their original text is in references-utf8.bib, beside this file" in comment
    for text in (CHINESE_TITLE, "计算机学报", "Ivanov, Иван", "{山田 太郎}", "张三 and 李四"):
        assert text in original, text
    assert UNTYPESET not in original
    # and so does the command's last line
    note = exported.bibliography_note(out)
    assert str(out / "references.bib") in note and str(out / UTF8_NAME) in note
    # an export that replaces this one replaces (or removes) that file too
    assert out / UTF8_NAME in existing_outputs(out, "latex")


def test_no_second_file_when_references_bib_holds_everything(tmp_path: Path) -> None:
    papers = [
        Paper("p1", "DεpS: Delayed ε-Shrinking", "An abstract.", authors=("Jörg Müller",)),
    ]
    exported = render(_draft(papers), "latex")
    assert exported.bibtex_utf8 is None
    out = tmp_path / "out"
    out.mkdir()
    (out / UTF8_NAME).write_text("% an earlier export's\n", encoding="utf-8")
    exported.write(out, replace=True)
    assert not (out / UTF8_NAME).exists()  # it did not match the new references.bib
    assert exported.bibliography_note(out) == str(out / "references.bib")


@XELATEX
@needs_real
def test_xelatex_prints_the_original_text(tmp_path: Path) -> None:  # pragma: no cover
    papers = _papers(tmp_path)
    exported = render(_draft(papers), "latex")
    exported.write(tmp_path / "doc")
    keys = list(assign_keys(papers).values())
    text = compile_xelatex(tmp_path / "doc", UTF8_NAME, keys)
    squeezed = "".join(text.split())  # the PDF's lines break inside titles
    for words in (
        CHINESE_TITLE,
        "基于深度学习的图像分类方法研究",
        "计算机学报",
        "Иван",
        "山田太郎",
    ):
        assert words in squeezed, words
    assert "[?]" not in text
    # "山田 太郎" is cited by the whole name, not by "太郎" as BibTeX's last word
    assert "Ivanov and 山田 太郎" in text


@LATEX
@needs_real
def test_references_bib_still_compiles_with_pdflatex(tmp_path: Path) -> None:  # pragma: no cover
    bbl = compile_plainnat(tmp_path, _papers(tmp_path))
    assert bbl.count("\\bibitem") == 4 and UNTYPESET in bbl
