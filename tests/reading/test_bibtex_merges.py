"""A BibTeX file's duplicates: merged only when they are one work, every key kept, each named.

From a user trial on a Better BibTeX export (elmoghany, video diffusion): ``merged: 8`` and
no word on which, and the duplicates' keys (``kondratyukVideoPoetLargeLanguage2024a``,
``yangCogVideoX...2025a`` and ``...b``) were dropped, so a manuscript citing them found
nothing in references.bib.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.reading import read_file
from litreview.reading.dedupe import merge_counted, merge_papers
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper

DUPLICATES = r"""@article{poet2024,
  title = {VideoPoet: A Large Language Model},
  author = {Kondratyuk, Dan},
  year = {2024},
  doi = {10.48550/arXiv.2312.14125},
  abstract = {One.},
}

@misc{poet2024a,
  title = {VideoPoet: A Large Language Model},
  author = {Kondratyuk, Dan},
  year = {2024},
  doi = {10.48550/arXiv.2312.14125},
  abstract = {One.},
}

@article{other2024,
  title = {VideoPoet: A Large Language Model},
  author = {Someone, Else},
  year = {2024},
  doi = {10.1000/another-paper},
  abstract = {Two.},
}

@misc{poet2024b,
  title = {VideoPoet: A Large Language Model},
  author = {Kondratyuk, Dan},
  year = {2024},
  eprint = {2312.14125},
  archiveprefix = {arXiv},
  ids = {poetAlias},
  abstract = {One.},
}
"""


def test_duplicates_keep_every_key_and_the_note_names_them(tmp_path: Path) -> None:
    path = tmp_path / "lib.bib"
    path.write_text(DUPLICATES, encoding="utf-8")
    result = read_file(path)
    assert result.merged == 2 and len(result.papers) == 2
    other, poet = sorted(result.papers, key=lambda p: p.extra["bibtex_key"])
    assert poet.extra["bibtex_key"] == "poet2024"
    assert poet.extra["ids"] == "poet2024a, poet2024b, poetAlias"
    # Same title, a different DOI: a different paper, never merged, no aliases.
    assert other.extra["bibtex_key"] == "other2024" and "ids" not in other.extra
    (note,) = [w for w in result.warnings if w.startswith("merged")]
    assert note == (
        "merged 2 record(s) into an earlier record of the same work "
        "(line 9 'poet2024a' into line 1 'poet2024', line 25 'poet2024b' into line 1 'poet2024')"
    )


def test_the_merge_note_is_bounded() -> None:
    papers = [
        Paper(paper_id_for("T"), "T", "x", doi="10.1/a", extra={"bibtex_key": f"k{i}"})
        for i in range(14)
    ]
    merged, warnings, folded = merge_counted(papers, list(range(1, 15)))
    assert folded == 13 and len(merged) == 1
    assert warnings[0].count(" into line 1") == 10 and warnings[0].endswith(" ...)")
    assert merged[0].extra["ids"] == ", ".join(f"k{i}" for i in range(1, 14))


def test_a_zotero_key_and_a_bibtex_key_both_stay() -> None:
    """The key written is the one references.bib picks (``bibtex_key`` first); the other is
    an alias, whichever record came first."""
    zotero = Paper(paper_id_for("T"), "T", "x", doi="10.1/a", extra={"citation_key": "zot2024"})
    bib = Paper(paper_id_for("T"), "T", "x", doi="10.1/a", extra={"bibtex_key": "bib2024"})
    (paper,), warnings = merge_papers([zotero, bib])
    assert paper.extra["bibtex_key"] == "bib2024" and paper.extra["ids"] == "zot2024"
    assert not warnings  # merge_papers reports conflicts only; merge_counted names merges


REAL = Path("/work/shared/real/bibtex/elmoghany_betterbibtex_video_diffusion.bib")


@pytest.mark.skipif(not REAL.is_file(), reason="shared/real material not present")
def test_a_real_better_bibtex_export_keeps_its_duplicate_keys() -> None:
    result = read_file(REAL)
    assert result.merged == 8
    ids = {p.extra["bibtex_key"]: p.extra.get("ids") for p in result.papers}
    assert ids["kondratyukVideoPoetLargeLanguage2024"] == "kondratyukVideoPoetLargeLanguage2024a"
    assert ids["yangCogVideoXTexttoVideoDiffusion2025"] == (
        "yangCogVideoXTexttoVideoDiffusion2025a, yangCogVideoXTexttoVideoDiffusion2025b"
    )
    (note,) = [w for w in result.warnings if w.startswith("merged 8")]
    assert "line 607 'kondratyukVideoPoetLargeLanguage2024a' into line 584" in note
