"""External URLs against a real HTTP server on 127.0.0.1 that misbehaves in every known way."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from docgen.config import DocgenConfig, LinksConfig
from docgen.diagnostics import Severity
from docgen.links import cache, check_site, dump
from docgen.links.external import ExternalResult, check_urls, retry_after
from docgen.model import Context

PAGE = b'<html><body><h2 id="there">x</h2><a name="named"></a></body></html>'


class _InFlight:
    """Requests being answered right now, over every test server, and the peaks seen."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()

    def enter(self, host: str) -> None:
        with self.lock:
            for key in (host, "all"):
                self.now[key] += 1
                self.peak[key] = max(self.peak[key], self.now[key])

    def leave(self, host: str) -> None:
        with self.lock:
            self.now[host] -= 1
            self.now["all"] -= 1


IN_FLIGHT = _InFlight()


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.handle_any()

    def do_GET(self) -> None:
        self.handle_any()

    def handle_any(self) -> None:
        path = self.path.split("?")[0]
        hits = self.server.count(self.command, path)
        if path == "/ok":
            self._send(200)
        elif path == "/page.html":
            self._send(200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)
        elif path == "/404":
            self._send(404)
        elif path == "/500":
            self._send(500)
        elif path == "/flaky":  # one 503, then fine
            self._send(503 if hits == 1 else 200)
        elif path == "/429":
            self._send(429)
        elif path == "/429-after":  # asks for a wait once, then fine
            self._send(429, {"Retry-After": "1"}) if hits == 1 else self._send(200)
        elif path == "/429-long":
            self._send(429, {"Retry-After": "3600"})
        elif path == "/hang":
            self.server.stop.wait(30)
        elif path == "/loop":
            self._send(302, {"Location": "/loop2"})
        elif path == "/loop2":
            self._send(302, {"Location": "/loop"})
        elif path == "/to-404":
            self._send(302, {"Location": "/404"})
        elif path == "/moved":
            self._send(301, {"Location": "/ok"})
        elif path == "/moved-twice":
            self._send(308, {"Location": "/moved"})
        elif path == "/chain":
            self._send(302, {"Location": f"/chain?{hits}"}) if hits < 50 else self._send(200)
        elif path == "/head-fails":
            self._send(500 if self.command == "HEAD" else 200)
        elif path == "/no-head":
            self._send(405 if self.command == "HEAD" else 200)
        elif path == "/slow":
            host = self.server.server_address[0]
            IN_FLIGHT.enter(host)
            time.sleep(0.1)
            IN_FLIGHT.leave(host)
            self._send(200)
        elif path == "/huge":
            self.huge()
        elif path in {"/html-stalls", "/html-cut"}:  # headers, part of the body, then trouble
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body><p id='x'>")
            self.wfile.flush()
            if path == "/html-stalls":
                self.server.stop.wait(30)
            self.close_connection = True
        elif path == "/close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self._send(404)

    def huge(self) -> None:
        if self.command == "HEAD":
            self._send(405)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(1 << 34))
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_000 + b"</p>\n"
        try:
            for _ in range(20_000):  # bounded: ~1.3 GB at most, stops when the client leaves
                self.wfile.write(chunk)
        except OSError:
            self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), Handler)
        self.stop = threading.Event()
        self.hits: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()

    def count(self, method: str, path: str) -> int:
        with self.lock:
            self.hits[method, path] += 1
            return sum(n for (m, p), n in self.hits.items() if p == path)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that leaves mid-body (the huge page) is expected here

    @property
    def base(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"


@contextmanager
def running(host: str = "127.0.0.1") -> Iterator[Server]:
    httpd = Server(host)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.stop.set()
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    with running() as httpd:
        yield httpd


FAST = LinksConfig(
    timeout=0.5,
    retries=1,
    backoff=0.01,
    retry_after_max=0.3,
    min_interval=0.0,
    per_host=4,
    max_workers=8,
    max_redirects=5,
)


def test_every_server_behaviour_gives_one_clear_result(server: Server) -> None:
    paths = [
        "/ok",
        "/404",
        "/500",
        "/flaky",
        "/429",
        "/429-after",
        "/429-long",
        "/hang",
        "/loop",
        "/to-404",
        "/moved",
        "/moved-twice",
        "/chain",
        "/no-head",
        "/head-fails",
        "/huge",
        "/close",
    ]
    urls = [server.base + p for p in paths]
    progress: list[tuple[int, int]] = []
    start = time.monotonic()
    results = check_urls(urls, FAST, progress=lambda done, total: progress.append((done, total)))
    elapsed = time.monotonic() - start
    # Hang: 2 attempts x 0.5 s; nothing may wait for the server's 30 s or the 3600 s asked.
    assert elapsed < 4
    got = {
        p: (r.ok, r.status, r.message)
        for p, r in zip(paths, map(results.get, urls), strict=True)
        if r
    }
    assert got["/ok"] == (True, 200, "ok")
    assert got["/404"] == (False, 404, "HTTP 404")
    assert got["/500"] == (False, 500, "HTTP 500 after 2 attempts")
    assert got["/flaky"] == (True, 200, "ok")
    assert got["/429"] == (False, 429, "HTTP 429 after 2 attempts")
    assert got["/429-after"] == (True, 200, "ok")
    assert got["/429-long"] == (False, 429, "HTTP 429 after 2 attempts")
    assert got["/hang"] == (False, None, "timed out after 0.5 s after 2 attempts")
    assert got["/loop"][:2] == (False, 302)
    assert "redirect loop back to" in got["/loop"][2]
    assert got["/to-404"] == (False, 404, "HTTP 404")
    assert got["/moved"] == (True, 200, "ok")
    assert results[server.base + "/moved"].permanent_redirect == server.base + "/ok"
    assert results[server.base + "/moved-twice"].permanent_redirect == server.base + "/ok"
    assert results[server.base + "/to-404"].permanent_redirect is None
    assert got["/chain"] == (False, None, "more than 5 redirects")
    assert got["/no-head"] == (True, 200, "ok")
    assert got["/head-fails"] == (True, 200, "ok")
    assert got["/huge"] == (True, 200, "ok")
    assert got["/close"][0] is False
    assert got["/close"][2].startswith("connection failed: ")
    assert sorted(progress) == [(n, len(urls)) for n in range(1, len(urls) + 1)]
    # A 503 to HEAD → one GET, which answers; HEAD refused → one GET; a 500 to both
    # HEAD and GET is retried once, HEAD then GET again.
    assert (server.hits["HEAD", "/flaky"], server.hits["GET", "/flaky"]) == (1, 1)
    assert server.hits["GET", "/no-head"] == 1
    assert (server.hits["HEAD", "/500"], server.hits["GET", "/500"]) == (2, 2)


def test_retry_after_is_honoured_and_capped(server: Server) -> None:
    config = LinksConfig(timeout=1, retries=1, backoff=0.01, retry_after_max=5, min_interval=0)
    start = time.monotonic()
    result = check_urls([server.base + "/429-after"], config)[server.base + "/429-after"]
    assert result.ok
    assert 0.9 < time.monotonic() - start < 3
    assert retry_after(None) is None
    assert retry_after("7") == 7.0
    assert retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_connection_refused_and_no_retries() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = LinksConfig(timeout=0.5, retries=0, min_interval=0)
    result = check_urls([f"http://127.0.0.1:{port}/"], config)[f"http://127.0.0.1:{port}/"]
    assert not result.ok
    assert result.message.startswith("connection failed: ")
    assert "after" not in result.message
    assert check_urls([], config) == {}


def test_per_host_politeness(server: Server) -> None:
    config = LinksConfig(timeout=1, retries=0, min_interval=0.05, per_host=1, max_workers=8)
    urls = [f"{server.base}/ok?{n}" for n in range(10)]
    start = time.monotonic()
    results = check_urls(urls, config)
    assert all(r.ok for r in results.values())
    # 10 requests, each at least 50 ms after the previous one to the same host.
    assert time.monotonic() - start >= 0.45


def test_per_host_and_global_concurrency() -> None:
    IN_FLIGHT.peak.clear()
    with running("127.0.0.1") as one, running("127.0.0.2") as two:
        urls = [f"{server.base}/slow?{n}" for server in (one, two) for n in range(6)]
        config = LinksConfig(timeout=2, retries=0, min_interval=0, per_host=2, max_workers=3)
        results = check_urls(urls, config)
    assert all(r.ok for r in results.values())
    assert IN_FLIGHT.peak["127.0.0.1"] <= 2
    assert IN_FLIGHT.peak["127.0.0.2"] <= 2
    assert IN_FLIGHT.peak["all"] == 3  # the global limit, reached and never passed


def write_site(tmp_path: Path, body: str) -> DocgenConfig:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(body, encoding="utf-8")
    return DocgenConfig(
        root=tmp_path,
        docs_dir=tmp_path / "docs",
        site_dir=site,
        cache_dir=tmp_path / ".cache",
        links=FAST,
    )


def test_site_check_diagnostics_and_cache(server: Server, tmp_path: Path) -> None:
    b = server.base
    body = (
        f'<a href="{b}/ok">ok</a>\n<a href="{b}/404">gone</a>\n<a href="{b}/moved">moved</a>\n'
        f'<a href="{b}/ok#x">same url</a>\n'
    )
    config = write_site(tmp_path, body)
    result = check_site(config, Context(), config.site_dir)
    found = sorted((d.code, d.severity, str(d.location)) for d in result.diagnostics)
    assert found == [
        ("DG310", Severity.ERROR, "docs/index.md:2"),
        ("DG311", Severity.INFO, "docs/index.md:3"),
    ]
    assert result.summary["external_urls"] == 3
    assert result.summary["external_checked"] == 3
    first = dict(server.hits)
    # The rerun asks the server only about the failure: good results come from the cache.
    result = check_site(config, Context(), config.site_dir)
    assert sorted(d.code for d in result.diagnostics) == ["DG310", "DG311"]
    assert result.summary["external_cached"] == 2
    new = {k: v - first.get(k, 0) for k, v in server.hits.items() if v != first.get(k, 0)}
    assert new == {("HEAD", "/404"): 1, ("GET", "/404"): 1}
    saved = json.loads((tmp_path / ".cache" / "links" / "external.json").read_text())
    assert sorted(saved["results"]) == [f"{b}/moved", f"{b}/ok"]
    records = dump(config, ["--site", str(config.site_dir)])["links"]
    assert isinstance(records, list)
    assert [r["message"] for r in records if r["url"].startswith(f"{b}/ok")] == ["cached"] * 2
    # The CLI's progress bar: called once per URL actually fetched.
    calls: list[tuple[int, int]] = []
    check_site(
        config, Context(), config.site_dir, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(1, 1)]


def test_external_fragments(server: Server, tmp_path: Path) -> None:
    b = server.base
    body = (
        f'<a href="{b}/page.html#there">ok</a> <a href="{b}/page.html#named">ok</a>\n'
        f'<a href="{b}/page.html#missing">bad</a> <a href="{b}/ok#frag">not html</a>\n'
        f'<a href="{b}/huge#far">huge page</a>'
    )
    config = write_site(tmp_path, body)
    result = check_site(config, Context(), config.site_dir)
    assert result.diagnostics == ()  # fragments_external is off by default
    fragments = LinksConfig(**{**_fields(FAST), "fragments_external": True})
    config = DocgenConfig(**{**_fields(config), "links": fragments})
    result = check_site(config, Context(), config.site_dir)
    assert [(d.code, d.severity, str(d.location)) for d in result.diagnostics] == [
        ("DG312", Severity.WARNING, "docs/index.md:2"),
        ("DG312", Severity.WARNING, "docs/index.md:3"),
    ]
    # Cached with their anchors: the rerun fetches nothing.
    before = sum(server.hits.values())
    result = check_site(config, Context(), config.site_dir)
    assert len(result.diagnostics) == 2
    assert sum(server.hits.values()) == before


def _fields(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]


def test_page_read_for_fragments_fails_cleanly(server: Server) -> None:
    urls = [server.base + "/html-stalls", server.base + "/html-cut", server.base + "/page.html"]
    config = LinksConfig(timeout=0.5, retries=0, min_interval=0)
    start = time.monotonic()
    results = check_urls(urls, config, fragments=urls)
    assert time.monotonic() - start < 3
    assert results[urls[0]].message == "timed out after 0.5 s"
    assert results[urls[1]].message.startswith("connection failed: ")
    assert results[urls[2]].anchors == ("named", "there")
    assert results[urls[2]].page_read


def test_a_url_the_client_cannot_parse_is_one_result() -> None:
    # A port out of range is caught as malformed before any check; called directly, the
    # checker still answers for that URL instead of losing it.
    url = "http://127.0.0.1:99999/"
    result = check_urls([url], LinksConfig(timeout=0.5, retries=0))[url]
    assert not result.ok
    assert result.message == f"connection failed: Failed to parse: {url}"


def test_links_stage_is_registered() -> None:
    from docgen import links, stages

    stage = next(s for s in stages.STAGES if s.name == "links")
    assert stage.check_site is not None
    assert stage.dump is not None
    assert stage.check_site.__name__ == f"{links.__name__}.{links.check_site.__name__}"
    assert stage.dump.__name__ == f"{links.__name__}.{links.dump.__name__}"


def test_cache_file_rules(tmp_path: Path) -> None:
    file = tmp_path / "c" / "external.json"
    assert cache.load(file, 100) == {}
    good = ExternalResult("https://a/", True, 200, "ok", checked_at=1000.0)
    bad = ExternalResult("https://b/", False, 404, "HTTP 404", checked_at=1000.0)
    cache.save(file, {good.url: good, bad.url: bad}, max_age=1e12)
    loaded = cache.load(file, 100, now=1050.0)
    assert list(loaded) == ["https://a/"]
    assert loaded["https://a/"].from_cache
    assert cache.load(file, 100, now=1200.0) == {}  # too old
    data = json.loads(file.read_text())
    data["results"]["https://c/"] = {"url": "https://c/"}  # damaged entry: skipped
    data["results"]["https://d/"] = [1]
    file.write_text(json.dumps(data))
    assert list(cache.load(file, 100, now=1050.0)) == ["https://a/"]
    file.write_text(json.dumps({"version": 0, "results": {}}))
    assert cache.load(file, 100) == {}
    file.write_text("{broken")
    assert cache.load(file, 100) == {}


def test_a_broken_url_of_the_theme_is_one_finding(server: Server, tmp_path: Path) -> None:
    config = write_site(tmp_path, "home")
    font = f"{server.base}/404"
    for n in range(4):
        written = f"See [the font]({font}).\n" if n == 0 else "Nothing.\n"
        (tmp_path / "docs" / f"p{n}.md").write_text(f"# P{n}\n\n{written}", encoding="utf-8")
        body = f'<p>See <a href="{font}">the font</a>.</p>' if n == 0 else "<p>Nothing.</p>"
        page = tmp_path / "site" / f"p{n}" / "index.html"
        page.parent.mkdir()
        page.write_text(
            f'<html><head><link rel="stylesheet" href="{font}"></head>\n<body>\n{body}\n'
            "</body></html>",
            encoding="utf-8",
        )
    result = check_site(config, Context(), config.site_dir)
    found = sorted((str(d.location), d.message) for d in result.diagnostics)
    assert [where for where, _ in found] == ["docs/p0.md:3", "mkdocs.yml"]
    # p0 writes it too: its own link is said at its line, the theme's three pages once.
    assert "on 3 pages, from the theme or mkdocs.yml" in found[1][1]
    # Fewer pages than that: each is said where it is.
    for n in (2, 3):
        shutil.rmtree(tmp_path / "site" / f"p{n}")
    result = check_site(config, Context(), config.site_dir)
    assert sorted(str(d.location) for d in result.diagnostics) == ["docs/p0.md:3", "docs/p1.md"]
