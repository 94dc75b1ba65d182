"""The page driver (runner_child) run in this process, so every branch is measured.

The same driver runs in a sandboxed subprocess in test_examples_run.py; here its stdout,
stderr, sys.modules['__main__'] and cwd are borrowed for one call and given back.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from docgen.examples import runner_child, runner_trace
from docgen.examples.collect import collect, iter_runnable
from docgen.examples.run import Sandbox, make_job


@pytest.fixture
def borrowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("work", "scratch"):
        (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    # The driver turns the network off by patching socket: given back after the test.
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, getattr(socket, name))
    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, getattr(socket.socket, name))
    return tmp_path


def _drive(root: Path, markdown: str, **sandbox: Any) -> list[dict[str, Any]]:
    page = collect("docs/p.md", markdown)
    (root / "results.jsonl").unlink(missing_ok=True)
    job = make_job(page.path, list(iter_runnable(page)), Sandbox(**sandbox), root)
    job["limits"] = {"core": 0}  # this is the test process: only a harmless limit
    (root / "job.json").write_text(json.dumps(job), encoding="utf-8")
    # Here, not in the fixture: pytest puts its own capture back on fd 1 and 2 before a test.
    saved = os.dup(1), os.dup(2)
    output = os.open(root / "output", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(output, 1)
    os.dup2(output, 2)
    try:
        assert runner_child.main(["runner_child.py", str(root / "job.json")]) == 0
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, output):
            os.close(fd)
    lines = (root / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [record for record in map(json.loads, lines) if record["event"] == "end"]


def _brief(records: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(r["status"], r["line"]) for r in records]


PYTHON = """\
```python
value = 41
```
<!-- docgen: raises=ValueError -->
```python
int("x")
```
<!-- docgen: raises=builtins.KeyError -->
```python
{}["k"]
```
<!-- docgen: raises=KeyError -->
```python
value += 1
```
```python
import sys
sys.exit()
```
<!-- docgen: raises=SystemExit -->
```python
sys.exit(1)
```
<!-- docgen: raises=SyntaxError -->
```python
if True
```
```python
import asyncio
await asyncio.sleep(0)
print(value)
```
```text title="data/notes.txt"
saved
```
```python
with open("data/notes.txt") as file:
    print(file.read())
```
"""
# Each of these fails, and so ends its page's Python session: one page each.
FAILING = {
    "wrong": "<!-- docgen: raises=KeyError -->\n```python\n[][0]\n```\n",
    "exit": '```python\nimport sys\nsys.exit("bad")\n```\n',
    "syntax": "```python\nif True\n```\n",
    "deep": '```python\ndef boom():\n    raise RuntimeError("deep")\nboom()\n```\n',
    "spam": '```python\nwhile True:\n    print("spam " * 100)\n```\n',
    "multi": '```python\nraise ValueError("\\nfirst\\nsecond")\n```\n',
    "chained": (
        '```python\ntry:\n    {}["k"]\nexcept KeyError as exc:\n'
        '    raise ValueError("v") from exc\n```\n'
    ),
    "json": '```python\nimport json\njson.loads("{")\n```\n',
    "network": "```python\nimport socket\nsocket.create_connection(('example.org', 80))\n```\n",
    "group": '```python\nraise ExceptionGroup("two", [KeyError(1), ValueError(2)])\n```\n',
    "titled": (
        '```python title="docgen_titled_example.py"\ndef f():\n    raise KeyError(1)\n```\n'
        "```python\nimport docgen_titled_example\ndocgen_titled_example.f()\n```\n"
    ),
}


def test_python_blocks(borrowed: Path) -> None:
    records = _drive(borrowed, PYTHON, output_limit=2000)
    assert _brief(records) == [
        ("ok", 2),
        ("ok", 6),
        ("ok", 10),
        ("not_raised", 14),
        ("ok", 17),
        ("ok", 22),
        ("ok", 26),
        ("ok", 29),
        ("ok", 37),
    ]
    assert records[3]["message"] == "expected KeyError, nothing was raised"
    assert records[7]["output"] == "42\n"
    assert records[8]["output"] == "saved\n\n"
    assert (borrowed / "work" / "data" / "notes.txt").read_text(encoding="utf-8") == "saved\n"


def test_failing_python_blocks(borrowed: Path) -> None:
    found = {}
    for name, markdown in FAILING.items():
        *_, record = _drive(borrowed, markdown, output_limit=2000)
        found[name] = record
    sys.modules.pop("docgen_titled_example", None)
    assert {name: (r["status"], r["line"]) for name, r in found.items()} == {
        "wrong": ("not_raised", 3),
        "exit": ("error", 3),
        "syntax": ("error", 2),
        "deep": ("error", 3),
        "spam": ("output_limit", 3),
        "multi": ("error", 2),
        "chained": ("error", 5),
        "json": ("error", 3),
        "network": ("network", 3),
        "group": ("error", 2),
        "titled": ("error", 3),
    }
    assert "The above exception was the direct cause" in found["chained"]["detail"]
    assert found["chained"]["detail"].count('File "docs/p.md"') == 2
    assert found["json"]["message"].startswith("json.decoder.JSONDecodeError: Expecting")
    assert found["network"]["message"] == "needs the network: it tried to reach example.org:80"
    assert found["group"]["message"] == "ExceptionGroup: two (2 sub-exceptions)"
    assert 'File "docs/p.md", line 3, in f' in found["titled"]["detail"]
    assert "docgen_titled_example.py" not in found["titled"]["detail"]
    assert found["wrong"]["message"] == "expected KeyError, got IndexError: list index out of range"
    assert found["exit"]["message"] == "the example exited with status bad"
    assert found["syntax"]["message"] == "SyntaxError: expected ':'"
    assert 'File "docs/p.md", line 3, in boom' in found["deep"]["detail"]
    # The headline is the first line of the message; the traceback has the user's frames only.
    assert found["multi"]["message"] == "ValueError: first"
    assert found["multi"]["detail"].startswith("Traceback (most recent call last):\n")
    assert "runner_child" not in found["multi"]["detail"]
    assert found["multi"]["detail"].endswith("ValueError: \nfirst\nsecond\n")


SESSIONS = """\
```pycon
>>> x = 1
>>> x
1
>>> x + 1
3
>>> print("a")
>>> 1 / 0
Traceback (most recent call last):
ZeroDivisionError: division by zero
```
```pycon
>>> undefined_name
>>> print("not run: the session ended at its first exception")
no
```
```pycon
>>> print("not run: the page's session ended")
```
"""


def test_pycon_blocks(borrowed: Path) -> None:
    records = _drive(borrowed, SESSIONS)
    assert _brief(records) == [("mismatch", 5), ("error", 13), ("blocked", 18)]
    first = records[0]["mismatches"]
    assert [(m["line"], m["start"], m["count"], m["got"]) for m in first] == [
        (5, 6, 1, ["2"]),
        (7, 8, 0, ["a"]),
    ]
    assert records[1]["message"] == "NameError: name 'undefined_name' is not defined"
    assert records[1]["mismatches"] == []
    assert (records[2]["cause"], records[2]["why"]) == (13, "failed")
    (syntax,) = _drive(borrowed, "# Session\n\n```pycon\n>>> x = 1\n>>> if x\n```\n")
    assert (syntax["line"], syntax["message"]) == (5, "SyntaxError: expected ':'")
    assert syntax["detail"].startswith('  File "docs/p.md", line 5\n')
    (unreadable,) = _drive(borrowed, "```pycon\n>>>bad\n```\n")
    assert "cannot read the session" in unreadable["message"]


SHELL = """\
```bash
export GREETING=hi
cd "$(mktemp -d)"
```
```console
$ echo "$GREETING"
hi
$ printf 'a\\nb\\n'
a
b
$ false
1
$ cat <<EOF
> multi
> EOF
multi
$ echo one \\
two
one two
$
```
<!-- docgen: exit=4 -->
```bash
echo before
exit 4
```
```bash
echo "${GREETING:-gone}"
false
```
```bash
echo "not run: the session failed"
```
"""
SHELL_FAILING = {
    "unset": "```bash\necho $NOT_SET_ANYWHERE\n```\n",
    "flood": "```console\n$ yes | head -c 5000\n```\n",
    "status": "```console\n$ exit 7\n$ echo after\nafter\n```\n```bash\necho not run\n```\n",
    "ignored": (
        "<!-- docgen: output=ignore -->\n```console\n$ exit 7\nshown\n```\n"
        "```console\n$ echo not run\n```\n"
    ),
    "compared": "```console\n$ false\nshown\n```\n```console\n$ echo runs\n```\n",
}


def test_shell_blocks(borrowed: Path) -> None:
    records = _drive(borrowed, SHELL, output_limit=1000)
    assert _brief(records) == [
        ("ok", 2),
        ("ok", 6),
        ("ok", 24),
        ("error", 29),
        ("blocked", 32),
    ]
    commands = records[1]["commands"]
    assert [(c["line"], c["status"], c["got"]) for c in commands] == [
        (6, 0, "hi\n"),
        (8, 0, "a\nb\n"),
        (11, 1, ""),
        (13, 0, "multi\n"),
        (17, 0, "one two\n"),
        (20, 0, ""),
    ]
    assert commands[3]["command"] == "cat <<EOF\nmulti\nEOF"
    assert commands[1]["expected"] == ["a", "b"]
    assert records[3]["message"] == "the script exited with status 1"
    assert records[3]["detail"] == "gone\n"  # the session restarted after `exit 4`
    found = {
        name: _drive(borrowed, page, output_limit=1000) for name, page in SHELL_FAILING.items()
    }
    assert {name: _brief(r) for name, r in found.items()} == {
        "unset": [("error", 2)],
        "flood": [("output_limit", 2)],
        "status": [("ok", 2), ("blocked", 7)],
        "ignored": [("ok", 3), ("blocked", 7)],
        "compared": [("ok", 2), ("ok", 6)],
    }
    assert "docs/p.md:2: NOT_SET_ANYWHERE: unbound variable" in found["unset"][0]["detail"]
    assert [(c["status"], c["got"]) for c in found["status"][0]["commands"]] == [
        (7, ""),
        (0, "after\n"),
    ]


def test_setup_runs_first_and_its_failure_ends_the_python_session(borrowed: Path) -> None:
    page = "```python\nprint(json.dumps(1))\n```\n```console\n$ echo shell\nshell\n```\n"
    assert _brief(_drive(borrowed, page, setup="import json")) == [("ok", 2), ("ok", 5)]
    assert _brief(_drive(borrowed, page, setup="  ")) == [("error", 2), ("ok", 5)]
    records = _drive(borrowed, page, setup="import json\nraise OSError('no')")
    assert _brief(records) == [("blocked", 2), ("ok", 5)]
    assert (records[0]["cause"], records[0]["why"]) == (0, "examples.setup failed")
    setup = [
        json.loads(line)
        for line in (borrowed / "results.jsonl").read_text(encoding="utf-8").splitlines()
        if '"setup"' in line
    ]
    assert [(r["message"], r["line"]) for r in setup] == [("OSError: no", 2)]
    assert 'File "examples.setup", line 2, in <module>' in setup[0]["detail"]
    offline = "import urllib.request\nurllib.request.urlopen('http://example.org')"
    records = _drive(borrowed, page, setup=offline)
    assert records[0]["why"] == "examples.setup failed"
    lines = (borrowed / "results.jsonl").read_text(encoding="utf-8").splitlines()
    (setup_record,) = [json.loads(line) for line in lines if '"setup"' in line]
    assert setup_record["status"] == "network"
    assert setup_record["message"] == "needs the network: it tried to reach example.org:80"


def test_a_wrong_exception_ends_the_session_and_a_missing_one_does_not(borrowed: Path) -> None:
    page = (
        "<!-- docgen: raises=KeyError -->\n```python\nx = 1\n```\n"
        "<!-- docgen: raises=KeyError -->\n```python\n[][0]\n```\n"
        "```python\nprint(x)\n```\n"
    )
    assert _brief(_drive(borrowed, page)) == [("not_raised", 3), ("not_raised", 7), ("blocked", 10)]


class _Page:
    network: str | None = None


def test_the_network_guard_refuses_and_notes(borrowed: Path) -> None:
    page = _Page()
    server = socket.create_server(("127.0.0.1", 0))  # the test's own, before the guard
    runner_child.guard_network(page, allowed=False)  # type: ignore[arg-type]
    with pytest.raises(ConnectionRefusedError, match=r"127\.0\.0\.1:0 \(to serve\)"):
        socket.create_server(("127.0.0.1", 0))
    assert page.network == "127.0.0.1:0 (to serve)"
    page.network = None
    assert socket.getaddrinfo("127.0.0.1", 80)
    assert socket.getaddrinfo(None, 80)
    assert socket.gethostbyname("127.0.0.1") == "127.0.0.1"
    assert page.network is None
    with pytest.raises(socket.gaierror, match="network is off"):
        socket.gethostbyname("example.org")
    assert page.network == "example.org"
    page.network = None
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.org", None)
    assert page.network == "example.org"
    with server:
        port = server.getsockname()[1]
        page.network = None
        with pytest.raises(ConnectionRefusedError, match="network is off"):
            socket.create_connection(("127.0.0.1", port))
        assert page.network == f"127.0.0.1:{port}"
        with socket.socket() as client:
            assert client.connect_ex(("127.0.0.1", port)) == errno.ECONNREFUSED
        with (
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
            pytest.raises(OSError, match="network is off"),
        ):
            udp.sendto(b"x", ("127.0.0.1", port))
    # Unix sockets are not the network.
    path = str(borrowed / "unix.sock")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(path)
        listener.listen()
        for method in ("connect", "connect_ex"):
            with socket.socket(socket.AF_UNIX) as client:
                assert getattr(client, method)(path) in (None, 0)
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as datagram:
            datagram.bind(path + "2")
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
                assert sender.sendto(b"x", path + "2") == 1


def test_the_network_guard_when_allowed_notes_failed_lookups(borrowed: Path) -> None:
    page = _Page()
    runner_child.guard_network(page, allowed=True)  # type: ignore[arg-type]
    assert socket.getaddrinfo("127.0.0.1", 80)
    assert page.network is None
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("127.0.0.1", "no-such-service")
    assert page.network == "127.0.0.1:no-such-service"
    page.network = None
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("127.0.0.1", None, type=-1)
    assert page.network == "127.0.0.1"


def test_programs_that_say_there_is_no_network(borrowed: Path) -> None:
    page = """\
