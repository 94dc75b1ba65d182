"""Running examples for real: sandboxed subprocesses, bad inputs, update, cache."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.config import DocgenConfig, ExamplesConfig
from docgen.diagnostics import Diagnostic, Location, Severity
from docgen.examples import check
from docgen.examples.run import SECRET_WORDS, environment
from docgen.model import Document, StageResult

GOOD = """# A page that works

<!-- docgen: setup
```python
import json
greeting = "hello"
```
-->

```python title="shapes.py"
def area(width, height):
    return width * height
```

```python
from shapes import area
total = area(2, 3)
print(greeting, total)
```

!!! example "A session"

    ```pycon
    >>> total + 1
    7
    >>> print("a\\n\\nb")
    a
    <BLANKLINE>
    b
    >>> json.dumps({"n": 1})
    '{"n": ...}'
    ```

=== "bash"

    ```bash
    export NAME=docgen
    mkdir -p build && cd build
    ```

=== "console"

    ```console
    $ echo "$NAME in $(basename "$PWD")"
    docgen in build
    $ echo one \\
    >   two
    one two
    $ cd ..
    $ ls
    build
    shapes.py
    ```

<!-- docgen: raises=ZeroDivisionError -->
```python
1 / 0
```

<!-- docgen: raises=SystemExit -->
```python
import sys
sys.exit(2)
```

```python
import sys
sys.exit(0)
```

```python
import asyncio
await asyncio.sleep(0)
```

<!-- docgen: exit=3 -->
```bash
exit 3
```

<!-- docgen: output=ignore -->
```console
$ date
Monday, whatever
```

<!-- docgen: skip reason="needs network" -->
```python
import urllib.request
urllib.request.urlopen("https://example.com")
```

```yaml
on:
  push:
site_name: !ENV [SITE, "x"]
```

```json
{"a": [1, 2]}
```

```toml
[tool.x]
a = 1
```

