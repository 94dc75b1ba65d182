"""Link checking: docgen's checker vs linkchecker (and linkinator when installed), side by side.

Internal: generates a MkDocs site of N pages with ~20 internal links each (a fifth with
`#fragments`), plants 5 links to missing pages and 5 to missing anchors, builds it with
MkDocs, then checks it with docgen (on the files) and with linkchecker (served by
http.server on 127.0.0.1). Prints both times, the ratio, and which defects each found as
errors.

External: M URLs spread over loopback hosts 127.0.0.2, 127.0.0.3, … (each answering with a
delay), checked by docgen and by linkchecker at the same per-host politeness, then by
docgen again with its cache (goal: at most 5 % of the first run).

    python benchmarks/bench_links.py          # quick: 100 pages, 100 URLs (about a minute)
    python benchmarks/bench_links.py --full   # the issue's sizes: 500 pages, 500 URLs

In quick mode the test servers send the `LinkChecker` header, which lifts linkchecker's
own throttle (a random 0.1-0.6 s pause per request to a host, taken under a global lock)
so that its run stays short: the ratio then flatters linkchecker. `--full` runs it with
its defaults, as the issue asks.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from docgen.config import DocgenConfig, LinksConfig
from docgen.diagnostics import Severity
from docgen.links import check_site

SECTIONS = 5
LINKS_PER_PAGE = 20
PAGES_PER_FOLDER = 50


# --- internal ---------------------------------------------------------------------------


def page_path(n: int) -> str:
    return f"sec{n // PAGES_PER_FOLDER}/p{n}.md"


def generate_docs(docs: Path, pages: int, rng: random.Random) -> list[str]:
    """Write the pages; return the 10 planted defects (a string each message must name)."""
    defects: list[str] = []
    for n in range(pages):
        lines = [f"# Page {n}", ""]
        for k in range(SECTIONS):
            lines += [f"## Section {k}", "", f"Text of section {k} of page {n}.", ""]
        links = []
        for i in range(LINKS_PER_PAGE):
            target = rng.randrange(pages)
            href = "../" + page_path(target)
            if i % 5 == 0:
                href += f"#section-{rng.randrange(SECTIONS)}"
            links.append(f"[link {i}]({href})")
        if 1 <= n <= 5:
            links.append(f"[planted](../sec0/missing-{n}.md)")
            defects.append(f"missing-{n}")
        if 6 <= n <= 10:
            links.append(f"[planted](../{page_path(0)}#no-such-anchor-{n})")
            defects.append(f"no-such-anchor-{n}")
        lines += [" ".join(links[i : i + 4]) for i in range(0, len(links), 4)]
        path = docs / page_path(n)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (docs / "index.md").write_text(
        "# Home\n\n" + " ".join(f"[{n}]({page_path(n)})" for n in range(pages)) + "\n"
    )
    return defects


class QuietFiles(SimpleHTTPRequestHandler):
    advertise = False

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        if self.advertise:
            self.send_header("LinkChecker", "bench")
        super().end_headers()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # checkers drop connections (timeouts, HEAD then GET): not news here


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", **kw: object):
    httpd = Server((host, 0), partial(handler, **kw))  # type: ignore[arg-type]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def run_linkchecker(url: str, rc: Path, extern: bool) -> tuple[float, list[dict[str, str]]]:
    """Run linkchecker's CLI; return its time and its rows (CSV output)."""
    cmd = ["linkchecker", "--no-status", "--verbose", "-f", str(rc), "-o", "csv", url]
    if extern:
        cmd.insert(1, "--check-extern")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"  (linkchecker used {cpu:.1f} s CPU)")
    body = "\n".join(line for line in proc.stdout.splitlines() if not line.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    return seconds, rows


def write_rc(folder: Path, name: str, rps: float, anchors: bool = False) -> Path:
    rc = folder / name
    text = f"[checking]\nmaxrequestspersecond={rps}\n"
    rc.write_text(text + ("[AnchorCheck]\n" if anchors else ""))
    return rc


def _cpu_seconds() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def internal(work: Path, pages: int, full: bool, anchor_check: bool) -> None:
    rng = random.Random(42)
    docs = work / "docs"
    defects = generate_docs(docs, pages, rng)
    (work / "mkdocs.yml").write_text("site_name: bench\ntheme: mkdocs\n")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=work, check=True, capture_output=True
    )
    print(f"built {pages} pages with MkDocs in {time.perf_counter() - start:.1f} s")
    site = work / "site"
    config = DocgenConfig(
        root=work, docs_dir=docs, site_dir=site, cache_dir=work / ".cache", offline=True
    )
    # CPU of this process and of the worker processes it forks to read pages.
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = check_site(config, site)
    docgen_s = time.perf_counter() - start
    docgen_cpu = _cpu_seconds() - cpu
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    found = [d for d in defects if any(d in e.message for e in errors)]
    located = sum(1 for e in errors if e.location and e.location.line)
    print(
        f"docgen      internal: {docgen_s:7.2f} s ({docgen_cpu:.2f} s CPU)  "
        f"{result.summary['links']} links, "
        f"{len(found)}/10 defects as errors, {len(errors) - len(found)} other errors, "
        f"{located}/{len(errors)} at a Markdown line"
    )
    QuietFiles.advertise = not full
    rc = write_rc(work, "default.rc", 10 if full else 1000)
    with serve(QuietFiles, directory=str(site)) as url:
        lc_s, rows = run_linkchecker(url + "/", rc, extern=False)
        bad = [r for r in rows if r.get("valid") == "False"]
        lc_found = [d for d in defects if any(d in (r.get("url") or "") for r in bad)]
        print(
            f"linkchecker internal: {lc_s:7.2f} s  {len(rows)} URLs, {len(bad)} errors, "
            f"{len(lc_found)}/10 defects as errors "
            f"({'defaults' if full else 'throttle lifted'})"
        )
        if anchor_check:
            rc_anchor = write_rc(work, "anchor.rc", 10 if full else 1000, anchors=True)
            lca_s, rows = run_linkchecker(url + "/", rc_anchor, extern=False)
            warned = [d for d in defects if any(d in (r.get("warningstring") or "") for r in rows)]
            errors = [
                d
                for d in defects
                if any(d in (r.get("url") or "") for r in rows if r.get("valid") == "False")
            ]
            print(
                f"linkchecker +AnchorCheck: {lca_s:5.2f} s  {len(errors)}/10 defects as errors, "
                f"{len(warned)} as warnings"
            )
        linkinator = shutil.which("linkinator")
        if linkinator:
            start = time.perf_counter()
            subprocess.run([linkinator, url + "/", "--recurse"], capture_output=True, check=False)
            print(f"linkinator  internal: {time.perf_counter() - start:7.2f} s")
        else:
            print("linkinator: not installed, skipped")
    print(f"internal ratio: linkchecker / docgen = {lc_s / docgen_s:.0f}x (wall clock)")


