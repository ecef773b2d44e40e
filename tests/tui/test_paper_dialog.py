"""The paper dialog shows the paper's DOI, arXiv id and URL (it showed none of them).

The paper is a real export's entry (shared/real/bibtex, sources in its README): Better BibTeX
writes an arXiv preprint's DOI, its eprint and a doi.org URL.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets.markdown import MarkdownBlock

from litreview.reading.readers.bibtex import read_bibtex
from litreview.settings import Settings
from litreview.tui.screens.library import PaperScreen, identifiers
from tests.support.svg import screen_lines
from tests.support.tui import running

REAL_BIB = Path("/work/shared/real/bibtex/elmoghany_betterbibtex_video_diffusion.bib")
needs_real = pytest.mark.skipif(not REAL_BIB.is_file(), reason="shared/real material not present")


@needs_real
def test_the_dialog_shows_the_doi_and_the_arxiv_id_as_links(sample_settings: Settings) -> None:
    papers = read_bibtex(REAL_BIB, REAL_BIB.read_text()).papers
    palp = next(p for p in papers if p.title.startswith("PALP"))

    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            app.push_screen(PaperScreen(palp))
            await pilot.pause(0.3)
            text = "\n".join(screen_lines(app.export_screenshot()))
            # As text to copy, one a line; the URL is the DOI's doi.org link, not repeated.
            assert "DOI: 10.48550/arxiv.2401.06105" in text
            assert "arXiv: 2401.06105" in text
            assert "URL:" not in text
            # A click opens the page.
            opened: list[str] = []
            app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
            ids = next(
                p for p in app.screen.query(MarkdownBlock) if str(p.content).startswith("DOI")
            )
            x, y = ids.region.x, ids.region.y
            await pilot.click(offset=(x + len("DOI: ") + 1, y))
            await pilot.click(offset=(x + len("arXiv: ") + 1, y + 1))
            assert opened == [
                "https://doi.org/10.48550/arxiv.2401.06105",
                "https://arxiv.org/abs/2401.06105",
            ]

    asyncio.run(scenario())


@needs_real
def test_a_url_of_its_own_is_shown_and_brackets_stay_text() -> None:
    paper = read_bibtex(REAL_BIB, REAL_BIB.read_text()).papers[0]
    other = replace(
        paper,
        doi="10.1016/s0140-6736(20)30183-5",
        arxiv_id=None,
        url="https://dl.acm.org/doi/10.1145/97879.97886",
    )
    shown = identifiers(other)
    assert shown.splitlines() == [
        "DOI: [10.1016/s0140-6736(20)30183-5](<https://doi.org/10.1016/s0140-6736(20)30183-5>)  ",
        "URL: [https://dl.acm.org/doi/10.1145/97879.97886](<https://dl.acm.org/doi/10.1145/97879.97886>)",
    ]
    assert identifiers(replace(paper, doi=None, arxiv_id=None, url=None)) == ""
