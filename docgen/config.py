"""docgen's validated, frozen configuration, passed explicitly to every stage.

The MkDocs adapter validates `mkdocs.yml` with MkDocs' own option types and builds a
`DocgenConfig`; stages only ever see these dataclasses. A section is None when the user
turned its stage off (`pipelines: false`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ApiConfig",
    "DeployConfig",
    "DiagramsConfig",
    "DocgenConfig",
    "ExamplesConfig",
    "LinksConfig",
    "LintConfig",
    "PipelinesConfig",
]


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """`api:` — the API reference extracted with pdoc."""

    packages: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    docstring_format: str = "google"
    show_private: bool = False
    show_inherited: bool = True
    source_commit: str | None = None
    min_coverage: float = 0.0
    timeout: float = 60.0
    inventories: tuple[str, ...] = ()
    # Folders (relative to the root) put first on the workers' import path, before
    # `src/` and the root; `jobs` extraction workers (0 = one per core); the site's
    # `use_directory_urls`, which objects.inv's URLs depend on.
    paths: tuple[str, ...] = ()
    jobs: int = 0
    use_directory_urls: bool = True


@dataclass(frozen=True, slots=True)
class PipelinesConfig:
    """`pipelines:` — GitHub Actions workflows documented as pages."""

    workflows: str = ".github/workflows"


@dataclass(frozen=True, slots=True)
class DiagramsConfig:
    """`diagrams:` — Mermaid diagrams from `dir`, fences and generated pages."""

    dir: str = "diagrams"
    validate: bool = True
    max_size: int = 50_000


@dataclass(frozen=True, slots=True)
class ExamplesConfig:
    """`examples:` — the docs' code examples, executed."""

    timeout: float = 10.0
    jobs: int = 0
    output_limit: int = 1_000_000
    cache: bool = True
    update: bool = False
    memory_limit: int = 2 * 1024**3


@dataclass(frozen=True, slots=True)
class LinksConfig:
    """`links:` — internal links and anchors, and external URLs."""

    external: bool = True
    timeout: float = 10.0
    retries: int = 2
    exclude: tuple[str, ...] = ()
    accept: tuple[int, ...] = (200, 203, 206)
    cache_max_age: int = 86_400
    # Politeness: at most `per_host` requests in flight to one host, started at least
    # `min_interval` seconds apart; `max_workers` requests in flight over all hosts.
    per_host: int = 2
    min_interval: float = 0.1
    max_workers: int = 16
    backoff: float = 0.5
    retry_after_max: float = 30.0
    max_redirects: int = 10
    fragments_external: bool = False


@dataclass(frozen=True, slots=True)
class LintConfig:
    """`lint:` — formatting, structure, completeness and spelling of the hand-written pages.

    `rules` maps a rule name to `error`, `warning`, `info` or `off`.
    """

    rules: Mapping[str, str] = field(default_factory=dict)
    fix: bool = False
    # Pages the docs promise, matched by title or path, case-insensitive ("quick start");
    # the project's word list for spelling, relative to the root; unfinished-work markers.
    required_pages: tuple[str, ...] = ()
    wordlist: str = ".docgen-words.txt"
    markers: tuple[str, ...] = ("TODO", "FIXME", "TBD")


@dataclass(frozen=True, slots=True)
class DeployConfig:
    """`deploy:` — versioned deploys to a GitHub Pages branch (mike-compatible)."""

    branch: str = "gh-pages"
    remote: str = "origin"


@dataclass(frozen=True, slots=True)
class DocgenConfig:
    """The whole configuration: where the project is, and one section per stage.

    `root` is the folder of `mkdocs.yml`; `docs_dir` and `site_dir` are absolute.
    `offline` is set by `--offline`: no stage may touch the network then, and whatever it
    skips is counted and said. `cache_dir` holds results kept across runs.
    """

    root: Path
    docs_dir: Path
    site_dir: Path
    site_name: str = ""
    repo_url: str | None = None
    site_url: str | None = None
    edit_uri: str | None = None
    offline: bool = False
    cache_dir: Path = field(default_factory=lambda: Path(".cache") / "docgen")
    quality_page: bool = True
    api: ApiConfig | None = None
    pipelines: PipelinesConfig | None = field(default_factory=PipelinesConfig)
    diagrams: DiagramsConfig | None = field(default_factory=DiagramsConfig)
    examples: ExamplesConfig | None = field(default_factory=ExamplesConfig)
    links: LinksConfig | None = field(default_factory=LinksConfig)
    lint: LintConfig | None = field(default_factory=LintConfig)
    deploy: DeployConfig | None = field(default_factory=DeployConfig)

    def relative(self, path: Path) -> str:
        """A path as the user should see it: relative to the project root when inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()
