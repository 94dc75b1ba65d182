"""`docgen serve` for real: editing a workflow changes its served page."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

WORKFLOW = """\
# Builds the thing.
name: CI
on: push
jobs:
  {job}:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    page = None
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{url} never showed {text!r}; last page: {(page or '')[:500]}")


def test_editing_a_workflow_updates_the_served_page(project: Callable[..., Path]) -> None:
    root = project(
        {".github/workflows/ci.yml": WORKFLOW.format(job="build_wheels")},
        mkdocs=(
            "site_name: Served\nplugins:\n  - docgen:\n      diagrams: false\n"
            "      examples: false\n      links: false\n"
        ),
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "docgen", "serve", "-a", f"127.0.0.1:{port}", "-f", "mkdocs.yml"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/pipelines/ci/"
        wait_for(url, "build_wheels")
        (root / ".github" / "workflows" / "ci.yml").write_text(
            WORKFLOW.format(job="publish_docs"), encoding="utf-8"
        )
        page = wait_for(url, "publish_docs")
        assert "build_wheels" not in page
        assert not (root / "docs" / "pipelines").exists()  # virtual pages: docs/ untouched
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert b"Traceback" not in err


def test_serve_with_a_bad_config_is_exit_2(project: Callable[..., Path]) -> None:
    root = project(mkdocs="site_name: x\nplugins:\n  - docgen:\n      nope: 1\n")
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "serve", "-f", str(root / "mkdocs.yml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "nope" in done.stderr
    assert "Traceback" not in done.stderr
