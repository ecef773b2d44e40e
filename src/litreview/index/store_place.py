"""Where a library's vectors live, as its home records it, and the refusal to open it elsewhere.

A home's catalog records the vector store it was indexed into (meta
``vector_store``): ``embedded#<collection>``, the store inside the home, named
by role and not by path so that a copied or moved library is the same store;
or ``http://<host>:<port>#<collection>``, a Chroma server, recorded when the
home is first written through one, with the id Chroma gave that collection
(meta ``vector_store_id``; the server keeps it in its data folder).

Why refuse: a server library's home opened without ``--chroma-host`` (flags
forgotten) used to open an empty embedded store next to its catalog and send
every paper back to pending; a search then answered without dense scores and
said the papers were "not fully indexed", and the ingest it advised embedded
the whole library again into the embedded store (and the next run through the
server did it once more). The two kinds of store are never mixed in one home
now: opening a home with the other kind is one line saying which flags to
pass, before any store is opened, so nothing is embedded or written anywhere.

A server at another address (a restart on another port, another host name for
the same machine) is accepted without a flag when it holds the very collection
the home recorded (same id): that is the same data, so nothing can be mixed;
the new address is recorded. A flag saying "this is the same server" would be
a guess that, when wrong, merges two libraries (this member's papers sent to
the other server, its papers pulled here); the id is proof. A server holding
no such collection, or another one, is refused, naming the recorded address.

Homes that recorded nothing (written before stores were recorded), and homes
holding no paper, open with whatever store they are given, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from litreview.errors import LitreviewError
from litreview.settings import ChromaSettings

if TYPE_CHECKING:
    from litreview.settings import Settings

KEY = "vector_store"  # catalog meta: the store's identity (:func:`identity`)
ID_KEY = "vector_store_id"  # catalog meta: a server collection's id


class WrongStore(LitreviewError):
    """The home's vectors are in another kind of store (or on another server) than this run's."""


@dataclass(frozen=True)
class Place:
    """A vector store as a home names it: embedded (``host`` None) or a server's address."""

    host: str | None
    port: int
    collection: str

    @property
    def server(self) -> bool:
        return self.host is not None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def flags(self) -> str:
        return f"--chroma-host {self.host} --chroma-port {self.port}"


def place_of(chroma: ChromaSettings) -> Place:
    """The store this run's settings open."""
    return Place(chroma.host or None, chroma.port if chroma.host else 0, chroma.collection)


def identity(chroma: ChromaSettings) -> str:
    """What a home records for the store ``chroma`` opens (never a path: see the module)."""
    where = f"http://{chroma.host}:{chroma.port}" if chroma.host else "embedded"
    return f"{where}#{chroma.collection}"


def recorded_place(recorded: str | None) -> Place | None:
    """The store a home's record names; ``None`` when it names none (an older home)."""
    if not recorded:
        return None
    where, _, collection = recorded.rpartition("#")
    if where == "embedded" or where.startswith("/"):  # a path: before stores were named by role
        return Place(None, 0, collection)
    scheme, _, address = where.partition("://")
    host, _, port = address.rpartition(":")
    if scheme not in ("http", "https") or not host or not port.isdigit():
        return None
    return Place(host, int(port), collection)


def check_kind(
    recorded: str | None, papers: Callable[[], int], chroma: ChromaSettings, home: Path
) -> None:
    """Refuse a run whose store is of the other kind than the recorded one (no connection).

    ``papers``: how many the catalog holds (asked only on a mismatch); a home
    with none takes whichever store it is opened with, as there is nothing to
    embed again.
    """
    place = recorded_place(recorded)
    if place is None or place.server == bool(chroma.host) or papers() == 0:
        return
    if place.server:
        raise WrongStore(_on_server(place, chroma), path=home)
    raise WrongStore(
        "this library's index is embedded in this folder, not on a Chroma server: drop "
        "--chroma-host/--chroma-port (and [chroma] host in the config file, or "
        f"LITREVIEW_CHROMA__HOST), or give the library on the server at {chroma.host}:"
        f"{chroma.port} its own --home",
        path=home,
    )


def moved(recorded: str | None, chroma: ChromaSettings) -> Place | None:
    """The recorded server when this run names another one (address or collection): the
    collection there must prove to be the recorded one (:func:`check_moved`)."""
    place = recorded_place(recorded)
    if place is None or not place.server or not chroma.host or place == place_of(chroma):
        return None
    return place


def check_moved(
    place: Place, recorded_id: str | None, found_id: str | None, chroma: ChromaSettings, home: Path
) -> None:
    """Refuse the server this run names unless it holds the collection the home recorded.

    ``found_id``: the id of the collection named ``chroma.collection`` there
    (``None``: it has none, and none was made).
    """
    if recorded_id and found_id == recorded_id:
        return
    here = f"{chroma.host}:{chroma.port}"
    if found_id is None:
        why = f"the server at {here} has no collection {chroma.collection!r}"
    elif not recorded_id:
        why = (
            f"this home recorded no collection id to recognise it at {here} by (it records "
            f"one at its next open through {place.address})"
        )
    else:
        why = f"the {chroma.collection!r} collection at {here} is another library's"
    raise WrongStore(f"{_on_server(place, chroma)}; {why}", path=home)


def _on_server(place: Place, chroma: ChromaSettings) -> str:
    collection = (
        f" and [chroma] collection = {place.collection!r}"
        if place.collection != chroma.collection
        else ""
    )
    return (
        f"this library's index is on the Chroma server at {place.address}: pass {place.flags} "
        f"(or set [chroma] host/port{collection} in the config file)"
    )


def moved_notice(place: Place, chroma: ChromaSettings) -> str:
    return (
        f"this library's index, recorded on the Chroma server at {place.address}, is the "
        f"collection the server at {chroma.host}:{chroma.port} holds (the same id): nothing is "
        "embedded again; the new address is recorded"
    )


def check_home(settings: Settings) -> None:
    """Before a command opens its library: refuse the other kind of store at once (a face
    that opens the library later, the terminal UI, says so before its screen appears).
    Anything else wrong with the catalog is left for opening the library to say."""
    import sqlite3

    from litreview.index.catalog import Catalog

    if not settings.catalog_path.exists():
        return
    try:
        catalog = Catalog(settings.catalog_path)
    except (LitreviewError, sqlite3.Error, OSError):
        return
    try:
        check_kind(catalog.get_meta(KEY), catalog.count, settings.chroma, settings.home)
    except sqlite3.Error:
        return
    finally:
        catalog.close()
