"""A sentence saying where a paper's code, data or videos are is a signpost, not an answer.

A trial's "Which papers generate video from a single image?" on the real video-generation
BibTeX library led with Movie Gen's "All videos from this paper are available at
https://go.fb.me/MovieGenResearchVideos."
"""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.evidence.sentences import signposts, split_sentences
from litreview.reading import read_file

VIDEO = Path("/work/shared/real/bibtex/elmoghany_betterbibtex_video_diffusion.bib")


@pytest.mark.skipif(not VIDEO.is_file(), reason="shared/real not present")
def test_where_the_videos_are_is_a_signpost() -> None:
    (movie_gen,) = [p for p in read_file(VIDEO).papers if p.title.startswith("Movie Gen")]
    notices = [s for s in split_sentences(movie_gen.abstract) if signposts(s)]
    assert notices and all("available at" in s for s in notices), notices


@pytest.mark.parametrize(
    "sentence",
    [
        "The model is available at inference time on the device.",
        "Results are available in Table 3.",
        "We make the compressed model available to edge devices.",
    ],
)
def test_availability_of_other_things_is_not(sentence: str) -> None:
    assert not signposts(sentence)
