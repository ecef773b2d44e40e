"""A related-work draft as Markdown or LaTeX, plus its references.bib."""

from __future__ import annotations

import re
from dataclasses import dataclass

from litreview.review.bibtex import assign_keys, write_bibtex
from litreview.review.related import RelatedWorkDraft

_MARKERS = re.compile(r"(?:\[\d+\])+")
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\^{}",
}


@dataclass(frozen=True)
class Export:
    text: str
    bibtex: str
    cited: list[str]  # paper ids, in citation order


def _latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def render(draft: RelatedWorkDraft, fmt: str = "md") -> Export:
    """Markdown keeps ``[n]`` and lists references; LaTeX uses ``\\cite{key}``."""
    numbered = draft.papers
    by_n = {n: p for n, p in numbered}
    cited_ns: list[int] = []
    for theme in draft.themes:
        for n in (int(x) for x in re.findall(r"\[(\d+)\]", theme.paragraph)):
            if n in by_n and n not in cited_ns:
                cited_ns.append(n)
    cited = [by_n[n] for n in cited_ns]
    keys = assign_keys(cited)
    if fmt == "latex":

        def cite(match: re.Match[str]) -> str:
            ns = [int(x) for x in re.findall(r"\d+", match.group(0))]
            return "\\cite{" + ",".join(keys[by_n[n].paper_id] for n in ns if n in by_n) + "}"

        parts = ["\\section{Related Work}", ""]
        for theme in draft.themes:
            body = _MARKERS.sub(cite, _latex_escape(theme.paragraph))
            parts += [f"\\paragraph{{{_latex_escape(theme.name)}.}}", body, ""]
        text = "\n".join(parts)
    else:
        parts = ["## Related Work", ""]
        for theme in draft.themes:
            parts += [f"### {theme.name}", "", theme.paragraph, ""]
        parts += ["### References", ""]
        # A list, one reference per item: bare lines would render as one paragraph.
        parts += [f"- [{n}] {by_n[n].title} (`{keys[by_n[n].paper_id]}`)" for n in cited_ns]
        text = "\n".join(parts) + "\n"
    return Export(text, write_bibtex(cited, keys), [p.paper_id for p in cited])
