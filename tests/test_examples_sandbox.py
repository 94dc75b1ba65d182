"""Each claim of the examples' sandbox (docs/user-guide/examples.md), tested by an example
that tries to break it: real sandboxed subprocesses, a real server on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.config import DocgenConfig, ExamplesConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.examples import check
from docgen.model import Document, StageResult

# Shell blocks run only when asked (a keyword, not `shell=True`: that reads as subprocess).
SHELL_ON: dict[str, object] = {"shell": True}


def _check(root: Path, markdown: str, *, offline: bool = False, **examples: object) -> StageResult:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "page.md").write_text(markdown, encoding="utf-8")
    settings = {"timeout": 5.0, "cache": False, **examples}
    config = DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=root / ".cache",
        offline=offline,
        examples=ExamplesConfig(**settings),  # type: ignore[arg-type]
    )
    return check(config, [Document("page.md", markdown, "docs/page.md")])


def _codes(result: StageResult) -> list[tuple[str, Severity, int | None]]:
    return [
        (d.code, d.severity, d.location.line if d.location else None) for d in result.diagnostics
    ]


def _one(result: StageResult, code: str) -> Diagnostic:
    (found,) = [d for d in result.diagnostics if d.code == code]
    return found


@pytest.fixture(autouse=True)
def nothing_left_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A temporary folder of the test's own: other test runs on the machine use /tmp too.
    own = tmp_path / "tmp"
    own.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own))
    yield
    assert list(own.iterdir()) == []


def test_environment_credentials_are_not_visible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_not_for_examples")
    monkeypatch.setenv("MY_API_KEY", "secret")
    page = (
        "```python\nimport os\nassert 'GITHUB_TOKEN' not in os.environ\n"
        "assert 'ghp_not_for_examples' not in repr(os.environ)\n```\n"
        '```console\n$ echo "${GITHUB_TOKEN:-absent} ${MY_API_KEY:-absent}"\nabsent absent\n```\n'
        "<!-- docgen: raises=KeyError -->\n```python\nos.environ['GITHUB_TOKEN']\n```\n"
    )
    result = _check(tmp_path, page, **SHELL_ON)
    assert result.diagnostics == ()
    assert result.summary["passed"] == 3


def test_cwd_home_and_tmp_are_a_removed_temporary_folder_but_writes_elsewhere_are_not_stopped(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside.txt"
    page = (
        "```python\nimport os, tempfile\n"
        "here = os.getcwd()\n"
        "assert os.path.basename(os.path.dirname(here)).startswith('docgen-examples-')\n"
        "assert os.environ['HOME'].startswith(os.path.dirname(here))\n"
        "assert tempfile.gettempdir().startswith(os.path.dirname(here))\n"
        "open('inside.txt', 'w').write('removed afterwards')\n"
        f"open({str(outside)!r}, 'w').write('written')\n```\n"
    )
    result = _check(tmp_path, page)
    assert result.diagnostics == ()
    # Documented: the sandbox is not a file-system jail; this write outside it succeeds.
    assert outside.read_text(encoding="utf-8") == "written"
    assert not (tmp_path / "inside.txt").exists()


def _running(marker: str) -> list[str]:
    found = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True, check=False)
    return found.stdout.split()


# Processes that leave the page's process group, three ways; each sleeps with the marker.
ESCAPES = """\
subprocess.Popen(['sleep', '{marker}'], start_new_session=True)
subprocess.Popen(['setsid', 'sleep', '{marker}'])
if os.fork() == 0:  # a daemon: fork, setsid, fork, and the middle one exits
    os.setsid()
    if os.fork() == 0:
        os.execvp('sleep', ['sleep', '{marker}'])
    os._exit(0)
