"""Hosted and local models through litellm: the only module that imports it.

litellm takes ~4 s to import and, by default, fetches its model cost map
from the internet at import; both are avoided until a model is really
called, and the cost map is the copy shipped inside the package.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

from litreview.errors import Stopped
from litreview.llm.backend import Delta, Done, StreamEvent
from litreview.llm.errors import (
    LLMError,
    ModelNotConfigured,
    ModelRequestRejected,
    ModelUnavailable,
)
from litreview.llm.log import ExchangeLog
from litreview.llm.retry import is_retryable, log_retry, make_wait, status_of
from litreview.llm.types import Completion, Request, Usage
from litreview.secrets import redact
from litreview.settings import LLMSettings, ModelSettings

_import_lock = threading.Lock()
LOCAL_PREFIXES = ("ollama/", "ollama_chat/", "llamafile/", "lm_studio/", "hosted_vllm/")


def load_litellm() -> Any:
    """Import litellm once, offline, quietly."""
    with _import_lock:
        os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
        os.environ.setdefault("LITELLM_LOG", "ERROR")
        import litellm

        litellm.telemetry = False
        litellm.suppress_debug_info = True
        litellm.drop_params = True  # a setting a provider lacks is dropped, not an error
        return litellm


def is_local(spec: ModelSettings) -> bool:
    """Local servers cost nothing: Ollama & co, or any api_base on this machine."""
    if spec.model.startswith(LOCAL_PREFIXES):
        return True
    if spec.api_base:
        host = urlparse(spec.api_base).hostname or ""
        return host in ("localhost", "::1") or host.startswith("127.")
    return False


def nothing_answers(name: str, where: str) -> ModelUnavailable:
    return ModelUnavailable(
        f"{name}: nothing answers at {where} (connection refused); start the server or pick "
        "another model with --model"
    )


def refuses_connections(spec: ModelSettings, timeout: float = 0.5) -> bool:
    """Does the local server at ``spec.api_base`` refuse a connection right now?

    Asked before the library is opened and litellm imported (~12 s of CPU on 2 cores), so a
    local server that is not running is said at once. Only a refusal counts: a server that
    is slow to accept, or any other failure, is left to the request and its retries.
    """
    if not spec.api_base or not is_local(spec):
        return False
    import socket

    url = urlparse(spec.api_base)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "localhost", port), timeout=timeout):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False


class LiteLLMBackend:
    """One litellm model, with retries, usage and cost, streaming sync or async."""

    def __init__(
        self,
        spec: ModelSettings,
        settings: LLMSettings,
        log: ExchangeLog | None = None,
        display_name: str | None = None,
    ) -> None:
        self.spec = spec
        self.settings = settings
        self.log = log
        self._name = display_name or spec.model

    @property
    def name(self) -> str:
        return self._name

    @property
    def context_window(self) -> int | None:
        """The model's window from the config (``context_window``), if the user set one."""
        return self.spec.context_window

    @property
    def max_output_tokens(self) -> int | None:
        return self.spec.max_tokens

    @property
    def quotes_sources(self) -> bool:
        return False

    # -- request building ----------------------------------------------------
    def _kwargs(self, request: Request) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self.spec.model,
            "messages": [m.to_dict() for m in request.messages],
            "stream": True,
            "stream_options": {"include_usage": True},
            "timeout": self.settings.timeout,
            "num_retries": 0,  # tenacity retries, here, with Retry-After
            "max_retries": 0,  # and not the provider SDK behind our back
        }
        if self.spec.api_base:
            kwargs["api_base"] = self.spec.api_base
        if self.spec.api_key is not None:
            kwargs["api_key"] = self.spec.api_key.get_secret_value()
        elif self.spec.api_base and is_local(self.spec) and self.spec.model.startswith("openai/"):
            kwargs["api_key"] = "sk-no-key-required"  # local OpenAI-compatible servers ignore it
        if self.spec.temperature is not None:
            kwargs["temperature"] = self.spec.temperature
        if self.spec.max_tokens is not None:
            kwargs["max_tokens"] = self.spec.max_tokens
        return kwargs

    def check_configured(self) -> None:
        """A hosted model without its key is a clear error before any request."""
        if self.spec.api_key is not None or self.spec.api_base or is_local(self.spec):
            return
        from litreview.llm.registry import PROVIDER_KEYS, key_error, missing_key

        variable = missing_key(self.spec)
        if variable is not None:
            raise key_error(self.name, variable)
        if self.spec.model.partition("/")[0].casefold() in PROVIDER_KEYS:
            return  # its key is set: no need to import litellm to ask again
        litellm = load_litellm()
        try:
            env = litellm.validate_environment(model=self.spec.model)
        except Exception:  # unknown provider: let the call itself report it
            return
        missing = env.get("missing_keys") or []
        if missing and not env.get("keys_in_environment", False):
            raise ModelNotConfigured(
                f"model {self.name!r} needs {', '.join(missing)}: set it in the environment, or "
                f"api_key under [models.<alias>] in the config file (or pick another model with "
                f"--model; 'extractive' needs nothing)"
            )

    # -- errors --------------------------------------------------------------
    def _translate(self, exc: BaseException, attempts: int = 1) -> LLMError:
        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, EmptyReply):
            return ModelUnavailable(
                f"{self.name}: the model returned an empty answer "
                f"{'each time' if attempts > 1 else ''} ({attempts} attempt"
                f"{'s' if attempts > 1 else ''}); try again or pick another model with --model"
            )
        kind = type(exc).__name__
        detail = redact(str(exc).split("\n")[0][:300])  # providers echo keys in errors
        status = status_of(exc)
        if kind in ("AuthenticationError", "PermissionDeniedError") or status in (401, 403):
            return ModelRequestRejected(
                f"{self.name}: the provider refused the key ({detail}); check the API key "
                "in the environment or the config file"
            )
        if kind == "NotFoundError" or status == 404:
            return ModelRequestRejected(
                f"{self.name}: model not found ({detail}); check the model name and api_base"
            )
        if is_local(self.spec) and _refused(exc):
            return nothing_answers(self.name, self.spec.api_base or "the local server")
        if is_retryable(exc):
            where = f" at {self.spec.api_base}" if self.spec.api_base else ""
            tries = f"after {attempts} attempts" if attempts > 1 else "(not retried)"
            return ModelUnavailable(f"{self.name}{where} is unavailable {tries} ({kind}: {detail})")
        return ModelRequestRejected(f"{self.name}: request rejected ({kind}: {detail})")

    def _should_retry(self, exc: BaseException) -> bool:
        """Retry what may pass; a local server that refuses connections is simply not running."""
        if isinstance(exc, (Stopped, AnswerBrokeOff)):
            return False
        if isinstance(exc, EmptyReply | RequestDeadline):
            return True
        if is_local(self.spec) and _refused(exc):
            return False
        return is_retryable(exc)

    def _retry_policy(self) -> dict[str, Any]:
        """The one retry policy, for tenacity's ``Retrying`` and ``AsyncRetrying`` alike."""
        from tenacity import retry_if_exception, stop_after_attempt

        return {
            "stop": stop_after_attempt(self.settings.max_retries + 1),
            "wait": make_wait(self.settings.retry_max_wait),
            "retry": retry_if_exception(self._should_retry),
            "before_sleep": log_retry,
            "reraise": True,
        }

    # -- usage ---------------------------------------------------------------
    def _usage(self, reported: Any, request: Request, text: str) -> Usage:
        litellm = load_litellm()
        prompt = getattr(reported, "prompt_tokens", None) if reported else None
        completion = getattr(reported, "completion_tokens", None) if reported else None
        if prompt is None:
            try:
                prompt = litellm.token_counter(
                    model=self.spec.model, messages=[m.to_dict() for m in request.messages]
                )
            except Exception:
                prompt = 0
        if completion is None:
            try:
                completion = litellm.token_counter(model=self.spec.model, text=text)
            except Exception:
                completion = 0
        return Usage(int(prompt), int(completion), self._cost(int(prompt), int(completion)))

    def _cost(self, prompt: int, completion: int) -> float | None:
        if is_local(self.spec):
            return 0.0
        try:
            prompt_cost, completion_cost = load_litellm().cost_per_token(
                model=self.spec.model, prompt_tokens=prompt, completion_tokens=completion
            )
        except Exception:  # a model missing from the cost map: unknown, not free
            return None
        return float(prompt_cost + completion_cost)

    # -- streaming -----------------------------------------------------------
    def stream(
        self, request: Request, stop: threading.Event | None = None
    ) -> Iterator[StreamEvent]:
        """Stream one answer; retried as a whole while nothing has been shown yet.

        ``llm.timeout`` bounds each attempt from request to last chunk, not
        each read: a server that drips a chunk every few seconds would
        otherwise hold a request for minutes. An empty reply is a failure
        (retried, then reported), never an answer. Once text has reached the
        caller a failure is not retried (the caller would see it twice) and is
        reported as what it is: an answer that broke off.
        """
        from tenacity import Retrying

        self.check_configured()
        litellm = load_litellm()
        kwargs = self._kwargs(request)
        started = time.monotonic()
        parts: list[str] = []
        reported: Any = None
        attempts = 0
        try:
            for attempt in Retrying(**self._retry_policy()):
                with attempt:
                    attempts += 1
                    parts, reported = [], None
                    deadline = time.monotonic() + self.settings.timeout
                    response = litellm.completion(**kwargs)
                    try:
                        for chunk in response:
                            if stop is not None and stop.is_set():
                                raise Stopped("stopped")
                            if time.monotonic() > deadline:
                                raise RequestDeadline(self.settings.timeout)
                            delta, reported = _read_chunk(chunk, reported)
                            if delta:
                                parts.append(delta)
                                yield Delta(delta)
                    except BaseException as exc:
                        _close(response)
                        if parts and not isinstance(exc, Stopped | GeneratorExit):
                            raise AnswerBrokeOff(sum(map(len, parts)), exc) from exc
                        raise
                    if not "".join(parts).strip():
                        raise EmptyReply()
        except (Stopped, GeneratorExit):
            raise
        except AnswerBrokeOff as exc:
            if isinstance(exc.cause, RequestDeadline):
                raise ModelUnavailable(
                    f"{self.name}: no complete answer within {exc.cause.seconds:g} s (it broke "
                    f"off after {exc.shown} characters); raise llm.timeout for a slow model"
                ) from exc
            raise ModelUnavailable(
                f"{self.name}: the answer broke off after {exc.shown} characters "
                f"({type(exc.cause).__name__}: {redact(_first_line(exc.cause))}); "
                "the partial answer was not kept, ask again"
            ) from exc
        except RequestDeadline as exc:
            raise ModelUnavailable(
                f"{self.name}: no complete answer within {exc.seconds:g} s "
                f"({attempts} attempt{'s' if attempts > 1 else ''}); raise llm.timeout for a "
                "slow model"
            ) from exc
        except Exception as exc:
            raise self._translate(exc, attempts) from exc
        yield Done(self._finish(request, parts, reported, started))

    def _finish(
        self, request: Request, parts: list[str], reported: Any, started: float
    ) -> Completion:
        """The whole text with its usage and cost, logged: the end of every stream."""
        text = "".join(parts)
        completion = Completion(text, self._usage(reported, request, text), self.name)
        if self.log is not None:
            seconds = time.monotonic() - started
            self.log.write(request, completion, seconds, api_base=self.spec.api_base)
        return completion


