"""A note on who did what is not an answer (a trial: the Transformer's answers quoted
"Ashish, with Illia, designed and implemented the first Transformer models" in 4 of 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.evidence.sentences import credits_authors, split_sentences, whole_sentences
from litreview.reading import read_file

TRANSFORMER = Path("/work/shared/real/pdfs/2017_attention_is_all_you_need_vaswani_v7.pdf")


@pytest.mark.skipif(not TRANSFORMER.is_file(), reason="shared/real not present")
def test_the_transformers_contribution_notes_credit_its_authors() -> None:
    (paper,) = read_file(TRANSFORMER).papers
    sentences = [
        s
        for page in paper.full_text
        for s in split_sentences(whole_sentences(page.text), min_words=1)
    ]
    notes = [s for s in sentences if credits_authors(s, paper.authors)]
    assert any(s.startswith("Ashish, with Illia, designed") for s in notes)
    # Sentences about the subject, and others' work cited by family name, are not notes.
    assert not any("Pdrop = 0.1" in s for s in notes)
    assert not credits_authors("Vaswani et al. propose the Transformer.", paper.authors)
    assert len(notes) <= 8, notes