"""


def _fork_loop(marker: str) -> str:
    """A bounded fork loop: 40 processes that would outlive the page, 10 out of its group."""
    escapes = ESCAPES.format(marker=marker)
    return (
        "```python\nimport os, resource, subprocess\n"
        "soft, _ = resource.getrlimit(resource.RLIMIT_NPROC)\n"
        "assert soft <= 4096, soft\n"
        "for _ in range(10):\n"
        f"    subprocess.Popen(['sleep', '{marker}'])\n"
        "    if os.fork() == 0:\n"
        f"        os.execvp('sleep', ['sleep', '{marker}'])\n"
        + "".join(f"    {line}\n" for line in escapes.splitlines())
        + "```\n"
    )


def test_every_process_an_example_starts_dies_with_its_page(tmp_path: Path) -> None:
    marker = "27.1828"
    result = _check(tmp_path, _fork_loop(marker))
    assert result.diagnostics == ()
    assert _running(marker) == []


def test_without_the_fork_server_too(tmp_path: Path) -> None:
    from docgen.examples.collect import collect, iter_runnable
    from docgen.examples.run import Sandbox, run_pages

    marker = "27.1829"
    page = collect("docs/page.md", _fork_loop(marker))
    (run,) = run_pages([(page.path, list(iter_runnable(page)))], Sandbox(fork_server=False))
    assert [record["status"] for record in run.records] == ["ok"]
    assert _running(marker) == []


def test_every_process_dies_when_a_block_times_out(tmp_path: Path) -> None:
    marker = "31.415"
    page = (
        "<!-- docgen: timeout=1 -->\n"
        "```python\nimport os, subprocess\n"
        f"subprocess.Popen(['sleep', '{marker}'])\n"
        + ESCAPES.format(marker=marker)
        + "while True:\n    pass\n```\n"
    )
    started = time.monotonic()
    result = _check(tmp_path, page)
    assert _codes(result) == [("DG503", Severity.ERROR, 3)]
    assert time.monotonic() - started < 10  # a shared machine: far less when idle
    assert _running(marker) == []


def test_memory_is_limited(tmp_path: Path) -> None:
    result = _check(tmp_path, "```python\ndata = bytearray(10 * 1024**3)\n```\n")
    error = _one(result, "DG501")
    assert error.message.startswith("MemoryError\n")
    assert "examples.memory_limit" in (error.hint or "")


@pytest.mark.parametrize(
    "code",
    [
        "print('x' * 100_000_000)",
        "import os\nos.write(1, b'x' * 100_000_000)",
    ],
)
def test_output_is_capped_and_said_truncated(tmp_path: Path, code: str) -> None:
    started = time.monotonic()
    result = _check(tmp_path, f"```python\n{code}\n```\n", output_limit=100_000)
    assert _codes(result) == [("DG504", Severity.ERROR, 2)]
    assert "truncated" in result.diagnostics[0].message
    assert time.monotonic() - started < 10  # a shared machine: far less when idle


def test_time_is_limited(tmp_path: Path) -> None:
    started = time.monotonic()
    result = _check(tmp_path, "```python\nimport time\ntime.sleep(60)\n```\n", timeout=0.5)
    assert _codes(result) == [("DG503", Severity.ERROR, 2)]
    assert time.monotonic() - started < 10  # a shared machine: far less when idle


@pytest.fixture
def server() -> Iterator[socket.socket]:
    listening = socket.create_server(("127.0.0.1", 0))
    listening.setblocking(False)
    yield listening
    listening.close()


def _accepted(listening: socket.socket) -> bool:
    try:
        connection, _ = listening.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


CONNECT = (
    "```python\nimport socket\n"
    "connection = socket.create_connection(('127.0.0.1', {port}), timeout=5)\n```\n"
    "```python\nconnection.close()\n```\n"
)


def test_the_network_is_off_by_default(tmp_path: Path, server: socket.socket) -> None:
    port = server.getsockname()[1]
    result = _check(tmp_path, CONNECT.format(port=port))
    assert _codes(result) == [("DG515", Severity.INFO, 3), ("DG514", Severity.INFO, 6)]
    needs = result.diagnostics[0]
    assert needs.message == f"python example needs the network: it tried to reach 127.0.0.1:{port}"
    assert "examples.network: true" in (needs.hint or "")
    assert "1 later example not run: the example at line 3 needs the network" in (
        result.diagnostics[1].message
    )
    assert not _accepted(server)
    assert (result.summary["skipped"], result.summary["failed"]) == (1, 0)


def test_a_server_needs_the_network_and_does_not_wait_for_the_timeout(tmp_path: Path) -> None:
    serve = (
        "```python\nimport socketserver\n\n"
        "server = socketserver.TCPServer(('127.0.0.1', 0), socketserver.BaseRequestHandler)\n"
        "server.serve_forever()\n```\n"
    )
    result = _check(tmp_path, serve)
    [needs] = [d for d in result.diagnostics if d.code == "DG515"]
    assert (needs.severity, needs.location and needs.location.line) == (Severity.INFO, 4)
    assert needs.message.startswith(
        "python example needs the network: it tried to reach 127.0.0.1:0"
    )
    assert needs.message.endswith("(to serve)")
    assert "DG503" not in {d.code for d in result.diagnostics}


def test_the_network_when_allowed(tmp_path: Path, server: socket.socket) -> None:
    port = server.getsockname()[1]
    result = _check(tmp_path, CONNECT.format(port=port), network=True)
    assert result.diagnostics == ()
    assert _accepted(server)


def test_offline_wins_over_an_allowed_network(tmp_path: Path, server: socket.socket) -> None:
    port = server.getsockname()[1]
    page = (
        "```python\nimport urllib.request\n"
        "urllib.request.urlopen('https://docs.example.org/')\n```\n" + CONNECT.format(port=port)
    )
    result = _check(tmp_path, page, offline=True, network=True)
    needs = _one(result, "DG515")
    assert needs.message.endswith("it tried to reach docs.example.org:443")
    assert "--offline" in (needs.hint or "")
    assert not [d for d in result.diagnostics if d.severity is not Severity.INFO]
    assert not _accepted(server)


def _namespaces() -> bool:
    """Whether this system lets a process have a network of its own (user namespaces)."""
    probe = "import ctypes, os; os._exit(ctypes.CDLL(None).unshare(0x50000000) != 0)"
    return subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0


@pytest.mark.skipif(not _namespaces(), reason="no unprivileged user namespaces here")
def test_programs_an_example_starts_are_off_the_network_too(
    tmp_path: Path, server: socket.socket
) -> None:
    port = server.getsockname()[1]
    page = (
        "```console\n$ id -u\n" + str(os.getuid()) + "\n```\n"
        f"```bash\nexec 3<>/dev/tcp/127.0.0.1/{port}\n```\n"
        "```python\nimport subprocess, sys\n"
        f"connect = 'import socket; socket.create_connection((\"127.0.0.1\", {port}))'\n"
        "subprocess.run([sys.executable, '-c', connect], check=True)\n```\n"
    )
    result = _check(tmp_path, page, **SHELL_ON)
    assert _codes(result) == [("DG515", Severity.INFO, 6), ("DG515", Severity.INFO, 11)]
    assert result.diagnostics[0].message == (
        "bash example needs the network: connect: Network is unreachable"
    )
    assert "Network is unreachable" in result.diagnostics[1].message
    assert not _accepted(server)
    assert result.summary["passed"] == 1  # the page keeps its user id in its namespace


def test_a_page_ended_by_sigterm_is_a_crash_not_an_exit(tmp_path: Path) -> None:
    # The worker ends its page on SIGTERM; the page itself keeps the default handler.
    result = _check(
        tmp_path, "```python\nimport os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n```\n"
    )
    (error,) = [d for d in result.diagnostics if d.code == "DG505"]
    assert "killed by signal 15" in error.message
