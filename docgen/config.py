"""docgen's validated, frozen configuration, passed explicitly to every stage.

The MkDocs adapter validates `mkdocs.yml` with MkDocs' own option types and builds a
`DocgenConfig`; stages only ever see these dataclasses. A section is None when the user
turned its stage off (`pipelines: false`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from docgen.diagnostics import Diagnostic, Location, Severity

__all__ = [
    "CONFIG_FILES",
    "ENGINES",
    "ApiConfig",
    "BenchmarksConfig",
    "ChangelogConfig",
    "DeployConfig",
    "DiagramsConfig",
    "DocgenConfig",
    "EngineName",
    "ExamplesConfig",
    "LinksConfig",
    "LintConfig",
    "MarkdownSetup",
    "PipelinesConfig",
    "duplicate_keys",
    "find_config_file",
    "without_docgen",
]

EngineName = Literal["mkdocs", "properdocs", "zensical"]
"""The name of an engine docgen can build with."""
ENGINES: tuple[EngineName, ...] = ("mkdocs", "properdocs", "zensical")
"""The engines that can build the site (`engine:` in the docgen section, `--engine`)."""

CONFIG_FILES = ("mkdocs.yml", "mkdocs.yaml")
"""The names the site's config file goes by, in the order they are looked for."""


def find_config_file(root: Path) -> Path:
    """The site's config file in folder `root`: `mkdocs.yml`, else `mkdocs.yaml` when only
    that one exists, else `root / "mkdocs.yml"` (whose absence the caller reports)."""
    for name in CONFIG_FILES:
        if (root / name).is_file():
            return root / name
    return root / CONFIG_FILES[0]


class _AnyTag(yaml.SafeLoader):
    """mkdocs.yml's `!ENV` and `!!python/name:` tags read as nothing."""


_AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)


def without_docgen(file: Path, offline: bool = False) -> DocgenConfig:
    """docgen's defaults for the project of `file`, an mkdocs.yml that does not enable
    docgen (or is missing), with its `repo_url`, `site_url` and `docs_dir` kept: what
    `docgen dump`, `docgen changelog` and `docgen api-diff` work with there, so that uv's
    release notes still link to its repository.

    Args:
        file: the config file; its folder is the project's root.
        offline: never contact the network.
    """
    root = file.parent.resolve()
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_AnyTag)  # noqa: S506 - safe
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    found = data if isinstance(data, dict) else {}
    site = {
        k: v for k in ("repo_url", "site_url", "docs_dir") if isinstance(v := found.get(k), str)
    }
    return DocgenConfig(
        root,
        root / site.get("docs_dir", "docs"),
        root / "site",
        offline=offline,
        repo_url=site.get("repo_url") or None,
        site_url=site.get("site_url") or None,
    )


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """`api:` — the API reference extracted with pdoc.

    Attributes:
        packages: the packages to document (default: the project's own, from pyproject.toml).
        exclude: modules left out, as dotted names (`pkg.internal`).
        docstring_format: `google`, `numpy`, `restructuredtext` or `markdown`; a module's
            `__docformat__` wins.
        show_private: document `_private` members too.
        show_inherited: list inherited members, marked as such.
        source_commit: the commit source links point at (default: `git rev-parse HEAD`).
        min_coverage: below this percentage, each undocumented symbol is a finding.
        timeout: seconds one package may take to import in its worker.
        inventories: other projects' `objects.inv` (URL, or `BASE_URL path`) to link into.
        paths: folders, relative to the root, put first on the workers' import path.
        jobs: extraction workers; 0 means one per core.
        use_directory_urls: MkDocs' setting of the same name, which objects.inv's URLs follow.
    """

    packages: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    docstring_format: str = "google"
    show_private: bool = False
    show_inherited: bool = True
    source_commit: str | None = None
    min_coverage: float = 0.0
    timeout: float = 60.0
    inventories: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    jobs: int = 0
    use_directory_urls: bool = True


@dataclass(frozen=True, slots=True)
class PipelinesConfig:
    """`pipelines:` — GitHub Actions workflows documented as pages.

    Attributes:
        workflows: the folder of workflow files, relative to the root.
        audit: the security audit of the workflows: `auto` runs zizmor when its command is
            found and docgen's own checks otherwise (saying so once); `zizmor` insists on
            zizmor (a warning when it cannot run); `docgen` runs docgen's own checks only;
            `false` none.
        audit_severity: the severity of the most severe findings (zizmor's `high`);
            `medium` findings are at most warnings, `low` and `informational` ones notes.
        zizmor: the zizmor command: a name on PATH or a path.
    """

    workflows: str = ".github/workflows"
    audit: Literal["auto", "zizmor", "docgen", True, False] = "auto"
    audit_severity: Literal["error", "warning", "info"] = "warning"
    zizmor: str = "zizmor"


