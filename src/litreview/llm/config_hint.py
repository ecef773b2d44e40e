"""How to add a model, said the same way by ``litreview models`` and the TUI's model picker."""

from __future__ import annotations

from pathlib import Path

CONFIG_EXAMPLE = """\
[models.local]                         # an alias: --model local
model = "openai/gemma"                 # any litellm model string
api_base = "http://127.0.0.1:8080/v1"  # an OpenAI-compatible server

[llm]
model = "local"                        # the default model"""


def config_hint(config_path: Path) -> str:
    """Where the config file is (and whether it exists yet) and an example to paste into it."""
    state = "" if config_path.exists() else " (not created yet)"
    return (
        f"Add a model in the config file {config_path}{state}, for example:\n\n"
        f"{CONFIG_EXAMPLE}\n\n"
        "A provider key in the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...) or a "
        "local Ollama needs no config."
    )
