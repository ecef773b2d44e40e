"""Wall time of ``litreview --help`` and of a first ``search`` in a new process.

python -m bench.startup
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Result, Row, sample_library, save_result


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


def main() -> dict[str, object]:
    litreview = str(Path(sys.executable).parent / "litreview")
    library = sample_library()
    env = {**os.environ, "LITREVIEW_HOME": str(library.settings.home)}
    library.close()
    result: dict[str, object] = {
        "help": wall([litreview, "--help"], env, runs=10),
        "first_search": wall([litreview, "search", "backdoor defenses", "--json"], env, runs=5),
        "tui_first_screen": tui_first_screen(env, runs=3),
    }
    for key, value in result.items():
        print(f"{key:>14}: {value}")
    save_result("startup", result)
    return result


def rows(result: Result) -> list[Row]:
    out: list[Row] = [
        ("`litreview --help` wall time (median)", f"{result['help']['median_s']} s"),
        (
            "First `litreview search` in a new process (median)",
            f"{result['first_search']['median_s']} s",
        ),
    ]
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
