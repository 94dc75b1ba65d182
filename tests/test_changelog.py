"""The changelog stage: release notes from git, a Keep a Changelog file and towncrier.

Real inputs: git repositories made in a temporary folder (fixed names and dates, so the
commits' hashes, and the golden pages, are the same on every run), files written there.

The generated pages are compared with `tests/golden/changelog/<case>/`. Regenerate them
after an intended change, then review the diff by eye:

    DOCGEN_UPDATE_GOLDEN=1 pytest tests/test_changelog.py -q -p no:cacheprovider
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path

import lxml.html
import pytest
import yaml

from docgen import cli, jsonenc
from docgen.changelog import dump, for_version, generate, read
from docgen.changelog.file import release_heading
from docgen.changelog.git import Commit, entry, inline
from docgen.changelog.host import host
from docgen.changelog.model import parse_version, version_key
from docgen.config import ChangelogConfig, DocgenConfig
from docgen.diagnostics import Diagnostic, Severity
from docgen.init.detect import detect
from docgen.init.templates import mkdocs_yml
from docgen.model import StageResult
from tests.conftest import write

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "changelog"
UPDATE = os.environ.get("DOCGEN_UPDATE_GOLDEN") == "1"
HOW = "DOCGEN_UPDATE_GOLDEN=1 pytest tests/test_changelog.py -q -p no:cacheprovider"
GITHUB = "https://github.com/acme/widget"


@pytest.fixture(autouse=True)
def _git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git that reads no user config and never looks above the test's folder."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Ada")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "ada@example.org")


def git(root: Path, *args: str, date: str = "2026-01-01") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{date}T12:00:00Z"}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def commit(root: Path, message: str, date: str = "2026-01-01") -> None:
    git(root, "commit", "--allow-empty", "-q", "-m", message, date=date)


def repository(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    return root


def released(root: Path) -> Path:
    """1.0.0, then 1.1.0 with a breaking change, a fix with a scope and a PR, a merge;
    then one unreleased fix. Non-version tags are there too."""
    repository(root)
    commit(root, "initial import")
    commit(root, "feat: read widgets from files")
    git(root, "tag", "1.0.0")
    git(root, "tag", "latest")
    commit(root, "feat(api)!: drop `old()` in favour of `new()`", "2026-02-01")
    commit(root, "fix(cli): crash on empty input (#12)", "2026-02-02")
    commit(root, "perf: read <b>twice</b> as fast", "2026-02-03")
    git(root, "checkout", "-q", "-b", "topic")
    commit(root, "docs: explain *setup*", "2026-02-04")
    git(root, "checkout", "-q", "main")
    commit(
        root,
        "refactor(core): one loop\n\nBREAKING CHANGE: the `loop` option is gone;\nuse `loops`.",
        "2026-02-05",
    )
    git(root, "merge", "-q", "--no-ff", "topic", "-m", "Merge branch 'topic'", date="2026-02-06")
    commit(root, "chore: bump dependencies", "2026-02-07")
    git(root, "tag", "-a", "v1.1.0", "-m", "Release 1.1.0", date="2026-02-08")
    git(root, "tag", "release-candidate")
    commit(root, "fix: no crash on Windows paths", "2026-03-01")
    return root


def config(root: Path, source: str = "auto", **changes: object) -> DocgenConfig:
    settings = ChangelogConfig(source=source)  # type: ignore[arg-type]
    made = DocgenConfig(root=root, docs_dir=root / "docs", site_dir=root / "site")
    return dataclasses.replace(made, changelog=settings, **changes)  # type: ignore[arg-type]


def codes(found: StageResult | tuple[Diagnostic, ...]) -> list[str]:
    diagnostics = found.diagnostics if isinstance(found, StageResult) else found
    return [d.code for d in diagnostics]


def where(diagnostic: Diagnostic) -> str:
    return str(diagnostic.location)


def check_golden(case: str, result: StageResult) -> None:
    folder = GOLDEN / case
    pages = {p.path.removeprefix("changelog/"): p.markdown for p in result.pages}
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.md"):
            old.unlink()
        for name, text in pages.items():
            (folder / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}
    assert pages == expected, f"the {case} pages changed; if intended, run: {HOW}"


# --- git ---


def test_git_notes_group_breaking_changes_first_with_links_to_the_host(tmp_path: Path) -> None:
    root = released(tmp_path / "widget")
    result = generate(config(root, "git", repo_url=GITHUB))
    assert codes(result) == []
    assert [p.path for p in result.pages] == [
        "changelog/index.md",
        "changelog/unreleased.md",
        "changelog/1.1.0.md",
        "changelog/1.0.0.md",
    ]
    assert {p.nav for p in result.pages} == {("Release notes",)}
    head, refs, _ = result.watch  # `mkdocs serve` rebuilds on a commit or a tag
    assert (head, refs) == (root / ".git" / "HEAD", root / ".git" / "refs")
    notes = read(config(root, "git", repo_url=GITHUB))
    newest = notes.releases[1]
    assert (newest.version, newest.tag, newest.date) == ("1.1.0", "v1.1.0", "2026-02-08")
    titles = [s.title for s in newest.sections]
    assert titles == [
        "Breaking changes",
        "Bug fixes",
        "Performance",
        "Documentation",
        "Other changes",
    ]
    breaking = newest.sections[0].entries
    assert [(e.kind, e.scope) for e in breaking] == [("refactor", "core"), ("feat", "api")]
    assert breaking[0].note == "the `loop` option is gone; use `loops`."
    fix = newest.sections[1].entries[0]
    assert (fix.scope, fix.refs) == ("cli", ("12",))
    other = newest.sections[-1].entries
    assert [e.kind for e in other] == ["chore", None]  # the merge has no type
    assert result.summary == {
        "source": "git",
        "releases": 2,
        "unreleased changes": 1,
        "pages": 4,
    }
    check_golden("git", result)


def test_git_tags_sort_as_versions_and_other_tags_are_ignored(tmp_path: Path) -> None:
    root = repository(tmp_path / "r")
    # Tagged in an order, and on dates, that sort differently from the versions.
    for version, date in (("2.0.0", "2026-01-01"), ("1.10.0", "2026-01-02")):
        commit(root, f"feat: for {version}", date)
        git(root, "tag", version)
    for name in ("1.9.0", "v2.0.0rc1", "nightly", "pkg-3.0.0"):
        git(root, "tag", name, "HEAD~1")
    git(root, "tag", "3.0.0", "HEAD^{tree}")  # a tag of a tree is no release
    notes = read(config(root, "git"))
    assert [r.version for r in notes.releases] == ["2.0.0", "2.0.0rc1", "1.10.0", "1.9.0"]


def test_versions_sort_as_versions() -> None:
    ordered = ["0.9", "1.0.0.dev1", "1.0.0a1", "1.0.0-beta.2", "1.0.0rc1", "1.0", "1.0.0.post1"]
    ordered += ["1.2.0", "1.10.0", "v2.0.0+build7"]
    shuffled = ordered[1::2] + ordered[::2]
    assert sorted(shuffled, key=version_key) == ordered
    assert version_key("1.0") == version_key("1.0.0")
    assert (parse_version("v1.2.0"), parse_version("latest"), parse_version("1")) == (
        "1.2.0",
        None,
        None,
    )


def test_a_commit_is_read_as_a_conventional_commit_when_it_is_one() -> None:
    found = entry(Commit("a" * 40, ("b" * 40,), "feat(ui)!: new look"), None)
    assert (found.kind, found.scope, found.breaking, found.text) == ("feat", "ui", True, "new look")
    plain = entry(Commit("a" * 40, ("b" * 40,), "Fix the thing: really"), None)
    assert (plain.kind, plain.breaking) == (None, False)
    merge = entry(Commit("a" * 40, ("b" * 40, "c" * 40), "fix: merged"), None)
    assert merge.kind is None
    footer = entry(Commit("a" * 40, (), "fix: x\n\nBody.\n\nBREAKING-CHANGE: gone\nRefs: #3"), None)
    assert (footer.breaking, footer.note) == (True, "gone")


def test_subjects_are_escaped_and_references_linked_per_host() -> None:
    gitlab = host("https://gitlab.com/acme/tools/widget.git")
    assert gitlab is not None
    text, refs = inline("use `a|b` in !7 and #8, not [x](javascript:y) <i>", gitlab)
    assert text == (
        "use `a|b` in [\\!7](https://gitlab.com/acme/tools/widget/-/merge_requests/7) and "
        "[\\#8](https://gitlab.com/acme/tools/widget/-/issues/8), not "
        "\\[x\\]\\(javascript:y\\) &lt;i&gt;"
    )
    assert refs == ("7", "8")
    assert inline("see #8", None) == ("see \\#8", ("8",))
    assert inline("PR !7", host(GITHUB)) == ("PR \\!7", ("7",))  # GitHub has no `!7`
    assert host("git@github.com:acme/widget.git") == host(GITHUB)
    assert host("https://bitbucket.org/acme/widget") is None
    assert host("https://github.com/acme") is None


def test_without_a_repository_url_commits_and_issues_are_plain_text(tmp_path: Path) -> None:
    root = released(tmp_path / "widget")
    page = next(p for p in generate(config(root, "git")).pages if p.path.endswith("1.1.0.md"))
    assert "](http" not in page.markdown
    assert "crash on empty input \\(\\#12\\) (`" in page.markdown


def test_no_git_repository_and_no_commits_are_one_note_each(tmp_path: Path) -> None:
    empty = tmp_path / "plain"
    empty.mkdir()
    result = generate(config(empty, "git"))
    assert (codes(result), result.pages) == (["DG040"], ())
    assert result.diagnostics[0].severity is Severity.INFO
    assert "not a git repository" in result.diagnostics[0].message
    fresh = repository(tmp_path / "fresh")
    result = generate(config(fresh, "git"))
    assert (codes(result), result.pages) == (["DG040"], ())
    assert "no commits" in result.diagnostics[0].message


def test_a_shallow_clone_says_so(tmp_path: Path) -> None:
    root = released(tmp_path / "widget")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", root.as_uri(), str(clone))
    result = generate(config(clone, "git"))
    assert codes(result) == ["DG047"]
    assert [p.path for p in result.pages] == ["changelog/index.md", "changelog/unreleased.md"]


# --- a Keep a Changelog file ---

KEEP_A_CHANGELOG = """\
# Changelog

