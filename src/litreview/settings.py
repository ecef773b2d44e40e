"""The one settings object.

Precedence is flag > environment > config file > default, because a flag is
what the user typed for this one run, the environment is what a script or
test set for its session, and the file is what the user chose once.

Locations follow the platform (XDG on Linux) through platformdirs.
``LITREVIEW_HOME`` moves *everything* (data and, unless ``LITREVIEW_CONFIG``
says otherwise, the config file) so that a test or a script can isolate a
whole library in one directory; only the cache of extracted model files,
which no library owns, stays put (``LITREVIEW_MODEL_CACHE`` moves it).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from litreview import secrets
from litreview.errors import LitreviewError

APP_NAME = "litreview"


class ConfigError(LitreviewError):
    """The config file cannot be used; the message names the file and what is wrong."""


def describe(error: Exception) -> str:
    """A pydantic validation error as lines a person can act on: ``retrieval.k: ...``."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return str(error)
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = "unknown setting (a typo?)" if item["type"] == "extra_forbidden" else item["msg"]
        got = item.get("input")
        secret = any(str(part).lower() in _SECRET_FIELDS for part in item["loc"])
        hidden = item["type"] == "extra_forbidden" or isinstance(got, dict) or secret
        shown = "" if hidden else f" (got {got!r})"
        lines.append(f"  {where}: {message}{shown}")
    return secrets.redact("\n".join(lines))


_SECRET_FIELDS = {"api_key", "token", "headers"}


def default_home() -> Path:
    """Where the library lives unless ``LITREVIEW_HOME`` says otherwise."""
    env = os.environ.get("LITREVIEW_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def default_model_cache() -> Path:
    """Extracted model files (``LITREVIEW_MODEL_CACHE``): shared by every library, as they
    never change, so ``LITREVIEW_HOME`` does not move them (a test's fresh home would
    otherwise unpack 440 MB again)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME)) / "models"


def default_config_path() -> Path:
    """The config file: explicit, else inside an isolated home, else the user's config dir."""
    explicit = os.environ.get("LITREVIEW_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("LITREVIEW_HOME"):
        return default_home() / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


class Section(BaseModel):
    """A config-file section: an unknown key is a typo to report, not to ignore."""

    model_config = ConfigDict(extra="forbid")


class ChromaSettings(Section):
    """Embedded by default; a server once ``host`` is set (``chroma run``)."""

    host: str | None = None
    port: int = Field(default=8000, ge=1, le=65535)
    ssl: bool = Field(default=False, description="https: a server behind a TLS reverse proxy")
    ssl_verify: bool | str = Field(
        default=True, description="check the server's certificate (or a CA bundle's path)"
    )
    token: SecretStr | None = Field(
        default=None, description="sent as 'Authorization: Bearer ...' (a reverse proxy checks it)"
    )
    headers: dict[str, SecretStr] = Field(
        default_factory=dict, description="extra request headers for the proxy; values are secret"
    )
    timeout: float = Field(
        default=30.0, gt=0, description="seconds one request to the server may take"
    )
    retries: int = Field(
        default=8,
        ge=0,
        description="times a request is sent again after a failure that may pass (the server "
        "restarting, a dropped connection, a timeout, HTTP 429/502/503/504)",
    )
    retry_seconds: float = Field(
        default=60.0, ge=0, description="most seconds to keep retrying one request"
    )
    collection: str = "papers"

    @model_validator(mode="after")
    def _remember_secrets(self) -> ChromaSettings:
        """The token and header values are masked in every message and file from now on."""
        secrets.register(self.token.get_secret_value() if self.token else None)
        for value in self.headers.values():
            secrets.register(value.get_secret_value())
        return self

    def request_headers(self) -> dict[str, str]:
        """What every request to the server carries (the only place secrets are unwrapped)."""
        headers = {name: value.get_secret_value() for name, value in self.headers.items()}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token.get_secret_value()}"
        return headers

    @property
    def address(self) -> str:
        """The server as a user names it (no secrets): ``https://host:port``."""
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}"


