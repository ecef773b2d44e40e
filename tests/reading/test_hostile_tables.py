"""CSV and JSON as they break: every record kept or rejected visibly (file:line), none as garbage.

Each hostile file is written here; the clean real corpus (shared/real) checks that the
checks cost nothing on well-formed exports.
"""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest

from litreview.reading import LibraryFileError, read_file

REAL_CORPUS = Path("/work/shared/real/corpora/conference-abstracts-50k.jsonl.gz")
ABSTRACT = "We propose a method for robust training of deep networks that improves accuracy."


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def titles(path: Path) -> list[str]:
    return [p.title for p in read_file(path).papers]


def said(path: Path, fragment: str) -> bool:
    return any(fragment in warning for warning in read_file(path).warnings)


# -- CSV ------------------------------------------------------------------------------------


def test_truncated_row_is_kept_and_its_missing_columns_named(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.csv", f"title,abstract,year,authors\nA,{ABSTRACT},2020,X\nB,{ABSTRACT}\n"
    )
    result = read_file(path)
    assert [(p.title, p.year, p.authors) for p in result.papers] == [
        ("A", 2020, ("X",)),
        ("B", None, ()),
    ]
    assert "t.csv:3: row has 2 of 4 columns (no 'year', 'authors'); read as it is" in (
        result.warnings
    )


def test_row_cut_before_its_abstract_is_skipped_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", f"title,abstract\nA,{ABSTRACT}\nCut here\nC,{ABSTRACT}\n")
    result = read_file(path)
    assert [p.title for p in result.papers] == ["A", "C"]
    assert result.records == 3 and result.skip_reasons == {"no abstract": 1}
    assert "t.csv:3: row has 1 of 2 columns (no 'abstract'); read as it is" in result.warnings


def test_unclosed_quote_skips_the_lines_it_swallows_and_names_them(tmp_path: Path) -> None:
    text = (
        f'title,abstract\nA,{ABSTRACT}\n"B unclosed,{ABSTRACT}\nC,{ABSTRACT}\n"D",x\nE,{ABSTRACT}\n'
    )
    path = write(tmp_path, "q.csv", text)
    result = read_file(path)
    assert [p.title for p in result.papers] == ["A", "E"]  # C and D are inside the broken span
    assert result.skip_reasons == {"unclosed quote": 1}
    assert said(path, "q.csv:3: a quote opened on this line is not closed")
    assert said(path, "lines 3-5 are skipped as one broken record")


def test_quote_left_open_at_the_end_of_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "q.csv", f'title,abstract\nA,{ABSTRACT}\n"B,{ABSTRACT}\n')
    result = read_file(path)
    assert [p.title for p in result.papers] == ["A"]
    assert "(unclosed quote) (lines 3)" in result.warnings[0]


def test_stray_quote_inside_a_line_is_read_leniently_and_said(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "q.csv",
        f'title,abstract\n"Attention" is all you need,{ABSTRACT}\nA "quoted" word,{ABSTRACT}\n',
    )
    result = read_file(path)
    assert [p.title for p in result.papers] == ["Attention is all you need", 'A "quoted" word']
    assert [w for w in result.warnings if "stray quote" in w] == [
        "q.csv:2: stray quote (',' expected after '\"'); the row is read as spreadsheets do"
    ]