All notable changes are listed here; see [the guide](docs/guide.md).

## [Unreleased]

### Added

- A `--flag` option, see [usage](docs/guide.md#usage).

## [1.1.0] - 2026-01-02

The widgets release.

### Added

- Widgets ([#12][pr12]), and [the API](docs/api/).
- A multi-line
  entry, with code:

  ```python
  print("[not a link](nowhere.md)")
  ```

  - nested, see [the module](src/widget.py)

### Fixed

- A link to [nothing](docs/../missing.md) and [outside](../elsewhere.md).
- Back to [1.0.0](#100---2025-12-01) and [the notes](CHANGELOG.md).

##[1.0.5] - 2025-12-15

## Older

- lost

## [1.0.0] - 2025-12-01

- First release.

## [0.9.0] - 2025-13-01

[unreleased]: https://github.com/acme/widget/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/acme/widget/compare/v1.0.0...v1.1.0
[pr12]: https://github.com/acme/widget/pull/12
"""


def changelog_project(root: Path, text: str = KEEP_A_CHANGELOG) -> Path:
    return write(
        root,
        {
            "CHANGELOG.md": text,
            "docs/index.md": "# Home\n\nWelcome.\n",
            "docs/guide.md": "# Guide\n\n## Usage\n\nUse it.\n",
            "docs/api/index.md": "# API\n\nThe API.\n",
            "src/widget.py": "x = 1\n",
        },
    )


def test_a_changelog_file_is_split_per_version_with_its_links_rewritten(tmp_path: Path) -> None:
    root = changelog_project(tmp_path / "widget")
    result = generate(config(root, "file", repo_url=GITHUB))
    found = [(d.code, where(d)) for d in result.diagnostics]
    assert found == [
        ("DG043", "CHANGELOG.md:29"),  # docs/../missing.md
        ("DG043", "CHANGELOG.md:29"),  # ../elsewhere.md: outside the project
        ("DG042", "CHANGELOG.md:32"),  # ##[1.0.5]
        ("DG042", "CHANGELOG.md:34"),  # a heading with no version
        ("DG042", "CHANGELOG.md:42"),  # 2025-13-01
    ]
    assert "no such file" in result.diagnostics[0].message
    assert "outside the project" in result.diagnostics[1].message
    pages = {p.path: p for p in result.pages}
    newest = pages["changelog/1.1.0.md"]
    assert newest.source == "CHANGELOG.md"
    assert newest.lines == (("110", 11), ("added", 15), ("fixed", 27))
    assert "[the API](../api/index.md)" in newest.markdown
    assert f"[the module]({GITHUB}/blob/HEAD/src/widget.py)" in newest.markdown
    assert "[1.0.0](1.0.0.md) and [the notes](index.md)" in newest.markdown
    assert "A link to nothing and outside." in newest.markdown
    assert "[not a link](nowhere.md)" in newest.markdown  # code is never rewritten
    check_golden("file", result)


def test_without_a_host_a_link_outside_the_docs_is_one_warning(tmp_path: Path) -> None:
    root = changelog_project(tmp_path / "widget")
    result = generate(config(root, "file"))
    unkept = [d for d in result.diagnostics if d.code == "DG043"]
    assert [where(d) for d in unkept] == ["CHANGELOG.md:25", "CHANGELOG.md:29", "CHANGELOG.md:29"]
    assert "host is unknown" in unkept[0].message


def test_a_version_twice_and_a_file_without_releases_are_warnings(tmp_path: Path) -> None:
    twice = "# Changes\n\n## 1.0.0\n\n- a\n\n## 1.0.0\n\n- b\n"
    root = changelog_project(tmp_path / "twice", twice)
    result = generate(config(root, "file"))
    assert [(d.code, where(d)) for d in result.diagnostics] == [("DG049", "CHANGELOG.md:7")]
    root = changelog_project(tmp_path / "none", "# Changes\n\nNothing yet.\n")
    result = generate(config(root, "file"))
    assert [(d.code, where(d)) for d in result.diagnostics] == [("DG044", "CHANGELOG.md:1")]
    assert result.pages == ()


def test_a_paragraph_between_the_items_stays_a_paragraph(tmp_path: Path) -> None:
    # griffe's 1.0.0 notes: labels before lists, written as paragraphs.
    text = (
        "# Changelog\n\n## [1.0.0] - 2024-08-15\n\n### Breaking changes\n\nHighlights:\n\n"
        "- one\n- two\n\nRemoved objects:\n\n- three\n\n### Fixed\n\n- four\n"
    )
    root = changelog_project(tmp_path / "widget", text)
    result = generate(config(root, "file"))
    page = {p.path: p.markdown for p in result.pages}["changelog/1.0.0.md"]
    assert "\nHighlights:\n\n- one\n- two\n\nRemoved objects:\n\n- three\n" in page
    assert "- Highlights:" not in page
    index = {p.path: p.markdown for p in result.pages}["changelog/index.md"]
    assert "| Breaking changes 3 · Fixed 1 |" in index
    (release,) = read(config(root, "file")).releases
    blocks = [e.block for s in release.sections for e in s.entries]
    assert blocks == [True, False, False, True, False, False]


def test_a_link_written_for_the_docs_page_that_includes_the_changelog_lands(
    tmp_path: Path,
) -> None:
    # griffe's docs/changelog.md is `--8<-- "CHANGELOG.md"`: its links are relative to docs/.
    text = "# Changelog\n\n## 1.0.0\n\n- See [the guide](guide.md#usage) and [gone](gone.md).\n"
    root = changelog_project(tmp_path / "widget", text)
    result = generate(config(root, "file"))
    page = {p.path: p.markdown for p in result.pages}["changelog/1.0.0.md"]
    assert "[the guide](../guide.md#usage)" in page
    assert [(d.code, where(d)) for d in result.diagnostics] == [("DG043", "CHANGELOG.md:5")]
    assert "'gone.md'" in result.diagnostics[0].message


def test_an_unreleased_part_that_lists_nothing_makes_no_page(tmp_path: Path) -> None:
    text = "# Changes\n\n## [Unreleased]\n\n### Added\n\n## [1.0.0] - 2026-01-02\n\n- First.\n"
    root = changelog_project(tmp_path / "widget", text)
    result = generate(config(root, "file"))
    assert [p.path for p in result.pages] == ["changelog/index.md", "changelog/1.0.0.md"]
    assert codes(result) == []


def test_an_unreadable_or_missing_changelog_is_one_error(tmp_path: Path) -> None:
    root = changelog_project(tmp_path / "widget")
    (root / "CHANGELOG.md").write_bytes(b"# Changes\n\n## 1.0.0\n\n- caf\xe9\n")
    result = generate(config(root, "file"))
    assert [(d.code, d.severity, where(d)) for d in result.diagnostics] == [
        ("DG041", Severity.ERROR, "CHANGELOG.md")
    ]
    assert "not UTF-8" in result.diagnostics[0].message
    (root / "CHANGELOG.md").unlink()
    result = generate(config(root, "file"))
    assert codes(result) == ["DG041"]
    assert result.pages == ()


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("[1.1.0] - 2026-01-02", ("1.1.0", "2026-01-02", False)),
        ("Unreleased", (None, None, False)),
        ("[Unreleased]", (None, None, False)),
        ("widget 2.0.0rc1 (2026-03-04)", ("2.0.0rc1", "2026-03-04", False)),
        ("v1.2 — 2026-1-2", ("1.2", "2026-01-02", False)),
        ("1.0.0 - 2026-02-30", ("1.0.0", None, True)),
        ("0.35.0 (June 28, 2025)", ("0.35.0", "2025-06-28", False)),  # uvicorn's headings
        ("0.1.0 (Sep. 3rd, 2018)", ("0.1.0", "2018-09-03", False)),
        ("1.0.0 - 28 June 2025", ("1.0.0", "2025-06-28", False)),
        ("1.0.0 (June 31, 2025)", ("1.0.0", None, True)),
        ("Older releases", None),
        ("2026-01-02", None),
    ],
)
def test_release_headings(heading: str, expected: object) -> None:
    assert release_heading(heading) == expected


# --- towncrier ---

TOWNCRIER = """\
[project]
name = "widget"

[tool.towncrier]
directory = "changes"
filename = "CHANGES.md"

[[tool.towncrier.type]]
directory = "feature"
name = "Features"
showcontent = true

[[tool.towncrier.type]]
directory = "bugfix"
name = "Bug fixes"
showcontent = true

[[tool.towncrier.type]]
directory = "misc"
name = "Misc"
showcontent = false
"""
NEWS = """\
# Changes

<!-- towncrier release notes start -->

## 1.1.0 (2026-01-02)

### Features

- Widgets. ([#10](https://github.com/acme/widget/issues/10))

### Bug fixes

- No crash. ([#11](https://github.com/acme/widget/issues/11))

## 1.0.0 (2025-12-01)

No significant changes.
"""


def towncrier_project(root: Path) -> Path:
    return write(
        root,
        {
            "pyproject.toml": TOWNCRIER,
            "CHANGES.md": NEWS,
            "CHANGELOG.md": "# Not read\n\n## 9.9.9\n\n- towncrier comes first\n",
            "changes/12.feature.md": "Gadgets, see [the guide](docs/guide.md).\n",
            "changes/+tidy.feature.md": "Tidier output.\n",
            "changes/20.bugfix.md": "Fixed.\n",
            "changes/20.bugfix.1.md": "Fixed again.\n",
            "changes/3.bugfix.md": "Fixed first.\n",
            "changes/14.misc.md": "Not shown.\n",
            "changes/README.md": "How to write fragments.\n",
            "changes/.gitignore": "!.gitignore\n",
            "docs/index.md": "# Home\n\nWelcome.\n",
            "docs/guide.md": "# Guide\n\nRead me.\n",
        },
    )


def test_towncrier_fragments_are_the_unreleased_draft(tmp_path: Path) -> None:
    root = towncrier_project(tmp_path / "widget")
    write(root, {"changes/15.typo.md": "Not a type.\n"})
    result = generate(config(root, "auto", repo_url=GITHUB))
    assert [(d.code, where(d)) for d in result.diagnostics] == [("DG050", "changes/15.typo.md")]
    assert result.summary["source"] == "towncrier"
    pages = {p.path: p for p in result.pages}
    assert list(pages) == [
        "changelog/index.md",
        "changelog/unreleased.md",
        "changelog/1.1.0.md",
        "changelog/1.0.0.md",
    ]
    draft = pages["changelog/unreleased.md"]
    assert draft.source == "changes"
    assert "Gadgets, see [the guide](../guide.md)." in draft.markdown
    assert pages["changelog/1.1.0.md"].lines == (("110", 5), ("features", 7), ("bug-fixes", 11))
    check_golden("towncrier", result)


def test_towncrier_problems(tmp_path: Path) -> None:
    root = towncrier_project(tmp_path / "widget")
    (root / "changes" / "16.feature.md").write_bytes(b"caf\xe9\n")
    (root / "CHANGES.md").unlink()
    write(root, {"NEWS.rst": "Changes\n=======\n"})
    (root / "pyproject.toml").write_text(
        TOWNCRIER.replace('filename = "CHANGES.md"', 'filename = "NEWS.rst"'), encoding="utf-8"
    )
    result = generate(config(root, "towncrier"))
    assert [(d.code, where(d)) for d in result.diagnostics] == [
        ("DG046", "NEWS.rst"),
        ("DG041", "changes/16.feature.md"),
    ]
    assert [p.path for p in result.pages] == ["changelog/index.md", "changelog/unreleased.md"]
    write(root, {"towncrier.toml": "[tool.towncrier]\ndirectory = \n"})
    result = generate(config(root, "towncrier"))
    assert [(d.code, where(d)) for d in result.diagnostics] == [("DG045", "towncrier.toml:2")]
    write(root, {"towncrier.toml": "[tool.towncrier]\n[[tool.towncrier.type]]\nname = 'x'\n"})
    result = generate(config(root, "towncrier"))
    assert [(d.code, where(d)) for d in result.diagnostics] == [("DG045", "towncrier.toml")]


def test_towncrier_without_configuration_is_a_warning(tmp_path: Path) -> None:
    result = generate(config(write(tmp_path, {"docs/index.md": "# Home\n"}), "towncrier"))
    assert codes(result) == ["DG045"]
    # Configured, with a bad issue format, and nothing to show: one note.
    write(tmp_path, {"towncrier.toml": '[tool.towncrier]\nissue_format = "{number}"\n'})
    result = generate(config(tmp_path, "auto"))
    assert ([(d.code, where(d)) for d in result.diagnostics], result.pages) == (
        [("DG040", "towncrier.toml")],
        (),
    )
    write(tmp_path, {"newsfragments/7.feature.md": "Seven.\n"})
    draft = generate(config(tmp_path, "auto")).pages[1].markdown
    assert "- Seven. (#7)" in draft  # towncrier would reject the format: the issue as is


# --- auto, versions, dump ---


def test_auto_takes_towncrier_then_the_changelog_then_git_tags(tmp_path: Path) -> None:
    root = towncrier_project(released(tmp_path / "widget"))
    assert read(config(root)).source == "towncrier"
    (root / "pyproject.toml").unlink()
    assert read(config(root)).source == "file"
    (root / "CHANGELOG.md").unlink()
    assert read(config(root)).source == "git"
    untagged = repository(tmp_path / "untagged")
    commit(untagged, "feat: something")
    nothing = read(config(untagged))
    assert (nothing.source, codes(nothing.diagnostics), nothing.releases) == (None, ["DG040"], ())


def test_a_deploy_carries_the_notes_up_to_its_version(tmp_path: Path) -> None:
    notes = read(config(released(tmp_path / "widget"), "git"))
    assert [r.version for r in for_version(notes, None).releases] == [None, "1.1.0", "1.0.0"]
    # Not tagged yet: the unreleased notes are 1.2.0's.
    upcoming = for_version(notes, "v1.2.0").releases
    assert [r.version for r in upcoming] == ["1.2.0", "1.1.0", "1.0.0"]
    assert upcoming[0].sections == notes.releases[0].sections
    # An older version carries no newer notes, and no unreleased ones.
    assert [r.version for r in for_version(notes, "1.0.0").releases] == ["1.0.0"]
    assert [r.version for r in for_version(notes, "1.1").releases] == ["1.1.0", "1.0.0"]
    # A name that is no version (a preview, `dev`) carries everything as it is.
    assert for_version(notes, "dev") == notes
    deployed = generate(config(tmp_path / "widget", "git", version="1.2.0"))
    assert [p.path for p in deployed.pages][:2] == ["changelog/index.md", "changelog/1.2.0.md"]


def test_dump_is_the_model_as_json(tmp_path: Path) -> None:
    root = released(tmp_path / "widget")
    data = dump(config(root, "file"), ["git"])
    assert json.loads(json.dumps(data)) == data
    assert data["source"] == "git"
    releases = data["releases"]
    assert isinstance(releases, list)
    assert [r["version"] for r in releases] == [None, "1.1.0", "1.0.0"]
    first = releases[1]["sections"][0]["entries"][0]
    assert set(first) >= {"text", "scope", "breaking", "commit", "refs", "kind", "file", "line"}
    assert jsonenc.to_json(read(config(root, "git"))) == data


# --- docgen init ---


@pytest.mark.parametrize(
    ("files", "found"),
    [
        (
            {"CHANGELOG.md": "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-02\n"},
            "CHANGELOG.md",
        ),
        ({"CHANGELOG.md": "# Changelog\n\nWe do not keep one.\n"}, None),
        ({"towncrier.toml": "[tool.towncrier]\n", "CHANGELOG.md": "## 1.0.0\n"}, "towncrier.toml"),
        ({"pyproject.toml": '[project]\nname = "w"\n[tool.towncrier]\n'}, "pyproject.toml"),
        ({}, None),
    ],
)
def test_init_turns_release_notes_on_when_it_finds_a_source(
    tmp_path: Path, files: dict[str, str], found: str | None
) -> None:
    project, _ = detect(write(tmp_path, files))
    assert project.changelog == found
    assert ("changelog" in project.to_dict()) is (found is not None)
    made = yaml.safe_load(mkdocs_yml(project).replace("!!python", "python"))
    docgen = made["plugins"][1]["docgen"]
    assert docgen.get("changelog") == ({"source": "auto"} if found else None)


@pytest.mark.parametrize(
    "page",
    [
        '---\ntitle: Changelog\n---\n\n--8<-- "CHANGELOG.md"\n',  # griffe's docs/changelog.md
        "## 1.0.0\n\n- First.\n",  # uvicorn's docs/release-notes.md: the same text
    ],
)
def test_init_leaves_release_notes_off_when_a_docs_page_shows_the_changelog(
    tmp_path: Path, page: str
) -> None:
    root = write(
        tmp_path, {"CHANGELOG.md": "## 1.0.0\n\n- First.\n", "docs/release-notes.md": page}
    )
    project, _ = detect(root)
    assert (project.changelog, project.changelog_page) == ("CHANGELOG.md", "docs/release-notes.md")
    text = mkdocs_yml(project)
    assert "# changelog: {source: auto}  # docs/release-notes.md already shows CHANGELOG.md" in text
    docgen = yaml.safe_load(text.replace("!!python", "python"))["plugins"][1]["docgen"]
    assert "changelog" not in docgen


# --- whole sites ---


def _site(root: Path, changelog: str, nav: str = "") -> None:
    write(
        root,
        {
            "mkdocs.yml": f"site_name: Widget\nrepo_url: {GITHUB}\ntheme:\n  name: material\n"
            f"{nav}plugins:\n  - docgen:\n      pipelines: false\n      changelog: {changelog}\n",
        },
    )


def _build(root: Path) -> dict[str, object]:
    assert cli.main(["build", "-f", str(root / "mkdocs.yml"), "--offline", "--strict"]) == 0
    report = json.loads((root / "site" / "report.json").read_text(encoding="utf-8"))
    assert isinstance(report, dict)
    return report


def _warnings(report: dict[str, object]) -> list[object]:
    found = report["diagnostics"]
    assert isinstance(found, list)
    return [d for d in found if d["severity"] != "info"]


@pytest.mark.slow
def test_strict_build_with_git_notes(tmp_path: Path) -> None:
    root = released(tmp_path / "widget")
    write(root, {"docs/index.md": "# Widget\n\nWidgets for everyone.\n"})
    _site(root, "{source: git}")
    report = _build(root)
    assert _warnings(report) == []
    page = (root / "site" / "changelog" / "1.1.0" / "index.html").read_text(encoding="utf-8")
    assert page.index("Breaking changes") < page.index("Bug fixes")
    assert f'href="{GITHUB}/issues/12"' in page


@pytest.mark.slow
def test_strict_build_with_a_changelog_file(tmp_path: Path) -> None:
    text = KEEP_A_CHANGELOG.replace("##[1.0.5] - 2025-12-15\n\n## Older\n\n- lost\n\n", "")
    text = text.replace("2025-13-01", "2025-11-01").replace(
        "[nothing](docs/../missing.md) and [outside](../elsewhere.md)", "nothing"
    )
    nested = "  - nested, see [the module](src/widget.py)\n"
    text = text.replace(nested, nested + "- After the nested one.\n")
    root = changelog_project(tmp_path / "widget", text)
    nav = "nav:\n  - index.md\n  - guide.md\n  - api/index.md\n"
    _site(root, "{source: file, section: Changes}", nav)
    report = _build(root)
    assert _warnings(report) == []
    site = root / "site"
    assert (site / "changelog" / "unreleased" / "index.html").is_file()
    page = (site / "changelog" / "1.1.0" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../api/"' in page
    after = lxml.html.fromstring(page).xpath("//li[contains(., 'After the nested one')]")
    assert [li.getparent().getparent().tag for li in after] == ["article"]  # not nested
    assert 'href="../../guide/#usage"' not in page  # usage is in the unreleased notes
    index = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "Changes" in index


@pytest.mark.slow
def test_a_docs_page_at_the_index_address_is_kept_and_named(tmp_path: Path) -> None:
    # griffe: docs/changelog.md is published at changelog/, where the index would be.
    root = changelog_project(tmp_path / "widget", "# Changelog\n\n## 1.0.0\n\n- First.\n")
    write(root, {"docs/changelog.md": "# Our changelog\n\n## Old anchor\n\nKept.\n"})
    _site(root, "{source: file}")
    assert cli.main(["build", "-f", str(root / "mkdocs.yml"), "--offline"]) == 0
    report = json.loads((root / "site" / "report.json").read_text(encoding="utf-8"))
    clashes = [d for d in _warnings(report) if d["code"] == "DG101"]  # type: ignore[index]
    assert [(d["file"], d["stage"]) for d in clashes] == [("docs/changelog.md", "changelog")]  # type: ignore[index]
    assert "'changelog.md' at the same address" in clashes[0]["message"]  # type: ignore[index]
    index = (root / "site" / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "Our changelog" in index
    assert (root / "site" / "changelog" / "1.0.0" / "index.html").is_file()


@pytest.mark.slow
def test_strict_build_with_towncrier(tmp_path: Path) -> None:
    root = towncrier_project(tmp_path / "widget")
    _site(root, "{source: auto}", "nav:\n  - index.md\n  - guide.md\n")
    report = _build(root)
    assert _warnings(report) == []
    draft = (root / "site" / "changelog" / "unreleased" / "index.html").read_text(encoding="utf-8")
    assert "Gadgets" in draft
    assert 'href="../../guide/"' in draft


# -- docgen changelog VERSION: one release's notes for the host's release page --------------


def test_docgen_changelog_prints_one_release_for_the_release_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.cli import main

    root = released(tmp_path / "widget")
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(
        f"site_name: Widget\nrepo_url: {GITHUB}\nplugins:\n  - docgen:\n"
        "      changelog: {source: git}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    assert main(["changelog", "v1.1.0"]) == 0
    out = capsys.readouterr().out
    assert not out.startswith("# ")  # the release page shows its own title
    assert (
        out.index("## Breaking changes") < out.index("## Bug fixes") < out.index("## Performance")
    )
    assert "drop `old()`" in out
    assert "(https://github.com/acme/widget/issues/12)" in out
    assert "no crash on Windows paths" not in out  # unreleased, after 1.1.0
    # Without a version: the unreleased changes; a version not yet tagged names them.
    assert main(["changelog"]) == 0
    assert "no crash on Windows paths" in capsys.readouterr().out
    assert main(["changelog", "1.2.0"]) == 0
    assert "no crash on Windows paths" in capsys.readouterr().out


UV = """\
# Changelog

## 0.12.5

Released on 2026-08-14.

### Bug fixes

- Resolve relative paths ([#21097](https://github.com/astral-sh/uv/pull/21097))

## 0.11.x

See [changelogs/0.11.x](./changelogs/0.11.x.md)
"""


def test_uv_without_the_docgen_plugin_keeps_its_repository_and_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.cli import main

    # uv's mkdocs.yml has no docgen plugin, a `!!python/name:` tag, and `repo_url`.
    root = write(
        tmp_path / "uv",
        {
            "CHANGELOG.md": UV,
            "changelogs/0.11.x.md": "# 0.11.x\n",
            "docs/index.md": "# uv\n",
            "mkdocs.yml": "site_name: uv\nrepo_url: https://github.com/astral-sh/uv\n"
            "markdown_extensions:\n  - pymdownx.emoji:\n"
            "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        },
    )
    monkeypatch.chdir(root)
    assert main(["dump", "changelog"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["diagnostics"] == []  # the link to changelogs/ goes to the repository
    newest = data["releases"][0]
    assert (newest["version"], newest["date"], newest["intro"]) == (
        "0.12.5",
        "2026-08-14",
        "",  # the date said under the heading is the release's date, not said twice
    )
    assert main(["changelog", "0.11.x"]) == 0
    out, err = capsys.readouterr()
    assert "(https://github.com/astral-sh/uv/blob/HEAD/changelogs/0.11.x.md)" in out
    assert err == ""


def test_docgen_changelog_without_those_notes_is_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.cli import main

    root = changelog_project(tmp_path / "widget")
    monkeypatch.chdir(root)
    assert main(["changelog", "0.0.1", "--source", "file"]) == 2
    err = capsys.readouterr().err
    assert "DG051" in err
    assert "no release notes for 0.0.1" in err
    (root / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    assert main(["changelog", "-f", str(root / "mkdocs.yml")]) == 2
    assert "DG051" in capsys.readouterr().err
    empty = repository(tmp_path / "empty")
    monkeypatch.chdir(empty)
    assert main(["changelog", "--source", "git"]) == 2
    assert "no release notes" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("", None),
        ("changelog: true", "auto"),
        ("changelog: {source: git}", "git"),
        ("changelog: false", None),
    ],
)
def test_release_notes_are_on_only_when_the_config_has_the_section(
    tmp_path: Path, section: str, expected: str | None
) -> None:
    from docgen.engines.mkdocs.facade import load_docgen_config

    (tmp_path / "docs").mkdir()
    extra = f"\n      {section}" if section else " {}"
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: x\nplugins:\n  - docgen:{extra}\n", encoding="utf-8"
    )
    settings = load_docgen_config(tmp_path / "mkdocs.yml").changelog
    assert (settings.source if settings else None) == expected


def test_a_long_history_keeps_a_short_nav_the_older_releases_folded(tmp_path: Path) -> None:
    import importlib

    from docgen.changelog.model import Changelog, Release

    notes_pages = importlib.import_module(
        "docgen.changelog.pages"
    )  # the package re-exports `pages`

    releases = tuple(Release(version=f"1.{n}.0", date=None, sections=()) for n in range(30, 0, -1))
    made = notes_pages.pages(Changelog("file", releases), None, "Release notes")
    navs = [page.nav for page in made[1:]]
    assert navs[: notes_pages.NAV_RELEASES] == [("Release notes",)] * notes_pages.NAV_RELEASES
    assert set(navs[notes_pages.NAV_RELEASES :]) == {("Release notes", notes_pages.OLDER)}
    assert made[0].markdown.count("| [1.") == 30  # the index still lists every release
    assert made[-1].path == "changelog/1.1.0.md"