class IngestSettings(Section):
    """How documents become index entries."""

    batch_size: int = Field(default=32, ge=1, description="papers embedded and stored per step")
    commit_seconds: float = Field(
        default=10.0, gt=0, description="a batch shrinks so that one commit takes about this long"
    )
    max_chunks: int = Field(
        default=128, ge=1, description="chunks indexed per paper (~32k tokens); the rest is cut"
    )
    chunk_tokens: int = Field(default=256, ge=32, description="model's window; longer text splits")
    chunk_overlap: int = Field(default=48, ge=0)
    embed_body_chunks: int = Field(
        default=24,
        ge=0,
        description="full-text chunks per paper MiniLM and late interaction embed (the first "
        "ones); BM25 searches the whole body",
    )
    rerank_body_chunks: int = Field(
        default=0,
        ge=0,
        description="full-text chunks per paper the re-ranking model (MPNet) embeds besides the "
        "abstract (the first ones)",
    )
    # The MiniLM graph a NEW library embeds with (papers and queries): "int8" runs the weights
    # as int8 MatMuls (encoders/minilm_int8.py, ~1.5x faster forward passes, bench/minilm_gate.py
    # for its retrieval figures), "shipped" the package's file as it is (fp32 compute). A library
    # records its graph at its first ingest and keeps it: vectors of two graphs are not compared.
    minilm: str = Field(
        default="int8",
        pattern="^(int8|shipped)$",
        description="MiniLM graph of a new library: int8 (faster, the default) or shipped; "
        "a library keeps the one it was made with",
    )


class RetrievalSettings(Section):
    """Defaults for search; the CLI can override each per call."""

    k: int = Field(default=8, ge=1, le=500, description="results per query (at most 500)")
    mode: str = Field(default="hybrid", pattern="^(hybrid|dense|lexical)$")
    candidates: int = Field(
        default=50, ge=5, le=5000, description="per-retriever pool before fusion"
    )
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=1.0, ge=0)
    lexical_weight: float = Field(default=1.0, ge=0)
    mmr: bool = False
    mmr_lambda: float = Field(default=0.7, ge=0, le=1)
    rerank: bool = Field(
        default=True, description="re-order hybrid candidates by token-level MaxSim"
    )
    # Final score = MaxSim + rerank_dense x MiniLM cosine (+ the MPNet term below). By 2-fold CV
    # (bench/rerank_cv.py) the halves of the hard set chose (dense, MPNet) = (0.5, 0.75) and
    # (0.125, 0.5): held-out MRR@10 0.955 and 0.929. Adding BM25 to the final score only hurt
    # (session-2 experiments); it keeps its part in choosing candidates.
    rerank_dense: float = Field(default=0.25, ge=0)
    rerank_model: str = Field(
        default="all-mpnet-base-v2",
        pattern="^(all-mpnet-base-v2|none)$",
        description="second model whose cosine joins the re-ranking score; 'none' = MiniLM only",
    )
    # Final score += rerank_model_weight x MPNet cosine. bench/rerank_cv.py: any weight 0.25-1.0
    # (dense <= 0.25) gives MRR@10 0.940-0.958 on the hard set; without it 0.923-0.934.
    rerank_model_weight: float = Field(default=0.5, ge=0)
    # int8 (attention and FFN output projection left fp32): cosine ~0.995 to fp32, the same
    # hard-set retrieval, ~1.6x the speed (bench/mpnet_int8.py). Each precision has its own
    # stored vectors: switching re-embeds the MPNet stage at the next ingest.
    rerank_model_precision: str = Field(
        default="int8",
        pattern="^(int8|fp32)$",
        description="MPNet weights: int8 (faster, the default) or fp32 (the reference)",
    )


class ModelSettings(Section):
    """One model alias of the config file (``[models.NAME]``).

    ``model`` is any litellm model string (``openai/gpt-4o-mini``,
    ``anthropic/...``, ``ollama_chat/llama3.2``, ``openai/<name>`` with an
    ``api_base`` for llama.cpp, LM Studio or vLLM servers).
    """

    model: str
    api_base: str | None = None
    api_key: SecretStr | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    context_window: int | None = Field(default=None, ge=256)

    @model_validator(mode="after")
    def _remember_key(self) -> ModelSettings:
        """A configured key is masked in every message and file from now on."""
        secrets.register(self.api_key.get_secret_value() if self.api_key else None)
        return self


