"""A LaTeX draft and references.bib that pdflatex compiles whatever characters the papers hold,
and no placeholder ("Not Known") printed as a value.

From a user's trial: "DεpS: Delayed ε-Shrinking..." was written with a raw ε into both files and
pdflatex (inputenc utf8, natbib, plainnat) stopped: "Unicode character ε (U+03B5) not set up
for use with LaTeX". A Zotero item's place "Not Known" printed as "143--150, Not Known, 1986."
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from litreview.llm.types import Usage
from litreview.reading import read_file
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper
from litreview.review.bibtex import (
    _PYLATEXENC_COMPILES,
    UNTYPESET,
    assign_keys,
    latex_escape,
    latex_safe,
    untypeset,
    write_bibtex,
)
from litreview.review.export import render
from litreview.review.related import RelatedWorkDraft, Theme

LATEX = pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")),
    reason="no LaTeX toolchain (pdflatex, bibtex) installed",
)
REAL_ZOTERO = Path("/work/shared/real/zotero/ganeshbelgur+zotero-sync")


def _paper(title: str, abstract: str = "An abstract.", **kwargs: object) -> Paper:
    return Paper(paper_id_for(title), title, abstract, **kwargs)  # type: ignore[arg-type]


DEPS = _paper(
    "DεpS: Delayed ε-Shrinking for Faster Once-For-All Training",
    "We train once for many hardware targets, shrinking ε with a delay.",
    authors=("Aditya Annavajjala", "Alind Khare"),
    year=2024,
    arxiv_id="2407.06167",
)
BOUNDS = _paper(
    "Regret ≤ O(√T) for 3×3 Games → Nash Equilibria",
    authors=("Jörg Müller",),
    year=2020,
    extra={"entry_type": "article", "journal": "Théorie des Jeux ≤ 2", "volume": "3"},
)
CHINESE = _paper(
    "基于深度学习的拉曼光谱塑料分类",
    "拉曼光谱 (Raman spectra) of plastics.",
    authors=("袁 明", "Li Wei"),
    year=2023,
    extra={"entry_type": "article", "journal": "光谱学与光谱分析"},
)
PORTUGUESE = _paper(
    "Avaliação de arquitetura de software: um estudo de caso em aplicações web",
    authors=("João Conceição", "Ana Luíza Gonçalves"),
    year=2015,
    extra={"entry_type": "inproceedings", "booktitle": "Simpósio Brasileiro de Qualidade"},
)
PAPERS = [DEPS, BOUNDS, CHINESE, PORTUGUESE]


def _draft(*papers: Paper) -> RelatedWorkDraft:
    numbers = list(range(1, len(papers) + 1))
    paragraph = " ".join(f"{p.title} [{n}]." for n, p in zip(numbers, papers, strict=True))
    theme = Theme("Training ε-shrinking × many targets", list(papers), numbers, paragraph)
    return RelatedWorkDraft("work", [], [theme], Usage(), "extractive")


def test_greek_and_math_become_latex_accents_stay() -> None:
    assert latex_escape("DεpS") == "D{\\ensuremath{\\varepsilon}}pS"
    assert latex_escape("a ≤ b × c") == "a {\\ensuremath{\\leq}} b {\\texttimes} c"
    text = "Avaliação, Müller, Gonçalves, Łódź, Ångström, «aspas», “quotes” – ok"
    assert latex_escape(text) == text  # pdflatex reads them as UTF-8 (T1)
    assert latex_escape("Nguyễn") == "Nguy{\\~{\\^{e}}}n"  # no T1 glyph: accents over e
    assert latex_escape("100% & $5") == "100\\% \\& \\$5"


def test_what_nothing_typesets_is_marked_once_per_run_and_named() -> None:
    assert latex_escape("基于深度学习 and 😀!") == f"{UNTYPESET} and {UNTYPESET}!"
    assert untypeset("基于 ε é 😀") == "基于😀"
    assert untypeset("DεpS, Müller") == ""
    assert latex_escape("zero\u200bwidth\ufeff") == "zerowidth"  # invisible: nothing lost


def test_imported_bibtex_keeps_its_markup_and_loses_raw_greek() -> None:
    assert (
        latex_safe('M{\\"u}ller & ε-greedy')
        == 'M{\\"u}ller \\& {\\ensuremath{\\varepsilon}}-greedy'
    )


def test_both_files_carry_latex_not_the_raw_characters() -> None:
    exported = render(_draft(*PAPERS), "latex")
    for written in (exported.text, exported.bibtex):
        # a comment (LaTeX's "%", outside BibTeX's entries) may name them: neither reads it
        text = "\n".join(line for line in written.splitlines() if not line.startswith("%"))
        assert "ε" not in text and "≤" not in text and "×" not in text and "基" not in text
        assert "Avaliação de arquitetura" in text
    assert "\\ensuremath{\\varepsilon}" in exported.text
    assert "\\ensuremath{\\varepsilon}" in exported.bibtex and "Jörg Müller" in exported.bibtex
    # the characters written as [?] are named in each file, for whoever sees "[?]" in the PDF
    assert re.search(r"^% litreview: pdflatex cannot typeset", exported.text, re.MULTILINE)
    assert "基于深度学习的拉曼光谱塑料分类" in exported.bibtex.split("@")[0]
    assert "eprint = {2407.06167}" in exported.bibtex  # identifiers stay verbatim


@LATEX
def test_draft_and_references_compile_with_pdflatex_and_bibtex(
    tmp_path: Path,
) -> None:  # pragma: no cover
    """The trial's document (inputenc utf8, natbib, plainnat), with T1 fonts as the brief's
    Portuguese library had, compiled for real: no error, every title in the bibliography."""
    render(_draft(*PAPERS), "latex").write(tmp_path)
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage[utf8]{inputenc}\\usepackage[T1]{fontenc}"
        "\\usepackage{natbib}\\usepackage{url}\\begin{document}\\input{related-work}"
        "\\bibliographystyle{plainnat}\\bibliography{references}\\end{document}\n"
    )
    run = {"cwd": tmp_path, "capture_output": True, "text": True, "timeout": 120}
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc"]
    for command in (latex, ["bibtex", "doc"], latex, latex):
        proc = subprocess.run(command, **run)  # type: ignore[call-overload]
        assert proc.returncode == 0, proc.stdout[-2000:]
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert not re.search(r"^! ", log, re.MULTILINE)
    assert not re.search(r"Citation .* undefined", log)
    bbl = (tmp_path / "doc.bbl").read_text()
    assert bbl.count("\\bibitem") == 4
    assert "Avaliação de arquitetura" in bbl and "D{\\ensuremath{\\varepsilon}}pS" in bbl


@LATEX
@pytest.mark.parametrize("fonts", ["", "\\usepackage[T1]{fontenc}"], ids=["OT1", "T1"])
def test_every_character_taken_from_pylatexenc_compiles(
    tmp_path: Path, fonts: str
) -> None:  # pragma: no cover
    """All of them, and the accent fallback, in one document each with the default OT1
    fonts and with T1: pylatexenc's own table names packages' macros (amssymb's...)."""
    chars = [chr(cp) for cp in sorted(_PYLATEXENC_COMPILES)] + ["ễ", "ạ", "ǎ", "x\u0303", "ǅ"]
    lines = [f"{ord(c[0]):04X} {latex_escape(c)}\\par" for c in chars]
    (tmp_path / "doc.tex").write_text(
        f"\\documentclass{{article}}\\usepackage[utf8]{{inputenc}}{fonts}\\begin{{document}}\n"
        + "\n".join(lines)
        + "\n\\end{document}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "doc"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = re.findall(r"^! .*\n(?:.*\n){0,3}?l\.\d+.*", proc.stdout, re.MULTILINE)
    assert proc.returncode == 0 and not errors, errors[:5]


# -- placeholders ---------------------------------------------------------------------------


def _fields(paper: Paper) -> dict[str, str]:
    import bibtexparser

    library = bibtexparser.parse_string(write_bibtex([paper], assign_keys([paper])))  # type: ignore[attr-defined]
    (entry,) = library.entries
    return {f.key: str(f.value) for f in entry.fields}


def test_placeholder_values_are_left_out() -> None:
    paper = _paper(
        "The rendering equation",
        "Not Available",
        authors=("James T. Kajiya", "Unknown"),
        year=1986,
        doi="N/A",
        extra={
            "entry_type": "inproceedings",
            "booktitle": "SIGGRAPH '86",
            "address": "Not Known",
            "publisher": " unknown ",
            "pages": "143--150",
            "series": "-",
            "note": "n.d.",
            "volume": "",
        },
    )
    fields = _fields(paper)
    for name in ("address", "publisher", "series", "note", "volume", "abstract", "doi", "url"):
        assert name not in fields, name
    assert fields["author"] == "James T. Kajiya"
    assert fields["pages"] == "143--150" and fields["booktitle"] == "SIGGRAPH '86"


@pytest.mark.skipif(not REAL_ZOTERO.is_dir(), reason="shared/real material not present")
def test_zotero_place_not_known_is_not_an_address() -> None:
    """ganeshbelgur's library: six conference papers have the place "Not Known"."""
    (paper,) = [p for p in read_file(REAL_ZOTERO).papers if p.title == "The rendering equation"]
    assert paper.extra.get("address") == "Not Known"  # as Zotero holds it
    fields = _fields(paper)
    assert "address" not in fields and "Not Known" not in str(fields)
    assert fields["pages"] == "143--150"