# --- external ---------------------------------------------------------------------------


class SlowOk(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay = 0.02
    advertise = True

    def log_message(self, format: str, *args: object) -> None:
        pass

    def answer(self) -> None:
        time.sleep(self.delay)
        status = 404 if self.path == "/robots.txt" else 200
        body = b"<html><body>ok</body></html>" if status == 200 else b""
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        if self.advertise:
            self.send_header("LinkChecker", "bench")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    do_GET = do_HEAD = answer


@contextmanager
def external_hosts(count: int) -> Iterator[list[str]]:
    managers = [serve(SlowOk, host=f"127.0.0.{n + 2}") for n in range(count)]
    bases = [m.__enter__() for m in managers]
    try:
        yield bases
    finally:
        for m in managers:
            m.__exit__(None, None, None)


def external(work: Path, urls: int, hosts: int) -> None:
    rps = 50.0
    # linkchecker waits uniform(1/rps, 6/rps) between requests to one host: 3.5/rps on
    # average. docgen gets the same average pace, one request in flight per host.
    interval = 3.5 / rps
    site = work / "ext-site"
    site.mkdir()
    with external_hosts(hosts) as bases:
        links = [f"{bases[n % hosts]}/page/{n}" for n in range(urls)]
        for p in range(10):
            body = "".join(f'<a href="{u}">{u}</a>\n' for u in links[p::10])
            (site / f"p{p}.html").write_text(f"<html><body>{body}</body></html>")
        index = "".join(f'<a href="p{p}.html">{p}</a>' for p in range(10))
        (site / "index.html").write_text(f"<html><body>{index}</body></html>")
        options = LinksConfig(min_interval=interval, per_host=1, max_workers=16, timeout=5)
        config = DocgenConfig(
            root=work,
            docs_dir=work / "none",
            site_dir=site,
            cache_dir=work / ".cache-ext",
            links=options,
        )
        start = time.perf_counter()
        first = check_site(config, site)
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        second = check_site(config, site)
        second_s = time.perf_counter() - start
        bad = [d for d in (*first.diagnostics, *second.diagnostics) if d.severity is Severity.ERROR]
        print(
            f"docgen      external: {first_s:7.2f} s  {first.summary['external_checked']} URLs "
            f"over {hosts} hosts, {len(bad)} errors; cached rerun {second_s:.3f} s "
            f"= {100 * second_s / first_s:.1f} % of the first (goal <= 5 %)"
        )
        rc = write_rc(work, "ext.rc", rps)
        with serve(QuietFiles, directory=str(site)) as url:
            lc_s, rows = run_linkchecker(url + "/", rc, extern=True)
        checked = sum(1 for r in rows if "/page/" in (r.get("url") or ""))
        print(
            f"linkchecker external: {lc_s:7.2f} s  {checked} URLs at maxrequestspersecond={rps:g}"
        )
        print(f"external ratio: linkchecker / docgen = {lc_s / first_s:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="500 pages and 500 URLs")
    parser.add_argument("--pages", type=int, help="pages of the internal benchmark")
    parser.add_argument("--urls", type=int, help="URLs of the external benchmark")
    parser.add_argument(
        "--anchor-check", action="store_true", help="also run linkchecker's AnchorCheck (slow)"
    )
    args = parser.parse_args()
    if shutil.which("linkchecker") is None:
        sys.exit("linkchecker is missing: pip install -e '.[bench]'")
    pages = args.pages or (500 if args.full else 100)
    urls = args.urls or (500 if args.full else 100)
    with tempfile.TemporaryDirectory(prefix="bench-links-") as tmp:
        work = Path(tmp)
        internal(work, pages, args.full, args.anchor_check)
        external(work, urls, hosts=5)


if __name__ == "__main__":
    main()
