from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from litreview.index.catalog import AuthorQuery, Catalog, StoredPassage
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper


def make(title: str, abstract: str = "an abstract", source: str = "a.txt", **kw: object) -> Paper:
    return Paper(paper_id_for(title), title, abstract, sources=(source,), **kw)  # type: ignore[arg-type]


def test_add_unchanged_update(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    first = cat.upsert([make("One"), make("Two")])
    assert len(first.added) == 2 and cat.revision == 1
    again = cat.upsert([make("One"), make("Two", source="b.bib", year=2021)])
    assert again.added == [] and again.updated == [] and len(again.unchanged) == 2
    assert cat.revision == 1, "metadata-only changes do not invalidate the indexes"
    two = cat.get([paper_id_for("Two")])[paper_id_for("Two")]
    assert two.sources == ("a.txt", "b.bib") and two.year == 2021
    changed = cat.upsert([make("One", abstract="a new abstract")])
    assert changed.updated == [paper_id_for("One")] and cat.revision == 2
    assert cat.count() == 2


def test_pending_until_marked_with_matching_hash(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    p = make("One")
    cat.upsert([p])
    assert cat.pending_ids() == [p.paper_id]
    cat.mark_indexed([p.paper_id], {p.paper_id: p.content_hash})
    assert cat.pending_ids() == []
    newer = replace(p, abstract="changed")
    cat.upsert([newer])
    assert cat.pending_ids() == [p.paper_id]
    cat.mark_indexed([p.paper_id], {p.paper_id: p.content_hash})  # stale embedding: ignored
    assert cat.pending_ids() == [p.paper_id]


def test_failed_transaction_changes_nothing(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    cat.upsert([make("One")])

    class Boom(Exception):
        pass

    def papers() -> object:
        yield make("Two")
        raise Boom

    with pytest.raises(Boom):
        cat.upsert(papers())  # type: ignore[arg-type]
    assert cat.count() == 1


def test_filters(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    cat.upsert(
        [
            make("A", year=2020, authors=("Jane Smith",), source="x.bib"),
            make("B", year=2023, authors=("Kim Lee",), source="y.txt"),
        ]
    )
    a, b = paper_id_for("A"), paper_id_for("B")
    assert cat.ids_matching(source="x.") == {a}
    assert cat.ids_matching(author="smith") == {a}
    assert cat.ids_matching(year_from=2021) == {b}
    assert cat.ids_matching(year_to=2021, source="y") == set()


def test_two_files_with_different_texts_do_not_overwrite_each_other(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    first = make("Diffusion Sampling", abstract="ten steps", source="my.csv", year=2024)
    other = make("diffusion sampling.", abstract="other text", source="dup.csv", year=2021)
    cat.upsert([first])
    outcome = cat.upsert([other])
    assert (
        outcome.updated == [] and len(outcome.conflicts) == 1 and "my.csv" in outcome.conflicts[0]
    )
    again = cat.upsert([first])
    assert again.updated == [] and again.conflicts == []
    assert cat.upsert([other]).updated == []
    kept = cat.get([first.paper_id])[first.paper_id]
    assert (kept.title, kept.abstract, kept.year) == ("Diffusion Sampling", "ten steps", 2024)
    assert kept.sources == ("my.csv", "dup.csv")
    # The owning file may still change its own text.
    assert cat.upsert([make("Diffusion Sampling", abstract="nine steps", source="my.csv")]).updated


ABADI = "Martín Abadi"


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Abadi, M", ABADI),  # "Last, Initial" as in reference lists
        ("M. Abadi", ABADI),
        ("Abadi M.", ABADI),
        ("martin abadi", ABADI),  # accents folded, case ignored
        ("Abadi, Martin", ABADI),
        ("ABADI", ABADI),
        ("Abad", ABADI),  # the start of a name, four letters or more
        ("Oguz", "Barlas Oğuz"),
        ("oğuz, b", "Barlas Oguz"),
        ("Martin Abadi", "Abadi, Martín"),  # stored "Last, First"
        ("Martin Abadi", "M. Abadi"),  # stored with an initial
        ("J.-P. Dupont", "Jean-Pierre Dupont"),
        ("Dupont JP", "Jean-Pierre Dupont"),  # initials run together
        ("Ng A", "Andrew Ng"),  # a short capitalised surname, not initials
        ("Lukasz Kaiser", "Łukasz Kaiser"),  # letters Unicode does not decompose
        ("Müller", "Thomas Mueller-Müller"),
    ],
)
def test_author_typed_as_people_type_it(typed: str, name: str) -> None:
    assert AuthorQuery.parse(typed).matches(name)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Abadi, X", ABADI),  # a wrong initial
        ("Li", "Liang Wang"),  # short words match whole parts only
        ("M Abadi", "Abadi"),  # every typed part needs its own part of the name
        ("Abadi Abadi", ABADI),
        ("Martin Abadi", "Martin Smith"),  # both parts must be in the same author's name
        ("Lamport", "Smith, L."),  # a surname is not someone else's initial
        ("Nobody", "Goldman, Ronald N."),  # ganeshbelgur/zotero-sync: found by --author Nobody
        ("Smith", "Jones, S."),
    ],
)
def test_author_mismatches(typed: str, name: str) -> None:
    assert not AuthorQuery.parse(typed).matches(name)


def test_the_catalogs_quick_author_test_keeps_every_match(tmp_path: Path) -> None:
    """The SQL pre-test (``AuthorQuery.prefilter``) that spares most papers the Python
    match finds what matching every paper finds, accents, apostrophes and initials included."""
    names = [
        ABADI, "Barlas Oğuz", "Barlas Oguz", "Abadi, Martín", "M. Abadi", "Jean-Pierre Dupont",
        "Andrew Ng", "Łukasz Kaiser", "Thomas Mueller-Müller", "Liang Wang", "Martin Smith",
        "Smith, L.", "Pat O'Brien", "Leslie Lamport", "Kemal Oflazer",
    ]  # fmt: skip
    cat = Catalog(tmp_path / "c.sqlite3")
    cat.upsert([make(f"Paper {i}", authors=(name,)) for i, name in enumerate(names)])
    typed_queries = [
        "Abadi, M", "M. Abadi", "martin abadi", "Abad", "Oguz", "oğuz, b", "J.-P. Dupont",
        "Dupont JP", "Ng A", "Lukasz Kaiser", "Müller", "Li", "Lamport", "OBrien", "Brien",
        "o'brien", "M", "Smith L",
    ]  # fmt: skip
    for typed in typed_queries:
        query = AuthorQuery.parse(typed)
        expected = {paper_id_for(f"Paper {i}") for i, n in enumerate(names) if query.matches(n)}
        assert cat.ids_matching(author=typed) == expected, typed
    assert cat.has_author_like("Kajiya") is False
    assert cat.has_author_like("Łukasz") and cat.has_author_like("lamport")


@pytest.mark.parametrize("typed", ["", " , ", "..", "-"])
def test_author_query_without_a_name_is_an_error(typed: str) -> None:
    with pytest.raises(ValueError, match="no name"):
        AuthorQuery.parse(typed)


def test_author_filter_in_the_catalog(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    cat.upsert(
        [
            make("A", authors=("Martín Abadi", "Ian Goodfellow")),
            make("B", authors=("Barlas Oğuz",)),
            make("C", authors=("Martin Smith", "Jane Abadi")),
        ]
    )
    a, b, c = (paper_id_for(t) for t in "ABC")
    assert cat.ids_matching(author="Abadi, M") == {a}
    assert cat.ids_matching(author="M. Abadi") == {a}
    assert cat.ids_matching(author="abadi") == {a, c}
    assert cat.ids_matching(author="Oguz") == {b}
    assert cat.ids_matching(author="Martin Abadi") == {a}, "not Martin Smith + Jane Abadi"
    assert cat.ids_matching(author="Goodfellow", year_from=2000) == set()


def test_remove_clears_every_table_keyed_by_paper(tmp_path: Path) -> None:
    """Removal (a paper trashed in Zotero) reaches tables the catalog gains later too."""
    from litreview.reading.paper import PageText

    cat = Catalog(tmp_path / "c.sqlite3")
    gone = make("Gone", full_text=(PageText(1, "body text"),))
    cat.upsert([gone, make("Kept")])
    with cat.transaction() as db:  # a table a later version may add
        db.execute("CREATE TABLE later_table (paper_id TEXT, x TEXT)")
        db.execute("INSERT INTO later_table VALUES (?, 'x')", (gone.paper_id,))
    cat.set_passages({gone.paper_id: [StoredPassage(1, 1, "body text")]})
    revision = cat.revision
    assert cat.remove([gone.paper_id, "no-such-id"]) == 1
    assert {p.paper_id for p in cat.all()} == {paper_id_for("Kept")}
    assert cat.pages(gone.paper_id) == () and cat.fulltext_count() == 0
    assert cat._rows("SELECT COUNT(*) FROM passages")[0][0] == 0 and not cat.has_passages()
    assert cat._rows("SELECT COUNT(*) FROM later_table")[0][0] == 0
    assert cat.revision == revision + 1  # BM25 is rebuilt without it
    assert cat.remove([]) == 0


def test_collection_and_tag_filters_match_whole_names_any_case(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    cat.upsert(
        [
            make("A", extra={"collections": "Space; Physics", "tags": "Astrobiology"}),
            make("B", extra={"collections": "Space Law"}),
            make("C"),
        ]
    )
    assert cat.ids_matching(collection="space") == {paper_id_for("A")}
    assert cat.ids_matching(collection="Space Law") == {paper_id_for("B")}
    assert cat.ids_matching(tag="ASTROBIOLOGY", collection="physics") == {paper_id_for("A")}
    assert cat.ids_matching(tag="Astro") == set()  # whole names, not substrings
    assert cat.listed_names("collections") == ["Physics", "Space", "Space Law"]
    assert cat.listed_names("tags") == ["Astrobiology"]
