"""`docgen init`'s first check: a summary that fits a screen, whatever the site finds."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import FakeStage, write

from docgen.cli import main
from docgen.diagnostics import Diagnostic, Location, Severity

HOOK = """\
import logging


def on_page_markdown(markdown, page, config, files):
    log = logging.getLogger("markdown_macros")
    log.warning("Macro   rendering failed in %s", page.file.src_uri)
    logging.getLogger("mkdocs.plugins.other").warning("counted by MkDocs' capture already")
    logging.getLogger("quiet").info("not a warning")
    return markdown
"""


def findings(groups: int) -> list[Diagnostic]:
    """`groups` codes, the first found most often: DG900 `groups` times, DG901 one less…"""
    return [
        Diagnostic(
            f"DG9{i:02}",
            Severity.ERROR if i % 2 else Severity.WARNING,
            f"finding number {i} " + "with a long message " * 5,
            Location("docs/index.md", 1),
            stage="pipelines",
        )
        for i in range(groups)
        for _ in range(groups - i)
    ]


def summary(err: str) -> list[str]:
    lines = err.splitlines()
    start = next(i for i, line in enumerate(lines) if "first check (offline)" in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("next:"))
    return lines[start + 1 : end]


def test_many_codes_are_cut_to_ten_lines_the_most_frequent_first(
    tmp_path: Path, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_stage.diagnostics = findings(14)
    write(tmp_path, {"docs/index.md": "# Home\n"})
    assert main(["init", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "first check (offline): 49 errors, 56 warnings\n" in err
    lines = summary(err)
    assert len(lines) == 10
    assert lines[0].startswith("  pipelines  DG900 ×14  finding number 0")
    assert lines[8].startswith("  pipelines  DG908 ×6 ")
    # The 5 groups left out: 5 + 4 + 3 + 2 + 1 findings.
    assert lines[9] == "  … 5 more codes, 15 findings"
    assert all(len(line) < 90 for line in lines)
    assert err.rstrip().endswith(
        "next: fix them (`docgen check --offline` lists each with a hint),\n"
        "      or accept today's state with `docgen baseline`: then only new findings fail"
    )


def test_ten_codes_are_all_shown(
    tmp_path: Path, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_stage.diagnostics = findings(10)
    write(tmp_path, {"docs/index.md": "# Home\n"})
    main(["init", str(tmp_path)])
    lines = summary(capsys.readouterr().err)
    assert len(lines) == 10
    assert "more codes" not in lines[-1]


def test_what_other_libraries_log_is_one_line_not_a_flood(
    tmp_path: Path, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "mkdocs.yml": "site_name: x\nhooks:\n  - hook.py\n",
            "hook.py": HOOK,
            "docs/index.md": "# Home\n",
            "docs/other.md": "# Other\n",
        },
    )
    handlers = logging.getLogger().handlers[:]
    assert main(["init", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert logging.getLogger().handlers == handlers
    # Every page's warning is a DG100 of the build, counted in the summary's one line for
    # that code; nothing is printed as it comes.
    [logged] = [line for line in err.splitlines() if "Macro" in line]
    assert "DG100 ×" in logged, err
    assert "not a warning" not in err


def test_other_libraries_records_are_kept_from_the_terminal() -> None:
    from docgen.init.cli import _Logged

    logged = _Logged()
    logged.handle(logging.LogRecord("mkdocstrings", logging.WARNING, "f.py", 1, "odd", None, None))
    assert logged.level == logging.WARNING


def test_a_hook_that_fails_is_named_where_it_fails(
    tmp_path: Path, fake_stage: FakeStage, capsys: pytest.CaptureFixture[str]
) -> None:
    # A hook that runs a command that is not installed here (uvicorn's runs `uvicorn --help`).
    hook = (
        "import subprocess\n\n\ndef on_page_markdown(markdown, **kwargs):\n"
        '    subprocess.run(["no-such-command-here"], check=True)\n'
    )
    write(
        tmp_path,
        {"mkdocs.yml": "site_name: x\nhooks:\n  - hooks/main.py\n", "hooks/main.py": hook},
    )
    assert main(["init", str(tmp_path)]) == 0
    [line] = [line for line in capsys.readouterr().err.splitlines() if "first check" in line]
    assert line.startswith("docgen init: the first check could not finish: ")
    assert "'no-such-command-here'" in line
    assert "the hook 'hooks/main.py' failed at hooks/main.py:5: FileNotFoundError" in line
