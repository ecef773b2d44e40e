"""Model names to backends, the default model, and what ``litreview models`` shows.

The default is picked in a fixed, explained order: an explicit setting;
else a provider key found in the environment; else a local Ollama that
answers; else the extractive engine, which always works. A model the user
*named* is never swapped for another: if it cannot work, that is an error
that says what to set.
"""

from __future__ import annotations

import difflib
import json
import os
import urllib.request
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from litreview.llm.backend import Backend
from litreview.llm.errors import ModelNotConfigured
from litreview.llm.log import ExchangeLog
from litreview.llm.types import Usage
from litreview.settings import ModelSettings, Settings

EXTRACTIVE = "extractive"


def spent(model: str, usage: Usage) -> str:
    """What an answer or draft cost, for a footer: "5216 prompt + 435 completion tokens ·
    $0.0120". The extractive engine sends nothing to a model; the token counts it keeps (in
    ``--json``) are what a model would have read, not what was spent, so it says so rather
    than show "$0.0000" beside them."""
    if model == EXTRACTIVE:
        return "no model, no tokens"
    return f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens · " + (
        usage.cost_label
    )


# A provider key in the environment makes that provider's small, cheap model the default.
KEY_DEFAULTS: tuple[tuple[str, str], ...] = (
    ("OPENAI_API_KEY", "openai/gpt-4o-mini"),
    ("ANTHROPIC_API_KEY", "anthropic/claude-3-5-haiku-20241022"),
    ("GEMINI_API_KEY", "gemini/gemini-2.0-flash"),
    ("MISTRAL_API_KEY", "mistral/mistral-small-latest"),
    ("GROQ_API_KEY", "groq/llama-3.1-8b-instant"),
)


# The key each hosted provider reads (litellm's own names; any one of them will do). Checked
# here, without importing litellm (~4 s) and before retrieving anything, so a model named
# without its key is an error at once, not after half a minute of loading and searching.
PROVIDER_KEYS: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_API_KEY",),
    "anthropic": ("ANTHROPIC_API_KEY",),
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "mistral": ("MISTRAL_API_KEY",),
    "groq": ("GROQ_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "openrouter": ("OPENROUTER_API_KEY",),
    "xai": ("XAI_API_KEY",),
    "cohere": ("COHERE_API_KEY", "CO_API_KEY"),
}


def missing_key(spec: ModelSettings) -> str | None:
    """The variable a hosted model still needs, or ``None`` (has a key, is local, or unknown).

    Providers not in ``PROVIDER_KEYS`` are left to litellm's own check at the first call.
    """
    if spec.api_key is not None or spec.api_base:
        return None
    provider, slash, _ = spec.model.partition("/")
    variables = PROVIDER_KEYS.get(provider.casefold()) if slash else None
    if not variables or any(os.environ.get(v, "").strip() for v in variables):
        return None
    return " or ".join(variables)


def key_error(name: str, variable: str) -> ModelNotConfigured:
    return ModelNotConfigured(
        f"model {name!r} needs {variable}: set it in the environment, or api_key under "
        "[models.<alias>] in the config file (or pick another model with --model; "
        "'extractive' needs nothing)"
    )


@dataclass(frozen=True)
class Choice:
    """The model that will answer, and why it was chosen (shown to the user)."""

    name: str
    reason: str


@dataclass(frozen=True)
class ModelStatus:
    """One line of ``litreview models``."""

    name: str
    model: str
    kind: str  # "extractive" | "alias" | "hosted" | "ollama"
    available: bool
    detail: str
    default: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "model": self.model,
            "kind": self.kind,
            "available": self.available,
            "detail": self.detail,
            "default": self.default,
        }


def ollama_models(base: str, timeout: float = 0.5) -> list[str] | None:
    """Models of a local Ollama, or ``None`` if it does not answer."""
    try:
        with urllib.request.urlopen(f"{base.rstrip('/')}/api/tags", timeout=timeout) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return [str(m.get("name")) for m in data.get("models", []) if m.get("name")]


def openai_compatible_models(api_base: str, timeout: float = 1.0) -> list[str] | None:
    """Models an OpenAI-compatible server (llama.cpp, LM Studio, vLLM) lists, or ``None``."""
    try:
        with urllib.request.urlopen(f"{api_base.rstrip('/')}/models", timeout=timeout) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return [str(m.get("id")) for m in data.get("data", []) if m.get("id")]


def choose_default(settings: Settings) -> Choice:
    if settings.llm.model:
        return Choice(settings.llm.model, "set in the config file, environment or --model")
    for variable, model in KEY_DEFAULTS:
        if os.environ.get(variable):
            return Choice(model, f"{variable} is set")
    local = ollama_models(settings.llm.ollama_base, timeout=0.3)
    if local:
        return Choice(f"ollama_chat/{local[0]}", f"Ollama answers at {settings.llm.ollama_base}")
    return Choice(EXTRACTIVE, "no model configured, no provider key, no local Ollama")


