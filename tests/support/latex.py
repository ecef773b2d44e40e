"""Compiling references.bib as a user's document does (natbib, plainnat, url, hyperref)."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from litreview.reading.paper import Paper
from litreview.review.bibtex import assign_keys, write_bibtex


def compile_plainnat(folder: Path, papers: Sequence[Paper]) -> str:
    """Write the papers' references.bib and a document citing them all into ``folder``, run
    pdflatex, bibtex, pdflatex twice (each must succeed), and return the ``.bbl``."""
    keys = assign_keys(papers)
    (folder / "references.bib").write_text(write_bibtex(papers, keys), encoding="utf-8")
    (folder / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{natbib}"
        "\\usepackage{url}\\usepackage{hyperref}\\begin{document}"
        f"\\cite{{{','.join(keys.values())}}}\\bibliographystyle{{plainnat}}"
        "\\bibliography{references}\\end{document}\n"
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "doc"]
    for command in (latex, ["bibtex", "doc"], latex, latex):
        proc = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout[-2000:]
    return (folder / "doc.bbl").read_text()


def bibtex_warnings(folder: Path, papers: Sequence[Paper]) -> tuple[list[str], str]:
    """Write the papers' references.bib and run bibtex (plainnat) on an .aux citing them all,
    as pdflatex would write it: bibtex's warnings (lines with "Warning--") and the ``.bbl``."""
    keys = assign_keys(papers)
    (folder / "references.bib").write_text(write_bibtex(papers, keys), encoding="utf-8")
    cited = "".join(f"\\citation{{{key}}}\n" for key in keys.values())
    aux = f"\\relax\n{cited}\\bibstyle{{plainnat}}\n\\bibdata{{references}}\n"
    (folder / "doc.aux").write_text(aux, encoding="utf-8")
    proc = subprocess.run(["bibtex", "doc"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1), proc.stdout[-2000:]  # 1: warnings only
    warnings = [line for line in proc.stdout.splitlines() if "Warning--" in line]
    return warnings, (folder / "doc.bbl").read_text(encoding="utf-8")


# A document for the UTF-8 references: DejaVu Serif for Latin, Cyrillic and Greek, Droid Sans
# Fallback (fonts-droid-fallback) for Chinese and Japanese, switched by ucharclasses.
_XELATEX_PREAMBLE = (
    "\\documentclass{article}\\usepackage{fontspec}\\setmainfont{DejaVu Serif}"
    "\\newfontfamily\\cjk{Droid Sans Fallback}\\usepackage[Latin,CJK]{ucharclasses}"
    "\\setTransitionsForCJK{\\begingroup\\cjk}{\\endgroup}"
    "\\usepackage{natbib}\\usepackage{url}"
)


def xelatex_missing() -> str:
    """Why :func:`compile_xelatex` cannot run here ("" when it can): the tests skip and say."""
    import shutil

    if not (shutil.which("xelatex") and shutil.which("bibtex")):
        return "no xelatex (texlive-xetex) or bibtex installed"
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    if "Droid Sans Fallback" not in fonts or "DejaVu Serif" not in fonts:
        return "no Droid Sans Fallback or DejaVu Serif font (fonts-droid-fallback)"
    return ""


def compile_xelatex(folder: Path, bib: str, keys: Sequence[str]) -> str:
    """Compile a document citing ``keys`` from ``folder/bib`` (.bib) with xelatex, bibtex and
    plainnat (each run must succeed); return the PDF's text."""
    from pypdf import PdfReader

    name = bib.removesuffix(".bib")
    (folder / "doc.tex").write_text(
        f"{_XELATEX_PREAMBLE}\\begin{{document}}\\citet{{{','.join(keys)}}}"
        f"\\bibliographystyle{{plainnat}}\\bibliography{{{name}}}\\end{{document}}\n",
        encoding="utf-8",
    )
    latex = ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "doc"]
    for command in (latex, ["bibtex", "doc"], latex, latex):
        proc = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout[-2000:]
    return "\n".join(page.extract_text() for page in PdfReader(folder / "doc.pdf").pages)
