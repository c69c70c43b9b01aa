"""A local HTTP server on 127.0.0.1 that replays recorded API responses (no test touches the network).

Each test gives the server a script: for a request path, the responses to send in order
(status, headers, body); the last one repeats. Bodies are the files in ``replay/``,
written by hand in each API's documented format (they are not real records). A response
may declare a longer ``Content-Length`` than it sends and then close the connection: a
body cut off in transfer.
"""

from __future__ import annotations

import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPLAY = Path(__file__).parent / "replay"
# Genuine API bodies, kept outside the project (see their README): never copied into it.
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "api-samples"


@dataclass
class Reply:
    body: bytes | str = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    cut_at: int | None = None  # send only this many bytes of the body, then close
    length: bool = True  # declare Content-Length (else the body ends when the connection closes)
    chunked: bool = False  # chunked transfer coding (with cut_at: the last chunk never comes)

    @classmethod
    def file(cls, name: str, **kw) -> "Reply":
        return cls(body=(REPLAY / name).read_bytes(), **kw)

    @classmethod
    def sample(cls, name: str, **kw) -> "Reply":
        """A genuine body of ``../shared/api-samples/`` (``pubmed/...``, ``edited/...``)."""
        return cls(body=(SAMPLES / name).read_bytes(), **kw)


class ReplayServer:
    Reply = Reply

    def __init__(self):
        self.script: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
                server.requests.append((parts.path, query))
                queue = server.script.get(parts.path)
                if not queue:
                    reply = Reply(b"no script for this path", status=404)
                else:
                    reply = queue.pop(0) if len(queue) > 1 else queue[0]
                body = reply.body.encode() if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    sent = body[:reply.cut_at] if reply.cut_at is not None else body
                    self.wfile.write(f"{len(body):x}\r\n".encode() + sent)
                    if reply.cut_at is None:
                        self.wfile.write(b"\r\n0\r\n\r\n")
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if reply.length:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if reply.cut_at is not None:
                    self.wfile.write(body[:reply.cut_at])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def on(self, path: str, *replies: Reply) -> None:
        self.script[path] = list(replies)

    def calls(self, path: str) -> list[dict]:
        return [q for p, q in self.requests if p == path]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def replay():
    server = ReplayServer()
    yield server
    server.close()


@pytest.fixture
def samples():
    """The folder of genuine API bodies; the test is skipped where it is absent."""
    if not (SAMPLES / "README.md").is_file():
        pytest.skip(f"the genuine API bodies are not here ({SAMPLES}: the project root's ../shared/api-samples/)")
    return SAMPLES


@pytest.fixture
def no_wait():
    """A sleep that records what it was asked to wait, so retries cost no time."""
    waits: list[float] = []
    return waits


@pytest.fixture
def saved(replay):
    """The project's saved searches with their base URLs pointed at the replay server."""
    import dataclasses

    from living_review.search.sources import load_saved_searches

    root = Path(__file__).resolve().parents[2]
    searches = load_saved_searches(root / "data" / "search" / "search_strategy.yaml")
    return {k: dataclasses.replace(s, base_url=f"{replay.url}/{k}/", page_size=2)
            for k, s in searches.items()}


class Saver:
    """A recorder that keeps the bodies in a folder, as a run does."""

    def __init__(self, folder: Path):
        from living_review.search.run import Recorder

        self._recorder = Recorder(folder)
        self.save = self._recorder.save
        self.warn = self._recorder.warn
        self.exchanges = self._recorder.exchanges
        self.warnings = self._recorder.warnings
        self.accept_phrase_not_found = False


@pytest.fixture
def saver(tmp_path):
    return Saver(tmp_path)


@pytest.fixture
def fast_client(no_wait):
    from living_review.search.http import Client

    def make(name="Test", **kw):
        return Client(source=name, sleep=no_wait.append, **kw)

    return make


@pytest.fixture
def project(tmp_path, monkeypatch, replay):
    """A copy of the project's data whose search runners call the replay server; returns ``data/search``."""
    import shutil

    src = Path(__file__).resolve().parents[2]
    root = tmp_path / "project"
    shutil.copytree(src / "data", root / "data")
    shutil.copy(src / "_toc.yml", root / "_toc.yml")
    monkeypatch.setenv("LIVING_REVIEW_ROOT", str(root))
    monkeypatch.setenv("LIVING_REVIEW_BUILD_DIR", str(root / "_build"))
    for key in ("pubmed", "europepmc", "ctgov"):
        monkeypatch.setenv(f"LIVING_REVIEW_{key.upper()}_URL", f"{replay.url}/{key}/")
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    # Keep the runs fast: the replay server needs no politeness.
    import living_review.search.run as run_module
    monkeypatch.setattr(run_module, "DEFAULT_INTERVAL", {"europepmc": 0.0, "ctgov": 0.0})
    monkeypatch.setattr(run_module.pubmed_runner, "MIN_INTERVAL", {False: 0.0, True: 0.0})
    return root / "data" / "search"