```text
not run
```
"""

# Shell blocks run only when asked (a keyword, not `shell=True`: that reads as subprocess).
SHELL_ON: dict[str, object] = {"shell": True}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    return tmp_path


def _config(root: Path, **examples: object) -> DocgenConfig:
    settings = {"timeout": 5.0, "cache": False, **examples}
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=root / ".cache",
        examples=ExamplesConfig(**settings),  # type: ignore[arg-type]
    )


def _write(root: Path, pages: dict[str, str]) -> list[Document]:
    documents = []
    for name, text in pages.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
        documents.append(Document(name, text, f"docs/{name}"))
    return documents


def _problems(result: StageResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.severity is not Severity.INFO]


def _where(result: StageResult) -> list[tuple[str, str, int | None]]:
    return [
        (d.code, d.location.path if d.location else "", d.location.line if d.location else None)
        for d in _problems(result)
    ]


@pytest.fixture
def no_leftovers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A temporary folder of the test's own: other runs (an xdist worker, another checkout)
    # make docgen-examples-* folders in /tmp at the same time.
    own = tmp_path / "tmp"
    own.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own))
    yield
    assert list(own.glob("docgen-examples-*")) == []


@pytest.mark.usefixtures("no_leftovers")
def test_a_good_page_passes(project: Path) -> None:
    documents = _write(project, {"good.md": GOOD})
    documents.append(Document("generated.md", "```python\n1/0\n```\n", "x.yml", generated=True))
    result = check(_config(project, **SHELL_ON), documents)
    assert _problems(result) == []
    (skipped,) = [d for d in result.diagnostics if d.code == "DG511"]
    assert skipped.message == "python example skipped: needs network"
    assert result.summary == {
        "pages": 1,
        "examples": 17,
        "run": 15,
        "passed": 15,
        "failed": 0,
        "skipped": 1,
        "not_reached": 0,
        "not_run": {"text": 1},
        "pages_run": 1,
        "pages_cached": 0,
        "updated": 0,
    }
    assert len(result.model["examples"]) == 17  # type: ignore[arg-type]
    assert not (project / "shapes.py").exists()


BAD = {
    "loop.md": "# Loop\n\n```python\nwhile True:\n    pass\n```\n\n```python\nprint(0)\n```\n",
    "flood.md": "```python\nwhile True:\n    print('x' * 1_000_000)\n```\n",
    "stdin.md": "```python\nname = input()\n```\n",
    "exit.md": "```python\nimport sys\n\nsys.exit(3)\n```\n",
    "osexit.md": "```python\nimport os\nprint('bye')\nos._exit(5)\n```\n```python\nx = 1\n```\n",
    "token.md": "```python\nimport os\ntoken = os.environ['GITHUB_TOKEN']\n```\n",
    "unclosed.md": "# Unclosed\n\n```python\nx = 1\n\nThe rest of the page.\n",
    "deep.md": (
        "```python\ndef f(x):\n    return 1 / x\n```\n\nText.\n\n```python\nf(1)\nf(0)\n```\n"
    ),
    "syntax.md": "```python\nx = 1\nif x\n    pass\n```\n",
    "raises.md": (
        "<!-- docgen: raises=KeyError -->\n```python\nx = 1\n```\n"
        "<!-- docgen: raises=KeyError -->\n```python\n[][1]\n```\n"
    ),
    "bash.md": "```bash\necho start\nfalse\necho never\n```\n",
    "unset.md": "```sh\necho $UNSET_VARIABLE\n```\n",
    "console.md": "```console\n$ exit 4\n```\n",
    "data.md": '```yaml\na: [\n```\n\n```json\n{"a": 1,}\n```\n\n```toml\na = \n```\n',
    "session.md": "```pycon\n>>> x = 2\n>>> x\n3\n>>> 1 / 0\n```\n",
    "titled.md": (
        '```python title="calc.py"\ndef half(x):\n    return x / 0\n```\n'
        "```python\nimport calc\ncalc.half(1)\n```\n"
    ),
    "zz-good.md": "```python\nprint('still runs')\n```\n",
}


@pytest.mark.usefixtures("no_leftovers")
def test_bad_inputs_give_one_diagnostic_each_at_the_right_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    documents = _write(project, BAD)
    documents.append(Document("latin.md", "caf\udce9\n", "docs/latin.md"))
    settings = {"timeout": 1.0, "output_limit": 10_000, "jobs": 2, "shell": True}
    result = check(_config(project, **settings), documents)
    assert sorted(_where(result)) == sorted(
        [
            ("DG503", "docs/loop.md", 4),
            ("DG504", "docs/flood.md", 3),
            ("DG501", "docs/stdin.md", 2),
            ("DG501", "docs/exit.md", 4),
            ("DG505", "docs/osexit.md", 2),
            ("DG501", "docs/token.md", 3),
            ("DG508", "docs/unclosed.md", 3),
            ("DG501", "docs/deep.md", 3),
            ("DG501", "docs/syntax.md", 3),
            ("DG506", "docs/raises.md", 3),
            ("DG506", "docs/raises.md", 7),
            ("DG501", "docs/bash.md", 3),
            ("DG501", "docs/unset.md", 2),
            ("DG501", "docs/console.md", 2),
            ("DG507", "docs/data.md", 2),
            ("DG507", "docs/data.md", 6),
            ("DG507", "docs/data.md", 10),
            ("DG502", "docs/session.md", 3),
            ("DG501", "docs/session.md", 5),
            ("DG509", "docs/latin.md", 1),
            ("DG501", "docs/titled.md", 3),
        ]
    )
    by = {(d.location.path, d.location.line): d for d in _problems(result) if d.location}
    assert "did not finish within 1 s" in by["docs/loop.md", 4].message
    infos = {(d.location.path, d.code): d for d in result.diagnostics if d.location}
    assert (infos["docs/loop.md", "DG514"].message, infos["docs/loop.md", "DG514"].location) == (
        "1 later example not run: the example at line 4 timed out",
        Location("docs/loop.md", 8),
    )
    assert "stdin is closed" in (by["docs/stdin.md", 2].hint or "")
    assert "EOFError" in by["docs/stdin.md", 2].message
    assert "exited with status 3" in by["docs/exit.md", 4].message
    assert "exited with status 5" in by["docs/osexit.md", 2].message
    assert "bye" in by["docs/osexit.md", 2].message
    assert infos["docs/osexit.md", "DG514"].message == (
        "1 later example not run: the example at line 2 ended the page's process"
    )
    assert "KeyError: 'GITHUB_TOKEN'" in by["docs/token.md", 3].message
    assert "credentials" in (by["docs/token.md", 3].hint or "")
    assert "ZeroDivisionError" in by["docs/deep.md", 3].message
    assert ">    3 |     return 1 / x" in by["docs/deep.md", 3].message
    assert 'File "docs/deep.md", line 3, in f' in by["docs/deep.md", 3].message
    assert "SyntaxError" in by["docs/syntax.md", 3].message
    assert "expected KeyError, nothing was raised" in by["docs/raises.md", 3].message
    assert "expected KeyError, got IndexError" in by["docs/raises.md", 7].message
    assert "status 1" in by["docs/bash.md", 3].message
    assert "docs/unset.md:2: UNSET_VARIABLE: unbound variable" in by["docs/unset.md", 2].message
    assert "-3\n+2" in by["docs/session.md", 3].message
    assert "not valid UTF-8" in by["docs/latin.md", 1].message
    summary = result.summary
    assert summary["not_reached"] == 2  # the blocks after the endless loop and os._exit
    assert summary["pages_run"] == 15
    assert ">    3 |     return x / 0" in by["docs/titled.md", 3].message


@pytest.mark.usefixtures("no_leftovers")
def test_nothing_is_left_behind(project: Path) -> None:
    marker = "31.4159"
    page = (
        "```python\nimport os, subprocess, time\n"
        "open('written.txt', 'w').write(os.getcwd())\n"
        f"subprocess.Popen(['sleep', '{marker}'])\n"
        "if os.fork() == 0:\n    time.sleep(0.2)\n```\n"
        f"```bash\nsleep {marker} &\necho started\n```\n"
        "```python\nprint(os.environ['HOME'], os.environ['TMPDIR'])\n```\n"
    )
    result = check(_config(project, **SHELL_ON), _write(project, {"spawn.md": page}))
    assert _problems(result) == []
    assert result.summary["passed"] == 3
    assert not (project / "written.txt").exists()
    found = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, check=False)
    assert found.stdout == b""


def test_update_rewrites_expected_output(project: Path) -> None:
    page = (
        "!!! note\n"
        "    ```pycon\n"
        "    >>> print('a\\n\\nb')\n"
        "    old\n"
        "    >>> 1 + 1\n"
        "    >>> 2 + 2\n"
        "    4\n"
        "    ```\n"
        "\n"
        "```console\n"
        "$ printf 'x\\ny\\n'\n"
        "z\n"
        "$ echo same\n"
        "same\n"
        "```\n"
    )
    documents = _write(project, {"update.md": page})
    first = check(_config(project, update=True, **SHELL_ON), documents)
    assert _problems(first) == []
    assert [d.code for d in first.diagnostics] == ["DG512", "DG512", "DG512"]
    assert first.summary["updated"] == 3
    text = (project / "docs" / "update.md").read_text(encoding="utf-8")
    assert text == page.replace("    old\n", "    a\n    <BLANKLINE>\n    b\n").replace(
        "    >>> 1 + 1\n", "    >>> 1 + 1\n    2\n"
    ).replace("z\n", "x\ny\n")
    again = check(_config(project, **SHELL_ON), _write(project, {"update.md": text}))
    assert _problems(again) == []


def test_update_does_not_touch_a_file_changed_meanwhile(project: Path) -> None:
    page = "```console\n$ echo new\nold\n```\n"
    documents = _write(project, {"changed.md": page})
    (project / "docs" / "changed.md").write_text("edited\n", encoding="utf-8")
    result = check(_config(project, update=True, **SHELL_ON), documents)
    assert [d.code for d in result.diagnostics] == ["DG513"]
    assert (project / "docs" / "changed.md").read_text(encoding="utf-8") == "edited\n"


def test_clean_pages_are_cached(project: Path) -> None:
    pages = {
        "ok.md": "```python\nprint(1)\n```\n",
        "bad.md": "```python\n1 / 0\n```\n",
    }
    config = _config(project, cache=True)
    first = check(config, _write(project, pages))
    assert (first.summary["pages_run"], first.summary["pages_cached"]) == (2, 0)
    second = check(config, _write(project, pages))
    assert (second.summary["pages_run"], second.summary["pages_cached"]) == (1, 1)
    assert second.summary["passed"] == 1
    assert [d.code for d in second.diagnostics] == ["DG501"]
    moved = check(config, _write(project, {"ok.md": "Prose.\n\n" + pages["ok.md"]}))
    assert moved.summary["pages_cached"] == 1
    edited = check(config, _write(project, {"ok.md": "```python\nprint(2)\n```\n"}))
    assert edited.summary["pages_cached"] == 0
    (project / "mymodule.py").write_text("x = 1\n", encoding="utf-8")
    project_changed = check(config, _write(project, {"ok.md": pages["ok.md"]}))
    assert project_changed.summary["pages_cached"] == 0
    forced = check(_config(project, cache=False), _write(project, {"ok.md": pages["ok.md"]}))
    assert forced.summary["pages_run"] == 1


def test_defaults_and_pages_without_runnable_examples(project: Path) -> None:
    config = DocgenConfig(
        root=project, docs_dir=project / "docs", site_dir=project / "site", examples=None
    )
    result = check(config, _write(project, {"plain.md": "# Only prose\n\n```text\nx\n```\n"}))
    assert result.diagnostics == ()
    assert result.summary["not_run"] == {"text": 1}
    assert result.summary["pages_run"] == 0


def test_environment_is_scrubbed(tmp_path: Path) -> None:
    base = {
        "PATH": "/usr/bin",
        "GITHUB_TOKEN": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "DB_PASSWORD": "x",
        "SSH_AUTH_SOCK": "x",
        "PYTHONSTARTUP": "evil.py",
        "LANG": "C.UTF-8",
    }
    env = environment(base, tmp_path / "home", tmp_path / "tmp")
    assert env["PATH"] == "/usr/bin"
    assert env["LANG"] == "C.UTF-8"
    assert env["HOME"] == str(tmp_path / "home")
    assert not [name for name in env if any(word in name for word in SECRET_WORDS)]
    assert "PYTHONSTARTUP" not in env


def test_the_sandbox_process_cannot_be_started(project: Path) -> None:
    from docgen.examples.collect import collect, iter_runnable
    from docgen.examples.run import Sandbox, run_page

    page = collect("docs/p.md", "```python\nx = 1\n```\n")
    run = run_page(page.path, list(iter_runnable(page)), Sandbox(python="/nonexistent/python"))
    assert run.error is not None
    assert run.records == ()


def test_jobs_zero_means_every_core(project: Path) -> None:
    pages = {f"p{i}.md": f"```python\nprint({i})\n```\n" for i in range(3)}
    result = check(_config(project, jobs=0), _write(project, pages))
    assert result.summary["passed"] == 3
    assert os.cpu_count()


def test_pages_also_run_without_the_fork_server(project: Path) -> None:
    from docgen.examples.collect import collect, iter_runnable
    from docgen.examples.run import Sandbox, run_pages

    good = collect("docs/good.md", "```python\nimport os\nprint(os.environ['PWD'])\n```\n")
    gone = collect("docs/gone.md", "```python\nimport os\nos._exit(9)\n```\n")
    pages = [(page.path, list(iter_runnable(page))) for page in (good, gone)]
    first, second = run_pages(pages, Sandbox(jobs=2, fork_server=False))
    (record,) = first.records
    assert record["status"] == "ok"
    assert "docgen-examples-" in record["output"]
    assert (second.returncode, second.unfinished, second.records) == (9, 0, ())


def test_marker_problems_become_warnings(project: Path) -> None:
    page = "<!-- docgen: skipp -->\n```python\nx = 1\n```\n"
    result = check(_config(project), _write(project, {"marker.md": page}))
    (warning,) = result.diagnostics
    assert (warning.code, warning.severity, warning.location) == (
        "DG510",
        Severity.WARNING,
        Location("docs/marker.md", 1),
    )
    assert "unknown marker `skipp`" in warning.message
    assert result.summary["passed"] == 1


def test_workers_that_ran_no_page_are_ended_without_waiting() -> None:
    import time

    from docgen.examples.run import Sandbox, start_workers

    workers = start_workers(Sandbox(), 2)
    assert len(workers.pids) == 2
    started = time.monotonic()
    workers.close()
    assert time.monotonic() - started < 2
    assert workers.pids == []


@pytest.mark.usefixtures("no_leftovers")
def test_workers_given_to_run_pages_stay_open_for_their_caller(project: Path) -> None:
    from docgen.examples.collect import collect, iter_runnable
    from docgen.examples.run import Sandbox, run_pages, start_workers

    page = collect("docs/p.md", "```python\nprint('hi')\n```\n")
    pages = [(page.path, list(iter_runnable(page)))]
    workers = start_workers(Sandbox(), 1)
    (pid,) = workers.pids
    try:
        for _ in range(2):
            (run,) = run_pages(pages, Sandbox(), workers)
            assert [record["status"] for record in run.records] == ["ok"]
            assert workers.pids == [pid]  # the same warm worker, still running
        assert workers.used
    finally:
        workers.close()


@pytest.mark.usefixtures("no_leftovers")
def test_a_worker_that_cannot_start_is_one_error_per_page(project: Path) -> None:
    from docgen.examples.collect import collect, iter_runnable
    from docgen.examples.run import Sandbox, run_pages

    page = collect("docs/p.md", "```python\nprint('hi')\n```\n")
    sandbox = Sandbox(python=sys.executable, jobs=1)
    pages = [(page.path, list(iter_runnable(page)))] * 2
    broken = dataclasses.replace(sandbox, python="/bin/false")
    first, second = run_pages(pages, broken)
    assert first.error == second.error == "its worker exited with status 1"
    assert first.records == ()
    missing = dataclasses.replace(sandbox, python="/nonexistent/python")
    (run,) = run_pages(pages[:1], missing)
    assert (run.error or "").startswith("could not start a worker: [Errno 2]")


@pytest.mark.usefixtures("no_leftovers")
def test_pages_with_fences_but_nothing_to_run(project: Path) -> None:
    pages = {"text.md": "```text\nhello\n```\n", "data.md": "```yaml\na: 1\n```\n"}
    result = check(_config(project), _write(project, pages))
    assert _problems(result) == []
    assert result.summary["pages_run"] == 0
    assert result.summary["passed"] == 1


@pytest.mark.usefixtures("no_leftovers")
def test_ctrl_c_ends_the_pages_and_removes_their_folders(project: Path) -> None:
    import signal
    import time

    from docgen.examples.collect import collect, iter_runnable
    from docgen.examples.run import Sandbox, run_pages

    marker = "41.2718"
    code = f"```python\nimport subprocess\nsubprocess.run(['sleep', '{marker}'])\n```\n"
    page = collect("docs/p.md", code)
    pages = [(page.path, list(iter_runnable(page)))] * 2

    def interrupt(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_pages(pages, Sandbox(jobs=2, timeout=60))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 10
    found = subprocess.run(["pgrep", "-f", marker], capture_output=True, check=False)
    assert found.stdout == b""
