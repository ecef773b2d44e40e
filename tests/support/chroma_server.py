"""A real ``chroma run`` on 127.0.0.1 that a test can stop and start again on the same data."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes] | None, seconds: float = 60) -> None:
    """Until ``url`` answers 200 (any answer when ``proc`` is a proxy); fail if ``proc`` dies."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError:
            return  # something answers (a proxy refusing us): it is up
        except OSError:
            if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
                pytest.fail(f"{url} did not come up")
            time.sleep(0.2)


class ChromaServer:
    """``chroma run --path DATA`` on a fixed port, restartable (the data survives)."""

    def __init__(self, data: Path) -> None:
        chroma = Path(sys.executable).parent / "chroma"
        binary = str(chroma) if chroma.exists() else shutil.which("chroma")
        if not binary:
            pytest.fail("the 'chroma' command (from chromadb) is not installed")
        self.binary = binary
        self.data = data
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def flags(self) -> list[str]:
        return ["--chroma-host", "127.0.0.1", "--chroma-port", str(self.port)]

    def start(self) -> None:
        command = [self.binary, "run", "--path", str(self.data), "--host", "127.0.0.1"]
        self.proc = subprocess.Popen(
            [*command, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        wait_for(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", self.proc)

    def stop(self, kill: bool = False) -> None:
        if self.proc is None:
            return
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
