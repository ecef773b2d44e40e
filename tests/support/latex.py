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
