"""When to retry a model call and how long to wait: tenacity, honouring Retry-After.

Rate limits, timeouts, dropped connections and 5xx are worth retrying;
401/403/400/404 are not (the same request would fail the same way), so
those surface at once with what to fix.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from typing import Any

from tenacity import RetryCallState

log = logging.getLogger("litreview.llm")

RETRYABLE_NAMES = {
    "RateLimitError",
    "Timeout",
    "APIConnectionError",
    "InternalServerError",
    "ServiceUnavailableError",
    "BadGatewayError",
}
NOT_RETRYABLE_NAMES = {
    "AuthenticationError",
    "PermissionDeniedError",
    "BadRequestError",
    "NotFoundError",
    "ContextWindowExceededError",
    "ContentPolicyViolationError",
    "UnprocessableEntityError",
    "UnsupportedParamsError",
}


def status_of(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


def is_retryable(exc: BaseException) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & NOT_RETRYABLE_NAMES:
        return False
    if names & RETRYABLE_NAMES:
        return True
    status = status_of(exc)
    return status is not None and (status == 429 or status >= 500)


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (``Retry-After``: seconds or an HTTP date)."""
    headers: Any = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
    if not headers:
        return None
    try:
        value = headers.get("retry-after") or headers.get("Retry-After")
    except AttributeError:
        return None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(str(value))
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def make_wait(max_wait: float, base: float = 1.0) -> Callable[[RetryCallState], float]:
    """Retry-After when the server gives one, else exponential back-off; capped at ``max_wait``."""

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after(exc) if exc else None
        if asked is not None:
            return min(asked, max_wait)
        return float(min(base * 2 ** (state.attempt_number - 1), max_wait))

    return wait


def log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    sleep = state.next_action.sleep if state.next_action else 0
    log.warning(
        "model call failed (%s); retry %d in %.1fs", type(exc).__name__, state.attempt_number, sleep
    )