@dataclass(frozen=True, slots=True)
class DiagramsConfig:
    """`diagrams:` — Mermaid diagrams from `dir`, fences and generated pages.

    Attributes:
        dir: the folder of `*.mmd` files shown on the Architecture page.
        validate: parse every diagram with Mermaid at build time (off is shown in the report).
        max_size: a diagram longer than this many characters is a finding.
    """

    dir: str = "diagrams"
    validate: bool = True
    max_size: int = 50_000


@dataclass(frozen=True, slots=True)
class ExamplesConfig:
    """`examples:` — the docs' code examples, executed.

    Attributes:
        timeout: seconds one block may run.
        jobs: pages run in parallel; 0 means one per core.
        output_limit: bytes of output one page may print.
        cache: skip pages whose examples, interpreter and packages did not change.
        update: rewrite mismatching expected output in the Markdown files (`--update`).
        memory_limit: bytes of memory one page's process may use.
        shell: run `console`, `bash` and `sh` blocks too (one block: `<!-- docgen: run -->`).
        allow: shell commands run although they change the machine or fetch code:
            `install`, `clone`, `sudo`, `pipe-to-shell` (`curl ... | sh`).
        network: let examples reach the network (never with `--offline`).
        setup: Python code run before every page's examples (e.g. `import mypackage`).
        skip: pages whose examples are not run (illustrative fragments), as glob patterns
            relative to `docs_dir` (`*` also matches `/`).
    """

    timeout: float = 10.0
    jobs: int = 0
    output_limit: int = 1_000_000
    cache: bool = True
    update: bool = False
    memory_limit: int = 2 * 1024**3
    shell: bool = False
    allow: tuple[Literal["install", "clone", "sudo", "pipe-to-shell"], ...] = ()
    network: bool = False
    setup: str = ""
    skip: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MarkdownSetup:
    """What mkdocs.yml's Markdown extensions and plugins mean for the pages' code blocks.

    Read from MkDocs' config, not a section of docgen's own.

    Attributes:
        snippets: pymdownx.snippets' `base_path` folders (absolute), or None when it is
            not configured: `--8<-- "file"` lines are then code like any other.
        includes: mdx_include's `base_path` (absolute), or None when it is not configured
            (`{!file!}` lines).
        markdown_exec: markdown-exec is configured: only blocks with `exec="1"` are run.
    """

    snippets: tuple[str, ...] | None = None
    includes: str | None = None
    markdown_exec: bool = False


