"""How to add a model, said the same way by ``litreview models`` and the TUI's model picker."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

EXAMPLE_ALIAS = "local"


def config_example(alias: str = EXAMPLE_ALIAS) -> str:
    """A model to paste into the config file, under ``alias`` (comments in one column)."""
    rows = [
        (f"[models.{alias}]", f"an alias: --model {alias}"),
        ('model = "openai/gemma"', "any litellm model string"),
        ('api_base = "http://127.0.0.1:8080/v1"', "an OpenAI-compatible server"),
        ("", ""),
        ("[llm]", ""),
        (f'model = "{alias}"', "the default model"),
    ]
    width = max(len(code) for code, _ in rows) + 2
    return "\n".join(f"{code:<{width}}# {note}" if note else code for code, note in rows)


CONFIG_EXAMPLE = config_example()


def config_hint(config_path: Path, taken: Collection[str] = ()) -> str:
    """Where the config file is (and whether it exists yet) and an example to paste into it;
    ``taken``: the aliases the config file has already (a user with ``[models.local]`` was
    told to add ``[models.local]``), so the example's is a free one."""
    state = "" if config_path.exists() else " (not created yet)"
    alias = next(
        a
        for a in (EXAMPLE_ALIAS, *(f"{EXAMPLE_ALIAS}{i}" for i in range(2, 100)))
        if a not in taken
    )
    what = "another model" if taken else "a model"
    return (
        f"Add {what} in the config file {config_path}{state}, for example:\n\n"
        f"{config_example(alias)}\n\n"
        "A provider key in the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...) or a "
        "local Ollama needs no config."
    )
