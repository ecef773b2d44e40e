"""Keys never leave the process in text we write: messages, logs, batch results, exports.

Providers echo keys back in error bodies ("Incorrect API key provided:
sk-..."), and a config typo can put one in a validation message, so every
text that leaves for a terminal or a file passes through :func:`redact`. It
masks the values it knows (keys from the config file and the environment)
and anything shaped like a key, because a key we were never told about
(one a proxy injected, say) is still a key.
"""

from __future__ import annotations

import os
import re
import threading

MASK = "[redacted]"

_SHAPES = (
    re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"),  # OpenAI, Anthropic (sk-ant-...), many proxies
    re.compile(r"\bAIza[0-9A-Za-z_-]{30,}"),  # Google
    re.compile(r"\bgsk_[A-Za-z0-9]{20,}"),  # Groq
    re.compile(r"\b(?:ghp|gho|github_pat)_[A-Za-z0-9_]{20,}"),
    re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(
        r"""(?ix)
        ((?:api[_-]?key|x-api-key|access[_-]?token|auth[_-]?token|token|authorization|secret)
         ['"]?\s*[:=]\s*['"]?)
        (?!\[redacted\])[^\s'",}]{6,}
        """
    ),
)
_ENV_SUFFIXES = ("_API_KEY", "_KEY", "_TOKEN", "_SECRET")

_known: set[str] = set()
_lock = threading.Lock()


def register(secret: str | None) -> None:
    """Remember a secret (an ``api_key`` from the config file) so it is masked wherever it shows."""
    if secret and len(secret) >= 6:
        with _lock:
            _known.add(secret)


def _environment_secrets() -> set[str]:
    return {
        value
        for name, value in os.environ.items()
        if name.upper().endswith(_ENV_SUFFIXES) and len(value) >= 6
    }


def redact(text: str) -> str:
    """``text`` with every known or key-shaped secret replaced by ``[redacted]``."""
    if not text:
        return text
    with _lock:
        known = _known | _environment_secrets()
    for secret in sorted(known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    for shape in _SHAPES:
        if shape.groups:
            text = shape.sub(lambda m: m.group(1) + MASK, text)
        else:
            text = shape.sub(MASK, text)
    return text
