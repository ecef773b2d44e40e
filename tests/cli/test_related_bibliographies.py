"""The command's last words name every file it wrote: references-utf8.bib and the draft as
written (related-work-utf8.tex) too.

references.bib writes what pdflatex cannot typeset as ``[?]`` and references-utf8.bib beside
it keeps the original text; the line "Wrote ... and references.bib" named only the first, so a
user with Chinese or Cyrillic names had no word of where their text went.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import CHEAP_PIPELINE, run_cli

# Two entries of a user's trial (/tmp/s18t_cjk/t.bib, session 18): Chinese and Japanese names.
BIB = """@article{a1,
  title = {基于深度学习的图像分类方法研究},
  author = {张三 and 李四},
  year = {2021},
  journal = {计算机学报},
  abstract = {This paper studies image classification with deep convolutional neural networks.}
}
@inproceedings{a3,
  title = {Image classification with vision transformers},
  author = {Ivanov, Иван and 山田 太郎},
  year = {2022},
  booktitle = {Not Known},
  abstract = {We study vision transformers for image classification.}
}
"""


def test_related_work_names_the_utf8_bibliography(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "draft"
    source = tmp_path / "cjk.bib"
    source.write_text(BIB, encoding="utf-8")
    run_cli(home, "ingest", str(source), check=True, env=CHEAP_PIPELINE)
    proc = run_cli(
        home,
        "related-work",
        "image classification with deep networks",
        "--format",
        "latex",
        "--out",
        str(out),
        check=True,
        env=CHEAP_PIPELINE,
    )
    said = " ".join(proc.stderr.split())
    assert (out / "references-utf8.bib").is_file()
    assert "references-utf8.bib" in said and "xelatex" in said, proc.stderr
    assert "李四" in (out / "references-utf8.bib").read_text(encoding="utf-8")
    # The draft's own prose names the authors too: "{[?]} and {[?]} \cite{a1}" for pdflatex,
    # and as written beside it (a trial found the .tex all [?] with no other copy).
    draft = (out / "related-work.tex").read_text(encoding="utf-8")
    original = (out / "related-work-utf8.tex").read_text(encoding="utf-8")
    assert "{[?]}" in draft and "related-work-utf8.tex" in draft
    assert "张三 and 李四 \\cite{a1}" in original and "[?]" not in original, original
    assert "related-work-utf8.tex" in said
