"""A scripted OpenAI-compatible server on 127.0.0.1 for retry, timeout and stream tests.

Real HTTP over a real socket: litellm and the OpenAI SDK go through their
whole stack. Each request pops the next scripted reply.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    status: int = 200
    words: list[str] = field(default_factory=lambda: ["Deep ", "nets ", "[1] ", "work."])
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the response starts
    word_delay: float = 0.0  # between streamed words
    usage: bool = True
    break_after: int | None = None  # words sent before the connection is dropped mid-stream
    echo_key: bool = False  # an error body that quotes the key, as some providers do


@dataclass
class Script:
    replies: list[Reply]
    requests: list[dict[str, object]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)


def _chunk(content: str | None, finish: str | None = None) -> bytes:
    delta = {} if content is None else {"role": "assistant", "content": content}
    body = {
        "id": "chatcmpl-loopback",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "loopback",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            return None

        def do_GET(self) -> None:  # /v1/models, for reachability checks
            body = json.dumps({"object": "list", "data": [{"id": "loopback"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length) or b"{}")
            script.requests.append(payload)
            script.headers.append({k.lower(): v for k, v in self.headers.items()})
            script.times.append(time.monotonic())
            reply = script.replies.pop(0) if len(script.replies) > 1 else script.replies[0]
            time.sleep(reply.delay)
            if reply.status != 200:
                message = f"scripted {reply.status}"
                if reply.echo_key:
                    key = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    message = f"Incorrect API key provided: {key}. Find your key at ..."
                body = json.dumps({"error": {"message": message, "type": "x"}}).encode()
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for sent, word in enumerate(reply.words):
                    if reply.break_after is not None and sent >= reply.break_after:
                        self.wfile.write(b"data: {not json")  # and the connection drops
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self.wfile.write(_chunk(word))
                    self.wfile.flush()
                    time.sleep(reply.word_delay)
                self.wfile.write(_chunk(None, "stop"))
                if reply.usage:
                    usage = {
                        "prompt_tokens": 11,
                        "completion_tokens": len(reply.words),
                        "total_tokens": 11 + len(reply.words),
                    }
                    final = {
                        "id": "chatcmpl-loopback",
                        "object": "chat.completion.chunk",
                        "created": 1,
                        "model": "loopback",
                        "choices": [],
                        "usage": usage,
                    }
                    self.wfile.write(f"data: {json.dumps(final)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

    return Handler


@contextmanager
def loopback(*replies: Reply) -> Iterator[tuple[str, Script]]:
    """Serve ``replies`` on a free loopback port; yields (api_base, script)."""
    script = Script(list(replies))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", script
    finally:
        server.shutdown()
        server.server_close()


def local_model_env(tmp_path: Path, api_base: str, **extra: str) -> dict[str, str]:
    """Environment for the CLI: a config file with model alias ``local`` at ``api_base``."""
    config = tmp_path / "config.toml"
    config.write_text(f'[models.local]\nmodel = "openai/tiny"\napi_base = "{api_base}"\n')
    return {"LITREVIEW_CONFIG": str(config), "OPENAI_API_KEY": "", **extra}
