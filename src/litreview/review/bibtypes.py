"""An entry's type and sort key chosen so BibTeX's plainnat reads it without a warning.

Two findings of a user trial: an ``@inproceedings`` whose booktitle was a placeholder ("Not
Known", left out of references.bib) stayed an ``@inproceedings``, and bibtex warned "empty
booktitle"; an entry with no author (Zotero's ``noauthor_pacemaker_2017``) made bibtex warn
"to sort, need author or key" and natbib cite it by the first three letters of its key
("(noa, 2017)").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from litreview.reading.paper import Paper

# The field each type must have for plainnat ("empty journal in x"): where it holds it.
CONTAINER = {
    "article": "journal",
    "inproceedings": "booktitle",
    "conference": "booktitle",
    "incollection": "booktitle",
}
# Title words a short title ends before: a subtitle, or what comes after a dash.
_SUBTITLE = re.compile(r"\s*(?::|\s[-–—]\s|\?|\.\s)")
_SHORT_WORDS = 4


def entry_type(paper: Paper, fields: Mapping[str, str]) -> str:
    """The paper's type, unless the field that type needs is not written: then ``@article``
    when a journal is, ``@inproceedings`` when a booktitle is, else ``@misc``.

    A value that only said it was unknown ("Not Known") is not written, so an
    ``@inproceedings`` whose booktitle was one has none, and BibTeX warned "empty
    booktitle". The user's own BibTeX entry keeps the type they gave it when the field
    was missing there too: their own file warns the same (BibDesk's ``Loulergue2013``).
    """
    kind = paper.extra.get("entry_type") or "misc"
    needed = CONTAINER.get(kind.casefold())
    if needed is None or fields.get(needed):
        return kind
    users_own = bool(paper.extra.get("bibtex_key"))
    if users_own and not paper.extra.get(needed):  # missing in their file, not dropped here
        return kind
    if fields.get("journal"):
        return "article"
    if fields.get("booktitle"):
        return "inproceedings"
    return "misc"


def short_title(title: str) -> str:
    """The first words of the title, up to its subtitle: what a reference list without an
    author cites the work by ("Pacemaker implantation", 2017)."""
    head = _SUBTITLE.split(title.strip(), maxsplit=1)[0] or title
    words = head.split()
    return " ".join(words[:_SHORT_WORDS]).rstrip(",;.") if words else ""
