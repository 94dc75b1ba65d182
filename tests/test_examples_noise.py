"""What real documentation holds that is not a mistake: elisions, placeholders, includes,
fragments, modules not installed, markdown-exec's blocks; and the mistakes that stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.config import DocgenConfig, ExamplesConfig, MarkdownSetup
from docgen.diagnostics import Severity
from docgen.examples import check
from docgen.model import Document, StageResult


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    return tmp_path


def _config(root: Path, markdown: MarkdownSetup | None = None, **examples: object) -> DocgenConfig:
    settings = {"timeout": 5.0, "cache": False, **examples}
    return DocgenConfig(
        root=root,
        docs_dir=root / "docs",
        site_dir=root / "site",
        cache_dir=root / ".cache",
        examples=ExamplesConfig(**settings),  # type: ignore[arg-type]
        markdown=markdown or MarkdownSetup(),
    )


def _check(root: Path, pages: dict[str, str], **options: object) -> StageResult:
    documents = []
    for name, text in pages.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
        documents.append(Document(name, text, f"docs/{name}"))
    return check(_config(root, **options), documents)  # type: ignore[arg-type]


def _found(result: StageResult) -> list[tuple[str, Severity, int | None, str]]:
    return [
        (d.code, d.severity, d.location.line if d.location else None, d.message.split("\n")[0])
        for d in result.diagnostics
    ]


DATA = """\
```toml
[project]
...
dependencies = ["click"]
```
```json
{
  "members": [
    ...
  ],
  "a": 1,
  ...
}
```
```yaml
jobs:
  build:
    env:
      X: 1
    # ...
```
```json
{"heroes": [
    ...with infinite data here...
]}
```
```toml
[tool.hatch.build.targets.<TARGET_NAME>]
```
```toml
[tool.hatch]
a = {"location": 1}
```
```json
{
  "a": 1,
}
```
```yaml
steps:
  - uses: x
    with:
    key: value
      other: 1
```
"""


def test_data_blocks_with_elisions_parse_and_real_errors_stay(project: Path) -> None:
    result = _check(project, {"data.md": DATA})
    assert _found(result) == [
        (
            "DG511",
            Severity.INFO,
            27,
            "toml example not parsed: it has a placeholder (<TARGET_NAME>) for the reader "
            "to fill in",
        ),
        (
            "DG507",
            Severity.ERROR,
            32,
            "toml example does not parse: Expected '=' after a key "
            "in a key/value pair (at line 2, column 16)",
        ),
        (
            "DG507",
            Severity.ERROR,
            37,
            "json example does not parse: Expecting property name enclosed in double quotes",
        ),
        (
            "DG507",
            Severity.ERROR,
            44,
            "yaml example does not parse: mapping values are not allowed here",
        ),
    ]
    assert (result.summary["passed"], result.summary["skipped"]) == (4, 1)
