"""Errors a model call can end in, each with a message that says what to do."""

from __future__ import annotations

from litreview.errors import LitreviewError


class LLMError(LitreviewError):
    """Base class: the message is meant for the user, as is."""


class ModelNotConfigured(LLMError):
    """A named model lacks what it needs (a key, an api_base)."""


class ModelUnavailable(LLMError):
    """The model's server could not be reached or kept failing after retries."""


class ModelRequestRejected(LLMError):
    """The provider refused the request (auth, bad request): retrying would not help."""
