"""Exports: a related-work draft as Markdown or LaTeX plus its references.bib, and a chat
conversation as Markdown with one reference list."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from litreview.errors import LitreviewError
from litreview.reading.normalize import family_name
from litreview.reading.paper import VENUE_FIELDS, Paper
from litreview.review.bibtex import (
    LATEX_SPECIAL,
    UTF8_NAME,
    assign_keys,
    bibliographies,
    latex_escape,
    placeholder,
    unique_authors,
    untypeset,
    untypeset_note,
    verbatim,
)
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


class OutputExists(LitreviewError):
    """``--out`` already holds a file the export would write: the user's own references.bib
    or an earlier draft. Nothing there is replaced unless asked (``--force``)."""

    exit_code = 2  # like a usage error: the command as given cannot run


BIBTEX_NAME = "references.bib"


def draft_filename(fmt: str) -> str:
    return "related-work.tex" if fmt == "latex" else "related-work.md"


# The LaTeX draft as written, when pdflatex cannot typeset some of it (names in Chinese): the
# draft's "{[?]} and {[?]} \cite{a1}" read "张三 and 李四" only in references-utf8.bib.
UTF8_DRAFT = "related-work-utf8.tex"


def existing_outputs(folder: Path, fmt: str) -> list[Path]:
    """The files in ``folder`` an export in ``fmt`` would replace.

    The CLI asks before drafting, so a clash is said at once rather than after
    minutes of drafting.
    """
    names = (draft_filename(fmt), BIBTEX_NAME, UTF8_NAME) + (
        (UTF8_DRAFT,) if fmt == "latex" else ()
    )
    return [folder / name for name in names if (folder / name).exists()]


def refusal(clashes: Sequence[Path], saved: str = "") -> OutputExists:
    """The error naming the first file that would be replaced (and the others)."""
    others = [p.name for p in clashes[1:]]
    also = f" (and {', '.join(others)})" if others else ""
    return OutputExists(
        f"already exists{also}; litreview never replaces your files: choose another --out "
        f"folder, or pass --force to replace them{saved}",
        path=clashes[0],
    )


def unused_path(parent: Path, name: str, suffix: str = "") -> Path:
    """``parent/name+suffix``, or ``name-2``, ``name-3``... when taken: a path nothing uses.

    The chat UI exports each draft into a timestamped folder of its own (two
    exports in one second, Markdown then LaTeX, must not meet in one; the
    folder is made by :meth:`Export.write`, which saves the draft elsewhere if
    it cannot be), and each conversation into a file that replaces none (the
    current directory may hold the user's own ``notes.md``, or an earlier
    export they edited).
    """
    n = 1
    while (path := parent / f"{name if n == 1 else f'{name}-{n}'}{suffix}").exists():
        n += 1
    return path


@dataclass(frozen=True)
class Export:
    text: str
    bibtex: str
    cited: list[str]  # paper ids, in citation order
    fmt: str = "md"
    # the entries' original text, when pdflatex cannot typeset some of it (UTF8_NAME)
    bibtex_utf8: str | None = None
    # the LaTeX draft's, likewise (UTF8_DRAFT)
    text_utf8: str | None = None

    @property
    def filename(self) -> str:
        return draft_filename(self.fmt)

    def files(self) -> list[tuple[str, str]]:
        """(name, text) of each file the export writes: the draft, references.bib, and the
        entries' original text when references.bib could not hold it all."""
        out = [(self.filename, self.text), (BIBTEX_NAME, self.bibtex)]
        out += [(UTF8_NAME, self.bibtex_utf8)] if self.bibtex_utf8 is not None else []
        return out + ([(UTF8_DRAFT, self.text_utf8)] if self.text_utf8 is not None else [])

    @property
    def originals(self) -> list[str]:
        """The files written beside the others for xelatex, when pdflatex loses characters."""
        written = ((UTF8_DRAFT, self.text_utf8), (UTF8_NAME, self.bibtex_utf8))
        return [name for name, text in written if text is not None]

    def bibliography_note(self, folder: Path) -> str:
        """Where the references are, for the command's last words: both files when two."""
        if not self.originals:
            return str(folder / BIBTEX_NAME)
        originals = " and ".join(str(folder / name) for name in self.originals)
        return (
            f"{folder / BIBTEX_NAME} (for pdflatex: characters it cannot typeset are [?]; their "
            f"original text is in {originals}, for xelatex, lualatex or biber)"
        )

    def write(self, folder: Path, *, replace: bool = False) -> Path:
        """Write the draft and ``references.bib`` into ``folder``; return the draft's path.

        An existing file there (the user's own references.bib) is replaced only
        with ``replace``; otherwise :class:`OutputExists` names it. A draft can
        take minutes to compute, so it is never lost: when the folder cannot be
        written (read-only, full, a typo under /) or already has those files, it
        is written to a folder of its own under the temporary directory
        instead, and the error says where.
        """
        try:
            return self._write(folder, replace)
        except FileExistsError as exc:
            clashes = existing_outputs(folder, self.fmt) or [Path(exc.filename or folder)]
            raise refusal(clashes, self._elsewhere()) from exc
        except OSError as exc:
            raise ExportNotWritten(
                f"cannot write the draft here ({exc.strerror}){self._elsewhere()}",
                path=exc.filename or folder,
            ) from exc

    def _elsewhere(self) -> str:
        """Write to a new temporary folder; the words that say where, for an error."""
        import tempfile

        fallback = Path(tempfile.mkdtemp(prefix="litreview-draft-"))
        saved = self._write(fallback, replace=False)
        return f"; it is saved in {saved} and {self.bibliography_note(fallback)} instead"

    def _write(self, folder: Path, replace: bool) -> Path:
        if folder.exists() and not folder.is_dir():  # mkdir would call it "File exists"
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        if not replace and (clashes := existing_outputs(folder, self.fmt)):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(clashes[0]))
        mode = "w" if replace else "x"  # "x": a file made meanwhile is not replaced either
        written: list[Path] = []
        try:
            for name, text in self.files():
                with (folder / name).open(mode, encoding="utf-8") as out:
                    written.append(folder / name)
                    out.write(text)
        except FileExistsError:
            for path in written:  # not half an export beside the file that was there
                path.unlink(missing_ok=True)
            raise
        if replace and self.bibtex_utf8 is None:  # an earlier export's, not these entries'
            (folder / UTF8_NAME).unlink(missing_ok=True)
        if replace and self.text_utf8 is None and self.fmt == "latex":
            (folder / UTF8_DRAFT).unlink(missing_ok=True)
        return folder / self.filename


