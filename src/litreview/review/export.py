"""Exports: a related-work draft as Markdown or LaTeX plus its references.bib, and a chat
conversation as Markdown with one reference list."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from litreview.errors import LitreviewError
from litreview.reading.paper import Paper
from litreview.review.bibtex import LATEX_SPECIAL, assign_keys, write_bibtex
from litreview.review.related import RelatedWorkDraft
from litreview.review.session import Turn

_MARKERS = re.compile(r"(?:\[\d+\])+")
# A citation of a full-text page, as citations.check writes it: [3, p. 7].
_PAGE_MARKER = re.compile(r"\[(\d+), p\. (\d+)\]")
_CITED = re.compile(r"\[(\d+)(?:, p\. \d+)?\]")
# In a .tex body escaped braces are safe (only BibTeX needs them spelled as commands).
_LATEX_SPECIAL = {**LATEX_SPECIAL, "{": r"\{", "}": r"\}"}


class ExportNotWritten(LitreviewError):
    """The chosen folder could not be written; the message says where the draft went instead."""


@dataclass(frozen=True)
class Export:
    text: str
    bibtex: str
    cited: list[str]  # paper ids, in citation order
    fmt: str = "md"

    @property
    def filename(self) -> str:
        return "related-work.tex" if self.fmt == "latex" else "related-work.md"

    def write(self, folder: Path) -> Path:
        """Write the draft and ``references.bib`` into ``folder``; return the draft's path.

        A draft can take minutes to compute, so a folder that cannot be written
        (read-only, full, a typo under /) never loses it: it is written to a
        folder of its own under the temporary directory instead, and the error
        says where.
        """
        try:
            return self._write(folder)
        except OSError as exc:
            import tempfile

            fallback = Path(tempfile.mkdtemp(prefix="litreview-draft-"))
            saved = self._write(fallback)
            raise ExportNotWritten(
                f"cannot write the draft here ({exc.strerror}); it is saved in {saved} "
                f"and {fallback / 'references.bib'} instead",
                path=exc.filename or folder,
            ) from exc

    def _write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.filename
        path.write_text(self.text, encoding="utf-8")
        (folder / "references.bib").write_text(self.bibtex, encoding="utf-8")
        return path


def _latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def render(draft: RelatedWorkDraft, fmt: str = "md") -> Export:
    """Markdown keeps ``[n]`` and lists references; LaTeX uses ``\\cite{key}``."""
    numbered = draft.papers
    by_n = {n: p for n, p in numbered}
    cited_ns: list[int] = []
    for theme in draft.themes:
        for n in (int(x) for x in _CITED.findall(theme.paragraph)):
            if n in by_n and n not in cited_ns:
                cited_ns.append(n)
    cited = [by_n[n] for n in cited_ns]
    keys = assign_keys(cited)
    if fmt == "latex":

        def cite(match: re.Match[str]) -> str:
            ns = [int(x) for x in re.findall(r"\d+", match.group(0))]
            return "\\cite{" + ",".join(keys[by_n[n].paper_id] for n in ns if n in by_n) + "}"

        def cite_page(match: re.Match[str]) -> str:
            n, page = int(match.group(1)), match.group(2)
            if n not in by_n:
                return ""
            return f"\\cite[p.~{page}]{{{keys[by_n[n].paper_id]}}}"

        parts = ["\\section{Related Work}", ""]
        for theme in draft.themes:
            body = _PAGE_MARKER.sub(cite_page, _latex_escape(theme.paragraph))
            body = _MARKERS.sub(cite, body)
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
    return Export(text, write_bibtex(cited, keys), [p.paper_id for p in cited], fmt)


# -- conversations ------------------------------------------------------------------------
# A chat answer numbers its sources from 1 in every turn, so "[1]" means a different paper in
# each. An export renumbers them once for the whole conversation (first cited, first numbered)
# and rewrites every marker, so each number points at one entry of one reference list.
_CHAT_MARKER = re.compile(r"\[(\d+(?:\s*[,;–-]\s*\d+)*)\]")


def _local_numbers(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        bounds = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x]
        if len(bounds) == 2 and 0 < bounds[1] - bounds[0] < 20:
            numbers.extend(range(bounds[0], bounds[1] + 1))
        else:
            numbers.extend(bounds)
    return numbers


def render_conversation(
    name: str, turns: Sequence[Turn], papers: Mapping[str, Paper] | None = None
) -> str:
    """Markdown of a chat whose markers all resolve against one numbered reference list.

    ``papers`` (by id) adds authors, year and URL to the references; without it the titles
    saved with each turn are used.
    """
    papers = papers or {}
    numbers: dict[str, int] = {}  # paper id -> number in this export
    titles: dict[str, str] = {}
    lines = [f"# {name}", ""]
    for turn in turns:
        local: dict[int, str] = {}
        for c in turn.citations:
            pid = str(c["paper_id"])
            local[int(str(c["n"]))] = pid
            titles.setdefault(pid, str(c.get("title", "")))

        def renumber(match: re.Match[str], local: dict[int, str] = local) -> str:
            out: list[int] = []
            for n in _local_numbers(match.group(1)):
                pid = local.get(n)
                if pid is None:
                    continue
                g = numbers.setdefault(pid, len(numbers) + 1)
                if g not in out:
                    out.append(g)
            return "".join(f"[{g}]" for g in out)

        def renumber_page(match: re.Match[str], local: dict[int, str] = local) -> str:
            pid = local.get(int(match.group(1)))
            if pid is None:
                return ""
            return f"[{numbers.setdefault(pid, len(numbers) + 1)}, p. {match.group(2)}]"

        answer = _PAGE_MARKER.sub(renumber_page, turn.answer)
        lines += [f"## {turn.question}", "", _CHAT_MARKER.sub(renumber, answer), ""]
        lines += [f"*{turn.model}*", ""]
    if numbers:
        lines += ["## References", ""]
        for pid, g in numbers.items():
            paper = papers.get(pid)
            if paper is None:
                lines.append(f"[{g}] {titles[pid]} (`{pid}`)  ")
                continue
            meta = [", ".join(paper.authors), str(paper.year or ""), paper.url or ""]
            detail = ". ".join(m for m in meta if m)
            lines.append(f"[{g}] {paper.title}. {detail + '. ' if detail else ''}(`{pid}`)  ")
    return "\n".join(lines).rstrip() + "\n"
