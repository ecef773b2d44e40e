"""``--collection`` and ``--tag``: the Zotero filters every command that retrieves takes.

One definition so that search, ask, chat, batch and related work mean the same
thing by them: a whole collection or tag name in any case, a collection taking
in its sub-collections (:meth:`Catalog.ids_matching`), and a name no paper has
being a usage error that lists the names there are (a typo, not an empty answer).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from litreview.index.library import Library

F = TypeVar("F", bound=Callable[..., object])


def zotero_options(command: F) -> F:
    """Add ``--collection`` and ``--tag`` to a click command."""
    command = click.option("--tag", help="Only papers with this Zotero tag (its name, any case).")(
        command
    )
    return click.option(
        "--collection",
        help="Only papers filed in this Zotero collection or its sub-collections (its name, "
        "any case).",
    )(command)


def check_names(
    library: Library, collection: str | None, tag: str | None, source: str | None = None
) -> None:
    """Raise a usage error naming the known collections (tags, source files) when one given is
    unknown: a typo is said, not answered with "no papers match"."""
    _check(library, "collection", "collections", collection)
    _check(library, "tag", "tags", tag)
    if source is None:
        return
    paths = list(library.source_counts())
    wanted = source.strip().casefold()
    if any(wanted in s.casefold() for s in paths):
        return
    sources = sorted({Path(s).name for s in paths}, key=str.casefold)
    listing = ", ".join(repr(n) for n in sources[:20]) + (" ..." if len(sources) > 20 else "")
    raise click.UsageError(f"--source: no paper comes from a file named like {source!r}; {listing}")


def _check(library: Library, option: str, key: str, name: str | None) -> None:
    if name is None:
        return
    known = library.listed_names(key)
    if name.strip().casefold() in {n.casefold() for n in known}:
        return
    listing = ", ".join(repr(n) for n in known[:20]) + (" ..." if len(known) > 20 else "")
    raise click.UsageError(
        f"--{option}: no paper in the library has the {option} {name!r}; "
        + (f"{key}: {listing}" if known else f"its papers have no {key} (only Zotero gives them)")
    )