# -- reference lists ----------------------------------------------------------------------
def short_authors(authors: Sequence[str]) -> str:
    """Surnames as a reference list gives them: "A", "A and B", "A, B and C", "A et al."."""
    names = [s for s in (family_name(a) for a in unique_authors(authors)) if s]
    if len(names) > 3:
        return f"{names[0]} et al."
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return names[0] if names else ""


def _plain(value: str, latex: bool) -> str:
    """An imported field as text: a BibTeX import's values are LaTeX (``{IEEE} \\&``)."""
    if not latex or ("\\" not in value and "{" not in value and "--" not in value):
        return " ".join(value.split())
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        text = str(LatexNodes2Text(math_mode="verbatim").latex_to_text(value))
    except Exception:  # pylatexenc gives up on some unbalanced input; keep the raw text
        text = value
    return " ".join(text.split())


def _known(value: str | None) -> str:
    """A field's value, or "" for one that says only that it is unknown ("Not Known")."""
    return "" if placeholder(value) else (value or "")


def reference(paper: Paper) -> str:
    """One reference as a researcher expects it: authors (short), year, title, venue, and
    where to find it (DOI, else arXiv id, else URL), each part only when known.

    A value that says it is unknown (a Zotero place "Not Known", a publisher "Unknown") is
    not known: the next venue field is printed, or none, as references.bib does."""
    latex = bool(paper.extra.get("bibtex_key"))
    head = short_authors([a for a in paper.authors if not placeholder(a)])
    if paper.year:
        head = f"{head} ({paper.year})" if head else f"({paper.year})"
    title = paper.title.strip()
    parts = [head, title]
    venues = (_known(paper.extra.get(n)) for n in VENUE_FIELDS)
    venue = next((v for v in venues if v and not v.lstrip().startswith(("\\url", "http"))), "")
    if venue:
        parts.append(f"*{_plain(venue, latex)}*")
    doi = verbatim(_known(paper.extra.get("doi")) or _known(paper.doi))
    if doi:
        parts.append(f"doi:{doi}")
    elif _known(paper.arxiv_id):
        parts.append(f"arXiv:{paper.arxiv_id}")
    elif _known(paper.url) and verbatim(paper.url or ""):
        parts.append(f"<{verbatim(paper.url or '')}>")
    text = ""
    for part in (p for p in parts if p):  # "et al. (1997).", "Inc.*." read as typos
        text += (" " if not text or text.rstrip("*")[-1] in ".?!" else ". ") + part
    return text.strip()