class EmptyReply(Exception):
    """The model answered with nothing (or only whitespace): worth another try."""


class RequestDeadline(Exception):
    """An attempt ran past ``llm.timeout`` in total (however fast each chunk came)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no complete answer within {seconds:g} s")
        self.seconds = seconds


class AnswerBrokeOff(Exception):
    """The stream failed after text was shown: not retried, since the caller already has it."""

    def __init__(self, shown: int, cause: BaseException) -> None:
        super().__init__(f"broke off after {shown} characters: {cause}")
        self.shown = shown
        self.cause = cause


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else ""


def _read_chunk(chunk: Any, reported: Any) -> tuple[str | None, Any]:
    """A stream chunk's text delta, and the usage record if this chunk carries it."""
    usage = getattr(chunk, "usage", None) or reported
    choices = getattr(chunk, "choices", None) or []
    delta = choices[0].delta.content if choices and choices[0].delta else None
    return delta, usage


def _refused(exc: BaseException) -> bool:
    """A connection that could not be opened (litellm wraps it, so walk the cause chain)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        text = f"{type(seen).__name__} {seen}".lower()
        if "connection refused" in text or "connecterror" in text or "errno 111" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _close(response: Any) -> None:
    """Stop reading a cancelled stream so the connection is released."""
    for target in (response, getattr(response, "completion_stream", None)):
        closer = getattr(target, "close", None)
        if callable(closer):
            with contextlib.suppress(Exception):
                closer()
            return