def spec_for(name: str, settings: Settings) -> tuple[ModelSettings, str]:
    """The litellm spec of an alias or a raw model string, and its display name.

    A bare provider model name ("gpt-4o", "deepseek-chat") is taken as that provider's, as
    litellm itself would, so the user need not know the "openai/" prefix.
    """
    if name in settings.models:
        return settings.models[name], name
    if "/" not in name:
        known = bare_chat_models()
        if name in known:
            return ModelSettings(model=f"{known[name]}/{name}"), name
        aliases = ", ".join(sorted(settings.models)) or "none configured"
        close = difflib.get_close_matches(name, [*settings.models, *known], n=3, cutoff=0.75)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? Else " if close else ""
        raise ModelNotConfigured(
            f"unknown model {name!r}: {hint}use 'extractive', an alias from the config file "
            f"({aliases}), or a litellm model string such as 'openai/gpt-4o-mini' or "
            "'ollama_chat/llama3.2'"
        )
    return ModelSettings(model=name), name


@cache
def bare_chat_models() -> dict[str, str]:
    """Chat models litellm knows by their bare name, each with its provider among
    :data:`PROVIDER_KEYS` ("gpt-4o" -> "openai").

    Read from the model map litellm ships (``model_prices_and_context_window_backup.json``,
    ~50 ms), not by importing litellm (~4 s): a name is resolved, and its key checked,
    before anything slow. Empty when the file is missing or not what it was.
    """
    import importlib.util

    found = importlib.util.find_spec("litellm")
    places = found.submodule_search_locations if found is not None else None
    if not places:
        return {}
    try:
        path = Path(next(iter(places))) / "model_prices_and_context_window_backup.json"
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, StopIteration):
        return {}
    if not isinstance(table, dict):
        return {}
    return {
        model: str(entry["litellm_provider"])
        for model, entry in table.items()
        if "/" not in model
        and isinstance(entry, dict)
        and entry.get("mode") == "chat"
        and entry.get("litellm_provider") in PROVIDER_KEYS
    }


def resolve(name: str | None, settings: Settings) -> Backend:
    """The backend for ``name`` (``None``: the default). Never substitutes another model.

    A hosted model without its key, or a local server that refuses connections, is refused
    here, before litellm is imported.
    """
    chosen = (name or "").strip() or choose_default(settings).name
    if chosen.casefold() == EXTRACTIVE:
        from litreview.llm.extractive import ExtractiveBackend

        return ExtractiveBackend()
    from litreview.llm.litellm_backend import LiteLLMBackend, nothing_answers, refuses_connections

    spec, display = spec_for(chosen, settings)
    variable = missing_key(spec)
    if variable is not None:
        raise key_error(display, variable)
    if refuses_connections(spec):
        raise nothing_answers(display, str(spec.api_base))
    log = ExchangeLog(settings.llm_log_path) if settings.llm.log else None
    return LiteLLMBackend(spec, settings.llm, log=log, display_name=display)


def list_models(settings: Settings) -> list[ModelStatus]:
    """Every backend the user could pick, and whether it can answer right now."""
    default = choose_default(settings).name
    rows = [
        ModelStatus(
            EXTRACTIVE,
            EXTRACTIVE,
            "extractive",
            True,
            "model-free: cited answers built from the abstracts' own sentences",
        )
    ]
    for alias, spec in sorted(settings.models.items()):
        rows.append(ModelStatus(alias, spec.model, "alias", *_status(spec, settings)))
    for variable, model in KEY_DEFAULTS:
        if os.environ.get(variable):
            rows.append(ModelStatus(model, model, "hosted", True, f"{variable} is set"))
    for name in ollama_models(settings.llm.ollama_base) or []:
        full = f"ollama_chat/{name}"
        rows.append(
            ModelStatus(full, full, "ollama", True, f"Ollama at {settings.llm.ollama_base}")
        )
    if default not in {r.name for r in rows}:  # set in the config: say whether it can answer
        rows.append(_default_row(default, settings))
    return [
        ModelStatus(r.name, r.model, r.kind, r.available, r.detail, r.name == default) for r in rows
    ]


def _default_row(name: str, settings: Settings) -> ModelStatus:
    """The configured default when no other row is it ("gpt-4o" without its key, "local"
    with no ``[models.local]``): listed with why it cannot answer, not left out while
    "Default: local" is printed below a table that does not hold it."""
    try:
        spec, _ = spec_for(name, settings)
    except ModelNotConfigured:
        return ModelStatus(
            name, name, "default", False, f"not an alias in the config file ([models.{name}])"
        )
    return ModelStatus(name, spec.model, "default", *_status(spec, settings))


def _status(spec: ModelSettings, settings: Settings) -> tuple[bool, str]:
    """Whether a configured model can answer now, and what says so."""
    if spec.api_base:
        served = openai_compatible_models(spec.api_base)
        if spec.model.startswith(("ollama/", "ollama_chat/")):
            served = ollama_models(spec.api_base)
        available = served is not None
        return available, f"{spec.api_base}: " + ("answers" if available else "does not answer")
    if spec.model.startswith(("ollama/", "ollama_chat/")):
        available = ollama_models(settings.llm.ollama_base) is not None
        return available, f"Ollama at {settings.llm.ollama_base}" + (
            "" if available else ": not running"
        )
    return _hosted_status(spec)


def _hosted_status(spec: ModelSettings) -> tuple[bool, str]:
    if spec.api_key is not None:
        return True, "key in the config file"
    variables = PROVIDER_KEYS.get(spec.model.partition("/")[0].casefold())
    if variables is None:
        return True, "key checked at first use"
    missing = missing_key(spec)
    if missing is not None:
        return False, f"set {missing}"
    present = next(v for v in variables if os.environ.get(v, "").strip())
    return True, f"{present} is set"