def test_a_multiline_quoted_abstract_is_still_one_record(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", 'title,abstract\nA,"line one\nline two"\nB,"b"\n')
    result = read_file(path)
    assert [p.abstract for p in result.papers] == ["line one line two", "b"]
    assert result.warnings == []


def test_duplicate_columns_are_named_and_disagreements_said(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        f"title,abstract,Title,notes,notes\nA,{ABSTRACT},Other title,n1,n2\nB,{ABSTRACT},B,,\n",
    )
    result = read_file(path)
    first, second = result.papers
    assert (first.title, second.title) == ("A", "B")
    assert first.extra == {"notes": "n1", "notes (column 5)": "n2"}
    assert (
        "d.csv:1: columns 1 'title' and 3 'Title' both hold the title; each row takes the "
        "first that is not empty" in result.warnings
    )
    assert "d.csv:1: columns 4 'notes' and 5 'notes' both hold the notes;" in "".join(
        result.warnings
    )
    disagree = [w for w in result.warnings if "disagree" in w]
    assert disagree == [
        "d.csv:2: two title fields disagree ('A' in column 1, 'Other title' in column 3); "
        "the first is used"
    ]  # row 3 repeats the same title: nothing to say


def test_blank_lines_and_trailing_empty_values_are_not_records(tmp_path: Path) -> None:
    path = write(tmp_path, "b.csv", f"title,abstract\n\nA,{ABSTRACT},\n,\n  \nB,{ABSTRACT}\n")
    result = read_file(path)
    assert titles(path) == ["A", "B"] and result.records == 2 and result.warnings == []


def test_header_without_an_abstract_column_is_still_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(LibraryFileError) as err:
        read_file(write(tmp_path, "h.csv", "title,year\nA,2020\n"))
    assert err.value.line == 1 and "abstract" in err.value.message


# -- JSON -----------------------------------------------------------------------------------

HOSTILE = [
    # (record, kept title or None if rejected, reason or warning fragment)
    ({"title": 42, "abstract": ABSTRACT}, None, "title is not text"),
    ({"title": True, "abstract": ABSTRACT}, None, "title is not text"),
    ({"title": {"en": "Nested"}, "abstract": ABSTRACT}, None, "title is not text"),
    ({"title": None, "abstract": ABSTRACT}, None, "no title"),
    ({"title": "Obj abstract", "abstract": {"text": ABSTRACT}}, None, "abstract is not text"),
    ({"title": "Num abstract", "abstract": 3.5}, None, "abstract is not text"),
    ({"title": ["Two", "parts"], "abstract": ABSTRACT}, "Two parts", "title is a list of 2"),
    ({"title": "Paragraphs", "abstract": ["One.", "Two."]}, "Paragraphs", "abstract is a list"),
    ({"title": "Num authors", "abstract": ABSTRACT, "authors": 7}, "Num authors", "authors is a"),
    (
        {"title": "Mixed", "abstract": ABSTRACT, "authors": [None, 3, "Real Name"]},
        "Mixed",
        "authors: 2 entries",
    ),
    ({"title": "Year list", "abstract": ABSTRACT, "year": [2020]}, "Year list", "year is a list"),
    ({"title": "Year bool", "abstract": ABSTRACT, "year": True}, "Year bool", "year is true"),
    ({"title": "URL list", "abstract": ABSTRACT, "url": ["http://a"]}, "URL list", "url is a list"),
    ({"title": "DOI obj", "abstract": ABSTRACT, "doi": {"x": 1}}, "DOI obj", "doi is an object"),
    (
        {"title": "Num arXiv", "abstract": ABSTRACT, "arxiv_id": 2001.1},
        "Num arXiv",
        "arxiv_id is a",
    ),
]


def test_non_string_json_fields_are_kept_or_rejected_visibly(tmp_path: Path) -> None:
    path = write(tmp_path, "h.jsonl", "\n".join(json.dumps(r) for r, _, _ in HOSTILE) + "\n")
    result = read_file(path)
    kept = {p.title: p for p in result.papers}
    assert set(kept) == {title for _, title, _ in HOSTILE if title}
    assert result.records == len(HOSTILE)
    text = "\n".join(result.warnings)
    for line, (_, title, fragment) in enumerate(HOSTILE, start=1):
        if title is None:  # rejected: counted by reason, with its line
            assert result.skip_reasons[fragment] >= 1
            phrase = {"no title": "without a title"}.get(fragment, fragment)
            assert any(phrase in w and str(line) in w for w in result.warnings), fragment
        else:  # kept: the warning names file and line
            assert f"h.jsonl:{line}: {fragment}" in text, fragment
    # Nothing Python-shaped reached a paper.
    for paper in result.papers:
        stored = [paper.title, paper.abstract, paper.url or "", *paper.authors]
        assert not any(s.startswith(("[", "{")) or s in ("None", "True", "7") for s in stored)
    assert kept["Mixed"].authors == ("Real Name",) and kept["Year list"].year is None
    assert kept["Paragraphs"].abstract == "One. Two." and kept["DOI obj"].url is None


def test_csl_json_authors_and_issued_are_read(tmp_path: Path) -> None:
    record = {
        "type": "article-journal",
        "title": "A CSL Paper",
        "abstract": ABSTRACT,
        "author": [{"family": "Doe", "given": "Jane"}, {"literal": "ACME Consortium"}],
        "issued": {"date-parts": [[2019, 5]]},
        "DOI": "10.1000/xyz123",
        "keywords": ["robust", "training"],
    }
    path = write(tmp_path, "csl.json", json.dumps([record], indent=1))
    (paper,) = read_file(path).papers
    assert paper.authors == ("Doe, Jane", "ACME Consortium") and paper.year == 2019
    assert paper.doi == "10.1000/xyz123"
    assert paper.extra["keywords"] == '["robust", "training"]'  # JSON, not a Python repr


def test_repeated_json_key_is_said_not_silently_overwritten(tmp_path: Path) -> None:
    path = write(tmp_path, "k.jsonl", f'{{"title": "A", "title": "B", "abstract": "{ABSTRACT}"}}\n')
    result = read_file(path)
    assert titles(path) == ["A"]
    assert any(w.startswith("k.jsonl:1: two title fields disagree") for w in result.warnings)


@pytest.mark.skipif(not REAL_CORPUS.exists(), reason="shared/real is not on this machine")
def test_real_corpus_reads_without_a_word(tmp_path: Path) -> None:
    """2,000 real records (null years, empty URLs, author lists): all kept, nothing to say."""
    with gzip.open(REAL_CORPUS, "rt", encoding="utf-8") as corpus:
        path = write(tmp_path, "real.jsonl", "".join(itertools.islice(corpus, 2000)))
    result = read_file(path)
    assert result.records == 2000 and len(result.papers) + result.merged == 2000
    assert result.warnings == []
    assert all(isinstance(p.year, int | None) for p in result.papers)
    assert all(p.url is None or p.url.startswith("http") for p in result.papers)
