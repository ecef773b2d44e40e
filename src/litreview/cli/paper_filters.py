"""The metadata filters of the commands that list or search papers, declared and checked once.

``search``, ``library``, ``ask``, ``batch``, ``related-work`` and ``chat`` take the
same filters (``library`` shows what a filtered search or ask will draw on), so they
are one set of options and one check here: a year range the wrong way round and an
author no name could match are usage errors, the Zotero collection and tag are
:mod:`.zotero_filters`'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from litreview.cli.zotero_filters import zotero_options

if TYPE_CHECKING:
    from litreview.index.retriever import Filters

F = TypeVar("F", bound=Callable[..., object])


def metadata_options(command: F) -> F:
    """Add ``--source``, ``--year-from``, ``--year-to``, ``--author``, ``--collection`` and
    ``--tag`` to a click command (in that order in its help)."""
    for option in reversed(
        (
            click.option(
                "--source", help="Only papers from a source file whose name contains this."
            ),
            click.option("--year-from", type=int, help="Only papers from this year on."),
            click.option("--year-to", type=int, help="Only papers up to this year."),
            click.option(
                "--author",
                help="Only papers with this author, typed any usual way: 'Abadi, M', "
                "'M. Abadi', 'Martin Abadi', 'abadi' (initials, either order; case and "
                "accents ignored: 'Oguz' finds Oğuz).",
            ),
            zotero_options,
        )
    ):
        command = option(command)
    return command


def read_filters(
    source: str | None,
    year_from: int | None,
    year_to: int | None,
    author: str | None,
    collection: str | None,
    tag: str | None,
) -> Filters:
    """The options' values as the retriever's filters, or a usage error saying what is wrong."""
    from litreview.index.catalog import AuthorQuery
    from litreview.index.retriever import Filters

    if year_from is not None and year_to is not None and year_from > year_to:
        raise click.UsageError(f"--year-from {year_from} is after --year-to {year_to}")
    if author is not None:
        try:
            AuthorQuery.parse(author)
        except ValueError as exc:
            raise click.UsageError(f"--author: {exc}") from exc
    return Filters(
        source=source,
        year_from=year_from,
        year_to=year_to,
        author=author,
        collection=collection,
        tag=tag,
    )
