"""Every exchange with a model, appended to a JSON Lines log (like simonw/llm's log).

What is logged is what was sent and received: messages, text, usage, model
and api_base. Keys never are: they travel in headers and kwargs, which are
not part of a :class:`~litreview.llm.types.Request`.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from litreview.llm.types import Completion, Request
from litreview.secrets import redact


class ExchangeLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(
        self, request: Request, completion: Completion, seconds: float, api_base: str | None
    ) -> None:
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "model": completion.model,
            "api_base": api_base,
            "task": request.task,
            "messages": [m.to_dict() for m in request.messages],
            "response": completion.text,
            "usage": completion.usage.to_dict(),
            "seconds": round(seconds, 3),
        }
        line = redact(json.dumps(record, ensure_ascii=False))
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