def _latex_escape(text: str, unicode: bool = False) -> str:
    """Text as LaTeX pdflatex typesets: ``ε`` is ``\\ensuremath{\\varepsilon}``, ``é`` stays;
    with ``unicode``, as xelatex reads it (every character as written)."""
    return latex_escape(text, _LATEX_SPECIAL, unicode=unicode)


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
    text_utf8: str | None = None
    if fmt == "latex":

        def cite(match: re.Match[str]) -> str:
            ns = [int(x) for x in re.findall(r"\d+", match.group(0))]
            return "\\cite{" + ",".join(keys[by_n[n].paper_id] for n in ns if n in by_n) + "}"

        def cite_page(match: re.Match[str]) -> str:
            n, page = int(match.group(1)), match.group(2)
            if n not in by_n:
                return ""
            return f"\\cite[p.~{page}]{{{keys[by_n[n].paper_id]}}}"

        def latex(unicode: bool) -> list[str]:
            parts = ["\\section{Related Work}", ""]
            for theme in draft.themes:
                body = _PAGE_MARKER.sub(cite_page, _latex_escape(theme.paragraph, unicode))
                body = _MARKERS.sub(cite, body)
                parts += [f"\\paragraph{{{_latex_escape(theme.name, unicode)}.}}", body, ""]
            return parts

        parts = latex(unicode=False)
        lost = [
            f"{t.name} ({missing})"
            for t in draft.themes
            if (missing := untypeset(f"{t.name} {t.paragraph}"))
        ]
        if lost:
            parts.insert(0, untypeset_note(lost, UTF8_DRAFT))
            text_utf8 = "\n".join(latex(unicode=True))
        text = "\n".join(parts)
    else:
        parts = ["## Related Work", ""]
        for theme in draft.themes:
            parts += [f"### {theme.name}", "", theme.paragraph, ""]
        parts += ["### References", ""]
        # A list, one reference per item: bare lines would render as one paragraph.
        parts += [f"- [{n}] {reference(by_n[n])} (`{keys[by_n[n].paper_id]}`)" for n in cited_ns]
        text = "\n".join(parts) + "\n"
    bibtex, bibtex_utf8 = bibliographies(cited, keys)
    return Export(text, bibtex, [p.paper_id for p in cited], fmt, bibtex_utf8, text_utf8)


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

    ``papers`` (by id) makes each reference a full one (:func:`reference`: authors, year,
    venue, DOI or arXiv id or URL); without it the titles saved with each turn are used.
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
            # as a draft's reference list has it: where to find the paper (DOI, arXiv, URL)
            lines.append(f"[{g}] {reference(paper)} (`{pid}`)  ")
    return "\n".join(lines).rstrip() + "\n"