@dataclass(frozen=True, slots=True)
class LinksConfig:
    """`links:` — internal links and anchors, and external URLs.

    Attributes:
        external: check `http(s)` links too (never with `--offline`).
        timeout: seconds for one request.
        retries: retries on timeouts, 5xx and 429.
        exclude: regular expressions of URLs not to check.
        accept: status codes that count as working.
        cache_max_age: seconds a working external link is trusted without asking again.
        per_host: requests in flight to one host at most.
        min_interval: seconds between two requests to one host at least.
        max_workers: requests in flight over all hosts at most.
        backoff: the first retry's delay in seconds, doubled each time, with jitter.
        retry_after_max: the longest `Retry-After` honoured, in seconds.
        max_redirects: redirects followed before the link counts as a loop.
        fragments_external: check `#fragments` of external HTML pages too.
    """

    external: bool = True
    timeout: float = 10.0
    retries: int = 2
    exclude: tuple[str, ...] = ()
    accept: tuple[int, ...] = (200, 203, 206)
    cache_max_age: int = 86_400
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

    Attributes:
        rules: a rule name (or a pymarkdownlnt id) mapped to `error`, `warning`, `info`
            or `off`.
        fix: apply the safe formatting fixes in place (`docgen check --fix`).
        required_pages: pages the docs promise, by title or path, case-insensitive.
        wordlist: the project's word list for spelling, relative to the root.
        markers: words that mark unfinished work in prose.
        style: run pymarkdownlnt's style rules too (blank lines, list markers, trailing
            spaces, …); unset, they run when the project has its own pymarkdownlnt
            configuration, and only the rules whose violation readers see run otherwise.
    """

    rules: Mapping[str, str] = field(default_factory=dict)
    fix: bool = False
    required_pages: tuple[str, ...] = ()
    wordlist: str = ".docgen-words.txt"
    markers: tuple[str, ...] = ("TODO", "FIXME", "TBD")
    style: bool | None = None


@dataclass(frozen=True, slots=True)
class DeployConfig:
    """`deploy:` — versioned deploys to a GitHub Pages branch (mike-compatible).

    Attributes:
        branch: the branch the site is published on.
        remote: the remote fetched before, and pushed after, a deploy.
        keep: keep only the newest this many versions: a deploy removes older ones in
            the same commit (never the default, nor the version deployed); 0 keeps all.
        squash_history: keep only the last this many commits of the branch's history
            (`--squash-history`); 0 keeps the whole history.
    """

    branch: str = "gh-pages"
    remote: str = "origin"
    keep: int = 0
    squash_history: int = 0


@dataclass(frozen=True, slots=True)
class BenchmarksConfig:
    """`benchmarks:` — benchmark results: the Performance pages and the regression check.

    Attributes:
        results: globs, relative to the project root, of result files to read (any of the
            six formats `docgen dump benchmarks` lists).
        history: the local history file, relative to the project root.
        keep_runs: how many runs the history keeps per series (oldest dropped first).
        keep_days: drop runs older than this many days; 0 keeps them whatever their age.
        keep_samples: the newest runs whose samples are kept, for the regression check;
            older points keep their value only.
        keep_releases: the newest run of each of this many versions is kept whatever its
            age, with its samples.
        threshold: the smallest change that is a regression (0.10: 10 % worse).
        thresholds: per-benchmark thresholds, by name or glob (`parse/*: 0.2`).
        directions: per-benchmark direction (`smaller` or `bigger` is better), by name or
            glob, for formats that do not say.
        targets: per-benchmark target value, in the series' unit, drawn as a line.
        section: the nav title of the generated pages.
        alpha: the significance level of the regression check's test: a change is a
            regression only when its p-value is below it (and it exceeds the threshold).
        base: what the check compares with: `branch` (the history's last runs, recorded on
            the base branch), `release` (the last release's runs), or `auto` (`release`
            when a release is built, `docgen deploy VERSION`, else `branch`).
        base_runs: how many of the base's last runs the check pools.
        step_min_runs: the fewest runs on each side of a step change the pages mark.
    """

    results: tuple[str, ...] = ()
    history: str = ".docgen/benchmarks.history"
    keep_runs: int = 1000
    keep_days: int = 0
    keep_samples: int = 10
    keep_releases: int = 10
    threshold: float = 0.10
    thresholds: Mapping[str, float] = field(default_factory=dict)
    directions: Mapping[str, str] = field(default_factory=dict)
    targets: Mapping[str, float] = field(default_factory=dict)
    section: str = "Performance"
    alpha: float = 0.01
    base: Literal["auto", "branch", "release"] = "auto"
    base_runs: int = 5
    step_min_runs: int = 5


@dataclass(frozen=True, slots=True)
class ChangelogConfig:
    """`changelog:` — release notes, one page per version plus "Unreleased".

    Attributes:
        source: where the notes come from: `git` (tags and conventional commits), `file`
            (a Keep a Changelog file), `towncrier` (its fragments), or `auto` (the first
            that exists).
        file: the changelog file for `file`, relative to the project root.
        section: the nav title of the generated pages.
    """

    source: Literal["auto", "git", "file", "towncrier"] = "auto"
    file: str = "CHANGELOG.md"
    section: str = "Release notes"


@dataclass(frozen=True, slots=True)
class DocgenConfig:
    """The whole configuration: where the project is, and one section per stage.

    A section is None when its stage is turned off (`pipelines: false`).

    Attributes:
        root: the folder of `mkdocs.yml`; every location is relative to it.
        docs_dir: the absolute folder of the hand-written pages.
        site_dir: the absolute folder the site is built into.
        site_name: the site's name, from mkdocs.yml.
        repo_url: the repository's web address, for source links.
        site_url: the address the site is published at.
        edit_uri: MkDocs' edit link path.
        theme_dir: the absolute folder of the theme's overrides (`theme: {custom_dir: …}`),
            or None: templates, which MkDocs copies into the site when they are in `docs_dir`.
        offline: set by `--offline`: no stage may touch the network, and whatever it skips
            is counted and said.
        cache_dir: results kept across runs.
        quality_page: add the "Documentation quality" page.
        page_cache: reuse a page's last rendering (kept in `cache_dir`) when nothing it
            reads has changed; `--no-cache` turns it off for one run.
        serving: set under `mkdocs serve`: external links wait for `build` and `check`, so
            a reload never waits on the network.
        engine: what builds the site: `mkdocs`, `properdocs` or `zensical` (`engine:` in
            the docgen section; `--engine` overrides it).
        config_file: the site's config file (`mkdocs.yml` or `mkdocs.yaml`); None when
            there is none (`docgen dump` in any folder): then `find_config_file(root)`.
        api: the `api` section.
        pipelines: the `pipelines` section.
        diagrams: the `diagrams` section.
        examples: the `examples` section.
        links: the `links` section.
        lint: the `lint` section.
        deploy: the `deploy` section.
        benchmarks: the `benchmarks` section.
        changelog: the `changelog` section; None unless the config has one.
        version: the version being built (`docgen deploy VERSION`), or None.
        markdown: what the Markdown extensions and plugins of mkdocs.yml do to code blocks.
    """

    root: Path
    docs_dir: Path
    site_dir: Path
    site_name: str = ""
    repo_url: str | None = None
    site_url: str | None = None
    edit_uri: str | None = None
    theme_dir: Path | None = None
    offline: bool = False
    cache_dir: Path = field(default_factory=lambda: Path(".cache") / "docgen")
    quality_page: bool = True
    page_cache: bool = True
    serving: bool = False
    engine: EngineName = "mkdocs"
    config_file: Path | None = None
    api: ApiConfig | None = None
    pipelines: PipelinesConfig | None = field(default_factory=PipelinesConfig)
    diagrams: DiagramsConfig | None = field(default_factory=DiagramsConfig)
    examples: ExamplesConfig | None = field(default_factory=ExamplesConfig)
    links: LinksConfig | None = field(default_factory=LinksConfig)
    lint: LintConfig | None = field(default_factory=LintConfig)
    deploy: DeployConfig | None = field(default_factory=DeployConfig)
    benchmarks: BenchmarksConfig | None = field(default_factory=BenchmarksConfig)
    changelog: ChangelogConfig | None = None
    version: str | None = None
    markdown: MarkdownSetup = field(default_factory=MarkdownSetup)

    @property
    def site_config(self) -> Path:
        """The site's config file: `config_file`, else the one `find_config_file` finds."""
        return self.config_file or find_config_file(self.root)

    def relative(self, path: Path) -> str:
        """A path as the user should see it: relative to the project root when inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def top_level_keys(text: str) -> list[tuple[str, int]] | None:
    """The top-level keys of mkdocs.yml's text, in order, each with its 1-based line, or
    None when YAML cannot read it as a mapping.

    Repeats included: YAML keeps the last of a key written twice, silently (`docgen init`
    and the plugin both say so).
    """
    import yaml  # noqa: PLC0415 - only the callers that look at the file's text need it

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    return [
        (str(key.value), key.start_mark.line + 1)
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    ]


def duplicate_keys(config: DocgenConfig, file: Path) -> list[Diagnostic]:
    """A top-level key written twice in mkdocs.yml: YAML keeps the last, silently.

    Two `plugins:` keys drop every plugin of the first (uvicorn's mkdocstrings), on every
    engine. One warning (DG103) at each repeat; a file YAML cannot read is the engine's
    to report.

    Args:
        config: the project's config: locations are relative to its root.
        file: the site's config file (`mkdocs.yml` or `mkdocs.yaml`).
    """
    try:
        keys = top_level_keys(file.read_text(encoding="utf-8")) or []
    except (OSError, UnicodeDecodeError):
        return []
    lines: dict[str, list[int]] = {}
    for key, line in keys:
        lines.setdefault(key, []).append(line)
    return [
        Diagnostic(
            "DG103",
            Severity.WARNING,
            f"'{name}' is set again (first on line {at[0]}); MkDocs uses only the last"
            f" '{name}:' (line {at[-1]}) and ignores the others",
            Location(config.relative(file), line),
            hint=f"merge the '{name}:' sections into one",
            stage=config.engine,  # the engine that reads the file
        )
        for name, at in lines.items()
        for line in at[1:]
    ]