```bash
echo "curl: (6) Could not resolve host: example.org" >&2
exit 6
```
```console
$ echo "fatal: unable to access: Could not resolve host: example.org"; false
```
```python
import subprocess
subprocess.run(["sh", "-c", "echo 'ssh: Network is unreachable'; exit 255"], check=True)
```
```console
$ echo "Could not resolve host is fine when the command succeeds"
Could not resolve host is fine when the command succeeds
```
"""
    records = _drive(borrowed, page)
    assert [(r["status"], r["line"], r.get("message")) for r in records] == [
        ("network", 2, "needs the network: curl: (6) Could not resolve host: example.org"),
        ("blocked", 6, None),
        ("network", 10, "needs the network: ssh: Network is unreachable"),
        ("blocked", 13, None),
    ]
    console = "```console\n$ echo 'Could not resolve host: example.org'; false\nshown\n```\n"
    assert _brief(_drive(borrowed, console)) == [("network", 2)]


def test_a_scripts_entry_point_runs_only_when_asked(borrowed: Path) -> None:
    page = """\
```python
import sys
print(__name__)
class Hero:
    pass
```
```python
def serve():
    sys.exit("the server started")

if __name__ == "__main__":
    serve()
print(__name__)
```
```pycon
>>> __name__
'__main__'
>>> Hero
<class '__main__.Hero'>
```
<!-- docgen: main -->
```python
if __name__ == "__main__":
    serve()
```
"""
    records = _drive(borrowed, page)
    assert [(r["status"], r["output"].strip()) for r in records[:3]] == [
        ("ok", "__main__"),
        ("ok", "__example__"),
        ("ok", ""),
    ]
    assert (records[3]["status"], records[3]["message"]) == (
        "error",
        "the example exited with status the server started",
    )


def test_a_body_indented_as_a_whole_is_dedented(borrowed: Path) -> None:
    page = '```python tab="pkg/__init__.py"\n    import os\n\n    if os.sep:\n        x = 1\n```\n'
    assert collect("p.md", page).examples[0].code == "import os\n\nif os.sep:\n    x = 1\n"
    assert _brief(_drive(borrowed, page)) == [("ok", 2)]


def test_what_tells_a_fragment_and_a_missing_module(borrowed: Path) -> None:
    page = "```python\nundefined_thing\n```\n"
    (record,) = _drive(borrowed, page)
    assert (record["name"], record.get("module")) == ("undefined_thing", None)
    (record,) = _drive(borrowed, "```python\nimport not_installed_pkg.sub\n```\n")
    assert (record.get("name"), record["module"]) == (None, "not_installed_pkg")
    (record,) = _drive(borrowed, "```python\nimport json.nothing_here\n```\n")
    assert "module" not in record
    assert not runner_trace.installed("")


CHAINED = """\
```pycon
>>> import os
>>> os.makedirs("package", exist_ok=True)
>>> os.path.abspath("package")
'package'
>>> os.path.abspath("package")
'.../package'
>>> os.getcwd()
'.'
>>> def target():
...     try:
...         {}["package1"]
...     except KeyError as error:
...         raise LookupError("could not resolve package1") from error
>>> target()
Traceback (most recent call last):
  File "griffe/_internal/models.py", line 1375, in _resolve_target
    resolved = self.modules_collection.get_member(self.target_path)
KeyError: 'package1'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
LookupError: could not resolve package1
>>> target()
Traceback (most recent call last):
  ...
KeyError: 'package1'
<BLANKLINE>
The above exception was the direct cause of the following exception:
<BLANKLINE>
Traceback (most recent call last):
  ...
LookupError: something else
```
"""


def test_pycon_tracebacks_compare_their_last_exception_and_paths_are_relative(
    borrowed: Path,
) -> None:
    (record,) = _drive(borrowed, CHAINED)
    assert record["status"] == "mismatch"
    assert [(m["line"], m["got"][-1]) for m in record["mismatches"]] == [
        (26, "LookupError: could not resolve package1")
    ]
    assert runner_trace.last_exception("Traceback (most recent call last):\nX: y") is None
    assert runner_trace.last_exception("x\nTraceback (most recent call last):\n  y") is None


def test_an_include_directive_runs_its_file_with_its_lines(borrowed: Path) -> None:
    module = borrowed / "module.py"
    module.write_text("a = 1\nb = 2\n", encoding="utf-8")
    block = {"code": "if True:\n    --8<-- 'module.py'\n", "includes": [[1, str(module), 2, 0]]}
    assert runner_trace.included(block).split("\n")[1] == (
        f"    exec(compile(''.join(['\\n'] * 1 + __import__('pathlib').Path({str(module)!r})"
        f".read_text(encoding='utf-8').splitlines(True)[1:None]), {str(module)!r}, 'exec'), "
        "globals())"
    )
    namespace: dict[str, Any] = {}
    exec(runner_trace.included(block), namespace)  # noqa: S102 - the driver's own output
    assert (namespace["b"], "a" in namespace) == (2, False)
