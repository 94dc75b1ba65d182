"""The page driver (runner_child) run in this process, so every branch is measured.

The same driver runs in a sandboxed subprocess in test_examples_run.py; here its stdout,
stderr, sys.modules['__main__'] and cwd are borrowed for one call and given back.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from docgen.examples import runner_child
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
    return tmp_path


def _drive(root: Path, markdown: str, **sandbox: Any) -> list[dict[str, Any]]:
    page = collect("docs/p.md", markdown)
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
<!-- docgen: raises=KeyError -->
```python
[][0]
```
```python
import sys
sys.exit()
```
```python
sys.exit("bad")
```
<!-- docgen: raises=SystemExit -->
```python
sys.exit(1)
```
```python
if True
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
```python
def boom():
    raise RuntimeError("deep")
boom()
```
```python
while True:
    print("spam " * 100)
```
```text title="data/notes.txt"
saved
```
```python
with open("data/notes.txt") as file:
    print(file.read())
```
"""


def test_python_blocks(borrowed: Path) -> None:
    records = _drive(borrowed, PYTHON, output_limit=2000)
    assert _brief(records) == [
        ("ok", 2),
        ("ok", 6),
        ("ok", 10),
        ("not_raised", 14),
        ("not_raised", 18),
        ("ok", 21),
        ("error", 25),
        ("ok", 29),
        ("error", 32),
        ("ok", 36),
        ("ok", 39),
        ("error", 45),
        ("output_limit", 50),
        ("ok", 56),
    ]
    assert records[3]["message"] == "expected KeyError, nothing was raised"
    assert records[4]["message"] == "expected KeyError, got IndexError: list index out of range"
    assert records[6]["message"] == "the example exited with status bad"
    assert "SyntaxError" in records[8]["message"]
    assert records[10]["output"] == "42\n"
    assert 'File "docs/p.md", line 45, in boom' in records[11]["detail"]
    assert records[13]["output"] == "saved\n\n"
    assert (borrowed / "work" / "data" / "notes.txt").read_text(encoding="utf-8") == "saved\n"


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
```
```pycon
>>>bad
```
"""


def test_pycon_blocks(borrowed: Path) -> None:
    records = _drive(borrowed, SESSIONS)
    assert _brief(records) == [("mismatch", 5), ("error", 13), ("error", 16)]
    first = records[0]["mismatches"]
    assert [(m["line"], m["start"], m["count"], m["got"]) for m in first] == [
        (5, 6, 1, ["2"]),
        (7, 8, 0, ["a"]),
    ]
    assert records[1]["message"] == "NameError: name 'undefined_name' is not defined"
    assert records[1]["mismatches"] == []
    assert "cannot read the session" in records[2]["message"]


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
echo $NOT_SET_ANYWHERE
```
```console
$ yes | head -c 5000
```
```console
$ exit 7
$ echo after
after
```
"""


def test_shell_blocks(borrowed: Path) -> None:
    records = _drive(borrowed, SHELL, output_limit=1000)
    assert _brief(records) == [
        ("ok", 2),
        ("ok", 6),
        ("ok", 23),
        ("error", 28),
        ("error", 31),
        ("output_limit", 34),
        ("ok", 37),
    ]
    commands = records[1]["commands"]
    assert [(c["line"], c["status"], c["got"]) for c in commands] == [
        (6, 0, "hi\n"),
        (8, 0, "a\nb\n"),
        (11, 1, ""),
        (12, 0, "multi\n"),
        (16, 0, "one two\n"),
        (19, 0, ""),
    ]
    assert commands[3]["command"] == "cat <<EOF\nmulti\nEOF"
    assert commands[1]["expected"] == ["a", "b"]
    assert records[3]["message"] == "the script exited with status 1"
    assert records[3]["detail"] == "gone\n"  # the session restarted after `exit 4`
    assert "docs/p.md:31: NOT_SET_ANYWHERE: unbound variable" in records[4]["detail"]
    assert [(c["status"], c["got"]) for c in records[6]["commands"]] == [
        (7, ""),
        (0, "after\n"),
    ]
