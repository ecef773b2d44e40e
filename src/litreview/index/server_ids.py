"""Paper ids in a shared library: one id per work, whichever member reads it first.

A paper's id comes from its title (:func:`~litreview.reading.normalize.paper_id_for`);
a second, different paper with the same title gets an id from its DOI, arXiv
id or year and first author (:func:`~litreview.reading.dedupe.distinct_id`).
Locally the catalog decides that by looking at the papers it holds, but two
members reading two different papers of the same title at the same moment
cannot see each other's catalogs: both would pick the title id and the last
record written would silently replace the other paper.

So in server mode ids are claimed on the server before a paper enters a
member's catalog. A claim is a record in ``<name>-ids`` under the paper id,
holding the identity it was claimed for (title, year, authors, DOI, arXiv
id). Chroma keeps the first ``add`` of an id and ignores later ones, so a
member adds its claim and reads back who holds the id: its own work (or the
same work another member claimed: :func:`~litreview.reading.dedupe.same_work`,
the rule the catalog uses) means the id is the paper's; a different work
means the next candidate is tried (the distinct id, then numbered variants).
Every member applies the same rule to the same holder, so two members reading
the same paper converge on one id and two different papers never share one.

Libraries shared before claims existed have records without claims: an id
with a record but no claim is claimed first for the record's own paper.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from litreview.errors import LitreviewError
from litreview.reading.dedupe import distinct_id, same_work
from litreview.reading.normalize import (
    distinct_id_for,
    normalize_arxiv,
    normalize_doi,
    paper_id_for,
)
from litreview.reading.paper import Paper

if TYPE_CHECKING:
    from litreview.index.server_collections import ServerCollections

SPARE_IDS = 3  # numbered ids tried after the distinct id (never needed in practice)
ROUNDS = 4 * (SPARE_IDS + 3)  # more rounds than any paper can need: a server not keeping claims


class NoFreeId(LitreviewError):
    """Every id a paper could take is held by a different work (should not happen)."""


def identity(paper: Paper) -> dict[str, str | int]:
    """What a claim records about its work: enough for :func:`same_work` to judge."""
    out: dict[str, str | int] = {"title": paper.title}
    if paper.year:
        out["year"] = paper.year
    if paper.authors:
        out["authors"] = json.dumps(list(paper.authors), ensure_ascii=False)
    if paper.doi:
        out["doi"] = paper.doi
    if paper.arxiv_id:
        out["arxiv"] = paper.arxiv_id
    return out


def holder(paper_id: str, claim: dict[str, Any]) -> Paper:
    """The work a claim was made for, as a paper :func:`same_work` can compare."""
    return Paper(
        paper_id=paper_id,
        title=str(claim.get("title", "")),
        abstract="",
        authors=tuple(json.loads(str(claim["authors"]))) if "authors" in claim else (),
        year=int(claim["year"]) if "year" in claim else None,
        doi=str(claim["doi"]) if "doi" in claim else None,
        arxiv_id=str(claim["arxiv"]) if "arxiv" in claim else None,
    )


def candidates(paper: Paper) -> list[str]:
    """The ids ``paper`` may take, in the order they are tried."""
    distinct = distinct_id(paper)
    spare = [distinct_id_for(f"{distinct}#{n}") for n in range(2, 2 + SPARE_IDS)]
    return list(dict.fromkeys([paper.paper_id, paper_id_for(paper.title), distinct, *spare]))


def claim_ids(server: ServerCollections, papers: list[Paper]) -> list[Paper]:
    """``papers`` with the ids their works hold in the shared library (claimed if new).

    A handful of round trips per call whatever its size: papers already
    claimed cost one read (two with DOIs or arXiv ids); new ones a read, an
    add and a read back.
    """
    papers = [
        replace(p, doi=normalize_doi(p.doi), arxiv_id=normalize_arxiv(p.arxiv_id)) for p in papers
    ]
    resolved: dict[int, str] = _by_identifier(server, papers)
    options = {i: candidates(p) for i, p in enumerate(papers) if i not in resolved}
    for _ in range(ROUNDS):
        if not options:
            return [replace(p, paper_id=resolved[i]) for i, p in enumerate(papers)]
        wanted = {i: ids[0] for i, ids in options.items()}
        held = server.claims_of(wanted.values())
        held.update(_legacy(server, set(wanted.values()) - set(held)))
        mine: dict[str, int] = {}  # ids to claim now: one paper per id per round
        for i, pid in wanted.items():
            if pid not in held and pid not in mine:
                mine[pid] = i
        if mine:
            server.add_claims({pid: identity(papers[i]) for pid, i in mine.items()})
            held.update(server.claims_of(mine))
        for i, pid in wanted.items():
            if pid not in held:
                continue  # another paper of this call claims it this round: judged next round
            if same_work(holder(pid, held[pid]), papers[i]):
                resolved[i] = pid
                del options[i]
                continue
            options[i].pop(0)
            if not options[i]:
                raise NoFreeId(
                    f"{papers[i].title!r}: every id it could take in the shared library on "
                    f"{server.chroma.address} belongs to another paper"
                )
    raise NoFreeId(
        f"the shared library on {server.chroma.address} did not keep the paper ids claimed "
        "for this file; try again, and check that the server is a Chroma server"
    )


def _by_identifier(server: ServerCollections, papers: list[Paper]) -> dict[int, str]:
    """Papers whose DOI or arXiv id a claim already names (under whatever id)."""
    out: dict[int, str] = {}
    for key, value_of in (("doi", _doi), ("arxiv", _arxiv)):
        values = {v for p in papers if (v := value_of(p))}
        if not values:
            continue
        found: dict[str, list[tuple[str, Paper]]] = {}
        for pid, claim in server.claims_where(key, values).items():
            found.setdefault(str(claim[key]), []).append((pid, holder(pid, claim)))
        for i, paper in enumerate(papers):
            value = value_of(paper)
            if i in out or not value:
                continue
            for pid, known in sorted(found.get(value, [])):
                if same_work(known, paper):
                    out[i] = pid
                    break
    return out


def _doi(paper: Paper) -> str | None:
    return paper.doi


def _arxiv(paper: Paper) -> str | None:
    return paper.arxiv_id


def _legacy(server: ServerCollections, unclaimed: set[str]) -> dict[str, dict[str, Any]]:
    """Claims for records written before claims existed (each for its own paper)."""
    if not unclaimed:
        return {}
    recorded = server.existing(unclaimed)
    if not recorded:
        return {}
    for records in server.fetch(recorded):
        server.add_claims({r.paper_id: identity(Paper.from_dict(r.row)) for r in records})
    return server.claims_of(recorded)
