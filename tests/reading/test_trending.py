"""The trending-papers page dumps, quirks included."""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.reading import LibraryFileError, read_file, sample_paths
from litreview.reading.dedupe import merge_papers

ABSTRACT = (
    "We study a problem that matters and propose a method that works well on several "
    "benchmarks, improving accuracy by 100\\% over \\tool baselines."
)


def write(tmp_path: Path, text: str, name: str = "dump.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_has_298_entries_and_264_unique_papers() -> None:
    results = [read_file(p) for p in sample_paths()]
    assert len(results) == 4
    entries = sum(len(r.papers) for r in results)
    merged, _ = merge_papers([p for r in results for p in r.papers])
    assert entries == 298
    assert len(merged) == 264
    multi = [p for p in merged if len(p.sources) > 1]
    assert multi, "papers in several dumps keep every source"
    assert all(len(set(p.sources)) == len(p.sources) for p in merged)


def test_title_glued_to_subscribe_is_unglued() -> None:
    titles = {p.title for path in sample_paths() for p in read_file(path).papers}
    assert any(t.startswith("Harmony: Overcoming the Hurdles of GPU Memory") for t in titles)
    assert not any(t.casefold().startswith("subscribe") for t in titles)


def test_lowercase_glued_title(tmp_path: Path) -> None:
    text = (
        f"Get trending papers in your email inbox!\nSubscribenetFound: Foundation model\n{ABSTRACT}"
    )
    (paper,) = read_file(write(tmp_path, text)).papers
    assert paper.title == "netFound: Foundation model"


def test_quirky_titles_and_latex_remnants(tmp_path: Path) -> None:
    text = (
        "new\n\nSubscribe\nbyAK and the research community\nMar 14\n"
        f"Is ε-greedy enough? A study -- of ^ & ...\n{ABSTRACT} Code: https://github.com/a/b.\n"
        f"Second paper\n{ABSTRACT}"  # no trailing newline, no blank lines
    )
    first, second = read_file(write(tmp_path, text)).papers
    assert first.title == "Is ε-greedy enough? A study -- of ^ & ..."
    assert "100%" in first.abstract and "\\%" not in first.abstract
    assert "\\tool" in first.abstract  # unknown macros are kept, not dropped
    assert first.links == ("https://github.com/a/b",)
    assert second.title == "Second paper"


def test_missing_abstract_names_the_line(tmp_path: Path) -> None:
    text = f"new\nFirst title\n{ABSTRACT}\n\nSecond title\nThird title\n{ABSTRACT}\n"
    with pytest.raises(LibraryFileError) as err:
        read_file(write(tmp_path, text))
    assert err.value.line == 6
    assert "dump.txt:6" in str(err.value)
    assert "abstract" in err.value.message


def test_dangling_title_at_end(tmp_path: Path) -> None:
    with pytest.raises(LibraryFileError) as err:
        read_file(write(tmp_path, f"A title\n{ABSTRACT}\nLonely title\n"))
    assert err.value.line == 3


def test_abstract_where_title_expected(tmp_path: Path) -> None:
    long_line = " ".join(["word"] * 80)
    with pytest.raises(LibraryFileError) as err:
        read_file(write(tmp_path, f"{long_line}\n{ABSTRACT}\n"))
    assert err.value.line == 1
    assert "title" in err.value.message


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (b"", "empty", None),
        (b"   \n\n", "empty", None),
        (b"title\n\x00\x01\x02binary", "binary", 2),
        (b"A title\nabstract line one\n\xff\xfe broken", "UTF-8", 3),
    ],
)
def test_bad_bytes(tmp_path: Path, content: bytes, message: str, line: int | None) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(LibraryFileError) as err:
        read_file(path)
    assert message in err.value.message
    assert err.value.line == line
    assert str(path) in str(err.value)


def test_only_chrome(tmp_path: Path) -> None:
    with pytest.raises(LibraryFileError, match="no papers"):
        read_file(write(tmp_path, "new\nSubscribe\nMar 12\n"))


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LibraryFileError, match="unknown file type"):
        read_file(write(tmp_path, "x", name="paper.docx"))
    with pytest.raises(LibraryFileError, match="no such file"):
        read_file(tmp_path / "nope.txt")


def test_a_mistyped_folder_is_missing_not_of_an_unknown_type(tmp_path: Path) -> None:
    """``litreview ingest ~/Zoterox`` said "unknown file type '(none)'"."""
    with pytest.raises(LibraryFileError, match="no such file or folder"):
        read_file(tmp_path / "Zoterox")