class LLMSettings(Section):
    """Which model answers, and how patiently."""

    model: str | None = Field(
        default=None, description="alias, litellm model string, or 'extractive'; unset = auto"
    )
    timeout: float = Field(default=120.0, gt=0, description="seconds per request")
    max_retries: int = Field(default=4, ge=0, description="on rate limits, timeouts and 5xx")
    retry_max_wait: float = Field(default=60.0, gt=0, description="cap on one back-off (s)")
    ollama_base: str = "http://127.0.0.1:11434"
    log: bool = Field(default=True, description="log every exchange to <home>/logs/llm.jsonl")


class Settings(BaseSettings):
    """Everything the user can set, in one place."""

    model_config = SettingsConfigDict(
        env_prefix="LITREVIEW_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    home: Path = Field(default_factory=default_home)
    model_cache: Path = Field(default_factory=default_model_cache)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    models: dict[str, ModelSettings] = Field(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = default_config_path()
        if os.environ.get("LITREVIEW_CONFIG") and not path.exists():
            raise ConfigError(f"{path}: config file not found (LITREVIEW_CONFIG names it)")
        _check_encoding(path)
        try:
            toml = TomlConfigSettingsSource(settings_cls, toml_file=path)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"not valid TOML: {exc}", path=path) from exc
        except OSError as exc:
            raise ConfigError(f"cannot read the config file: {exc.strerror}", path=path) from exc
        return (init_settings, env_settings, toml)

    # Derived locations: one function each so no module invents its own path.
    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.sqlite3"

    def folder_to_make(self) -> Path | None:
        """The outermost folder opening the library would make (``--home a/b/c`` where only
        ``a`` exists: ``a/b``), or None when the home exists or the library is on a server.
        What ingests nothing removes it again: a mistyped home is then still said to be no
        library, not an empty one."""
        if self.chroma.host or self.home.exists():
            return None
        path = self.home.absolute()
        while not path.parent.exists() and path.parent != path:
            path = path.parent
        return path

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def lexical_path(self) -> Path:
        return self.home / "bm25"

    @property
    def tokens_path(self) -> Path:
        return self.home / "tokens.sqlite3"

    @property
    def reranker_path(self) -> Path:
        return self.home / "reranker.sqlite3"

    @property
    def server_sync_path(self) -> Path:
        """Which of a shared server's changes this member's caches hold (server mode only)."""
        return self.home / "server_sync.sqlite3"

    @property
    def sessions_path(self) -> Path:
        return self.home / "sessions"

    @property
    def llm_log_path(self) -> Path:
        return self.home / "logs" / "llm.jsonl"


def _check_encoding(path: Path) -> None:
    """TOML is UTF-8; a file saved as UTF-16 (Windows editors do) gets a message that says so."""
    try:
        head = path.read_bytes()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ConfigError(f"cannot read the config file: {exc.strerror}", path=path) from exc
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:200]:
        raise ConfigError("the config file is UTF-16; re-save it as UTF-8", path=path)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"the config file is not UTF-8 (byte {exc.start}); re-save it as UTF-8", path=path
        ) from exc


def load_settings(**overrides: Any) -> Settings:
    """Build settings; ``overrides`` are CLI flags (``None`` means "not given").

    Nested overrides use dotted keys, e.g. ``{"chroma.host": "127.0.0.1"}``.
    """
    nested: dict[str, Any] = {}
    for key, value in overrides.items():
        if value is None:
            continue
        section, _, name = key.partition(".")
        if name:
            nested.setdefault(section, {})[name] = value
        else:
            nested[section] = value
    base = Settings()
    if not nested:
        return base
    merged = base.model_dump()
    for key, value in nested.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    return Settings(**merged)
