"""Wall time of ``litreview --help`` and of a first ``search`` in a new process.

python -m bench.startup [--home DIR --before-src DIR [--runs 7]]
python -m bench.startup --home DIR --after-home DIR [--runs 7]

With ``--home`` and ``--before-src``, the first search is also timed side by
side on that library (e.g. 1,000 real papers) with this checkout's code and
with the code in ``--before-src`` (a ``src`` folder of an older commit, put
first on PYTHONPATH), alternating run by run: wall time and the child's CPU
time (user + system), medians. On a shared machine the CPU time and the ratio
are the figures to read; ``uptime``'s load is saved with them, and whether
both codes answered the query alike (``--json``, byte for byte).

With ``--after-home`` instead of ``--before-src``, this code runs on both, and
*after* is the first search on that other home: e.g. a library on MiniLM's
int8 graph beside the same library on the shipped one
(``--relabel-int8 FROM`` makes such a copy of a shipped-graph home without
re-embedding it: the same stores, recorded as int8, so only the MiniLM
session the search loads differs; its answers then differ too, as its
queries meet vectors of the other graph: a timing, not a quality, figure).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Result, Row, previous_result, sample_library, save_result


def summary(samples: list[float]) -> dict[str, float]:
    return {"median_s": round(statistics.median(samples), 3), "max_s": round(max(samples), 3)}


def wall(args: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return summary(samples)


TUI_PROBE = """
import time
start = time.perf_counter()
import asyncio
from litreview.settings import load_settings
from litreview.tui.app import LitReviewApp

async def main():
    app = LitReviewApp(load_settings(), model="extractive")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print(time.perf_counter() - start)  # the chat screen is mounted and takes input

asyncio.run(main())
"""


def tui_first_screen(env: dict[str, str], runs: int) -> dict[str, float]:
    """Seconds from a new process to an interactive chat screen (headless)."""
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", TUI_PROBE], env=env, check=True, capture_output=True, text=True
        )
        samples.append(float(out.stdout.strip().splitlines()[-1]))
    return summary(samples)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def side_by_side(
    home: Path, before_src: Path, runs: int, after_home: Path | None = None
) -> dict[str, object]:
    """First ``search`` on ``home`` with this code and with ``before_src``'s, alternating
    (or with this code on ``home`` and on ``after_home``)."""
    litreview = str(Path(sys.executable).parent / "litreview")
    here = Path(__file__).resolve().parents[1] / "src"
    codes = {"before": before_src, "after": here}
    homes = {"before": home, "after": after_home or home}
    samples: dict[str, dict[str, list[float]]] = {k: {"wall": [], "cpu": []} for k in codes}
    load_start = os.getloadavg()[0]
    query = ["search", "graph neural networks for molecules", "-k", "5"]
    for name, src in codes.items():  # untimed: compiles each code's .pyc files, warms the cache
        env = {**os.environ, "LITREVIEW_HOME": str(homes[name]), "PYTHONPATH": str(src)}
        subprocess.run([litreview, *query], env=env, check=True, capture_output=True)
    for _ in range(runs):
        for name, src in codes.items():
            env = {**os.environ, "LITREVIEW_HOME": str(homes[name]), "PYTHONPATH": str(src)}
            cpu, began = _children_cpu(), time.perf_counter()
            subprocess.run([litreview, *query], env=env, check=True, capture_output=True)
            samples[name]["wall"].append(time.perf_counter() - began)
            samples[name]["cpu"].append(_children_cpu() - cpu)
    load_end = os.getloadavg()[0]
    out: dict[str, object] = {
        name: {k: round(statistics.median(v), 3) for k, v in figures.items()}
        for name, figures in samples.items()
    }
    answers = {
        name: subprocess.run(
            [litreview, *query, "--json"],
            env={**os.environ, "LITREVIEW_HOME": str(homes[name]), "PYTHONPATH": str(src)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for name, src in codes.items()
    }
    out.update(
        home=str(home),
        after_home=str(homes["after"]),
        runs=runs,
        load=[round(load_start, 2), round(load_end, 2)],
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        # The same papers, ranks and scores (the --json answer, byte for byte) with both codes.
        same_answer=answers["before"] == answers["after"],
    )
    return out


def relabel_int8(source: Path, target: Path) -> None:
    """A copy of the shipped-graph home ``source`` at ``target``, recorded as a library on
    MiniLM's int8 graph (catalog and token store), its vectors as they were (see the module)."""
    import shutil
    import sqlite3

    from litreview.encoders.minilm import MODEL_ID
    from litreview.encoders.minilm_int8 import INT8_MODEL_ID
    from litreview.index.minilm_choice import META

    if not target.exists():
        shutil.copytree(source, target)
    catalog = sqlite3.connect(target / "catalog.sqlite3")
    catalog.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (META, INT8_MODEL_ID))
    catalog.commit()
    catalog.close()
    tokens = sqlite3.connect(target / "tokens.sqlite3")
    tokens.execute(
        "UPDATE meta SET value = replace(value, ?, ?) WHERE key = 'model' AND value LIKE ?",
        (MODEL_ID + "#", INT8_MODEL_ID + "#", MODEL_ID + "#%"),
    )
    tokens.commit()
    tokens.close()


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, help="a library for the side-by-side first search")
    parser.add_argument("--before-src", type=Path, help="the older code's src folder")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--after-home", type=Path, help="a second library, for this code")
    parser.add_argument(
        "--relabel-int8", type=Path, metavar="FROM", help="copy FROM to --after-home"
    )
    args = parser.parse_args()
    kept: dict[str, object] = {**previous_result("startup")}
    if args.home and args.after_home:
        if args.relabel_int8:
            relabel_int8(args.relabel_int8, args.after_home)
        here = Path(__file__).resolve().parents[1] / "src"
        compared = side_by_side(args.home, here, args.runs, args.after_home)
        kept["first_search_int8"] = compared
        print(compared)
        save_result("startup", kept)
        return kept
    if args.home and args.before_src:
        kept["first_search_vs_before"] = side_by_side(args.home, args.before_src, args.runs)
        print(kept["first_search_vs_before"])
        save_result("startup", kept)
        return kept
    litreview = str(Path(sys.executable).parent / "litreview")
    library = sample_library()
    env = {**os.environ, "LITREVIEW_HOME": str(library.settings.home)}
    library.close()
    result: dict[str, object] = {
        "help": wall([litreview, "--help"], env, runs=10),
        "first_search": wall([litreview, "search", "backdoor defenses", "--json"], env, runs=5),
        "tui_first_screen": tui_first_screen(env, runs=3),
    }
    if "first_search_vs_before" in previous_result("startup"):  # kept until re-run
        result["first_search_vs_before"] = previous_result("startup")["first_search_vs_before"]
    for key, value in result.items():
        print(f"{key:>14}: {value}")
    save_result("startup", result)
    return result


