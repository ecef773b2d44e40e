"""The stages depend one way: a module imports only its own stage or the stages below it.

Stages, lowest first: the shared base (settings, errors, secrets), reading
papers, encoders, evidence, index, llm, review, and the faces (cli, tui).
Imports inside functions count too (lazy imports are still dependencies).
"""

from __future__ import annotations

import ast
from pathlib import Path

import litreview

ROOT = Path(litreview.__file__).parent
LAYERS = [
    {"settings", "errors", "secrets", "__init__"},
    {"reading"},
    {"encoders"},
    {"evidence"},
    {"index"},
    {"llm"},
    {"review"},
    {"cli", "tui", "__main__"},
]


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def level(name: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if name in names)


def imports() -> list[tuple[str, str]]:
    edges = []
    for path in ROOT.rglob("*.py"):
        module = "litreview." + ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            edges += [(module, t) for t in targets if t.startswith("litreview.")]
    return edges


def test_every_stage_is_known() -> None:
    stages = {stage(m) for edge in imports() for m in edge}
    known = set().union(*LAYERS)
    assert stages <= known, stages - known


def test_no_import_runs_up_the_stages() -> None:
    upward = [
        f"{src} -> {dst}"
        for src, dst in imports()
        if level(stage(dst)) > level(stage(src))
        and not {stage(src), stage(dst)} <= {"cli", "tui", "__main__"}
    ]
    assert upward == []


def test_faces_do_not_import_each_other_except_chat_opening_the_tui() -> None:
    crossing = [
        f"{src} -> {dst}"
        for src, dst in imports()
        if {stage(src), stage(dst)} == {"cli", "tui"} and src != "litreview.cli.chat"
    ]
    assert crossing == []
