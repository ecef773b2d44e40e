"""BibTeX, JSONL and CSV as researchers have them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from litreview.reading import LibraryFileError, read_file
from litreview.reading.normalize import normalize_title, paper_id_for

ABSTRACT = "We propose a method for robust training of deep networks that improves accuracy by 5%."

ZOTERO_BIB = r"""
@article{smith_robust_2023,
	title = {Robust {Training} of {Deep} Networks},
	volume = {12},
	url = {https://example.org/robust},
	doi = {10.1000/xyz123},
	abstract = {We propose robust training of deep networks, improving accuracy by 5\%.},
	journal = {Journal of Things},
	author = {Smith, Jane and Doe, John},
	year = {2023},
}

@inproceedings{lee_fast_2022,
	title = {Fast Inference},
	abstract = {A fast inference engine for transformers, twice as fast on CPUs.},
	booktitle = {Proceedings of Speed},
	author = {Lee, Kim},
	year = {2022},
}
"""


def test_zotero_bibtex(tmp_path: Path) -> None:
    path = tmp_path / "zotero.bib"
    path.write_text(ZOTERO_BIB, encoding="utf-8")
    first, second = read_file(path).papers
    assert first.title == "Robust Training of Deep Networks"
    assert first.authors == ("Smith, Jane", "Doe, John")
    assert first.year == 2023
    assert first.url == "https://example.org/robust"
    assert first.abstract.endswith("by 5%.")
    assert first.extra["bibtex_key"] == "smith_robust_2023"
    assert first.extra["doi"] == "10.1000/xyz123"
    assert second.extra["booktitle"] == "Proceedings of Speed"


def test_bibtex_entries_without_abstract_are_skipped_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    no_abstract = "@article{k1,\n  title = {T},\n  year = {2020}\n}\n"
    path.write_text("\n\n" + no_abstract + ZOTERO_BIB, encoding="utf-8")
    result = read_file(path)
    assert len(result.papers) == 2
    assert result.warnings[0] == "skipped 1 record(s) without an abstract (lines 3)"
    path.write_text("\n\n" + no_abstract, encoding="utf-8")
    with pytest.raises(LibraryFileError) as err:
        read_file(path)
    assert "no record has an abstract (1 without one: lines 3)" in err.value.message


def test_broken_bibtex_entry_is_skipped_with_its_line_and_the_rest_goes_in(tmp_path: Path) -> None:
    """One unparseable entry no longer sinks the file (issue 10): skipped, named by line."""
    path = tmp_path / "broken.bib"
    good = "@article{a,\n title={A},\n abstract={" + ABSTRACT + "}\n}\n"
    path.write_text(good + "\n@article{b,\n title = {B\n", encoding="utf-8")
    result = read_file(path)
    assert [p.title for p in result.papers] == ["A"]
    assert result.records == 2 and result.skip_reasons == {"unparseable entry": 1}
    assert any(w.startswith("broken.bib:6: cannot parse") for w in result.warnings)


def test_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    rows = [
        {"title": "A", "abstract": ABSTRACT, "authors": ["X Y", "Z W"], "year": 2021, "url": "u"},
        {"title": "B", "summary": ABSTRACT, "authors": "P Q; R S", "year": "2019-05"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    a, b = read_file(path).papers
    assert a.authors == ("X Y", "Z W") and a.year == 2021 and a.url == "u"
    assert b.authors == ("P Q", "R S") and b.year == 2019


def test_a_bad_jsonl_line_is_that_records_loss_not_the_files(tmp_path: Path) -> None:
    """A new user's JSONL with one broken line lost its good records too (the whole file was
    refused); now the line is skipped with its place and the rest are read."""
    path = tmp_path / "papers.jsonl"
    ok = json.dumps({"title": "A", "abstract": ABSTRACT})
    other = json.dumps({"title": "B", "abstract": ABSTRACT})
    path.write_text(f"{ok}\n{{not json\n[1, 2]\n{other}\n", encoding="utf-8")
    result = read_file(path)
    assert [p.title for p in result.papers] == ["A", "B"]
    assert result.records == 4 and result.skip_reasons == {"invalid JSON": 1, "not a record": 1}
    assert any(w.startswith("papers.jsonl:2: invalid JSON (") for w in result.warnings)
    assert "papers.jsonl:3: not a JSON object; line skipped" in result.warnings
    path.write_text("{not json\n{nor this\n", encoding="utf-8")  # nothing readable: the file
    with pytest.raises(LibraryFileError, match="no record can be a paper"):
        read_file(path)


def test_jsonl_missing_abstract(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    good = json.dumps({"title": "B", "abstract": ABSTRACT})
    path.write_text(json.dumps({"title": "A"}) + "\n" + good + "\n", encoding="utf-8")
    result = read_file(path)
    assert [p.title for p in result.papers] == ["B"]
    assert "lines 1" in result.warnings[0]


def test_csv_with_quoted_multiline_field(tmp_path: Path) -> None:
    path = tmp_path / "papers.csv"
    path.write_text(
        'Title,Abstract,Authors,Year,DOI\n"A, with comma","line one\nline two of the abstract",'
        '"Doe, J; Roe, R",2020,10.1/abc\n',
        encoding="utf-8",
    )
    (paper,) = read_file(path).papers
    assert paper.title == "A, with comma"
    assert paper.abstract == "line one line two of the abstract"
    assert paper.url == "https://doi.org/10.1/abc"
    assert paper.authors == ("Doe, J", "Roe, R")


def test_csv_without_abstract_column(tmp_path: Path) -> None:
    path = tmp_path / "papers.csv"
    path.write_text("title,year\nA,2020\n", encoding="utf-8")
    with pytest.raises(LibraryFileError) as err:
        read_file(path)
    assert err.value.line == 1 and "abstract" in err.value.message


def test_csv_row_with_extra_values_is_skipped_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "papers.tsv"
    path.write_text(f"title\tabstract\nA\t{ABSTRACT}\nB\t{ABSTRACT}\textra\n", encoding="utf-8")
    result = read_file(path)
    assert [p.title for p in result.papers] == ["A"]
    assert result.skip_reasons == {"more values than columns": 1}
    assert "(more values than columns) (lines 3)" in result.warnings[0]


def test_same_paper_in_any_format_has_one_id() -> None:
    assert (
        normalize_title("Robust {Training}: of Deep-Networks!")
        == "robust training of deep networks"
    )
    assert paper_id_for("Robust Training of Deep Networks") == paper_id_for(
        "robust training of deep networks."
    )


def test_bibtex_latex_in_names_and_titles_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "accents.bib"
    path.write_text(
        '@article{m1,\n title = {{\\"U}ber {Deep} Nets},\n'
        " author = {M{\\\"u}ller, Anna and Garc{\\'\\i}a, Luc\u00eda and others},\n"
        f" abstract = {{{ABSTRACT}}}\n}}\n",
        encoding="utf-8",
    )
    (paper,) = read_file(path).papers
    assert paper.title == "Über Deep Nets"
    assert paper.authors == ("Müller, Anna", "García, Lucía")


def test_directory_and_stdin_are_named(tmp_path: Path) -> None:
    with pytest.raises(LibraryFileError, match="is a directory"):
        read_file(tmp_path)
    with pytest.raises(LibraryFileError, match="standard input"):
        read_file(Path("-"))


def test_gzip_jsonl_is_read_a_line_at_a_time(tmp_path: Path) -> None:
    import gzip

    from litreview.reading.readers import expand_paths

    rows = [
        {"title": f"Paper {i}", "abstract": f"Abstract number {i} about graphs."} for i in range(3)
    ]
    path = tmp_path / "papers.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\ufeff" + "\n".join(json.dumps(r) for r in rows) + "\r\n\n")
    result = read_file(path)
    assert [p.title for p in result.papers] == ["Paper 0", "Paper 1", "Paper 2"]
    assert expand_paths([tmp_path])[0] == [path]  # a folder walk takes it too
    plain = tmp_path / "papers.bib.gz"
    with gzip.open(plain, "wt", encoding="utf-8") as out:
        out.write("@article{a, title={Graph Paper}, abstract={About graphs.}}\n")
    assert [p.title for p in read_file(plain).papers] == ["Graph Paper"]


def test_damaged_gzip_and_bad_lines_name_the_line(tmp_path: Path) -> None:
    import gzip

    good = json.dumps({"title": "T", "abstract": "A."})
    path = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(("\n".join([good] * 2000) + "\n").encode())
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LibraryFileError, match="damaged or cut short"):
        read_file(path)
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(f"{good}\n{{not json\n".encode()))
    partly = read_file(bad)
    assert len(partly.papers) == 1 and any(":2: invalid JSON" in w for w in partly.warnings)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(good.encode() + b"\n" + '{"title": "caf\xe9"}'.encode("latin-1") + b"\n")
    with pytest.raises(LibraryFileError, match="not valid UTF-8") as err:
        read_file(latin)
    assert err.value.line == 2
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    with pytest.raises(LibraryFileError, match="file is empty"):
        read_file(empty)


def test_jsonl_with_old_mac_line_ends_reads_every_record(tmp_path: Path) -> None:
    # Files saved by old Mac software end lines with a lone \r: each is a line, and errors
    # still name the right one; \r\n cut between two read blocks is one line end, not two.
    from litreview.reading.readers.stream import raw_lines

    rows = [json.dumps({"title": f"Paper {i}", "abstract": f"About graph {i}."}) for i in range(4)]
    path = tmp_path / "mac.jsonl"
    path.write_bytes("\r".join(rows).encode() + b"\r")
    assert [p.title for p in read_file(path).papers] == [f"Paper {i}" for i in range(4)]
    bad = tmp_path / "bad-mac.jsonl"
    bad.write_bytes(f"{rows[0]}\r\r{{not json\r".encode())
    assert any(w.startswith("bad-mac.jsonl:3: invalid JSON") for w in read_file(bad).warnings)

    class Blocks:
        def __init__(self, data: bytes) -> None:
            self.data = data

        def read(self, n: int) -> bytes:
            out, self.data = self.data[:n], self.data[n:]
            return out

    data = b"a\r\nb\rc\n\nd"
    for size in range(1, len(data) + 1):  # every place a block can end
        assert list(raw_lines(Blocks(data), size)) == [b"a", b"b", b"c", b"", b"d"]  # type: ignore[arg-type]