def _same(compared: Result) -> str:
    """Whether both codes gave the same answer (not recorded by runs before it was)."""
    if "same_answer" not in compared:
        return ""
    return "; same hits and scores" if compared["same_answer"] else "; ANSWERS DIFFER"


def rows(result: Result) -> list[Row]:
    out: list[Row] = [
        ("`litreview --help` wall time (median)", f"{result['help']['median_s']} s"),
        (
            "First `litreview search` in a new process (median)",
            f"{result['first_search']['median_s']} s",
        ),
    ]
    compared = result.get("first_search_vs_before")
    if compared:
        before, after = compared["before"], compared["after"]
        out.append(
            (
                "First `litreview search` in a new process, before / after, same library "
                f"({Path(compared['home']).name}), alternating, median of {compared['runs']}: "
                "wall; CPU",
                f"{before['wall']} / {after['wall']} s (x{after['wall'] / before['wall']:.2f}); "
                f"{before['cpu']} / {after['cpu']} s (x{after['cpu'] / before['cpu']:.2f}) "
                f"(load {compared['load'][0]} -> {compared['load'][1]}, {compared['date']})"
                + _same(compared),
            )
        )
    int8 = result.get("first_search_int8")
    if int8:
        before, after = int8["before"], int8["after"]
        out.append(
            (
                "First `litreview search` in a new process, a library on the shipped MiniLM graph "
                "/ the same stores recorded as int8 (its session loaded instead; "
                f"{Path(int8['home']).name}), alternating, median of {int8['runs']}: wall; CPU",
                f"{before['wall']} / {after['wall']} s (x{after['wall'] / before['wall']:.2f}); "
                f"{before['cpu']} / {after['cpu']} s (x{after['cpu'] / before['cpu']:.2f}) "
                f"(load {int8['load'][0]} -> {int8['load'][1]}, {int8['date']})",
            )
        )
    if "tui_first_screen" in result:
        out.append(
            (
                "`litreview chat`: new process to an interactive chat screen (median)",
                f"{result['tui_first_screen']['median_s']} s",
            )
        )
    return out


if __name__ == "__main__":
    main()
