"""`docgen check --shard I/N` then `docgen report merge`: the N parts together are one
unsharded run, finding for finding, and each external URL is asked by one shard only.

Real runs on `tests/fixtures/sharded` (nine pages with failing examples, lint findings,
broken internal links and anchors, broken URLs cited on pages of different shards, and a
workflow whose findings every shard makes), each shard in a copy of its own, as on
separate CI machines, against a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from docgen.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "sharded"
pytestmark = pytest.mark.slow


class _Server:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        lock = threading.Lock()
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with lock:
                    hits[self.path] += 1
                self.send_response(200 if self.path == "/ok" else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_HEAD = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_address[1]


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    running = _Server()
    thread = threading.Thread(target=running.http.serve_forever, daemon=True)
    thread.start()
    yield running
    running.http.shutdown()
    running.http.server_close()


def _machine(where: Path, port: int) -> Path:
    """A fresh checkout of the fixture project: its own caches, as a CI job has."""
    shutil.copytree(FIXTURE, where)
    for page in (where / "docs").glob("*.md"):
        page.write_text(page.read_text(encoding="utf-8").replace("PORT", str(port)), "utf-8")
    return where / "mkdocs.yml"


def _findings(path: Path) -> list[str]:
    shape = json.loads(path.read_text(encoding="utf-8"))
    return sorted(json.dumps(d, sort_keys=True) for d in shape["diagnostics"])


def _check(config: Path, output: Path, *extra: str) -> int:
    return main(["check", "-f", str(config), "--format", "json", "-o", str(output), *extra])


def test_n_parts_merged_equal_one_unsharded_run(
    tmp_path: Path, server: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = tmp_path / "whole.json"
    assert _check(_machine(tmp_path / "whole", server.port), whole) == 1
    expected = _findings(whole)
    asked = Counter(server.hits)
    codes = Counter(json.loads(d)["code"] for d in expected)
    # the fixture has what it claims: every kind of finding, more than once
    assert {"DG501", "DG502", "DG507", "DG301", "DG302", "DG310", "DG704", "DG706"} <= set(codes)
    assert codes["DG214"] >= 2  # pipelines: generation, made by every shard
    assert codes["DG310"] == 5  # two broken URLs, cited on five pages
    assert set(asked) == {"/gone", "/also-gone", "/ok"}
    for count in (1, 2, 3):
        server.hits.clear()
        parts = []
        for index in range(1, count + 1):
            config = _machine(tmp_path / f"shard-{index}-of-{count}", server.port)
            parts.append(tmp_path / f"part-{index}-of-{count}.json")
            assert _check(config, parts[-1], "--shard", f"{index}/{count}") in (0, 1)
        assert server.hits == asked, f"N={count}: each URL asked by one shard, as often"
        shares = [json.loads(p.read_text())["shard"] for p in parts]
        assert [s["index"] for s in shares] == list(range(1, count + 1))
        assert sum(s["pages"] for s in shares) == shares[0]["of"] == 11  # 9 pages + 2 made
        if count > 1:
            assert all(len(_findings(p)) < len(expected) for p in parts)
        merged = tmp_path / f"merged-{count}.json"
        page = tmp_path / f"quality-{count}.md"
        root = tmp_path / "whole" / "mkdocs.yml"
        merging = [
            *map(str, parts),
            "-o",
            str(merged),
            "--quality-page",
            str(page),
            "-f",
            str(root),
        ]
        code = main(["report", "merge", *merging])
        assert code == 1
        assert _findings(merged) == expected, f"N={count}: the parts merged are the whole"
        assert f"Checked in {count} shards" in page.read_text()
    capsys.readouterr()
    # parts of two different splits do not merge
    mixed = [tmp_path / "part-1-of-2.json", tmp_path / "part-2-of-3.json"]
    assert main(["report", "merge", *map(str, mixed)]) == 2
    assert "error[DG121]" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["0/3", "4/3", "x", "1/0"])
def test_a_bad_shard_is_one_usage_error(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--shard", bad])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: docgen check")
    assert err.count("error:") == 1
    assert f"argument --shard: {bad!r}" in err
    assert "--shard takes I/N" in err


def test_a_shard_checks_a_built_site_too(
    tmp_path: Path, server: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _machine(tmp_path / "project", server.port)
    site = tmp_path / "project" / "site"
    assert main(["build", "-f", str(config), "--offline"]) == 1
    whole = tmp_path / "whole.json"
    assert _check(config, whole, "--site", str(site), "--only", "links") == 1
    parts = [tmp_path / f"part-{i}.json" for i in (1, 2)]
    for index, part in enumerate(parts, 1):
        _check(config, part, "--site", str(site), "--only", "links", "--shard", f"{index}/2")
    merged = tmp_path / "merged.json"
    assert main(["report", "merge", *map(str, parts), "-o", str(merged), "-f", str(config)]) == 1
    assert _findings(merged) == _findings(whole)
    capsys.readouterr()
