"""A shared library behind a real reverse proxy: nginx, TLS, a bearer token (issue 12).

Chroma 1.x has no authentication of its own, so the README's deployment puts
nginx in front of ``chroma run``: TLS, and a request without the lab's token
is answered 401. This test starts exactly that (a self-signed certificate
that litreview is told to trust through ``chroma.ssl_verify``) and checks the
three things a member can meet: the right token works, a missing or wrong one
is one clear line and not a hang or a traceback, and the token is never
written anywhere (outputs, the member's files, nginx's logs).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chroma_server import ChromaServer, free_port
from tests.support.cli import litreview_bin, run_cli
from tests.support.papers import small_corpus

TOKEN = "lab-token-5f1c9e2b7a"
NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 64m;
    client_body_buffer_size 64m;
    map $http_authorization $litreview_token_ok {{
        "Bearer {token}" 1;
        default 0;
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        location / {{
            if ($litreview_token_ok = 0) {{ return 401; }}
            proxy_pass http://127.0.0.1:{upstream};
            proxy_http_version 1.1;
            proxy_buffering off;
            proxy_read_timeout 300s;
        }}
    }}
}}
"""


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[int, Path, ChromaServer]]:
    """``chroma run`` behind nginx (TLS, bearer token); yields nginx's port, its folder and
    the server behind it."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None or shutil.which("openssl") is None:
        pytest.skip("nginx and openssl are not installed (.ci/run installs them)")
    chroma = ChromaServer(tmp_path / "server-data")
    chroma.start()
    folder = tmp_path / "nginx"
    folder.mkdir()
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=folder, token=TOKEN, port=port, upstream=chroma.port))
    proc = subprocess.Popen(
        [nginx, "-c", str(conf), "-p", str(folder), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_tls(port, folder, proc)
        yield port, folder, chroma
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        chroma.stop()


def wait_for_tls(port: int, folder: Path, proc: subprocess.Popen[bytes]) -> None:
    import ssl
    import urllib.request

    context = ssl.create_default_context(cafile=str(folder / "cert.pem"))
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"https://127.0.0.1:{port}/", timeout=1, context=context)
            return
        except urllib.error.HTTPError:
            return  # 401: nginx is up and checking
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("nginx did not start: " + (folder / "error.log").read_text())
            time.sleep(0.2)


def requests(folder: Path) -> int:
    """Requests nginx has answered so far (its access log, a line each)."""
    log = folder / "access.log"
    return log.read_text().count("\n") if log.exists() else 0


def test_token_checked_by_a_reverse_proxy(
    proxy: tuple[int, Path, ChromaServer], tmp_path: Path
) -> None:
    port, folder, _ = proxy
    home = tmp_path / "member"
    corpus = small_corpus(tmp_path, n=4)
    env = {
        "LITREVIEW_CHROMA__HOST": "127.0.0.1",
        "LITREVIEW_CHROMA__PORT": str(port),
        "LITREVIEW_CHROMA__SSL": "true",
        "LITREVIEW_CHROMA__SSL_VERIFY": str(folder / "cert.pem"),
    }
    with_token = {**env, "LITREVIEW_CHROMA__TOKEN": TOKEN}

    missing = run_cli(home, "ingest", str(corpus), env=env, timeout=120)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    line = missing.stderr.strip().splitlines()[-1]
    assert line.startswith("error: the Chroma server at https://127.0.0.1:") and "HTTP 401" in line
    assert "no token is set" in line and "chroma.token" in line

    # A refusal would be the same the next time: never retried, however patient the settings.
    patient = {"LITREVIEW_CHROMA__RETRIES": "50", "LITREVIEW_CHROMA__RETRY_SECONDS": "600"}
    wrong_token = {**env, **patient, "LITREVIEW_CHROMA__TOKEN": "wrong-" + TOKEN}
    before = requests(folder)
    started = time.monotonic()
    wrong = run_cli(home, "search", "x", env=wrong_token)
    assert time.monotonic() - started < 120, "not after a retry window"
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert "HTTP 401" in wrong.stderr and "the token was not accepted" in wrong.stderr
    assert "retry" not in wrong.stderr and "tried" not in wrong.stderr
    assert "wrong-" not in wrong.stderr + wrong.stdout
    assert requests(folder) == before + 1, "one request, refused, not sent again"

    ingest = run_cli(home, "ingest", str(corpus), "--json", env=with_token, check=True)
    assert json.loads(ingest.stdout.splitlines()[-1])["papers"] == 4
    search = run_cli(home, "search", "dynamic neural networks", "--json", env=with_token)
    assert search.returncode == 0 and json.loads(search.stdout)["results"]

    written = [missing.stderr, wrong.stderr, ingest.stdout, ingest.stderr, search.stderr]
    written += [p.read_bytes().decode("latin-1") for p in home.rglob("*") if p.is_file()]
    written += [p.read_text() for p in folder.glob("*.log")]
    assert not any(TOKEN in text for text in written), "the token reached a file or an output"


def test_a_server_restarted_behind_the_proxy_is_waited_for(
    proxy: tuple[int, Path, ChromaServer], tmp_path: Path
) -> None:
    """While the server behind it is away, nginx answers 502: retried until it is back."""
    port, folder, chroma = proxy
    home = tmp_path / "member"
    env = {
        "LITREVIEW_CHROMA__HOST": "127.0.0.1",
        "LITREVIEW_CHROMA__PORT": str(port),
        "LITREVIEW_CHROMA__SSL": "true",
        "LITREVIEW_CHROMA__SSL_VERIFY": str(folder / "cert.pem"),
        "LITREVIEW_CHROMA__TOKEN": TOKEN,
        "LITREVIEW_CHROMA__RETRIES": "60",
        "LITREVIEW_CHROMA__RETRY_SECONDS": "240",
    }
    run_cli(home, "ingest", str(small_corpus(tmp_path, n=4)), env=env, check=True)
    chroma.stop()
    member = {**os.environ, "LITREVIEW_HOME": str(home), "NO_COLOR": "1", **env}
    member.pop("LITREVIEW_CONFIG", None)
    search = subprocess.Popen(
        [litreview_bin(), "search", "dynamic neural networks", "--json"],
        env=member,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while " 502 " not in (folder / "access.log").read_text() and search.poll() is None:
        assert time.monotonic() < deadline, "the search never reached the proxy"
        time.sleep(0.2)
    chroma.start()  # the same port and data behind the same proxy
    out, err = search.communicate(timeout=600)
    assert search.returncode == 0, err
    assert "(HTTP 502); retry 1 of 60" in err
    assert json.loads(out)["results"]
    assert TOKEN not in out + err
